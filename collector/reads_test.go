package collector

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// heldQueues is the real client but for GetQueues, which waits for
// release after saying it has arrived.
type heldQueues struct {
	API
	arrived chan struct{}
	release chan struct{}
}

func (h *heldQueues) GetQueues(ctx context.Context, app int64) ([]voxapi.QueueInfo, error) {
	h.arrived <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	return h.API.GetQueues(ctx, app)
}

// TestDirectoryReadOutlivesItsPass: GetUsers answers at once and GetQueues
// only after the pass has ended (every scrape gave up on it). The
// directory read is not cut short with the pass: it completes, and the
// next scrape serves statistics without asking GetQueues again. (Before,
// the read ran on the pass's context, failed with context canceled, and
// nothing read the directory for a minute.)
func TestDirectoryReadOutlivesItsPass(t *testing.T) {
	r := newStatsRig(t, onlySales)
	held := &heldQueues{API: r.stub, arrived: make(chan struct{}, 1), release: make(chan struct{})}
	st := Settings{Logger: r.logs.Logger(), Now: r.clock}
	exp, err := New(Config{API: held, Apps: r.apps, PageSize: 2, Now: r.clock, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), NewQueueStats(st)}})
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-held.arrived; cancel() }()
	if f := scrapeWithin(t, exp, ctx); f.CollectorSuccess(QueueStatsCollector) != 0 {
		t.Fatal("queue_stats succeeded before the directory was read")
	}
	close(held.release)
	exp.reads.directory.wait()
	exp.reads.queueStats.wait()
	f := scrape(t, exp)
	if f.CollectorSuccess(QueueStatsCollector) != 1 || count(f, "voximplant_acd_queue_stats_offered_calls") != 3 {
		t.Fatalf("queue_stats after the directory read: success %v, %d queues; log:\n%s",
			f.CollectorSuccess(QueueStatsCollector), count(f, "voximplant_acd_queue_stats_offered_calls"), r.logs)
	}
	select {
	case <-held.arrived:
		t.Error("GetQueues was asked again within the directory refresh")
	default:
	}
}

// TestQueueAddedAfterStartIsReadAfterOneDirectoryRefresh: a queue added
// to the account, with no operator bound to it, is in the first
// statistics read after the directory's next refresh.
func TestQueueAddedAfterStartIsReadAfterOneDirectoryRefresh(t *testing.T) {
	r := newStatsRig(t, onlySales)
	if n := count(scrape(t, r.exp), "voximplant_acd_queue_stats_offered_calls"); n != 3 {
		t.Fatalf("%d queues at start, want 3", n)
	}
	acct := r.sim.Account()
	acct.Queues = append(acct.Queues, voxsim.Queue{ID: 13, Name: "Added", ApplicationID: 1})
	r.sim.SetAccount(acct)
	r.advance(DefaultReadOptions.DirectoryRefresh)
	scrape(t, r.exp) // due: serves the last read, reads again
	r.exp.reads.queueStats.wait()
	f := scrape(t, r.exp)
	if v := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", "application", "1", "queue_id", "13", "queue", "Added"); v != 0 {
		t.Errorf("the added queue has %v offered calls, want 0", v)
	}
	if n := r.sim.Stats().ByMethod["GetQueues"]; n != 2 {
		t.Errorf("%d GetQueues requests, want 2 (start, one refresh)", n)
	}
}

// TestQueueStatsFailsWithTheAPIDown: with every request failing, the
// statistics are never reported read (they were reported success 1 with no
// series: VoximplantCollectorFailing could not fire).
func TestQueueStatsFailsWithTheAPIDown(t *testing.T) {
	r := newStatsRig(t, onlySales)
	r.sim.Inject(voxsim.Fault{HTTPStatus: http.StatusServiceUnavailable, Times: -1})
	for i := range 4 {
		f := scrape(t, r.exp)
		if up := f.MustValue(t, "voximplant_up"); up != 0 {
			t.Fatalf("scrape %d: up %v with the API down", i, up)
		}
		if ok := f.CollectorSuccess(QueueStatsCollector); ok != 0 {
			t.Fatalf("scrape %d: queue_stats success %v with the API down", i, ok)
		}
		r.exp.reads.queueStats.wait()
	}
}

