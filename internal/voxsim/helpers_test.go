package voxsim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

const testAccountID = 4242

// fixedNow is the server clock in tests that need one.
var fixedNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// fixture is a small, hand-made account whose every answer can be worked
// out by hand. Orders: by user_name anna(3) bob(9) carl(1) dana(7) zoe(5);
// by display name Bob, Carl, Dana, Zoë, Анна.
func fixture() Account {
	support := Application{ID: 10, Name: "support.acme.n2.voximplant.com", Modified: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	sales := Application{ID: 20, Name: "sales.acme.n2.voximplant.com", Modified: time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC), SecureRecordStorage: true}
	billing := Application{ID: 30, Name: "Billing.acme.n2.voximplant.com", Modified: time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)}
	en, es, vip := Skill{1, "English"}, Skill{2, "Spanish"}, Skill{3, "VIP"}
	l1 := Queue{ID: 100, Name: "Support L1", ApplicationID: 10}
	l2 := Queue{ID: 200, Name: "Support L2", ApplicationID: 10}
	sq := Queue{ID: 300, Name: "Sales", ApplicationID: 20}
	autoL1 := l1
	autoL1.AutoLink = true
	created := time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC)
	return Account{
		ID:     testAccountID,
		Apps:   []Application{support, sales, billing},
		Skills: []Skill{en, es, vip},
		Queues: []Queue{l1, l2, sq},
		Users: []User{
			{ID: 5, Name: "zoe", DisplayName: "Zoë Müller", Active: true, ParentAccounting: true,
				Apps: []int64{10}, Skills: []Skill{en, vip}, Queues: []Queue{l1},
				Status: StatusReady, StatusChange: fixedNow.Add(-time.Minute), Created: created, Modified: created, Frozen: ptr(false)},
			{ID: 3, Name: "anna", DisplayName: "Анна Петрова", Active: true, ParentAccounting: true,
				Apps: []int64{10, 20}, Skills: []Skill{es}, Queues: []Queue{autoL1, sq},
				Status: StatusInService, StatusChange: fixedNow.Add(-2 * time.Minute), Created: created, Modified: created},
			{ID: 9, Name: "bob", DisplayName: "Bob Stone", Active: false, ParentAccounting: true,
				Apps: []int64{20}, Status: StatusOffline, Created: created, Modified: created},
			{ID: 1, Name: "carl", DisplayName: "Carl Zeiss", Active: true, ParentAccounting: false,
				LiveBalance: 12.34567, FixedBalance: 10.5, CustomData: `{"team":"A"}`,
				Apps: []int64{10}, Skills: []Skill{en}, Queues: []Queue{l2},
				Status: StatusDND, StatusChange: fixedNow.Add(-3 * time.Minute), Created: created, Modified: created},
			{ID: 7, Name: "dana", DisplayName: "Dana Anders", Active: true, ParentAccounting: true,
				Apps: []int64{30}, Created: created, Modified: created},
		},
	}
}

// harness is a started server with valid credentials and a token.
type harness struct {
	t     *testing.T
	srv   *Server
	creds *Credentials
	token string
}

func newHarness(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	creds := NewTestCredentials(testAccountID)
	cfg := Config{Credentials: creds, Account: fixture(), Now: func() time.Time { return fixedNow }}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	now := cfg.Now()
	tok, err := creds.MintToken(now.Add(-5*time.Second), now.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, srv: srv, creds: creds, token: tok}
}

// post sends params as an urlencoded body and returns status and body.
func (h *harness) post(ctx context.Context, method string, params url.Values, token string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL()+method, strings.NewReader(params.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// call posts with the harness token and decodes the JSON answer.
func (h *harness) call(method string, params url.Values) map[string]any {
	h.t.Helper()
	resp, body, err := h.post(context.Background(), method, params, h.token)
	if err != nil {
		h.t.Fatalf("%s: %v", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("%s: HTTP %d: %s", method, resp.StatusCode, body)
	}
	return decode(h.t, body)
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return m
}

// errorCode returns the envelope's code, 0 when the answer is not an error.
func errorCode(t *testing.T, m map[string]any) int {
	t.Helper()
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0
	}
	return int(e["code"].(float64))
}

// userIDs lists the user_id of each result, in order.
func userIDs(t *testing.T, m map[string]any) []int64 {
	t.Helper()
	res, ok := m["result"].([]any)
	if !ok {
		t.Fatalf("no result array in %v", m)
	}
	ids := []int64{}
	for _, r := range res {
		ids = append(ids, int64(r.(map[string]any)["user_id"].(float64)))
	}
	return ids
}

// needZone skips the test loudly when the time zone database lacks name
// (zone names other than UTC/GMT then go untested), or fails it under
// REQUIRE_TOOLS=1, as a missing tool does.
func needZone(t *testing.T, name string) {
	t.Helper()
	if _, err := time.LoadLocation(name); err != nil {
		if testtools.RequireTools() {
			t.Fatalf("no time zone database: %v", err)
		}
		t.Skipf("SKIP: no time zone database (%v): zone names other than UTC/GMT untested", err)
	}
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// atomicTime is a settable clock safe for concurrent reads.
type atomicTime struct{ v atomic.Int64 }

func (a *atomicTime) set(t time.Time) { a.v.Store(t.UnixNano()) }
func (a *atomicTime) get() time.Time  { return time.Unix(0, a.v.Load()).UTC() }

// testClient bounds every request, so a simulator bug that fails to answer
// fails the test instead of hanging it until the go test timeout.
var testClient = &http.Client{Timeout: 10 * time.Second}
