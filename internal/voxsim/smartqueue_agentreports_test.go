package voxsim

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

var sqAgentStatusReports = []string{
	"sum_agents_online_time", "sum_agents_ready_time", "sum_agents_dialing_time", "sum_agents_in_service_time",
	"sum_agents_afterservice_time", "sum_agents_dnd_time", "sum_agents_banned_time",
}

// TestSQAgentReportsByHand reads every report agent grouping allows from
// sqMetricsFixture, by agent and by queue, against values worked out by
// hand over the last 30 minutes (see sqMetricsFixture): carl on CALL was
// READY 600 + 229.5 s, IN_SERVICE 600 + 70.5 s (the call now), AFTER_SERVICE
// 300 s; zoe READY 1620 s, then LUNCH (custom, not reported) 180 s; anna
// has no CALL channel; bob is READY but an inactive user, so counts
// nothing (an inactive user cannot be logged in). carl handled H1 (120 s + 30 s
// after-service), zoe H2 (60 s + 20 s).
func TestSQAgentReportsByHand(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	reports := append(slices.Clone(sqAgentStatusReports), "min_handle_time", "max_handle_time", "average_handle_time",
		"count_handled_calls", "min_after_call_worktime", "max_after_call_worktime", "average_after_call_worktime", "occupancy_rate")
	want := map[string][]float64{ // carl, anna, zoe, bob
		"sum_agents_online_time":       {0, 0, 0, 0},
		"sum_agents_ready_time":        {829.5, 0, 1620, 0},
		"sum_agents_dialing_time":      {0, 0, 0, 0},
		"sum_agents_in_service_time":   {670.5, 0, 0, 0},
		"sum_agents_afterservice_time": {300, 0, 0, 0},
		"sum_agents_dnd_time":          {0, 0, 0, 0},
		"sum_agents_banned_time":       {0, 0, 0, 0},
		"min_handle_time":              {150, 0, 80, 0},
		"max_handle_time":              {150, 0, 80, 0},
		"average_handle_time":          {150, 0, 80, 0},
		"count_handled_calls":          {1, 0, 1, 0},
		"min_after_call_worktime":      {30, 0, 20, 0},
		"max_after_call_worktime":      {30, 0, 20, 0},
		"average_after_call_worktime":  {30, 0, 20, 0},
		"occupancy_rate":               {100 * 970.5 / 1800, 0, 0, 0},
	}
	// By queue: the status times summed over the agents, the spread over
	// both calls; occupancy 970.5 s busy of 970.5 + 2449.5 s.
	wantQueue := map[string]float64{
		"sum_agents_ready_time": 2449.5, "sum_agents_in_service_time": 670.5, "sum_agents_afterservice_time": 300,
		"min_handle_time": 80, "max_handle_time": 150, "average_handle_time": 115, "count_handled_calls": 2,
		"min_after_call_worktime": 20, "max_after_call_worktime": 30, "average_after_call_worktime": 25,
		"occupancy_rate": 100 * 970.5 / 3420,
	}
	m := sqMetrics(h, "sq_queue_name", "Voice", "group_by", "agent", "user_id", "all", "report_type", strings.Join(reports, ";"))
	if code := errorCode(t, m); code != 0 {
		t.Fatalf("error %d: %v", code, m)
	}
	byAgent := metricValues(t, m)
	q := metricValues(t, sqMetrics(h, "sq_queue_name", "Voice", "report_type", strings.Join(reports, ";")))
	for _, r := range reports {
		if unit, ok := SQReportUnit(r); !ok || (unit != unitSeconds) != (r == "count_handled_calls" || r == "occupancy_rate") {
			t.Errorf("%s: unit %q (known %v)", r, unit, ok)
		}
		var flat []float64
		for _, g := range byAgent[r] {
			flat = append(flat, g...)
		}
		if !slices.EqualFunc(flat, want[r], func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
			t.Errorf("%s by agent %v, want %v", r, flat, want[r])
		}
		if g := q[r]; len(g) != 1 || len(g[0]) != 1 || math.Abs(g[0][0]-wantQueue[r]) > 1e-9 {
			t.Errorf("%s by queue %v, want [[%v]]", r, g, wantQueue[r])
		}
	}
}

