package voxsim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

var page = vals("application_id", "10")

func TestFaultAPICode(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Code: CodeTryLater, Msg: "Try later"})
	resp, body, err := h.post(context.Background(), "GetUsers", page, h.token)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("HTTP %d, want 200", resp.StatusCode)
	}
	if string(body) != `{"error":{"code":162,"msg":"Try later"}}` {
		t.Errorf("body %s", body)
	}
	// Used up: the next request is answered normally.
	if m := h.call("GetUsers", page); errorCode(t, m) != 0 {
		t.Errorf("fault applied twice: %v", m)
	}
	if st := h.srv.Stats(); st.Faults != 1 || st.Requests != 2 {
		t.Errorf("Faults %d Requests %d, want 1 and 2", st.Faults, st.Requests)
	}
}

func TestFaultTimesAndOrder(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Code: CodeInternal, Times: 2})
	h.srv.Inject(Fault{Code: CodeDatabase})
	h.srv.Inject(Fault{Code: CodeFatal, Method: "GetACDState", Times: -1}) // never matches GetUsers
	var got []int
	for range 4 {
		got = append(got, errorCode(t, h.call("GetUsers", page)))
	}
	if want := []int{CodeInternal, CodeInternal, CodeDatabase, 0}; !slices.Equal(got, want) {
		t.Errorf("codes %v, want %v", got, want)
	}

	h.srv.Inject(Fault{Code: CodeRateLimit, Times: -1})
	for i := range 3 {
		if code := errorCode(t, h.call("GetUsers", page)); code != CodeRateLimit {
			t.Fatalf("forever fault, request %d: code %d", i, code)
		}
	}
	h.srv.ClearFaults()
	if code := errorCode(t, h.call("GetUsers", page)); code != 0 {
		t.Errorf("after ClearFaults: code %d", code)
	}
}

func TestFaultMatch(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Code: CodeInternal, Times: -1, Match: func(r *Request) bool { return r.Offset == 2 }})
	for _, off := range []string{"0", "2", "4"} {
		code := errorCode(t, h.call("GetUsers", vals("application_name", "acme", "count", "2", "offset", off)))
		if want := map[string]int{"2": CodeInternal}[off]; code != want {
			t.Errorf("offset %s: code %d, want %d", off, code, want)
		}
	}
}

// A fault replaces the answer before authentication: it simulates the
// service (or a proxy in front of it) failing, whatever the token.
func TestFaultBeforeAuth(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Code: CodeTokenExpired})
	_, body, err := h.post(context.Background(), "GetUsers", page, "")
	if err != nil {
		t.Fatal(err)
	}
	if code := errorCode(t, decode(t, body)); code != CodeTokenExpired {
		t.Errorf("code %d, want the injected 456", code)
	}
	if st := h.srv.Stats(); st.AuthFailures != 0 {
		t.Errorf("an injected auth code counted as AuthFailure: %d", st.AuthFailures)
	}
}

func TestFaultHTTPStatus(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: "3"})
	resp, body, err := h.post(context.Background(), "GetUsers", page, h.token)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("HTTP %d Retry-After %q, want 429 and 3", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(string(body), "<html>") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("default body for a bare status should be HTML: %q %s", resp.Header.Get("Content-Type"), body)
	}

	h.srv.Inject(Fault{HTTPStatus: http.StatusServiceUnavailable, Code: CodeTryLater})
	resp, body, _ = h.post(context.Background(), "GetUsers", page, h.token)
	if resp.StatusCode != 503 || errorCode(t, decode(t, body)) != CodeTryLater {
		t.Errorf("status+code: HTTP %d body %s", resp.StatusCode, body)
	}

	h.srv.Inject(Fault{HTTPStatus: http.StatusBadGateway, Body: []byte("upstream gone")})
	resp, body, _ = h.post(context.Background(), "GetUsers", page, h.token)
	if resp.StatusCode != 502 || string(body) != "upstream gone" {
		t.Errorf("status+body: HTTP %d body %q", resp.StatusCode, body)
	}
}

