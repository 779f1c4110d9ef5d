package voxsim

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// statsT0 is 14:00 on fixedNow's day; fixedNow is 15:09:26.
var statsT0 = time.Date(2025, 3, 14, 14, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return statsT0.Add(d) }

// ms turns fractional seconds into a Duration.
func ms(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }

// statsHistory is a hand-built history whose statistics are worked out in
// the comments. Queue 100 has SL thresholds 20 s and 60 s.
func statsHistory() Account {
	a := fixture()
	a.Queues[0].SLThresholds = []int{20, 60}
	s := time.Second
	a.History = []CallRecord{
		// 1: waited 10 s (rang 2 s), talked 100 s, 20 s of ACW: HT 120.
		{ID: 1, QueueID: 100, Arrived: at(0), Rang: at(8 * s), Answered: at(10 * s), Operator: 5,
			Talk: 100 * s, TalkDone: true, ACW: 20 * s, ACWDone: true, QueueLength: 1},
		// 2: waited 45 s (rang 5 s), talked 200.5 s, 30 s ACW: HT 230.5.
		{ID: 2, QueueID: 100, Arrived: at(time.Minute), Rang: at(time.Minute + 40*s), Answered: at(time.Minute + 45*s), Operator: 3,
			Talk: ms(200.5), TalkDone: true, ACW: 30 * s, ACWDone: true, QueueLength: 2},
		// 3: waited 90 s (rang 2 s), talked 150 s, ACW still running.
		{ID: 3, QueueID: 100, Arrived: at(2 * time.Minute), Rang: at(2*time.Minute + 88*s), Answered: at(2*time.Minute + 90*s), Operator: 5,
			Talk: 150 * s, TalkDone: true, QueueLength: 3},
		// 4, 5: abandoned after 12.5 s and 30 s.
		{ID: 4, QueueID: 100, Arrived: at(3 * time.Minute), Abandoned: at(3*time.Minute + ms(12.5)), QueueLength: 1},
		{ID: 5, QueueID: 100, Arrived: at(4 * time.Minute), Abandoned: at(4*time.Minute + 30*s), QueueLength: 2},
		// 6: rejected, the queue full at 25.
		{ID: 6, QueueID: 100, Arrived: at(5 * time.Minute), Rejected: true, QueueLength: 25},
		// 7: another queue (200, default threshold 20 s): waited 5 s.
		{ID: 7, QueueID: 200, Arrived: at(6 * time.Minute), Answered: at(6*time.Minute + 5*s), Operator: 1},
		// 8: 15:05, waited 5 s, ring time and queue length unknown, still talking.
		{ID: 8, QueueID: 100, Arrived: at(65 * time.Minute), Answered: at(65*time.Minute + 5*s), Operator: 3},
		// 9: after fixedNow: outside the default window.
		{ID: 9, QueueID: 100, Arrived: fixedNow.Add(time.Minute), Abandoned: fixedNow.Add(2 * time.Minute)},
	}
	return a
}

func statsResult(t *testing.T, m map[string]any) []any {
	t.Helper()
	res, ok := m["result"].([]any)
	if !ok {
		t.Fatalf("no result array: %v", m)
	}
	return res
}

