package voxsim

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// sqMetricsFixture adds to sqFixture a past worked out by hand. Over the
// last 30 minutes queue 501 saw, besides its two calls now (one waiting
// 12.345 s, one answered after 29.5 s):
//   - call H1 (carl): arrived 20 min ago, answered after 10 s, processed
//     120 s, 30 s after-service;
//   - call A1: abandoned after 30 s, 15 min ago;
//   - call H2 (zoe): arrived 10 min ago, answered after 40 s, processed
//     60 s, 20 s after-service;
//   - call B1: blocked 5 min ago;
//   - message I1 (zoe), handled;
//
// and, before the window, call H0. carl on CALL was READY 40-20 min ago,
// IN_SERVICE 20-10, AFTER_SERVICE 10-5, READY until 70.5 s ago, IN_SERVICE
// since; zoe READY from 30 to 3 min ago, LUNCH since.
func sqMetricsFixture() Account {
	a := sqFixture()
	at := func(d time.Duration) time.Time { return fixedNow.Add(d) }
	const m, s = time.Minute, time.Second
	sq := &a.SmartQueue
	sq.Queues[0].History = []SQTaskRecord{
		{ID: 90, Type: SQChannelCall, Agent: 1, Outcome: SQOutcomeHandled, Arrived: at(-50 * m), Started: at(-50*m + 5*s), Ended: at(-45 * m), WrapUp: 10 * s},
		{ID: 91, Type: SQChannelCall, Agent: 1, Outcome: SQOutcomeHandled, Arrived: at(-20 * m), Started: at(-20*m + 10*s), Ended: at(-20*m + 130*s), WrapUp: 30 * s},
		{ID: 92, Type: SQChannelCall, Outcome: SQOutcomeAbandoned, Arrived: at(-15 * m), Ended: at(-15*m + 30*s)},
		{ID: 94, Type: SQChannelIM, Agent: 5, Outcome: SQOutcomeHandled, Arrived: at(-8 * m), Started: at(-8*m + 5*s), Ended: at(-6 * m)},
		{ID: 93, Type: SQChannelCall, Agent: 5, Outcome: SQOutcomeHandled, Arrived: at(-10 * m), Started: at(-10*m + 40*s), Ended: at(-10*m + 100*s), WrapUp: 20 * s},
		{ID: 95, Type: SQChannelCall, Outcome: SQOutcomeBlocked, Arrived: at(-5 * m), Ended: at(-5 * m)},
	}
	sq.Agents[1].Past = []SQStatusSpan{ // carl
		{SQChannelCall, SQStatusReady, at(-40 * m), at(-20 * m)},
		{SQChannelCall, SQStatusInService, at(-20 * m), at(-10 * m)},
		{SQChannelCall, SQStatusAfterService, at(-10 * m), at(-5 * m)},
		{SQChannelCall, SQStatusReady, at(-5 * m), at(-70500 * time.Millisecond)},
	}
	sq.Agents[0].Past = []SQStatusSpan{ // zoe
		{SQChannelCall, SQStatusReady, at(-30 * m), at(-3 * m)},
		{SQChannelIM, SQStatusInService, at(-30 * m), at(-3 * m)}, // IM does not count
	}
	return a
}

// metricValues returns, per report type, per group, the values.
func metricValues(t *testing.T, m map[string]any) map[string][][]float64 {
	t.Helper()
	res, ok := m["result"].([]any)
	if !ok {
		t.Fatalf("no result array in %v", m)
	}
	out := map[string][][]float64{}
	for _, r := range res {
		r := r.(map[string]any)
		var groups [][]float64
		for _, g := range r["groups"].([]any) {
			var vs []float64
			for _, v := range g.(map[string]any)["values"].([]any) {
				vs = append(vs, v.(map[string]any)["value"].(float64))
			}
			groups = append(groups, vs)
		}
		out[r["report_type"].(string)] = groups
	}
	return out
}

func sqMetrics(h *harness, kv ...string) map[string]any {
	h.t.Helper()
	return h.call("GetSmartQueueRealtimeMetrics", vals(append([]string{"application_id", "40"}, kv...)...))
}

var allQueueReports = []string{
	"service_level", "average_abandonment_rate", "count_abandonment_calls", "call_count_assigned_to_queue",
	"count_handled_calls", "average_handle_time", "average_answer_speed", "average_time_in_queue",
	"max_time_in_queue", "occupancy_rate", "calls_blocked_percentage", "im_count_assigned_to_queue",
}

