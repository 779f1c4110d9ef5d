package voxapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

const simAccount = 4242

// simUsers builds n operators bound to application 1, ids 1001.. .
func simUsers(n int) []voxsim.User {
	users := make([]voxsim.User, n)
	for i := range users {
		users[i] = voxsim.User{
			ID: int64(1001 + i), Name: fmt.Sprintf("op%04d", i), DisplayName: fmt.Sprintf("Operator %d", i),
			Active: true, Apps: []int64{1}, Status: voxsim.StatusReady,
			Skills: []voxsim.Skill{{ID: 1, Name: "English"}},
			Queues: []voxsim.Queue{{ID: 10, Name: "Sales", ApplicationID: 1}},
		}
	}
	return users
}

func simAccountWith(users []voxsim.User) voxsim.Account {
	return voxsim.Account{
		ID:    simAccount,
		Apps:  []voxsim.Application{{ID: 1, Name: "support.acme.voximplant.com"}, {ID: 2, Name: "sales.acme.voximplant.com"}},
		Users: users,
	}
}

// newSimClient starts voxsim with cfg (credentials filled in) and a client
// whose credentials come through the real credentials.json parser.
func newSimClient(t *testing.T, cfg voxsim.Config, mod func(*Options)) (*voxsim.Server, *Client) {
	t.Helper()
	creds := voxsim.NewTestCredentials(simAccount)
	cfg.Credentials = creds
	srv, err := voxsim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, newClientFor(t, srv.URL(), creds.JSON(), mod)
}

func newClientFor(t *testing.T, url string, credsJSON []byte, mod func(*Options)) *Client {
	t.Helper()
	c, err := ParseCredentials(credsJSON, "test credentials")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{BaseURL: url, Credentials: c, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}
	if mod != nil {
		mod(&opts)
	}
	client, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func userIDs(users []User) []int64 {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.UserID
	}
	return ids
}

func wantIDs(from int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = from + int64(i)
	}
	return ids
}

func TestGetUsersOnePageAndEncoding(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(3))}, func(o *Options) { o.UserAgent = "voximplant_exporter/test" })
	resp, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, WithSkills: true, WithQueues: true, Count: 2, OrderBy: "user_id"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TotalCount != 3 || len(resp.Result) != 2 {
		t.Fatalf("total %d, %d records", resp.TotalCount, len(resp.Result))
	}
	u := resp.Result[0]
	if u.UserID != 1001 || u.UserName != "op0000" || len(u.Skills) != 1 || len(u.ACDQueues) != 1 || u.ACDStatus != StatusReady {
		t.Errorf("user decoded as %+v", u)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.HTTPMethod != http.MethodPost || !strings.HasPrefix(r.ContentType, "application/x-www-form-urlencoded") {
		t.Errorf("sent %s with %q; want POST with an urlencoded body", r.HTTPMethod, r.ContentType)
	}
	if len(r.Query) != 0 {
		t.Errorf("parameters in the query string (they end up in access logs): %v", r.Query)
	}
	if r.UserAgent != "voximplant_exporter/test" {
		t.Errorf("user agent %q", r.UserAgent)
	}
	if r.Params.Get("with_skills") != "true" || r.Params.Get("application_id") != "1" || r.Params.Has("application_name") {
		t.Errorf("params %v", r.Params)
	}
}

func TestGetAllUsersServerCapSmallerThanPage(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(250)), MaxCount: 40}, nil)
	users, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(userIDs(users), wantIDs(1001, 250)) {
		t.Fatalf("got %d users, not the 250 in user_id order", len(users))
	}
	if st.PageCap != 40 || st.TotalCount != 250 {
		t.Errorf("stats %+v, want cap 40 total 250", st)
	}
	// ceil(250/40) = 7 pages: the cap is learnt from the first, not re-learnt per page.
	if got := srv.Stats().ByMethod["GetUsers"]; got != 7 {
		t.Errorf("%d requests, want 7", got)
	}
	for _, r := range srv.Requests() {
		if r.Params.Get("order_by") != "user_id" || r.Params.Get("with_skills") != "true" || r.Params.Get("with_queues") != "true" {
			t.Errorf("page request params %v", r.Params)
		}
	}
}

