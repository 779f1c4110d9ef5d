package voxsim

import (
	"encoding/json"
	"testing"
	"time"
)

// operatorHistory is statsHistory plus a hand-made status log and missed
// offers; every figure the tests expect is worked out in their comments.
// fixedNow is 15:09:26.
func operatorHistory() Account {
	a := statsHistory()
	hm := func(h, m, s int) time.Time { return time.Date(2025, 3, 14, h, m, s, 0, time.UTC) }
	a.StatusLog = []StatusEntry{
		// anna (3): now IN_SERVICE since 15:07:26 (fixture), not logged.
		{UserID: 3, Status: StatusReady, At: hm(14, 55, 0)},
		{UserID: 3, Status: StatusInService, At: hm(15, 1, 0)},
		{UserID: 3, Status: StatusAfterService, At: hm(15, 4, 0)},
		{UserID: 3, Status: StatusReady, At: hm(15, 5, 26)},
		// carl (1): TIMEOUT until his DND of 15:06:26 (fixture).
		{UserID: 1, Status: StatusTimeout, At: hm(14, 0, 0)},
	}
	a.Missed = []MissedOffer{
		// Call 4 (queue 100, arrived 14:03) rang carl and was missed.
		{CallID: 4, QueueID: 100, Operator: 1, Arrived: at(3 * time.Minute), Rang: at(3*time.Minute + 2*time.Second), Ended: at(3*time.Minute + 25*time.Second)},
		// Its caller arrived before 14:00: outside the windows below.
		{CallID: 99, QueueID: 100, Operator: 5, Arrived: at(-time.Minute), Rang: at(-50 * time.Second), Ended: at(-25 * time.Second)},
	}
	return a
}

// TestOperatorStatusStatisticsExact: over 15:00:00 to now (566 s):
//   - carl (1): TIMEOUT 15:00:00-15:06:26 = 386 s, DND since = 180 s.
//   - anna (3): READY 15:00-15:01 (60 s, clipped) and 15:05:26-15:07:26
//     (120 s): 2 stays, 180 s; IN_SERVICE 15:01-15:04 (180 s) and since
//     15:07:26 (120 s): 2 stays, 300 s; AFTER_SERVICE 15:04-15:05:26, 86 s.
//     180 + 300 + 86 = 566, the whole window.
//   - zoe (5): READY since 15:08:26, 60 s.
//   - bob (no change time) and dana (no status): no group.
func TestOperatorStatusStatisticsExact(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = operatorHistory() })
	got := h.call("GetACDOperatorStatusStatistics", vals("from_date", "2025-03-14 15:00:00", "user_id", "all"))
	want := `{"result": [
	 {"user_id": 1, "statistics": [{"acd_status": {
	   "TIMEOUT": {"min": 386, "avg": 386, "max": 386, "count": 1, "sum": 386},
	   "DND": {"min": 180, "avg": 180, "max": 180, "count": 1, "sum": 180}}}]},
	 {"user_id": 3, "statistics": [{"acd_status": {
	   "READY": {"min": 60, "avg": 90, "max": 120, "count": 2, "sum": 180},
	   "IN_SERVICE": {"min": 120, "avg": 150, "max": 180, "count": 2, "sum": 300},
	   "AFTER_SERVICE": {"min": 86, "avg": 86, "max": 86, "count": 1, "sum": 86}}}]},
	 {"user_id": 5, "statistics": [{"acd_status": {
	   "READY": {"min": 60, "avg": 60, "max": 60, "count": 1, "sum": 60}}}]}
	]}`
	if !jsonEqual(t, got, want) {
		b, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}

	// One operator, two statuses, grouped by interval: one group, the
	// record names its operator.
	got = h.call("GetACDOperatorStatusStatistics", vals("from_date", "2025-03-14 15:00:00", "user_id", "3",
		"acd_status", "READY;AFTER_SERVICE", "group", "aggregation"))
	want = `{"result": [{"statistics": [{"user_id": 3, "acd_status": {
	   "READY": {"min": 60, "avg": 90, "max": 120, "count": 2, "sum": 180},
	   "AFTER_SERVICE": {"min": 86, "avg": 86, "max": 86, "count": 1, "sum": 86}}}]}]}`
	if !jsonEqual(t, got, want) {
		t.Errorf("user 3, two statuses, group=aggregation: %v", got)
	}

	for _, c := range []struct {
		params []string
		code   int
	}{
		{[]string{"user_id", "all"}, CodeRequiredParamEmpty},
		{[]string{"from_date", "2025-03-14 15:00:00"}, CodeRequiredParamEmpty},
		{[]string{"from_date", "2025-03-14 15:00:00", "user_id", "4"}, CodeInvalidUserID},
		{[]string{"from_date", "2025-03-14 15:00:00", "user_id", "x"}, CodeInvalidArgument},
		{[]string{"from_date", "2025-03-14 15:00:00", "user_id", "all", "acd_status", "LUNCH"}, CodeInvalidACDStatus},
		{[]string{"from_date", "2025-03-14 15:00:00", "user_id", "all", "group", "queue"}, CodeInvalidArgument},
		{[]string{"from_date", "2025-03-14 15:00:00", "user_id", "all", "aggregation", "hour"}, CodeInvalidArgument},
		{[]string{"from_date", "2025-03-14 15:00", "user_id", "all"}, CodeInvalidDateFormat},
	} {
		m := h.call("GetACDOperatorStatusStatistics", vals(c.params...))
		if code := errorCode(t, m); code != c.code {
			t.Errorf("%v: answer %v, want error %d", c.params, m, c.code)
		}
	}
}

