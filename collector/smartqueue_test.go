package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// sqStub is the real client (over voxsim) for the users, the queue_stats
// stub for GetACDQueueStatistics, and hand-built answers for the two
// SmartQueue methods, recording each request.
type sqStub struct {
	*statsStub
	state   func(app voxapi.AppSelector) ([]voxapi.SQQueueState, error)
	metrics func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)
	// agents answers the agent-grouped requests; nil answers every
	// report with no agent.
	agents func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)

	sqmu         sync.Mutex
	stateCalls   []voxapi.SQStateParams
	metricsCalls []voxapi.SQMetricsParams // grouped by queue
	agentCalls   []voxapi.SQMetricsParams // grouped by agent
}

func (s *sqStub) GetSQState(_ context.Context, p voxapi.SQStateParams) ([]voxapi.SQQueueState, error) {
	s.sqmu.Lock()
	s.stateCalls = append(s.stateCalls, p)
	s.sqmu.Unlock()
	return s.state(p.App)
}

func (s *sqStub) GetSmartQueueRealtimeMetrics(_ context.Context, p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
	// The real client refuses what the API would; so does the stub.
	if _, err := p.Values(); err != nil {
		return nil, err
	}
	s.sqmu.Lock()
	defer s.sqmu.Unlock()
	if p.GroupBy == voxapi.SQGroupByAgent {
		s.agentCalls = append(s.agentCalls, p)
		if s.agents == nil {
			return noAgents(p)
		}
		return s.agents(p)
	}
	s.metricsCalls = append(s.metricsCalls, p)
	return s.metrics(p)
}

// noAgents answers an agent-grouped request with every report and no
// agent.
func noAgents(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
	m := &voxapi.SQMetrics{Timezone: "Etc/GMT"}
	for _, rep := range p.ReportTypes {
		m.Reports = append(m.Reports, voxapi.SQMetricReport{ReportType: rep, Groups: []voxapi.SQMetricGroup{}})
	}
	return m, nil
}

// counts is how many requests of each method have been made.
func (s *sqStub) counts() (state, metrics int) {
	s.sqmu.Lock()
	defer s.sqmu.Unlock()
	return len(s.stateCalls), len(s.metricsCalls)
}

type sqRig struct {
	*statsRig
	sq  *sqStub
	exp *Exporter
}

// newSQRig watches applications 1 and 3 of acdAccount with the users,
// queue_stats and smartqueue collectors.
func newSQRig(t *testing.T, perUser bool, thresholds []time.Duration,
	state func(voxapi.AppSelector) ([]voxapi.SQQueueState, error),
	metrics func(voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)) *sqRig {
	t.Helper()
	sr := newStatsRig(t, onlySales)
	r := &sqRig{statsRig: sr, sq: &sqStub{statsStub: sr.stub, state: state, metrics: metrics}}
	st := Settings{Logger: sr.logs.Logger().With("component", "collector"), Now: sr.clock, PerUser: perUser}
	sq, err := NewSmartQueue(st.forCollector(SmartQueueCollector), thresholds)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := New(Config{API: r.sq, Apps: []voxapi.AppSelector{{ID: 1}, {ID: 3}}, PageSize: 2, Now: sr.clock, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), NewQueueStats(st.forCollector(QueueStatsCollector)), sq}})
	if err != nil {
		t.Fatal(err)
	}
	r.exp = exp
	return r
}

func valid(t time.Time) voxapi.Timestamp { return voxapi.Timestamp{Time: t, Valid: true} }

func st(status string, from voxapi.Timestamp) voxapi.SQChannelStatus {
	return voxapi.SQChannelStatus{Status: status, FromDate: from}
}

func uid(id int64) *int64 { return &id }

