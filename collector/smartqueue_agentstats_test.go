package collector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// sqAgentAnswer is a hand-made agent-grouped answer for queue Support
// over 30 minutes, in the assumed units (seconds):
//   - ann (201): online 30, ready 812.5, dialing 7.5, in_service 600,
//     afterservice 150, dnd 200, banned 0; 3 calls handled, average
//     handle 250 s (total 750), average after-call work 50 s (total 150);
//   - bob ("202", user_id as a string): ready 1200, in_service 300,
//     afterservice 60, dnd null, the other statuses absent (0); 2 calls,
//     average handle 180 s (total 360), after-call work 30 s (total 60).
//
// Support's totals: online 30, ready 2012.5, dialing 7.5, in_service 900,
// afterservice 210, dnd 200, banned 0; 5 calls, handle 1110 s, after-call
// work 210 s.
const sqAgentAnswer = `{"result":[
 {"report_type":"sum_agents_online_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":30}]}]},
 {"report_type":"sum_agents_ready_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":812.5}]},{"user_id":"202","user_name":"bob","values":[{"value":1200}]}]},
 {"report_type":"sum_agents_dialing_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":7.5}]}]},
 {"report_type":"sum_agents_in_service_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":600}]},{"user_id":"202","user_name":"bob","values":[{"value":300}]}]},
 {"report_type":"sum_agents_afterservice_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":150}]},{"user_id":"202","user_name":"bob","values":[{"value":60}]}]},
 {"report_type":"sum_agents_dnd_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":200}]},{"user_id":"202","user_name":"bob","values":[{"value":null}]}]},
 {"report_type":"sum_agents_banned_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":0}]}]},
 {"report_type":"count_handled_calls","groups":[{"user_id":201,"user_name":"ann","values":[{"value":3}]},{"user_id":"202","user_name":"bob","values":[{"value":2}]}]},
 {"report_type":"average_handle_time","groups":[{"user_id":201,"user_name":"ann","values":[{"value":250}]},{"user_id":"202","user_name":"bob","values":[{"value":180}]}]},
 {"report_type":"average_after_call_worktime","groups":[{"user_id":201,"user_name":"ann","values":[{"value":50}]},{"user_id":"202","user_name":"bob","values":[{"value":"30"}]}]}
],"timezone":"Etc/GMT"}`

var sqAgentFamilyNames = []string{
	"voximplant_sq_queue_agent_status_seconds", "voximplant_sq_queue_agent_handled_calls", "voximplant_sq_queue_agent_handle_seconds",
	"voximplant_sq_queue_agent_after_call_work_seconds", "voximplant_user_sq_status_seconds", "voximplant_user_sq_handled_calls",
	"voximplant_user_sq_handle_seconds",
}

// sqAgentFixture is a read of Support (the answer above) and Chat (no
// agent) of application 1.
func sqAgentFixture(t *testing.T) *SQAgentStatsData {
	t.Helper()
	m, err := voxapi.DecodeGetSmartQueueRealtimeMetrics(strings.NewReader(sqAgentAnswer))
	if err != nil {
		t.Fatal(err)
	}
	agents, err := m.ByAgent()
	if err != nil {
		t.Fatal(err)
	}
	return &SQAgentStatsData{ReadAt: acdNow, Window: 30 * time.Minute, Queues: []sqAgentQueue{
		{app: "1", id: 1, name: "Support", agents: agents},
		{app: "1", id: 2, name: "Chat", agents: map[int64]*voxapi.SQAgentValues{}},
	}}
}