// TestOperatorStatisticsExact: calls arrived from 14:00 (statsHistory):
//   - carl (1): call 7 (queue 200; ring time unknown, still talking): AC 1;
//     the missed offer of call 4: UAC 1.
//   - anna (3): calls 2 (SA 5, TT 200.5, ACW 30, HT 230.5) and 8 (no ring
//     time, still talking): AC 2.
//   - zoe (5): calls 1 (SA 2, TT 100, ACW 20, HT 120) and 3 (SA 2, TT 150,
//     after-call work running): AC 2; her missed offer's caller arrived
//     before 14:00.
//
// 1 + 2 + 2 = 5 answered, the queues' AC over the same window.
func TestOperatorStatisticsExact(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = operatorHistory() })
	got := h.call("GetACDOperatorStatistics", vals("from_date", "2025-03-14 14:00:00", "user_id", "all"))
	want := `{"result": [
	 {"user_id": 1, "statistics": [{"AC": 1, "UAC": 1}]},
	 {"user_id": 3, "statistics": [{"AC": 2, "UAC": 0,
	   "SA": {"min": 5, "avg": 5, "max": 5, "count": 1, "sum": 5}, "TDT": 5,
	   "TT": {"min": 200.5, "avg": 200.5, "max": 200.5, "count": 1, "sum": 200.5}, "TTT": 200.5,
	   "ACW": {"min": 30, "avg": 30, "max": 30, "count": 1, "sum": 30}, "TACW": 30,
	   "HT": {"min": 230.5, "avg": 230.5, "max": 230.5, "count": 1, "sum": 230.5}, "THT": 230.5}]},
	 {"user_id": 5, "statistics": [{"AC": 2, "UAC": 0,
	   "SA": {"min": 2, "avg": 2, "max": 2, "count": 2, "sum": 4}, "TDT": 4,
	   "TT": {"min": 100, "avg": 125, "max": 150, "count": 2, "sum": 250}, "TTT": 250,
	   "ACW": {"min": 20, "avg": 20, "max": 20, "count": 1, "sum": 20}, "TACW": 20,
	   "HT": {"min": 120, "avg": 120, "max": 120, "count": 1, "sum": 120}, "THT": 120}]}
	]}`
	if !jsonEqual(t, got, want) {
		b, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	qs := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "report", "AC"))
	if !jsonEqual(t, qs, `{"result": [{"AC": [{"count": 5, "percent": 62.5}]}]}`) {
		t.Errorf("queues' answered calls: %v, want 5", qs)
	}

	// Queue 200 only, full names, two items: carl's call 7, his missed
	// offer (queue 100) left out.
	got = h.call("GetACDOperatorStatistics", vals("from_date", "2025-03-14 14:00:00", "user_id", "1;3",
		"acd_queue_id", "200", "abbreviation", "false", "report", "AC;UAC"))
	if !jsonEqual(t, got, `{"result": [{"user_id": 1, "statistics": [{"AnsweredCalls": 1, "UnansweredCalls": 0}]}]}`) {
		t.Errorf("queue 200: %v", got)
	}
	for _, c := range []struct {
		params []string
		code   int
	}{
		{[]string{"from_date", "2025-03-14 14:00:00", "user_id", "all", "acd_queue_id", "999"}, CodeInvalidQueueID},
		{[]string{"from_date", "2025-03-14 14:00:00", "user_id", "all", "report", "QL"}, CodeInvalidReport},
		{[]string{"from_date", "2025-03-14 14:00:00", "user_id", "all", "abbreviation", "maybe"}, CodeInvalidArgument},
		{[]string{"from_date", "2025-03-14 14:00:00", "to_date", "2025-03-14 13:00:00", "user_id", "all"}, CodeInvalidDateRange},
	} {
		m := h.call("GetACDOperatorStatistics", vals(c.params...))
		if code := errorCode(t, m); code != c.code {
			t.Errorf("%v: answer %v, want error %d", c.params, m, c.code)
		}
	}
}