func TestSQMetricsByQueue(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	m := sqMetrics(h, "sq_queue_name", "Voice", "report_type", strings.Join(allQueueReports, ";"), "max_waiting_sec", "30")
	if code := errorCode(t, m); code != 0 {
		t.Fatalf("error %d: %v", code, m)
	}
	checkKeys(t, "answer", m, "result", "timezone")
	if m["timezone"] != "UTC" {
		t.Errorf("timezone %v, want UTC", m["timezone"])
	}
	// By hand, from sqMetricsFixture: answered waits 10, 40 and 29.5 s,
	// one abandoned after 30 s; carl busy 600+300+70.5 s and READY
	// 600+229.5 s in the window, zoe READY 1620 s.
	want := map[string]float64{
		"call_count_assigned_to_queue": 5, // H1, A1, H2 and the two calls now; not B1
		"im_count_assigned_to_queue":   1, // I1
		"calls_blocked_percentage":     100.0 / 6,
		"count_handled_calls":          2,   // H1, H2
		"average_handle_time":          115, // (120+30 + 60+20) / 2
		"count_abandonment_calls":      1,
		"average_abandonment_rate":     25,     // 1 of 4
		"service_level":                50,     // 10 and 29.5 of 4 within 30 s
		"average_answer_speed":         26.5,   // (10+40+29.5) / 3
		"average_time_in_queue":        27.375, // (10+40+29.5+30) / 4
		"max_time_in_queue":            40,
		"occupancy_rate":               100 * 970.5 / 3420,
	}
	got := metricValues(t, m)
	if len(got) != len(want) {
		t.Errorf("%d reports, want %d", len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if len(g) != 1 || len(g[0]) != 1 || math.Abs(g[0][0]-w) > 1e-9 {
			t.Errorf("%s = %v, want [[%v]]", name, g, w)
		}
	}

	res := m["result"].([]any)
	if rt := res[0].(map[string]any)["report_type"]; rt != "service_level" {
		t.Errorf("first report %v, want the order asked (service_level)", rt)
	}
	r := res[0].(map[string]any)
	checkKeys(t, "report", r, "groups", "report_type")
	g := r["groups"].([]any)[0].(map[string]any)
	checkKeys(t, "group", g, "sq_queue_id", "sq_queue_name", "values")
	if g["sq_queue_id"].(float64) != 501 || g["sq_queue_name"] != "Voice" {
		t.Errorf("group %v", g)
	}
	v := g["values"].([]any)[0].(map[string]any)
	checkKeys(t, "value", v, "from_date", "to_date", "value")
	if v["from_date"] != "2025-03-14 14:39:26" || v["to_date"] != "2025-03-14 15:09:26" {
		t.Errorf("default window %v .. %v, want the last 30 minutes", v["from_date"], v["to_date"])
	}
}

func TestSQMetricsWindowAndInterval(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	m := sqMetrics(h, "sq_queue_name", "Voice", "report_type", "count_handled_calls;call_count_assigned_to_queue",
		"from_date", "2025-03-14 14:39:26", "to_date", "2025-03-14 15:09:26", "interval", "00:10:00")
	got := metricValues(t, m)
	if w := [][]float64{{0, 1, 1}}; !slices.EqualFunc(got["count_handled_calls"], w, slices.Equal) {
		t.Errorf("handled by 10 minutes %v, want %v", got["count_handled_calls"], w)
	}
	if w := [][]float64{{0, 2, 3}}; !slices.EqualFunc(got["call_count_assigned_to_queue"], w, slices.Equal) {
		t.Errorf("assigned by 10 minutes %v, want %v", got["call_count_assigned_to_queue"], w)
	}
	values := m["result"].([]any)[0].(map[string]any)["groups"].([]any)[0].(map[string]any)["values"].([]any)
	var bounds []string
	for _, v := range values {
		v := v.(map[string]any)
		bounds = append(bounds, v["from_date"].(string)+"/"+v["to_date"].(string))
	}
	if w := []string{"2025-03-14 14:39:26/2025-03-14 14:49:26", "2025-03-14 14:49:26/2025-03-14 14:59:26",
		"2025-03-14 14:59:26/2025-03-14 15:09:26"}; !slices.Equal(bounds, w) {
		t.Errorf("intervals %v, want %v", bounds, w)
	}

	// An older window sees only H0; the day form of interval.
	m = sqMetrics(h, "sq_queue_name", "Voice", "report_type", "count_handled_calls;average_handle_time",
		"from_date", "2025-03-14 14:00:00", "to_date", "2025-03-14 14:30:00", "interval", "0000-00-01 00:00:00")
	got = metricValues(t, m)
	if got["count_handled_calls"][0][0] != 1 || got["average_handle_time"][0][0] != 305 {
		t.Errorf("older window: %v, want 1 call handled in 295+10 s", got)
	}

	needZone(t, "Asia/Tokyo")
	// The same window given in Tokyo time gives the same numbers, written
	// in Tokyo time.
	m = sqMetrics(h, "sq_queue_name", "Voice", "report_type", "count_handled_calls", "timezone", "Asia/Tokyo",
		"from_date", "2025-03-14 23:39:26", "to_date", "2025-03-15 00:09:26")
	if m["timezone"] != "Asia/Tokyo" {
		t.Errorf("timezone %v", m["timezone"])
	}
	v := m["result"].([]any)[0].(map[string]any)["groups"].([]any)[0].(map[string]any)["values"].([]any)[0].(map[string]any)
	if v["value"].(float64) != 2 || v["from_date"] != "2025-03-14 23:39:26" || v["to_date"] != "2025-03-15 00:09:26" {
		t.Errorf("Tokyo window: %v, want 2 calls handled, dates as given", v)
	}
}

func TestSQMetricsByAgent(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	m := sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent",
		"report_type", "occupancy_rate;count_handled_calls;average_handle_time")
	if code := errorCode(t, m); code != 0 {
		t.Fatalf("error %d", code)
	}
	groups := m["result"].([]any)[0].(map[string]any)["groups"]
	if ids := idList(t, groups, "user_id"); !slices.Equal(ids, []int64{1, 3, 5, 9}) {
		t.Errorf("agents %v, want every agent of queue 501: [1 3 5 9]", ids)
	}
	g := groups.([]any)[0].(map[string]any)
	checkKeys(t, "agent group", g, "user_display_name", "user_id", "user_name", "values")
	if g["user_name"] != "carl" || g["user_display_name"] != "Carl Zeiss" {
		t.Errorf("agent group %v", g)
	}
	got := metricValues(t, m)
	want := map[string][]float64{ // carl, anna (no CALL channel), zoe, bob
		"occupancy_rate":      {100 * 970.5 / 1800, 0, 0, 0},
		"count_handled_calls": {1, 0, 1, 0},
		"average_handle_time": {150, 0, 80, 0},
	}
	for name, w := range want {
		var flat []float64
		for _, g := range got[name] {
			flat = append(flat, g...)
		}
		if !slices.EqualFunc(flat, w, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
			t.Errorf("%s by agent %v, want %v", name, flat, w)
		}
	}

	m = sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent", "report_type", "count_handled_calls", "user_id", "5;1")
	if ids := idList(t, m["result"].([]any)[0].(map[string]any)["groups"], "user_id"); !slices.Equal(ids, []int64{1, 5}) {
		t.Errorf("user_id 5;1: agents %v, want [1 5]", ids)
	}
	m = sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent", "report_type", "count_handled_calls", "user_name", "zoe")
	if ids := idList(t, m["result"].([]any)[0].(map[string]any)["groups"], "user_id"); !slices.Equal(ids, []int64{5}) {
		t.Errorf("user_name zoe: agents %v, want [5]", ids)
	}
}

