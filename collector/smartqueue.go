package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: SmartQueueCollector, flag: "smartqueue", defaultOn: false,
		help:    "SmartQueue (ACD v2) agents by channel and status and tasks by type and status (GetSQState), queue outcomes over the window (GetSmartQueueRealtimeMetrics) and the agents each queue's load needs (Erlang C); Voximplant does not document which roles may call these methods",
		methods: []string{sqStateMethod, sqMetricsMethod},
		define: func(app *kingpin.Application) func(Settings) (Collector, error) {
			thresholds := app.Flag("collector.smartqueue.service-level-threshold",
				"Service-level threshold (answered within) of the SmartQueue service level and required agents, in whole seconds (the API's max_waiting_sec). Repeatable; each costs its own service-level requests.").
				Default(DefaultStaffing.Threshold.String()).DurationList()
			units := defaultSQUnits
			addSQUnitFlags(app, &units)
			return func(st Settings) (Collector, error) { return newSmartQueue(st, *thresholds, units) }
		},
	})
}

// SmartQueueCollector is the name of the SmartQueue collector.
const SmartQueueCollector = "smartqueue"

// The SmartQueue methods, as the API and the request counters name them.
const (
	sqStateMethod   = "GetSQState"
	sqMetricsMethod = "GetSmartQueueRealtimeMetrics"
)

// NewSmartQueue returns the smartqueue collector: the live state of every
// SmartQueue of every watched application on every pass, and the queues'
// realtime metrics over the window, read at most once per
// --collector.smartqueue.refresh, at each service-level threshold. A
// threshold must be a whole number of seconds, at least one: the API
// takes max_waiting_sec.
func NewSmartQueue(st Settings, thresholds []time.Duration) (Collector, error) {
	return newSmartQueue(st, thresholds, defaultSQUnits)
}

func newSmartQueue(st Settings, thresholds []time.Duration, units sqUnits) (Collector, error) {
	st = st.withDefaults()
	if err := units.validate(); err != nil {
		return nil, err
	}
	if len(thresholds) == 0 {
		return nil, errors.New("--collector.smartqueue.service-level-threshold needs at least one value")
	}
	var ts []time.Duration
	for _, t := range thresholds {
		if t < time.Second || t%time.Second != 0 {
			return nil, fmt.Errorf("--collector.smartqueue.service-level-threshold must be a whole number of seconds, at least 1s (the API's max_waiting_sec), got %s", t)
		}
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	return &smartQueueCollector{log: st.Logger, now: st.Now, opts: st.Staffing, perUser: st.PerUser, thresholds: ts,
		units: units, plausibility: newSQPlausibility(st.Logger, units, st.Registerer)}, nil
}

type smartQueueCollector struct {
	log        *slog.Logger
	now        func() time.Time
	opts       StaffingOptions
	perUser    bool
	thresholds []time.Duration // distinct, ascending
	units      sqUnits
	// plausibility checks each metrics read against the units assumed.
	plausibility *sqPlausibility
}

func (*smartQueueCollector) Name() string { return SmartQueueCollector }

func (c *smartQueueCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	states, err := p.SQState()
	if err != nil {
		c.logRefused(sqStateMethod, err)
		return nil, err
	}
	// The agent read runs beside the metrics read, so that a scrape that
	// waits for both (the first) waits for the slower, not their sum.
	var agents *SQAgentStatsData
	var agentsErr error
	agentsDone := make(chan struct{})
	go func() {
		defer close(agentsDone)
		agents, agentsErr = p.SQAgentStats(c.now, c.opts.Window)
	}()
	data, err := p.SQMetrics(c.now, c.opts.Window, c.thresholds, c.plausibility.check)
	<-agentsDone
	if err == nil {
		err = agentsErr
	}
	if err != nil {
		c.logRefused(sqMetricsMethod, err)
		return nil, err
	}
	res, err := smartQueueMetrics(states, data, c.opts, c.thresholds, c.units, c.perUser)
	if err != nil {
		return nil, err
	}
	return withSQAgentStats(res, agents.samples(c.units), c.perUser), nil
}

// smartQueueMetrics are the live series of this pass's state, the
// realtime metrics of the last whole read, and, with perUser, the agents.
func smartQueueMetrics(states []SQAppState, data *SQMetricsData, opts StaffingOptions, thresholds []time.Duration, units sqUnits, perUser bool) (*Result, error) {
	metrics, err := sqMetricsSamples(data, opts, thresholds, units, staffedAgents(states))
	if err != nil {
		return nil, err
	}
	r := &sqResult{metrics: metrics, readAt: data.ReadAt}
	for _, a := range states {
		for i := range a.Queues {
			r.state = append(r.state, sqStateSamples(a.App.String(), &a.Queues[i])...)
		}
	}
	res := &Result{Collect: r.collect}
	if perUser {
		res.Streams = sqAgentStreams(distinctSQAgents(states))
	}
	return res, nil
}

// staffedAgents counts, per queue of this pass's state, the agents whose
// call-channel status is READY, IN_SERVICE or AFTER_SERVICE.
func staffedAgents(states []SQAppState) map[sqQueueKey]int {
	out := map[sqQueueKey]int{}
	for _, a := range states {
		for i := range a.Queues {
			q := &a.Queues[i]
			k := sqQueueKey{a.App.String(), q.SQQueueID}
			out[k] += 0
			for j := range q.Agents {
				switch q.Agents[j].Statuses[voxapi.SQChannelCall].Status {
				case voxapi.StatusReady, voxapi.StatusInService, voxapi.StatusAfterService:
					out[k]++
				}
			}
		}
	}
	return out
}

// logRefused says, on code 104, which method was refused and what the
// service account lacks; the pass logs the failure itself as well.
func (c *smartQueueCollector) logRefused(method string, err error) {
	if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
		c.log.Error(method+" refused (code 104): the service account needs a role allowed to call "+method+
			" for --collector.smartqueue; Voximplant does not document which roles may call the SmartQueue methods",
			"method", method, "err", err)
	}
}

