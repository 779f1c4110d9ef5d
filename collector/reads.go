package collector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// Every API read the collectors make, declared once with its freshness.
//
//	read          method                          fresh for               used by
//	users         GetUsers (every page)           every pass              users, acd_state, queue_stats
//	acdState      GetACDState                     every pass              acd_state
//	sqState       GetSQState per application      every pass              smartqueue
//	directory     GetQueues per application       --voximplant.directory-refresh   acd_state, queue_stats
//	queueStats    GetACDQueueStatistics per queue --collector.queue-stats.refresh  queue_stats
//	sqMetrics     GetSmartQueueRealtimeMetrics    --collector.smartqueue.refresh   smartqueue
//	account       GetAccountInfo                  --collector.account.refresh      account
//
// A read made every pass belongs to the pass: it runs on the pass's
// context and ends with it. A read made at most once per interval is a
// read[T] (read.go): it outlives passes, and every such read follows the
// same rules. A read nobody asks for costs nothing.

// ReadOptions are the intervals of the reads made at most once per
// interval; zero fields take DefaultReadOptions'.
type ReadOptions struct {
	// DirectoryRefresh: GetQueues (--voximplant.directory-refresh).
	DirectoryRefresh time.Duration
	// QueueStatsRefresh: GetACDQueueStatistics (--collector.queue-stats.refresh).
	QueueStatsRefresh time.Duration
	// SmartQueueRefresh: GetSmartQueueRealtimeMetrics (--collector.smartqueue.refresh).
	SmartQueueRefresh time.Duration
	// AccountRefresh: GetAccountInfo (--collector.account.refresh).
	AccountRefresh time.Duration
}

// DefaultReadOptions are the flags' defaults.
var DefaultReadOptions = ReadOptions{
	DirectoryRefresh:  5 * time.Minute,
	QueueStatsRefresh: time.Minute,
	SmartQueueRefresh: time.Minute,
	AccountRefresh:    5 * time.Minute,
}

func (o ReadOptions) withDefaults() ReadOptions {
	d := DefaultReadOptions
	o.DirectoryRefresh = cmp.Or(o.DirectoryRefresh, d.DirectoryRefresh)
	o.QueueStatsRefresh = cmp.Or(o.QueueStatsRefresh, d.QueueStatsRefresh)
	o.SmartQueueRefresh = cmp.Or(o.SmartQueueRefresh, d.SmartQueueRefresh)
	o.AccountRefresh = cmp.Or(o.AccountRefresh, d.AccountRefresh)
	return o
}

func (o ReadOptions) validate() error {
	var errs []error
	for _, f := range []struct {
		flag string
		d    time.Duration
	}{
		{"--voximplant.directory-refresh", o.DirectoryRefresh},
		{"--collector.queue-stats.refresh", o.QueueStatsRefresh},
		{"--collector.smartqueue.refresh", o.SmartQueueRefresh},
		{"--collector.account.refresh", o.AccountRefresh},
	} {
		if f.d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %s", f.flag, f.d))
		}
	}
	return errors.Join(errs...)
}

// readTimeout bounds one read made at most once per every: its interval,
// at least 30 s (a refresh due every few seconds may still take a slow
// API's retries), at most 5 minutes.
func readTimeout(every time.Duration) time.Duration {
	return min(max(every, 30*time.Second), 5*time.Minute)
}

// reads are the exporter's reads made at most once per interval; they
// live as long as the exporter.
type reads struct {
	log        *slog.Logger
	directory  *read[Directory]
	queueStats *read[*QueueStatsData]
	sqMetrics  *read[*SQMetricsData]
	account    *read[*voxapi.AccountInfo]
}

func newReads(life context.Context, now func() time.Time, o ReadOptions, log *slog.Logger) *reads {
	o = o.withDefaults()
	return &reads{
		log:        log,
		directory:  newRead[Directory](life, now, "the queue directory (GetQueues)", o.DirectoryRefresh, readTimeout(o.DirectoryRefresh)),
		queueStats: newRead[*QueueStatsData](life, now, "queue statistics (GetACDQueueStatistics)", o.QueueStatsRefresh, readTimeout(o.QueueStatsRefresh)),
		sqMetrics:  newRead[*SQMetricsData](life, now, "SmartQueue realtime metrics (GetSmartQueueRealtimeMetrics)", o.SmartQueueRefresh, readTimeout(o.SmartQueueRefresh)),
		account:    newRead[*voxapi.AccountInfo](life, now, "the account (GetAccountInfo)", o.AccountRefresh, readTimeout(o.AccountRefresh)),
	}
}

