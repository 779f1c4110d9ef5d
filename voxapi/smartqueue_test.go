package voxapi

import (
	"context"
	"strings"
	"testing"
	"time"
)

// sqStateBody is a GetSQState answer asked with timezone=Etc/GMT: agent 1
// has both channels in one element, agent 2 one channel per element (and a
// null and a repeated channel), agent 3 only IM and odd dates, agent 4 no
// statuses at all.
const sqStateBody = `{"result":[
 {"sq_queue_id":5,"sq_queue_name":"Support",
  "sq_agents":[
   {"user_id":1,"user_name":"ann","user_display_name":"Ann",
    "sq_skills":[{"sq_skill_id":7,"sq_skill_name":"English","sq_skill_level":4}],
    "sq_statuses":[{"CALL":{"sq_status_name":"READY","from_date":"2026-11-28 09:15:00"},
                    "IM":{"sq_status_name":"IN_SERVICE","from_date":"2026-11-28 09:16:30"}}]},
   {"user_id":2,"user_name":"bob","user_display_name":"Bob","sq_skills":[],
    "sq_statuses":[{"CALL":{"sq_status_name":"DND","from_date":"2026-11-28 08:00:00"}},
                   {"IM":null},
                   {"IM":{"sq_status_name":"CUSTOM_3","from_date":"2026-11-28 08:30:00"}},
                   {"CALL":{"sq_status_name":"AFTER_SERVICE","from_date":"2026-11-28 08:05:00"}}]},
   {"user_id":3,"user_name":"cid","user_display_name":"Cid",
    "sq_statuses":[{"IM":{"sq_status_name":"ONLINE","from_date":""}},
                   {"CALL":{"sq_status_name":"DIALING","from_date":"28.11.2026 9:00"}}]},
   {"user_id":4,"user_name":"dee","user_display_name":"Dee"}],
  "tasks":[
   {"task_type":"CALL","status":"IN_QUEUE","sq_skills":[{"sq_skill_id":7,"sq_skill_name":"English","sq_skill_level":2}],
    "waiting_time":12500.5,"processing_time":0},
   {"task_type":"IM","status":"IN_PROCESSING","user_id":1,"sq_skills":[],
    "waiting_time":3000,"processing_time":61250,"custom_data":{"order":"A-1"}},
   {"task_type":"CALL","status":"PAUSED","waiting_time":1}]},
 {"sq_queue_id":6,"sq_queue_name":"Empty","sq_agents":[],"tasks":[]}
]}`

