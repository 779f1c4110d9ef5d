package collector

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// keyFragments are pieces of the private key as they could leak: lines of
// its PEM bodies (PKCS#8 and PKCS#1), the modulus and private exponent in
// base64 (standard and URL alphabets, as in a JWK) and hex, and the PEM
// header a dumped key would carry.
func keyFragments(t testing.TB, key *rsa.PrivateKey) []string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, block := range []*pem.Block{
		{Type: "PRIVATE KEY", Bytes: der},
		{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)},
	} {
		for _, line := range strings.Split(string(pem.EncodeToMemory(block)), "\n") {
			if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
				out = append(out, line[8:40]) // a fragment: no line offset trick can hide it
			}
		}
	}
	for _, b := range [][]byte{key.N.Bytes(), key.D.Bytes(), key.Primes[0].Bytes()} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(b)
			out = append(out, s[10:42])
		}
		out = append(out, hex.EncodeToString(b)[10:42])
	}
	return append(out, "PRIVATE KEY-----")
}

// tokenFragments are every token voxsim saw, whole and by part: the
// signature alone, and header plus claims, would each be a leak.
func tokenFragments(tokens []string) []string {
	var out []string
	for _, tok := range tokens {
		out = append(out, tok)
		if i := strings.LastIndex(tok, "."); i > 0 {
			out = append(out, tok[i+1:], tok[:i])
		}
	}
	return out
}

// leaked returns the fragments that occur in text.
func leaked(text string, fragments []string) []string {
	var out []string
	for _, f := range fragments {
		if f != "" && strings.Contains(text, f) {
			out = append(out, f)
		}
	}
	return out
}

// requireNoSecrets fails if any fragment occurs in text.
func requireNoSecrets(t testing.TB, where, text string, fragments []string) {
	t.Helper()
	if l := leaked(text, fragments); len(l) > 0 {
		t.Errorf("%s leaks secret material: %q", where, l)
	}
}

// TestSecretsNeverLeakAtDebug runs a representative part of the fault
// suite with every log at debug level and the API request metrics on, then
// scans every captured log line and every /metrics exposition for the
// private key and for each token voxsim saw.
func TestSecretsNeverLeakAtDebug(t *testing.T) {
	apiReg := prometheus.NewRegistry()
	apiMetrics := NewAPIMetrics(apiReg)
	apiMetrics.Init("GetUsers")
	r := newRig(t, rigConfig{client: func(o *voxapi.Options) { o.Observer = apiMetrics }})
	var exposed strings.Builder
	scrape := func(timeout time.Duration) {
		exposed.WriteString(r.scrape(timeout).text)
		mfs, err := apiReg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, mf := range mfs {
			_ = enc.Encode(mf)
		}
		exposed.WriteString(b.String())
	}
	scrape(scrapeTimeout)
	for _, f := range []voxsim.Fault{
		{Method: "GetUsers", Code: voxapi.CodeAuthFailed, Times: 1},
		{Method: "GetUsers", Code: voxapi.CodeAuthFailed, Times: -1},
		{Method: "GetUsers", Code: voxapi.CodeTokenExpired, Times: -1},
		{Method: "GetUsers", Code: voxapi.CodeInvalidKeyID, Times: -1},
		{Method: "GetUsers", Code: voxapi.CodeInvalidTokenFormat, Times: -1},
		{Method: "GetUsers", Code: voxapi.CodeForbidden, Times: -1},
		{Method: "GetUsers", Code: 2, Times: -1},
		{Method: "GetUsers", HTTPStatus: 429, RetryAfter: "0", Times: -1},
		{Method: "GetUsers", HTTPStatus: 502, Times: -1},
		{Method: "GetUsers", ResetMidBody: true, Times: -1},
		{Method: "GetUsers", Body: []byte(`{"result":[{"user_id":"x"}],"total_count":1}`), Times: -1},
		{Method: "GetUsers", Hang: true, Times: -1},
	} {
		r.sim.Inject(f)
		scrape(time.Second)
		r.sim.ClearFaults()
		scrape(scrapeTimeout)
	}
	// Clock skew: tokens rejected as from the future, then re-minted.
	r.skew.Store(int64(-5 * time.Minute))
	scrape(scrapeTimeout)
	r.skew.Store(0)
	scrape(scrapeTimeout)

	tokens := r.sim.Stats().TokenSet
	// Mints within one second sign identical strings; the skew's wider
	// back-dating makes at least a second distinct token.
	if len(tokens) < 2 {
		t.Fatalf("voxsim saw %d tokens; the suite should have made the client re-mint", len(tokens))
	}
	fragments := append(keyFragments(t, voxsim.TestKey()), tokenFragments(tokens)...)
	logs := r.logs.String()
	if !strings.Contains(logs, `"level":"DEBUG"`) || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("the logs were not captured at debug level:\n%s", logs)
	}
	requireNoSecrets(t, "the debug log", logs, fragments)
	requireNoSecrets(t, "/metrics", exposed.String(), fragments)

	// The scan itself must be able to see a leak.
	sig := tokens[0][strings.LastIndex(tokens[0], ".")+1:]
	if len(leaked(logs+"sig="+sig, fragments)) == 0 {
		t.Error("the scan did not notice a token's signature planted in the log")
	}
}