// TestSQAgentReportsErrors: agent grouping takes exactly one queue and
// only the report types the reference lists for it; the error names the
// report type.
func TestSQAgentReportsErrors(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	for _, tc := range []struct {
		params  []string
		code    int
		mention string
	}{
		{[]string{"sq_queue_name", "Voice;Chat", "report_type", "sum_agents_ready_time"}, CodeGroupingNotAllowed, "one queue"},
		{[]string{"report_type", "sum_agents_ready_time"}, CodeGroupingNotAllowed, "one queue"},
		{[]string{"sq_queue_name", "Voice", "report_type", "sum_agents_ready_time;average_time_in_queue"}, CodeGroupingNotAllowed, "average_time_in_queue"},
		{[]string{"sq_queue_name", "Voice", "report_type", "sum_agents_custom_1_time"}, CodeInvalidReportType, "sum_agents_custom_1_time"},
	} {
		m := sqMetrics(h, append(tc.params, "group_by", "agent")...)
		if code := errorCode(t, m); code != tc.code {
			t.Errorf("%v: code %d, want %d", tc.params, code, tc.code)
			continue
		}
		if msg := m["error"].(map[string]any)["msg"].(string); !strings.Contains(msg, tc.mention) {
			t.Errorf("%v: message %q does not say %q", tc.params, msg, tc.mention)
		}
	}
}

// TestSQAgentReportsSimulated reads the agent reports of a generated
// SmartQueue after 90 simulated minutes: the agents' handled calls add up
// to their queue's count_handled_calls over the same window, and every
// agent present on CALL all of the window in none of OFFLINE and the
// custom statuses (whose times are not reported) has the seven reported
// status times add up to the window, read against the agent's own status
// log.
func TestSQAgentReportsSimulated(t *testing.T) {
	end := fixedNow.Add(90 * time.Minute)
	h := newHarness(t, func(c *Config) {
		c.Account = generatedSQ(23)
		c.Now = func() time.Time { return end }
	})
	h.srv.Evolve(fixedNow)
	h.srv.Evolve(end)
	acct := h.srv.Account()
	app := itoa(acct.Apps[len(acct.Apps)-1].ID)
	from := end.Add(-30 * time.Minute)
	window := []string{"from_date", from.Format(timeLayout), "to_date", end.Format(timeLayout)}
	full, partial := 0, 0
	for _, q := range acct.SmartQueue.Queues {
		params := append([]string{"application_id", app, "sq_queue_name", q.Name}, window...)
		queue := metricValues(t, h.call("GetSmartQueueRealtimeMetrics", vals(append(params, "report_type", "count_handled_calls")...)))
		m := h.call("GetSmartQueueRealtimeMetrics", vals(append(params, "group_by", "agent", "user_id", "all",
			"report_type", strings.Join(append(slices.Clone(sqAgentStatusReports), "count_handled_calls"), ";"))...))
		if code := errorCode(t, m); code != 0 {
			t.Fatalf("queue %s: error %d: %v", q.Name, code, m)
		}
		got := metricValues(t, m)
		handled := 0.0
		for _, g := range got["count_handled_calls"] {
			handled += g[0]
		}
		if handled != queue["count_handled_calls"][0][0] || handled == 0 {
			t.Errorf("queue %s: the agents handled %v calls, the queue %v", q.Name, handled, queue["count_handled_calls"])
		}
		groups := m["result"].([]any)[0].(map[string]any)["groups"]
		for i, id := range idList(t, groups, "user_id") {
			if !presentAllWindow(acct.SmartQueue, id, from, end) {
				partial++
				continue
			}
			full++
			sum := 0.0
			for _, r := range sqAgentStatusReports {
				sum += got[r][i][0]
			}
			if math.Abs(sum-1800) > 1e-9 {
				t.Errorf("queue %s, agent %d: status times add up to %v s, want the window's 1800", q.Name, id, sum)
			}
		}
	}
	if full == 0 || partial == 0 {
		t.Errorf("%d agents present all of the window, %d not: the test wants some of each", full, partial)
	}
}

// presentAllWindow reports whether agent id was on CALL throughout [from,
// to) in none of OFFLINE and the custom statuses, from its status log.
func presentAllWindow(sq SmartQueue, id int64, from, to time.Time) bool {
	i := slices.IndexFunc(sq.Agents, func(a SQAgent) bool { return a.UserID == id })
	c := sq.Agents[i].channel(SQChannelCall)
	if c == nil {
		return false
	}
	spans := []SQStatusSpan{}
	for _, s := range sq.Agents[i].Past {
		if s.Channel == SQChannelCall {
			spans = append(spans, s)
		}
	}
	spans = append(spans, SQStatusSpan{SQChannelCall, c.Status, c.Since, to})
	covered := from
	for _, s := range spans {
		if !s.To.After(from) {
			continue
		}
		if s.From.After(covered) || s.Status == SQStatusOffline || slices.Contains(sq.CustomStatuses, s.Status) {
			return false
		}
		covered = s.To
	}
	return !covered.Before(to)
}
