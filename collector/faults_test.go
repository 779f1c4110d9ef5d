package collector

// The fault suite (issue 6): for every way the Voximplant API or the path to
// it can misbehave, what a Prometheus server sees on the scrape during the
// fault, and on the first scrape after it. The rule throughout: a scrape
// either reports voximplant_up 1 with numbers that match the simulated
// account, or voximplant_up 0 with no operator or user series at all.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.uber.org/goleak"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// faultNow anchors the generated account's timestamps.
var faultNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// faultAccount is a static generated contact centre: 45 operators over two
// applications, read 10 to a page, so every pass is several pages.
func faultAccount() voxsim.Account {
	return voxsim.Generate(voxsim.GenConfig{Users: 45, Apps: 2, Skills: 4, Queues: 3, Seed: 6, Now: faultNow})
}

// dialMode steers the client's dialer: the path to the API, not the API.
type dialMode int32

const (
	dialNormal  dialMode = iota
	dialRefused          // a loopback port nothing listens on
	dialDNS              // the API's name does not resolve (a resolver error, without the resolver)
)

// rig is one exporter (client, source, collector) in front of one voxsim.
type rig struct {
	t      *testing.T
	sim    *voxsim.Server
	hs     *httptest.Server
	client *voxapi.Client
	tr     *http.Transport
	exp    *Exporter
	logs   *testkit.LockedBuffer
	apps   []voxapi.AppSelector

	dial      atomic.Int32 // dialMode
	skew      atomic.Int64 // voxsim clock minus real time, ns
	requests  atomic.Int64 // HTTP requests that reached the front server
	readBytes atomic.Int64 // body bytes the client read off the wire
}

type rigConfig struct {
	acct     *voxsim.Account
	apps     []voxapi.AppSelector // default: both generated applications by id
	oneApp   bool                 // watch only the first generated application
	pageSize int                  // default 10
	// wrap, if set, sits in front of voxsim: it may mutate the account or
	// rewrite answers between requests. n counts requests from 1.
	wrap func(r *rig, n int64, w http.ResponseWriter, req *http.Request, next http.Handler)
	// tls serves the API over TLS: with httptest's certificate, which the
	// client trusts, while tlsCert returns nil; else with what it returns.
	tls     bool
	tlsCert func() *tls.Certificate
	client  func(*voxapi.Options)
	simConf func(*voxsim.Config)
	// noKeepAlive makes every request dial: for faults of the path to
	// the API, which a pooled connection would step around.
	noKeepAlive bool
	// serialPages reads one page of an application at a time, each taken
	// in before the next is asked for, so that request counts are exact.
	serialPages bool
}

