package collector

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

func yes() *bool { b := true; return &b }

// goldenAccount exercises every corner of the metric contract: all
// statuses, unknown and missing statuses, a user in two watched
// applications, users without skills or queues, unknown and malformed
// timestamps, names needing escaping.
func goldenAccount() voxsim.Account {
	english := voxsim.Skill{ID: 1, Name: "English"}
	spanish := voxsim.Skill{ID: 2, Name: "Español"}
	sales := voxsim.Queue{ID: 10, Name: "Sales", ApplicationID: 1}
	vip := voxsim.Queue{ID: 11, Name: `VIP "gold" \ line`, ApplicationID: 1}
	return voxsim.Account{
		ID: 4242,
		Apps: []voxsim.Application{
			{ID: 1, Name: "support.acme.voximplant.com"},
			{ID: 2, Name: "sales.acme.voximplant.com"},
		},
		Users: []voxsim.User{
			{ID: 101, Name: "ann", DisplayName: "Ann Lee", Active: true, Apps: []int64{1},
				Skills: []voxsim.Skill{english, spanish}, Queues: []voxsim.Queue{sales},
				Status: voxsim.StatusReady, StatusChange: at("2026-11-28 09:00:00"),
				ParentAccounting: false, LiveBalance: 12.5, FixedBalance: 10.25},
			{ID: 102, Name: "zoe", DisplayName: "Zoë \"Z\" O'Brien \\ ☎\nnight shift", Active: true, Apps: []int64{1, 2},
				Skills: []voxsim.Skill{english}, Queues: []voxsim.Queue{sales, vip},
				Status: voxsim.StatusAfterService, StatusChange: at("2026-11-28 08:30:00"),
				ParentAccounting: true},
			{ID: 103, Name: "no.status", DisplayName: "No Status", Active: false, Apps: []int64{1},
				TimeEncoding: voxsim.TimeEmpty, ParentAccounting: true},
			{ID: 104, Name: "new.status", DisplayName: "New Status", Active: true, Apps: []int64{1},
				Queues: []voxsim.Queue{vip}, Status: "ON_BREAK_V2",
				TimeEncoding: voxsim.TimeRaw, RawStatusChange: "28/11/2026 09:00", ParentAccounting: true},
			{ID: 105, Name: "olga", DisplayName: "Ольга", Active: true, Apps: []int64{2},
				Skills: []voxsim.Skill{spanish}, Status: voxsim.StatusReady, StatusChange: at("2026-11-28 07:00:00"),
				TimeEncoding: voxsim.TimeNull, ParentAccounting: true, Frozen: yes()},
			{ID: 106, Name: "dnd", DisplayName: "Dee", Active: true, Apps: []int64{2},
				Status: voxsim.StatusDND, TimeEncoding: voxsim.TimeNull, ParentAccounting: true},
			{ID: 107, Name: "other.app", DisplayName: "Not Watched", Active: true, Apps: []int64{3},
				Status: voxsim.StatusReady, StatusChange: at("2026-11-28 09:10:00"), ParentAccounting: true},
		},
	}
}

func TestCollectGolden(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.MaxCount = 3 })
	compareGolden(t, h.exporter(t, expOpts{perUser: true}), "golden_users.prom", contentMetrics)
}

func TestCollectGoldenWithoutUsers(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	exp := h.exporter(t, expOpts{perUser: false})
	compareGolden(t, exp, "golden_aggregates.prom", contentMetrics)
	if n := count(scrape(t, exp), "voximplant_user_info", "voximplant_user_acd_status"); n != 0 {
		t.Errorf("%d per-user series with --no-collector.users", n)
	}
}

func TestFailedPageGivesUpZeroAndNoSeries(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1,
		Match: func(r *voxsim.Request) bool { return r.Offset >= 2 }})
	exp := h.exporter(t, expOpts{perUser: true})
	compareGolden(t, exp, "golden_failed.prom", contentMetrics)
	// up, the pass's duration, and the users collector's success and
	// duration: nothing else.
	if fams := scrape(t, exp); count(fams) != 4 {
		t.Errorf("%d series on a failed scrape, want 4:\n%s", count(fams), fams.Text())
	}
	// Recovery: the next scrape after the fault is whole again.
	h.sim.ClearFaults()
	compareGolden(t, h.exporter(t, expOpts{}), "golden_aggregates.prom", contentMetrics)
}

// TestConcurrentScrapesShareOnePass: five scrapes that arrive while a pass
// runs all join it. The join hook holds the first scrape's pass open (its
// requests wait on a gate in front of voxsim) until the other four have
// joined, so the test cannot pass by the scrapes happening to overlap.
func TestConcurrentScrapesShareOnePass(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	exp := h.exporter(t, expOpts{perUser: true})
	const scrapers = 5
	var joined atomic.Int32
	allJoined := make(chan struct{})
	exp.SetJoinHook(func(bool) {
		if joined.Add(1) == scrapers {
			close(allJoined)
		}
	})
	h.sim.SetGate(allJoined)
	var wg sync.WaitGroup
	ups := make([]float64, scrapers)
	for i := range ups {
		wg.Go(func() { ups[i] = scrapeUp(t, exp, context.Background()) })
	}
	wg.Wait()
	for i, up := range ups {
		if up != 1 {
			t.Errorf("scraper %d saw up %v", i, up)
		}
	}
	// Application 1 has 4 users at page size 2: one pass is 2 pages.
	if got := h.sim.Stats().ByMethod["GetUsers"]; got != 2 {
		t.Errorf("%d simultaneous scrapes made %d GetUsers requests, want 2 (one shared pass)", scrapers, got)
	}
}

// TestScraperDeadlineDoesNotCancelSharedPass: the scrape that started a
// pass gives up; the one that joined it (the hook says when) still gets
// the pass's whole answer. voxsim holds every request at a gate until the
// impatient scrape has given up, so the order is fixed, not timed.
func TestScraperDeadlineDoesNotCancelSharedPass(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	exp := h.exporter(t, expOpts{passTimeout: 10 * time.Second})
	gate := make(chan struct{})
	h.sim.SetGate(gate)
	started, joined := make(chan struct{}), make(chan struct{})
	exp.SetJoinHook(func(first bool) {
		if first {
			close(started)
		} else {
			close(joined)
		}
	})
	impatient, cancel := context.WithCancel(context.Background())
	impatientUp := make(chan float64, 1)
	go func() { impatientUp <- scrapeUp(t, exp, impatient) }()
	<-started
	patientUp := make(chan float64, 1)
	go func() { patientUp <- scrapeUp(t, exp, context.Background()) }()
	<-joined
	cancel()
	if up := <-impatientUp; up != 0 {
		t.Errorf("impatient scraper saw up %v, want 0", up)
	}
	close(gate)
	if up := <-patientUp; up != 1 {
		t.Errorf("patient scraper saw up %v: the other's deadline cancelled the shared pass", up)
	}
}

func TestCacheTTL(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	exp := h.exporter(t, expOpts{ttl: 10 * time.Second, now: clock})
	scrape(t, exp)
	mu.Lock()
	now = now.Add(9 * time.Second)
	mu.Unlock()
	scrape(t, exp)
	if got := h.sim.Stats().Requests; got != 2 {
		t.Errorf("%d requests for two scrapes within the TTL, want 2 (one pass)", got)
	}
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	scrape(t, exp)
	if got := h.sim.Stats().Requests; got != 4 {
		t.Errorf("%d requests after the TTL, want 4 (a second pass)", got)
	}
}
