package testkit

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTools reports whether a missing external tool must fail the test
// rather than skip it: REQUIRE_TOOLS=1, as CI sets.
func RequireTools() bool { return os.Getenv("REQUIRE_TOOLS") == "1" }

// Tool finds an external tool: the path in the environment variable env
// when set (e.g. PROMTOOL_BIN), else name on PATH. Without it the test is
// skipped, loudly, naming what to install (hint), unless RequireTools,
// where it fails.
func Tool(t testing.TB, name, env, hint string) string {
	t.Helper()
	if env != "" {
		if p := os.Getenv(env); p != "" {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("%s=%s: %v", env, p, err)
			}
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if RequireTools() {
		t.Fatalf("%s is not installed and REQUIRE_TOOLS=1: %s", name, hint)
	}
	t.Skipf("SKIPPED: %s is not installed (%s); set REQUIRE_TOOLS=1 to make this a failure", name, hint)
	return ""
}
