package collector

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// A Pass is one shared read of the API: every enabled collector's Update,
// run concurrently under one context. Scrapes that arrive while it runs
// join it instead of starting their own (an HA pair of Prometheus servers
// costs one pass); each waits for it within its own deadline, and the pass
// runs as long as its longest-waiting scrape allows.
//
// To a collector, a Pass is the API, the watched applications and the
// reads (reads.go): those made once for this pass (the users, the live
// ACD and SmartQueue state) and those made at most once per interval and
// shared across passes (the queue directory, statistics, SmartQueue
// metrics).
type Pass struct {
	api     API
	apps    []voxapi.AppSelector
	started time.Time
	reads   *reads
	// The pass's own reads, each made at most once, whoever asks first.
	resolution func() (Resolution, error)
	users      func() ([]AppUsers, error)
	acdState   func() (*voxapi.ACDState, error)
	sqState    func() ([]SQAppState, error)
	dir        func() (Directory, error)

	ctx       *passContext
	abandoned atomic.Bool // every scrape gave up on it: its failures are not logged
	names     []string
	slots     []slot
	done      chan struct{} // closed when every slot is done and ended is set
	ended     time.Time
	waiters   int  // scrapes waiting; guarded by passGroup.mu
	filed     bool // passGroup has filed it; guarded by passGroup.mu
}

// API is the client every request of the pass goes through: one token,
// one retry policy and one concurrency bound for every collector.
func (p *Pass) API() API { return p.api }

// Apps are the watched applications, as configured.
func (p *Pass) Apps() []voxapi.AppSelector { return p.apps }

// Started is when the pass began.
func (p *Pass) Started() time.Time { return p.started }

// slot is one collector's outcome in a pass.
type slot struct {
	done chan struct{}
	res  *Result
	err  error
	took time.Duration
}

// outcome is what a scrape takes of one collector.
type outcome struct {
	name string
	res  *Result // nil when err is set
	err  error
	took time.Duration
}

// run starts one Update per collector under the pass's context. failed,
// when set, is told of each failure before any scrape can see it (so a
// scrape's failure is in the log by the time the scrape answers), except
// failures of a pass that every scrape abandoned.
func (p *Pass) run(now func() time.Time, cs []Collector, failed func(name string, err error)) {
	p.names = make([]string, len(cs))
	p.slots = make([]slot, len(cs))
	p.done = make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range cs {
		p.names[i] = c.Name()
		s := &p.slots[i]
		s.done = make(chan struct{})
		wg.Go(func() {
			defer close(s.done)
			s.res, s.err = c.Update(p.ctx, p)
			if s.err == nil && s.res == nil {
				s.err = fmt.Errorf("collector %s returned neither series nor an error", c.Name())
			}
			if s.err != nil {
				s.res = nil
				if failed != nil && !p.abandoned.Load() {
					failed(c.Name(), s.err)
				}
			}
			s.took = now().Sub(p.started)
		})
	}
	go func() {
		wg.Wait()
		p.ended = now()
		p.ctx.end(context.Canceled) // release the pass's timer and watchers
		close(p.done)
	}()
}

// wait returns every collector's outcome, waiting for each within ctx. A
// collector that has not finished by ctx's end is failed for this scrape,
// and the ones that have finished are served: a slow source never hides
// another's data, nor delays it past the deadline.
func (p *Pass) wait(ctx context.Context, now func() time.Time) []outcome {
	out := make([]outcome, len(p.slots))
	for i := range p.slots {
		s := &p.slots[i]
		out[i].name = p.names[i]
		select {
		case <-s.done:
		case <-ctx.Done():
		}
		select {
		case <-s.done:
			out[i].res, out[i].err, out[i].took = s.res, s.err, s.took
		default:
			out[i].err = fmt.Errorf("collector %s did not finish before the scrape's deadline: %w", p.names[i], context.Cause(ctx))
			out[i].took = now().Sub(p.started)
		}
	}
	return out
}

func (p *Pass) finished() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// answered reports whether every collector of p has its outcome, which
// may be a moment before done closes.
func (p *Pass) answered() bool {
	for i := range p.slots {
		select {
		case <-p.slots[i].done:
		default:
			return false
		}
	}
	return true
}

// ok reports whether every collector succeeded; only for an answered pass.
func (p *Pass) ok() bool {
	for i := range p.slots {
		if p.slots[i].err != nil {
			return false
		}
	}
	return true
}

// passGroup hands scrapes a pass to wait for: the last whole one within
// the cache TTL, the one running, or a new one. A scrape that gives up
// leaves the pass running for the others; a pass nobody waits for any
// more is cancelled, and the next scrape starts afresh rather than inherit
// its failure.
type passGroup struct {
	// start makes a pass (its context set) and runs its collectors.
	start   func(ctx *passContext) *Pass
	ttl     time.Duration // reuse a whole pass for this long (0: never)
	timeout time.Duration // a pass's own bound beside its first scrape's deadline
	now     func() time.Time
	// joined, when set, is called after a scrape has joined a pass (a
	// gate for tests: it says the join happened, instead of a sleep).
	joined func(p *Pass, started bool)

	mu      sync.Mutex
	running *Pass
	last    *Pass // last pass whose collectors all succeeded, kept only with a TTL
	// lastDone is how the last finished pass went: a summary, so that no
	// pass's results outlive the scrapes that serve them (two passes'
	// users alive at once would double the peak memory).
	lastDone *PassStatus
}

// join returns the pass for a scrape bound by ctx, and leave, which the
// scrape calls once it has taken what it serves.
func (g *passGroup) join(ctx context.Context) (p *Pass, leave func()) {
	g.mu.Lock()
	if r := g.running; r != nil && r.answered() {
		// Every outcome is in: file it now, so that a scrape arriving
		// between its end and its filing neither misses the cache nor
		// joins a pass that has ended.
		g.fileLocked(r)
	}
	if l := g.last; l != nil && g.ttl > 0 && g.now().Sub(l.started) < g.ttl {
		g.mu.Unlock()
		return l, func() {}
	}
	p = g.running
	started := p == nil
	if started {
		pctx := newPassContext()
		if g.timeout > 0 {
			// The pass gets a deadline even when its scrape has none, so
			// that the client knows its budget and fails at once rather
			// than wait out a Retry-After it cannot use.
			pctx.extendTo(time.Now().Add(g.timeout))
		}
		p = g.start(pctx)
		g.running = p
		go g.settle(p)
	}
	if dl, ok := ctx.Deadline(); ok {
		p.ctx.extendTo(dl)
	}
	p.waiters++
	g.mu.Unlock()
	if g.joined != nil {
		g.joined(p, started)
	}
	return p, func() { g.leave(p) }
}

// settle files a pass once it has ended.
func (g *passGroup) settle(p *Pass) {
	<-p.done
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fileLocked(p)
}

// fileLocked files an answered pass, once: no longer running, and the
// cache's if every collector succeeded. The same lock that clears it from
// running sets the cache, so no scrape sees neither.
func (g *passGroup) fileLocked(p *Pass) {
	if p.filed {
		return
	}
	p.filed = true
	if g.running == p {
		g.running = nil
	}
	if p.ok() && g.ttl > 0 && !p.abandoned.Load() {
		g.last = p
	}
	st := p.status()
	g.lastDone = &st
}

func (g *passGroup) leave(p *Pass) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p.waiters--
	if p.answered() {
		g.fileLocked(p)
		return
	}
	if p.waiters > 0 {
		return
	}
	p.abandoned.Store(true)
	p.ctx.end(context.Canceled)
	if g.running == p {
		g.running = nil
	}
}
