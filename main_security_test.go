package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// startSim starts voxsim with a generated contact centre and returns it
// with a credentials file (mode) for it.
func startSim(t *testing.T, mode os.FileMode, mod func(*voxsim.Config)) (*voxsim.Server, string, *voxsim.Credentials) {
	t.Helper()
	creds := voxsim.NewTestCredentials(4242)
	cfg := voxsim.Config{Credentials: creds, Account: voxsim.Generate(voxsim.GenConfig{Users: 30, Apps: 1, Seed: 3})}
	if mod != nil {
		mod(&cfg)
	}
	sim, err := voxsim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	path := writeTemp(t, "credentials.json", string(creds.JSON()), mode)
	if err := os.Chmod(path, mode); err != nil { // whatever the umask made of it
		t.Fatal(err)
	}
	return sim, path, creds
}

func simApp(sim *voxsim.Server) string {
	return fmt.Sprintf("--voximplant.application-id=%d", sim.Account().Apps[0].ID)
}

// secretFragments are pieces of the key and of every token sim saw.
func secretFragments(t *testing.T, creds *voxsim.Credentials, sim *voxsim.Server) []string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(creds.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "\n") {
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
			out = append(out, line[8:40])
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		out = append(out, enc.EncodeToString(creds.PrivateKey.N.Bytes())[10:42], enc.EncodeToString(creds.PrivateKey.D.Bytes())[10:42])
	}
	out = append(out, "PRIVATE KEY-----")
	for _, tok := range sim.Stats().TokenSet {
		out = append(out, tok, tok[strings.LastIndex(tok, ".")+1:])
	}
	return out
}

func requireNoLeak(t *testing.T, where, text string, fragments []string) {
	t.Helper()
	for _, f := range fragments {
		if strings.Contains(text, f) {
			t.Errorf("%s leaks secret material %q", where, f)
		}
	}
}

