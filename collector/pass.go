package collector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A flight is one shared pass over the API: every enabled collector's
// Update, run concurrently under one context. Scrapes that arrive while it
// runs join it instead of starting their own (an HA pair of Prometheus
// servers costs one pass); each waits for it within its own deadline.
type flight struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	started time.Time
	names   []string
	slots   []slot
	done    chan struct{} // closed when every slot is done
	ended   time.Time     // set before done closes
	ok      bool          // every slot succeeded; set before done closes
	waiters int           // scrapes waiting; guarded by passGroup.mu
	filed   chan struct{} // closed once passGroup has filed the finished flight
}

// slot is one collector's outcome in a flight.
type slot struct {
	done chan struct{}
	res  Result
	err  error
	took time.Duration
}

// outcome is what a scrape takes of one collector.
type outcome struct {
	name string
	res  Result // nil when err is set
	err  error
	took time.Duration
}

// newFlight starts one Update per collector under ctx. failed, when set,
// is told of each failure before any scrape can see it (so a scrape's
// failure is in the log by the time the scrape answers), except failures
// of a pass that every scrape abandoned.
func newFlight(ctx context.Context, cancel context.CancelCauseFunc, now func() time.Time, cs []Collector, p *Pass, failed func(name string, err error)) *flight {
	f := &flight{ctx: ctx, cancel: cancel, started: now(), names: make([]string, len(cs)),
		slots: make([]slot, len(cs)), done: make(chan struct{}), filed: make(chan struct{})}
	var wg sync.WaitGroup
	for i, c := range cs {
		f.names[i] = c.Name()
		s := &f.slots[i]
		s.done = make(chan struct{})
		wg.Go(func() {
			defer close(s.done)
			s.res, s.err = c.Update(ctx, p)
			if s.err == nil && s.res == nil {
				s.err = fmt.Errorf("collector %s returned neither series nor an error", c.Name())
			}
			if s.err != nil {
				s.res = nil
				if failed != nil && !errors.Is(s.err, errAbandoned) {
					failed(c.Name(), s.err)
				}
			}
			s.took = now().Sub(f.started)
		})
	}
	go func() {
		wg.Wait()
		f.ok = true
		for i := range f.slots {
			f.ok = f.ok && f.slots[i].err == nil
		}
		f.ended = now()
		cancel(nil)
		close(f.done)
	}()
	return f
}

// wait returns every collector's outcome, waiting for each within ctx. A
// collector that has not finished by ctx's end is failed for this scrape,
// and the ones that have finished are served: a slow source never hides
// another's data, nor delays it past the deadline.
func (f *flight) wait(ctx context.Context, now func() time.Time) []outcome {
	out := make([]outcome, len(f.slots))
	for i := range f.slots {
		s := &f.slots[i]
		out[i].name = f.names[i]
		select {
		case <-s.done:
		case <-ctx.Done():
		}
		select {
		case <-s.done:
			out[i].res, out[i].err, out[i].took = s.res, s.err, s.took
		default:
			out[i].err = fmt.Errorf("collector %s did not finish before the scrape's deadline: %w", f.names[i], context.Cause(ctx))
			out[i].took = now().Sub(f.started)
		}
	}
	return out
}

func (f *flight) finished() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// errAbandoned cancels a pass that no scrape waits for any more.
var errAbandoned = errors.New("every scrape waiting for the pass gave up")

// passGroup hands scrapes a flight to wait for: the last whole one within
// the cache TTL, the one running, or a new one. A scrape that gives up
// leaves the flight running for the others; a flight nobody waits for any
// more is cancelled, and the next scrape starts afresh rather than inherit
// its failure.
type passGroup struct {
	// start launches a flight under ctx; cancel ends it.
	start   func(ctx context.Context, cancel context.CancelCauseFunc) *flight
	ttl     time.Duration // reuse a whole flight for this long (0: never)
	timeout time.Duration // a flight's own bound beside its first scrape's deadline
	now     func() time.Time
	// joined, when set, is called after a scrape has joined a flight (a
	// gate for tests: it says the join happened, instead of a sleep).
	joined func(f *flight, started bool)

	mu       sync.Mutex
	inflight *flight
	last     *flight // last flight whose collectors all succeeded
}

// join returns the flight for a scrape bound by ctx, and leave, which the
// scrape calls once it has taken what it serves.
func (g *passGroup) join(ctx context.Context) (f *flight, leave func()) {
	g.mu.Lock()
	if l := g.last; l != nil && g.ttl > 0 && g.now().Sub(l.started) < g.ttl {
		g.mu.Unlock()
		return l, func() {}
	}
	f = g.inflight
	started := false
	if f == nil {
		// The flight gets a deadline too, so that the client knows its
		// budget and fails at once rather than wait out a Retry-After it
		// cannot use: the later of the starting scrape's deadline and
		// now+timeout.
		fctx, cancel := context.WithCancelCause(context.Background())
		fctx, stop := withPassDeadline(fctx, ctx, g.now(), g.timeout)
		f = g.start(fctx, func(cause error) { cancel(cause); stop() })
		g.inflight, started = f, true
		go g.settle(f)
	}
	f.waiters++
	g.mu.Unlock()
	if g.joined != nil {
		g.joined(f, started)
	}
	return f, func() { g.leave(f) }
}

// settle files a finished flight: no longer in flight, and the cache's if
// every collector succeeded.
func (g *passGroup) settle(f *flight) {
	<-f.done
	g.mu.Lock()
	defer g.mu.Unlock()
	defer close(f.filed)
	if g.inflight == f {
		g.inflight = nil
	}
	if f.ok {
		g.last = f
	}
}

func (g *passGroup) leave(f *flight) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f.waiters--
	if f.waiters > 0 || f.finished() {
		return
	}
	f.cancel(errAbandoned)
	if g.inflight == f {
		g.inflight = nil
	}
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
