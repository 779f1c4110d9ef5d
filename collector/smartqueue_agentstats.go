package collector

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// The series of the agent-grouped SmartQueue realtime metrics, in the
// pattern of operator_stats' (voximplant_acd_operator_*,
// voximplant_user_acd_*): per queue the agents' totals over the window,
// and with --collector.users per agent and queue. Totals rather than
// averages, so that averages combine across queues and agents by
// division. The per-agent families have six labels, more than a streamed
// family may (maxStreamLabels): they are const metrics like the queue
// families, which is affordable as their count is the agents logged in to
// the watched SmartQueues (GetSQState's sq_agents) times eight, not every
// user of the account.
var (
	sqAgentStatusDesc = sqDesc("sq_queue_agent_status_seconds",
		"Seconds the queue's agents spent in each SmartQueue status over the window (sum_agents_*_time of GetSmartQueueRealtimeMetrics grouped by agent; assumed in --collector.smartqueue.time-unit), summed over the agents; every status the agent report has is present. Custom statuses have no report.",
		"sq_status")
	sqAgentHandledDesc = sqDesc("sq_queue_agent_handled_calls",
		"Calls the queue's agents handled over the window (count_handled_calls grouped by agent), summed over the agents.")
	sqAgentHandleDesc = sqDesc("sq_queue_agent_handle_seconds",
		"Total handling time of the calls the queue's agents handled over the window: each agent's average_handle_time times its handled calls (interval by interval where the answer splits the window), summed; divide by voximplant_sq_queue_agent_handled_calls for the average.")
	sqAgentACWDesc = sqDesc("sq_queue_agent_after_call_work_seconds",
		"Total after-call work of the calls the queue's agents handled over the window: each agent's average_after_call_worktime times its handled calls (interval by interval where the answer splits the window), summed.")

	sqUserStatusDesc = sqDesc("user_sq_status_seconds",
		"Seconds the agent spent in each SmartQueue status over the window, as an agent of the queue (sum_agents_*_time grouped by agent); with --collector.users.",
		"user_id", "user_name", "sq_status")
	sqUserHandledDesc = sqDesc("user_sq_handled_calls",
		"Calls of the queue the agent handled over the window (count_handled_calls grouped by agent); with --collector.users.",
		"user_id", "user_name")
	sqUserHandleDesc = sqDesc("user_sq_handle_seconds",
		"Total handling time of the calls of the queue the agent handled over the window (average_handle_time times the calls handled); with --collector.users.",
		"user_id", "user_name")
)

// sqAgentSamples are one read's series: the queues' and the agents'.
type sqAgentSamples struct {
	queues, agents []sqSample
}

// samples are the read's series, computed on the first call; units are
// the smartqueue collector's, the same on every call.
func (d *SQAgentStatsData) samples(units sqUnits) sqAgentSamples {
	d.once.Do(func() { d.own = sqAgentSamplesOf(d, units) })
	return d.own
}

// sqAgentFigures are one agent's figures over the window in base units: a
// report with no value counts 0 (the agent did nothing of it).
type sqAgentFigures struct {
	status           []float64 // by sqAgentStatusReports
	handled, handle  float64
	afterCallWork    float64
	id               int64
	userID, userName string
}

// sqAgentSamplesOf computes the series of every queue of the read. A
// queue with a value in an undocumented shape has none: its totals would
// silently miss an agent.
func sqAgentSamplesOf(d *SQAgentStatsData, units sqUnits) sqAgentSamples {
	var out sqAgentSamples
	secs := units.divisor(sqTime)
	for _, q := range d.Queues {
		figures, ok := sqAgentQueueFigures(q, d, secs)
		if !ok {
			continue
		}
		ref := []string{q.app, strconv.FormatInt(q.id, 10), q.name}
		add := func(to *[]sqSample, desc *prometheus.Desc, v float64, extra ...string) {
			*to = append(*to, sqSample{desc: desc, value: v, labels: append(slices.Clip(ref), extra...)})
		}
		var total sqAgentFigures
		total.status = make([]float64, len(sqAgentStatusReports))
		for _, f := range figures {
			for i, v := range f.status {
				total.status[i] += v
				add(&out.agents, sqUserStatusDesc, v, f.userID, f.userName, sqAgentStatusReports[i].status)
			}
			total.handled += f.handled
			total.handle += f.handle
			total.afterCallWork += f.afterCallWork
			add(&out.agents, sqUserHandledDesc, f.handled, f.userID, f.userName)
			add(&out.agents, sqUserHandleDesc, f.handle, f.userID, f.userName)
		}
		for i, r := range sqAgentStatusReports {
			add(&out.queues, sqAgentStatusDesc, total.status[i], r.status)
		}
		add(&out.queues, sqAgentHandledDesc, total.handled)
		add(&out.queues, sqAgentHandleDesc, total.handle)
		add(&out.queues, sqAgentACWDesc, total.afterCallWork)
	}
	return out
}