func TestGetAllUsersByNameAndEmpty(t *testing.T) {
	_, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(5))}, nil)
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{Name: "support"}, PageOptions{PageSize: 2})
	if err != nil || len(users) != 5 {
		t.Fatalf("by name: %d users, err %v", len(users), err)
	}
	users, _, err = c.GetAllUsers(context.Background(), AppSelector{Name: "sales"}, PageOptions{})
	if err != nil || len(users) != 0 {
		t.Fatalf("application without users: %d users, err %v", len(users), err)
	}
}

// hookServer runs voxsim as a handler behind a hook called before each
// request is served, so a test can change the account between pages.
func hookServer(t *testing.T, cfg voxsim.Config, hook func(n int, sim *voxsim.Server)) (*voxsim.Server, *Client) {
	t.Helper()
	creds := voxsim.NewTestCredentials(simAccount)
	cfg.Credentials = creds
	sim := voxsim.NewServer(cfg)
	var n atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hook(int(n.Add(1)), sim)
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(sim.Close)
	return sim, newClientFor(t, hs.URL+"/platform_api/", creds.JSON(), nil)
}

func TestGetAllUsersUsersAddedBetweenPages(t *testing.T) {
	_, c := hookServer(t, voxsim.Config{Account: simAccountWith(simUsers(100))}, func(n int, sim *voxsim.Server) {
		if n == 2 { // after page 1: 30 more operators join, total_count grows
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User {
				more := simUsers(130)[100:]
				return append(us, more...)
			})
		}
	})
	users, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 25, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(userIDs(users), wantIDs(1001, 130)) || st.TotalCount != 130 {
		t.Fatalf("got %d users (total %d), want all 130 after growth", len(users), st.TotalCount)
	}
}

func TestGetAllUsersDuplicateAcrossPagesAndRemoval(t *testing.T) {
	_, c := hookServer(t, voxsim.Config{Account: simAccountWith(simUsers(60))}, func(n int, sim *voxsim.Server) {
		switch n {
		case 2: // a user with a low id appears: the next pages shift by one and repeat a user
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User {
				u := simUsers(1)[0]
				u.ID, u.Name = 5, "early"
				return append([]voxsim.User{u}, us...)
			})
		case 3: // and the last user leaves
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User { return us[:len(us)-1] })
		}
	})
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 20, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	ids := userIDs(users)
	if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("users not unique and ordered: %v", ids)
	}
	for _, want := range wantIDs(1001, 59) {
		if !slices.Contains(ids, want) {
			t.Errorf("user %d, present throughout, was missed", want)
		}
	}
}

func TestGetAllUsersFailingMiddlePageFailsWhole(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(100))}, nil)
	srv.Inject(voxsim.Fault{Method: "GetUsers", Code: CodeInvalidArguments, Msg: "Invalid arguments", Times: -1,
		Match: func(r *voxsim.Request) bool { return r.Offset == 40 }})
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 20})
	if err == nil || users != nil {
		t.Fatalf("a failed page gave %d users and err %v; want no users and an error", len(users), err)
	}
	if ErrorCode(err) != CodeInvalidArguments || !strings.Contains(err.Error(), "offset 40") {
		t.Errorf("error %v does not carry code 101 and the page", err)
	}
}

func TestRetryableErrorsThenSuccess(t *testing.T) {
	for _, f := range []voxsim.Fault{
		{Code: CodeInternal, Msg: "Internal error", Times: 2},
		{Code: CodeTryLater, Msg: "Try later", Times: 1},
		{HTTPStatus: http.StatusServiceUnavailable, Times: 2},
		{HTTPStatus: http.StatusBadGateway, Body: []byte("<html>bad gateway</html>"), Times: 1},
		{Body: []byte(`{"result":[{"user_id":1`), Times: 1},
	} {
		t.Run(fmt.Sprintf("code%d_http%d", f.Code, f.HTTPStatus), func(t *testing.T) {
			srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(3))}, nil)
			srv.Inject(f)
			users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{})
			if err != nil || len(users) != 3 {
				t.Fatalf("%d users, err %v", len(users), err)
			}
			if got := srv.Stats().Requests; got != 1+f.Times {
				t.Errorf("%d requests, want %d", got, 1+f.Times)
			}
		})
	}
}

func TestNonRetryableCodeOneRequest(t *testing.T) {
	for _, code := range []int{101, 104, 115, 116, 117, 134, 227, 433, 447, 454, 458} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(3))}, nil)
			srv.Inject(voxsim.Fault{Code: code, Msg: "nope", Times: -1})
			_, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{})
			if ErrorCode(err) != code {
				t.Fatalf("err = %v, want code %d", err, code)
			}
			if got := srv.Stats().Requests; got != 1 {
				t.Errorf("%d requests for non-retryable code %d, want exactly 1", got, code)
			}
		})
	}
}