func TestQueueStatisticsExact(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = statsHistory() })
	// Queue 100 from 14:00 to now: calls 1-6 and 8. TC 7 = 4 answered +
	// 2 abandoned + 1 rejected; offered 6. Within 20 s: calls 1 and 8
	// (2/6); within 60 s: also call 2 (3/6). WT: 10, 45, 90, 5, 12.5, 30.
	// SA: 2, 5, 2. TT: 100, 200.5, 150. ACW and HT: calls 1 and 2 only.
	// QL: 1, 2, 3, 1, 2, 25 (call 8's unknown).
	got := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100"))
	want := `{"result": [{
	  "TC": 7,
	  "AC": [{"count": 4, "percent": 57.14}],
	  "UAC": [{"count": 2, "percent": 28.57}],
	  "RC": [{"count": 1, "percent": 14.29}],
	  "SL": [{"acceptable_waiting_time": 20, "call_count": 2, "service_level": 0.3333333333333333},
	         {"acceptable_waiting_time": 60, "call_count": 3, "service_level": 0.5}],
	  "WT": {"min": 5, "avg": 32.083, "max": 90, "count": 6, "sum": 192.5},
	  "SA": {"min": 2, "avg": 3, "max": 5, "count": 3, "sum": 9},
	  "AT": {"min": 12.5, "avg": 21.25, "max": 30, "count": 2, "sum": 42.5},
	  "TT": {"min": 100, "avg": 150.167, "max": 200.5, "count": 3, "sum": 450.5},
	  "ACW": {"min": 20, "avg": 25, "max": 30, "count": 2, "sum": 50},
	  "HT": {"min": 120, "avg": 175.25, "max": 230.5, "count": 2, "sum": 350.5},
	  "QL": {"min": 1, "avg": 5.667, "max": 25, "count": 6, "sum": 34},
	  "TWT": 192.5, "TST": 9, "TAT": 42.5, "TTT": 450.5, "TACW": 50, "THT": 350.5
	}]}`
	if !jsonEqual(t, got, want) {
		b, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("queue 100:\n%s\nwant\n%s", b, want)
	}

	// Queues 100 and 200 together: one record, with call 7 (waited 5 s)
	// and the union of the thresholds: 20 s (3 of 7 offered), 60 s (4).
	m := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100;200", "report", "TC;AC;SL"))
	want = `{"result": [{"TC": 8, "AC": [{"count": 5, "percent": 62.5}],
	  "SL": [{"acceptable_waiting_time": 20, "call_count": 3, "service_level": 0.42857142857142855},
	         {"acceptable_waiting_time": 60, "call_count": 4, "service_level": 0.5714285714285714}]}]}`
	if !jsonEqual(t, m, want) {
		t.Errorf("queues 100;200: %v\nwant %s", m, want)
	}
	// "all" (and no acd_queue_id at all) is every queue: the same here.
	for _, ids := range []string{"all", "ALL", ""} {
		m := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", ids, "report", "TC;AC;SL"))
		if !jsonEqual(t, m, want) {
			t.Errorf("acd_queue_id=%q: %v", ids, m)
		}
	}

	// to_date bounds the window, inclusively: 14:01:00 keeps calls 1 and 2.
	m = h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "to_date", "2025-03-14 14:01:00",
		"acd_queue_id", "100", "report", "tc;wt"))
	if !jsonEqual(t, m, `{"result": [{"TC": 2, "WT": {"min": 10, "avg": 27.5, "max": 45, "count": 2, "sum": 55}}]}`) {
		t.Errorf("14:00-14:01: %v", m)
	}

	// Only rejected calls: no SL (nothing offered), no WT, but QL.
	m = h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:05:00", "to_date", "2025-03-14 14:05:59", "acd_queue_id", "100"))
	if !jsonEqual(t, m, `{"result": [{"TC": 1, "AC": [{"count": 0, "percent": 0}], "UAC": [{"count": 0, "percent": 0}],
	  "RC": [{"count": 1, "percent": 100}], "QL": {"min": 25, "avg": 25, "max": 25, "count": 1, "sum": 25}}]}`) {
		t.Errorf("rejected only: %v", m)
	}
	// Only an abandoned call: offered but none answered in time, so no SL.
	m = h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:03:00", "to_date", "2025-03-14 14:03:30", "acd_queue_id", "100", "report", "SL;UAC;AT"))
	if !jsonEqual(t, m, `{"result": [{"UAC": [{"count": 1, "percent": 100}], "AT": {"min": 12.5, "avg": 12.5, "max": 12.5, "count": 1, "sum": 12.5}}]}`) {
		t.Errorf("abandoned only: %v", m)
	}

	// Empty windows answer an empty list: before any call, and a queue
	// without calls.
	for _, p := range [][]string{
		{"from_date", "2025-03-14 10:00:00", "to_date", "2025-03-14 11:00:00", "acd_queue_id", "100"},
		{"from_date", "2025-03-14 14:00:00", "acd_queue_id", "300"},
		{"from_date", "2025-03-14 14:00:00", "acd_queue_id", "300", "aggregation", "hour"},
	} {
		if m := h.call("GetACDQueueStatistics", vals(p...)); !jsonEqual(t, m, `{"result": []}`) {
			t.Errorf("%v: %v, want an empty result", p, m)
		}
	}
}

