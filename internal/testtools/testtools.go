// Package testtools finds the external programs (prometheus, promtool,
// amtool, systemd-analyze) that the end-to-end, rule and deployment tests
// drive, for every package whose tests need them.
//
// A tool comes from its environment variable when that is set (make
// test-prom3 points PROMETHEUS_BIN, PROMTOOL_BIN and AMTOOL_BIN at the
// Prometheus 3 build in .tmp/tools/), otherwise from PATH (Debian's
// packages). A missing tool on PATH skips the test loudly, or fails it when
// REQUIRE_TOOLS=1 (as .ci/run sets); a variable that names a program that
// is not there always fails, since someone asked for that program.
package testtools

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tool is an external program a test needs.
type Tool struct {
	Name   string // command name looked up on PATH
	EnvVar string // variable that, when set, names the program to use
	Debian string // Debian package that installs it
	// Prom3 is true for the tools make test-prom3 builds at Prometheus 3:
	// a test using one must match RunPattern.
	Prom3 bool
}

// The tools the tests use.
var (
	Prometheus     = Tool{Name: "prometheus", EnvVar: "PROMETHEUS_BIN", Debian: "prometheus", Prom3: true}
	Promtool       = Tool{Name: "promtool", EnvVar: "PROMTOOL_BIN", Debian: "prometheus", Prom3: true}
	Amtool         = Tool{Name: "amtool", EnvVar: "AMTOOL_BIN", Debian: "prometheus-alertmanager", Prom3: true}
	SystemdAnalyze = Tool{Name: "systemd-analyze", EnvVar: "SYSTEMD_ANALYZE_BIN", Debian: "systemd"}
)

// RunPattern matches the name of every top-level test that uses a tool.
// make test-prom3 runs only these tests (with `go test -run`) against the
// Prometheus 3 tools, so Need fails a test whose name does not match it:
// otherwise that test would silently never meet Prometheus 3. Keep it in
// step with TOOL_TESTS in the Makefile. Tools that are not Prom3 are not
// held to it.
const RunPattern = `Promtool|Prometheus|Amtool|EndToEnd`

var runPattern = regexp.MustCompile(RunPattern)

// RequireTools reports whether a missing tool is a failure (CI) rather than
// a skip.
func RequireTools() bool { return os.Getenv("REQUIRE_TOOLS") == "1" }

// Need returns the path of tool, or skips the test loudly (fails it under
// REQUIRE_TOOLS=1) when the tool is not installed. It logs the tool's
// version, so that a run's log says which Prometheus it tested against.
func Need(t testing.TB, tool Tool) string {
	t.Helper()
	if top, _, _ := strings.Cut(t.Name(), "/"); tool.Prom3 && !runPattern.MatchString(top) {
		t.Fatalf("%s uses %s but its name does not match %q, so make test-prom3 would not run it against Prometheus 3: rename it", top, tool.Name, RunPattern)
	}
	path, missing, err := lookup(tool)
	switch {
	case err == nil:
	case missing && !RequireTools():
		// go test prints nothing of a passing package's output, so this
		// is loud through make test: gotestsum lists every skip at the end.
		t.Skip("SKIPPED: " + err.Error() + "; REQUIRE_TOOLS=1 turns this skip into a failure")
	default:
		t.Fatal(err)
	}
	t.Logf("using %s %s (%s)", tool.Name, path, version(path))
	return path
}

// lookup resolves tool from its variable or PATH. missing is true when the
// tool is simply not installed, the one case that may be skipped; a
// variable naming no executable is an error of its own.
func lookup(tool Tool) (path string, missing bool, err error) {
	if p := os.Getenv(tool.EnvVar); p != "" {
		st, err := os.Stat(p)
		switch {
		case err != nil:
			return "", false, fmt.Errorf("%s=%s: %w (unset it to use %s from PATH; make tools builds the Prometheus 3 set)", tool.EnvVar, p, err, tool.Name)
		case st.IsDir() || st.Mode()&0o111 == 0:
			return "", false, fmt.Errorf("%s=%s is not an executable file", tool.EnvVar, p)
		}
		return p, false, nil
	}
	p, err := exec.LookPath(tool.Name)
	if err != nil {
		return "", true, fmt.Errorf("%s is not installed (Debian package %s), or set %s to its path", tool.Name, tool.Debian, tool.EnvVar)
	}
	return p, false, nil
}

var versions sync.Map // path -> first line of --version

// version returns the first line of the program's --version output, or
// why there is none.
func version(path string) string {
	if v, ok := versions.Load(path); ok {
		return v.(string)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		v = fmt.Sprintf("--version failed: %v %s", err, v)
	}
	versions.Store(path, v)
	return v
}