// TestOperatorStatisticsRoles: both methods follow the reference's
// roles: a Supervisor may call them, a service account without one of the
// five roles may not.
func TestOperatorStatisticsRoles(t *testing.T) {
	for _, c := range []struct {
		roles []string
		want  int
	}{{[]string{RoleSupervisor}, 0}, {[]string{"Accountant"}, CodeForbidden}} {
		h := newHarness(t, func(cfg *Config) { cfg.Account = operatorHistory(); cfg.Roles = c.roles })
		for _, m := range []string{"GetACDOperatorStatusStatistics", "GetACDOperatorStatistics"} {
			if code := errorCode(t, h.call(m, vals("from_date", "2025-03-14 14:00:00", "user_id", "all"))); code != c.want {
				t.Errorf("%s with roles %v: error %d, want %d", m, c.roles, code, c.want)
			}
		}
	}
}

// TestOperatorStatisticsFollowTheSimulation animates a generated account
// for three hours and checks, over HTTP, the operator statistics against
// the other methods over the last 90 minutes:
//   - the operators' answered calls (AC) add up to the queues' AC, and
//     their handled calls (HT count) to the queues' HT count;
//   - every operator with a known status change time, in all of the
//     window as every generated one is, has status seconds adding up to
//     the window;
//   - each operator's current status (GetUsers) has at least the time
//     since its change (capped by the window) in the status statistics.
func TestOperatorStatisticsFollowTheSimulation(t *testing.T) {
	clock := &atomicTime{}
	clock.set(fixedNow)
	h := newHarness(t, func(c *Config) {
		c.Account, c.Now = Generate(GenConfig{Users: 80, Apps: 2, Queues: 4, Seed: 19, Now: fixedNow}), clock.get
	})
	now := fixedNow
	for step := range 2000 { // about three hours in 2..9 s steps
		now = now.Add(time.Duration(2+step%8) * time.Second)
		h.srv.Evolve(now)
	}
	h.clockAt(clock, now)
	window := 90 * time.Minute
	from := now.Add(-window).Format(timeLayout)

	queue := h.call("GetACDQueueStatistics", vals("from_date", from, "report", "AC;HT"))["result"].([]any)[0].(map[string]any)
	queueAC := queue["AC"].([]any)[0].(map[string]any)["count"].(float64)
	queueHT := queue["HT"].(map[string]any)["count"].(float64)
	var opAC, opHT, opUAC float64
	for _, g := range h.call("GetACDOperatorStatistics", vals("from_date", from, "user_id", "all"))["result"].([]any) {
		rec := g.(map[string]any)["statistics"].([]any)[0].(map[string]any)
		opAC += rec["AC"].(float64)
		opUAC += rec["UAC"].(float64)
		if ht, ok := rec["HT"].(map[string]any); ok {
			opHT += ht["count"].(float64)
		}
	}
	if queueAC < 100 || opAC != queueAC || opHT != queueHT {
		t.Errorf("answered: operators %v, queues %v (want equal, and a busy account); handled: operators %v, queues %v", opAC, queueAC, opHT, queueHT)
	}
	t.Logf("%v calls answered, %v handled, %v offers missed", opAC, opHT, opUAC)

	seconds := map[int64]map[string]float64{}
	for _, g := range h.call("GetACDOperatorStatusStatistics", vals("from_date", from, "user_id", "all"))["result"].([]any) {
		id := int64(g.(map[string]any)["user_id"].(float64))
		seconds[id] = map[string]float64{}
		for st, a := range g.(map[string]any)["statistics"].([]any)[0].(map[string]any)["acd_status"].(map[string]any) {
			seconds[id][st] = a.(map[string]any)["sum"].(float64)
		}
	}
	checked := 0
	for _, app := range h.srv.Account().Apps {
		for _, r := range h.call("GetUsers", vals("application_id", itoa(app.ID), "count", "1000"))["result"].([]any) {
			u := r.(map[string]any)
			id := int64(u["user_id"].(float64))
			status, _ := u["acd_status"].(string)
			raw, _ := u["acd_status_change_time"].(string)
			changed, err := time.Parse(timeLayout, raw)
			if status == "" || err != nil {
				continue
			}
			total := 0.0
			for _, s := range seconds[id] {
				total += s
			}
			if total != window.Seconds() {
				t.Errorf("user %d: status seconds %v add up to %v, want the window's %v", id, seconds[id], total, window.Seconds())
			}
			if since := min(now.Sub(changed), window).Seconds(); seconds[id][status] < since {
				t.Errorf("user %d: %v s in %s, want at least the %v s since GetUsers' change time", id, seconds[id][status], status, since)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("only %d operators checked", checked)
	}
}

// TestOperatorLogsTrim: past the bound, each user keeps only the last
// entry before it (the status they were in at the bound) and the newer
// ones; missed offers older than the bound go.
func TestOperatorLogsTrim(t *testing.T) {
	now := fixedNow
	old := now.Add(-maxHistoryAge - 2*time.Hour) // the entries span 68 minutes
	var a Account
	for i := range minTrimAt {
		a.StatusLog = append(a.StatusLog, StatusEntry{UserID: int64(i % 2), Status: StatusReady, At: old.Add(time.Duration(i) * time.Second)})
	}
	a.StatusLog = append(a.StatusLog, StatusEntry{UserID: 0, Status: StatusDND, At: now.Add(-time.Hour)})
	a.Missed = []MissedOffer{{CallID: 1, Arrived: old}, {CallID: 2, Arrived: now.Add(-time.Hour)}}
	newEvolver(1, 0).trimOperatorLogs(&a, now)
	want := []StatusEntry{
		{UserID: 0, Status: StatusReady, At: old.Add(time.Duration(minTrimAt-2) * time.Second)},
		{UserID: 1, Status: StatusReady, At: old.Add(time.Duration(minTrimAt-1) * time.Second)},
		{UserID: 0, Status: StatusDND, At: now.Add(-time.Hour)},
	}
	if len(a.StatusLog) != len(want) {
		t.Fatalf("%d entries after trim, want %v", len(a.StatusLog), want)
	}
	for i := range want {
		if a.StatusLog[i] != want[i] {
			t.Errorf("entry %d: %v, want %v", i, a.StatusLog[i], want[i])
		}
	}
	if len(a.Missed) != 1 || a.Missed[0].CallID != 2 {
		t.Errorf("missed offers after trim: %v, want call 2 only", a.Missed)
	}
}

// clockAt sets the server's clock to now, and the harness a token valid
// then.
func (h *harness) clockAt(clock *atomicTime, now time.Time) {
	h.t.Helper()
	clock.set(now)
	tok, err := h.creds.MintToken(now.Add(-5*time.Second), now.Add(10*time.Minute))
	if err != nil {
		h.t.Fatal(err)
	}
	h.token = tok
}
