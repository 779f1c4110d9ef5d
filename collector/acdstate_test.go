package collector

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

var acdMetrics = []string{
	"voximplant_up",
	"voximplant_acd_state_up",
	"voximplant_acd_queue_waiting_calls",
	"voximplant_acd_queue_longest_wait_seconds",
	"voximplant_acd_queue_servicing_calls",
	"voximplant_acd_queue_ready_operators",
	"voximplant_acd_queue_locked_operators",
	"voximplant_acd_queue_after_service_operators",
}

// acdNow is the simulator's frozen clock, set near the real time at the
// start of each test (freezeACDNow) so that the client's tokens are valid
// there, whenever the test runs: waiting times are exact.
var acdNow time.Time

func freezeACDNow() { acdNow = time.Now().UTC().Truncate(time.Second) }

// acdAccount: application 1 (watched) has Sales (10) and VIP (11) with
// operators bound, and Callback (12) that no operator is bound to, so its
// name can only come from GetQueues; application 3 (not watched) has a
// queue with a waiting call that must not appear.
func acdAccount() voxsim.Account {
	sales := voxsim.Queue{ID: 10, Name: "Sales", ApplicationID: 1}
	vip := voxsim.Queue{ID: 11, Name: `VIP "gold"`, ApplicationID: 1}
	callback := voxsim.Queue{ID: 12, Name: "Callback", ApplicationID: 1}
	other := voxsim.Queue{ID: 20, Name: "Other app", ApplicationID: 3}
	return voxsim.Account{
		ID: 4242,
		Apps: []voxsim.Application{
			{ID: 1, Name: "support.acme.voximplant.com"},
			{ID: 3, Name: "other.acme.voximplant.com"},
		},
		Queues: []voxsim.Queue{sales, vip, callback, other},
		Users: []voxsim.User{
			{ID: 101, Name: "ann", Active: true, Apps: []int64{1}, Queues: []voxsim.Queue{sales},
				Status: voxsim.StatusReady, StatusChange: acdNow.Add(-time.Minute)},
			{ID: 102, Name: "bob", Active: true, Apps: []int64{1}, Queues: []voxsim.Queue{sales, vip},
				Status: voxsim.StatusInService, StatusChange: acdNow.Add(-2 * time.Minute)},
			{ID: 103, Name: "cy", Active: true, Apps: []int64{1}, Queues: []voxsim.Queue{vip},
				Status: voxsim.StatusAfterService, StatusChange: acdNow.Add(-30 * time.Second)},
			{ID: 301, Name: "dee", Active: true, Apps: []int64{3}, Queues: []voxsim.Queue{other},
				Status: voxsim.StatusInService, StatusChange: acdNow.Add(-time.Minute)},
		},
		Calls: []voxsim.Call{
			{ID: 1, QueueID: 10, Priority: 1, Arrived: acdNow.Add(-40 * time.Second)},
			{ID: 2, QueueID: 10, Priority: 1, Arrived: acdNow.Add(-95 * time.Second)},
			{ID: 3, QueueID: 10, Priority: 1, Arrived: acdNow.Add(-3 * time.Minute), Operator: 102, Answered: acdNow.Add(-2 * time.Minute)},
			{ID: 4, QueueID: 12, Priority: 5, Arrived: acdNow.Add(-10 * time.Second)},
			{ID: 5, QueueID: 20, Priority: 1, Arrived: acdNow.Add(-5 * time.Minute)},
		},
	}
}

