package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: QueueStatsCollector, flag: "queue-stats", defaultOn: true,
		help:    "Queue outcomes (service level, abandonment, wait and handle times) from GetACDQueueStatistics, and the operators each queue needs for its load (Erlang C); the Supervisor role suffices",
		methods: []string{"GetACDQueueStatistics", "GetQueues"},
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewQueueStats(st), nil }
		},
	})
}

// QueueStatsCollector is the name of the queue-outcomes collector.
const QueueStatsCollector = "queue_stats"

// NewQueueStats returns the queue_stats collector: the outcomes over the
// window of every queue the watched applications own or serve, and the
// staffing each queue's load needs. The statistics are read at most once
// per --collector.queue-stats.refresh (Pass.QueueStats).
func NewQueueStats(st Settings) Collector {
	st = st.withDefaults()
	return &queueStatsCollector{log: st.Logger, now: st.Now, opts: st.Staffing}
}

type queueStatsCollector struct {
	log  *slog.Logger
	now  func() time.Time
	opts StaffingOptions
}

func (*queueStatsCollector) Name() string { return QueueStatsCollector }

func (c *queueStatsCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	data, err := p.QueueStats(c.now, c.opts.Window)
	if err != nil {
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			c.log.Error("GetACDQueueStatistics refused (code 104): the service account needs the Supervisor, User manager, Developer, Admin or Owner role for --collector.queue-stats", "err", err)
		}
		return nil, err
	}
	var staffed map[int64]int
	if users, err := p.Users(); err == nil {
		staffed = staffedOperators(users)
	}
	return queueStatsMetrics(data, c.opts, staffed)
}

// staffedOperators counts, per queue, the distinct users of every watched
// application now READY, IN_SERVICE or AFTER_SERVICE and bound to it. An
// operator bound to several queues counts in each.
func staffedOperators(apps []AppUsers) map[int64]int {
	seen := map[[2]int64]bool{}
	out := map[int64]int{}
	for _, au := range apps {
		for i := range au.Users {
			u := &au.Users[i]
			switch u.ACDStatus {
			case voxapi.StatusReady, voxapi.StatusInService, voxapi.StatusAfterService:
			default:
				continue
			}
			for _, q := range u.ACDQueues {
				k := [2]int64{q.ACDQueueID, u.UserID}
				if !seen[k] {
					seen[k] = true
					out[q.ACDQueueID]++
				}
			}
		}
	}
	return out
}

// queueStatsMetrics are the statistics series of one whole read, with the
// staffing each queue's load needs.
// staffed is the operators now staffed on each queue (READY, IN_SERVICE or
// AFTER_SERVICE, bound to it) from this pass's users; nil when they were
// not read, which leaves out the predictions.
func queueStatsMetrics(data *QueueStatsData, opts StaffingOptions, staffed map[int64]int) (*Result, error) {
	byID, err := data.outcomes(opts)
	if err != nil {
		return nil, err
	}
	r := &queueStatsResult{readAt: data.ReadAt, window: data.Window}
	// What the operators on shift deliver: once per queue and pass (a
	// queue served under several applications has one staffing).
	preds := map[int64]*shiftPrediction{}
	for id, o := range byID {
		if s := o.staffing; s != nil && staffed != nil {
			n := staffed[id]
			sp := &shiftPrediction{staffed: n}
			sp.preds, sp.abandon, sp.hasAbandon = s.predict(n)
			preds[id] = sp
		}
	}
	for _, q := range data.Queues {
		o := byID[q.ID]
		o.ref, o.shift = q, preds[q.ID]
		r.queues = append(r.queues, o)
	}
	return &Result{Collect: r.Collect}, nil
}

// shiftPrediction is what the operators staffed now deliver at the
// window's load.
type shiftPrediction struct {
	staffed    int
	preds      []prediction
	abandon    float64
	hasAbandon bool
}