// sqSample is one series to serve, kept as data so that const metrics are
// made afresh in every Collect.
type sqSample struct {
	desc   *prometheus.Desc
	value  float64
	labels []string
}

// sqResult is one pass's SmartQueue series: the live state of this pass
// and the realtime metrics of the last whole read.
type sqResult struct {
	state   []sqSample
	metrics []sqSample
	readAt  time.Time
}

func (r *sqResult) collect(ch chan<- prometheus.Metric) {
	for _, samples := range [][]sqSample{r.state, r.metrics} {
		for _, s := range samples {
			ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, s.value, s.labels...)
		}
	}
	ch <- prometheus.MustNewConstMetric(sqMetricsTimestampDesc, prometheus.GaugeValue, unixSeconds(r.readAt))
}

var sqQueueLabels = []string{"application", "sq_queue_id", "sq_queue"}

func sqDesc(name, help string, extra ...string) *prometheus.Desc {
	return desc(name, help, append(slices.Clip(sqQueueLabels), extra...)...)
}

var (
	sqAgentsDesc = sqDesc("sq_agents",
		"Logged-in agents of the SmartQueue queue by status on the channel (call or im); an agent without a status on a channel is not counted on it.", "channel", "sq_status")
	sqOldestDesc = sqDesc("sq_oldest_status_change_timestamp_seconds",
		"Earliest time (Unix) at which an agent of the queue now in the status on the channel entered it, where known; time() minus it is the longest anyone has been in it.", "channel", "sq_status")
	sqTasksDesc = sqDesc("sq_tasks",
		"Tasks of the SmartQueue queue by type (call or im) and status (in_queue, distributed, in_processing).", "task_type", "status")
	sqLongestWaitDesc = sqDesc("sq_longest_wait_seconds",
		"Longest time a task of the type now in the queue (IN_QUEUE) has waited; 0 when none waits.", "task_type")

	sqMetricsTimestampDesc = desc("sq_queue_metrics_timestamp_seconds",
		"Unix time at which the SmartQueue realtime metrics served were read (they are read once per --collector.smartqueue.refresh).")
	sqServiceLevelDesc = sqDesc("sq_queue_service_level_ratio",
		"Share of the queue's calls over the window answered within threshold_seconds (service_level; assumed percent, served as a ratio).", "threshold_seconds")
	sqAbandonmentDesc = sqDesc("sq_queue_abandonment_ratio",
		"Share of the queue's calls abandoned over the window (average_abandonment_rate; assumed percent, served as a ratio).")
	sqAbandonedDesc = sqDesc("sq_queue_abandoned_calls",
		"Calls abandoned in the queue over the window (count_abandonment_calls).")
	sqOfferedDesc = sqDesc("sq_queue_offered_calls",
		"Calls assigned to the queue over the window (call_count_assigned_to_queue).")
	sqHandledDesc = sqDesc("sq_queue_handled_calls",
		"Calls of the queue handled over the window (count_handled_calls).")
	sqAvgHandleDesc = sqDesc("sq_queue_average_handle_seconds",
		"Average handling time of the queue's calls over the window (average_handle_time; assumed seconds).")
	sqAvgAnswerDesc = sqDesc("sq_queue_average_answer_seconds",
		"Average speed of answer of the queue's calls over the window (average_answer_speed; assumed seconds).")
	sqOccupancyDesc = sqDesc("sq_queue_occupancy_ratio",
		"Share of their time the queue's agents were busy over the window (occupancy_rate; assumed percent, served as a ratio).")
	sqMaxWaitDesc = sqDesc("sq_queue_max_wait_seconds",
		"Longest time a call waited in the queue over the window (max_time_in_queue; assumed seconds).")
	sqAvgWaitDesc = sqDesc("sq_queue_average_wait_seconds",
		"Average time calls waited in the queue over the window (average_time_in_queue; assumed seconds).")
	sqLoadDesc = sqDesc("sq_queue_offered_load_erlangs",
		"Offered load of the SmartQueue queue: calls assigned per second over the window times the average handling time.")
	sqRequiredDesc = sqDesc("sq_queue_required_agents",
		"Agents the queue's load requires to answer target of calls within threshold_seconds with occupancy at most --collector.queue-stats.max-occupancy, by model: erlang_c and, where the window shows the callers' patience, erlang_a.",
		"threshold_seconds", "target", "model")
	sqPatienceDesc = sqDesc("sq_queue_patience_seconds",
		"Mean time callers of the queue wait before hanging up, estimated over the window as abandoned calls over the time all callers waited (average time in queue times calls offered); only with at least --collector.queue-stats.min-abandoned abandoned calls.")
	sqPredictedSLDesc = sqDesc("sq_queue_predicted_service_level_ratio",
		"Share of calls the agents now staffed on the queue's call channel (READY, IN_SERVICE or AFTER_SERVICE) would answer within threshold_seconds at the window's load, by model.",
		"threshold_seconds", "model")
	sqPredictedAbandonDesc = sqDesc("sq_queue_predicted_abandonment_ratio",
		"Share of callers who would hang up before an answer with the agents now staffed on the queue's call channel, at the window's load and the callers' patience (Erlang A).",
		"model")
)

