package collector

import (
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// operatorAccount is acdAccount with a hand-made history over the last
// 30 minutes (acdNow is the end):
//   - ann (101): READY from -60 min, a call (A, queue 10) answered at
//     -19:55 after a 3 s ring, 120 s of talk and 30 s of after-call work,
//     READY from -17:25 and (acdAccount) again from -1:00. In the window:
//     READY 605 + 985 + 60 = 1650 s, IN_SERVICE 120, AFTER_SERVICE 30.
//   - bob (102): DND from -45 min, IN_SERVICE from -2:00 (acdAccount):
//     DND 1680 s, IN_SERVICE 120; call B (queue 10, arrived -10:00)
//     answered, 60 s of talk, no after-call work.
//   - cy (103): AFTER_SERVICE from -0:30 (acdAccount): 30 s; missed the
//     offer of call E (queue 11, arrived -15:00).
//   - dee (301, application 3, not watched): call C answered.
//   - call D (ann's, arrived -40 min) is before the window.
func operatorAccount() voxsim.Account {
	a := acdAccount()
	ago := func(d time.Duration) time.Time { return acdNow.Add(-d) }
	m, s := time.Minute, time.Second
	a.History = []voxsim.CallRecord{
		{ID: 10, QueueID: 10, Arrived: ago(40 * m), Answered: ago(39 * m), Operator: 101, Talk: 60 * s, TalkDone: true},
		{ID: 11, QueueID: 10, Arrived: ago(20 * m), Rang: ago(19*m + 58*s), Answered: ago(19*m + 55*s), Operator: 101,
			Talk: 120 * s, TalkDone: true, ACW: 30 * s, ACWDone: true},
		{ID: 12, QueueID: 10, Arrived: ago(10 * m), Answered: ago(9*m + 50*s), Operator: 102, Talk: 60 * s, TalkDone: true},
		{ID: 13, QueueID: 20, Arrived: ago(5 * m), Answered: ago(4 * m), Operator: 301},
	}
	a.Missed = []voxsim.MissedOffer{{CallID: 14, QueueID: 11, Operator: 103, Arrived: ago(15 * m), Rang: ago(14 * m), Ended: ago(13*m + 35*s)}}
	a.StatusLog = []voxsim.StatusEntry{
		{UserID: 101, Status: voxsim.StatusReady, At: ago(60 * m)},
		{UserID: 101, Status: voxsim.StatusInService, At: ago(19*m + 55*s)},
		{UserID: 101, Status: voxsim.StatusAfterService, At: ago(17*m + 55*s)},
		{UserID: 101, Status: voxsim.StatusReady, At: ago(17*m + 25*s)},
		{UserID: 102, Status: voxsim.StatusDND, At: ago(45 * m)},
	}
	return a
}

// operatorRig is an exporter with the users and operator_stats
// collectors over voxsim, on a clock the test moves.
type operatorRig struct {
	*harness
	*fakeClock
	exp *Exporter
}

func newOperatorRig(t *testing.T, simCfg func(*voxsim.Config)) *operatorRig {
	t.Helper()
	return newOperatorRigWith(t, simCfg, false)
}

// newOperatorRigWith is newOperatorRig, with every other collector too
// when all is set.
func newOperatorRigWith(t *testing.T, simCfg func(*voxsim.Config), all bool) *operatorRig {
	t.Helper()
	freezeACDNow()
	h := newHarness(t, operatorAccount(), func(c *voxsim.Config) {
		c.Now = func() time.Time { return acdNow }
		if simCfg != nil {
			simCfg(c)
		}
	}, voxapi.AppSelector{ID: 1})
	r := &operatorRig{harness: h, fakeClock: &fakeClock{now: acdNow}}
	st := Settings{Logger: h.logs.Logger().With("component", "collector"), Now: r.Now, PerUser: true}
	op, err := NewOperatorStats(st.forCollector(OperatorStatsCollector), DefaultOperatorStatsWindow)
	if err != nil {
		t.Fatal(err)
	}
	extra := []Collector{op}
	if all {
		sq, err := NewSmartQueue(st.forCollector(SmartQueueCollector), []time.Duration{20 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, NewQueueStats(st.forCollector(QueueStatsCollector)), sq)
	}
	r.exp = r.exporter(t, expOpts{perUser: true, acd: all, now: r.Now, extra: extra})
	return r
}

// TestOperatorStatsFromVoxsim: every series of application 1 and of its
// operators, from the history worked out at operatorAccount. The
// application: READY 1650 s (ann), IN_SERVICE 120 + 120, AFTER_SERVICE
// 30 + 30, DND 1680; 2 calls answered (ann's A, bob's B), 1 missed
// (cy's); handle 150 s over 1 call (A; B has no after-call work), talk
// 120 + 60, after-call work 30.
func TestOperatorStatsFromVoxsim(t *testing.T) {
	r := newOperatorRig(t, nil)
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(OperatorStatsCollector); ok != 1 {
		t.Fatalf("operator_stats success %v; log:\n%s", ok, r.logs)
	}
	app := []string{"application", "1"}
	want := map[string]float64{"OFFLINE": 0, "ONLINE": 0, "READY": 1650, "BANNED": 0, "IN_SERVICE": 240, "AFTER_SERVICE": 60, "TIMEOUT": 0, "DND": 1680}
	for st, v := range want {
		if got := f.MustValue(t, "voximplant_acd_operator_status_seconds", append(app, "acd_status", st)...); got != v {
			t.Errorf("application status %s: %v s, want %v", st, got, v)
		}
	}
	for name, v := range map[string]float64{
		"voximplant_acd_operator_handle_seconds":          150,
		"voximplant_acd_operator_talk_seconds":            180,
		"voximplant_acd_operator_after_call_work_seconds": 30,
		"voximplant_acd_operator_handled_calls":           1,
		"voximplant_acd_operator_stats_window_seconds":    1800,
	} {
		if got := f.MustValue(t, name); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	for outcome, v := range map[string]float64{"answered": 2, "missed": 1} {
		if got := f.MustValue(t, "voximplant_acd_operator_calls", append(app, "outcome", outcome)...); got != v {
			t.Errorf("application calls %s = %v, want %v", outcome, got, v)
		}
	}
	type user struct {
		status                            map[string]float64
		answered, missed, handle, handled float64
	}
	for id, u := range map[string]user{
		"101": {map[string]float64{"READY": 1650, "IN_SERVICE": 120, "AFTER_SERVICE": 30}, 1, 0, 150, 1},
		"102": {map[string]float64{"DND": 1680, "IN_SERVICE": 120}, 1, 0, 0, 0},
		"103": {map[string]float64{"AFTER_SERVICE": 30}, 0, 1, 0, 0},
	} {
		for _, st := range voxapi.Statuses {
			if got := f.MustValue(t, "voximplant_user_acd_status_seconds", "user_id", id, "acd_status", st); got != u.status[st] {
				t.Errorf("user %s in %s: %v s, want %v", id, st, got, u.status[st])
			}
		}
		for name, v := range map[string]float64{"voximplant_user_acd_handle_seconds": u.handle, "voximplant_user_acd_handled_calls": u.handled} {
			if got := f.MustValue(t, name, "user_id", id); got != v {
				t.Errorf("user %s: %s = %v, want %v", id, name, got, v)
			}
		}
		for outcome, v := range map[string]float64{"answered": u.answered, "missed": u.missed} {
			if got := f.MustValue(t, "voximplant_user_acd_calls", "user_id", id, "outcome", outcome); got != v {
				t.Errorf("user %s calls %s = %v, want %v", id, outcome, got, v)
			}
		}
	}
	if _, ok := f.Value("voximplant_user_acd_calls", "user_id", "301"); ok {
		t.Error("an operator of an unwatched application has series")
	}
}

// TestOperatorStatsTwoRequestsPerRefresh: with every collector on, one
// request of each method per refresh interval, whatever the scrapes in
// between, and none of either before it is due.
func TestOperatorStatsTwoRequestsPerRefresh(t *testing.T) {
	r := newOperatorRigWith(t, nil, true)
	counts := func() (int, int) {
		s := r.sim.Stats()
		return s.ByMethod[opStatusMethod], s.ByMethod[opStatsMethod]
	}
	for range 5 {
		f := scrape(t, r.exp)
		for _, c := range []string{OperatorStatsCollector, QueueStatsCollector, ACDStateCollector, SmartQueueCollector} {
			if f.CollectorSuccess(c) != 1 {
				t.Fatalf("%s failed; log:\n%s", c, r.logs)
			}
		}
		r.advance(10 * time.Second)
	}
	if a, b := counts(); a != 1 || b != 1 {
		t.Fatalf("%d %s and %d %s requests for 5 scrapes within a refresh interval, want 1 each", a, opStatusMethod, b, opStatsMethod)
	}
	r.advance(20 * time.Second) // 70 s after the first read: due
	scrape(t, r.exp)
	r.exp.reads.operatorStats.wait()
	if a, b := counts(); a != 2 || b != 2 {
		t.Fatalf("%d and %d requests after the refresh interval, want 2 each", a, b)
	}
}

// TestOperatorStatsRoleMissing: a 104 on either method fails
// operator_stats alone, with a log line naming the method and the roles.
func TestOperatorStatsRoleMissing(t *testing.T) {
	for _, method := range []string{opStatusMethod, opStatsMethod} {
		t.Run(method, func(t *testing.T) {
			r := newOperatorRig(t, func(c *voxsim.Config) { c.ForbiddenMethods = []string{method} })
			f := scrape(t, r.exp)
			if ok := f.CollectorSuccess(OperatorStatsCollector); ok != 0 {
				t.Errorf("operator_stats success %v with %s forbidden", ok, method)
			}
			if f.Up() != 1 || count(f, "voximplant_user_info") == 0 {
				t.Error("the users collector failed with operator_stats")
			}
			if n := count(f, "voximplant_acd_operator_status_seconds", "voximplant_acd_operator_calls", "voximplant_user_acd_calls"); n != 0 {
				t.Errorf("%d operator statistics series from a half read", n)
			}
			logs := r.logs.String()
			if !strings.Contains(logs, method+" refused (code 104)") || !strings.Contains(logs, "Supervisor") {
				t.Errorf("no log line naming %s, 104 and the roles:\n%s", method, logs)
			}
		})
	}
}

func TestOperatorStatsWindowFlag(t *testing.T) {
	for _, w := range []time.Duration{0, 500 * time.Millisecond, 31 * 24 * time.Hour} {
		if _, err := NewOperatorStats(Settings{}, w); err == nil || !strings.Contains(err.Error(), "--collector.operator-stats.window") {
			t.Errorf("window %s: err = %v, want one naming the flag", w, err)
		}
	}
}
