package voxapi

import (
	"context"
	"strings"
	"testing"
)

// sqAgentMetricsBody is an agent-grouped answer in the documented shape
// (API-NOTES.md: groups of {user_id (number), user_name,
// user_display_name, values}), with one user_id sent as a string and one
// value as a numeric string, as the API sends ids and numbers both ways
// elsewhere.
const sqAgentMetricsBody = `{"result":[
 {"report_type":"sum_agents_ready_time","groups":[
  {"user_id":7,"user_name":"ann","user_display_name":"Ann","values":[{"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":812.5}]},
  {"user_id":"9","user_name":"bob","user_display_name":"Bob","values":[{"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":"1200"}]}]},
 {"report_type":"count_handled_calls","groups":[
  {"user_id":"7","user_name":"ann","user_display_name":"Ann","values":[{"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":3}]},
  {"user_id":9,"user_name":"bob","user_display_name":"Bob","values":[{"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":0}]}]}],
 "timezone":"Etc/GMT"}`

func TestSQAgentMetricsParams(t *testing.T) {
	p := SQMetricsParams{App: AppSelector{ID: 3}, SQQueueNames: []string{"Support"}, GroupBy: SQGroupByAgent,
		ReportTypes: []string{"sum_agents_ready_time", "count_handled_calls"}}
	v, err := p.Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{"application_id": "3", "sq_queue_name": "Support", "timezone": "Etc/GMT",
		"report_type": "sum_agents_ready_time;count_handled_calls", "group_by": "agent", "user_id": "all"})
	for name, bad := range map[string]SQMetricsParams{
		"got 0":                 {App: p.App, GroupBy: SQGroupByAgent, ReportTypes: p.ReportTypes},
		"got 2":                 {App: p.App, GroupBy: SQGroupByAgent, ReportTypes: p.ReportTypes, SQQueueNames: []string{"a", "b"}},
		`"service_level"`:       {App: p.App, GroupBy: SQGroupByAgent, SQQueueNames: []string{"a"}, ReportTypes: []string{"service_level"}, MaxWaitingSec: 20},
		`"sum_agents_custom_1`:  {App: p.App, GroupBy: SQGroupByAgent, SQQueueNames: []string{"a"}, ReportTypes: []string{"sum_agents_custom_1_time"}},
		`"average_time_in_queu`: {App: p.App, GroupBy: SQGroupByAgent, SQQueueNames: []string{"a"}, ReportTypes: []string{"occupancy_rate", "average_time_in_queue"}},
	} {
		if _, err := bad.Values(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want one that says %s", name, err, name)
		}
	}
	// Queue grouping sends no user filter.
	q, err := (&SQMetricsParams{App: p.App, ReportTypes: []string{"count_handled_calls"}}).Values()
	if err != nil || q.Has("user_id") {
		t.Errorf("queue grouping: %v, %v: want no user_id", q, err)
	}
}

func TestSQAgentMetricsByAgent(t *testing.T) {
	stub := newStubAPI(t, sqAgentMetricsBody)
	m, err := stub.client(t).GetSmartQueueRealtimeMetrics(context.Background(), SQMetricsParams{App: AppSelector{Name: "sup"},
		SQQueueNames: []string{"Support"}, GroupBy: SQGroupByAgent, ReportTypes: []string{"sum_agents_ready_time", "count_handled_calls"}})
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, stub.only(t, "GetSmartQueueRealtimeMetrics"), map[string]string{"application_name": "sup", "sq_queue_name": "Support",
		"timezone": "Etc/GMT", "report_type": "sum_agents_ready_time;count_handled_calls", "group_by": "agent", "user_id": "all"})
	agents, err := m.ByAgent()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct {
		name           string
		ready, handled float64
	}{7: {"ann", 812.5, 3}, 9: {"bob", 1200, 0}}
	if len(agents) != len(want) {
		t.Fatalf("agents %v, want 7 and 9", agents)
	}
	for id, w := range want {
		a := agents[id]
		if a == nil || a.UserID != id || a.UserName != w.name || len(a.Reports) != 2 {
			t.Fatalf("agent %d: %+v", id, a)
		}
		ready, handled := a.Reports["sum_agents_ready_time"].Values[0].Value, a.Reports["count_handled_calls"].Values[0].Value
		if ready == nil || *ready != w.ready || handled == nil || *handled != w.handled {
			t.Errorf("agent %d: ready %v, handled %v, want %v and %v", id, ready, handled, w.ready, w.handled)
		}
	}
}

func TestSQAgentMetricsByAgentRefuses(t *testing.T) {
	for name, body := range map[string]string{
		"without user_id": `{"result":[{"report_type":"count_handled_calls","groups":[{"user_name":"ann","values":[]}]}]}`,
		"user_id 7 twice": `{"result":[{"report_type":"count_handled_calls","groups":[{"user_id":7,"values":[]},{"user_id":"7","values":[]}]}]}`,
	} {
		m, err := DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := m.ByAgent(); err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "count_handled_calls") {
			t.Errorf("%s: err = %v, want one naming it and the report type", name, err)
		}
	}
	if _, err := DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(`{"result":[{"report_type":"x","groups":[{"user_id":"seven","values":[]}]}]}`)); err == nil {
		t.Error("a user_id that is no number was accepted")
	}
}
