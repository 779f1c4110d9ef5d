package voxapi

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// completions counts the client's finished requests.
type completions struct{ n atomic.Int64 }

func (c *completions) ObserveRequest(string, Outcome, int, time.Duration) { c.n.Add(1) }

// arrival is a request as the server saw it: its paging and how many
// answers the client had already received when it arrived.
type arrival struct {
	offset, count int
	doneBefore    int64
}

// watchArrivals records every GetUsers request's arrival on srv.
func watchArrivals(srv *voxsim.Server, done *completions) func() []arrival {
	var mu sync.Mutex
	var log []arrival
	srv.Inject(voxsim.Fault{Method: "GetUsers", Times: -1, Match: func(r *voxsim.Request) bool {
		mu.Lock()
		log = append(log, arrival{r.Offset, r.Count, done.n.Load()})
		mu.Unlock()
		return false // never applies: only watches
	}})
	return func() []arrival {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(log)
	}
}

func newWatchedSim(t *testing.T, users, maxCount int) (*voxsim.Server, *Client, func() []arrival) {
	t.Helper()
	return newWatchedSimLatency(t, users, maxCount, 0)
}

// newWatchedSimLatency is newWatchedSim with a round trip, for tests that
// assert which requests went out before any answer came back: without one,
// an answer can beat a sibling request that the scheduler started late.
func newWatchedSimLatency(t *testing.T, users, maxCount int, latency time.Duration) (*voxsim.Server, *Client, func() []arrival) {
	t.Helper()
	done := &completions{}
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(users)), MaxCount: maxCount, Latency: latency},
		func(o *Options) { o.Observer = done })
	return srv, c, watchArrivals(srv, done)
}

// TestFirstReadAsksPageOneAlone: without a hint (the first scrape, or one
// after a failure) page 1 goes alone, and the rest only once its
// total_count is known.
func TestFirstReadAsksPageOneAlone(t *testing.T) {
	_, c, arrivals := newWatchedSim(t, 300, 0)
	users, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100, Concurrency: 4})
	if err != nil || len(users) != 300 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	got := arrivals()
	if len(got) != 3 || st.Requests != 3 {
		t.Fatalf("%d requests (stats %d), want 3", len(got), st.Requests)
	}
	if got[0].offset != 0 || got[0].doneBefore != 0 {
		t.Errorf("first request %+v, want page 1 before anything else", got[0])
	}
	for _, a := range got[1:] {
		if a.doneBefore < 1 {
			t.Errorf("request %+v went out before page 1 answered", a)
		}
	}
}

// TestHintAsksEveryPageAtOnce: with the previous total_count every
// expected page goes out in the first round trip.
func TestHintAsksEveryPageAtOnce(t *testing.T) {
	_, c, arrivals := newWatchedSimLatency(t, 300, 0, 250*time.Millisecond)
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1},
		PageOptions{PageSize: 100, Concurrency: 4, Hint: PageStats{TotalCount: 300}})
	if err != nil || len(users) != 300 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	got := arrivals()
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3", len(got))
	}
	for _, a := range got {
		if a.doneBefore != 0 {
			t.Errorf("request %+v waited for another's answer", a)
		}
	}
}

// TestHintLearnsAndKeepsTheCap: the cap learnt on the first read plans the
// next one, so that no page of it comes back short.
func TestHintLearnsAndKeepsTheCap(t *testing.T) {
	srv, c, arrivals := newWatchedSim(t, 230, 50)
	_, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if st.PageCap != 50 || st.TotalCount != 230 || st.Requests != 5 {
		t.Fatalf("first read %+v, want cap 50, total 230, 5 requests", st)
	}
	srv.ResetStats()
	first := len(arrivals())
	users, st2, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100, Hint: st})
	if err != nil || !slices.Equal(userIDs(users), wantIDs(1001, 230)) {
		t.Fatalf("%d users, %v", len(users), err)
	}
	if st2.PageCap != 50 || st2.Requests != 5 {
		t.Errorf("hinted read %+v, want cap 50 and 5 requests", st2)
	}
	for _, a := range arrivals()[first:] {
		if a.count != 50 || a.offset%50 != 0 {
			t.Errorf("hinted request %+v: want count 50 on a page boundary", a)
		}
	}
}