// TestStartupBadInput extends TestStartupErrors to every kind of bad flag,
// credentials file, key, URL and web configuration: each ends the program
// with exit status 1 and exactly one error line, never quoting the key.
func TestStartupBadInput(t *testing.T) {
	creds := voxsim.NewTestCredentials(4242)
	good := writeTemp(t, "credentials.json", string(creds.JSON()), 0o600)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(creds.PrivateKey)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	fragment := keyPEM[40:90]

	flat := func(edit func(m map[string]any)) string {
		var m map[string]any
		_ = json.Unmarshal(creds.JSON(), &m)
		edit(m)
		b, _ := json.Marshal(m)
		return writeTemp(t, "c.json", string(b), 0o600)
	}
	credFile := func(content string) string { return writeTemp(t, "c.json", content, 0o600) }
	// Well-formed PEM around key bytes that are cut short: the key's
	// material is in the file, and must not reach the error.
	truncatedKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER[:len(keyDER)/2]}))
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: keyDER}))
	pkcs1Bad := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: keyDER[:len(keyDER)/2]}))

	cert, key := testkit.WriteCert(t)
	webConf := func(content string) string { return writeTemp(t, "web.yml", content, 0o600) }

	app := "--voximplant.application-id=1"
	withCreds := func(args ...string) []string {
		return append([]string{app, "--voximplant.credentials-file=" + good}, args...)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		// Flags.
		{"account id not a number", withCreds("--voximplant.account-id=abc"), `--voximplant.account-id="abc" is not a numeric id`},
		{"negative account id", withCreds("--voximplant.account-id=-5"), "--voximplant.account-id must be a positive account id"},
		{"page size not a number", withCreds("--voximplant.page-size=lots"), `--voximplant.page-size="lots" is not a whole number`},
		{"page size too big", withCreds("--voximplant.page-size=100000"), "--voximplant.page-size must be between 1 and 10000"},
		{"concurrency too big", withCreds("--voximplant.page-concurrency=1000"), "--voximplant.page-concurrency must be between 1 and 64"},
		{"max bytes per user too small", withCreds("--voximplant.max-bytes-per-user=10"), "--voximplant.max-bytes-per-user must be between 1024 and 1048576, got 10"},
		{"negative cache ttl", withCreds("--voximplant.cache-ttl=-1s"), "--voximplant.cache-ttl must not be negative"},
		{"bad cache ttl", withCreds("--voximplant.cache-ttl=forever"), `--voximplant.cache-ttl="forever" is not a duration`},
		{"negative offset", withCreds("--web.timeout-offset=-1s"), "--web.timeout-offset must not be negative"},
		{"negative max requests", withCreds("--web.max-requests=-1"), "--web.max-requests must not be negative"},
		{"bad max requests", withCreds("--web.max-requests=many"), `--web.max-requests="many" is not a whole number`},
		{"bad shutdown grace", withCreds("--web.shutdown-grace=later"), `--web.shutdown-grace="later" is not a duration`},
		{"empty application name", []string{"--voximplant.credentials-file=" + good, "--voximplant.application-name= "}, "--voximplant.application-name must not be empty"},
		{"application name twice", []string{"--voximplant.credentials-file=" + good, "--voximplant.application-name=a", "--voximplant.application-name=a"}, `--voximplant.application-name "a" is given twice`},
		{"id and name with the same label", []string{"--voximplant.credentials-file=" + good, "--voximplant.application-id=1", "--voximplant.application-name=1"}, `--voximplant.application-id=1 and --voximplant.application-name="1" would both be labelled application="1"`},
		{"id and name with the same label among others", []string{"--voximplant.credentials-file=" + good, "--voximplant.application-id=7", "--voximplant.application-id=42", "--voximplant.application-name=sales", "--voximplant.application-name=42"}, `--voximplant.application-id=42 and --voximplant.application-name="42" would both be labelled application="42"`},
		{"log format", withCreds("--log.format=xml"), "xml"},
		{"demo users", []string{"--demo", "--demo.users=0"}, "--demo.users must be between 1 and 100000"},
		// URLs.
		{"url without host", withCreds("--voximplant.api-url=https:///platform_api/"), "is not an absolute http(s) URL"},
		{"relative url", withCreds("--voximplant.api-url=platform_api/"), "is not an absolute http(s) URL"},
		{"unparsable url", withCreds("--voximplant.api-url=https://[::1/"), "is not an absolute http(s) URL"},
		{"url with user", withCreds("--voximplant.api-url=https://user:pass@api.voximplant.com/platform_api/"), "must not contain user information"},
		{"url with query", withCreds("--voximplant.api-url=https://api.voximplant.com/platform_api/?x=1"), "must not have a query or fragment"},
		{"plain http by name", withCreds("--voximplant.api-url=http://localhost.example.com/platform_api/"), "plain http to a non-loopback host"},
		// Credentials files and keys.
		{"empty file", []string{app, "--voximplant.credentials-file=" + credFile("")}, "is not valid JSON"},
		{"JSON array", []string{app, "--voximplant.credentials-file=" + credFile("[1,2]")}, "is not a JSON object"},
		{"truncated JSON", []string{app, "--voximplant.credentials-file=" + credFile(string(creds.JSON()[:300]))}, "is not valid JSON"},
		{"account id string", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["account_id"] = "4242" })}, `field "account_id": must be a whole number`},
		{"account id zero", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["account_id"] = 0 })}, `field "account_id": must be a positive number`},
		{"key id empty", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["key_id"] = "" })}, `field "key_id": is empty`},
		{"no private key", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { delete(m, "private_key") })}, `field "private_key": is missing`},
		{"private key not a string", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = 7 })}, `field "private_key": must be a string`},
		{"private key not PEM", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = keyPEM[28:300] })}, "is not a PEM-encoded key"},
		{"private key truncated", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = truncatedKey })}, "does not parse"},
		{"private key encrypted", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = encrypted })}, "is encrypted"},
		{"PKCS#1 garbage", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = pkcs1Bad })}, "PKCS#1 RSA block that does not parse"},
		{"certificate instead of key", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = readFile(t, cert) })}, `PEM block of type "CERTIFICATE"`},
		{"512-bit key", []string{app, "--voximplant.credentials-file=" + flat(func(m map[string]any) { m["private_key"] = readFile(t, "voxapi/testdata/weak-rsa512.pem") })}, `field "private_key": is a 512-bit RSA key; at least 2048 bits are required`},
		{"two keys in result", []string{app, "--voximplant.credentials-file=" + credFile(`{"result":[{"account_id":1},{"account_id":2}]}`)}, `field "result": holds 2 keys`},
		// Web configuration.
		{"web config malformed YAML", withCreds("--web.listen-address="+testkit.FreeAddr(t), "--web.config.file="+webConf("tls_server_config: [unclosed\n  cert_file: x")), "invalid web configuration file"},
		{"web config unknown field", withCreds("--web.listen-address="+testkit.FreeAddr(t), "--web.config.file="+webConf("tls_server_konfig:\n  cert_file: x\n")), "tls_server_konfig"},
		{"web config missing cert", withCreds("--web.listen-address="+testkit.FreeAddr(t), "--web.config.file="+webConf("tls_server_config:\n  cert_file: /nonexistent/tls.crt\n  key_file: "+key+"\n")), "/nonexistent/tls.crt"},
		{"web config key without cert", withCreds("--web.listen-address="+testkit.FreeAddr(t), "--web.config.file="+webConf("tls_server_config:\n  key_file: "+key+"\n")), "missing one of cert or cert_file"},
		{"web config bad bcrypt", withCreds("--web.listen-address="+testkit.FreeAddr(t), "--web.config.file="+webConf("basic_auth_users:\n  prometheus: not-a-hash\n")), "bcrypt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runExporter(t, nil, tc.args...)
			out = strings.ReplaceAll(out, `\"`, `"`)
			if code != 1 {
				t.Errorf("exit status %d, want 1; output:\n%s", code, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output does not say %q:\n%s", tc.want, out)
			}
			if n := errorLines(out); n != 1 {
				t.Errorf("%d error lines, want exactly one:\n%s", n, out)
			}
			if strings.Contains(out, fragment) || strings.Contains(out, keyPEM[100:140]) || strings.Contains(out, "PRIVATE KEY-----\n") {
				t.Errorf("output leaks key material:\n%s", out)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCredentialsReadableByOthersWarns: a credentials file others may read
// still works, with one warning naming the file and the fix; a 0600 file
// gives none.
func TestCredentialsReadableByOthersWarns(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o600} {
		t.Run(mode.String(), func(t *testing.T) {
			sim, path, _ := startSim(t, mode, nil)
			e := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+path,
				"--voximplant.api-url="+sim.URL(), simApp(sim))
			base, logs := e.Base, e.Logs
			if code, body := get(t, base+"/metrics", nil); code != 200 || !strings.Contains(body, "voximplant_up 1") {
				t.Fatalf("scrape: %d", code)
			}
			var warn []string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "level=WARN") && strings.Contains(l, "readable by other users") {
					warn = append(warn, l)
				}
			}
			if mode == 0o644 {
				if len(warn) != 1 || !strings.Contains(warn[0], "chmod 600") || !strings.Contains(warn[0], path) || !strings.Contains(warn[0], "0644") {
					t.Errorf("want one warning naming the file, its mode and chmod 600:\n%s", logs)
				}
			} else if len(warn) != 0 {
				t.Errorf("warning for a 0600 file:\n%s", logs)
			}
		})
	}
}