func TestSQMetricsQueueLimit(t *testing.T) {
	a := sqMetricsFixture()
	for i := range 5 {
		a.SmartQueue.Queues = append(a.SmartQueue.Queues, SQQueue{ID: 600 + int64(i), Name: "Extra " + itoa(int64(i)), ApplicationID: sqAppID})
	}
	h := newHarness(t, func(c *Config) { c.Account = a })
	five := "Voice;Chat;Extra 0;Extra 1;Extra 2"
	m := sqMetrics(h, "sq_queue_name", five, "report_type", "count_handled_calls")
	if ids := idList(t, m["result"].([]any)[0].(map[string]any)["groups"], "sq_queue_id"); !slices.Equal(ids, []int64{501, 502, 600, 601, 602}) {
		t.Errorf("five queues: groups %v", ids)
	}
	for _, p := range [][]string{
		{"sq_queue_name", five + ";Extra 3"},
	} {
		if code := errorCode(t, sqMetrics(h, append(p, "report_type", "count_handled_calls")...)); code != CodeInvalidArgument {
			t.Errorf("six queues (%s): code %d, want 101", p[0], code)
		}
	}
	if code := errorCode(t, sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent", "report_type", "count_handled_calls",
		"user_id", "1;3;5;9;11;12")); code != CodeInvalidArgument {
		t.Errorf("six users: code %d, want 101", code)
	}
	if code := errorCode(t, sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent", "report_type", "count_handled_calls",
		"user_id", "1;3;5", "user_name", "zoe;carl")); code != 0 {
		t.Errorf("five users: code %d, want an answer", code)
	}
}