// TestHintGrownTotal: a total_count grown past the planned pages fetches
// the pages it reveals; growth within the last planned page costs nothing.
func TestHintGrownTotal(t *testing.T) {
	for _, tc := range []struct {
		grownTo, requests int
	}{
		{245, 5}, // within the last page [200, 250): same round trip
		{290, 6}, // one page more: [250, 300)
		{420, 9}, // several: ceil(420/50)
	} {
		srv, c, _ := newWatchedSim(t, 230, 50)
		_, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		more := simUsers(tc.grownTo)
		srv.UpdateUsers(func(us []voxsim.User) []voxsim.User { return append(us, more[230:]...) })
		users, st2, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100, Hint: st})
		if err != nil || !slices.Equal(userIDs(users), wantIDs(1001, tc.grownTo)) {
			t.Fatalf("grown to %d: %d users, %v", tc.grownTo, len(users), err)
		}
		if st2.Requests != tc.requests || st2.TotalCount != tc.grownTo {
			t.Errorf("grown to %d: %+v, want %d requests", tc.grownTo, st2, tc.requests)
		}
	}
}

// TestHintShrunkToNothing: pages planned past a shrunk total come back
// empty and are dropped; the read is whole, not failed.
func TestHintShrunkToNothing(t *testing.T) {
	srv, c, _ := newWatchedSim(t, 230, 50)
	_, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	srv.UpdateUsers(func(us []voxsim.User) []voxsim.User { return us[:0] })
	users, st2, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 100, Hint: st})
	if err != nil || len(users) != 0 || st2.TotalCount != 0 {
		t.Fatalf("%d users, stats %+v, %v", len(users), st2, err)
	}
}

// TestClientRemembersThePagePlan: the client keeps what a whole read
// learnt (total_count, the server's cap) and plans the next read of the
// same application from it, with no hint from the caller; a failed read
// forgets it, so the read after a failure asks page 1 alone again.
func TestClientRemembersThePagePlan(t *testing.T) {
	srv, c, arrivals := newWatchedSimLatency(t, 230, 50, 20*time.Millisecond)
	app := AppSelector{ID: 1}
	if _, _, err := c.GetAllUsers(context.Background(), app, PageOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	first := len(arrivals())
	users, st, err := c.GetAllUsers(context.Background(), app, PageOptions{PageSize: 100})
	if err != nil || len(users) != 230 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	second := arrivals()[first:]
	if len(second) != 5 || st.Requests != 5 {
		t.Fatalf("second read: %d requests, want 5 pages of the learnt cap", len(second))
	}
	// The client's default bound is 4 requests in flight: the first four
	// pages go out together, before any answer of this read.
	for i, a := range second {
		if a.count != 50 || a.offset%50 != 0 {
			t.Errorf("planned request %+v: want count 50 on a page boundary", a)
		}
		if i < DefaultPageConcurrency && a.doneBefore != second[0].doneBefore {
			t.Errorf("planned request %+v went out after an answer of its read", a)
		}
	}

	// One page at a time, so that no sibling page of the failed read is
	// still on its way to the server when the next read starts.
	srv.Inject(voxsim.Fault{Method: "GetUsers", Code: CodeForbidden, Times: 1})
	if _, _, err := c.GetAllUsers(context.Background(), app, PageOptions{PageSize: 100, Concurrency: 1}); err == nil {
		t.Fatal("the read with a forbidden page succeeded")
	}
	before := len(arrivals())
	if _, _, err := c.GetAllUsers(context.Background(), app, PageOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	after := arrivals()[before:]
	if after[0].offset != 0 || after[0].count != 100 {
		t.Errorf("first request after a failure %+v, want page 1 at the page size", after[0])
	}
	for _, a := range after[1:] {
		if a.doneBefore <= after[0].doneBefore {
			t.Errorf("request %+v went out before page 1 answered", a)
		}
	}
}

// TestClientBoundsEveryMethod: the client's bound on requests in flight
// holds across methods and callers, not per GetAllUsers call.
func TestClientBoundsEveryMethod(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(200)), Latency: 20 * time.Millisecond},
		func(o *Options) { o.MaxConcurrentRequests = 3 })
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 10}); err != nil {
				t.Error(err)
			}
		})
	}
	for range 6 {
		wg.Go(func() {
			if _, err := c.GetACDState(context.Background(), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := srv.Stats().MaxInFlight; m != 3 {
		t.Errorf("max in flight %d, want exactly the bound of 3", m)
	}
}
