package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: QueueStatsCollector, flag: "queue-stats", defaultOn: true,
		help: "Queue outcomes (service level, abandonment, wait and handle times) from GetACDQueueStatistics, and the operators each queue needs for its load (Erlang C); the Supervisor role suffices",
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewQueueStats(st), nil }
		},
	})
}

// QueueStatsCollector is the name of the queue-outcomes collector.
const QueueStatsCollector = "queue_stats"

// QueueStatsAPI is the method the queue_stats collector needs beside API.
type QueueStatsAPI interface {
	GetACDQueueStatistics(ctx context.Context, p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error)
}

// NewQueueStats returns the queue_stats collector: each watched queue's
// outcomes over the window, read one queue per request (a record carries
// no queue id) at most once per refresh interval, and the staffing its load
// needs.
func NewQueueStats(st Settings) Collector {
	st = st.withDefaults()
	return &queueStatsCollector{log: st.Logger, now: st.Now, opts: st.Staffing}
}

type queueStatsCollector struct {
	log  *slog.Logger
	now  func() time.Time
	opts StaffingOptions

	mu      sync.Mutex
	last    *queueStatsResult // last whole read; nil after a failed one
	running chan struct{}     // closed when the running read ends; nil when none runs
	failed  error             // the last read's failure, reported by the next scrape
}

func (*queueStatsCollector) Name() string { return QueueStatsCollector }

func (*queueStatsCollector) Methods() []string { return []string{"GetACDQueueStatistics", "GetQueues"} }

// Update serves the last read while it is fresh (younger than the refresh
// interval). When it is due, a new read starts in the background and the
// scrape serves the previous read meanwhile, so that statistics never cost
// the operator series a round trip; only a scrape with no read to serve
// (the first, or the one after a failure) waits for the read, within its
// deadline. A failed read is reported by the next scrape (success 0 and no
// statistics series) and is never kept: that scrape starts the read again.
func (c *queueStatsCollector) Update(ctx context.Context, p *Pass) (Result, error) {
	api, ok := p.API().(QueueStatsAPI)
	if !ok {
		return nil, fmt.Errorf("the API client cannot call GetACDQueueStatistics")
	}
	c.mu.Lock()
	now := c.now()
	if err := c.failed; err != nil {
		c.failed = nil
		c.startLocked(api, p, now)
		c.mu.Unlock()
		return nil, err
	}
	if c.last != nil && now.Sub(c.last.readAt) < c.opts.Refresh {
		r := c.last
		c.mu.Unlock()
		return r, nil
	}
	c.startLocked(api, p, now)
	running, last := c.running, c.last
	c.mu.Unlock()
	if last != nil {
		return last, nil
	}
	select {
	case <-running:
	case <-ctx.Done():
		return nil, fmt.Errorf("queue statistics were not read before the scrape's deadline: %w", context.Cause(ctx))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.failed; err != nil {
		c.failed = nil
		return nil, err
	}
	if c.last == nil {
		return nil, fmt.Errorf("queue statistics were not read")
	}
	return c.last, nil
}

// startLocked starts a read unless one runs. It outlives the pass that
// starts it, bounded by its own deadline.
func (c *queueStatsCollector) startLocked(api QueueStatsAPI, p *Pass, now time.Time) {
	if c.running != nil {
		return
	}
	done := make(chan struct{})
	c.running = done
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), max(c.opts.Refresh, 30*time.Second))
		defer cancel()
		r, err := c.read(ctx, api, p, now)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.running = nil
		if err != nil {
			c.last, c.failed = nil, err
			return
		}
		c.last = r
	}()
}

// waitRead waits for the running read, if any (tests use it).
func (c *queueStatsCollector) waitRead() {
	c.mu.Lock()
	running := c.running
	c.mu.Unlock()
	if running != nil {
		<-running
	}
}

// read reads every watched queue's statistics over the window ending at
// now, one queue per request: all or nothing.
func (c *queueStatsCollector) read(ctx context.Context, api QueueStatsAPI, p *Pass, now time.Time) (*queueStatsResult, error) {
	names, _ := p.Queues() // a failure is logged there; the bindings stand in
	apps, _ := p.Users()   // their failure is the users collector's
	queues := watchedQueues(p.Apps(), names, apps)
	records := make([][]voxapi.QueueStatsRecord, len(queues))
	from := now.Add(-c.opts.Window)
	g, gctx := errgroup.WithContext(ctx)
	for i, q := range queues {
		g.Go(func() error {
			recs, err := api.GetACDQueueStatistics(gctx, voxapi.QueueStatsParams{
				FromDate: from, ToDate: now, QueueIDs: []int64{q.ID}, Aggregation: voxapi.AggregationNone,
			})
			if err != nil {
				return fmt.Errorf("queue %d of application %s: %w", q.ID, q.App, err)
			}
			records[i] = recs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			c.log.Error("GetACDQueueStatistics refused (code 104): the service account needs the Supervisor, User manager, Developer, Admin or Owner role for --collector.queue-stats", "err", err)
		}
		return nil, err
	}
	r := &queueStatsResult{readAt: now, window: c.opts.Window}
	for i, q := range queues {
		qs, err := c.outcomes(q, records[i])
		if err != nil {
			return nil, err
		}
		r.queues = append(r.queues, qs)
	}
	return r, nil
}

// outcomes turns one queue's records into what is served. With
// aggregation=none there is one record, or none when the queue had no
// calls in the window; more are summed.
func (c *queueStatsCollector) outcomes(q queueRef, recs []voxapi.QueueStatsRecord) (queueOutcomes, error) {
	o := queueOutcomes{ref: q}
	for i := range recs {
		r := &recs[i]
		for _, b := range r.BadShapes {
			if o.bad == nil {
				o.bad = badItems{}
			}
			o.bad[b.Item] = true
			warnBadShape(c.log, "GetACDQueueStatistics", b.Item, b.Shape, "application", q.App, "queue_id", q.ID)
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
		thresholds = []float64{c.opts.Threshold.Seconds()}
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
	s, ok, err := c.opts.staff(o.offered, aht, thresholds)
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
	staffing                                *staffing // nil when the handle time is unknown
	bad                                     badItems  // items in an undocumented shape: their series are left out
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
		"Operators the queue's load requires (Erlang C) to answer target of calls within threshold_seconds with occupancy at most --collector.queue-stats.max-occupancy.",
		"application", "queue_id", "queue", "threshold_seconds", "target")
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
				g(qsRequiredDesc, req.agents, req.threshold, req.target)
			}
		}
	}
}