func TestSQAgentStatsFromFixture(t *testing.T) {
	statuses := []string{"AFTER_SERVICE", "BANNED", "DIALING", "DND", "IN_SERVICE", "ONLINE", "READY"}
	queue := func(id, name string, status map[string]float64, handled, handle, acw float64) string {
		var b strings.Builder
		for _, st := range statuses {
			fmt.Fprintf(&b, "voximplant_sq_queue_agent_status_seconds{application=\"1\",sq_queue_id=%q,sq_queue=%q,sq_status=%q} %v\n", id, name, st, status[st])
		}
		fmt.Fprintf(&b, "voximplant_sq_queue_agent_handled_calls{application=\"1\",sq_queue_id=%q,sq_queue=%q} %v\n", id, name, handled)
		fmt.Fprintf(&b, "voximplant_sq_queue_agent_handle_seconds{application=\"1\",sq_queue_id=%q,sq_queue=%q} %v\n", id, name, handle)
		fmt.Fprintf(&b, "voximplant_sq_queue_agent_after_call_work_seconds{application=\"1\",sq_queue_id=%q,sq_queue=%q} %v\n", id, name, acw)
		return b.String()
	}
	agent := func(id, name string, status map[string]float64, handled, handle float64) string {
		var b strings.Builder
		for _, st := range statuses {
			fmt.Fprintf(&b, "voximplant_user_sq_status_seconds{application=\"1\",sq_queue_id=\"1\",sq_queue=\"Support\",user_id=%q,user_name=%q,sq_status=%q} %v\n", id, name, st, status[st])
		}
		fmt.Fprintf(&b, "voximplant_user_sq_handled_calls{application=\"1\",sq_queue_id=\"1\",sq_queue=\"Support\",user_id=%q,user_name=%q} %v\n", id, name, handled)
		fmt.Fprintf(&b, "voximplant_user_sq_handle_seconds{application=\"1\",sq_queue_id=\"1\",sq_queue=\"Support\",user_id=%q,user_name=%q} %v\n", id, name, handle)
		return b.String()
	}
	queues := queue("1", "Support", map[string]float64{"ONLINE": 30, "READY": 2012.5, "DIALING": 7.5, "IN_SERVICE": 900, "AFTER_SERVICE": 210, "DND": 200}, 5, 1110, 210) +
		queue("2", "Chat", nil, 0, 0, 0)
	agents := agent("201", "ann", map[string]float64{"ONLINE": 30, "READY": 812.5, "DIALING": 7.5, "IN_SERVICE": 600, "AFTER_SERVICE": 150, "DND": 200}, 3, 750) +
		agent("202", "bob", map[string]float64{"READY": 1200, "IN_SERVICE": 300, "AFTER_SERVICE": 60}, 2, 360)
	for _, tc := range []struct {
		perUser bool
		want    string
	}{{false, queues}, {true, queues + agents}} {
		r := withSQAgentStats(&Result{Collect: func(chan<- prometheus.Metric) {}}, sqAgentFixture(t).samples(defaultSQUnits), tc.perUser)
		if err := testutil.CollectAndCompare(resultCollector{r}, strings.NewReader(withHelp(t, r, tc.want)), sqAgentFamilyNames...); err != nil {
			t.Errorf("perUser %v: %v", tc.perUser, err)
		}
	}
	// Times in milliseconds (--collector.smartqueue.time-unit=ms) are
	// served in seconds; counts are not scaled.
	ms := sqAgentFixture(t).samples(sqUnits{timeUnit: "ms", ratioScale: "percent"})
	for _, s := range ms.queues {
		if s.desc == sqAgentHandleDesc && s.labels[1] == "1" && !near(s.value, 1.11) {
			t.Errorf("handle seconds with ms %v, want 1.11", s.value)
		}
		if s.desc == sqAgentHandledDesc && s.labels[1] == "1" && s.value != 5 {
			t.Errorf("handled calls with ms %v, want 5", s.value)
		}
	}
}

