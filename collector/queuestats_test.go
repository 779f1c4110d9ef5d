package collector

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// statsStub is the real client for everything but GetACDQueueStatistics,
// which answer gives, recording each request.
type statsStub struct {
	API
	answer func(p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error)

	mu    sync.Mutex
	calls []voxapi.QueueStatsParams
}

func (s *statsStub) GetACDQueueStatistics(_ context.Context, p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
	s.mu.Lock()
	s.calls = append(s.calls, p)
	s.mu.Unlock()
	return s.answer(p)
}

func (s *statsStub) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func f64(v float64) *float64 { return &v }

// salesRecord is 100 calls in the window: 90 answered (70 within 20 s), 8
// abandoned, 2 rejected; waits and handling times in seconds.
func salesRecord() voxapi.QueueStatsRecord {
	return voxapi.QueueStatsRecord{
		TC:  f64(100),
		AC:  []voxapi.CallShare{{Count: 90, Percent: 90}},
		UAC: []voxapi.CallShare{{Count: 8, Percent: 8}},
		RC:  []voxapi.CallShare{{Count: 2, Percent: 2}},
		SL:  []voxapi.ServiceLevelStat{{AcceptableWaitingTime: 20, CallCount: 70, ServiceLevel: 0.7}},
		WT:  &voxapi.Aggregate{Min: 0, Avg: 14.5, Max: 95, Count: 98, Sum: 1421},
		HT:  &voxapi.Aggregate{Min: 30, Avg: 180, Max: 600, Count: 90, Sum: 16200},
		AT:  &voxapi.Aggregate{Min: 5, Avg: 41.25, Max: 90, Count: 8, Sum: 330},
	}
}

type statsRig struct {
	*harness
	stub *statsStub
	exp  *Exporter
	now  time.Time
	mu   sync.Mutex
}

func (r *statsRig) clock() time.Time { r.mu.Lock(); defer r.mu.Unlock(); return r.now }
func (r *statsRig) advance(d time.Duration) {
	r.mu.Lock()
	r.now = r.now.Add(d)
	r.mu.Unlock()
}

// newStatsRig watches application 1 of acdAccount (queues 10, 11 with
// operators, 12 without) with the users and queue_stats collectors.
func newStatsRig(t *testing.T, answer func(p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error)) *statsRig {
	t.Helper()
	freezeACDNow()
	h := newHarness(t, acdAccount(), func(c *voxsim.Config) { c.Now = func() time.Time { return acdNow } }, voxapi.AppSelector{ID: 1})
	r := &statsRig{harness: h, stub: &statsStub{API: h.Client, answer: answer}, now: acdNow}
	st := Settings{Logger: h.logs.Logger().With("component", "collector"), Now: r.clock}
	exp, err := New(Config{API: r.stub, Apps: h.apps, PageSize: 2, Now: r.clock, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), NewQueueStats(st.forCollector(QueueStatsCollector))}})
	if err != nil {
		t.Fatal(err)
	}
	r.exp = exp
	return r
}

func onlySales(p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
	if len(p.QueueIDs) == 1 && p.QueueIDs[0] == 10 {
		return []voxapi.QueueStatsRecord{salesRecord()}, nil
	}
	return nil, nil // no calls in the window
}

