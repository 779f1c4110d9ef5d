package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// TestStartupErrorsOneStyle: with no flags at all both problems are
// reported, one line each, in the one style of start-up errors (no logfmt,
// no literal \n).
func TestStartupErrorsOneStyle(t *testing.T) {
	code, out := runExporter(t, []string{"VOXIMPLANT_CREDENTIALS="})
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two lines, one per problem:\n%s", out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "voximplant_exporter: error: --voximplant.") && !strings.HasPrefix(l, "voximplant_exporter: error: at least one --voximplant.") {
			t.Errorf("line not in the start-up error style, or not naming the flag: %q", l)
		}
		if strings.Contains(l, `\n`) || strings.Contains(l, "level=") {
			t.Errorf("line %q", l)
		}
	}
}

// TestPortInUseNamedFirst: a port in use is one error naming
// --web.listen-address, before anything claims to have started.
func TestPortInUseNamedFirst(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, out := runExporter(t, nil, "--demo", "--web.listen-address="+l.Addr().String())
	if code != 1 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "error: --web.listen-address="+l.Addr().String()) || errorLines(out) != 1 {
		t.Errorf("want one error naming --web.listen-address:\n%s", out)
	}
	if strings.Contains(out, "demo mode: serving") || strings.Contains(out, "starting voximplant_exporter") {
		t.Errorf("something claimed to start before the port error:\n%s", out)
	}
}

// TestDemoSaysWhichFlagsItIgnores and the landing page: links that all
// answer, no profiling links, the applications and collectors watched, and
// the last pass.
func TestDemoSaysWhichFlagsItIgnoresAndLandingPage(t *testing.T) {
	e := startExporter(t, "--demo", "--voximplant.api-url=https://api.example.com/platform_api/")
	if !strings.Contains(e.Logs.String(), "ignoring --voximplant.api-url") {
		t.Errorf("no warning naming the ignored flag:\n%s", e.Logs)
	}
	get(t, e.Base+"/metrics", nil)
	code, page := get(t, e.Base+"/", nil)
	if code != 200 {
		t.Fatalf("landing page: %d", code)
	}
	if strings.Contains(page, "debug/pprof") {
		t.Error("the landing page links profiling, which is not served")
	}
	for _, want := range []string{`href="/-/ready"`, `href="/-/healthy"`, `href="/metrics"`, "Collectors on: users, account, acd_state", "Last API pass: 20", "users ok"} {
		if !strings.Contains(page, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	for _, link := range []string{"/-/ready", "/-/healthy", "/metrics"} {
		if code, _ := get(t, e.Base+link, nil); code != 200 {
			t.Errorf("%s: %d", link, code)
		}
	}
}

// TestFirstContact: at start-up one request checks the key and the role,
// and one clear line says what is wrong; the exporter keeps running.
func TestFirstContact(t *testing.T) {
	t.Run("role missing", func(t *testing.T) {
		sim, path, _ := startSim(t, 0o600, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetUsers"} })
		e := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+path, "--voximplant.api-url="+sim.URL(), simApp(sim))
		testkit.WaitFor(t, 10*time.Second, "no first-contact line", func() bool {
			return strings.Contains(e.Logs.String(), "code 104: the service account lacks the role Supervisor")
		})
		if code, _ := get(t, e.Base+"/-/healthy", nil); code != 200 {
			t.Error("the exporter stopped after a refused first request")
		}
	})
	t.Run("example key", func(t *testing.T) {
		sim, _, _ := startSim(t, 0o600, nil)
		example, err := filepath.Abs("examples/credentials.json")
		if err != nil {
			t.Fatal(err)
		}
		e := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+example, "--voximplant.api-url="+sim.URL(), simApp(sim))
		testkit.WaitFor(t, 10*time.Second, "no first-contact line", func() bool {
			return strings.Contains(e.Logs.String(), "the key in "+example+" was not accepted (it is the example's fake key")
		})
	})
	t.Run("accepted", func(t *testing.T) {
		sim, path, _ := startSim(t, 0o600, nil)
		e := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+path, "--voximplant.api-url="+sim.URL(), simApp(sim))
		testkit.WaitFor(t, 10*time.Second, "no first-contact line", func() bool {
			return strings.Contains(e.Logs.String(), "accepted the key and the role")
		})
	})
}

// TestCredentialsDirectory: a bare file name is looked up in
// $CREDENTIALS_DIRECTORY, where systemd's LoadCredential= puts it.
func TestCredentialsDirectory(t *testing.T) {
	sim, path, _ := startSim(t, 0o600, nil)
	dir := filepath.Dir(path)
	cmdEnv := []string{"CREDENTIALS_DIRECTORY=" + dir}
	addr := testkit.FreeAddr(t)
	// A bad application id stops the exporter after the credentials load:
	// an error about the application, not the file, shows the file was found.
	code, out := runExporter(t, cmdEnv, "--voximplant.credentials-file="+filepath.Base(path), "--voximplant.api-url="+sim.URL(),
		"--voximplant.application-id=-1", "--web.listen-address="+addr)
	if code != 1 || !strings.Contains(out, "--voximplant.application-id must be a positive id") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if got := credentialsPath(filepath.Base(path)); got != filepath.Base(path) {
		t.Errorf("without the variable, %q became %q", filepath.Base(path), got)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	if got := credentialsPath(filepath.Base(path)); got != path {
		t.Errorf("credentialsPath = %q, want %q", got, path)
	}
	if got := credentialsPath("/etc/x.json"); got != "/etc/x.json" {
		t.Errorf("a path was rewritten: %q", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
