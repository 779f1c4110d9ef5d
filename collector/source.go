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

// UserFetcher reads every user of one application; *voxapi.Client is one.
type UserFetcher interface {
	GetAllUsers(ctx context.Context, app voxapi.AppSelector, opts voxapi.PageOptions) ([]voxapi.User, voxapi.PageStats, error)
}

// AppUsers are the users one watched application returned.
type AppUsers struct {
	App   voxapi.AppSelector
	Users []voxapi.User
}

// Snapshot is one complete read of every watched application. A snapshot
// with Err set holds no users: a half-read account is never published.
type Snapshot struct {
	Apps      []AppUsers
	FetchedAt time.Time     // when the pass started
	Duration  time.Duration // how long the pass took
	Err       error
	// ACD is the queue demand read beside the users, nil unless
	// SourceOptions.ACDState is set. Its failure does not set Err, nor
	// does Err fail it.
	ACD *ACDSnapshot
}

// SourceOptions configure a Source.
type SourceOptions struct {
	Apps            []voxapi.AppSelector
	PageSize        int
	PageConcurrency int // pages in flight at once, across all applications
	// CacheTTL lets scrapes within this long of a successful pass reuse it.
	CacheTTL time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
	// PassTimeout bounds a pass that the scrape starting it would bound
	// less: a pass runs until the later of that scrape's deadline and now
	// plus PassTimeout (0: the scrape's deadline alone), or until no scrape
	// waits for it any more.
	PassTimeout time.Duration
	// ACDState also reads GetACDState (and GetQueues for queue names) on
	// every pass; the fetcher must then implement ACDFetcher.
	ACDState bool
}

// Source hands out snapshots. Scrapes that arrive while a pass is running
// share it rather than starting their own (an HA pair of Prometheus servers
// costs one pass), and a scraper that gives up leaves the pass running for
// the others. It remembers each application's last total_count and page cap,
// so that the next pass can request every expected page at once.
type Source struct {
	fetch UserFetcher
	acd   ACDFetcher // nil unless SourceOptions.ACDState
	opts  SourceOptions
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex
	inflight *pass
	last     *Snapshot // last successful snapshot, for the cache
	hints    map[string]voxapi.PageStats

	queueNames queueNames
}

// pass is one run over every application; done closes when snap is set.
type pass struct {
	done    chan struct{}
	snap    *Snapshot
	cancel  context.CancelCauseFunc
	waiters int // scrapes waiting for it; guarded by Source.mu
}

// NewSource builds a Source over fetch.
func NewSource(fetch UserFetcher, opts SourceOptions) *Source {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PageConcurrency <= 0 {
		opts.PageConcurrency = voxapi.DefaultPageConcurrency
	}
	s := &Source{fetch: fetch, opts: opts, log: opts.Logger, now: opts.Now, hints: map[string]voxapi.PageStats{}}
	if opts.ACDState {
		acd, ok := fetch.(ACDFetcher)
		if !ok {
			panic("collector: SourceOptions.ACDState needs a fetcher that implements ACDFetcher")
		}
		s.acd = acd
	}
	return s
}

// Snapshot returns a fresh enough snapshot: the cached one within the TTL,
// the pass already running, or a new pass. ctx bounds only this caller's
// wait: the pass runs for as long as any scrape still waits for it, so a
// scraper whose deadline runs out gets its error without cancelling the
// pass for the others, and a pass nobody waits for any more is cancelled.
func (s *Source) Snapshot(ctx context.Context) *Snapshot {
	s.mu.Lock()
	if s.last != nil && s.opts.CacheTTL > 0 && s.now().Sub(s.last.FetchedAt) < s.opts.CacheTTL {
		snap := s.last
		s.mu.Unlock()
		return snap
	}
	p := s.inflight
	if p == nil {
		passCtx, cancel := context.WithCancelCause(context.Background())
		// The pass gets a deadline too, so that the client knows its budget
		// and fails at once rather than wait out a Retry-After it cannot
		// use: the later of the starting scrape's deadline and PassTimeout.
		passCtx, stopDeadline := withPassDeadline(passCtx, ctx, s.now(), s.opts.PassTimeout)
		p = &pass{done: make(chan struct{}), cancel: cancel}
		s.inflight = p
		go func() {
			defer cancel(nil)
			defer stopDeadline()
			snap := s.run(passCtx)
			s.mu.Lock()
			p.snap = snap
			if s.inflight == p {
				s.inflight = nil
			}
			if snap.Err == nil && (snap.ACD == nil || snap.ACD.Err == nil) {
				s.last = snap
			}
			s.mu.Unlock()
			close(p.done)
		}()
	}
	p.waiters++
	s.mu.Unlock()

	select {
	case <-p.done:
		return p.snap
	case <-ctx.Done():
		s.mu.Lock()
		p.waiters--
		if p.waiters == 0 {
			p.cancel(errors.New("every scrape waiting for the pass gave up"))
			// A scrape arriving while the cancelled pass winds down must
			// start a fresh one, not inherit its failure.
			if s.inflight == p {
				s.inflight = nil
			}
		}
		s.mu.Unlock()
		err := fmt.Errorf("scrape gave up waiting for the Voximplant API: %w", context.Cause(ctx))
		snap := &Snapshot{FetchedAt: s.now(), Err: err}
		if s.acd != nil {
			snap.ACD = &ACDSnapshot{Err: err}
		}
		return snap
	}
}

