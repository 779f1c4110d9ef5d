package collector

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// QueueStatsData is one whole read of the statistics of every queue the
// watched applications own or serve.
type QueueStatsData struct {
	ReadAt time.Time     // the end of the window
	Window time.Duration // the span the statistics cover
	// Queues are the watched queues, each under every watched
	// application that owns or serves it.
	Queues []queueRef
	// Records are GetACDQueueStatistics' records by queue id; a queue with
	// no call in the window has none.
	Records map[int64][]voxapi.QueueStatsRecord

	// byID is each queue's outcomes and staffing, computed from Records
	// once per read, not on every scrape that serves it: the staffing
	// models are the costly part of a scrape.
	once  sync.Once
	byID  map[int64]queueOutcomes
	byErr error
}

// outcomes is every queue's outcomes by id, computed on the first call.
// opts are the queue_stats collector's, the same on every call.
func (d *QueueStatsData) outcomes(opts StaffingOptions) (map[int64]queueOutcomes, error) {
	d.once.Do(func() {
		d.byID = make(map[int64]queueOutcomes, len(d.Records))
		for _, q := range d.Queues {
			if _, done := d.byID[q.ID]; done {
				continue
			}
			o, err := outcomes(q, d.Records[q.ID], opts)
			if err != nil {
				d.byID, d.byErr = nil, err
				return
			}
			d.byID[q.ID] = o
		}
	})
	return d.byID, d.byErr
}

// QueueStats is the queue statistics over [now-window, now], read at most
// once per --collector.queue-stats.refresh and served to the passes in
// between. A read needs this pass's users and the directory, whole: the
// queues operators serve and the queues applications own are what it
// covers, and without either it would pass a part for the whole. It waits
// for a due directory read rather than take the last one, so that a queue
// added to the account is in the first statistics read after the
// directory's next refresh.
func (p *Pass) QueueStats(now func() time.Time, window time.Duration) (*QueueStatsData, error) {
	d, _, err := p.reads.queueStats.get(p.ctx, func() (fetchFunc[*QueueStatsData], error) {
		users, err := p.Users()
		if err != nil {
			return nil, fmt.Errorf("the users read failed: %w", err)
		}
		dir, apps, api, end := p.reads.directory, p.Apps(), p.API(), now()
		return func(ctx context.Context) (*QueueStatsData, error) {
			d, err := dir.fresh(ctx, p.directoryFetch)
			if err != nil {
				return nil, fmt.Errorf("the queue directory read failed: %w", err)
			}
			return readQueueStats(ctx, api, p.reads.log, watchedQueues(apps, d, users), end, window)
		}, nil
	})
	return d, err
}

// readQueueStats reads every queue's statistics over the window ending at
// end, one queue per request (a record carries no queue id), each queue
// once however many applications list it: all or nothing. An item in an
// undocumented shape is said in the log once per read; its series are left
// out.
func readQueueStats(ctx context.Context, api API, log *slog.Logger, queues []queueRef, end time.Time, window time.Duration) (*QueueStatsData, error) {
	var ids []int64
	for _, q := range queues {
		ids = append(ids, q.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	records := make([][]voxapi.QueueStatsRecord, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	for i, id := range ids {
		g.Go(func() error {
			recs, err := api.GetACDQueueStatistics(gctx, voxapi.QueueStatsParams{
				FromDate: end.Add(-window), ToDate: end, QueueIDs: []int64{id}, Aggregation: voxapi.AggregationNone,
			})
			if err != nil {
				return fmt.Errorf("GetACDQueueStatistics for queue %d: %w", id, err)
			}
			records[i] = recs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d := &QueueStatsData{ReadAt: end, Window: window, Queues: queues, Records: make(map[int64][]voxapi.QueueStatsRecord, len(ids))}
	for i, id := range ids {
		d.Records[id] = records[i]
		for _, r := range records[i] {
			for _, b := range r.BadShapes {
				warnBadShape(log, "GetACDQueueStatistics", b.Item, b.Shape, "queue_id", id)
			}
		}
	}
	return d, nil
}