func TestDecodeGetSQState(t *testing.T) {
	qs, err := DecodeGetSQState(strings.NewReader(sqStateBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].SQQueueID != 5 || qs[0].SQQueueName != "Support" || len(qs[0].Agents) != 4 || len(qs[0].Tasks) != 3 {
		t.Fatalf("queues decoded as %+v", qs)
	}
	at := func(h, m, s int) time.Time { return time.Date(2026, 11, 28, h, m, s, 0, time.UTC) }
	want := []map[string]struct {
		status string
		from   time.Time // zero: unknown
	}{
		{"CALL": {"READY", at(9, 15, 0)}, "IM": {"IN_SERVICE", at(9, 16, 30)}},
		{"CALL": {"AFTER_SERVICE", at(8, 5, 0)}, "IM": {"CUSTOM_3", at(8, 30, 0)}},
		{"IM": {"ONLINE", time.Time{}}, "CALL": {"DIALING", time.Time{}}},
		{},
	}
	for i, a := range qs[0].Agents {
		if len(a.Statuses) != len(want[i]) {
			t.Errorf("agent %d: statuses %+v, want %d channels", a.UserID, a.Statuses, len(want[i]))
		}
		for ch, w := range want[i] {
			got, ok := a.Statuses[ch]
			if !ok || got.Status != w.status || got.FromDate.Valid != !w.from.IsZero() || (got.FromDate.Valid && !got.FromDate.Time.Equal(w.from)) {
				t.Errorf("agent %d %s = %+v (%v), want %s since %v", a.UserID, ch, got, ok, w.status, w.from)
			}
		}
	}
	ann := qs[0].Agents[0]
	if ann.UserName != "ann" || ann.UserDisplayName != "Ann" || len(ann.Skills) != 1 || ann.Skills[0] != (SQSkill{7, "English", 4}) {
		t.Errorf("agent 1 decoded as %+v", ann)
	}

	queued, busy, odd := qs[0].Tasks[0], qs[0].Tasks[1], qs[0].Tasks[2]
	if queued.TaskType != SQChannelCall || queued.Status != SQTaskInQueue || queued.UserID != nil || len(queued.Skills) != 1 {
		t.Errorf("queued task %+v", queued)
	}
	if queued.WaitingSeconds() != 12.5005 || queued.ProcessingSeconds() != 0 {
		t.Errorf("queued task waited %v s, processed %v s; want 12.5005 and 0", queued.WaitingSeconds(), queued.ProcessingSeconds())
	}
	if busy.Status != SQTaskInProcessing || busy.UserID == nil || *busy.UserID != 1 || busy.WaitingSeconds() != 3 || busy.ProcessingSeconds() != 61.25 {
		t.Errorf("task in processing %+v", busy)
	}
	if m, ok := busy.CustomData.(map[string]any); !ok || m["order"] != "A-1" {
		t.Errorf("custom_data %#v", busy.CustomData)
	}
	if odd.Status != "PAUSED" {
		t.Errorf("an unknown task status became %q, want it kept", odd.Status)
	}
	if e := qs[1]; len(e.Agents) != 0 || len(e.Tasks) != 0 {
		t.Errorf("empty queue %+v", e)
	}

	qs, err = DecodeGetSQState(strings.NewReader(`{"result":[]}`))
	if err != nil || qs == nil || len(qs) != 0 {
		t.Errorf("empty result: %v %v", qs, err)
	}
	for body, field := range map[string]string{
		`{"result":[{"sq_queue_id":"5"}]}`:                                       "sq_queue_id",
		`{"result":[{"tasks":[{"waiting_time":"12"}]}]}`:                         "waiting_time",
		`{"result":[{"sq_agents":[{"sq_statuses":{"CALL":{}}}]}]}`:               "sq_statuses",
		`{"result":[{"sq_agents":[{"sq_skills":[{"sq_skill_level":"high"}]}]}]}`: "sq_skill_level",
	} {
		if _, err := DecodeGetSQState(strings.NewReader(body)); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: err = %v, want one naming %s", body, err, field)
		}
	}
}

func TestGetSQStateThroughClient(t *testing.T) {
	stub := newStubAPI(t, sqStateBody)
	qs, err := stub.client(t).GetSQState(context.Background(), SQStateParams{App: AppSelector{Name: "support"}, QueueIDs: []int64{5, 6}})
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, stub.only(t, "GetSQState"), map[string]string{"application_name": "support", "sq_queue_id": "5;6", "timezone": "Etc/GMT"})
	if len(qs) != 2 || qs[0].Agents[0].Statuses[SQChannelCall].Status != StatusReady {
		t.Errorf("queues %+v", qs)
	}

	v, err := (&SQStateParams{App: AppSelector{ID: 9}}).Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{"application_id": "9", "sq_queue_id": "all", "timezone": "Etc/GMT"})
	for _, app := range []AppSelector{{}, {ID: 1, Name: "x"}} {
		if _, err := stub.client(t).GetSQState(context.Background(), SQStateParams{App: app}); err != ErrApplicationSelector {
			t.Errorf("app %+v: err = %v, want ErrApplicationSelector", app, err)
		}
	}
	if n := len(stub.requests()); n != 1 {
		t.Errorf("%d requests, want the refused calls not to be sent", n)
	}
}

func TestGetSQStateErrors(t *testing.T) {
	checkMethodErrors(t, "GetSQState", []int{104, 116, 134, 458}, func(c *Client) error {
		_, err := c.GetSQState(context.Background(), SQStateParams{App: AppSelector{ID: 1}})
		return err
	})
}