// run reads every application concurrently, and the queue demand beside
// them when enabled. The first failed application cancels the other reads
// of users, not the queue demand, and fails the snapshot.
func (s *Source) run(passCtx context.Context) *Snapshot {
	start := s.now()
	snap := &Snapshot{FetchedAt: start, Apps: make([]AppUsers, len(s.opts.Apps))}
	ctx, cancel := context.WithCancelCause(passCtx)
	defer cancel(nil)

	var acd *acdPass
	acdDone := make(chan struct{})
	if s.acd != nil {
		go func() {
			defer close(acdDone)
			acd = s.runACD(passCtx)
		}()
	} else {
		close(acdDone)
	}
	defer func() {
		<-acdDone
		if acd != nil {
			snap.ACD = s.buildACDSnapshot(acd, snap.Apps)
		}
		snap.Duration = s.now().Sub(start)
	}()

	limiter := make(chan struct{}, s.opts.PageConcurrency)
	errs := make([]error, len(s.opts.Apps))
	stats := make([]voxapi.PageStats, len(s.opts.Apps))
	var wg sync.WaitGroup
	for i, app := range s.opts.Apps {
		s.mu.Lock()
		hint := s.hints[app.String()]
		s.mu.Unlock()
		wg.Go(func() {
			users, st, err := s.fetch.GetAllUsers(ctx, app, voxapi.PageOptions{
				PageSize:    s.opts.PageSize,
				Concurrency: s.opts.PageConcurrency,
				Limiter:     limiter,
				Hint:        hint,
			})
			if err != nil {
				errs[i] = err
				cancel(err)
				return
			}
			snap.Apps[i] = AppUsers{App: app, Users: users}
			stats[i] = st
		})
	}
	wg.Wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := firstCause(errs); err != nil {
		logFailure(s.log, err)
		// A scrape after a failure reads page 1 first again.
		clear(s.hints)
		snap.Apps, snap.Err = nil, err
		return snap
	}
	for i, app := range s.opts.Apps {
		s.hints[app.String()] = stats[i]
	}
	return snap
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

// logFailure logs a failed pass once, with the API code and what to do
// about it when the API gave one.
func logFailure(log *slog.Logger, err error) {
	var ae *voxapi.APIError
	if errors.As(err, &ae) {
		log.Error("reading Voximplant users failed; serving voximplant_up 0",
			"method", ae.Method, "http_status", ae.HTTPStatus, "code", ae.Code, "hint", ae.Hint(), "err", err)
		return
	}
	log.Error("reading Voximplant users failed; serving voximplant_up 0", "err", err)
}

// withPassDeadline gives a pass the later of the starting scrape's deadline
// and now+timeout. Without either, the pass has no deadline of its own and
// ends when its last waiter leaves.
func withPassDeadline(passCtx, scrapeCtx context.Context, now time.Time, timeout time.Duration) (context.Context, context.CancelFunc) {
	dl, ok := scrapeCtx.Deadline()
	if timeout > 0 {
		if own := now.Add(timeout); !ok || own.After(dl) {
			dl, ok = own, true
		}
	}
	if !ok {
		return passCtx, func() {}
	}
	return context.WithDeadline(passCtx, dl)
}