func TestAuthCodesReMintOnce(t *testing.T) {
	for _, code := range []int{CodeAuthFailed, CodeTokenFromFuture, CodeTokenExpired} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(3))}, nil)
			srv.Inject(voxsim.Fault{Code: code, Msg: "auth", Times: 1})
			if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
				t.Fatalf("one auth error should be cured by a new token: %v", err)
			}
			if c.TokensMinted() != 2 || srv.Stats().Requests != 2 {
				t.Errorf("minted %d tokens in %d requests, want 2 and 2", c.TokensMinted(), srv.Stats().Requests)
			}
			// Twice in a row: fail after exactly one retry.
			srv.Inject(voxsim.Fault{Code: code, Msg: "auth", Times: 2})
			srv.ResetStats()
			if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); ErrorCode(err) != code {
				t.Fatalf("err = %v, want code %d", err, code)
			}
			if srv.Stats().Requests != 2 {
				t.Errorf("%d requests, want 2 (one retry)", srv.Stats().Requests)
			}
		})
	}
}

func TestRealAuthAgainstSimulator(t *testing.T) {
	// Client clock 10 minutes behind the server: tokens look expired... no,
	// issued in the past and still valid. Client ahead by more than the
	// skew: 455, re-minted with a wider back-date, which passes.
	serverNow := func() time.Time { return time.Now().Add(-30 * time.Second) }
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2)), Now: serverNow}, nil)
	if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
		t.Fatalf("clock 30 s ahead of the API: %v", err)
	}
	if srv.Stats().AuthFailures != 1 || c.TokensMinted() != 2 {
		t.Errorf("auth failures %d, tokens %d; want one 455 cured by one re-mint", srv.Stats().AuthFailures, c.TokensMinted())
	}
	// The token is reused across requests.
	for range 5 {
		if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Stats().Tokens != 2 {
		t.Errorf("%d distinct tokens over 7 requests, want 2", srv.Stats().Tokens)
	}
}

func TestChildAccountIssuer(t *testing.T) {
	_, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2)), ExtraAccounts: []int64{777}},
		func(o *Options) { o.AccountID = 777 })
	if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
		t.Fatalf("child account: %v", err)
	}
	_, c2 := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, func(o *Options) { o.AccountID = 778 })
	if _, err := c2.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); ErrorCode(err) != CodeAuthFailed {
		t.Fatalf("unknown child account: err %v, want 100", err)
	}
}

func TestDeadlineShorterThanBackoff(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, nil)
	srv.Inject(voxsim.Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: "30", Times: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := c.GetUsers(ctx, GetUsersParams{ApplicationID: 1})
	if err == nil || !strings.Contains(err.Error(), "no time left") {
		t.Fatalf("err = %v; want the 429 returned at once, not a sleep past the deadline", err)
	}
	if ctx.Err() != nil {
		t.Error("the call outlived the caller's deadline")
	}
	if srv.Stats().Requests != 1 {
		t.Errorf("%d requests", srv.Stats().Requests)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.RetryAfter != 30*time.Second {
		t.Errorf("Retry-After not read: %+v", ae)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	sl := &recordSleeps{}
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, func(o *Options) { o.Sleep = sl.sleep })
	srv.Inject(voxsim.Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: "7", Times: 1})
	if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
		t.Fatal(err)
	}
	if w := sl.got(); len(w) != 1 || w[0] != 7*time.Second {
		t.Errorf("waits %v, want one of the server's Retry-After 7 s", w)
	}
	srv.Inject(voxsim.Fault{Code: CodeRepeatAfter, Msg: "Please repeat the request after 2 seconds", Times: 1})
	if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
		t.Fatal(err)
	}
	if w := sl.got(); len(w) != 2 || w[1] != 2*time.Second {
		t.Errorf("waits %v, want 416's 2 s second", w)
	}
}