// TestSQAgentStatsBadShape: a value in an undocumented shape leaves its
// queue's agent series out (its totals would miss the agent).
func TestSQAgentStatsBadShape(t *testing.T) {
	d := sqAgentFixture(t)
	v := d.Queues[0].agents[202].Reports["count_handled_calls"].Values
	v[0] = voxapi.SQMetricValue{BadShape: "object"}
	s := d.samples(defaultSQUnits)
	if len(s.agents) != 0 {
		t.Errorf("%d agent series of a queue with a bad value", len(s.agents))
	}
	for _, x := range s.queues {
		if x.labels[1] == "1" {
			t.Errorf("Support served with a bad value: %v", x)
		}
	}
	if len(s.queues) != 10 {
		t.Errorf("%d queue series, want Chat's 10", len(s.queues))
	}
}

// sqAgentsFromSim answers the agent-grouped requests of sevenQueues: one
// agent per queue, user id 100 + queue id, 1 call handled.
func sqAgentsFromSim(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
	id := sqIDsOf(p.SQQueueNames)[0]
	m := &voxapi.SQMetrics{}
	for _, rep := range p.ReportTypes {
		m.Reports = append(m.Reports, voxapi.SQMetricReport{ReportType: rep, Groups: []voxapi.SQMetricGroup{
			{UserID: voxapi.FlexID(100 + id), UserName: "a" + strconv.FormatInt(id, 10), Values: []voxapi.SQMetricValue{{Value: f64(1)}}}}})
	}
	return m, nil
}

// TestSQAgentStatsOneRequestPerQueuePerRefresh: one agent-grouped request
// per SmartQueue per refresh, each for one queue with every agent report
// served, none between refreshes; one queue failing fails smartqueue.
func TestSQAgentStatsOneRequestPerQueuePerRefresh(t *testing.T) {
	r := newSQRig(t, false, []time.Duration{20 * time.Second}, sevenQueues, answerWith(func(string, int64, int) *float64 { return f64(1) }))
	r.sq.agents = sqAgentsFromSim
	agentCalls := func() []voxapi.SQMetricsParams {
		r.sq.sqmu.Lock()
		defer r.sq.sqmu.Unlock()
		return slices.Clone(r.sq.agentCalls)
	}
	for range 5 {
		if f := scrape(t, r.exp); f.CollectorSuccess(SmartQueueCollector) != 1 {
			t.Fatalf("smartqueue failed; log:\n%s", r.logs)
		}
		r.advance(10 * time.Second)
	}
	calls := agentCalls()
	if len(calls) != 8 {
		t.Fatalf("%d agent requests for 5 scrapes within a refresh interval, want 8 (one per queue)", len(calls))
	}
	seen := map[int64][]int64{}
	for _, p := range calls {
		if len(p.SQQueueNames) != 1 || !slices.Equal(p.ReportTypes, sqAgentReportTypes()) {
			t.Errorf("request %+v: want one queue and the agent reports", p)
		}
		seen[p.App.ID] = append(seen[p.App.ID], sqIDsOf(p.SQQueueNames)...)
	}
	slices.Sort(seen[1])
	if !slices.Equal(seen[1], []int64{1, 2, 3, 4, 5, 6, 7}) || !slices.Equal(seen[3], []int64{8}) {
		t.Errorf("queues asked: %v", seen)
	}
	r.advance(10 * time.Second) // 60 s after the first read: due
	f := scrape(t, r.exp)
	r.exp.reads.sqAgents.wait()
	if n := len(agentCalls()); n != 16 {
		t.Fatalf("%d agent requests after the refresh interval, want 16", n)
	}
	if got := f.MustValue(t, "voximplant_sq_queue_agent_handled_calls", "application", "3", "sq_queue_id", "8"); got != 1 {
		t.Errorf("queue 8 handled %v, want 1", got)
	}

	r.sq.agents = func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
		if sqIDsOf(p.SQQueueNames)[0] == 5 {
			return nil, &voxapi.APIError{Method: sqMetricsMethod, Code: 526, Message: "grouping"}
		}
		return sqAgentsFromSim(p)
	}
	r.advance(time.Minute)
	scrape(t, r.exp) // serves the last read while the new one fails
	r.exp.reads.sqAgents.wait()
	f = scrape(t, r.exp)
	if f.CollectorSuccess(SmartQueueCollector) != 0 || count(f, sqAgentFamilyNames...) != 0 {
		t.Errorf("one queue's agent request failed, yet smartqueue succeeded or served agent series")
	}
	if logs := r.logs.String(); !strings.Contains(logs, "SmartQueue 5 of application 1") {
		t.Errorf("the failure does not name the queue:\n%s", logs)
	}
}

