package voxapi

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// goroutinePeak samples runtime.NumGoroutine on every GetUsers request
// srv handles, and reports the highest value seen.
func goroutinePeak(srv *voxsim.Server) func() int {
	var mu sync.Mutex
	peak := 0
	srv.Inject(voxsim.Fault{Method: "GetUsers", Times: -1, Match: func(*voxsim.Request) bool {
		n := runtime.NumGoroutine()
		mu.Lock()
		peak = max(peak, n)
		mu.Unlock()
		return false // never applies: only samples
	}})
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// TestLyingTotalCountBoundsRequests: a server whose pages hold 200 users
// (20 a page, its cap) but whose total_count claims 1,000,000 used to get
// one request planned per claimed page, 50,000 of them, at once. The pager
// walks the pages in order and stops at the first empty one; the read is
// served (the pages are the server's answer), the disagreement logged with
// both numbers, once, and the next read with the same disagreement costs
// one walk, not three.
func TestLyingTotalCountBoundsRequests(t *testing.T) {
	var logs logBuffer
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(200)), MaxCount: 20},
		func(o *Options) { o.Logger = logs.logger() })
	srv.ClaimTotalCount(1_000_000)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const workers = DefaultPageConcurrency
	// One walk: page 1 (count 100, 20 returned) and the rest of it, then
	// pages of 20 up to the first empty one, with at most one page per
	// worker asked past it.
	walk := 1 + 4 + 200/20 + workers
	for read := range 3 {
		users, _, err := c.GetAllUsers(ctx, AppSelector{ID: 1}, PageOptions{PageSize: 100})
		if err != nil || len(users) != 200 {
			t.Fatalf("read %d: %d users, %v", read, len(users), err)
		}
		reads := 1 + maxRereads // the first read checks twice that the answer holds still
		if read > 0 {
			reads = 1
		}
		if n := srv.Stats().Requests; n > reads*walk {
			t.Errorf("read %d: %d requests, want at most %d (%d walks of %d)", read, n, reads*walk, reads, walk)
		}
		srv.ResetStats()
	}
	if n := strings.Count(logs.String(), "total_count disagrees"); n != 1 {
		t.Errorf("%d disagreement warnings over three reads, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "total_count=1000000 users_returned=200") {
		t.Errorf("the warning does not give both numbers:\n%s", logs.String())
	}
	// A changed claim is a change: logged again.
	srv.ClaimTotalCount(500_000)
	if _, _, err := c.GetAllUsers(ctx, AppSelector{ID: 1}, PageOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "total_count=500000 users_returned=200") {
		t.Errorf("the changed disagreement was not logged:\n%s", logs.String())
	}
	// The truth again: no warning, and the next lie is logged anew.
	srv.ClaimTotalCount(0)
	if _, _, err := c.GetAllUsers(ctx, AppSelector{ID: 1}, PageOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	srv.ClaimTotalCount(500_000)
	if _, _, err := c.GetAllUsers(ctx, AppSelector{ID: 1}, PageOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "total_count=500000"); n != 2 {
		t.Errorf("%d warnings for the 500,000 claim around a truthful read, want 2", n)
	}
}

// TestLyingTotalCountBoundsGoroutines: one record a page and a claimed
// total_count of 20,000 over 50 users used to start a goroutine per
// claimed page (a million claimed: a million goroutines, 4.5 GiB). The
// goroutines of a read are its workers, whatever total_count says.
func TestLyingTotalCountBoundsGoroutines(t *testing.T) {
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(50)), MaxCount: 1}, nil)
	// Warm the connections, so the baseline holds their goroutines.
	if _, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 1}); err != nil {
		t.Fatal(err)
	}
	peak := goroutinePeak(srv)
	srv.ClaimTotalCount(20_000)
	base := runtime.NumGoroutine()
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 1, Concurrency: 4})
	if err != nil || len(users) != 50 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	// The 4 workers, and per connection the transport's two loops and the
	// server's handler; a margin for the runtime's own.
	if p, limit := peak(), base+4+4*3+8; p > limit {
		t.Errorf("peak %d goroutines during the read, want at most %d (baseline %d)", p, limit, base)
	}
	if m := srv.Stats().MaxInFlight; m > 4 {
		t.Errorf("%d requests in flight at once, want at most 4", m)
	}
}