// TestRetryAfterOverflowCapped: a Retry-After whose seconds overflow
// time.Duration used to wrap negative and be ignored (an immediate retry);
// it is capped at MaxRetryAfter, logged, and so fails at once within a
// scrape's deadline and is waited (capped) without one.
func TestRetryAfterOverflowCapped(t *testing.T) {
	for _, v := range []string{"9223372037", "99999999999999999999999"} {
		t.Run(v, func(t *testing.T) {
			sl := &recordSleeps{}
			var logs logBuffer
			srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, func(o *Options) {
				o.Sleep, o.Logger = sl.sleep, logs.logger()
			})
			srv.Inject(voxsim.Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: v, Times: 1})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := c.GetUsers(ctx, GetUsersParams{ApplicationID: 1})
			if err == nil || !strings.Contains(err.Error(), "no time left") {
				t.Fatalf("err = %v; want no retry within a minute's deadline", err)
			}
			if srv.Stats().Requests != 1 || len(sl.got()) != 0 {
				t.Errorf("%d requests, waits %v; want one request and no wait", srv.Stats().Requests, sl.got())
			}
			if !strings.Contains(logs.String(), "Retry-After is implausibly long") || !strings.Contains(logs.String(), v) {
				t.Errorf("cap not logged with the header's value:\n%s", logs.String())
			}
			srv.Inject(voxsim.Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: v, Times: 1})
			if _, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1}); err != nil {
				t.Fatal(err)
			}
			if w := sl.got(); len(w) != 1 || w[0] != MaxRetryAfter {
				t.Errorf("waits %v without a deadline, want one of %s", w, MaxRetryAfter)
			}
		})
	}
}

func TestHangUntilCallerGivesUp(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, nil)
	srv.Inject(voxsim.Fault{Hang: true, Times: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.GetUsers(ctx, GetUsersParams{ApplicationID: 1})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}

func TestConcurrencyBound(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(300)), Latency: 20 * time.Millisecond}, nil)
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 10, Concurrency: 3})
	if err != nil || len(users) != 300 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	if m := srv.Stats().MaxInFlight; m > 3 || m < 2 {
		t.Errorf("max in flight %d, want 2..3 with a bound of 3", m)
	}
}

func TestSpeculativePagingWithHint(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(230)), MaxCount: 50}, nil)
	_, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetStats()
	// Shrink the account: the hinted pages past the end come back empty.
	srv.UpdateUsers(func(us []voxsim.User) []voxsim.User { return us[:180] })
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100, Hint: st})
	if err != nil || !slices.Equal(userIDs(users), wantIDs(1001, 180)) {
		t.Fatalf("after shrinking: %d users, %v", len(users), err)
	}
	// The hint plans ceil(230/50) = 5 pages, but the first answer's
	// total_count (180) shrinks the plan to the ceil(180/50) = 4 it covers.
	if got := srv.Stats().Requests; got != 4 {
		t.Errorf("%d requests with a hint, want 4", got)
	}
}

func TestBodyTooLargeIsNotRetried(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, func(o *Options) { o.MaxResponseBytes = 1024 })
	big := `{"result":[` + strings.Repeat(`{"user_id":1},`, 200) + `{"user_id":2}],"total_count":2}`
	srv.Inject(voxsim.Fault{Body: []byte(big), Times: -1})
	_, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1})
	var de *DecodeError
	if !errors.As(err, &de) || !de.TooLarge {
		t.Fatalf("err = %v, want a too-large decode error", err)
	}
	if srv.Stats().Requests != 1 {
		t.Errorf("%d requests", srv.Stats().Requests)
	}
}

// A server whose list itself repeats a user, the same way on every read
// (total_count steady): after the re-reads, its list is the answer, rather
// than a scrape that fails for ever.
func TestSteadyDuplicateInServerListIsAccepted(t *testing.T) {
	var requests atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_ = r.ParseForm()
		switch r.Form.Get("offset") {
		case "", "0":
			fmt.Fprint(w, `{"result":[{"user_id":1},{"user_id":2}],"total_count":4,"count":2}`)
		default: // user 2 again: the list holds 3 distinct users, total_count says 4
			fmt.Fprint(w, `{"result":[{"user_id":2},{"user_id":3}],"total_count":4,"count":2}`)
		}
	}))
	defer hs.Close()
	c := newClientFor(t, hs.URL+"/platform_api/", voxsim.NewTestCredentials(simAccount).JSON(), nil)
	users, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 2})
	if err != nil {
		t.Fatalf("a steady list was refused: %v", err)
	}
	if !slices.Equal(userIDs(users), []int64{1, 2, 3}) || st.TotalCount != 4 {
		t.Errorf("users %v, total %d", userIDs(users), st.TotalCount)
	}
	if got := requests.Load(); got != 2*(1+maxRereads) {
		t.Errorf("%d requests, want %d: the read is retried before it is accepted", got, 2*(1+maxRereads))
	}
}