func TestQueueStatsOutcomesAndStaffing(t *testing.T) {
	r := newStatsRig(t, onlySales)
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(QueueStatsCollector); ok != 1 {
		t.Fatalf("queue_stats success %v; log:\n%s", ok, r.logs)
	}
	sales := []string{"application", "1", "queue_id", "10", "queue", "Sales"}
	want := map[string]float64{
		"voximplant_acd_queue_stats_offered_calls":               100,
		"voximplant_acd_queue_stats_average_wait_seconds":        14.5,
		"voximplant_acd_queue_stats_max_wait_seconds":            95,
		"voximplant_acd_queue_stats_total_wait_seconds":          1421,
		"voximplant_acd_queue_stats_average_handle_seconds":      180,
		"voximplant_acd_queue_stats_total_handle_seconds":        16200,
		"voximplant_acd_queue_stats_handled_calls":               90,
		"voximplant_acd_queue_stats_average_abandonment_seconds": 41.25,
		// 100 calls in 30 minutes at 180 s each: 10 Erlangs.
		"voximplant_acd_queue_offered_load_erlangs": 10,
	}
	for name, v := range want {
		if got := f.MustValue(t, name, sales...); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	for outcome, v := range map[string]float64{"answered": 90, "unanswered": 8, "rejected": 2} {
		if got := f.MustValue(t, "voximplant_acd_queue_stats_calls", append(sales, "outcome", outcome)...); got != v {
			t.Errorf("calls %s = %v, want %v", outcome, got, v)
		}
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_service_level_ratio", append(sales, "threshold_seconds", "20")...); got != 0.7 {
		t.Errorf("service level %v", got)
	}
	// The reference case: 10 Erlangs, AHT 180 s, 80% in 20 s needs 14
	// operators (13 give 0.7956, 14 give 0.8884).
	if got := f.MustValue(t, "voximplant_acd_queue_required_operators", append(sales, "threshold_seconds", "20", "target", "0.8", "model", "erlang_c")...); got != 14 {
		t.Errorf("required operators %v, want 14", got)
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_window_seconds"); got != 1800 {
		t.Errorf("window %v", got)
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_timestamp_seconds", sales...); got != unixSeconds(acdNow) {
		t.Errorf("timestamp %v, want the read's time %v", got, unixSeconds(acdNow))
	}

	// A queue with no calls: zeros, and no ratio, average or load from
	// nothing; no operators required.
	cb := []string{"application", "1", "queue_id", "12", "queue", "Callback"}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", cb...); got != 0 {
		t.Errorf("offered %v", got)
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_calls", append(cb, "outcome", "answered")...); got != 0 {
		t.Errorf("answered %v", got)
	}
	if got := f.MustValue(t, "voximplant_acd_queue_required_operators", append(cb, "threshold_seconds", "20", "target", "0.8")...); got != 0 {
		t.Errorf("required %v, want 0", got)
	}
	for _, name := range []string{"voximplant_acd_queue_stats_service_level_ratio", "voximplant_acd_queue_stats_average_wait_seconds",
		"voximplant_acd_queue_stats_average_handle_seconds"} {
		for _, m := range f[name].GetMetric() {
			if testkit.Label(m, "queue_id") == "12" {
				t.Errorf("%s served for a queue with no calls", name)
			}
		}
	}
	// Every request is for one queue over the window, with no aggregation.
	for _, p := range r.stub.calls {
		if len(p.QueueIDs) != 1 || p.Aggregation != voxapi.AggregationNone || p.ToDate.Sub(p.FromDate) != 30*time.Minute || !p.ToDate.Equal(acdNow) {
			t.Errorf("request %+v", p)
		}
	}
}

// TestQueueStatsHandleTimeFallsBack: a window with calls but none handled
// takes the queue's average_service_time; without one, no load and no
// requirement are served (nothing to compute them from).
func TestQueueStatsHandleTimeFallsBack(t *testing.T) {
	abandonedOnly := func(voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
		return []voxapi.QueueStatsRecord{{TC: f64(30), UAC: []voxapi.CallShare{{Count: 30, Percent: 100}}}}, nil
	}
	r := newStatsRig(t, abandonedOnly)
	f := scrape(t, r.exp)
	// voxsim's queues of application 1 give no average_service_time here.
	if n := count(f, "voximplant_acd_queue_offered_load_erlangs", "voximplant_acd_queue_required_operators"); n != 0 {
		t.Errorf("%d load or requirement series with no handle time known:\n%s", n, f.Text())
	}
	q := queueRef{App: "1", ID: 10, Name: "Sales", Info: &voxapi.QueueInfo{AverageServiceTime: f64(180), SLThresholds: []float64{20, 60}}}
	o, err := outcomes(q, []voxapi.QueueStatsRecord{{TC: f64(100)}}, DefaultStaffing)
	if err != nil {
		t.Fatal(err)
	}
	if o.staffing == nil || o.staffing.load != 10 || len(o.staffing.reqs) != 2 {
		t.Fatalf("staffing %+v, want 10 Erlangs at two thresholds", o.staffing)
	}
	if o.staffing.reqs[0].threshold != "20" || o.staffing.reqs[0].agents != 14 || o.staffing.reqs[1].threshold != "60" {
		t.Errorf("requirements %+v", o.staffing.reqs)
	}
	if o.staffing.reqs[1].agents >= 14 {
		t.Errorf("60 s needs %v operators, not fewer than 20 s's 14", o.staffing.reqs[1].agents)
	}
}