func TestFaultRawBody(t *testing.T) {
	h := newHarness(t, nil)
	cases := []struct{ raw, override, ctype string }{
		{`{"result":[{"user_id":1,`, "", "application/json"},
		{`<html>oops</html>`, "", "text/html"},
		{``, "", "application/json"},
		{`plain`, "text/plain", "text/plain"},
	}
	for _, tc := range cases {
		h.srv.Inject(Fault{Body: []byte(tc.raw), ContentType: tc.override})
		resp, body, err := h.post(context.Background(), "GetUsers", page, h.token)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || string(body) != tc.raw {
			t.Errorf("HTTP %d body %q, want 200 and %q", resp.StatusCode, body, tc.raw)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("body %q: Content-Type %q, want %s", tc.raw, ct, tc.ctype)
		}
	}
}

func TestFaultLatency(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Latency: 150 * time.Millisecond})
	start := time.Now()
	if m := h.call("GetUsers", page); errorCode(t, m) != 0 {
		t.Fatalf("latency-only fault changed the answer: %v", m)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, before the injected latency", d)
	}
	if st := h.srv.Stats(); st.Faults != 1 {
		t.Errorf("Faults = %d", st.Faults)
	}
}

func TestConfigLatencyHonoursCancel(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Latency = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := h.post(ctx, "GetUsers", page, h.token)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
	testkit.WaitFor(t, 5*time.Second, "waiting for the delayed handler to return", func() bool { return h.srv.Stats().InFlight == 0 })
}

func TestFaultHangReleasedByClientCancel(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := h.post(ctx, "GetUsers", page, h.token)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
	testkit.WaitFor(t, 5*time.Second, "waiting for the hung handler to return", func() bool { return h.srv.Stats().InFlight == 0 })
	if m := h.call("GetUsers", page); errorCode(t, m) != 0 {
		t.Errorf("after the hang: %v", m)
	}
}

func TestFaultHangReleasedByClose(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Inject(Fault{Hang: true, Times: -1})
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, _, err := h.post(context.Background(), "GetUsers", page, h.token)
			errs <- err
		}()
	}
	testkit.WaitFor(t, 5*time.Second, "waiting for three hung requests", func() bool { return h.srv.Stats().InFlight == 3 })
	if st := h.srv.Stats(); st.MaxInFlight != 3 {
		t.Errorf("MaxInFlight = %d, want 3", st.MaxInFlight)
	}
	closed := make(chan struct{})
	go func() { h.srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(closeWait - time.Second):
		t.Fatal("Close blocked on hung handlers")
	}
	for range 3 {
		if err := <-errs; err == nil {
			t.Error("a hung request got an answer after Close")
		}
	}
	if st := h.srv.Stats(); st.InFlight != 0 {
		t.Errorf("InFlight after Close = %d", st.InFlight)
	}
	h.srv.Close() // idempotent
}

func TestFaultResetMidBody(t *testing.T) {
	h := newHarness(t, nil)
	read := func() ([]byte, error) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL()+"GetUsers", strings.NewReader(page.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+h.token)
		resp, err := testClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("HTTP %d", resp.StatusCode)
		}
		return io.ReadAll(resp.Body)
	}
	full, err := read()
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Inject(Fault{ResetMidBody: true})
	got, err := read()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err %v, want unexpected EOF", err)
	}
	if len(got) == 0 || len(got) >= len(full) || !bytes.HasPrefix(full, got) {
		t.Errorf("got %d bytes of a %d-byte answer, want a proper prefix", len(got), len(full))
	}

	raw := []byte(`{"result":[],"total_count":0,"count":0}`)
	h.srv.Inject(Fault{ResetMidBody: true, Body: raw})
	got, err = read()
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != string(raw[:len(raw)/2]) {
		t.Errorf("raw body reset: %q, %v", got, err)
	}
	// The server is fine afterwards.
	if m := h.call("GetUsers", page); errorCode(t, m) != 0 {
		t.Errorf("after reset: %v", m)
	}
}