// TestSecretsNeverLeakFromBinary runs the binary at --log.level=debug
// against voxsim through auth failures, throttling and bad answers, then
// scans its whole stderr, /metrics and the landing page for the key and
// every token voxsim saw.
func TestSecretsNeverLeakFromBinary(t *testing.T) {
	sim, path, creds := startSim(t, 0o600, nil)
	e := startBinary(t, "http", http.DefaultClient, nil, "--log.level=debug",
		"--voximplant.credentials-file="+path, "--voximplant.api-url="+sim.URL(), simApp(sim), "--voximplant.timeout=2s")
	base := e.Base
	var exposed strings.Builder
	scrape := func() {
		_, body := get(t, base+"/metrics", nil)
		exposed.WriteString(body)
		_, body = get(t, fmt.Sprintf("%s/probe?target=%d", base, creds.AccountID), nil)
		exposed.WriteString(body)
	}
	scrape()
	for _, f := range []voxsim.Fault{
		{Method: "GetUsers", Code: 100, Times: 1},
		{Method: "GetUsers", Code: 100, Times: -1},
		{Method: "GetUsers", Code: 456, Times: -1},
		{Method: "GetUsers", Code: 433, Times: -1},
		{Method: "GetUsers", Code: 104, Times: -1},
		{Method: "GetUsers", HTTPStatus: 429, Times: -1},
		{Method: "GetUsers", ResetMidBody: true, Times: -1},
		{Method: "GetUsers", Body: []byte("<html>proxy error</html>"), Times: -1},
		{Method: "GetUsers", Hang: true, Times: -1},
	} {
		sim.Inject(f)
		scrape()
		sim.ClearFaults()
		scrape()
	}
	code, landing := get(t, base+"/", nil)
	if code != 200 {
		t.Errorf("landing page: %d", code)
	}
	code, sd := get(t, base+"/sd", nil)
	if code != 200 || !strings.Contains(sd, "__param_target") {
		t.Errorf("/sd: %d %s", code, sd)
	}
	_ = e.Cmd.Process.Signal(syscall.SIGTERM)
	_ = e.Wait(t, 30*time.Second)

	out := e.Logs.String()
	if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "code=456") {
		t.Fatalf("debug log not captured:\n%s", out)
	}
	fragments := secretFragments(t, creds, sim)
	requireNoLeak(t, "stderr at debug level", out, fragments)
	requireNoLeak(t, "/metrics", exposed.String(), fragments)
	requireNoLeak(t, "the landing page", landing, fragments)
	requireNoLeak(t, "/sd", sd, fragments)
}