// outcomes turns one queue's records into what is served. With
// aggregation=none there is one record, or none when the queue had no
// calls in the window; more are summed.
func outcomes(q queueRef, recs []voxapi.QueueStatsRecord, opts StaffingOptions) (queueOutcomes, error) {
	o := queueOutcomes{ref: q}
	for i := range recs {
		r := &recs[i]
		for _, b := range r.BadShapes {
			if o.bad == nil {
				o.bad = badItems{}
			}
			o.bad[b.Item] = true // said in the log by the read
		}
		if r.TC != nil {
			o.offered += *r.TC
		}
		o.answered += sumCounts(r.AC)
		o.unanswered += sumCounts(r.UAC)
		o.rejected += sumCounts(r.RC)
	}
	var thresholds []float64
	if q.Info != nil {
		thresholds = q.Info.SLThresholds
	}
	if len(thresholds) == 0 {
		thresholds = []float64{opts.Threshold.Seconds()}
	}
	o.thresholds = thresholds
	if len(recs) == 1 && o.offered > 0 {
		r := &recs[0]
		o.sl = r.SL
		o.wait, o.handle, o.abandon = r.WT, r.HT, r.AT
	}
	// AHT: the window's own handling time when it handled a call, else the
	// queue's setting, else unknown.
	aht := 0.0
	switch {
	case o.handle != nil && o.handle.Count >= 1:
		aht = o.handle.Avg
	case q.Info != nil && q.Info.AverageServiceTime != nil:
		aht = *q.Info.AverageServiceTime
	}
	if o.bad.has("TC") {
		return o, nil // no load without the calls offered
	}
	// The callers' patience: abandoned calls over the total time every
	// caller waited (TWT; WT's sum where the answer has no TWT). Not from
	// an item in an undocumented shape.
	abandoned, totalWait := o.unanswered, 0.0
	switch {
	case len(recs) == 1 && recs[0].TWT != nil:
		totalWait = *recs[0].TWT
	case o.wait != nil:
		totalWait = o.wait.Sum
	}
	if o.bad.has("UAC", "TWT", "WT") {
		abandoned, totalWait = 0, 0
	}
	s, ok, err := opts.staff(o.offered, aht, thresholds, abandoned, totalWait)
	if err != nil {
		return o, fmt.Errorf("staffing queue %d of application %s: %w", q.ID, q.App, err)
	}
	if ok {
		o.staffing = &s
	}
	return o, nil
}

func sumCounts(shares []voxapi.CallShare) float64 {
	n := 0.0
	for _, s := range shares {
		n += s.Count
	}
	return n
}

// queueOutcomes is one queue's statistics over the window.
type queueOutcomes struct {
	ref                                     queueRef
	offered, answered, unanswered, rejected float64
	sl                                      []voxapi.ServiceLevelStat
	thresholds                              []float64 // the queue's, or the default
	wait, handle, abandon                   *voxapi.Aggregate
	staffing                                *staffing        // nil when the handle time is unknown
	bad                                     badItems         // items in an undocumented shape: their series are left out
	shift                                   *shiftPrediction // nil without this pass's users or without a load
}

// queueStatsResult is one whole read of every watched queue.
type queueStatsResult struct {
	readAt time.Time
	window time.Duration
	queues []queueOutcomes
}

var (
	qsWindowDesc = desc("acd_queue_stats_window_seconds",
		"Span the ACD queue statistics cover, ending when they were read.")
	qsTimestampDesc = desc("acd_queue_stats_timestamp_seconds",
		"Unix time at which the queue statistics served were read (they are read once per refresh interval).", "application", "queue_id", "queue")
	qsOfferedDesc = desc("acd_queue_stats_offered_calls",
		"Calls offered to the ACD queue over the window (GetACDQueueStatistics TC).", "application", "queue_id", "queue")
	qsCallsDesc = desc("acd_queue_stats_calls",
		"Calls of the ACD queue over the window by outcome: answered, unanswered (abandoned) or rejected.", "application", "queue_id", "queue", "outcome")
	qsServiceLevelDesc = desc("acd_queue_stats_service_level_ratio",
		"Share of calls offered over the window that were answered within threshold_seconds (GetACDQueueStatistics SL).", "application", "queue_id", "queue", "threshold_seconds")
	qsWithinDesc = desc("acd_queue_stats_answered_within_threshold_calls",
		"Calls answered within threshold_seconds over the window; divide sums of it by sums of offered calls to combine queues.", "application", "queue_id", "queue", "threshold_seconds")
	qsAvgWaitDesc = desc("acd_queue_stats_average_wait_seconds",
		"Average time callers waited over the window, until answer or hang-up (WT avg).", "application", "queue_id", "queue")
	qsMaxWaitDesc = desc("acd_queue_stats_max_wait_seconds",
		"Longest time a caller waited over the window (WT max).", "application", "queue_id", "queue")
	qsWaitSumDesc = desc("acd_queue_stats_total_wait_seconds",
		"Total time callers waited over the window (WT sum), to combine queues.", "application", "queue_id", "queue")
	qsAvgHandleDesc = desc("acd_queue_stats_average_handle_seconds",
		"Average handling time (talk plus after-call work) over the window (HT avg).", "application", "queue_id", "queue")
	qsHandleSumDesc = desc("acd_queue_stats_total_handle_seconds",
		"Total handling time over the window (HT sum), to combine queues.", "application", "queue_id", "queue")
	qsHandledDesc = desc("acd_queue_stats_handled_calls",
		"Calls handled over the window (HT count), to combine handling times across queues.", "application", "queue_id", "queue")
	qsAvgAbandonDesc = desc("acd_queue_stats_average_abandonment_seconds",
		"Average time callers waited before hanging up, over the window (AT avg).", "application", "queue_id", "queue")
	qsLoadDesc = desc("acd_queue_offered_load_erlangs",
		"Offered load of the ACD queue: calls offered per second over the window times the average handling time.", "application", "queue_id", "queue")
	qsRequiredDesc = desc("acd_queue_required_operators",
		"Operators the queue's load requires to answer target of calls within threshold_seconds with occupancy at most --collector.queue-stats.max-occupancy, by model: erlang_c (callers never hang up) and, where the window shows the callers' patience, erlang_a.",
		"application", "queue_id", "queue", "threshold_seconds", "target", "model")
	qsPatienceDesc = desc("acd_queue_patience_seconds",
		"Mean time callers of the queue wait before hanging up, estimated over the window as total waiting time over abandoned calls (exponential patience); only with at least --collector.queue-stats.min-abandoned abandoned calls.",
		"application", "queue_id", "queue")
	qsPredictedSLDesc = desc("acd_queue_predicted_service_level_ratio",
		"Share of calls the operators now staffed on the queue (READY, IN_SERVICE or AFTER_SERVICE, bound to it) would answer within threshold_seconds at the window's load, by model.",
		"application", "queue_id", "queue", "threshold_seconds", "model")
	qsPredictedAbandonDesc = desc("acd_queue_predicted_abandonment_ratio",
		"Share of callers who would hang up before an answer with the operators now staffed on the queue, at the window's load and the callers' patience (Erlang A).",
		"application", "queue_id", "queue", "model")
	qsStaffedDesc = desc("acd_queue_staffed_operators",
		"Operators now staffed on the queue (READY, IN_SERVICE or AFTER_SERVICE, bound to it, each once however many watched applications list them): the staffing the predictions are for.",
		"application", "queue_id", "queue")
)