// liveState: application 1 has Support (1) and Chat (2). Support's agents:
// ann READY on calls and DND on chats; bob READY on calls only; cy in a
// custom status on calls and with no status name on chats; dee IN_SERVICE
// with no from_date. Its tasks: two calls and a chat waiting (one call
// with no agent), a call in processing, a chat distributed. Chat has ann
// again and no tasks. Application 3 has no SmartQueue.
func liveState(app voxapi.AppSelector) ([]voxapi.SQQueueState, error) {
	if app.ID != 1 {
		return []voxapi.SQQueueState{}, nil
	}
	ann := voxapi.SQAgent{UserID: 201, UserName: "ann", Statuses: map[string]voxapi.SQChannelStatus{
		voxapi.SQChannelCall: st("READY", valid(acdNow.Add(-time.Minute))),
		voxapi.SQChannelIM:   st("DND", valid(acdNow.Add(-10*time.Minute))),
	}}
	return []voxapi.SQQueueState{
		{SQQueueID: 2, SQQueueName: "Chat", Agents: []voxapi.SQAgent{ann}},
		{SQQueueID: 1, SQQueueName: "Support", Agents: []voxapi.SQAgent{
			ann,
			{UserID: 202, UserName: "bob", Statuses: map[string]voxapi.SQChannelStatus{
				voxapi.SQChannelCall: st("READY", valid(acdNow.Add(-5*time.Minute)))}},
			{UserID: 203, UserName: "cy", Statuses: map[string]voxapi.SQChannelStatus{
				voxapi.SQChannelCall: st("LUNCH", valid(acdNow.Add(-2*time.Minute))),
				voxapi.SQChannelIM:   st("", voxapi.Timestamp{})}},
			{UserID: 204, UserName: "dee", Statuses: map[string]voxapi.SQChannelStatus{
				voxapi.SQChannelCall: st("IN_SERVICE", voxapi.Timestamp{})}},
		}, Tasks: []voxapi.SQTask{
			{TaskType: "CALL", Status: "IN_QUEUE", WaitingTime: 75000},
			{TaskType: "CALL", Status: "IN_QUEUE", WaitingTime: 12500, UserID: nil},
			{TaskType: "IM", Status: "IN_QUEUE", WaitingTime: 20500},
			{TaskType: "CALL", Status: "IN_PROCESSING", UserID: uid(204), WaitingTime: 999000, ProcessingTime: 30000},
			{TaskType: "IM", Status: "DISTRIBUTED", UserID: uid(201), WaitingTime: 500000},
		}},
	}, nil
}

// supportFigures are Support's realtime metrics as the API would send
// them under the assumed units (percent, seconds, counts); service_level
// depends on the threshold. Chat's are all null.
func supportFigures(report string, queue int64, threshold int) *float64 {
	if queue != 1 {
		return nil
	}
	if report == voxapi.SQReportServiceLevel {
		return f64(map[int]float64{20: 50, 60: 75}[threshold])
	}
	v, ok := map[string]float64{
		"average_abandonment_rate": 10, "count_abandonment_calls": 3, "call_count_assigned_to_queue": 100,
		"count_handled_calls": 90, "average_handle_time": 180, "average_answer_speed": 12,
		"occupancy_rate": 70, "max_time_in_queue": 95, "average_time_in_queue": 14.5,
	}[report]
	if !ok {
		return nil
	}
	return &v
}

// answerWith answers every report asked for every queue asked, with one
// value covering the window, from figure.
func answerWith(figure func(report string, queue int64, threshold int) *float64) func(voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
	return func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
		m := &voxapi.SQMetrics{Timezone: "Etc/GMT"}
		for _, rep := range p.ReportTypes {
			r := voxapi.SQMetricReport{ReportType: rep}
			for _, id := range sqIDsOf(p.SQQueueNames) {
				r.Groups = append(r.Groups, voxapi.SQMetricGroup{SQQueueID: id, Values: []voxapi.SQMetricValue{
					{FromDate: valid(p.From), ToDate: valid(p.To), Value: figure(rep, id, p.MaxWaitingSec)}}})
			}
			m.Reports = append(m.Reports, r)
		}
		return m, nil
	}
}

