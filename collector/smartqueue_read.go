package collector

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// SQMetricsData is one whole read of the realtime metrics of every
// SmartQueue a pass's state listed.
type SQMetricsData struct {
	ReadAt time.Time     // the end of the window
	Window time.Duration // the span the metrics cover
	States []SQAppState  // the queues the read covered, as the state listed them
	Jobs   []*sqJob      // the requests, each with its answer

	once   sync.Once // computes own on the first scrape that serves the read
	own    *sqReadSeries
	ownErr error
}

// sqJob is one GetSmartQueueRealtimeMetrics request: up to
// voxapi.MaxSQMetricsQueues queues of one application at one threshold.
type sqJob struct {
	app       voxapi.AppSelector // as configured
	sel       voxapi.AppSelector // as the API is asked
	ids       []int64            // the queues' ids, to match the answer's groups with
	names     []string           // the same queues' names: the method is asked by name only
	threshold time.Duration
	reports   []string
	answer    *voxapi.SQMetrics
}

// SQMetrics is the SmartQueue realtime metrics over [now-window, now] at
// each threshold, read at most once per --collector.smartqueue.refresh for
// the queues this pass's state lists, and served to the passes in between.
// check is called on each whole read, once.
func (p *Pass) SQMetrics(now func() time.Time, window time.Duration, thresholds []time.Duration, check func(*SQMetricsData)) (*SQMetricsData, error) {
	d, _, err := p.reads.sqMetrics.get(p.ctx, func() (fetchFunc[*SQMetricsData], error) {
		states, err := p.SQState()
		if err != nil {
			return nil, fmt.Errorf("the SmartQueue state read failed: %w", err)
		}
		api, end := p.API(), now()
		return func(ctx context.Context) (*SQMetricsData, error) {
			d, err := readSQMetrics(ctx, api, p.reads.log, states, end, window, thresholds)
			if err == nil && check != nil {
				check(d)
			}
			return d, err
		}, nil
	})
	return d, err
}

// readSQMetrics makes every request of one read: all or nothing. A group
// with a value in an undocumented shape is said in the log once per read;
// its series are left out.
func readSQMetrics(ctx context.Context, api API, log *slog.Logger, states []SQAppState, end time.Time, window time.Duration, thresholds []time.Duration) (*SQMetricsData, error) {
	jobs := sqJobs(states, thresholds)
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		g.Go(func() error {
			m, err := api.GetSmartQueueRealtimeMetrics(gctx, voxapi.SQMetricsParams{
				App: j.sel, SQQueueNames: j.names, From: end.Add(-window), To: end, ReportTypes: j.reports,
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
	for _, j := range jobs {
		for _, rep := range j.answer.Reports {
			for _, grp := range rep.Groups {
				if shape, bad := grp.BadShape(); bad && slices.Contains(j.ids, grp.SQQueueID) {
					warnBadShape(log, sqMetricsMethod, rep.ReportType, shape, "application", j.app.String(), "sq_queue_id", grp.SQQueueID)
				}
			}
		}
	}
	return &SQMetricsData{ReadAt: end, Window: window, States: states, Jobs: jobs}, nil
}

// sqJobs are the requests of one read: every application's queues in
// batches of at most voxapi.MaxSQMetricsQueues, at every threshold. The
// first threshold's request asks for every report; the others' for
// service_level alone, which is all that max_waiting_sec changes.
func sqJobs(states []SQAppState, thresholds []time.Duration) []*sqJob {
	all := make([]string, len(sqReports))
	for i, r := range sqReports {
		all[i] = r.typ
	}
	var jobs []*sqJob
	for _, a := range states {
		// A name the API's ;-separated list cannot carry (or a queue with
		// no name) is asked for with no queue filter: one request answers
		// every queue of the application, matched to them by id.
		size := voxapi.MaxSQMetricsQueues
		if slices.ContainsFunc(a.Queues, func(q voxapi.SQQueueState) bool {
			return q.SQQueueName == "" || strings.Contains(q.SQQueueName, ";")
		}) {
			size = max(len(a.Queues), 1)
		}
		for batch := range slices.Chunk(a.Queues, size) {
			ids, names := make([]int64, len(batch)), make([]string, len(batch))
			for i := range batch {
				ids[i], names[i] = batch[i].SQQueueID, batch[i].SQQueueName
			}
			if size != voxapi.MaxSQMetricsQueues {
				names = nil
			}
			for i, t := range thresholds {
				reports := all
				if i > 0 {
					reports = []string{voxapi.SQReportServiceLevel}
				}
				jobs = append(jobs, &sqJob{app: a.App, sel: a.Sel, ids: ids, names: names, threshold: t, reports: reports})
			}
		}
	}
	return jobs
}