// TestSQAgentStatsFromVoxsim: every agent series of a simulated hour and a
// half, against the values computed here from the simulator's own status
// log and task history over the same window.
func TestSQAgentStatsFromVoxsim(t *testing.T) {
	freezeACDNow()
	end := acdNow
	acct := voxsim.Generate(voxsim.GenConfig{Users: 40, Apps: 1, SmartQueues: 2, Seed: 9, Now: end.Add(-90 * time.Minute)})
	sqApp := acct.Apps[len(acct.Apps)-1].ID
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return end } }, voxapi.AppSelector{ID: sqApp})
	h.sim.Evolve(end.Add(-90 * time.Minute))
	h.sim.Evolve(end)
	st := Settings{Logger: h.logs.Logger(), Now: func() time.Time { return end }, PerUser: true}
	sq, err := NewSmartQueue(st.forCollector(SmartQueueCollector), []time.Duration{20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	exp := h.exporter(t, expOpts{perUser: true, now: st.Now, extra: []Collector{sq}})
	t.Cleanup(exp.Close)
	f := scrape(t, exp)
	if f.CollectorSuccess(SmartQueueCollector) != 1 {
		t.Fatalf("smartqueue failed:\n%s", h.logs)
	}
	sim := h.sim.Account()
	from := end.Add(-DefaultStaffing.Window)
	active := map[int64]bool{}
	names := map[int64]string{}
	for _, u := range sim.Users {
		active[u.ID], names[u.ID] = u.Active, u.Name
	}
	statuses := map[string]string{"ONLINE": voxsim.SQStatusOnline, "READY": voxsim.SQStatusReady, "DIALING": voxsim.SQStatusDialing,
		"IN_SERVICE": voxsim.SQStatusInService, "AFTER_SERVICE": voxsim.SQStatusAfterService, "DND": voxsim.SQStatusDND, "BANNED": voxsim.SQStatusBanned}
	checked, busy, allHandled := 0, 0.0, 0.0
	for _, q := range sim.SmartQueue.Queues {
		qid := strconv.FormatInt(q.ID, 10)
		queueTotals := map[string]float64{}
		var handledQ, handleQ float64
		for _, a := range sim.SmartQueue.Agents {
			if !slices.Contains(a.Queues, q.ID) {
				continue
			}
			// Seconds on CALL in each status within [from, end), for an
			// active user (an inactive one cannot be logged in).
			secs := map[string]float64{}
			spans := slices.Clone(a.Past)
			for _, c := range a.Channels {
				spans = append(spans, voxsim.SQStatusSpan{Channel: c.Name, Status: c.Status, From: c.Since, To: end})
			}
			for _, s := range spans {
				lo, hi := s.From, s.To
				if lo.Before(from) {
					lo = from
				}
				if hi.After(end) {
					hi = end
				}
				if s.Channel == voxsim.SQChannelCall && active[a.UserID] && hi.After(lo) {
					secs[s.Status] += hi.Sub(lo).Seconds()
				}
			}
			var handled, handle float64
			for _, r := range q.History {
				if r.Agent == a.UserID && r.Type == voxsim.SQChannelCall && r.Outcome == voxsim.SQOutcomeHandled && !r.Ended.Before(from) && r.Ended.Before(end) {
					handled++
					handle += (r.Ended.Sub(r.Started) + r.WrapUp).Seconds()
				}
			}
			id := strconv.FormatInt(a.UserID, 10)
			labels := []string{"sq_queue_id", qid, "user_id", id, "user_name", names[a.UserID]}
			for label, st := range statuses {
				if got := f.MustValue(t, "voximplant_user_sq_status_seconds", append(labels, "sq_status", label)...); !near(got, secs[st]) {
					t.Errorf("queue %s agent %s %s: %v s, want %v", qid, id, label, got, secs[st])
				}
				queueTotals[label] += secs[st]
			}
			if got := f.MustValue(t, "voximplant_user_sq_handled_calls", labels...); got != handled {
				t.Errorf("queue %s agent %s handled %v, want %v", qid, id, got, handled)
			}
			if got := f.MustValue(t, "voximplant_user_sq_handle_seconds", labels...); !near(got, handle) {
				t.Errorf("queue %s agent %s handle %v s, want %v", qid, id, got, handle)
			}
			handledQ += handled
			handleQ += handle
			busy += secs[voxsim.SQStatusInService]
			checked++
		}
		for label, v := range queueTotals {
			if got := f.MustValue(t, "voximplant_sq_queue_agent_status_seconds", "sq_queue_id", qid, "sq_status", label); !near(got, v) {
				t.Errorf("queue %s %s: %v s, want %v", qid, label, got, v)
			}
		}
		allHandled += handledQ
		if got := f.MustValue(t, "voximplant_sq_queue_agent_handled_calls", "sq_queue_id", qid); got != handledQ {
			t.Errorf("queue %s handled %v, want %v", qid, got, handledQ)
		}
		if got := f.MustValue(t, "voximplant_sq_queue_agent_handle_seconds", "sq_queue_id", qid); !near(got, handleQ) {
			t.Errorf("queue %s handle %v s, want %v", qid, got, handleQ)
		}
	}
	if checked < 5 || busy == 0 || allHandled == 0 {
		t.Errorf("%d agents checked, %v s in service, %v calls handled: the simulation is too quiet to test anything", checked, busy, allHandled)
	}
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// TestSQAgentTotalByInterval: a total of an averaged report is each
// interval's average times that interval's calls, worked by hand.
func TestSQAgentTotalByInterval(t *testing.T) {
	t0 := acdNow.Add(-30 * time.Minute)
	at := func(from, to int, v any) voxapi.SQMetricValue {
		x := voxapi.SQMetricValue{
			FromDate: voxapi.Timestamp{Time: t0.Add(time.Duration(from) * time.Minute), Valid: true},
			ToDate:   voxapi.Timestamp{Time: t0.Add(time.Duration(to) * time.Minute), Valid: true},
		}
		if f, ok := v.(float64); ok {
			x.Value = &f
		}
		return x
	}
	group := func(vs ...voxapi.SQMetricValue) *voxapi.SQMetricGroup { return &voxapi.SQMetricGroup{Values: vs} }
	for _, c := range []struct {
		name       string
		avg, count *voxapi.SQMetricGroup
		want       float64
	}{
		// 1 call at 100 s, then 3 at 200 s: 100 + 600, not 4 × 200.
		{"two intervals", group(at(0, 15, 100.0), at(15, 30, 200.0)), group(at(0, 15, 1.0), at(15, 30, 3.0)), 700},
		// The whole window at once: 4 × 150.
		{"whole window", group(at(0, 30, 150.0)), group(at(0, 30, 4.0)), 600},
		// No call in the first interval, so no average there: 2 × 90.
		{"an empty interval", group(at(0, 15, nil), at(15, 30, 90.0)), group(at(0, 15, 0.0), at(15, 30, 2.0)), 180},
		// Counts split, the average over the whole window: 3 × 40.
		{"one average", group(at(0, 30, 40.0)), group(at(0, 15, 1.0), at(15, 30, 2.0)), 120},
		{"no report", nil, group(at(0, 30, 2.0)), 0},
	} {
		if got := sqAgentTotal(c.avg, c.count, 30*time.Minute); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