// sqAgentQueueFigures are a queue's agents' figures, by user id; false
// when a value came in an undocumented shape.
func sqAgentQueueFigures(q sqAgentQueue, d *SQAgentStatsData, secs float64) ([]sqAgentFigures, bool) {
	out := make([]sqAgentFigures, 0, len(q.agents))
	read := sqAgentReportTypes()
	for _, a := range q.agents {
		for _, typ := range read {
			if g := a.Reports[typ]; g != nil {
				if _, bad := g.BadShape(); bad {
					return nil, false
				}
			}
		}
		value := func(typ string) float64 { // a count or a time, summed over the window
			if g := a.Reports[typ]; g != nil {
				v, _ := sqWindowValue(g.Values, d.Window, sqSum)
				return v
			}
			return 0
		}
		f := sqAgentFigures{status: make([]float64, len(sqAgentStatusReports)), id: a.UserID,
			userID: strconv.FormatInt(a.UserID, 10), userName: a.UserName}
		for i, r := range sqAgentStatusReports {
			f.status[i] = value(r.typ) / secs
		}
		count := a.Reports[sqAgentHandled]
		f.handled = value(sqAgentHandled)
		f.handle = sqAgentTotal(a.Reports[sqReportHandleTime], count, d.Window) / secs
		f.afterCallWork = sqAgentTotal(a.Reports[sqAgentAvgACW], count, d.Window) / secs
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b sqAgentFigures) int { return cmp.Compare(a.id, b.id) })
	return out, true
}

// sqAgentTotal is an agent's total of an averaged report (handle time,
// after-call work) over the window: the average times the calls handled.
// Where the answer splits the window into intervals, interval by interval
// (an interval's average weighs only that interval's calls); a count with
// no average of the same interval takes the window's average. Nothing
// reported counts 0.
func sqAgentTotal(avg, count *voxapi.SQMetricGroup, window time.Duration) float64 {
	if avg == nil || count == nil {
		return 0
	}
	whole, _ := sqWindowValue(avg.Values, window, sqLast)
	if len(count.Values) == 1 || len(avg.Values) == 1 {
		n, _ := sqWindowValue(count.Values, window, sqSum)
		return n * whole
	}
	type span struct{ from, to time.Time }
	byInterval := map[span]float64{}
	for _, v := range avg.Values {
		if v.Value != nil && v.FromDate.Valid && v.ToDate.Valid {
			byInterval[span{v.FromDate.Time, v.ToDate.Time}] = *v.Value
		}
	}
	total := 0.0
	for _, c := range count.Values {
		if c.Value == nil {
			continue
		}
		a, ok := byInterval[span{c.FromDate.Time, c.ToDate.Time}]
		if !ok || !c.FromDate.Valid || !c.ToDate.Valid {
			a = whole
		}
		total += a * *c.Value
	}
	return total
}

// withSQAgentStats adds the agent read's series to the smartqueue
// collector's result: the queues' always, the agents' with perUser.
func withSQAgentStats(res *Result, s sqAgentSamples, perUser bool) *Result {
	samples := s.queues
	if perUser {
		samples = append(slices.Clip(samples), s.agents...)
	}
	collect := res.Collect
	res.Collect = func(ch chan<- prometheus.Metric) {
		collect(ch)
		for _, x := range samples {
			ch <- prometheus.MustNewConstMetric(x.desc, prometheus.GaugeValue, x.value, x.labels...)
		}
	}
	return res
}
