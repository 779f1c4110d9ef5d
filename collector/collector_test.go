package collector

import (
	"context"
	"flag"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

var update = flag.Bool("update", false, "rewrite the golden exposition files in testdata/")

// contentMetrics are the families compared against golden files; the
// duration and snapshot time differ on every run.
var contentMetrics = []string{
	"voximplant_up",
	"voximplant_acd_operators",
	"voximplant_acd_skill_operators",
	"voximplant_acd_queue_operators",
	"voximplant_acd_oldest_status_change_timestamp_seconds",
	"voximplant_user_info",
	"voximplant_user_acd_status",
	"voximplant_user_acd_status_change_timestamp_seconds",
	"voximplant_user_live_balance",
	"voximplant_user_fixed_balance",
	"voximplant_user_active",
	"voximplant_user_acd_queue_info",
	"voximplant_user_skill_info",
}

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

type harness struct {
	sim    *voxsim.Server
	client *voxapi.Client
	src    *Source
}

func newHarness(t *testing.T, acct voxsim.Account, simCfg func(*voxsim.Config), apps ...voxapi.AppSelector) *harness {
	t.Helper()
	creds := voxsim.NewTestCredentials(4242)
	cfg := voxsim.Config{Credentials: creds, Account: acct}
	if simCfg != nil {
		simCfg(&cfg)
	}
	sim, err := voxsim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c, err := voxapi.ParseCredentials(creds.JSON(), "test")
	if err != nil {
		t.Fatal(err)
	}
	client, err := voxapi.NewClient(voxapi.Options{BaseURL: sim.URL(), Credentials: c, BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) == 0 {
		apps = []voxapi.AppSelector{{ID: 1}, {Name: "sales"}}
	}
	src := NewSource(client, SourceOptions{Apps: apps, PageSize: 2, PageConcurrency: 2})
	return &harness{sim: sim, client: client, src: src}
}

func compareGolden(t *testing.T, c prometheus.Collector, name string) {
	t.Helper()
	compareGoldenFamilies(t, c, name, contentMetrics)
}

func TestCollectGolden(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.MaxCount = 3 })
	exp := NewExporter(h.src, Options{Users: true})
	compareGolden(t, exp.Collector(context.Background()), "golden_users.prom")
}

func TestCollectGoldenWithoutUsers(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	exp := NewExporter(h.src, Options{Users: false})
	compareGolden(t, exp.Collector(context.Background()), "golden_aggregates.prom")
	if n := testutil.CollectAndCount(exp.Collector(context.Background()), "voximplant_user_info", "voximplant_user_acd_status"); n != 0 {
		t.Errorf("%d per-user series with --no-collector.users", n)
	}
}

func TestFailedPageGivesUpZeroAndNoSeries(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1,
		Match: func(r *voxsim.Request) bool { return r.Offset >= 2 }})
	exp := NewExporter(h.src, Options{Users: true})
	compareGolden(t, exp.Collector(context.Background()), "golden_failed.prom")
	if n := testutil.CollectAndCount(exp.Collector(context.Background())); n != 2 {
		t.Errorf("%d series on a failed scrape, want 2 (up and scrape duration)", n)
	}
	// Recovery: the next scrape after the fault is whole again.
	h.sim.ClearFaults()
	compareGolden(t, NewExporter(h.src, Options{Users: false}).Collector(context.Background()), "golden_aggregates.prom")
}

func TestConcurrentScrapesShareOnePass(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.Latency = 100 * time.Millisecond }, voxapi.AppSelector{ID: 1})
	exp := NewExporter(h.src, Options{Users: true})
	var wg sync.WaitGroup
	ups := make([]float64, 5)
	for i := range ups {
		wg.Go(func() {
			reg := prometheus.NewRegistry()
			reg.MustRegister(exp.Collector(context.Background()))
			mfs, err := reg.Gather()
			if err != nil {
				t.Error(err)
				return
			}
			for _, mf := range mfs {
				if mf.GetName() == "voximplant_up" {
					ups[i] = mf.GetMetric()[0].GetGauge().GetValue()
				}
			}
		})
	}
	wg.Wait()
	for i, up := range ups {
		if up != 1 {
			t.Errorf("scraper %d saw up %v", i, up)
		}
	}
	// Application 1 has 4 users at page size 2: one pass is 2 pages.
	if got := h.sim.Stats().ByMethod["GetUsers"]; got != 2 {
		t.Errorf("5 simultaneous scrapes made %d GetUsers requests, want 2 (one shared pass)", got)
	}
}

func TestScraperDeadlineDoesNotCancelSharedPass(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.Latency = 300 * time.Millisecond }, voxapi.AppSelector{ID: 1})
	h.src.opts.PassTimeout = 10 * time.Second
	exp := NewExporter(h.src, Options{Users: false})

	// The impatient scraper starts the pass and gives up after 100 ms.
	impatient, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var patientUp float64
	wg.Go(func() {
		time.Sleep(20 * time.Millisecond) // join the pass the impatient one started
		patientUp = testutil.ToFloat64(upOnly{exp.Collector(context.Background())})
	})
	if up := testutil.ToFloat64(upOnly{exp.Collector(impatient)}); up != 0 {
		t.Errorf("impatient scraper saw up %v, want 0", up)
	}
	wg.Wait()
	if patientUp != 1 {
		t.Errorf("patient scraper saw up %v: the other's deadline cancelled the shared pass", patientUp)
	}
}

// upOnly filters a scrape collector to voximplant_up.
type upOnly struct{ c prometheus.Collector }

func (u upOnly) Describe(ch chan<- *prometheus.Desc) { ch <- upDesc }
func (u upOnly) Collect(ch chan<- prometheus.Metric) {
	all := make(chan prometheus.Metric)
	go func() { u.c.Collect(all); close(all) }()
	for m := range all {
		if m.Desc() == upDesc {
			ch <- m
		}
	}
}

func TestCacheTTL(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	h.src.opts.CacheTTL = 10 * time.Second
	h.src.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	exp := NewExporter(h.src, Options{Users: false})
	scrape := func() float64 { return testutil.ToFloat64(upOnly{exp.Collector(context.Background())}) }
	scrape()
	mu.Lock()
	now = now.Add(9 * time.Second)
	mu.Unlock()
	scrape()
	if got := h.sim.Stats().Requests; got != 2 {
		t.Errorf("%d requests for two scrapes within the TTL, want 2 (one pass)", got)
	}
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	scrape()
	if got := h.sim.Stats().Requests; got != 4 {
		t.Errorf("%d requests after the TTL, want 4 (a second pass)", got)
	}
}