// TestQueueStatsOccupancyCap: at 100 Erlangs (AHT 180 s, 80% in 20 s)
// Erlang C asks for 107; a cap of 0.85 on occupancy raises it to 118.
func TestQueueStatsOccupancyCap(t *testing.T) {
	o := DefaultStaffing
	// 100 Erlangs: 1,000 calls in 30 minutes at 180 s.
	s, ok, err := o.staff(1000, 180, []float64{20}, 0, 0)
	if err != nil || !ok || s.load != 100 || s.reqs[0].agents != 118 {
		t.Fatalf("capped: %+v %v %v, want 118", s, ok, err)
	}
	o.MaxOccupancy = 1
	if s, _, _ := o.staff(1000, 180, []float64{20}, 0, 0); s.reqs[0].agents != 107 {
		t.Errorf("uncapped: %v, want 107", s.reqs[0].agents)
	}
}

// TestQueueStatsReadOncePerRefresh: one statistics request per queue per
// refresh interval, however many scrapes come; none in between. A due read
// runs in the background while the scrape serves the previous one; a failed
// read is reported by the next scrape and never kept, and that scrape
// starts the read again.
func TestQueueStatsReadOncePerRefresh(t *testing.T) {
	r := newStatsRig(t, onlySales)
	for range 5 {
		if f := scrape(t, r.exp); f.CollectorSuccess(QueueStatsCollector) != 1 {
			t.Fatal("queue_stats failed")
		}
		r.advance(10 * time.Second)
	}
	if n := r.stub.requests(); n != 3 {
		t.Fatalf("%d statistics requests for 5 scrapes within a refresh interval, want 3 (one per queue)", n)
	}
	first := acdNow
	r.advance(20 * time.Second) // 70 s after the first read: due
	f := scrape(t, r.exp)
	// Served at once from the previous read, while the new one runs.
	if got := f.MustValue(t, "voximplant_acd_queue_stats_timestamp_seconds", "queue_id", "10"); got != unixSeconds(first) {
		t.Errorf("a due scrape served a read of %v, want the previous one's %v", got, unixSeconds(first))
	}
	r.exp.reads.queueStats.wait()
	if n := r.stub.requests(); n != 6 {
		t.Fatalf("%d requests after the refresh interval, want 6", n)
	}
	if got := scrape(t, r.exp).MustValue(t, "voximplant_acd_queue_stats_timestamp_seconds", "queue_id", "10"); got != unixSeconds(first.Add(70*time.Second)) {
		t.Errorf("after the read, served a read of %v", got)
	}

	r.stub.answer = func(voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
		return nil, &voxapi.APIError{Method: "GetACDQueueStatistics", Code: 2, Message: "internal"}
	}
	r.advance(time.Minute)
	scrape(t, r.exp) // due: starts the read that fails
	r.exp.reads.queueStats.wait()
	r.stub.answer = onlySales
	before := r.stub.requests()
	if f := scrape(t, r.exp); f.CollectorSuccess(QueueStatsCollector) != 0 || count(f, "voximplant_acd_queue_stats_offered_calls") != 0 {
		t.Fatal("the scrape after a failed read served statistics")
	}
	r.exp.reads.queueStats.wait()
	if n := r.stub.requests() - before; n != 3 {
		t.Errorf("%d requests started by the scrape after a failure, want 3", n)
	}
	if f := scrape(t, r.exp); f.CollectorSuccess(QueueStatsCollector) != 1 {
		t.Fatal("statistics not back after the failure")
	}
}

// TestQueueStatsFailureLeavesOperatorsWhole: a refused, failing or
// unreadable statistics read fails queue_stats alone: none of its series,
// success 0, and the operator series and voximplant_up untouched.
func TestQueueStatsFailureLeavesOperatorsWhole(t *testing.T) {
	for name, err := range map[string]error{
		"104":       &voxapi.APIError{Method: "GetACDQueueStatistics", Code: voxapi.CodeForbidden, Message: "Forbidden"},
		"500":       &voxapi.APIError{Method: "GetACDQueueStatistics", HTTPStatus: 500},
		"malformed": &voxapi.DecodeError{Method: "GetACDQueueStatistics", Err: errors.New(`invalid character '}'`)},
	} {
		t.Run(name, func(t *testing.T) {
			r := newStatsRig(t, func(p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
				if p.QueueIDs[0] == 11 {
					return nil, err
				}
				return onlySales(p)
			})
			f := scrape(t, r.exp)
			if f.Up() != 1 || f.CollectorSuccess(UsersCollector) != 1 {
				t.Errorf("up %v: a statistics failure touched the operators", f.Up())
			}
			if f.CollectorSuccess(QueueStatsCollector) != 0 {
				t.Error("queue_stats success 1 with a queue's read failing")
			}
			if n := count(f, "voximplant_acd_operators", "voximplant_acd_queue_operators"); n == 0 {
				t.Error("operator series missing")
			}
			for fam := range f {
				if strings.HasPrefix(fam, "voximplant_acd_queue_stats_") || strings.HasPrefix(fam, "voximplant_acd_queue_required") {
					t.Errorf("%s served from a half-read", fam)
				}
			}
			if name == "104" && !strings.Contains(r.logs.String(), "Supervisor") {
				t.Errorf("the 104 log line does not name the role:\n%s", r.logs)
			}
		})
	}
}

