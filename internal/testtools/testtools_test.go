package testtools

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeT records how Need ended a test. Fatal and Skip stop the caller as
// the real ones do (runtime.Goexit there, a panic caught by call here).
type fakeT struct {
	testing.TB
	name    string
	outcome string // "fatal", "skip" or "" (returned)
	msg     string
	logs    []string
}

type stop struct{}

func (f *fakeT) Helper()                      {}
func (f *fakeT) Name() string                 { return f.name }
func (f *fakeT) Logf(format string, a ...any) { f.logs = append(f.logs, fmt.Sprintf(format, a...)) }
func (f *fakeT) Fatal(a ...any)               { f.end("fatal", fmt.Sprint(a...)) }
func (f *fakeT) Fatalf(format string, a ...any) {
	f.end("fatal", fmt.Sprintf(format, a...))
}
func (f *fakeT) Skip(a ...any) { f.end("skip", fmt.Sprint(a...)) }
func (f *fakeT) end(outcome, msg string) {
	f.outcome, f.msg = outcome, msg
	panic(stop{})
}

// call runs Need under a fake test named name and returns the fake and the
// path Need returned.
func call(name string, tool Tool) (f *fakeT, path string) {
	f = &fakeT{name: name}
	defer func() {
		if r := recover(); r != nil && r != (stop{}) {
			panic(r)
		}
	}()
	return f, Need(f, tool)
}

// fakeTool writes an executable script that answers --version.
func fakeTool(t *testing.T, versionLine string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tool")
	script := "#!/bin/sh\necho '" + versionLine + "'\necho 'second line'\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

var tool = Tool{Name: "voximplant-test-tool-that-does-not-exist", EnvVar: "VOXIMPLANT_TEST_TOOL_BIN", Debian: "some-package", Prom3: true}

func TestNeedUsesTheEnvVarAndLogsTheVersion(t *testing.T) {
	p := fakeTool(t, "faketool, version 3.16.0")
	t.Setenv(tool.EnvVar, p)
	f, got := call("TestEndToEnd", tool)
	if f.outcome != "" || got != p {
		t.Fatalf("Need = %q (%s %q), want %q", got, f.outcome, f.msg, p)
	}
	if len(f.logs) != 1 || !strings.Contains(f.logs[0], p) || !strings.Contains(f.logs[0], "(faketool, version 3.16.0)") {
		t.Errorf("log %q should name the path and the first line of --version", f.logs)
	}
}

func TestNeedFindsTheToolOnPath(t *testing.T) {
	p := fakeTool(t, "v1")
	t.Setenv("PATH", filepath.Dir(p))
	t.Setenv("REQUIRE_TOOLS", "1")
	f, got := call("TestPromtoolCheckRules/sub", Tool{Name: "tool", EnvVar: tool.EnvVar, Prom3: true})
	if f.outcome != "" || got != p {
		t.Fatalf("Need = %q (%s %q), want %q", got, f.outcome, f.msg, p)
	}
}

func TestNeedSkipsOrFailsWhenNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, c := range []struct{ require, outcome string }{{"", "skip"}, {"0", "skip"}, {"1", "fatal"}} {
		t.Setenv("REQUIRE_TOOLS", c.require)
		f, _ := call("TestAmtoolCheckConfig", tool)
		if f.outcome != c.outcome {
			t.Errorf("REQUIRE_TOOLS=%q: outcome %q, want %q", c.require, f.outcome, c.outcome)
		}
		for _, want := range []string{tool.Name + " is not installed", tool.Debian, tool.EnvVar} {
			if !strings.Contains(f.msg, want) {
				t.Errorf("REQUIRE_TOOLS=%q: message %q lacks %q", c.require, f.msg, want)
			}
		}
	}
}

func TestNeedFailsOnABadEnvVar(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), "no such file"},
		{dir, "not an executable file"},
		{plain, "not an executable file"},
	} {
		t.Setenv(tool.EnvVar, c.path)
		// Even without REQUIRE_TOOLS: the variable asked for this program.
		f, _ := call("TestEndToEnd", tool)
		if f.outcome != "fatal" || !strings.Contains(f.msg, tool.EnvVar+"="+c.path) || !strings.Contains(f.msg, c.want) {
			t.Errorf("%s=%s: %s %q, want a failure naming the variable and %q", tool.EnvVar, c.path, f.outcome, f.msg, c.want)
		}
	}
}

func TestNeedRefusesATestNameOutsideRunPattern(t *testing.T) {
	t.Setenv(tool.EnvVar, fakeTool(t, "v1"))
	for _, name := range []string{"TestDashboardsStatic", "TestSomething/Promtool"} {
		f, _ := call(name, tool)
		if f.outcome != "fatal" || !strings.Contains(f.msg, "rename it") {
			t.Errorf("%s: %s %q, want a failure asking to rename the test", name, f.outcome, f.msg)
		}
	}
	// A tool make test-prom3 does not build (systemd-analyze) is not
	// held to the pattern.
	other := tool
	other.Prom3 = false
	if f, got := call("TestSystemdAnalyzeVerify", other); f.outcome != "" || got == "" {
		t.Errorf("a tool outside Prometheus 3's set: %s %q, want the path", f.outcome, f.msg)
	}
}

// TestMakefileRunsWhatNeedAccepts: make test-prom3 selects the tool tests
// with TOOL_TESTS; Need enforces RunPattern. They must be the same pattern.
func TestMakefileRunsWhatNeedAccepts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "TOOL_TESTS := "); ok {
			if v != RunPattern {
				t.Errorf("Makefile TOOL_TESTS is %q, RunPattern is %q", v, RunPattern)
			}
			return
		}
	}
	t.Error("the Makefile has no `TOOL_TESTS := ` line")
}