func TestQueueStatisticsFullNames(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = statsHistory() })
	m := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100", "abbreviation", "false"))
	rec := statsResult(t, m)[0].(map[string]any)
	// The names of the reference page (ACDQueueStatisticsType) and the
	// official clients' description of abbreviation.
	want := []string{"TotalCalls", "AnsweredCalls", "UnansweredCalls", "RejectedCalls", "ServiceLevel",
		"WaitingTime", "SpeedOfAnswer", "AbandonmentTime", "HandlingTime", "TalkTime", "AfterCallWork",
		"QueueLength", "TotalWaitingTime", "TotalSubmissionTime", "TotalAbandonmentTime",
		"TotalHandlingTime", "TotalTalkTime", "TotalAfterCallWork"}
	if got := sorted(keys(rec)); !slices.Equal(got, sorted(want)) {
		t.Errorf("keys %v, want %v", got, sorted(want))
	}
	if rec["TotalCalls"] != 7.0 || !jsonEqual(t, rec["AfterCallWork"], `{"min": 20, "avg": 25, "max": 30, "count": 2, "sum": 50}`) {
		t.Errorf("full-name record: %v", rec)
	}
	// report takes the abbreviations whatever the key style.
	m = h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100", "abbreviation", "false", "report", "TC;RC"))
	if !jsonEqual(t, m, `{"result": [{"TotalCalls": 7, "RejectedCalls": [{"count": 1, "percent": 14.29}]}]}`) {
		t.Errorf("full names, report TC;RC: %v", m)
	}
	// abbreviation=true is the default.
	m = h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100", "abbreviation", "true", "report", "TC"))
	if !jsonEqual(t, m, `{"result": [{"TC": 7}]}`) {
		t.Errorf("abbreviation=true: %v", m)
	}
}

func TestQueueStatisticsAggregation(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = statsHistory() })
	get := func(agg string) any {
		t.Helper()
		return h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 14:00:00", "acd_queue_id", "100",
			"aggregation", agg, "report", "TC;AT;SL"))
	}
	// Hour 15 is 14:00-15:00 (calls 1-6), hour 16 15:00-16:00 (call 8,
	// answered in 5 s: SL 1 at both thresholds; nobody hung up: no AT).
	want := `{"result": [
	  {"date": "2025-03-14", "hour": 15, "TC": 6,
	   "SL": [{"acceptable_waiting_time": 20, "call_count": 1, "service_level": 0.2},
	          {"acceptable_waiting_time": 60, "call_count": 2, "service_level": 0.4}],
	   "AT": {"min": 12.5, "avg": 21.25, "max": 30, "count": 2, "sum": 42.5}},
	  {"date": "2025-03-14", "hour": 16, "TC": 1,
	   "SL": [{"acceptable_waiting_time": 20, "call_count": 1, "service_level": 1},
	          {"acceptable_waiting_time": 60, "call_count": 1, "service_level": 1}]}]}`
	if got := get("hour"); !jsonEqual(t, got, want) {
		b, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("aggregation=hour:\n%s", b)
	}
	// hour_of_day: the same hours, without dates.
	var hours []float64
	for _, r := range statsResult(t, get("hour_of_day").(map[string]any)) {
		rec := r.(map[string]any)
		if _, ok := rec["date"]; ok {
			t.Errorf("hour_of_day record with a date: %v", rec)
		}
		hours = append(hours, rec["hour"].(float64))
	}
	if !slices.Equal(hours, []float64{15, 16}) {
		t.Errorf("hour_of_day hours %v, want [15 16]", hours)
	}
	day := statsResult(t, get("day").(map[string]any))
	if len(day) != 1 || day[0].(map[string]any)["date"] != "2025-03-14" || day[0].(map[string]any)["TC"] != 7.0 {
		t.Errorf("aggregation=day: %v", day)
	}
	if _, ok := day[0].(map[string]any)["hour"]; ok {
		t.Errorf("aggregation=day record with an hour: %v", day)
	}
	for _, agg := range []string{"none", ""} {
		recs := statsResult(t, get(agg).(map[string]any))
		if len(recs) != 1 {
			t.Fatalf("aggregation=%q: %v", agg, recs)
		}
		if _, ok := recs[0].(map[string]any)["date"]; ok {
			t.Errorf("aggregation=%q: record with a date", agg)
		}
	}
}

