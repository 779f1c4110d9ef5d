package deploy

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// TestMain fails the package when a test leaves a goroutine running.
func TestMain(m *testing.M) { testkit.VerifyTestMain(m) }

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

var helpFlag = regexp.MustCompile(`--(?:\[no-\])?([a-z][a-z0-9.-]*)`)

// checkFlags fails the test for each argument of a kit that is not a flag
// of the exporter (a typo would stop the exporter from starting).
func checkFlags(t *testing.T, where string, args []string) {
	t.Helper()
	help, err := command(t, time.Minute, testkit.ExporterBinary(t), "--help")
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