// statsGolden are the families of the queue_stats golden file.
var statsGolden = []string{
	"voximplant_scrape_collector_success",
	"voximplant_acd_queue_stats_window_seconds",
	"voximplant_acd_queue_stats_offered_calls",
	"voximplant_acd_queue_stats_calls",
	"voximplant_acd_queue_stats_service_level_ratio",
	"voximplant_acd_queue_stats_answered_within_threshold_calls",
	"voximplant_acd_queue_stats_average_wait_seconds",
	"voximplant_acd_queue_stats_max_wait_seconds",
	"voximplant_acd_queue_stats_total_wait_seconds",
	"voximplant_acd_queue_stats_average_handle_seconds",
	"voximplant_acd_queue_stats_total_handle_seconds",
	"voximplant_acd_queue_stats_handled_calls",
	"voximplant_acd_queue_stats_average_abandonment_seconds",
	"voximplant_acd_queue_offered_load_erlangs",
	"voximplant_acd_queue_required_operators",
}

// TestQueueStatsGoldenFromVoxsim: the whole path (GetQueues' settings,
// GetACDQueueStatistics as voxsim computes it from its call history, the
// collector, the exposition) against a golden file. Sales (10) has
// thresholds 20 and 60 s and four calls in the window: answered after 10 s
// (talk 120 s, after-call work 30 s), answered after 40 s (200 s, 20 s),
// abandoned after 50 s, rejected; a fifth, answered an hour ago, is outside
// the window. Callback (12) sets an average service time of 240 s and had
// no calls; VIP (11) has neither.
func TestQueueStatsGoldenFromVoxsim(t *testing.T) {
	freezeACDNow()
	acct := acdAccount()
	for i := range acct.Queues {
		switch acct.Queues[i].ID {
		case 10:
			acct.Queues[i].SLThresholds = []int{20, 60}
		case 12:
			acct.Queues[i].AverageServiceTime = 240
		}
	}
	at := func(ago time.Duration) time.Time { return acdNow.Add(-ago) }
	acct.History = []voxsim.CallRecord{
		{ID: 1, QueueID: 10, Arrived: at(time.Hour), Answered: at(time.Hour - 5*time.Second), Operator: 101,
			Talk: 60 * time.Second, ACW: 10 * time.Second, TalkDone: true, ACWDone: true, QueueLength: 1},
		{ID: 2, QueueID: 10, Arrived: at(20 * time.Minute), Answered: at(20*time.Minute - 10*time.Second), Operator: 101,
			Talk: 120 * time.Second, ACW: 30 * time.Second, TalkDone: true, ACWDone: true, QueueLength: 1},
		{ID: 3, QueueID: 10, Arrived: at(15 * time.Minute), Answered: at(15*time.Minute - 40*time.Second), Operator: 102,
			Talk: 200 * time.Second, ACW: 20 * time.Second, TalkDone: true, ACWDone: true, QueueLength: 2},
		{ID: 4, QueueID: 10, Arrived: at(10 * time.Minute), Abandoned: at(10*time.Minute - 50*time.Second), QueueLength: 1},
		{ID: 5, QueueID: 10, Arrived: at(5 * time.Minute), Rejected: true},
	}
	acct.Calls = nil // nobody waiting now: the history is the whole story
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return acdNow } }, voxapi.AppSelector{ID: 1})
	st := Settings{Logger: h.logs.Logger(), Now: func() time.Time { return acdNow }}
	exp, err := New(Config{API: h.Client, Apps: h.apps, PageSize: 2, Now: st.Now, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), NewQueueStats(st)}})
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, exp, "golden_queue_stats.prom", statsGolden)
}
