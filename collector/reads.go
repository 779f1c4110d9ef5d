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
//	resolution    GetApplications per name        --voximplant.directory-refresh   every read of an application set by name
//	users         GetUsers (every page)           every pass              users, acd_state, queue_stats
//	acdState      GetACDState                     every pass              acd_state
//	sqState       GetSQState per application      every pass              smartqueue
//	directory     GetQueues per application       --voximplant.directory-refresh   acd_state, queue_stats
//	queueStats    GetACDQueueStatistics per queue --collector.queue-stats.refresh  queue_stats
//	sqMetrics     GetSmartQueueRealtimeMetrics    --collector.smartqueue.refresh   smartqueue
//	sqAgents      GetSmartQueueRealtimeMetrics    --collector.smartqueue.refresh   smartqueue
//	              grouped by agent, per queue
//	operatorStats GetACDOperatorStatusStatistics  --collector.operator-stats.refresh operator_stats
//	              and GetACDOperatorStatistics
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
	// OperatorStatsRefresh: GetACDOperatorStatusStatistics and
	// GetACDOperatorStatistics (--collector.operator-stats.refresh).
	OperatorStatsRefresh time.Duration
	// AccountRefresh: GetAccountInfo (--collector.account.refresh).
	AccountRefresh time.Duration
}

// DefaultReadOptions are the flags' defaults.
var DefaultReadOptions = ReadOptions{
	DirectoryRefresh:  5 * time.Minute,
	QueueStatsRefresh: time.Minute,
	SmartQueueRefresh: time.Minute,

	OperatorStatsRefresh: time.Minute,
	AccountRefresh:       5 * time.Minute,
}

func (o ReadOptions) withDefaults() ReadOptions {
	d := DefaultReadOptions
	o.DirectoryRefresh = cmp.Or(o.DirectoryRefresh, d.DirectoryRefresh)
	o.QueueStatsRefresh = cmp.Or(o.QueueStatsRefresh, d.QueueStatsRefresh)
	o.SmartQueueRefresh = cmp.Or(o.SmartQueueRefresh, d.SmartQueueRefresh)
	o.OperatorStatsRefresh = cmp.Or(o.OperatorStatsRefresh, d.OperatorStatsRefresh)
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
		{"--collector.operator-stats.refresh", o.OperatorStatsRefresh},
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
	refused    sync.Once // GetApplications refused: said once
	resolution *read[Resolution]
	directory  *read[Directory]
	queueStats *read[*QueueStatsData]
	sqMetrics  *read[*SQMetricsData]
	sqAgents   *read[*SQAgentStatsData]

	operatorStats *read[*OperatorStatsData]
	account       *read[*voxapi.AccountInfo]
}

func newReads(life context.Context, now func() time.Time, o ReadOptions, log *slog.Logger) *reads {
	o = o.withDefaults()
	return &reads{
		log:        log,
		resolution: newRead[Resolution](life, now, "the application names (GetApplications)", o.DirectoryRefresh, readTimeout(o.DirectoryRefresh)),
		directory:  newRead[Directory](life, now, "the queue directory (GetQueues)", o.DirectoryRefresh, readTimeout(o.DirectoryRefresh)),
		queueStats: newRead[*QueueStatsData](life, now, "queue statistics (GetACDQueueStatistics)", o.QueueStatsRefresh, readTimeout(o.QueueStatsRefresh)),
		sqMetrics:  newRead[*SQMetricsData](life, now, "SmartQueue realtime metrics (GetSmartQueueRealtimeMetrics)", o.SmartQueueRefresh, readTimeout(o.SmartQueueRefresh)),
		sqAgents: newRead[*SQAgentStatsData](life, now, "SmartQueue agent metrics (GetSmartQueueRealtimeMetrics grouped by agent)",
			o.SmartQueueRefresh, readTimeout(o.SmartQueueRefresh)),

		operatorStats: newRead[*OperatorStatsData](life, now, "operator statistics (GetACDOperatorStatusStatistics, GetACDOperatorStatistics)",
			o.OperatorStatsRefresh, readTimeout(o.OperatorStatsRefresh)),
		account: newRead[*voxapi.AccountInfo](life, now, "the account (GetAccountInfo)", o.AccountRefresh, readTimeout(o.AccountRefresh)),
	}
}