// TestQueueStatsNeverSucceedsOverNothing: a first scrape whose deadline
// passes at once (the demo with a 0.05 s scrape timeout) leaves every
// later scrape either failed or with the statistics: never success 1
// with no statistics series.
func TestQueueStatsNeverSucceedsOverNothing(t *testing.T) {
	r := newStatsRig(t, onlySales)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	scrapeWithin(t, r.exp, ctx)
	for i := range 5 {
		r.exp.reads.queueStats.wait()
		f := scrape(t, r.exp)
		ok, n := f.CollectorSuccess(QueueStatsCollector), count(f, "voximplant_acd_queue_stats_offered_calls")
		if ok == 1 && n != 3 {
			t.Fatalf("scrape %d: queue_stats success 1 with %d of 3 queues", i, n)
		}
		if i == 4 && ok != 1 {
			t.Errorf("queue_stats still failing after 5 scrapes")
		}
	}
}

// TestACDStateFailsWithoutDirectoryAndUsers: with GetQueues refused and
// GetUsers failing, which queues are watched is unknown: acd_state fails
// rather than report success over no queue series.
func TestACDStateFailsWithoutDirectoryAndUsers(t *testing.T) {
	h := newACDHarness(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetQueues"} })
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", HTTPStatus: http.StatusInternalServerError, Times: -1})
	f := scrape(t, h.exporter(t, expOpts{acd: true}))
	if ok := f.CollectorSuccess(ACDStateCollector); ok != 0 {
		t.Errorf("acd_state success %v with neither GetQueues nor GetUsers", ok)
	}
	if up := f.MustValue(t, "voximplant_acd_state_up"); up != 0 {
		t.Errorf("voximplant_acd_state_up %v", up)
	}
}

// TestQueueStatsCoverServedQueues: the statistics cover the queues the
// watched applications own and the queues their operators are bound to,
// even one owned by an application nobody watches; a queue two watched
// applications show is read once and served under both.
func TestQueueStatsCoverServedQueues(t *testing.T) {
	freezeACDNow()
	acct := acdAccount()
	acct.Apps = append(acct.Apps, voxsim.Application{ID: 5, Name: "unwatched.acme.voximplant.com"})
	elsewhere := voxsim.Queue{ID: 50, Name: "Elsewhere", ApplicationID: 5}
	acct.Queues = append(acct.Queues, elsewhere)
	for i := range acct.Users {
		switch acct.Users[i].ID {
		case 101: // ann, of application 1, also works a queue of application 5
			acct.Users[i].Queues = append(acct.Users[i].Queues, elsewhere)
		case 301: // dee, of application 3, also works Sales (application 1's)
			acct.Users[i].Queues = append(acct.Users[i].Queues, voxsim.Queue{ID: 10, Name: "Sales", ApplicationID: 1})
		}
	}
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return acdNow } },
		voxapi.AppSelector{ID: 1}, voxapi.AppSelector{ID: 3})
	stub := &statsStub{API: h.Client, answer: onlySales}
	st := Settings{Logger: h.logs.Logger(), Now: func() time.Time { return acdNow }}
	exp, err := New(Config{API: stub, Apps: h.apps, PageSize: 2, Now: st.Now, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), NewQueueStats(st)}})
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	f := scrape(t, exp)
	if ok := f.CollectorSuccess(QueueStatsCollector); ok != 1 {
		t.Fatalf("queue_stats failed; log:\n%s", h.logs)
	}
	if v := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", "application", "1", "queue_id", "50", "queue", "Elsewhere"); v != 0 {
		t.Errorf("the served queue of an unwatched application: %v offered", v)
	}
	own := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", "application", "1", "queue_id", "10", "queue", "Sales")
	served := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", "application", "3", "queue_id", "10", "queue", "Sales")
	if own != 100 || served != own {
		t.Errorf("Sales: %v offered under its owner, %v under the application serving it; want 100 under both", own, served)
	}
	// Queues 10, 11, 12 (application 1's), 20 (application 3's), 50
	// (served): five queues, one request each.
	perQueue := map[int64]int{}
	stub.mu.Lock()
	for _, c := range stub.calls {
		perQueue[c.QueueIDs[0]]++
	}
	stub.mu.Unlock()
	if len(perQueue) != 5 {
		t.Errorf("statistics read for queues %v, want 10, 11, 12, 20 and 50", perQueue)
	}
	for id, n := range perQueue {
		if n != 1 {
			t.Errorf("queue %d read %d times in one refresh", id, n)
		}
	}
}