func TestQueueStatisticsErrors(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = statsHistory() })
	from := "2025-03-14 14:00:00"
	for _, tc := range []struct {
		params []string
		code   int
	}{
		{nil, CodeRequiredParamEmpty},
		{[]string{"to_date", "2025-03-14 15:00:00"}, CodeRequiredParamEmpty},
		{[]string{"from_date", "2025-03-14"}, CodeInvalidDateFormat},
		{[]string{"from_date", "2025-03-14T14:00:00Z"}, CodeInvalidDateFormat},
		{[]string{"from_date", "2025-13-14 14:00:00"}, CodeInvalidDateFormat},
		{[]string{"from_date", from, "to_date", "tomorrow"}, CodeInvalidDateFormat},
		{[]string{"from_date", from, "to_date", "2025-03-14 13:59:59"}, CodeInvalidDateRange},
		{[]string{"from_date", "2025-04-14 00:00:00"}, CodeInvalidDateRange}, // after now, the default to_date
		{[]string{"from_date", "2025-02-01 00:00:00", "to_date", "2025-03-03 00:00:01"}, CodeDateRangeLimit},
		{[]string{"from_date", from, "acd_queue_id", "999"}, CodeInvalidQueueID},
		{[]string{"from_date", from, "acd_queue_id", "100;999"}, CodeInvalidQueueID},
		{[]string{"from_date", from, "acd_queue_id", "abc"}, CodeInvalidArgument},
		{[]string{"from_date", from, "report", "XX"}, CodeInvalidReport},
		{[]string{"from_date", from, "report", "TC;foo"}, CodeInvalidReport},
		{[]string{"from_date", from, "aggregation", "week"}, CodeInvalidArgument},
		{[]string{"from_date", from, "abbreviation", "maybe"}, CodeInvalidArgument},
	} {
		m := h.call("GetACDQueueStatistics", vals(tc.params...))
		if code := errorCode(t, m); code != tc.code {
			t.Errorf("%v: %v, want code %d", tc.params, m, tc.code)
		}
	}
	// Exactly 30 days is within the limit.
	m := h.call("GetACDQueueStatistics", vals("from_date", "2025-02-01 00:00:00", "to_date", "2025-03-03 00:00:00"))
	if code := errorCode(t, m); code != 0 {
		t.Errorf("a 30-day range: %v", m)
	}
}