// newPass makes a pass over the exporter's reads, its own reads made at
// most once each on ctx.
func newPass(ctx *passContext, api API, apps []voxapi.AppSelector, started time.Time, rs *reads, users voxapi.PageOptions) *Pass {
	p := &Pass{api: api, apps: apps, started: started, reads: rs, ctx: ctx}
	p.resolution = sync.OnceValues(func() (Resolution, error) {
		if !slices.ContainsFunc(apps, func(a voxapi.AppSelector) bool { return a.ID == 0 }) {
			return Resolution{}, nil // every application by id: nothing to ask
		}
		r, _, err := rs.resolution.get(ctx, func() (fetchFunc[Resolution], error) {
			return func(ctx context.Context) (Resolution, error) { return readResolution(ctx, api, apps) }, nil
		})
		if err == nil && r.Fallback {
			rs.refused.Do(func() {
				rs.log.Warn("GetApplications refused (code 104): application names go to GetUsers and GetSQState as application_name, which matches a part of the name (support also finds support-night), and GetQueues is not asked for them; give the service account a role that may call GetApplications, or watch by --voximplant.application-id")
			})
		}
		return r, err
	})
	p.users = sync.OnceValues(func() ([]AppUsers, error) { return readUsers(ctx, api, apps, p.apiSelector, users) })
	p.acdState = sync.OnceValues(func() (*voxapi.ACDState, error) { return api.GetACDState(ctx, nil) })
	p.sqState = sync.OnceValues(func() ([]SQAppState, error) { return readSQStates(ctx, api, apps, p.apiSelector) })
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

// apiSelector is the selector the API is asked with for a watched
// application: its id, or the id its name resolved to.
func (p *Pass) apiSelector(app voxapi.AppSelector) (voxapi.AppSelector, error) {
	if app.ID != 0 {
		return app, nil
	}
	r, err := p.resolution()
	if err != nil {
		return voxapi.AppSelector{}, fmt.Errorf("application %q: %w", app.Name, err)
	}
	return r.apiSelector(app)
}

// directoryFetch is the directory read's fetch. The applications set by
// name are resolved first (GetQueues selects by id only); one that cannot
// be asked for (GetApplications refused) has no entry: the queues its
// operators are bound to stand for its own.
func (p *Pass) directoryFetch() (fetchFunc[Directory], error) {
	ids := map[string]int64{}
	for _, app := range p.apps {
		sel, err := p.apiSelector(app)
		if err != nil {
			return nil, err
		}
		if sel.ID != 0 {
			ids[app.String()] = sel.ID
		}
	}
	api := p.api
	return func(ctx context.Context) (Directory, error) { return readDirectory(ctx, api, ids) }, nil
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

// eachApp reads every watched application concurrently, each asked for by
// the selector sel gives; the first application that fails cancels the
// others' reads and fails the whole read.
func eachApp[T any](ctx context.Context, apps []voxapi.AppSelector, sel func(voxapi.AppSelector) (voxapi.AppSelector, error),
	read func(ctx context.Context, app, s voxapi.AppSelector) (T, error)) ([]T, error) {
	out := make([]T, len(apps))
	g, gctx := errgroup.WithContext(ctx)
	for i, app := range apps {
		g.Go(func() error {
			s, err := sel(app)
			if err != nil {
				return err
			}
			out[i], err = read(gctx, app, s)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// readUsers reads every application's users (every page).
func readUsers(ctx context.Context, api API, apps []voxapi.AppSelector, sel func(voxapi.AppSelector) (voxapi.AppSelector, error), opts voxapi.PageOptions) ([]AppUsers, error) {
	return eachApp(ctx, apps, sel, func(ctx context.Context, app, s voxapi.AppSelector) (AppUsers, error) {
		users, _, err := api.GetAllUsers(ctx, s, opts)
		return AppUsers{App: app, Users: users}, err
	})
}

// Directory is GetQueues' answer per watched application, by
// AppSelector.String().
type Directory map[string][]voxapi.QueueInfo

// readDirectory reads the queues of each application of ids (by
// AppSelector.String()); any failure fails the read, naming the
// application.
func readDirectory(ctx context.Context, api API, ids map[string]int64) (Directory, error) {
	var mu sync.Mutex
	d := Directory{}
	g, gctx := errgroup.WithContext(ctx)
	for app, id := range ids {
		g.Go(func() error {
			qs, err := api.GetQueues(gctx, id)
			if err != nil {
				return fmt.Errorf("GetQueues for application %s: %w", app, err)
			}
			mu.Lock()
			d[app] = qs
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return d, nil
}

// SQAppState is one watched application's SmartQueues, by id, each once.
type SQAppState struct {
	App    voxapi.AppSelector // as configured: the application label
	Sel    voxapi.AppSelector // as the API is asked: by id where a name was resolved
	Queues []voxapi.SQQueueState
}

// readSQStates reads every SmartQueue of every watched application, one
// GetSQState per application, concurrently; any failure fails the read.
func readSQStates(ctx context.Context, api API, apps []voxapi.AppSelector, sel func(voxapi.AppSelector) (voxapi.AppSelector, error)) ([]SQAppState, error) {
	return eachApp(ctx, apps, sel, func(ctx context.Context, app, s voxapi.AppSelector) (SQAppState, error) {
		qs, err := api.GetSQState(ctx, voxapi.SQStateParams{App: s}) // no ids: sq_queue_id=all
		if err != nil {
			return SQAppState{}, fmt.Errorf("%s for application %s: %w", sqStateMethod, app, err)
		}
		slices.SortStableFunc(qs, func(a, b voxapi.SQQueueState) int { return cmp.Compare(a.SQQueueID, b.SQQueueID) })
		qs = slices.CompactFunc(qs, func(a, b voxapi.SQQueueState) bool { return a.SQQueueID == b.SQQueueID })
		return SQAppState{App: app, Sel: s, Queues: qs}, nil
	})
}

// hint is what to do about an API error, or "".
func hint(err error) string {
	var ae *voxapi.APIError
	if errors.As(err, &ae) {
		return ae.Hint()
	}
	return ""
}