func newRig(t *testing.T, rc rigConfig) *rig {
	t.Helper()
	r := &rig{t: t, logs: &testkit.LockedBuffer{}}
	acct := faultAccount()
	if rc.acct != nil {
		acct = *rc.acct
	}
	creds := voxsim.NewTestCredentials(4242)
	cfg := voxsim.Config{
		Credentials: creds,
		Account:     acct,
		Now:         func() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) },
	}
	if rc.simConf != nil {
		rc.simConf(&cfg)
	}
	r.sim = voxsim.NewServer(cfg)
	var roots *x509.CertPool
	front := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n := r.requests.Add(1)
		if rc.wrap != nil {
			rc.wrap(r, n, w, req, r.sim)
			return
		}
		r.sim.ServeHTTP(w, req)
	})
	r.hs = httptest.NewUnstartedServer(front)
	r.hs.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshake failures are the point
	if rc.tls {
		r.hs.TLS = &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return rc.tlsCert(), nil }}
		r.hs.StartTLS()
		roots = x509.NewCertPool()
		roots.AddCert(r.hs.Certificate())
	} else {
		r.hs.Start()
	}
	t.Cleanup(r.hs.Close)
	t.Cleanup(r.sim.Close)

	closed := testkit.ClosedPort(t)
	apiAddr := r.hs.Listener.Addr().String()
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	r.tr = &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			switch dialMode(r.dial.Load()) {
			case dialRefused:
				return dialer.DialContext(ctx, network, closed)
			case dialDNS:
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
					Err: "no such host", Name: "api.voximplant.com", IsNotFound: true}}
			}
			return dialer.DialContext(ctx, network, apiAddr)
		},
		// SNI (httptest's certificate also names example.com) makes the
		// server ask GetCertificate rather than take its default.
		TLSClientConfig:     &tls.Config{RootCAs: roots, ServerName: "example.com"},
		MaxIdleConnsPerHost: 8,
		DisableKeepAlives:   rc.noKeepAlive,
	}
	t.Cleanup(r.tr.CloseIdleConnections)
	scheme := "http"
	if rc.tls {
		scheme = "https"
	}
	c, err := voxapi.ParseCredentials(creds.JSON(), "test credentials")
	if err != nil {
		t.Fatal(err)
	}
	opts := voxapi.Options{
		BaseURL:     scheme + "://" + apiAddr + "/platform_api/",
		Credentials: c,
		HTTPClient:  &http.Client{Transport: countingTransport{r.tr, &r.readBytes}},
		Logger:      r.logs.Logger().With("component", "voxapi"),
		BackoffBase: time.Millisecond,
		BackoffMax:  4 * time.Millisecond,

		MaxConcurrentRequests: 3,
	}
	if rc.client != nil {
		rc.client(&opts)
	}
	r.client, err = voxapi.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.apps = rc.apps
	if r.apps == nil {
		for _, a := range acct.Apps {
			r.apps = append(r.apps, voxapi.AppSelector{ID: a.ID})
		}
	}
	if rc.oneApp {
		r.apps = r.apps[:1]
	}
	ps := rc.pageSize
	if ps == 0 {
		ps = 10
	}
	st := Settings{Logger: r.logs.Logger().With("component", "collector"), PerUser: true}
	r.exp, err = New(Config{API: r.client, Apps: r.apps, Collectors: []Collector{NewUsers(st)},
		PageSize: ps, Logger: st.Logger})
	if err != nil {
		t.Fatal(err)
	}
	if rc.serialPages {
		r.exp.pages.Concurrency = 1
	}
	return r
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct {
	rt http.RoundTripper
	n  *atomic.Int64
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// scrapeResult is what one scrape exposed.
type scrapeResult struct {
	up       float64
	families map[string]*dto.MetricFamily
	text     string
	took     time.Duration
}

// scrape is one scrape through the served exposition path, within
// timeout.
func (r *rig) scrape(timeout time.Duration) scrapeResult {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	var b bytes.Buffer
	err := r.exp.WriteTo(ctx, &b, expfmt.FmtText)
	took := time.Since(start)
	if err != nil {
		r.t.Fatalf("exposition: %v", err)
	}
	fams := testkit.ParseText(r.t, b.Bytes())
	return scrapeResult{up: fams.Up(), families: fams, took: took, text: b.String()}
}

// dataFamilies are the families a failed scrape must not carry.
var dataFamilies = []string{
	"voximplant_acd_operators", "voximplant_acd_skill_operators", "voximplant_acd_queue_operators",
	"voximplant_acd_oldest_status_change_timestamp_seconds", "voximplant_snapshot_timestamp_seconds",
	"voximplant_user_info", "voximplant_user_acd_status", "voximplant_user_acd_status_change_timestamp_seconds",
	"voximplant_user_live_balance", "voximplant_user_fixed_balance", "voximplant_user_active",
}

// requireDown asserts the scrape a Prometheus server sees during a fault:
// up 0 and not one operator or user series.
func (r *rig) requireDown(res scrapeResult) {
	r.t.Helper()
	if res.up != 0 {
		r.t.Fatalf("voximplant_up = %v during the fault, want 0\n%s", res.up, res.text)
	}
	for _, name := range dataFamilies {
		if mf := res.families[name]; mf != nil {
			r.t.Fatalf("failed scrape carries %d %s series", len(mf.GetMetric()), name)
		}
	}
}

// requireCorrect asserts up 1 and numbers that match voxsim's account: the
// operators of every watched application by status, and every user's
// status, balances and active flag, once each.
func (r *rig) requireCorrect(res scrapeResult) {
	r.t.Helper()
	if res.up != 1 {
		r.t.Fatalf("voximplant_up = %v, want 1; log:\n%s", res.up, r.logs.String())
	}
	if diff := compareWithAccount(r.sim.Account(), r.apps, res); diff != "" {
		r.t.Fatalf("up 1 but the numbers are wrong: %s", diff)
	}
}

// compareWithAccount checks a scrape against the account; "" when right.
func compareWithAccount(acct voxsim.Account, apps []voxapi.AppSelector, res scrapeResult) string {
	want := map[string]float64{} // application/status -> operators
	wantUsers := map[string]string{}
	for _, app := range apps {
		for _, st := range voxapi.Statuses {
			want[app.String()+"/"+st] = 0
		}
		for _, u := range acct.Users {
			if !slices.Contains(u.Apps, app.ID) {
				continue
			}
			st := u.Status
			if st == "" {
				st = StatusUnknown
			}
			want[app.String()+"/"+st]++
			wantUsers[strconv.FormatInt(u.ID, 10)] = fmt.Sprintf("%s %v %v %v", st, u.LiveBalance, u.FixedBalance, u.Active)
		}
	}
	got := map[string]float64{}
	for _, m := range res.families["voximplant_acd_operators"].GetMetric() {
		got[label(m, "application")+"/"+label(m, "acd_status")] = m.GetGauge().GetValue()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Sprintf("voximplant_acd_operators\n got %v\nwant %v", got, want)
	}
	gotUsers := map[string]string{}
	status := map[string]string{}
	for _, m := range res.families["voximplant_user_acd_status"].GetMetric() {
		if m.GetGauge().GetValue() == 1 {
			status[label(m, "user_id")] = label(m, "acd_status")
		}
	}
	bal := func(fam string) map[string]float64 {
		out := map[string]float64{}
		for _, m := range res.families[fam].GetMetric() {
			out[label(m, "user_id")] = m.GetGauge().GetValue()
		}
		return out
	}
	live, fixed, active := bal("voximplant_user_live_balance"), bal("voximplant_user_fixed_balance"), bal("voximplant_user_active")
	for _, m := range res.families["voximplant_user_info"].GetMetric() {
		id := label(m, "user_id")
		if _, dup := gotUsers[id]; dup {
			return "user " + id + " exported twice"
		}
		gotUsers[id] = fmt.Sprintf("%s %v %v %v", status[id], live[id], fixed[id], active[id] == 1)
	}
	if fmt.Sprint(gotUsers) != fmt.Sprint(wantUsers) {
		return fmt.Sprintf("per-user series\n got %v\nwant %v", gotUsers, wantUsers)
	}
	return ""
}

func label(m *dto.Metric, name string) string { return testkit.Label(m, name) }

// getUsersRequests counts GetUsers requests voxsim has served.
func (r *rig) getUsersRequests() int { return r.sim.Stats().ByMethod["GetUsers"] }

// failureLog returns the collector's error records.
func (r *rig) failureLog() []map[string]any {
	var out []map[string]any
	for _, rec := range r.logs.Records(r.t) {
		if rec["level"] == "ERROR" && rec["component"] == "collector" {
			out = append(out, rec)
		}
	}
	return out
}

// scrapeTimeout bounds every scrape of the suite that is not about
// deadlines.
const scrapeTimeout = 10 * time.Second

// TestFaultRetryableCodes: a retryable API code once is absorbed by a retry
// within the scrape; the same code on every request gives up 0, and the
// scrape after it is whole.
func TestFaultRetryableCodes(t *testing.T) {
	for _, code := range []int{1, 2, 4, 162, 314, 340, 484} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			r := newRig(t, rigConfig{})
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: code, Msg: "injected", Times: 1})
			r.requireCorrect(r.scrape(scrapeTimeout))
			if got := r.sim.Stats().Faults; got != 1 {
				t.Fatalf("%d faults applied, want 1", got)
			}

			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: code, Msg: "injected", Times: -1})
			r.requireDown(r.scrape(scrapeTimeout))
			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultRepeatAfter416: code 416 "repeat after N seconds" is waited out