// newPass makes a pass over the exporter's reads, its own reads made at
// most once each on ctx.
func newPass(ctx *passContext, api API, apps []voxapi.AppSelector, started time.Time, rs *reads, users voxapi.PageOptions) *Pass {
	p := &Pass{api: api, apps: apps, started: started, reads: rs, ctx: ctx}
	p.users = sync.OnceValues(func() ([]AppUsers, error) { return readUsers(ctx, api, apps, users) })
	p.acdState = sync.OnceValues(func() (*voxapi.ACDState, error) { return api.GetACDState(ctx, nil) })
	p.sqState = sync.OnceValues(func() ([]SQAppState, error) { return readSQStates(ctx, api, apps) })
	p.dir = sync.OnceValues(func() (Directory, error) {
		d, _, err := rs.directory.get(ctx, p.directoryFetch)
		if err != nil {
			rs.log.Warn("the queue directory (GetQueues) was not read: acd_state files queues by the operators bound to them, and queue_stats fails until it is; it is read again on the next scrape",
				"err", err, "hint", hint(err))
		}
		return d, err
	})
	return p
}

// directoryFetch is the directory read's fetch.
func (p *Pass) directoryFetch() (fetchFunc[Directory], error) {
	api, apps := p.api, p.apps
	return func(ctx context.Context) (Directory, error) { return readDirectory(ctx, api, apps) }, nil
}

// Users is every watched application's users, read once per pass
// (GetUsers, every page), or the error that failed the read: all or
// nothing.
func (p *Pass) Users() ([]AppUsers, error) { return p.users() }

// ACDState is GetACDState's answer for every queue, read once per pass.
func (p *Pass) ACDState() (*voxapi.ACDState, error) { return p.acdState() }

// SQState is every watched application's SmartQueues (GetSQState), read
// once per pass.
func (p *Pass) SQState() ([]SQAppState, error) { return p.sqState() }

// Directory is GetQueues' answer for every watched application, read at
// most once per --voximplant.directory-refresh: queue settings change
// rarely. All or nothing: an application that did not answer fails it.
func (p *Pass) Directory() (Directory, error) { return p.dir() }

// AppUsers are the users one watched application returned.
type AppUsers struct {
	App   voxapi.AppSelector
	Users []voxapi.User
}

// readUsers reads every application concurrently; the first application
// that fails cancels the others' reads and fails the whole read.
func readUsers(ctx context.Context, api API, apps []voxapi.AppSelector, opts voxapi.PageOptions) ([]AppUsers, error) {
	out := make([]AppUsers, len(apps))
	g, gctx := errgroup.WithContext(ctx)
	for i, app := range apps {
		g.Go(func() error {
			users, _, err := api.GetAllUsers(gctx, app, opts)
			if err != nil {
				return err
			}
			out[i] = AppUsers{App: app, Users: users}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// Directory is GetQueues' answer per watched application, by
// AppSelector.String().
type Directory map[string][]voxapi.QueueInfo

// readDirectory reads every application's queues; any failure fails the
// read, naming the application.
func readDirectory(ctx context.Context, api API, apps []voxapi.AppSelector) (Directory, error) {
	out := make([][]voxapi.QueueInfo, len(apps))
	g, gctx := errgroup.WithContext(ctx)
	for i, app := range apps {
		g.Go(func() error {
			qs, err := api.GetQueues(gctx, app)
			if err != nil {
				return fmt.Errorf("GetQueues for application %s: %w", app, err)
			}
			out[i] = qs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d := Directory{}
	for i, app := range apps {
		d[app.String()] = out[i]
	}
	return d, nil
}

// SQAppState is one watched application's SmartQueues, by id, each once.
type SQAppState struct {
	App    voxapi.AppSelector
	Queues []voxapi.SQQueueState
}

// readSQStates reads every SmartQueue of every watched application, one
// GetSQState per application, concurrently; any failure fails the read.
func readSQStates(ctx context.Context, api API, apps []voxapi.AppSelector) ([]SQAppState, error) {
	out := make([]SQAppState, len(apps))
	g, gctx := errgroup.WithContext(ctx)
	for i, app := range apps {
		g.Go(func() error {
			qs, err := api.GetSQState(gctx, voxapi.SQStateParams{App: app}) // no ids: sq_queue_id=all
			if err != nil {
				return fmt.Errorf("%s for application %s: %w", sqStateMethod, app, err)
			}
			slices.SortStableFunc(qs, func(a, b voxapi.SQQueueState) int { return cmp.Compare(a.SQQueueID, b.SQQueueID) })
			qs = slices.CompactFunc(qs, func(a, b voxapi.SQQueueState) bool { return a.SQQueueID == b.SQQueueID })
			out[i] = SQAppState{App: app, Queues: qs}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// hint is what to do about an API error, or "".
func hint(err error) string {
	var ae *voxapi.APIError
	if errors.As(err, &ae) {
		return ae.Hint()
	}
	return ""
}
