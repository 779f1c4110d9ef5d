package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// API is the Management API as the built-in collectors use it;
// *voxapi.Client is one. A collector that needs another method asserts its
// own interface on Pass.API.
type API interface {
	GetAllUsers(ctx context.Context, app voxapi.AppSelector, opts voxapi.PageOptions) ([]voxapi.User, voxapi.PageStats, error)
	GetACDState(ctx context.Context, queueIDs []int64) (*voxapi.ACDState, error)
	GetQueues(ctx context.Context, applicationID int64) ([]voxapi.QueueInfo, error)
}

// Pass is one shared pass as a collector sees it: the API, the watched
// applications, and the reads several collectors need (the users, the
// queue directory), each made at most once per pass whoever asks first.
type Pass struct {
	api     API
	apps    []voxapi.AppSelector
	started time.Time
	users   func() ([]AppUsers, error)
	queues  func() (map[string][]voxapi.QueueInfo, error)
}

// API is the client every request of the pass goes through: one token,
// one retry policy and one concurrency bound for every collector.
func (p *Pass) API() API { return p.api }

// Apps are the watched applications, as configured.
func (p *Pass) Apps() []voxapi.AppSelector { return p.apps }

// Started is when the pass began.
func (p *Pass) Started() time.Time { return p.started }

// Users is every watched application's users, read once per pass
// (GetUsers, every page), or the error that failed the read: all or
// nothing.
func (p *Pass) Users() ([]AppUsers, error) { return p.users() }

// Queues is GetQueues' answer per watched application (by
// AppSelector.String), from a cache refreshed every few minutes: queue
// settings change rarely. An application missing from the map had no
// answer; the error says why.
func (p *Pass) Queues() (map[string][]voxapi.QueueInfo, error) { return p.queues() }

// AppUsers are the users one watched application returned.
type AppUsers struct {
	App   voxapi.AppSelector
	Users []voxapi.User
}

// readUsers reads every application concurrently; the first application
// that fails cancels the others' reads and fails the whole read.
func readUsers(ctx context.Context, api API, apps []voxapi.AppSelector, opts voxapi.PageOptions) ([]AppUsers, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make([]AppUsers, len(apps))
	errs := make([]error, len(apps))
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Go(func() {
			users, _, err := api.GetAllUsers(ctx, app, opts)
			if err != nil {
				errs[i] = err
				cancel(err)
				return
			}
			out[i] = AppUsers{App: app, Users: users}
		})
	}
	wg.Wait()
	if err := firstCause(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// firstCause prefers a real error to the cancellations it caused in the
// other applications' reads.
func firstCause(errs []error) error {
	var fallback error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if fallback == nil {
			fallback = err
		}
	}
	return fallback
}

// Queue directory refresh: settings change rarely, live state is read on
// every pass.
const (
	queueDirectoryTTL = 5 * time.Minute
	// queueDirectoryRetry is how long a failed GetQueues waits before the
	// next try, so that an account without it (or a role without it)
	// costs a request and a warning per minute, not per scrape.
	queueDirectoryRetry = time.Minute
)

// queueDirectory caches GetQueues per application across passes.
type queueDirectory struct {
	api  API
	apps []voxapi.AppSelector
	log  *slog.Logger
	now  func() time.Time

	mu      sync.Mutex
	fetched time.Time
	byApp   map[string][]voxapi.QueueInfo
	failed  time.Time
	lastErr error
}

// get returns the cached directory, refreshing it first when stale. A
// failed refresh keeps the old answer and is retried after
// queueDirectoryRetry; with no old answer, it returns what did answer and
// the error.
func (d *queueDirectory) get(ctx context.Context) (map[string][]voxapi.QueueInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	stale := d.byApp == nil || now.Sub(d.fetched) >= queueDirectoryTTL
	if !stale || (!d.failed.IsZero() && now.Sub(d.failed) < queueDirectoryRetry) {
		if d.byApp == nil {
			return map[string][]voxapi.QueueInfo{}, d.lastErr
		}
		return d.byApp, nil
	}
	fresh := map[string][]voxapi.QueueInfo{}
	var mu sync.Mutex
	var errs error
	var wg sync.WaitGroup
	for _, app := range d.apps {
		wg.Go(func() {
			var qs []voxapi.QueueInfo
			err := voxapi.ErrQueuesNeedApplicationID // GetQueues has no application_name
			if app.ID != 0 {
				qs, err = d.api.GetQueues(ctx, app.ID)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = errors.Join(errs, fmt.Errorf("GetQueues for application %s: %w", app, err))
				return
			}
			fresh[app.String()] = qs
		})
	}
	wg.Wait()
	if errs == nil {
		d.byApp, d.fetched, d.failed, d.lastErr = fresh, now, time.Time{}, nil
		return d.byApp, nil
	}
	d.failed, d.lastErr = now, errs
	d.log.Warn("GetQueues failed: queues are filed under the applications whose operators are bound to them, and queues nobody is bound to are left out; retrying in a minute",
		"err", errs)
	if d.byApp != nil {
		return d.byApp, nil
	}
	return fresh, errs
}
