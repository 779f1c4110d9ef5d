package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// TestMain fails the package when a test leaves a goroutine running.
func TestMain(m *testing.M) { testkit.VerifyTestMain(m) }

// requireTool finds an external tool (PROMTOOL_BIN and the like override
// PATH); without it the test skips loudly, or fails under REQUIRE_TOOLS=1.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	tools := map[string]testtools.Tool{"promtool": testtools.Promtool, "prometheus": testtools.Prometheus, "amtool": testtools.Amtool}
	tool, ok := tools[name]
	if !ok {
		t.Fatalf("no tool %s", name)
	}
	return testtools.Need(t, tool)
}

// runExporter runs the binary to completion with a timeout.
func runExporter(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testkit.ExporterBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("exporter did not exit: %s", out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

func writeTemp(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStartupErrors(t *testing.T) {
	creds := voxsim.NewTestCredentials(4242)
	goodCreds := writeTemp(t, "credentials.json", string(creds.JSON()), 0o600)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(creds.PrivateKey)
	keyB64Fragment := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))[40:90]

	var m map[string]any
	_ = json.Unmarshal(creds.JSON(), &m)
	delete(m, "key_id")
	noKeyID, _ := json.Marshal(m)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	m["key_id"] = "k"
	m["private_key"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	ecCreds, _ := json.Marshal(m)

	app := "--voximplant.application-id=1"
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no credentials", nil, []string{app}, "--voximplant.credentials-file (or VOXIMPLANT_CREDENTIALS) is required"},
		{"no application", nil, []string{"--voximplant.credentials-file=" + goodCreds}, "at least one --voximplant.application-id or --voximplant.application-name"},
		{"missing file", nil, []string{app, "--voximplant.credentials-file=/nonexistent/creds.json"}, `"/nonexistent/creds.json": does not exist`},
		{"file via env missing", []string{"VOXIMPLANT_CREDENTIALS=/nonexistent/env.json"}, []string{app}, `"/nonexistent/env.json"`},
		{"directory", nil, []string{app, "--voximplant.credentials-file=" + t.TempDir()}, "is a directory"},
		{"not JSON", nil, []string{app, "--voximplant.credentials-file=" + writeTemp(t, "c.json", "not json", 0o600)}, "is not valid JSON"},
		{"missing key_id", nil, []string{app, "--voximplant.credentials-file=" + writeTemp(t, "c.json", string(noKeyID), 0o600)}, `field "key_id": is missing`},
		{"EC key", nil, []string{app, "--voximplant.credentials-file=" + writeTemp(t, "c.json", string(ecCreds), 0o600)}, "ECDSA key, not RSA"},
		{"page size", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.page-size=0"}, "--voximplant.page-size must be between 1 and 10000"},
		{"concurrency", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.page-concurrency=0"}, "--voximplant.page-concurrency must be between 1 and 64"},
		{"negative app id", nil, []string{"--voximplant.application-id=-3", "--voximplant.credentials-file=" + goodCreds}, "--voximplant.application-id must be a positive id"},
		{"bad app id", nil, []string{"--voximplant.application-id=abc", "--voximplant.credentials-file=" + goodCreds}, `--voximplant.application-id="abc" is not a numeric id`},
		{"bad duration", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.timeout=soon"}, `--voximplant.timeout="soon" is not a duration`},
		{"zero timeout", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.timeout=0s"}, "--voximplant.timeout must be positive"},
		{"unknown flag", nil, []string{"--voximplant.nope"}, "unknown long flag '--voximplant.nope'"},
		{"api url", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.api-url=ftp://x/"}, "is not an absolute http(s) URL"},
		{"plain http", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--voximplant.api-url=http://api.example.com/platform_api/"}, "plain http to a non-loopback host"},
		{"telemetry path", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--web.telemetry-path=metrics"}, "--web.telemetry-path must start with /"},
		{"log level", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--log.level=loud"}, "log level loud"},
		{"web config missing", nil, []string{app, "--voximplant.credentials-file=" + goodCreds, "--web.listen-address=" + testkit.FreeAddr(t), "--web.config.file=/nonexistent/web.yml"}, "/nonexistent/web.yml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runExporter(t, tc.env, tc.args...)
			out = strings.ReplaceAll(out, `\"`, `"`) // logfmt escapes quotes in err=
			if code != 1 {
				t.Errorf("exit status %d, want 1; output:\n%s", code, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output does not say %q:\n%s", tc.want, out)
			}
			if n := errorLines(out); n != 1 {
				t.Errorf("%d error lines, want exactly one:\n%s", n, out)
			}
			if strings.Contains(out, keyB64Fragment) || strings.Contains(out, "PRIVATE KEY-----\n") {
				t.Errorf("output leaks key material:\n%s", out)
			}
		})
	}
}

// errorLines counts lines that report an error: promslog's level=ERROR and
// kingpin's "error:".
func errorLines(out string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, ": error: ") {
			n++
		}
	}
	return n
}

func TestVersionAndHelp(t *testing.T) {
	code, out := runExporter(t, nil, "--version")
	if code != 0 || !strings.Contains(out, "voximplant_exporter, version") {
		t.Errorf("--version: exit %d:\n%s", code, out)
	}
	code, out = runExporter(t, nil, "--help")
	for _, flag := range []string{"--voximplant.credentials-file", "--voximplant.account-id", "--voximplant.api-url",
		"--voximplant.application-id", "--voximplant.application-name", "--voximplant.page-size",
		"--voximplant.page-concurrency", "--voximplant.timeout", "--voximplant.cache-ttl", "--web.timeout-offset",
		"--[no-]collector.users", "--[no-]collector.acd-state", "--demo", "--web.listen-address", "--web.config.file", "web.systemd-socket",
		"--web.telemetry-path", "--log.level", "--log.format", "version", "VOXIMPLANT_CREDENTIALS"} {
		if !strings.Contains(out, flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
	if code != 0 {
		t.Errorf("--help exit %d", code)
	}
}

// startExporter starts the binary over plain HTTP and waits until it
// answers /-/healthy.
func startExporter(t *testing.T, args ...string) *testkit.Exporter {
	t.Helper()
	return startBinary(t, "http", http.DefaultClient, nil, args...)
}

// startBinary starts the binary and waits until /-/healthy answers 200
// through client, with headers hdr.
func startBinary(t *testing.T, scheme string, client *http.Client, hdr map[string]string, args ...string) *testkit.Exporter {
	t.Helper()
	return testkit.StartExporter(t, testkit.ExporterBinary(t), scheme, client, hdr, args...)
}

func get(t *testing.T, url string, hdr map[string]string) (int, string) {
	t.Helper()
	code, body, err := tryGet(url, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// tryGet is get for goroutines other than the test's, which must not call
// t.Fatal.
func tryGet(url string, hdr map[string]string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestDemoServesMetricsThatPromtoolAccepts(t *testing.T) {
	base := startExporter(t, "--demo").Base
	code, body := get(t, base+"/metrics", nil)
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		"voximplant_up 1",
		`voximplant_acd_operators{acd_status="READY"`,
		"voximplant_acd_skill_operators{",
		"voximplant_acd_queue_operators{",
		"voximplant_user_info{",
		"voximplant_user_acd_status{",
		"voximplant_user_acd_status_change_timestamp_seconds{",
		"voximplant_snapshot_timestamp_seconds ",
		"voximplant_scrape_duration_seconds ",
		`voximplant_api_requests_total{method="GetUsers",outcome="success"}`,
		"voximplant_api_request_duration_seconds_bucket{",
		"voximplant_exporter_build_info{",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, landing := get(t, base+"/", nil)
	if code != 200 || !strings.Contains(landing, "/metrics") {
		t.Errorf("landing page: %d", code)
	}
	if code, _ := get(t, base+"/-/ready", nil); code != 200 {
		t.Errorf("/-/ready: %d", code)
	}

	promtool := requireTool(t, "promtool")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestScrapeTimeoutHeaderHonoured(t *testing.T) {
	// An API that never answers: the scrape must end by Prometheus's own
	// timeout (less the offset), not by the much longer fallback.
	creds := voxsim.NewTestCredentials(4242)
	sim, err := voxsim.Start(voxsim.Config{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.Inject(voxsim.Fault{Hang: true, Times: -1})
	credsFile := writeTemp(t, "credentials.json", string(creds.JSON()), 0o600)
	base := startExporter(t, "--voximplant.credentials-file="+credsFile, "--voximplant.api-url="+sim.URL(),
		"--voximplant.application-id=1", "--voximplant.timeout=60s", "--web.timeout-offset=0.5s").Base

	start := time.Now()
	code, body := get(t, base+"/metrics", map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": "1.5"})
	took := time.Since(start)
	if code != 200 || !strings.Contains(body, "voximplant_up 0") {
		t.Errorf("scrape against a hung API: %d, up 0 missing", code)
	}
	if took > 20*time.Second {
		t.Errorf("scrape took %s: the 1.5 s scrape-timeout header was not used", took)
	}
	if strings.Contains(body, "voximplant_acd_operators{") {
		t.Error("operator series on a failed scrape")
	}
}

func TestGracefulShutdown(t *testing.T) {
	e := startExporter(t, "--demo")
	if err := e.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	requireCleanExit(t, e, 20*time.Second)
}

// requireCleanExit waits for the signalled exporter to exit 0 within limit.
func requireCleanExit(t *testing.T, e *testkit.Exporter, limit time.Duration) {
	t.Helper()
	if err := e.Wait(t, limit); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, e.Logs)
	}
}