// TestTLSAndBasicAuthEndToEnd: with --web.config.file holding a generated
// certificate and a bcrypt password, plain HTTP is refused, HTTPS without
// or with wrong credentials gets 401, and an authenticated HTTPS scrape
// gets the metrics.
func TestTLSAndBasicAuthEndToEnd(t *testing.T) {
	certFile, keyFile := testkit.WriteCert(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret-scrape"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	conf := writeTemp(t, "web.yml", fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  prometheus: %s\n",
		certFile, keyFile, hash), 0o600)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(readFile(t, certFile)))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 30 * time.Second}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("prometheus:s3cret-scrape"))
	base := startBinary(t, "https", client, map[string]string{"Authorization": auth}, "--demo", "--web.config.file="+conf).Base

	do := func(url, authz string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Plain HTTP to the TLS port: no metrics (Go's server answers 400).
	plain := strings.Replace(base, "https://", "http://", 1)
	if resp, err := http.Get(plain + "/metrics"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 || strings.Contains(string(b), "voximplant_up") {
			t.Errorf("plain HTTP got %d with metrics", resp.StatusCode)
		}
	}
	if code, _ := do(base+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("unauthenticated HTTPS: %d, want 401", code)
	}
	wrong := "Basic " + base64.StdEncoding.EncodeToString([]byte("prometheus:guess"))
	if code, _ := do(base+"/metrics", wrong); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	code, body := do(base+"/metrics", auth)
	if code != 200 || !strings.Contains(body, "voximplant_up 1") {
		t.Errorf("authenticated HTTPS scrape: %d, voximplant_up 1 present: %v", code, strings.Contains(body, "voximplant_up 1"))
	}
	// A client that does not trust the certificate cannot connect at all.
	if _, err := http.Get(base + "/metrics"); err == nil {
		t.Error("a client without the certificate's CA connected")
	}
}

// TestMaxRequestsExcessGets503: with --web.max-requests=2 and an API that
// takes 3 s, of 10 simultaneous scrapes 2 are served and 8 get 503 at
// once, without waiting for the API.
func TestMaxRequestsExcessGets503(t *testing.T) {
	sim, path, _ := startSim(t, 0o600, func(c *voxsim.Config) { c.Latency = 3 * time.Second })
	base := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+path,
		"--voximplant.api-url="+sim.URL(), simApp(sim), "--web.max-requests=2", "--voximplant.timeout=20s").Base
	type result struct {
		code int
		at   time.Duration
	}
	results := make([]result, 10)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			code, _, err := tryGet(base+"/metrics", nil)
			if err != nil {
				t.Error(err)
			}
			results[i] = result{code, time.Since(start)}
		})
	}
	wg.Wait()
	var ok, busy int
	var slowest503, fastest200 time.Duration = 0, time.Hour
	for _, r := range results {
		switch r.code {
		case 200:
			ok++
			fastest200 = min(fastest200, r.at)
		case 503:
			busy++
			slowest503 = max(slowest503, r.at)
		default:
			t.Errorf("status %d", r.code)
		}
	}
	if ok != 2 || busy != 8 {
		t.Errorf("%d served and %d refused, want 2 and 8: %v", ok, busy, results)
	}
	// The refusals did not wait for the slow API (generous bound: the API
	// alone takes 3 s per page).
	if slowest503 >= fastest200 {
		t.Errorf("a 503 came after %s, no sooner than the first scrape served (%s)", slowest503, fastest200)
	}
}

// TestSIGTERMDuringSlowScrape: SIGTERM while a scrape waits on a slow API
// lets that scrape finish with its metrics, then the process exits 0.
func TestSIGTERMDuringSlowScrape(t *testing.T) {
	sim, path, _ := startSim(t, 0o600, func(c *voxsim.Config) { c.Latency = 2 * time.Second })
	e := startBinary(t, "http", http.DefaultClient, nil, "--voximplant.credentials-file="+path,
		"--voximplant.api-url="+sim.URL(), simApp(sim), "--voximplant.timeout=20s")
	done := scrapeInBackground(e.Base)
	waitForScrapePage(t, sim)
	if err := e.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != 200 || !strings.Contains(r.body, "voximplant_up 1") {
			t.Errorf("in-flight scrape after SIGTERM: %d %.200s", r.code, r.body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the in-flight scrape did not finish")
	}
	requireCleanExit(t, e, 30*time.Second)
}