func (r *queueStatsResult) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(qsWindowDesc, prometheus.GaugeValue, r.window.Seconds())
	for _, q := range r.queues {
		id := strconv.FormatInt(q.ref.ID, 10)
		g := func(d *prometheus.Desc, v float64, extra ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{q.ref.App, id, q.ref.Name}, extra...)...)
		}
		g(qsTimestampDesc, unixSeconds(r.readAt))
		if !q.bad.has("TC") {
			g(qsOfferedDesc, q.offered)
		}
		for _, c := range []struct {
			item, outcome string
			n             float64
		}{{"AC", "answered", q.answered}, {"UAC", "unanswered", q.unanswered}, {"RC", "rejected", q.rejected}} {
			if !q.bad.has(c.item) {
				g(qsCallsDesc, c.n, c.outcome)
			}
		}
		if q.bad.has("TC", "SL") {
			// Neither the ratio nor a zero can be told.
		} else if q.offered > 0 {
			for _, sl := range q.sl {
				t := formatFloat(sl.AcceptableWaitingTime)
				g(qsServiceLevelDesc, sl.ServiceLevel, t)
				g(qsWithinDesc, sl.CallCount, t)
			}
		} else {
			// No calls: no ratio, but zero calls answered in time, so that
			// sums across queues stay whole.
			for _, t := range q.thresholds {
				g(qsWithinDesc, 0, formatFloat(t))
			}
		}
		if a := q.wait; a != nil && a.Count > 0 {
			g(qsAvgWaitDesc, a.Avg)
			g(qsMaxWaitDesc, a.Max)
			g(qsWaitSumDesc, a.Sum)
		}
		if a := q.handle; a != nil && a.Count > 0 {
			g(qsAvgHandleDesc, a.Avg)
			g(qsHandleSumDesc, a.Sum)
			g(qsHandledDesc, a.Count)
		} else if !q.bad.has("HT") {
			g(qsHandledDesc, 0)
		}
		if a := q.abandon; a != nil && a.Count > 0 {
			g(qsAvgAbandonDesc, a.Avg)
		}
		if s := q.staffing; s != nil {
			g(qsLoadDesc, s.load)
			for _, req := range s.reqs {
				g(qsRequiredDesc, req.agents, req.threshold, req.target, req.model)
			}
			if p, ok := s.patience(); ok {
				g(qsPatienceDesc, p)
			}
			if sp := q.shift; sp != nil {
				g(qsStaffedDesc, float64(sp.staffed))
				for _, p := range sp.preds {
					g(qsPredictedSLDesc, p.serviceLevel, p.threshold, p.model)
				}
				if sp.hasAbandon {
					g(qsPredictedAbandonDesc, sp.abandon, modelErlangA)
				}
			}
		}
	}
}