func TestStats(t *testing.T) {
	h := newHarness(t, nil)
	other, err := h.creds.MintToken(fixedNow.Add(-time.Second), fixedNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			tok := h.token
			if i%3 == 0 {
				tok = other
			}
			_, _, _ = h.post(context.Background(), "GetUsers", vals("application_id", "10", "count", "2", "offset", "1"), tok)
		})
	}
	wg.Wait()
	_, _, _ = h.post(context.Background(), "GetUsers", page, "")   // auth failure, no token
	_, _, _ = h.post(context.Background(), "Bogus", page, h.token) // unknown method
	h.srv.Inject(Fault{Code: CodeInternal})
	_, _, _ = h.post(context.Background(), "GetUsers", page, h.token)

	st := h.srv.Stats()
	if st.Requests != 9 || st.ByMethod["GetUsers"] != 8 || st.ByMethod["Bogus"] != 1 {
		t.Errorf("Requests %d ByMethod %v", st.Requests, st.ByMethod)
	}
	if st.Tokens != 2 || len(st.TokenSet) != 2 {
		t.Errorf("Tokens %d TokenSet %d, want 2", st.Tokens, len(st.TokenSet))
	}
	for _, tok := range []string{h.token, other} {
		if !strings.Contains(strings.Join(st.TokenSet, " "), tok) {
			t.Error("TokenSet lacks a token that was sent")
		}
	}
	if st.AuthFailures != 1 || st.Faults != 1 {
		t.Errorf("AuthFailures %d Faults %d, want 1 and 1", st.AuthFailures, st.Faults)
	}
	if st.MaxInFlight < 1 || st.InFlight != 0 {
		t.Errorf("MaxInFlight %d InFlight %d", st.MaxInFlight, st.InFlight)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 9 {
		t.Fatalf("Requests() has %d entries", len(reqs))
	}
	r := reqs[0]
	if r.Method != "GetUsers" || r.HTTPMethod != "POST" || r.Offset != 1 || r.Count != 2 || r.Token == "" ||
		r.Params.Get("application_id") != "10" || !strings.HasPrefix(r.UserAgent, "Go-http-client") || !r.Time.Equal(fixedNow) {
		t.Errorf("first request recorded as %+v", r)
	}
	reqs[0].Params.Set("application_id", "mutated")
	if h.srv.Requests()[0].Params.Get("application_id") != "10" {
		t.Error("Requests() shares Params with the log")
	}

	h.srv.ResetStats()
	st = h.srv.Stats()
	if st.Requests != 0 || st.Tokens != 0 || len(st.ByMethod) != 0 || st.MaxInFlight != 0 || len(h.srv.Requests()) != 0 {
		t.Errorf("after ResetStats: %+v", st)
	}
}

func TestRequestLogBounded(t *testing.T) {
	srv := NewServer(Config{})
	defer srv.Close()
	for i := range maxLoggedRequests + 5 {
		srv.stats.record(&Request{Method: "GetUsers", Offset: i})
	}
	reqs := srv.Requests()
	if len(reqs) != maxLoggedRequests || reqs[0].Offset != 5 || reqs[len(reqs)-1].Offset != maxLoggedRequests+4 {
		t.Errorf("log has %d entries from offset %d", len(reqs), reqs[0].Offset)
	}
}

// TestCloseReleasesHandlerMountedElsewhere: when voxsim is mounted in
// someone else's server (httptest here, whose Close waits for active
// requests), Close itself must release hung and delayed handlers.
func TestCloseReleasesHandlerMountedElsewhere(t *testing.T) {
	creds := NewTestCredentials(testAccountID)
	sim := NewServer(Config{Credentials: creds, Account: fixture(), Latency: time.Hour})
	ts := httptest.NewServer(sim)
	sim.Inject(Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	errs := make(chan error, 2)
	for range 2 { // one hangs, one sits in Config.Latency
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/platform_api/GetUsers", strings.NewReader(page.Encode()))
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	testkit.WaitFor(t, 5*time.Second, "waiting for two requests in flight", func() bool { return sim.Stats().InFlight == 2 })
	start := time.Now()
	sim.Close()
	if d := time.Since(start); d > closeWait-time.Second {
		t.Errorf("Close took %v: it did not release the handlers itself", d)
	}
	testkit.WaitFor(t, 5*time.Second, "waiting for handlers released", func() bool { return sim.Stats().InFlight == 0 })
	ts.Close() // would block forever on a hung handler
	for range 2 {
		<-errs
	}
}
