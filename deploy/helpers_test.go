package deploy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain removes the exporter binary that the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if exporterDir != "" {
		_ = os.RemoveAll(exporterDir)
	}
	os.Exit(code)
}

// tool returns the path of an external tool, or skips the test loudly when
// it is missing; with REQUIRE_TOOLS=1 (CI) a missing tool fails the test.
func tool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s is not installed (apt-get install %s); REQUIRE_TOOLS=1 turns this skip into a failure", name, debianPackage)
	if os.Getenv("REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	fmt.Fprintf(os.Stderr, "\n*** SKIP %s: %s ***\n\n", t.Name(), msg)
	t.Skip(msg)
	return ""
}

// root is the repository root, the parent of this package's directory.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", dir, err)
	}
	return dir
}

// command runs name with args and returns its combined output and error;
// it fails the test only when the command cannot finish in time.
func command(t *testing.T, timeout time.Duration, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %s\n%s", name, strings.Join(args, " "), timeout, out)
	}
	return string(out), err
}

var (
	exporterOnce sync.Once
	exporterDir  string
	exporterBin  string
	exporterErr  error
)

// exporter builds the exporter once for the whole test binary and returns
// its path: systemd-analyze verify needs a real ExecStart binary, and its
// --help tells which flags exist.
func exporter(t *testing.T) string {
	t.Helper()
	repo := root(t)
	exporterOnce.Do(func() {
		exporterDir, exporterErr = os.MkdirTemp("", "deploy-test-")
		if exporterErr != nil {
			return
		}
		exporterBin = filepath.Join(exporterDir, "voximplant_exporter")
		cmd := exec.Command("go", "build", "-trimpath", "-o", exporterBin, ".")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			exporterErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if exporterErr != nil {
		t.Fatalf("cannot build the exporter: %v", exporterErr)
	}
	return exporterBin
}

var helpFlag = regexp.MustCompile(`--(?:\[no-\])?([a-z][a-z0-9.-]*)`)

// checkFlags fails the test for each argument of a kit that is not a flag
// of the exporter (a typo would stop the exporter from starting).
func checkFlags(t *testing.T, where string, args []string) {
	t.Helper()
	help, err := command(t, time.Minute, exporter(t), "--help")
	if err != nil {
		t.Fatalf("voximplant_exporter --help: %v\n%s", err, help)
	}
	known := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
		known[m[1]] = true
	}
	if !known["voximplant.credentials-file"] || !known["web.listen-address"] {
		t.Fatalf("cannot read the flags from voximplant_exporter --help:\n%s", help)
	}
	if len(args) == 0 {
		t.Fatalf("%s: no exporter arguments found", where)
	}
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !strings.HasPrefix(a, "--") || !known[name] {
			t.Errorf("%s: %q is not a flag of voximplant_exporter (see --help)", where, a)
		}
	}
}