const sqMetricsBody = `{"result":[
 {"report_type":"service_level","groups":[
   {"sq_queue_id":5,"sq_queue_name":"Support","values":[
     {"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":87.5},
     {"from_date":"2026-11-28 09:30:00","to_date":"2026-11-28 10:00:00","value":null}]}]},
 {"report_type":"average_handle_time","groups":[
   {"sq_queue_id":5,"sq_queue_name":"Support","values":[
     {"from_date":"2026-11-28 09:00:00","to_date":"2026-11-28 09:30:00","value":181.25}]},
   {"sq_queue_id":6,"sq_queue_name":"Empty","values":[]}]}],
 "timezone":"Etc/GMT"}`

func TestDecodeGetSmartQueueRealtimeMetrics(t *testing.T) {
	m, err := DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(sqMetricsBody))
	if err != nil {
		t.Fatal(err)
	}
	if m.Timezone != "Etc/GMT" || len(m.Reports) != 2 {
		t.Fatalf("decoded as %+v", m)
	}
	sl := m.Reports[0]
	if sl.ReportType != "service_level" || len(sl.Groups) != 1 || sl.Groups[0].SQQueueID != 5 || sl.Groups[0].SQQueueName != "Support" || len(sl.Groups[0].Values) != 2 {
		t.Fatalf("service_level report %+v", sl)
	}
	v0, v1 := sl.Groups[0].Values[0], sl.Groups[0].Values[1]
	if v0.Value == nil || *v0.Value != 87.5 || !v0.FromDate.Valid || !v0.FromDate.Time.Equal(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)) ||
		!v0.ToDate.Time.Equal(time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("first value %+v", v0)
	}
	if v1.Value != nil {
		t.Errorf("a null value decoded as %v, want nil (no data)", *v1.Value)
	}
	aht := m.Reports[1]
	if len(aht.Groups) != 2 || *aht.Groups[0].Values[0].Value != 181.25 || len(aht.Groups[1].Values) != 0 {
		t.Errorf("average_handle_time report %+v", aht)
	}
	if _, err := DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(`{"timezone":"Etc/GMT"}`)); err == nil {
		t.Error("an answer without result was accepted")
	}
}

// TestDecodeSQMetricValueShapes: a value as a number or a numeric string
// is its number; null or absent is no data; any other shape leaves the
// value nil, marks it, and marks its group, without failing the answer or
// the other groups.
func TestDecodeSQMetricValueShapes(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  *float64
		shape string
	}{
		{`87.5`, f64(87.5), ""},
		{`"87.5"`, f64(87.5), ""},
		{`" 12 "`, f64(12), ""},
		{`null`, nil, ""},
		{``, nil, ""},
		{`"n/a"`, nil, `string "n/a"`},
		{`{"avg":3}`, nil, `object {"avg":3}`},
		{`[1]`, nil, "list [1]"},
		{`true`, nil, "boolean true"},
	} {
		val := `"from_date":"2026-11-28 09:00:00"`
		if tc.value != "" {
			val += `,"value":` + tc.value
		}
		body := `{"result":[{"report_type":"average_handle_time","groups":[{"sq_queue_id":5,"values":[{` + val + `}]},
		  {"sq_queue_id":6,"values":[{"value":3}]}]}]}`
		m, err := DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(body))
		if err != nil {
			t.Errorf("value %s: the answer failed: %v", tc.value, err)
			continue
		}
		g, other := m.Reports[0].Groups[0], m.Reports[0].Groups[1]
		v := g.Values[0]
		if (v.Value == nil) != (tc.want == nil) || v.Value != nil && *v.Value != *tc.want || v.BadShape != tc.shape || !v.FromDate.Valid {
			t.Errorf("value %s decoded as %+v, want %v with bad shape %q", tc.value, v, tc.want, tc.shape)
		}
		if shape, bad := g.BadShape(); bad != (tc.shape != "") || shape != tc.shape {
			t.Errorf("value %s: group bad shape %q %v, want %q", tc.value, shape, bad, tc.shape)
		}
		if _, bad := other.BadShape(); bad || other.Values[0].Value == nil || *other.Values[0].Value != 3 {
			t.Errorf("value %s: the other group %+v", tc.value, other)
		}
	}
}

