package collector

import (
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
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

func newACDHarness(t *testing.T, simCfg func(*voxsim.Config)) *harness {
	t.Helper()
	freezeACDNow()
	return newHarness(t, acdAccount(), func(c *voxsim.Config) {
		c.Now = func() time.Time { return acdNow }
		if simCfg != nil {
			simCfg(c)
		}
	}, voxapi.AppSelector{ID: 1})
}

var acdGolden = append([]string{"voximplant_scrape_collector_success"}, acdMetrics...)

func TestACDStateGolden(t *testing.T) {
	h := newACDHarness(t, nil)
	exp := h.exporter(t, expOpts{acd: true})
	compareGolden(t, exp, "golden_acd_state.prom", acdGolden)
	// compareGolden scrapes twice: GetQueues is cached, so the second
	// scrape asks only for the live state.
	if n := h.sim.Stats().ByMethod["GetACDState"]; n != 2 && !*update {
		t.Errorf("%d GetACDState requests for two scrapes, want 2", n)
	}
	if n := h.sim.Stats().ByMethod["GetQueues"]; n != 1 && !*update {
		t.Errorf("%d GetQueues requests for two scrapes, want 1 (cached)", n)
	}
}

// GetACDState and GetUsers agree: the READY and AFTER_SERVICE operators
// GetACDState counts per queue are those GetUsers shows bound to it.
func TestACDStateAgreesWithGetUsers(t *testing.T) {
	h := newACDHarness(t, nil)
	fams := scrape(t, h.exporter(t, expOpts{acd: true}))
	for _, q := range []struct{ id, name string }{{"10", "Sales"}, {"11", `VIP "gold"`}} {
		for _, st := range []struct {
			status string
			metric string
		}{{"READY", "voximplant_acd_queue_ready_operators"}, {"AFTER_SERVICE", "voximplant_acd_queue_after_service_operators"}} {
			fromUsers := fams.MustValue(t, "voximplant_acd_queue_operators", "application", "1", "queue_id", q.id, "acd_status", st.status)
			fromState := fams.MustValue(t, st.metric, "application", "1", "queue_id", q.id)
			if fromUsers != fromState {
				t.Errorf("queue %s %s: GetUsers says %v, GetACDState %v", q.id, st.status, fromUsers, fromState)
			}
		}
	}
}

func TestACDStateRoleMissing(t *testing.T) {
	h := newACDHarness(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetACDState"} })
	fams := scrape(t, h.exporter(t, expOpts{acd: true, perUser: true}))
	if up := fams.MustValue(t, "voximplant_acd_state_up"); up != 0 {
		t.Errorf("voximplant_acd_state_up = %v with GetACDState forbidden", up)
	}
	if ok := fams.CollectorSuccess(ACDStateCollector); ok != 0 {
		t.Errorf("collector success = %v with GetACDState forbidden", ok)
	}
	if up := fams.Up(); up != 1 {
		t.Errorf("voximplant_up = %v: a GetACDState failure must not touch it", up)
	}
	if n := count(fams, "voximplant_acd_operators", "voximplant_user_info"); n == 0 {
		t.Error("operator series missing because GetACDState failed")
	}
	if n := count(fams, "voximplant_acd_queue_waiting_calls"); n != 0 {
		t.Errorf("%d queue demand series on a failed GetACDState", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "code 104") || !strings.Contains(logs, "Developer") {
		t.Errorf("no log line naming 104 and the role needed:\n%s", logs)
	}
}

func TestACDStateSurvivesGetUsersFailure(t *testing.T) {
	h := newACDHarness(t, nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1})
	fams := scrape(t, h.exporter(t, expOpts{acd: true, perUser: true}))
	if up := fams.Up(); up != 0 {
		t.Errorf("voximplant_up = %v with GetUsers failing", up)
	}
	if up := fams.MustValue(t, "voximplant_acd_state_up"); up != 1 {
		t.Errorf("voximplant_acd_state_up = %v: a GetUsers failure must not touch it", up)
	}
	// Names now come from GetQueues alone, for every queue of application 1.
	if w := fams.MustValue(t, "voximplant_acd_queue_waiting_calls", "application", "1", "queue_id", "10", "queue", "Sales"); w != 2 {
		t.Errorf("waiting calls in Sales = %v, want 2", w)
	}
	if n := count(fams, "voximplant_acd_operators"); n != 0 {
		t.Errorf("%d operator series on a failed GetUsers", n)
	}
}

// A queue is served under every watched application that owns it or
// serves it: an operator of application 3 bound to Sales (application 1's)
// puts Sales under application 3 as well, with the same values.
func TestACDStateQueueUnderOwnerAndServer(t *testing.T) {
	freezeACDNow()
	acct := acdAccount()
	for i := range acct.Users {
		if acct.Users[i].ID == 301 { // dee, of application 3, also works Sales (application 1)
			acct.Users[i].Queues = append(acct.Users[i].Queues, voxsim.Queue{ID: 10, Name: "Sales"})
		}
	}
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return acdNow } },
		voxapi.AppSelector{ID: 1}, voxapi.AppSelector{ID: 3})
	fams := scrape(t, h.exporter(t, expOpts{acd: true}))
	if w := fams.MustValue(t, "voximplant_acd_queue_waiting_calls", "application", "3", "queue_id", "20"); w != 1 {
		t.Errorf("application 3's own queue: %v waiting, want 1", w)
	}
	if n := count(fams, "voximplant_acd_queue_waiting_calls"); n != 5 {
		t.Errorf("%d queue series, want 5 (Sales, VIP, Callback under 1; Other app and Sales under 3)", n)
	}
	own := fams.MustValue(t, "voximplant_acd_queue_waiting_calls", "application", "1", "queue_id", "10", "queue", "Sales")
	if served := fams.MustValue(t, "voximplant_acd_queue_waiting_calls", "application", "3", "queue_id", "10", "queue", "Sales"); served != own {
		t.Errorf("Sales under application 3: %v waiting, under its owner %v", served, own)
	}
}

// An API or role without GetQueues: the queue demand is still served
// from the queues operators are bound to, and the directory is read again
// on the next scrape (a failed read is never kept), with a warning each
// time that names it.
func TestACDStateWithoutGetQueues(t *testing.T) {
	h := newACDHarness(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetQueues"} })
	exp := h.exporter(t, expOpts{acd: true})
	for i := range 3 {
		fams := scrape(t, exp)
		if up := fams.MustValue(t, "voximplant_acd_state_up"); up != 1 {
			t.Fatalf("voximplant_acd_state_up = %v without GetQueues", up)
		}
		if w := fams.MustValue(t, "voximplant_acd_queue_waiting_calls", "application", "1", "queue_id", "10", "queue", "Sales"); w != 2 {
			t.Errorf("waiting calls in Sales = %v, want 2", w)
		}
		if n := h.sim.Stats().ByMethod["GetQueues"]; n != i+1 {
			t.Errorf("%d GetQueues requests after %d scrapes, want one a scrape while it fails", n, i+1)
		}
	}
	if !strings.Contains(h.logs.String(), "the queue directory (GetQueues) was not read") {
		t.Errorf("no warning about GetQueues:\n%s", h.logs.String())
	}
}