// sqStatus is an agent's status label: as the API sends it, custom
// statuses too, and UNKNOWN when it sends none.
func sqStatus(s string) string {
	if s == "" {
		return StatusUnknown
	}
	return s
}

// sqTaskLabel is a task's type or status as a label value, lower case
// ("call", "in_queue"); unknown when the API sends none.
func sqTaskLabel(s string) string {
	if s == "" {
		return "unknown"
	}
	return strings.ToLower(s)
}

// withOthers is known followed by the other keys of seen, sorted: every
// documented value is served, and any other as it comes.
func withOthers[V any](known []string, seen map[string]V) []string {
	out := slices.Clone(known)
	var others []string
	for k := range seen {
		if !slices.Contains(known, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	return append(out, others...)
}

// sqStateSamples are one queue's live series: agents by channel and
// status, the oldest status change, tasks by type and status, and the
// longest wait.
func sqStateSamples(app string, q *voxapi.SQQueueState) []sqSample {
	ref := []string{app, strconv.FormatInt(q.SQQueueID, 10), q.SQQueueName}
	var out []sqSample
	add := func(d *prometheus.Desc, v float64, extra ...string) {
		out = append(out, sqSample{desc: d, value: v, labels: append(slices.Clip(ref), extra...)})
	}
	for _, ch := range voxapi.SQChannels {
		counts := map[string]float64{}
		oldest := map[string]time.Time{}
		for i := range q.Agents {
			st, ok := q.Agents[i].Statuses[ch]
			if !ok {
				continue
			}
			s := sqStatus(st.Status)
			counts[s]++
			if o, seen := oldest[s]; st.FromDate.Valid && (!seen || st.FromDate.Time.Before(o)) {
				oldest[s] = st.FromDate.Time
			}
		}
		channel := strings.ToLower(ch)
		for _, s := range withOthers(voxapi.SQAgentStatuses, counts) {
			add(sqAgentsDesc, counts[s], channel, s)
			if t, ok := oldest[s]; ok {
				add(sqOldestDesc, unixSeconds(t), channel, s)
			}
		}
	}
	type key struct{ typ, status string }
	tasks := map[key]float64{}
	types, statuses := map[string]bool{}, map[string]bool{}
	longest := map[string]float64{}
	for i := range q.Tasks {
		t := &q.Tasks[i]
		k := key{sqTaskLabel(t.TaskType), sqTaskLabel(t.Status)}
		tasks[k]++
		types[k.typ], statuses[k.status] = true, true
		if t.Status == voxapi.SQTaskInQueue {
			longest[k.typ] = max(longest[k.typ], t.WaitingSeconds())
		}
	}
	lower := func(vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = sqTaskLabel(v)
		}
		return out
	}
	allTypes := withOthers(lower(voxapi.SQChannels), types)
	for _, typ := range allTypes {
		for _, status := range withOthers(lower(voxapi.SQTaskStatuses), statuses) {
			add(sqTasksDesc, tasks[key{typ, status}], typ, status)
		}
	}
	for _, typ := range allTypes {
		add(sqLongestWaitDesc, longest[typ], typ)
	}
	return out
}
