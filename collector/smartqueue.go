package collector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: SmartQueueCollector, flag: "smartqueue", defaultOn: false,
		help: "SmartQueue (ACD v2) agents by channel and status and tasks by type and status (GetSQState), queue outcomes over the window (GetSmartQueueRealtimeMetrics) and the agents each queue's load needs (Erlang C); Voximplant does not document which roles may call these methods",
		define: func(app *kingpin.Application) func(Settings) (Collector, error) {
			thresholds := app.Flag("collector.smartqueue.service-level-threshold",
				"Service-level threshold (answered within) of the SmartQueue service level and required agents, in whole seconds (the API's max_waiting_sec). Repeatable; each costs its own service-level requests.").
				Default(DefaultStaffing.Threshold.String()).DurationList()
			return func(st Settings) (Collector, error) { return NewSmartQueue(st, *thresholds) }
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

// SmartQueueAPI is the methods the smartqueue collector needs beside API.
type SmartQueueAPI interface {
	GetSQState(ctx context.Context, p voxapi.SQStateParams) ([]voxapi.SQQueueState, error)
	GetSmartQueueRealtimeMetrics(ctx context.Context, p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)
}

// NewSmartQueue returns the smartqueue collector: the live state of every
// SmartQueue of every watched application on every pass, and the queues'
// realtime metrics over the window, read at most once per refresh
// interval, at each service-level threshold. A threshold must be a whole
// number of seconds, at least one: the API takes max_waiting_sec.
func NewSmartQueue(st Settings, thresholds []time.Duration) (Collector, error) {
	st = st.withDefaults()
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
	return &smartQueueCollector{log: st.Logger, now: st.Now, opts: st.Staffing, perUser: st.PerUser, thresholds: ts}, nil
}

type smartQueueCollector struct {
	log        *slog.Logger
	now        func() time.Time
	opts       StaffingOptions
	perUser    bool
	thresholds []time.Duration // distinct, ascending

	// mu serialises metrics reads, so that passes arriving together cost
	// one read per refresh interval; last is the last whole read. A failed
	// read is never kept: the next scrape tries again.
	mu   sync.Mutex
	last *sqMetricsRead
}

func (*smartQueueCollector) Name() string { return SmartQueueCollector }

func (*smartQueueCollector) Methods() []string { return []string{sqStateMethod, sqMetricsMethod} }

func (c *smartQueueCollector) Update(ctx context.Context, p *Pass) (Result, error) {
	api, ok := p.API().(SmartQueueAPI)
	if !ok {
		return nil, errors.New("the API client cannot call GetSQState and GetSmartQueueRealtimeMetrics")
	}
	states, err := readSQStates(ctx, api, p.Apps())
	if err != nil {
		c.logRefused(sqStateMethod, err)
		return nil, err
	}
	metrics, err := c.metrics(ctx, api, states)
	if err != nil {
		c.logRefused(sqMetricsMethod, err)
		return nil, err
	}
	r := &sqResult{metrics: metrics}
	for _, a := range states {
		for i := range a.queues {
			r.state = append(r.state, sqStateSamples(a.app.String(), &a.queues[i])...)
		}
	}
	if c.perUser {
		r.perUser, r.agents = true, distinctSQAgents(states)
	}
	return r, nil
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

// sqAppState is one watched application's SmartQueues, by id, each once.
type sqAppState struct {
	app    voxapi.AppSelector
	queues []voxapi.SQQueueState
}

// readSQStates reads every SmartQueue of every watched application, one
// GetSQState per application, concurrently; any failure fails the read.
func readSQStates(ctx context.Context, api SmartQueueAPI, apps []voxapi.AppSelector) ([]sqAppState, error) {
	out := make([]sqAppState, len(apps))
	g, gctx := errgroup.WithContext(ctx)
	for i, app := range apps {
		g.Go(func() error {
			qs, err := api.GetSQState(gctx, voxapi.SQStateParams{App: app}) // no ids: sq_queue_id=all
			if err != nil {
				return fmt.Errorf("%s for application %s: %w", sqStateMethod, app, err)
			}
			slices.SortStableFunc(qs, func(a, b voxapi.SQQueueState) int { return cmp.Compare(a.SQQueueID, b.SQQueueID) })
			qs = slices.CompactFunc(qs, func(a, b voxapi.SQQueueState) bool { return a.SQQueueID == b.SQQueueID })
			out[i] = sqAppState{app: app, queues: qs}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// sqSample is one series to serve, kept as data so that const metrics are
// made afresh in every Collect.
type sqSample struct {
	desc   *prometheus.Desc
	value  float64
	labels []string
}

// sqResult is one pass's SmartQueue read: the live state of this pass,
// the realtime metrics of the last whole read, and the agents.
type sqResult struct {
	state   []sqSample
	metrics *sqMetricsRead
	perUser bool
	agents  []*sqAgent
}

func (r *sqResult) Collect(ch chan<- prometheus.Metric) {
	for _, samples := range [][]sqSample{r.state, r.metrics.samples} {
		for _, s := range samples {
			ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, s.value, s.labels...)
		}
	}
	ch <- prometheus.MustNewConstMetric(sqMetricsTimestampDesc, prometheus.GaugeValue, unixSeconds(r.metrics.readAt))
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
		"Unix time at which the SmartQueue realtime metrics served were read (they are read once per --collector.queue-stats.refresh).")
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
		"Agents the queue's load requires (Erlang C) to answer target of calls within threshold_seconds with occupancy at most --collector.queue-stats.max-occupancy.",
		"threshold_seconds", "target")
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

// sqCombine is how a report's values over several intervals make one
// figure for the window.
type sqCombine int

const (
	sqSum  sqCombine = iota // counts: summed over the intervals
	sqMax                   // maxima: the largest
	sqLast                  // averages and ratios: the latest interval's
)

// sqReport is one GetSmartQueueRealtimeMetrics report type as served.
type sqReport struct {
	typ     string
	desc    *prometheus.Desc
	divisor float64 // the API's value over divisor is the metric's base unit
	combine sqCombine
}

// percent converts the API's assumed percentages (0-100) to ratios (0-1);
// a division, so that 70 percent is 0.7 exactly.
const percent = 100

// sqReports is THE table of the realtime metrics served, with the unit
// each is taken to be in. The API does not document the units of any
// report's value: this table ASSUMES that times (average_*_time,
// average_answer_speed, *_time_in_queue) are in seconds, that *_rate,
// *_percentage and service_level are percentages (0-100), served here as
// ratios (0-1), and that count_* and call_count_* are counts. Should the
// API prove otherwise, the divisor here is the one place to change.
// service_level is read once per threshold (its max_waiting_sec).
var sqReports = []sqReport{
	{typ: voxapi.SQReportServiceLevel, desc: sqServiceLevelDesc, divisor: percent, combine: sqLast},
	{typ: "average_abandonment_rate", desc: sqAbandonmentDesc, divisor: percent, combine: sqLast},
	{typ: "count_abandonment_calls", desc: sqAbandonedDesc, divisor: 1, combine: sqSum},
	{typ: sqReportOffered, desc: sqOfferedDesc, divisor: 1, combine: sqSum},
	{typ: "count_handled_calls", desc: sqHandledDesc, divisor: 1, combine: sqSum},
	{typ: sqReportHandleTime, desc: sqAvgHandleDesc, divisor: 1, combine: sqLast},
	{typ: "average_answer_speed", desc: sqAvgAnswerDesc, divisor: 1, combine: sqLast},
	{typ: "occupancy_rate", desc: sqOccupancyDesc, divisor: percent, combine: sqLast},
	{typ: "max_time_in_queue", desc: sqMaxWaitDesc, divisor: 1, combine: sqMax},
	{typ: "average_time_in_queue", desc: sqAvgWaitDesc, divisor: 1, combine: sqLast},
}

// The reports the staffing is computed from.
const (
	sqReportOffered    = "call_count_assigned_to_queue"
	sqReportHandleTime = "average_handle_time"
)

// wholeWindowSlack is how much shorter than the window an interval may be
// and still count as covering it (the API may round the bounds asked
// for); at most a quarter of the window, so that a short window's intervals are
// not each taken for the whole.
const wholeWindowSlack = time.Minute

// sqWindowValue reduces one queue's values of a report to the window's
// figure. Asked without an interval, the API is expected to send one entry
// covering the window, which is taken as it is, as is an entry spanning
// the whole window among several. Otherwise the entries are intervals of
// the window: counts are summed, maxima take the largest, and averages
// and ratios take the latest interval's (the answer gives no weights to
// average them over the window with). A null value is no data and is
// skipped; no value at all is no figure.
func sqWindowValue(vals []voxapi.SQMetricValue, window time.Duration, combine sqCombine) (float64, bool) {
	slack := min(wholeWindowSlack, window/4)
	var sum, best float64
	n := 0
	latest := -1
	for i := range vals {
		v := &vals[i]
		if v.Value == nil {
			continue
		}
		if v.FromDate.Valid && v.ToDate.Valid && v.ToDate.Time.Sub(v.FromDate.Time) >= window-slack {
			return *v.Value, true
		}
		sum += *v.Value
		if n == 0 || *v.Value > best {
			best = *v.Value
		}
		n++
		// Latest by to_date where both have one, else by answer order.
		if latest < 0 || !(vals[latest].ToDate.Valid && v.ToDate.Valid) || !v.ToDate.Time.Before(vals[latest].ToDate.Time) {
			latest = i
		}
	}
	switch {
	case n == 0:
		return 0, false
	case combine == sqSum:
		return sum, true
	case combine == sqMax:
		return best, true
	default:
		return *vals[latest].Value, true
	}
}

// sqMetricsRead is one whole read of the realtime metrics of every
// SmartQueue the pass's state listed.
type sqMetricsRead struct {
	readAt  time.Time
	samples []sqSample
}

// sqJob is one GetSmartQueueRealtimeMetrics request: up to
// voxapi.MaxSQMetricsQueues queues of one application at one threshold.
type sqJob struct {
	app       voxapi.AppSelector
	ids       []int64  // the queues' ids, to match the answer's groups with
	names     []string // the same queues' names: the method is asked by name only
	threshold time.Duration
	reports   []string
	answer    *voxapi.SQMetrics
}

// metrics returns the last whole read while it is younger than the
// refresh interval, else reads anew.
func (c *smartQueueCollector) metrics(ctx context.Context, api SmartQueueAPI, states []sqAppState) (*sqMetricsRead, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.last != nil && now.Sub(c.last.readAt) < c.opts.Refresh {
		return c.last, nil
	}
	jobs := c.jobs(states)
	from := now.Add(-c.opts.Window)
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		g.Go(func() error {
			m, err := api.GetSmartQueueRealtimeMetrics(gctx, voxapi.SQMetricsParams{
				App: j.app, SQQueueNames: j.names, From: from, To: now, ReportTypes: j.reports,
				GroupBy: voxapi.SQGroupByQueue, MaxWaitingSec: int(j.threshold / time.Second),
			})
			if err != nil {
				return fmt.Errorf("%s for SmartQueues %v of application %s: %w", sqMetricsMethod, j.ids, j.app, err)
			}
			j.answer = m
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r, err := c.build(now, states, jobs)
	if err != nil {
		return nil, err
	}
	c.last = r
	return r, nil
}

// jobs are the requests of one read: every application's queues in
// batches of at most voxapi.MaxSQMetricsQueues, at every threshold. The
// first threshold's request asks for every report; the others' for
// service_level alone, which is all that max_waiting_sec changes.
func (c *smartQueueCollector) jobs(states []sqAppState) []*sqJob {
	all := make([]string, len(sqReports))
	for i, r := range sqReports {
		all[i] = r.typ
	}
	var jobs []*sqJob
	for _, a := range states {
		for batch := range slices.Chunk(a.queues, voxapi.MaxSQMetricsQueues) {
			ids, names := make([]int64, len(batch)), make([]string, len(batch))
			for i := range batch {
				ids[i], names[i] = batch[i].SQQueueID, batch[i].SQQueueName
			}
			for i, t := range c.thresholds {
				reports := all
				if i > 0 {
					reports = []string{voxapi.SQReportServiceLevel}
				}
				jobs = append(jobs, &sqJob{app: a.app, ids: ids, names: names, threshold: t, reports: reports})
			}
		}
	}
	return jobs
}

// sqFigures are one queue's figures over the window, in base units.
type sqFigures struct {
	values map[string]float64        // by report type, service_level aside
	sl     map[time.Duration]float64 // service_level by threshold
}

// build turns the answers into series, queue by queue in the state's
// order; groups of queues a request did not ask for, and reports it did
// not ask for, are ignored.
func (c *smartQueueCollector) build(now time.Time, states []sqAppState, jobs []*sqJob) (*sqMetricsRead, error) {
	type key struct {
		app string
		id  int64
	}
	figures := map[key]*sqFigures{}
	for _, j := range jobs {
		for _, rep := range j.answer.Reports {
			i := slices.IndexFunc(sqReports, func(r sqReport) bool { return r.typ == rep.ReportType })
			if i < 0 || !slices.Contains(j.reports, rep.ReportType) {
				continue
			}
			spec := sqReports[i]
			for _, grp := range rep.Groups {
				if !slices.Contains(j.ids, grp.SQQueueID) {
					continue
				}
				if shape, bad := grp.BadShape(); bad {
					warnBadShape(c.log, sqMetricsMethod, rep.ReportType, shape, "application", j.app.String(), "sq_queue_id", grp.SQQueueID)
					continue
				}
				v, ok := sqWindowValue(grp.Values, c.opts.Window, spec.combine)
				if !ok {
					continue
				}
				k := key{j.app.String(), grp.SQQueueID}
				f := figures[k]
				if f == nil {
					f = &sqFigures{values: map[string]float64{}, sl: map[time.Duration]float64{}}
					figures[k] = f
				}
				if spec.typ == voxapi.SQReportServiceLevel {
					f.sl[j.threshold] = v / spec.divisor
				} else {
					f.values[spec.typ] = v / spec.divisor
				}
			}
		}
	}
	thresholds := make([]float64, len(c.thresholds))
	for i, t := range c.thresholds {
		thresholds[i] = t.Seconds()
	}
	r := &sqMetricsRead{readAt: now}
	for _, a := range states {
		app := a.app.String()
		for i := range a.queues {
			q := &a.queues[i]
			f := figures[key{app, q.SQQueueID}]
			if f == nil {
				continue
			}
			ref := []string{app, strconv.FormatInt(q.SQQueueID, 10), q.SQQueueName}
			add := func(d *prometheus.Desc, v float64, extra ...string) {
				r.samples = append(r.samples, sqSample{desc: d, value: v, labels: append(slices.Clip(ref), extra...)})
			}
			for _, t := range c.thresholds {
				if v, ok := f.sl[t]; ok {
					add(sqServiceLevelDesc, v, formatFloat(t.Seconds()))
				}
			}
			for _, spec := range sqReports {
				if v, ok := f.values[spec.typ]; ok {
					add(spec.desc, v)
				}
			}
			offered, ok := f.values[sqReportOffered]
			if !ok {
				continue // no load without the calls
			}
			s, ok, err := c.opts.staff(offered, f.values[sqReportHandleTime], thresholds)
			if err != nil {
				return nil, fmt.Errorf("staffing SmartQueue %d of application %s: %w", q.SQQueueID, app, err)
			}
			if ok {
				add(sqLoadDesc, s.load)
				for _, req := range s.reqs {
					add(sqRequiredDesc, req.agents, req.threshold, req.target)
				}
			}
		}
	}
	return r, nil
}

// sqAgent is one logged-in agent of the watched SmartQueues, once however
// many queues (and applications) list it.
type sqAgent struct {
	userID   int64
	id, name string
	// statuses per channel, as the first queue listing the agent (by
	// application, then queue id) gives them: they are the agent's, not
	// the queue's, so every queue should give the same.
	statuses map[string]voxapi.SQChannelStatus
	queues   [][2]string // sq_queue_id, sq_queue; each queue once
}

// distinctSQAgents lists the agents of every queue, each once, by user id.
func distinctSQAgents(states []sqAppState) []*sqAgent {
	byID := map[int64]*sqAgent{}
	var out []*sqAgent
	for _, a := range states {
		for i := range a.queues {
			q := &a.queues[i]
			qid := strconv.FormatInt(q.SQQueueID, 10)
			for j := range q.Agents {
				ag := &q.Agents[j]
				e := byID[ag.UserID]
				if e == nil {
					e = &sqAgent{userID: ag.UserID, id: strconv.FormatInt(ag.UserID, 10), name: ag.UserName, statuses: map[string]voxapi.SQChannelStatus{}}
					byID[ag.UserID] = e
					out = append(out, e)
				}
				for ch, st := range ag.Statuses {
					if _, ok := e.statuses[ch]; !ok {
						e.statuses[ch] = st
					}
				}
				if !slices.ContainsFunc(e.queues, func(qq [2]string) bool { return qq[0] == qid }) {
					e.queues = append(e.queues, [2]string{qid, q.SQQueueName})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b *sqAgent) int { return cmp.Compare(a.userID, b.userID) })
	return out
}

// sqAgentFamily is one per-agent family, as a function from an agent to
// its series.
type sqAgentFamily struct {
	name, help string
	labels     []string
	series     func(a *sqAgent, emit EmitFunc)
}

var sqAgentFamilies = []sqAgentFamily{
	{
		name:   "voximplant_sq_agent_status",
		help:   "The agent's SmartQueue status on the channel as a state set: 1 for the current status, 0 for the other documented ones; no series for a channel the agent has no status on.",
		labels: []string{"user_id", "user_name", "channel", "sq_status"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, ch := range voxapi.SQChannels {
				st, ok := a.statuses[ch]
				if !ok {
					continue
				}
				cur, channel := sqStatus(st.Status), strings.ToLower(ch)
				for _, doc := range voxapi.SQAgentStatuses {
					emit(boolFloat(doc == cur), a.id, a.name, channel, doc)
				}
				if !slices.Contains(voxapi.SQAgentStatuses, cur) {
					emit(1, a.id, a.name, channel, cur)
				}
			}
		},
	},
	{
		name:   "voximplant_sq_agent_status_change_timestamp_seconds",
		help:   "Unix time at which the agent entered its SmartQueue status on the channel (from_date), where known; time() minus it is the status age.",
		labels: []string{"user_id", "user_name", "channel"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, ch := range voxapi.SQChannels {
				if st, ok := a.statuses[ch]; ok && st.FromDate.Valid {
					emit(unixSeconds(st.FromDate.Time), a.id, a.name, strings.ToLower(ch), "")
				}
			}
		},
	},
	{
		name:   "voximplant_sq_agent_queue_info",
		help:   "A SmartQueue queue the agent is logged in to (GetSQState's sq_agents); always 1.",
		labels: []string{"user_id", "user_name", "sq_queue_id", "sq_queue"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, q := range a.queues {
				emit(1, a.id, a.name, q[0], q[1])
			}
		},
	},
}

// StreamFamilies are the per-agent families, with per-user series on.
func (r *sqResult) StreamFamilies() []*StreamFamily {
	if !r.perUser {
		return nil
	}
	out := make([]*StreamFamily, len(sqAgentFamilies))
	for i, f := range sqAgentFamilies {
		agents := r.agents
		out[i] = &StreamFamily{Name: f.name, Help: f.help, Labels: f.labels, Each: func(emit EmitFunc) {
			for _, a := range agents {
				f.series(a, emit)
			}
		}}
	}
	return out
}