// (at least N seconds between the two requests) and the scrape succeeds.
func TestFaultRepeatAfter416(t *testing.T) {
	r := newRig(t, rigConfig{oneApp: true})
	r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeRepeatAfter, Msg: "Repeat the request after 1 seconds", Times: 1})
	r.requireCorrect(r.scrape(scrapeTimeout))
	reqs := r.sim.Requests()
	if len(reqs) < 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 900*time.Millisecond {
		t.Errorf("retried %s after 416 asked for 1 s", gap)
	}
	// A wait longer than the scrape's deadline is not waited: up 0 at once.
	r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeRepeatAfter, Msg: "Repeat the request after 30 seconds", Times: -1})
	res := r.scrape(2 * time.Second)
	r.requireDown(res)
	r.sim.ClearFaults()
	r.requireCorrect(r.scrape(scrapeTimeout))
}

// TestFaultNonRetryableCodes: a code that no retry can cure costs exactly
// one request, gives up 0, and is logged with the code and what to do.
func TestFaultNonRetryableCodes(t *testing.T) {
	for _, code := range []int{101, 104, 115, 116, 117, 134, 227, 433, 447, 454, 458} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			r := newRig(t, rigConfig{oneApp: true})
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: code, Msg: "injected", Times: -1})
			r.requireDown(r.scrape(scrapeTimeout))
			if n := r.getUsersRequests(); n != 1 {
				t.Errorf("%d requests for non-retryable code %d, want exactly 1", n, code)
			}
			recs := r.failureLog()
			if len(recs) != 1 {
				t.Fatalf("%d error lines, want 1:\n%s", len(recs), r.logs.String())
			}
			rec := recs[0]
			hint := (&voxapi.APIError{Code: code}).Hint()
			if rec["code"] != float64(code) || hint == "" || rec["hint"] != hint {
				t.Errorf("log line does not name code %d and what to do (%q): %v", code, hint, rec)
			}
			if !strings.Contains(fmt.Sprint(rec["err"]), strconv.Itoa(code)) {
				t.Errorf("error text lacks the code: %v", rec["err"])
			}
			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
	// The hint for 104 says which role is missing.
	if h := (&voxapi.APIError{Code: 104}).Hint(); !strings.Contains(h, "Supervisor") {
		t.Errorf("104 hint %q does not name the role", h)
	}
}

