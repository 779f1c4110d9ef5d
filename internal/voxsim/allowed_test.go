package voxsim

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestEveryServedMethodDeclaresItsParameters: the parameter table and the
// routing table name the same methods, so no method is served unchecked.
func TestEveryServedMethodDeclaresItsParameters(t *testing.T) {
	served := slices.Sorted(maps.Keys(methods))
	declared := slices.Sorted(maps.Keys(methodParams))
	if !slices.Equal(served, declared) {
		t.Errorf("methods served %v, parameters declared for %v", served, declared)
	}
	if ps, ok := MethodParams("GetQueues"); !ok || slices.Contains(ps, "application_name") || !slices.IsSorted(ps) {
		t.Errorf("MethodParams(GetQueues) = %v %v", ps, ok)
	}
	if _, ok := MethodParams("SetQueueInfo"); ok {
		t.Error("MethodParams knows a method the simulator does not serve")
	}
}

// TestUnknownParameterRefused: every method answers a minimal request, and
// the same request with one parameter more that neither the reference nor
// the official clients declare for it gets 101 naming the parameter,
// including the two the exporter once sent (GetQueues' application_name,
// GetSmartQueueRealtimeMetrics' sq_queue_id). cmd is not a parameter.
func TestUnknownParameterRefused(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	minimal := map[string][]string{
		"GetUsers":                       {"application_id", "10"},
		"GetACDState":                    {"acd_queue_id", "all"},
		"GetQueues":                      nil,
		"GetACDQueueStatistics":          {"from_date", "2025-03-14 14:00:00"},
		"GetSQState":                     {"application_id", "40", "sq_queue_id", "all"},
		"GetSmartQueueRealtimeMetrics":   {"application_id", "40", "report_type", "count_handled_calls"},
		"GetApplications":                nil,
		"GetACDOperatorStatistics":       {"from_date", "2025-03-14 14:00:00", "user_id", "all"},
		"GetACDOperatorStatusStatistics": {"from_date", "2025-03-14 14:00:00", "user_id", "all"},
		"GetAccountInfo":                 nil,
		"GetChildrenAccounts":            nil,
	}
	if got := slices.Sorted(maps.Keys(minimal)); !slices.Equal(got, slices.Sorted(maps.Keys(methods))) {
		t.Fatalf("minimal requests for %v, methods served %v", got, slices.Sorted(maps.Keys(methods)))
	}
	for method, kv := range minimal {
		if m := h.call(method, vals(append(slices.Clone(kv), "cmd", method)...)); errorCode(t, m) != 0 {
			t.Errorf("%s %v: %v, want an answer", method, kv, m["error"])
		}
		extra := map[string]string{"GetQueues": "application_name", "GetSmartQueueRealtimeMetrics": "sq_queue_id"}[method]
		for _, name := range []string{"no_such_parameter", extra} {
			if name == "" {
				continue
			}
			m := h.call(method, vals(append(slices.Clone(kv), name, "1")...))
			e, _ := m["error"].(map[string]any)
			if errorCode(t, m) != CodeInvalidArgument || !strings.Contains(e["msg"].(string), "'"+name+"'") {
				t.Errorf("%s with %s: %v, want 101 naming it", method, name, m)
			}
		}
	}
}

// TestGetApplications: application_name is a part filter, without regard to
// case ("the application name part to filter"), application_id picks one,
// and count/offset page the list ordered by id, total_count counting every
// match.
func TestGetApplications(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqFixture() })
	for _, tc := range []struct {
		params []string
		want   []int64
		total  int
	}{
		{nil, []int64{10, 20, 30, 40}, 4},
		{[]string{"application_name", "acme"}, []int64{10, 20, 30, 40}, 4},
		{[]string{"application_name", "BILLING"}, []int64{30}, 1},
		{[]string{"application_name", "s"}, []int64{10, 20, 40}, 3}, // a part: support, sales, smartqueue
		{[]string{"application_name", "nothing"}, []int64{}, 0},
		{[]string{"application_id", "20"}, []int64{20}, 1},
		{[]string{"application_id", "20", "application_name", "support"}, []int64{}, 0},
		{[]string{"count", "2"}, []int64{10, 20}, 4},
		{[]string{"count", "2", "offset", "3"}, []int64{40}, 4},
		{[]string{"offset", "9"}, []int64{}, 4},
		{[]string{"with_rules", "true", "with_scenarios", "false"}, []int64{10, 20, 30, 40}, 4},
	} {
		m := h.call("GetApplications", vals(tc.params...))
		got := idList(t, m["result"], "application_id")
		if !slices.Equal(got, tc.want) || m["total_count"] != float64(tc.total) || m["count"] != float64(len(tc.want)) {
			t.Errorf("%v: %v total %v count %v, want %v total %d", tc.params, got, m["total_count"], m["count"], tc.want, tc.total)
		}
	}
	m := h.call("GetApplications", vals("application_id", "20"))
	app := m["result"].([]any)[0].(map[string]any)
	checkKeys(t, "application", app, "application_id", "application_name", "modified", "secure_record_storage")
	if app["application_name"] != "sales.acme.n2.voximplant.com" || app["modified"] != "2024-02-03 04:05:06" || app["secure_record_storage"] != true {
		t.Errorf("application 20: %v", app)
	}
	for _, p := range [][]string{{"count", "-1"}, {"offset", "x"}, {"application_id", "ten"}, {"with_rules", "maybe"}} {
		if code := errorCode(t, h.call("GetApplications", vals(p...))); code != CodeInvalidArgument {
			t.Errorf("%v: code %d, want 101", p, code)
		}
	}
}

// TestSQMetricsWithoutQueueFilter: without sq_queue_name the answer holds
// every SmartQueue of the application (and none of another application),
// as the official clients make the filter optional.
func TestSQMetricsWithoutQueueFilter(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = sqMetricsFixture() })
	m := sqMetrics(h, "report_type", "count_handled_calls;average_handle_time")
	for _, rep := range m["result"].([]any) {
		if ids := idList(t, rep.(map[string]any)["groups"], "sq_queue_id"); !slices.Equal(ids, []int64{501, 502}) {
			t.Errorf("%v: groups %v, want the application's queues 501 and 502", rep.(map[string]any)["report_type"], ids)
		}
	}
	m = sqMetrics(h, "report_type", "count_handled_calls", "sq_queue_name", "Chat")
	if ids := idList(t, m["result"].([]any)[0].(map[string]any)["groups"], "sq_queue_id"); !slices.Equal(ids, []int64{502}) {
		t.Errorf("sq_queue_name Chat: groups %v", ids)
	}
}