var (
	support = []string{"application", "1", "sq_queue_id", "1", "sq_queue", "Support"}
	chat    = []string{"application", "1", "sq_queue_id", "2", "sq_queue", "Chat"}
)

func with(base []string, kv ...string) []string { return append(slices.Clip(base), kv...) }

func TestSmartQueueLiveState(t *testing.T) {
	r := newSQRig(t, false, []time.Duration{20 * time.Second}, liveState, answerWith(supportFigures))
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(SmartQueueCollector); ok != 1 {
		t.Fatalf("smartqueue success %v; log:\n%s", ok, r.logs)
	}
	agents := func(q []string, channel, status string) float64 {
		return f.MustValue(t, "voximplant_sq_agents", with(q, "channel", channel, "sq_status", status)...)
	}
	for _, c := range []struct {
		channel, status string
		want            float64
	}{
		{"call", "READY", 2}, {"call", "IN_SERVICE", 1}, {"call", "LUNCH", 1}, {"call", "DND", 0}, {"call", "OFFLINE", 0},
		// bob has no chat status: not counted there.
		{"im", "READY", 0}, {"im", "DND", 1}, {"im", "UNKNOWN", 1}, {"im", "BANNED", 0},
	} {
		if got := agents(support, c.channel, c.status); got != c.want {
			t.Errorf("Support %s %s agents = %v, want %v", c.channel, c.status, got, c.want)
		}
	}
	// The eight statuses on both channels of both queues, plus the custom
	// and unknown ones where they occur.
	for _, q := range [][]string{support, chat} {
		for _, ch := range []string{"call", "im"} {
			for _, s := range voxapi.SQAgentStatuses {
				agents(q, ch, s)
			}
		}
	}
	if n := count(f, "voximplant_sq_agents"); n != 4*8+2 {
		t.Errorf("%d voximplant_sq_agents series, want 34", n)
	}
	for _, c := range []struct {
		channel, status string
		at              time.Time
	}{
		{"call", "READY", acdNow.Add(-5 * time.Minute)}, // bob's, before ann's
		{"call", "LUNCH", acdNow.Add(-2 * time.Minute)},
		{"im", "DND", acdNow.Add(-10 * time.Minute)},
	} {
		if got := f.MustValue(t, "voximplant_sq_oldest_status_change_timestamp_seconds", with(support, "channel", c.channel, "sq_status", c.status)...); got != unixSeconds(c.at) {
			t.Errorf("oldest %s %s = %v, want %v", c.channel, c.status, got, unixSeconds(c.at))
		}
	}
	for _, absent := range [][]string{{"call", "IN_SERVICE"}, {"im", "UNKNOWN"}, {"call", "OFFLINE"}} {
		if _, ok := f.Value("voximplant_sq_oldest_status_change_timestamp_seconds", with(support, "channel", absent[0], "sq_status", absent[1])...); ok {
			t.Errorf("oldest %v served with no from_date known", absent)
		}
	}
	tasks := map[[2]string]float64{
		{"call", "in_queue"}: 2, {"call", "distributed"}: 0, {"call", "in_processing"}: 1,
		{"im", "in_queue"}: 1, {"im", "distributed"}: 1, {"im", "in_processing"}: 0,
	}
	for k, want := range tasks {
		if got := f.MustValue(t, "voximplant_sq_tasks", with(support, "task_type", k[0], "status", k[1])...); got != want {
			t.Errorf("Support tasks %v = %v, want %v", k, got, want)
		}
		if got := f.MustValue(t, "voximplant_sq_tasks", with(chat, "task_type", k[0], "status", k[1])...); got != 0 {
			t.Errorf("Chat tasks %v = %v, want 0", k, got)
		}
	}
	if n := count(f, "voximplant_sq_tasks"); n != 12 {
		t.Errorf("%d task series, want 12", n)
	}
	// Longest waits among queued tasks only, in seconds; 0 with none.
	for q, want := range map[string][2]float64{"Support": {75, 20.5}, "Chat": {0, 0}} {
		lbl := support
		if q == "Chat" {
			lbl = chat
		}
		for i, typ := range []string{"call", "im"} {
			if got := f.MustValue(t, "voximplant_sq_longest_wait_seconds", with(lbl, "task_type", typ)...); got != want[i] {
				t.Errorf("%s longest %s wait = %v, want %v", q, typ, got, want[i])
			}
		}
	}
	// Without per-user series, no per-agent family.
	if n := count(f, "voximplant_sq_agent_status", "voximplant_sq_agent_status_change_timestamp_seconds", "voximplant_sq_agent_queue_info"); n != 0 {
		t.Errorf("%d per-agent series with PerUser false", n)
	}
	// One GetSQState per watched application, for all queues.
	states, _ := r.sq.counts()
	if states != 2 {
		t.Errorf("%d GetSQState requests for 2 applications", states)
	}
	for _, p := range r.sq.stateCalls {
		if len(p.QueueIDs) != 0 {
			t.Errorf("GetSQState for queues %v, want all", p.QueueIDs)
		}
	}
}