// TestFaultAuthCodes: 100, 455 and 456 once re-mint the token and retry
// once within the scrape; twice in a row they fail it, with a hint.
func TestFaultAuthCodes(t *testing.T) {
	for _, code := range []int{100, 455, 456} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			r := newRig(t, rigConfig{oneApp: true})
			r.requireCorrect(r.scrape(scrapeTimeout))
			mints := r.client.TokensMinted()
			r.sim.ResetStats()

			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: code, Msg: "injected", Times: 1})
			r.requireCorrect(r.scrape(scrapeTimeout))
			if got := r.client.TokensMinted() - mints; got != 1 {
				t.Errorf("%d tokens minted after %d, want 1", got, code)
			}

			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: code, Msg: "injected", Times: -1})
			r.requireDown(r.scrape(scrapeTimeout))
			recs := r.failureLog()
			if len(recs) != 1 || recs[0]["code"] != float64(code) || recs[0]["hint"] == "" {
				t.Errorf("want one error line with code %d and a hint:\n%s", code, r.logs.String())
			}
			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultClockSkew: voxsim's clock apart from ours. Behind by 30 s: its
// 455 makes the client back-date the next token, within the same scrape.
// Ahead by 10 min: tokens are still valid. Behind by 5 min or ahead by 30
// min: no token can pass, up 0 with the clock named; fixed clock: whole.
func TestFaultClockSkew(t *testing.T) {
	cases := []struct {
		name string
		skew time.Duration
		ok   bool
		code int
	}{
		{"behind 30s", -30 * time.Second, true, 0},
		{"ahead 10m", 10 * time.Minute, true, 0},
		{"behind 5m", -5 * time.Minute, false, voxapi.CodeTokenFromFuture},
		{"ahead 30m", 30 * time.Minute, false, voxapi.CodeTokenExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, rigConfig{oneApp: true})
			r.skew.Store(int64(tc.skew))
			res := r.scrape(scrapeTimeout)
			if tc.ok {
				r.requireCorrect(res)
				return
			}
			r.requireDown(res)
			recs := r.failureLog()
			if len(recs) != 1 || recs[0]["code"] != float64(tc.code) || !strings.Contains(fmt.Sprint(recs[0]["hint"]), "clock") {
				t.Errorf("want one error line with code %d naming the clock:\n%s", tc.code, r.logs.String())
			}
			r.skew.Store(0)
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultHTTPStatus: 429 with and without Retry-After, 500, 502 and 503,
// with the HTML page a proxy sends, once (retried within the scrape) and
// persistently (up 0), then whole again.
func TestFaultHTTPStatus(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		retryAfter string
	}{
		{"429 Retry-After", 429, "1"},
		{"429", 429, ""},
		{"500", 500, ""},
		{"502", 502, ""},
		{"503", 503, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, rigConfig{oneApp: true})
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", HTTPStatus: tc.status, RetryAfter: tc.retryAfter, Times: 1})
			r.requireCorrect(r.scrape(scrapeTimeout))
			if tc.retryAfter != "" {
				reqs := r.sim.Requests()
				if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 900*time.Millisecond {
					t.Errorf("retried %s after Retry-After: 1", gap)
				}
			}
			r.sim.ClearFaults()
			r.scrape(scrapeTimeout) // forget the hint: page 1 alone again
			r.sim.ResetStats()
			r.client.ForgetPagePlans()
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", HTTPStatus: tc.status, Times: -1})
			r.requireDown(r.scrape(scrapeTimeout))
			if n := r.getUsersRequests(); n != 1+voxapi.DefaultMaxRetries {
				t.Errorf("%d requests for a persistent %d, want %d (first try and bounded retries)", n, tc.status, 1+voxapi.DefaultMaxRetries)
			}
			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultResetMidBody: the connection drops half-way through an answer.
func TestFaultResetMidBody(t *testing.T) {
	r := newRig(t, rigConfig{})
	r.sim.Inject(voxsim.Fault{Method: "GetUsers", ResetMidBody: true, Times: 1})
	r.requireCorrect(r.scrape(scrapeTimeout))
	r.sim.Inject(voxsim.Fault{Method: "GetUsers", ResetMidBody: true, Times: -1})
	r.requireDown(r.scrape(scrapeTimeout))
	r.sim.ClearFaults()
	r.requireCorrect(r.scrape(scrapeTimeout))
}

// TestFaultConnectionRefusedAndDNS: nothing listens at the API's address;
// the API's name does not resolve. Then the path is back.
func TestFaultConnectionRefusedAndDNS(t *testing.T) {
	for _, mode := range []dialMode{dialRefused, dialDNS} {
		t.Run(map[dialMode]string{dialRefused: "refused", dialDNS: "dns"}[mode], func(t *testing.T) {
			r := newRig(t, rigConfig{noKeepAlive: true})
			r.requireCorrect(r.scrape(scrapeTimeout))
			r.dial.Store(int32(mode))
			res := r.scrape(5 * time.Second)
			r.requireDown(res)
			if res.took > 4900*time.Millisecond {
				t.Errorf("scrape took %s, past its 5 s deadline", res.took)
			}
			r.dial.Store(int32(dialNormal))
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultTLSHandshake: the API presents a certificate the client does
// not trust (a proxy intercepting TLS, a wrong endpoint). No request is
// ever sent; once the right certificate is back, scrapes are whole.
func TestFaultTLSHandshake(t *testing.T) {
	bad := testkit.SelfSigned(t)
	var untrusted atomic.Bool
	r := newRig(t, rigConfig{tls: true, noKeepAlive: true, tlsCert: func() *tls.Certificate {
		if untrusted.Load() {
			return bad
		}
		return nil // httptest's own, which the client trusts
	}})
	r.requireCorrect(r.scrape(scrapeTimeout))
	untrusted.Store(true)
	r.sim.ResetStats()
	res := r.scrape(scrapeTimeout)
	r.requireDown(res)
	if n := r.sim.Stats().Requests; n != 0 {
		t.Errorf("%d requests reached the API over an untrusted connection", n)
	}
	if !strings.Contains(r.logs.String(), "certificate") {
		t.Errorf("the failure log does not mention the certificate:\n%s", r.logs.String())
	}
	untrusted.Store(false)
	r.requireCorrect(r.scrape(scrapeTimeout))
}

// TestFaultBadBodies: answers that are not the method's JSON, each once
// (retried) and persistently (up 0), then whole again.
func TestFaultBadBodies(t *testing.T) {
	bodies := map[string]string{
		"malformed":  `{"result":[{"user_id":1,}],"total_count":1}`,
		"truncated":  `{"result":[{"user_id":1,"user_name":"ann"`,
		"wrong type": `{"result":[{"user_id":"one","user_name":"ann"}],"total_count":1,"count":1}`,
		"total type": `{"result":[],"total_count":"many"}`,
		"empty":      ``,
		"html":       "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
		"no result":  `{"total_count":45}`,
		"null":       `null`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, rigConfig{})
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Body: []byte(body), Times: 1})
			r.requireCorrect(r.scrape(scrapeTimeout))
			r.sim.Inject(voxsim.Fault{Method: "GetUsers", Body: []byte(body), Times: -1})
			r.requireDown(r.scrape(scrapeTimeout))
			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultOversizedBody: an answer that never ends. The client stops
// reading at MaxResponseBytes (plus what a transport buffers), does not
// retry, and the server's writes fail soon after: the exporter neither
// reads nor keeps more than the limit.
func TestFaultOversizedBody(t *testing.T) {
	const limit = 256 << 10
	var huge atomic.Bool
	var written atomic.Int64
	writeDone := make(chan struct{}, 16)
	r := newRig(t, rigConfig{
		oneApp: true,
		client: func(o *voxapi.Options) { o.MaxResponseBytes = limit },
		wrap: func(r *rig, _ int64, w http.ResponseWriter, req *http.Request, next http.Handler) {
			if !huge.Load() {
				next.ServeHTTP(w, req)
				return
			}
			defer func() { writeDone <- struct{}{} }()
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat(`{"user_id":1,"user_name":"flood","acd_status":"READY"},`, 100))
			n, _ := w.Write([]byte(`{"result":[`))
			written.Add(int64(n))
			for written.Load() < 1<<30 { // stops at 1 GiB if nobody hangs up
				n, err := w.Write(chunk)
				written.Add(int64(n))
				if err != nil || req.Context().Err() != nil {
					return
				}
			}
		},
	})
	// No scrape before: page 1 goes alone, so one request floods.
	huge.Store(true)
	before, reqBefore := r.readBytes.Load(), r.requests.Load()
	r.requireDown(r.scrape(scrapeTimeout))
	select {
	case <-writeDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the flooding handler is still writing: the client did not hang up")
	}
	read := r.readBytes.Load() - before
	reqs := r.requests.Load() - reqBefore
	// Too large is final: no retry.
	if reqs != 1 {
		t.Errorf("%d requests: a too-large answer was retried", reqs)
	}
	if read > reqs*(limit+64<<10) {
		t.Errorf("client read %d bytes in %d answers, limit %d each", read, reqs, limit)
	}
	if w := written.Load(); w >= 1<<30 {
		t.Errorf("server wrote %d bytes: nobody stopped the flood", w)
	}
	t.Logf("flood: client read %d bytes, server managed to write %d before the client hung up", read, written.Load())
	huge.Store(false)
	r.requireCorrect(r.scrape(scrapeTimeout))
}

// TestFaultLatencyPastDeadline: an API slower than the scrape's deadline.
// The scrape answers within its deadline with up 0, and no goroutine or
// connection of the exporter outlives it.
func TestFaultLatencyPastDeadline(t *testing.T) {
	for _, f := range []voxsim.Fault{
		{Method: "GetUsers", Latency: 30 * time.Second, Times: -1},
		{Method: "GetUsers", Hang: true, Times: -1},
	} {
		name := "latency"
		if f.Hang {
			name = "hang"
		}
		t.Run(name, func(t *testing.T) {
			r := newRig(t, rigConfig{})
			r.requireCorrect(r.scrape(scrapeTimeout))
			r.tr.CloseIdleConnections()
			base := goleak.IgnoreCurrent()
			r.sim.Inject(f)
			res := r.scrape(300 * time.Millisecond)
			r.requireDown(res)
			if res.took > 3*time.Second {
				t.Errorf("scrape took %s with a 300 ms deadline", res.took)
			}
			// Once idle connections are let go, nothing the scrape started
			// is left: pass, pagers, retries, connections, handlers.
			r.tr.CloseIdleConnections()
			if err := goleak.Find(base); err != nil {
				t.Error(err)
			}
			testkit.WaitFor(t, 5*time.Second, "voxsim still serving the abandoned requests", func() bool { return r.sim.Stats().InFlight == 0 })

			r.sim.ClearFaults()
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// rewriteGetUsers answers a GetUsers request with voxsim's answer passed
// through edit.
func rewriteGetUsers(w http.ResponseWriter, req *http.Request, next http.Handler, edit func(m map[string]any)) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m["result"] == nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	edit(m)
	b, _ := json.Marshal(m)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// TestFaultPagingRaces: the account changes, or the server's paging
// misbehaves, between the pages of one pass. Whatever happens the scrape is
// either whole and right (for the account as it now is) or up 0; the next
// one is whole and right.
func TestFaultPagingRaces(t *testing.T) {
	lowUser := func(id int64, apps ...int64) voxsim.User {
		return voxsim.User{ID: id, Name: fmt.Sprintf("late%d", id), DisplayName: "Late Joiner", Active: true,
			Apps: apps, Status: voxsim.StatusReady, StatusChange: faultNow}
	}
	var firstPage1 []byte
	apps := faultAccount().Apps
	app1, app2 := apps[0].ID, apps[1].ID
	cases := []struct {
		name string
		// at is the request (from 1) before which mutate runs.
		at     int64
		mutate func(sim *voxsim.Server)
		// rewrite edits the answer to request at instead.
		rewrite func(m map[string]any)
		// requests is how many GetUsers requests the scrape makes: the
		// read that meets the race (the watched application has 30 users,
		// 3 pages of 10; the pages after the one that shows the race are
		// never asked for), and the read again from page 1 (3 pages, or 4
		// when a user was added).
		requests int
	}{
		{name: "user added before the offset", at: 2, requests: 6, mutate: func(sim *voxsim.Server) {
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User { return append([]voxsim.User{lowUser(1, app1, app2)}, us...) })
		}},
		{name: "user added at the end", at: 2, requests: 6, mutate: func(sim *voxsim.Server) {
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User { return append(us, lowUser(1<<40, app1, app2)) })
		}},
		{name: "user removed before the offset", at: 2, requests: 5, mutate: func(sim *voxsim.Server) {
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User {
				for i, u := range us {
					if slices.Contains(u.Apps, app1) {
						return slices.Delete(us, i, i+1)
					}
				}
				return us
			})
		}},
		{name: "users removed and added", at: 3, requests: 6, mutate: func(sim *voxsim.Server) {
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User {
				us = slices.Delete(us, 0, 3)
				return append([]voxsim.User{lowUser(2, app1), lowUser(3, app2)}, us...)
			})
		}},
		{name: "total_count grows without users", at: 2, requests: 5, rewrite: func(m map[string]any) {
			m["total_count"] = m["total_count"].(float64) + 7
		}},
		{name: "total_count shrinks without users", at: 2, requests: 5, rewrite: func(m map[string]any) {
			m["total_count"] = m["total_count"].(float64) - 7
		}},
		{name: "duplicate user across pages", at: 2, requests: 6, rewrite: func(m map[string]any) {
			// The first record of this page is replaced by a user already
			// seen on another page: one real user goes missing.
			var prev map[string]any
			_ = json.Unmarshal(firstPage1, &prev)
			res := m["result"].([]any)
			if len(res) > 0 {
				res[0] = prev["result"].([]any)[0]
			}
		}},
		{name: "empty page before total_count", at: 2, requests: 5, rewrite: func(m map[string]any) {
			m["result"] = []any{}
			m["count"] = 0
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var armed atomic.Bool
			var base atomic.Int64
			var mu sync.Mutex
			r := newRig(t, rigConfig{
				oneApp:      true,
				serialPages: true,
				wrap: func(r *rig, n int64, w http.ResponseWriter, req *http.Request, next http.Handler) {
					k := n - base.Load()
					if !armed.Load() {
						next.ServeHTTP(w, req)
						return
					}
					if k == 1 {
						rewriteGetUsers(w, req, next, func(m map[string]any) {
							mu.Lock()
							firstPage1, _ = json.Marshal(m)
							mu.Unlock()
						})
						return
					}
					if k != tc.at {
						next.ServeHTTP(w, req)
						return
					}
					if tc.mutate != nil {
						tc.mutate(r.sim)
						next.ServeHTTP(w, req)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					rewriteGetUsers(w, req, next, tc.rewrite)
				},
			})
			// Page 1 goes alone on a first read, and one page at a time
			// after it: the race lands between pages, and the pages after
			// the one that shows it are never asked for.
			base.Store(r.requests.Load())
			armed.Store(true)
			res := r.scrape(scrapeTimeout)
			armed.Store(false)
			// The pager reads the application again from page 1 and gets
			// it whole: the scrape is up, right for the account as it now
			// is, and costs exactly the two reads.
			r.requireCorrect(res)
			if n := r.getUsersRequests(); n != tc.requests {
				var offs []int
				for _, q := range r.sim.Requests() {
					offs = append(offs, q.Offset)
				}
				t.Errorf("%d GetUsers requests, want %d; offsets %v", n, tc.requests, offs)
			}
			r.requireCorrect(r.scrape(scrapeTimeout))
		})
	}
}

// TestFaultFailingPageAmongMany: one page of many fails for good after a
// successful scrape (so every page is requested at once): up 0 and no
// series, then whole again.
func TestFaultFailingPageAmongMany(t *testing.T) {
	r := newRig(t, rigConfig{pageSize: 5})
	r.requireCorrect(r.scrape(scrapeTimeout))
	app2 := strconv.FormatInt(r.apps[1].ID, 10)
	r.sim.Inject(voxsim.Fault{Method: "GetUsers", HTTPStatus: 500, Times: -1,
		Match: func(req *voxsim.Request) bool { return req.Offset == 15 && req.Params.Get("application_id") == app2 }})
	r.requireDown(r.scrape(scrapeTimeout))
	r.sim.ClearFaults()
	r.requireCorrect(r.scrape(scrapeTimeout))
}

// TestFaultRecoveryAfterEach: one exporter lives through a series of faults
// in turn; after each, the first scrape without it is whole and right.
func TestFaultRecoveryAfterEach(t *testing.T) {
	r := newRig(t, rigConfig{})
	faults := []voxsim.Fault{
		{Method: "GetUsers", Code: 2, Times: -1},
		{Method: "GetUsers", Code: 104, Times: -1},
		{Method: "GetUsers", HTTPStatus: 503, Times: -1},
		{Method: "GetUsers", ResetMidBody: true, Times: -1},
		{Method: "GetUsers", Body: []byte("<html>proxy</html>"), Times: -1},
		{Method: "GetUsers", Code: 456, Times: -1},
		{Method: "GetUsers", Hang: true, Times: -1},
	}
	for i, f := range faults {
		r.sim.Inject(f)
		r.requireDown(r.scrape(time.Second))
		r.sim.ClearFaults()
		r.requireCorrect(r.scrape(scrapeTimeout))
		if t.Failed() {
			t.Fatalf("after fault %d", i)
		}
	}
}