func TestSQMetricsParamsValues(t *testing.T) {
	from := time.Date(2026, 11, 28, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	p := SQMetricsParams{
		App: AppSelector{ID: 3}, SQQueueNames: []string{"Support L1", "Chat"}, From: from, To: from.Add(30 * time.Minute),
		ReportTypes: []string{"service_level", "average_handle_time"}, MaxWaitingSec: 20,
	}
	v, err := p.Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"application_id": "3", "sq_queue_name": "Support L1;Chat", "from_date": "2026-11-28 09:00:00", "to_date": "2026-11-28 09:30:00",
		"timezone": "Etc/GMT", "report_type": "service_level;average_handle_time", "group_by": "queue", "max_waiting_sec": "20",
	})

	for name, bad := range map[string]SQMetricsParams{
		"at most 5":        {App: p.App, SQQueueNames: []string{"a", "b", "c", "d", "e", "f"}, ReportTypes: []string{"count_handled_calls"}},
		"separator":        {App: p.App, SQQueueNames: []string{"a;b"}, ReportTypes: []string{"count_handled_calls"}},
		"empty":            {App: p.App, SQQueueNames: []string{" "}, ReportTypes: []string{"count_handled_calls"}},
		"report type":      {App: p.App},
		"max waiting":      {App: p.App, ReportTypes: []string{"average_handle_time", "service_level"}},
		"negative":         {App: p.App, ReportTypes: []string{"count_handled_calls"}, MaxWaitingSec: -1},
		"group_by":         {App: p.App, ReportTypes: []string{"count_handled_calls"}, GroupBy: "skill"},
		"before":           {App: p.App, ReportTypes: []string{"count_handled_calls"}, From: p.To, To: p.From},
		"application":      {ReportTypes: []string{"count_handled_calls"}},
		"report type name": {App: p.App, ReportTypes: []string{"a;b"}},
	} {
		if _, err := bad.Values(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want one that says %q", name, err, name)
		}
	}
}

func TestGetSmartQueueRealtimeMetricsThroughClient(t *testing.T) {
	stub := newStubAPI(t, sqMetricsBody)
	c := stub.client(t)
	m, err := c.GetSmartQueueRealtimeMetrics(context.Background(), SQMetricsParams{
		App: AppSelector{ID: 3}, SQQueueNames: []string{"Support"}, ReportTypes: []string{"service_level"}, MaxWaitingSec: 30,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, stub.only(t, "GetSmartQueueRealtimeMetrics"), map[string]string{
		"application_id": "3", "sq_queue_name": "Support", "timezone": "Etc/GMT", "report_type": "service_level", "group_by": "queue", "max_waiting_sec": "30",
	})
	if len(m.Reports) != 2 {
		t.Errorf("reports %+v", m.Reports)
	}
	if _, err := c.GetSmartQueueRealtimeMetrics(context.Background(), SQMetricsParams{
		App: AppSelector{ID: 3}, SQQueueNames: []string{"a", "b", "c", "d", "e", "f"}, ReportTypes: []string{"count_handled_calls"},
	}); err == nil {
		t.Error("six queues were accepted")
	}
	if n := len(stub.requests()); n != 1 {
		t.Errorf("%d requests: a refused call was sent", n)
	}
}

func TestGetSmartQueueRealtimeMetricsErrors(t *testing.T) {
	checkMethodErrors(t, "GetSmartQueueRealtimeMetrics", []int{459, 525, 526, 104}, func(c *Client) error {
		_, err := c.GetSmartQueueRealtimeMetrics(context.Background(), SQMetricsParams{App: AppSelector{ID: 1}, ReportTypes: []string{"count_handled_calls"}})
		return err
	})
}

func f64(v float64) *float64 { return &v }