func TestSmartQueueAgentFamilies(t *testing.T) {
	r := newSQRig(t, true, []time.Duration{20 * time.Second}, liveState, answerWith(supportFigures))
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(SmartQueueCollector); ok != 1 {
		t.Fatalf("smartqueue success %v; log:\n%s", ok, r.logs)
	}
	status := func(id, channel, s string) (float64, bool) {
		return f.Value("voximplant_sq_agent_status", "user_id", id, "channel", channel, "sq_status", s)
	}
	for _, c := range []struct {
		id, channel, status string
		want                float64
	}{
		{"201", "call", "READY", 1}, {"201", "call", "DND", 0}, {"201", "im", "DND", 1}, {"201", "im", "READY", 0},
		{"203", "call", "LUNCH", 1}, {"203", "call", "READY", 0}, {"203", "im", "UNKNOWN", 1},
		{"204", "call", "IN_SERVICE", 1},
	} {
		if got, ok := status(c.id, c.channel, c.status); !ok || got != c.want {
			t.Errorf("agent %s %s %s = %v (%v), want %v", c.id, c.channel, c.status, got, ok, c.want)
		}
	}
	// ann is in two queues and served once: 8 statuses on each channel;
	// bob has no chat status: no chat series.
	perAgent := map[string]int{}
	for _, m := range f["voximplant_sq_agent_status"].GetMetric() {
		perAgent[testkit.Label(m, "user_id")+"/"+testkit.Label(m, "channel")]++
	}
	want := map[string]int{"201/call": 8, "201/im": 8, "202/call": 8, "203/call": 9, "203/im": 9, "204/call": 8}
	if !mapsEqual(perAgent, want) {
		t.Errorf("status series per agent and channel %v, want %v", perAgent, want)
	}
	ts := map[string]float64{}
	for _, m := range f["voximplant_sq_agent_status_change_timestamp_seconds"].GetMetric() {
		ts[testkit.Label(m, "user_id")+"/"+testkit.Label(m, "channel")] = m.GetGauge().GetValue()
	}
	wantTS := map[string]float64{"201/call": unixSeconds(acdNow.Add(-time.Minute)), "201/im": unixSeconds(acdNow.Add(-10 * time.Minute)),
		"202/call": unixSeconds(acdNow.Add(-5 * time.Minute)), "203/call": unixSeconds(acdNow.Add(-2 * time.Minute))}
	if !mapsEqual(ts, wantTS) {
		t.Errorf("status change timestamps %v, want %v", ts, wantTS)
	}
	queues := map[string]bool{}
	for _, m := range f["voximplant_sq_agent_queue_info"].GetMetric() {
		if m.GetGauge().GetValue() != 1 {
			t.Errorf("queue info value %v", m.GetGauge().GetValue())
		}
		queues[testkit.Label(m, "user_id")+"/"+testkit.Label(m, "sq_queue_id")+"/"+testkit.Label(m, "sq_queue")] = true
	}
	wantQ := map[string]bool{"201/1/Support": true, "201/2/Chat": true, "202/1/Support": true, "203/1/Support": true, "204/1/Support": true}
	if !mapsEqual(queues, wantQ) {
		t.Errorf("queue info %v, want %v", queues, wantQ)
	}
	if v := f.MustValue(t, "voximplant_sq_agent_status", "user_id", "202", "channel", "call", "sq_status", "READY"); v != 1 {
		t.Errorf("bob READY = %v", v)
	}
	if m := f["voximplant_sq_agent_status"].GetMetric()[0]; testkit.Label(m, "user_name") == "" {
		t.Error("agent series without user_name")
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestSmartQueueRealtimeMetricsUnitsAndStaffing(t *testing.T) {
	r := newSQRig(t, false, []time.Duration{20 * time.Second, 60 * time.Second}, liveState, answerWith(supportFigures))
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(SmartQueueCollector); ok != 1 {
		t.Fatalf("smartqueue success %v; log:\n%s", ok, r.logs)
	}
	want := map[string]float64{
		"voximplant_sq_queue_abandonment_ratio":      0.1, // 10 (percent)
		"voximplant_sq_queue_abandoned_calls":        3,
		"voximplant_sq_queue_offered_calls":          100,
		"voximplant_sq_queue_handled_calls":          90,
		"voximplant_sq_queue_average_handle_seconds": 180,
		"voximplant_sq_queue_average_answer_seconds": 12,
		"voximplant_sq_queue_occupancy_ratio":        0.7, // 70 (percent)
		"voximplant_sq_queue_max_wait_seconds":       95,
		"voximplant_sq_queue_average_wait_seconds":   14.5,
		// 100 calls in 30 minutes at 180 s each: 10 Erlangs.
		"voximplant_sq_queue_offered_load_erlangs": 10,
	}
	for name, v := range want {
		if got := f.MustValue(t, name, support...); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
		// Chat's figures are null: no data, no series.
		if _, ok := f.Value(name, chat...); ok {
			t.Errorf("%s served for Chat, whose figures are null", name)
		}
	}
	for th, v := range map[string]float64{"20": 0.5, "60": 0.75} { // 50 and 75 percent
		if got := f.MustValue(t, "voximplant_sq_queue_service_level_ratio", with(support, "threshold_seconds", th)...); got != v {
			t.Errorf("service level at %s s = %v, want %v", th, got, v)
		}
	}
	// 10 Erlangs, AHT 180 s, 80% in 20 s: 14 agents (13 give 0.7956, 14
	// give 0.8884); in 60 s fewer suffice, but not fewer than the load.
	if got := f.MustValue(t, "voximplant_sq_queue_required_agents", with(support, "threshold_seconds", "20", "target", "0.8")...); got != 14 {
		t.Errorf("required agents at 20 s = %v, want 14", got)
	}
	if got := f.MustValue(t, "voximplant_sq_queue_required_agents", with(support, "threshold_seconds", "60", "target", "0.8")...); got > 14 || got <= 10 {
		t.Errorf("required agents at 60 s = %v, want in (10, 14]", got)
	}
	if got := f.MustValue(t, "voximplant_sq_queue_metrics_timestamp_seconds"); got != unixSeconds(acdNow) {
		t.Errorf("metrics timestamp %v, want the read's time", got)
	}
	// The window, in UTC, grouped by queue, with the threshold in seconds.
	for _, p := range r.sq.metricsCalls {
		if !p.To.Equal(acdNow) || p.To.Sub(p.From) != 30*time.Minute || p.GroupBy != voxapi.SQGroupByQueue ||
			(p.MaxWaitingSec != 20 && p.MaxWaitingSec != 60) || p.App.ID != 1 {
			t.Errorf("request %+v", p)
		}
	}
}

// sevenQueues: application 1 has SmartQueues 1-7, application 3 has 8.
func sevenQueues(app voxapi.AppSelector) ([]voxapi.SQQueueState, error) {
	ids := []int64{8}
	if app.ID == 1 {
		ids = []int64{7, 6, 5, 4, 3, 2, 1}
	}
	var out []voxapi.SQQueueState
	for _, id := range ids {
		out = append(out, voxapi.SQQueueState{SQQueueID: id, SQQueueName: fmt.Sprintf("q%d", id)})
	}
	return out, nil
}

// TestSmartQueueMetricsBatchedOncePerRefresh: the live state is read on
// every scrape; the metrics once per refresh interval in batches of at
// most five queues per application and threshold, the second threshold
// asking for service_level alone; a failed read is not kept.
func TestSmartQueueMetricsBatchedOncePerRefresh(t *testing.T) {
	r := newSQRig(t, false, []time.Duration{60 * time.Second, 20 * time.Second}, sevenQueues, answerWith(func(string, int64, int) *float64 { return f64(1) }))
	for range 5 {
		if f := scrape(t, r.exp); f.CollectorSuccess(SmartQueueCollector) != 1 {
			t.Fatalf("smartqueue failed; log:\n%s", r.logs)
		}
		r.advance(10 * time.Second)
	}
	states, metrics := r.sq.counts()
	if states != 10 {
		t.Errorf("%d GetSQState requests for 5 scrapes of 2 applications, want 10", states)
	}
	// Application 1: 7 queues in 2 batches, application 3: 1; at 2
	// thresholds.
	if metrics != 6 {
		t.Fatalf("%d metrics requests within a refresh interval, want 6", metrics)
	}
	type key struct {
		app int64
		sec int
	}
	seen := map[key][]int64{}
	for _, p := range r.sq.metricsCalls {
		if len(p.SQQueueNames) > voxapi.MaxSQMetricsQueues {
			t.Errorf("request for %d queues", len(p.SQQueueNames))
		}
		k := key{p.App.ID, p.MaxWaitingSec}
		seen[k] = append(seen[k], sqIDsOf(p.SQQueueNames)...)
		switch p.MaxWaitingSec {
		case 20: // the first threshold: every report
			if len(p.ReportTypes) != len(sqReports) || !slices.Contains(p.ReportTypes, voxapi.SQReportServiceLevel) {
				t.Errorf("first threshold's reports %v", p.ReportTypes)
			}
		case 60:
			if !slices.Equal(p.ReportTypes, []string{voxapi.SQReportServiceLevel}) {
				t.Errorf("second threshold's reports %v, want service_level alone", p.ReportTypes)
			}
		default:
			t.Errorf("max_waiting_sec %d", p.MaxWaitingSec)
		}
	}
	for _, sec := range []int{20, 60} {
		got := seen[key{1, sec}]
		slices.Sort(got)
		if !slices.Equal(got, []int64{1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("application 1 at %d s: queues %v, want 1-7 once each", sec, got)
		}
		if got := seen[key{3, sec}]; !slices.Equal(got, []int64{8}) {
			t.Errorf("application 3 at %d s: queues %v", sec, got)
		}
	}
	r.advance(10 * time.Second) // 60 s after the first read
	f := scrape(t, r.exp)
	if _, metrics := r.sq.counts(); metrics != 12 {
		t.Fatalf("%d metrics requests after the refresh interval, want 12", metrics)
	}
	if got := f.MustValue(t, "voximplant_sq_queue_service_level_ratio", "application", "3", "sq_queue_id", "8", "threshold_seconds", "60"); got != 0.01 {
		t.Errorf("service level %v, want 0.01", got)
	}

	fail := true
	ok := r.sq.metrics
	r.sq.metrics = func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
		if fail && p.App.ID == 3 {
			return nil, &voxapi.APIError{Method: sqMetricsMethod, Code: 2, Message: "internal"}
		}
		return ok(p)
	}
	r.advance(time.Minute)
	// Due: this scrape serves the last read while the new one runs (and
	// fails); the next reports the failure and starts the read again.
	if f := scrape(t, r.exp); f.CollectorSuccess(SmartQueueCollector) != 1 {
		t.Fatal("the due scrape did not serve the last whole read")
	}
	r.exp.reads.sqMetrics.wait()
	fail = false
	_, before := r.sq.counts()
	if f := scrape(t, r.exp); f.CollectorSuccess(SmartQueueCollector) != 0 || count(f, "voximplant_sq_queue_service_level_ratio") != 0 {
		t.Fatal("a failed metrics read was served")
	}
	r.exp.reads.sqMetrics.wait()
	if _, after := r.sq.counts(); after-before != 6 {
		t.Errorf("%d metrics requests started by the scrape after a failure, want 6", after-before)
	}
	if f := scrape(t, r.exp); f.CollectorSuccess(SmartQueueCollector) != 1 {
		t.Fatal("the scrape after the re-read did not serve it")
	}
}

// TestSmartQueueFailures: a refused, failing or unreadable answer of
// either method fails smartqueue alone: success 0, none of its series,
// and the users, voximplant_up and queue_stats untouched.
func TestSmartQueueFailures(t *testing.T) {
	for _, method := range []string{sqStateMethod, sqMetricsMethod} {
		for name, err := range map[string]error{
			"104":       &voxapi.APIError{Method: method, Code: voxapi.CodeForbidden, Message: "Forbidden"},
			"500":       &voxapi.APIError{Method: method, HTTPStatus: 500},
			"malformed": &voxapi.DecodeError{Method: method, Err: errors.New(`invalid character '}'`)},
		} {
			t.Run(method+"/"+name, func(t *testing.T) {
				state, metrics := liveState, answerWith(supportFigures)
				if method == sqStateMethod {
					state = func(app voxapi.AppSelector) ([]voxapi.SQQueueState, error) {
						if app.ID == 3 {
							return nil, err
						}
						return liveState(app)
					}
				} else {
					metrics = func(voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) { return nil, err }
				}
				r := newSQRig(t, true, []time.Duration{20 * time.Second}, state, metrics)
				f := scrape(t, r.exp)
				if f.Up() != 1 || f.CollectorSuccess(UsersCollector) != 1 || f.CollectorSuccess(QueueStatsCollector) != 1 {
					t.Errorf("up %v, users %v, queue_stats %v: a SmartQueue failure touched them", f.Up(),
						f.CollectorSuccess(UsersCollector), f.CollectorSuccess(QueueStatsCollector))
				}
				if f.CollectorSuccess(SmartQueueCollector) != 0 {
					t.Error("smartqueue success 1 with a read failing")
				}
				if n := count(f, "voximplant_acd_operators", "voximplant_user_info", "voximplant_acd_queue_stats_offered_calls"); n == 0 {
					t.Error("users or queue_stats series missing")
				}
				for fam := range f {
					if strings.HasPrefix(fam, "voximplant_sq_") {
						t.Errorf("%s served from a failed read", fam)
					}
				}
				if name == "104" {
					logs := r.logs.String()
					if !strings.Contains(logs, method+" refused (code 104)") || !strings.Contains(logs, "role") {
						t.Errorf("the 104 log line does not name %s and the role:\n%s", method, logs)
					}
				}
			})
		}
	}
}

func TestSQWindowValue(t *testing.T) {
	base := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	iv := func(from, to int, v *float64) voxapi.SQMetricValue {
		return voxapi.SQMetricValue{FromDate: valid(base.Add(time.Duration(from) * time.Minute)), ToDate: valid(base.Add(time.Duration(to) * time.Minute)), Value: v}
	}
	window := 30 * time.Minute
	intervals := []voxapi.SQMetricValue{iv(20, 30, f64(5)), iv(0, 10, f64(2)), iv(10, 20, nil), iv(10, 20, f64(9))}
	for _, c := range []struct {
		name    string
		vals    []voxapi.SQMetricValue
		combine sqCombine
		want    float64
		ok      bool
	}{
		{"one entry", []voxapi.SQMetricValue{iv(0, 30, f64(7))}, sqLast, 7, true},
		{"whole window among intervals", append(slices.Clone(intervals), iv(0, 30, f64(40))), sqSum, 40, true},
		{"rounded bounds still whole", []voxapi.SQMetricValue{iv(1, 30, f64(3)), iv(0, 1, f64(100))}, sqSum, 3, true},
		{"counts summed", intervals, sqSum, 16, true},
		{"maxima", intervals, sqMax, 9, true},
		{"averages: the latest interval", intervals, sqLast, 5, true},
		{"null only", []voxapi.SQMetricValue{iv(0, 30, nil)}, sqSum, 0, false},
		{"no values", nil, sqLast, 0, false},
		{"undated: the last", []voxapi.SQMetricValue{{Value: f64(1)}, {Value: f64(2)}}, sqLast, 2, true},
		// A 2-minute window: 1-minute intervals are not the whole.
		{"short window", []voxapi.SQMetricValue{iv(0, 1, f64(1)), iv(1, 2, f64(2))}, sqSum, 3, true},
	} {
		w := window
		if c.name == "short window" {
			w = 2 * time.Minute
		}
		got, ok := sqWindowValue(c.vals, w, c.combine)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestSmartQueueFlags: off by default, the threshold flag repeatable with
// a default of 20 s, and a threshold the API cannot take refused by name.
func TestSmartQueueFlags(t *testing.T) {
	if sp, ok := specOf(SmartQueueCollector); !ok || sp.defaultOn || sp.flag != "smartqueue" {
		t.Errorf("registration %+v, want --collector.smartqueue off by default", sp)
	}
	build := func(args ...string) ([]Collector, error) {
		app := kingpin.New("test", "")
		sel := AddFlags(app)
		if _, err := app.Parse(args); err != nil {
			t.Fatal(err)
		}
		return sel.Build(Settings{})
	}
	thresholds := func(cs []Collector) []time.Duration {
		for _, c := range cs {
			if sq, ok := c.(*smartQueueCollector); ok {
				return sq.thresholds
			}
		}
		return nil
	}
	cs, err := build()
	if err != nil || thresholds(cs) != nil {
		t.Fatalf("default build: %v, smartqueue on: %v", err, thresholds(cs) != nil)
	}
	cs, err = build("--collector.smartqueue")
	if err != nil || !slices.Equal(thresholds(cs), []time.Duration{20 * time.Second}) {
		t.Errorf("default thresholds %v (%v), want [20s]", thresholds(cs), err)
	}
	cs, err = build("--collector.smartqueue", "--collector.smartqueue.service-level-threshold=60s", "--collector.smartqueue.service-level-threshold=15s")
	if err != nil || !slices.Equal(thresholds(cs), []time.Duration{15 * time.Second, 60 * time.Second}) {
		t.Errorf("thresholds %v (%v), want [15s 60s]", thresholds(cs), err)
	}
	for _, bad := range []string{"1500ms", "0s", "-5s"} {
		_, err := build("--collector.smartqueue", "--collector.smartqueue.service-level-threshold="+bad)
		if err == nil || !strings.Contains(err.Error(), "--collector.smartqueue.service-level-threshold") {
			t.Errorf("threshold %s: %v, want an error naming the flag", bad, err)
		}
	}
	c, err := NewSmartQueue(Settings{}, nil)
	if err == nil || c != nil {
		t.Error("no threshold accepted")
	}
	if m := Methods(SmartQueueCollector); !slices.Equal(m, []string{"GetSQState", "GetSmartQueueRealtimeMetrics"}) {
		t.Errorf("Methods %v", m)
	}
}

// sqIDsOf maps the test states' SmartQueue names to their ids (Support 1,
// Chat 2, q<id>), as the API resolves the names of a metrics request: it
// is asked by name and answers with both.
func sqIDsOf(names []string) []int64 {
	var ids []int64
	for _, n := range names {
		switch {
		case n == "Support":
			ids = append(ids, 1)
		case n == "Chat":
			ids = append(ids, 2)
		default:
			var id int64
			if _, err := fmt.Sscanf(n, "q%d", &id); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