func TestSQMetricsErrors(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	checkSQAppErrors(t, h, "GetSmartQueueRealtimeMetrics", "sq_queue_name", "Voice", "report_type", "count_handled_calls")
	q := []string{"sq_queue_name", "Voice"}
	for _, tc := range []struct {
		params []string
		code   int
	}{
		// The official clients dropped sq_queue_id for this method.
		{[]string{"sq_queue_id", "501", "report_type", "count_handled_calls"}, CodeInvalidArgument},
		{[]string{"sq_queue_id", "501", "sq_queue_name", "Voice", "report_type", "count_handled_calls"}, CodeInvalidArgument},
		{[]string{"sq_queue_id", "all", "report_type", "count_handled_calls"}, CodeInvalidArgument},
		{[]string{"report_type", "count_handled_calls", "group_by", "agent"}, CodeGroupingNotAllowed}, // agent grouping needs one queue
		{q, CodeRequiredParamEmpty}, // no report_type
		{append(q, "report_type", "count_handled_calls;no_such_report"), CodeInvalidReportType},
		{append(q, "report_type", "sum_agents_custom_1_time"), CodeInvalidReportType}, // real, but not simulated
		{append(q, "report_type", "count_handled_calls", "group_by", "team"), CodeInvalidGroupBy},
		{[]string{"sq_queue_name", "Voice;Chat", "report_type", "count_handled_calls", "group_by", "agent"}, CodeGroupingNotAllowed},
		{append(q, "report_type", "service_level", "group_by", "agent", "max_waiting_sec", "20"), CodeGroupingNotAllowed},
		{append(q, "report_type", "service_level"), CodeRequiredParamEmpty}, // no max_waiting_sec
		{append(q, "report_type", "service_level", "max_waiting_sec", "-1"), CodeInvalidArgument},
		{append(q, "report_type", "service_level", "max_waiting_sec", "soon"), CodeInvalidArgument},
		{append(q, "report_type", "count_handled_calls", "from_date", "2025-03-14"), codeSQDateFormat},
		{append(q, "report_type", "count_handled_calls", "to_date", "14/03/2025 15:00"), codeSQDateFormat},
		{append(q, "report_type", "count_handled_calls", "from_date", "2025-03-14 15:00:00", "to_date", "2025-03-14 14:00:00"), codeSQDateRange},
		{append(q, "report_type", "count_handled_calls", "interval", "ten minutes"), CodeInvalidArgument},
		{append(q, "report_type", "count_handled_calls", "interval", "00:00:00"), CodeInvalidArgument},
		{append(q, "report_type", "count_handled_calls", "interval", "00:00:01"), CodeInvalidArgument}, // 1800 values
		{append(q, "report_type", "count_handled_calls", "timezone", "Nowhere/Special"), CodeInvalidArgument},
		{append(q, "report_type", "count_handled_calls", "user_id", "carl"), CodeInvalidArgument},
	} {
		m := sqMetrics(h, tc.params...)
		if code := errorCode(t, m); code != tc.code {
			t.Errorf("%v: code %d, want %d", tc.params, code, tc.code)
		}
	}
	// Fine: group_by in capitals, max_waiting_sec without service_level,
	// user filters with queue grouping (ignored), an unknown queue id.
	for _, p := range [][]string{
		append(q, "report_type", "count_handled_calls", "group_by", "QUEUE"),
		append(q, "report_type", "count_handled_calls", "max_waiting_sec", "20"),
		append(q, "report_type", "count_handled_calls", "user_id", "1"),
		{"sq_queue_name", "Voice;No such queue", "report_type", "count_handled_calls"},
	} {
		if code := errorCode(t, sqMetrics(h, p...)); code != 0 {
			t.Errorf("%v: code %d, want an answer", p, code)
		}
	}
}

// TestSQReportUnits pins the assumed units: time reports in seconds, rates,
// percentages and the service level in percent, counts as counts.
func TestSQReportUnits(t *testing.T) {
	for _, r := range allQueueReports {
		unit, ok := SQReportUnit(r)
		want := "seconds"
		switch {
		case strings.HasSuffix(r, "_rate"), strings.HasSuffix(r, "_percentage"), r == "service_level":
			want = "percent"
		case strings.HasPrefix(r, "count_"), strings.Contains(r, "_count_"):
			want = "count"
		}
		if !ok || unit != want {
			t.Errorf("%s: unit %q (known %v), want %q", r, unit, ok, want)
		}
	}
	if _, ok := SQReportUnit("sum_agents_custom_1_time"); ok {
		t.Error("a report the simulator does not answer has a unit")
	}
}
