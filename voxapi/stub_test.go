package voxapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// stubRequest is what a stubAPI saw of one request.
type stubRequest struct {
	HTTPMethod  string
	Path        string
	ContentType string
	Auth        string
	Query       url.Values
	Form        url.Values // the urlencoded body
}

// stubAPI is an httptest.Server that answers every request with the next of
// its canned bodies (the last one repeats) and records the requests, so that
// a test can check on its own goroutine what the client sent. It stands in
// for the API in tests of methods the simulator does not implement.
type stubAPI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string
	reqs   []stubRequest
}

func newStubAPI(t *testing.T, bodies ...string) *stubAPI {
	t.Helper()
	s := &stubAPI{bodies: bodies}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		s.mu.Lock()
		s.reqs = append(s.reqs, stubRequest{
			HTTPMethod: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
			Auth: r.Header.Get("Authorization"), Query: r.URL.Query(), Form: form,
		})
		body := s.bodies[min(len(s.reqs), len(s.bodies))-1]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// client is a Client of the stub that does not retry.
func (s *stubAPI) client(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(Options{
		BaseURL: s.srv.URL + "/platform_api/", Credentials: testCredentials(), MaxRetries: -1,
		BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *stubAPI) requests() []stubRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubRequest(nil), s.reqs...)
}

// only checks that exactly one request reached the stub and that it was a
// signed, urlencoded POST to /platform_api/<method> with nothing in the
// query string, and returns its body parameters.
func (s *stubAPI) only(t *testing.T, method string) url.Values {
	t.Helper()
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests reached the API, want 1", len(reqs))
	}
	r := reqs[0]
	if r.HTTPMethod != http.MethodPost || r.Path != "/platform_api/"+method {
		t.Errorf("request %s %s, want POST /platform_api/%s", r.HTTPMethod, r.Path, method)
	}
	if !strings.HasPrefix(r.ContentType, "application/x-www-form-urlencoded") {
		t.Errorf("content type %q, want an urlencoded body", r.ContentType)
	}
	if !strings.HasPrefix(r.Auth, "Bearer ") || len(r.Auth) < len("Bearer ")+20 {
		t.Errorf("authorization header %q, want a bearer token", r.Auth)
	}
	if len(r.Query) != 0 {
		t.Errorf("parameters in the query string: %v", r.Query)
	}
	return r.Form
}

// wantParams checks that got holds exactly want.
func wantParams(t *testing.T, got url.Values, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if !got.Has(k) {
			t.Errorf("parameter %s not sent, want %q", k, w)
		} else if g := got.Get(k); g != w || len(got[k]) != 1 {
			t.Errorf("parameter %s = %q, want %q", k, got[k], w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected parameter %s = %q", k, got[k])
		}
	}
}