func newACDHarness(t *testing.T, simCfg func(*voxsim.Config)) (*harness, *bytes.Buffer) {
	t.Helper()
	freezeACDNow()
	h := newHarness(t, acdAccount(), func(c *voxsim.Config) {
		c.Now = func() time.Time { return acdNow }
		if simCfg != nil {
			simCfg(c)
		}
	}, voxapi.AppSelector{ID: 1})
	var logs bytes.Buffer
	h.src = NewSource(h.client, SourceOptions{
		Apps: []voxapi.AppSelector{{ID: 1}}, PageSize: 2, PageConcurrency: 2, ACDState: true,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return h, &logs
}

func TestACDStateGolden(t *testing.T) {
	h, _ := newACDHarness(t, nil)
	exp := NewExporter(h.src, Options{Users: false})
	compareGoldenFamilies(t, exp.Collector(context.Background()), "golden_acd_state.prom", acdMetrics)
	if n := h.sim.Stats().ByMethod["GetACDState"]; n != 1 && !*update {
		t.Errorf("%d GetACDState requests for one scrape, want 1", n)
	}
	// GetQueues is cached: a second scrape asks only for the live state.
	compareGoldenFamilies(t, exp.Collector(context.Background()), "golden_acd_state.prom", acdMetrics)
	if n := h.sim.Stats().ByMethod["GetQueues"]; n != 1 && !*update {
		t.Errorf("%d GetQueues requests for two scrapes, want 1 (cached)", n)
	}
}

// GetACDState and GetUsers agree: the READY and AFTER_SERVICE operators
// GetACDState counts per queue are those GetUsers shows bound to it.
func TestACDStateAgreesWithGetUsers(t *testing.T) {
	h, _ := newACDHarness(t, nil)
	exp := NewExporter(h.src, Options{Users: false})
	c := exp.Collector(context.Background())
	for _, q := range []struct{ id, name string }{{"10", "Sales"}, {"11", `VIP "gold"`}} {
		for _, st := range []struct {
			status string
			metric string
		}{{"READY", "voximplant_acd_queue_ready_operators"}, {"AFTER_SERVICE", "voximplant_acd_queue_after_service_operators"}} {
			fromUsers := gaugeValue(t, c, "voximplant_acd_queue_operators", map[string]string{"application": "1", "queue_id": q.id, "acd_status": st.status})
			fromState := gaugeValue(t, c, st.metric, map[string]string{"application": "1", "queue_id": q.id})
			if fromUsers != fromState {
				t.Errorf("queue %s %s: GetUsers says %v, GetACDState %v", q.id, st.status, fromUsers, fromState)
			}
		}
	}
}

func TestACDStateRoleMissing(t *testing.T) {
	h, logs := newACDHarness(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetACDState"} })
	exp := NewExporter(h.src, Options{Users: true})
	c := exp.Collector(context.Background())
	if up := gaugeValue(t, c, "voximplant_acd_state_up", nil); up != 0 {
		t.Errorf("voximplant_acd_state_up = %v with GetACDState forbidden", up)
	}
	if up := gaugeValue(t, c, "voximplant_up", nil); up != 1 {
		t.Errorf("voximplant_up = %v: a GetACDState failure must not touch it", up)
	}
	if n := testutil.CollectAndCount(c, "voximplant_acd_operators", "voximplant_user_info"); n == 0 {
		t.Error("operator series missing because GetACDState failed")
	}
	if n := testutil.CollectAndCount(c, "voximplant_acd_queue_waiting_calls"); n != 0 {
		t.Errorf("%d queue demand series on a failed GetACDState", n)
	}
	if !strings.Contains(logs.String(), "code 104") || !strings.Contains(logs.String(), "Developer") {
		t.Errorf("no log line naming 104 and the role needed:\n%s", logs.String())
	}
}

func TestACDStateSurvivesGetUsersFailure(t *testing.T) {
	h, _ := newACDHarness(t, nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1})
	exp := NewExporter(h.src, Options{Users: true})
	c := exp.Collector(context.Background())
	if up := gaugeValue(t, c, "voximplant_up", nil); up != 0 {
		t.Errorf("voximplant_up = %v with GetUsers failing", up)
	}
	if up := gaugeValue(t, c, "voximplant_acd_state_up", nil); up != 1 {
		t.Errorf("voximplant_acd_state_up = %v: a GetUsers failure must not touch it", up)
	}
	// Names now come from GetQueues alone, for every queue of application 1.
	if w := gaugeValue(t, c, "voximplant_acd_queue_waiting_calls", map[string]string{"application": "1", "queue_id": "10", "queue": "Sales"}); w != 2 {
		t.Errorf("waiting calls in Sales = %v, want 2", w)
	}
	if n := testutil.CollectAndCount(c, "voximplant_acd_operators"); n != 0 {
		t.Errorf("%d operator series on a failed GetUsers", n)
	}
}

// A queue belongs to one application: an operator of another watched
// application bound to it does not put its demand under that application.
func TestACDStateQueueUnderItsOwnApplication(t *testing.T) {
	freezeACDNow()
	acct := acdAccount()
	for i := range acct.Users {
		if acct.Users[i].ID == 301 { // dee, of application 3, also works Sales (application 1)
			acct.Users[i].Queues = append(acct.Users[i].Queues, voxsim.Queue{ID: 10, Name: "Sales"})
		}
	}
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return acdNow } }, voxapi.AppSelector{ID: 1})
	src := NewSource(h.client, SourceOptions{Apps: []voxapi.AppSelector{{ID: 1}, {ID: 3}}, ACDState: true})
	c := NewExporter(src, Options{}).Collector(context.Background())
	if w := gaugeValue(t, c, "voximplant_acd_queue_waiting_calls", map[string]string{"application": "3", "queue_id": "20"}); w != 1 {
		t.Errorf("application 3's own queue: %v waiting, want 1", w)
	}
	if n := testutil.CollectAndCount(c, "voximplant_acd_queue_waiting_calls"); n != 4 {
		t.Errorf("%d queue series, want 4 (Sales, VIP, Callback under 1; Other app under 3)", n)
	}
}

// An API or role without GetQueues costs one GetQueues request a minute,
// not one a scrape, and the queue demand is still served from the queues
// operators are bound to.
func TestACDStateWithoutGetQueues(t *testing.T) {
	h, logs := newACDHarness(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetQueues"} })
	now := time.Now()
	var mu sync.Mutex
	h.src.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	exp := NewExporter(h.src, Options{})
	for range 3 {
		c := exp.Collector(context.Background())
		if up := gaugeValue(t, c, "voximplant_acd_state_up", nil); up != 1 {
			t.Fatalf("voximplant_acd_state_up = %v without GetQueues", up)
		}
		if w := gaugeValue(t, c, "voximplant_acd_queue_waiting_calls", map[string]string{"application": "1", "queue_id": "10", "queue": "Sales"}); w != 2 {
			t.Errorf("waiting calls in Sales = %v, want 2", w)
		}
	}
	if n := h.sim.Stats().ByMethod["GetQueues"]; n != 1 {
		t.Errorf("%d GetQueues requests in three scrapes within a minute, want 1", n)
	}
	if !strings.Contains(logs.String(), "GetQueues failed") {
		t.Errorf("no warning about GetQueues:\n%s", logs.String())
	}
	mu.Lock()
	now = now.Add(queueNamesRetry)
	mu.Unlock()
	gaugeValue(t, exp.Collector(context.Background()), "voximplant_acd_state_up", nil)
	if n := h.sim.Stats().ByMethod["GetQueues"]; n != 2 {
		t.Errorf("%d GetQueues requests after the retry interval, want 2", n)
	}
}