// TestQueueStatisticsFollowEvolve: a call is in the statistics from the
// moment it leaves the waiting line, and they agree with GetACDState and
// GetUsers at every step: waiting (in no item), answered (AC, WT, SA: the
// operator IN_SERVICE), talk ended (TT: the operator AFTER_SERVICE), after-
// call work ended (ACW, HT = TT + ACW).
func TestQueueStatisticsFollowEvolve(t *testing.T) {
	var clock atomicTime
	clock.set(fixedNow)
	h := newHarness(t, func(c *Config) {
		c.Account = oneQueue(Queue{CallsPerHour: -1, AverageServiceTime: 120}, 1)
		c.Now = clock.get
	})
	h.srv.SetCalls([]Call{{ID: 1, QueueID: 100, Priority: 50, Arrived: fixedNow}})
	stats := func() map[string]any {
		t.Helper()
		m := h.call("GetACDQueueStatistics", vals("from_date", "2025-03-14 15:00:00", "acd_queue_id", "100"))
		res := statsResult(t, m)
		if len(res) == 0 {
			return nil
		}
		return res[0].(map[string]any)
	}
	state := func() map[string]any {
		t.Helper()
		return h.call("GetACDState", vals("acd_queue_id", "100"))["result"].(map[string]any)["acd_queues"].([]any)[0].(map[string]any)
	}
	status := func() (string, time.Time) {
		t.Helper()
		u := h.call("GetUsers", vals("application_id", "10"))["result"].([]any)[0].(map[string]any)
		changed, err := time.Parse(timeLayout, u["acd_status_change_time"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return u["acd_status"].(string), changed
	}

	phase := "waiting"
	var answered, talkEnd time.Time
	for now := fixedNow; now.Before(fixedNow.Add(15 * time.Minute)); now = now.Add(time.Second) {
		clock.set(now)
		h.srv.Evolve(now)
		st, changed := status()
		rec := stats()
		switch phase {
		case "waiting":
			if st == StatusReady {
				if rec != nil {
					t.Fatalf("%v: the call waits (%v) but the statistics have it: %v", now, state()["waiting_calls"], rec)
				}
				if n := len(state()["waiting_calls"].([]any)); n != 1 {
					t.Fatalf("%v: %d waiting calls, want 1", now, n)
				}
				continue
			}
			if st != StatusInService {
				t.Fatalf("%v: op1 went %s from READY, want IN_SERVICE", now, st)
			}
			phase, answered = "talking", changed
			if n := len(state()["servicing_calls"].([]any)); n != 1 {
				t.Fatalf("%v: op1 IN_SERVICE but %d servicing calls", now, n)
			}
			wait := answered.Sub(fixedNow).Seconds()
			// It rang from its arrival, the ring reaching the phone within
			// that second.
			if sa := rec["SA"].(map[string]any)["sum"].(float64); sa > wait || sa <= wait-1 {
				t.Errorf("%v: answered after %v s, SA %v", now, wait, sa)
			}
			if rec["TC"] != 1.0 || !jsonEqual(t, rec["AC"], `[{"count": 1, "percent": 100}]`) || rec["WT"].(map[string]any)["sum"] != wait {
				t.Errorf("%v: answered after %v s: %v", now, wait, rec)
			}
			if _, ok := rec["TT"]; ok {
				t.Errorf("%v: TT while the call is still on: %v", now, rec)
			}
		case "talking":
			if st == StatusInService {
				continue
			}
			if st != StatusAfterService {
				t.Fatalf("%v: op1 went %s from IN_SERVICE, want AFTER_SERVICE", now, st)
			}
			phase, talkEnd = "acw", changed
			if tt := rec["TT"].(map[string]any); tt["count"] != 1.0 || tt["sum"] != talkEnd.Sub(answered).Seconds() {
				t.Errorf("%v: TT %v, want one talk of %v", now, tt, talkEnd.Sub(answered))
			}
			if _, ok := rec["ACW"]; ok {
				t.Errorf("%v: ACW while it runs: %v", now, rec)
			}
			if n := len(state()["servicing_calls"].([]any)); n != 0 {
				t.Errorf("%v: op1 AFTER_SERVICE but %d servicing calls", now, n)
			}
		case "acw":
			if st == StatusAfterService {
				continue
			}
			acw := changed.Sub(talkEnd).Seconds()
			if a := rec["ACW"].(map[string]any); a["count"] != 1.0 || a["sum"] != acw {
				t.Errorf("%v: ACW %v, want %v s", now, a, acw)
			}
			if ht := rec["HT"].(map[string]any); ht["sum"] != talkEnd.Sub(answered).Seconds()+acw || rec["THT"] != ht["sum"] {
				t.Errorf("%v: HT %v THT %v, want TT + ACW", now, ht, rec["THT"])
			}
			if rec["TC"] != 1.0 {
				t.Errorf("%v: TC %v after the call, want 1", now, rec["TC"])
			}
			return
		}
	}
	t.Fatalf("the call never went through its after-call work (stopped %s)", phase)
}

// TestHistoryLearnsAnsweredCallsOnce: a call answered before the
// simulation saw it joins the history once, even when a test sets the
// same calls again.
func TestHistoryLearnsAnsweredCallsOnce(t *testing.T) {
	a := oneQueue(Queue{CallsPerHour: -1}, 1)
	a.Users[0].Status, a.Users[0].StatusChange = StatusInService, fixedNow.Add(-30*time.Second)
	calls := []Call{{ID: 1, QueueID: 100, Priority: 50, Arrived: fixedNow.Add(-time.Minute), Operator: 1, Answered: fixedNow.Add(-30 * time.Second)}}
	s := NewServer(Config{Account: a, Seed: 2})
	defer s.Close()
	s.SetCalls(calls)
	s.Evolve(fixedNow)
	s.SetCalls(calls)
	s.Evolve(fixedNow.Add(time.Second))
	h := s.Account().History
	if len(h) != 1 || h[0].ID != 1 || !h[0].Answered.Equal(calls[0].Answered) || !h[0].Rang.IsZero() || h[0].Operator != 1 {
		t.Errorf("history %+v, want call 1 once, answered by op1 at %v, ring time unknown", h, calls[0].Answered)
	}
}
