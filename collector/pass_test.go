package collector

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// gated is a collector whose Update waits for release (or the pass's
// end), then answers err or a result.
type gated struct {
	name    string
	release chan struct{}
	err     error
	calls   atomic.Int32
	ctxErr  atomic.Value // the cause the pass's context ended with, if it did
}

func newGated(name string) *gated { return &gated{name: name, release: make(chan struct{})} }

func (g *gated) Name() string { return g.name }
func (g *gated) Update(ctx context.Context, _ *Pass) (*Result, error) {
	g.calls.Add(1)
	select {
	case <-g.release:
	case <-ctx.Done():
		g.ctxErr.Store(context.Cause(ctx))
		return nil, context.Cause(ctx)
	}
	if g.err != nil {
		return nil, g.err
	}
	return &Result{Collect: func(chan<- prometheus.Metric) {}}, nil
}

// newTestGroup is a passGroup over collectors cs, with the join hook
// reporting on joined.
func newTestGroup(ttl, timeout time.Duration, now func() time.Time, cs ...Collector) (*passGroup, chan bool) {
	joined := make(chan bool, 16)
	g := &passGroup{ttl: ttl, timeout: timeout, now: now}
	g.start = func(ctx *passContext) *Pass {
		p := &Pass{ctx: ctx, started: now()}
		p.run(now, cs, nil)
		return p
	}
	g.joined = func(_ *Pass, started bool) { joined <- started }
	return g, joined
}

func TestPassJoinSharesOneFlight(t *testing.T) {
	c := newGated("c")
	g, joined := newTestGroup(0, 0, time.Now, c)
	f1, leave1 := g.join(context.Background())
	if !<-joined {
		t.Fatal("the first scrape did not start the pass")
	}
	f2, leave2 := g.join(context.Background())
	if <-joined {
		t.Fatal("the second scrape started a pass of its own")
	}
	if f1 != f2 {
		t.Fatal("two scrapes during one pass got two flights")
	}
	close(c.release)
	for _, f := range []*Pass{f1, f2} {
		if o := f.wait(context.Background(), time.Now); o[0].err != nil {
			t.Errorf("outcome: %v", o[0].err)
		}
	}
	leave1()
	leave2()
	if n := c.calls.Load(); n != 1 {
		t.Errorf("Update ran %d times for one shared pass", n)
	}
}

// TestPassAbandonedIsCancelledAndNotJoined: when its only scrape gives
// up, the pass is cancelled, and the next scrape starts a new pass rather
// than inherit the abandoned one's failure.
func TestPassAbandonedIsCancelledAndNotJoined(t *testing.T) {
	c := newGated("c")
	g, joined := newTestGroup(0, 0, time.Now, c)
	ctx, cancel := context.WithCancel(context.Background())
	f1, leave := g.join(ctx)
	<-joined
	cancel()
	if o := f1.wait(ctx, time.Now); o[0].err == nil || !errors.Is(o[0].err, context.Canceled) {
		t.Fatalf("outcome of the scrape that gave up: %v", o[0].err)
	}
	leave()
	<-f1.done
	if cause, _ := c.ctxErr.Load().(error); !errors.Is(cause, context.Canceled) || !f1.abandoned.Load() {
		t.Errorf("the abandoned pass ended with %v (abandoned %v), want it cancelled", cause, f1.abandoned.Load())
	}
	close(c.release)
	f2, leave2 := g.join(context.Background())
	defer leave2()
	if !<-joined || f2 == f1 {
		t.Fatal("the scrape after an abandoned pass joined it")
	}
	if o := f2.wait(context.Background(), time.Now); o[0].err != nil {
		t.Errorf("the fresh pass failed: %v", o[0].err)
	}
}

// TestPassSlowCollectorDoesNotHideAnother: at the scrape's deadline the
// collector that finished is served and the slow one is failed for this
// scrape only.
func TestPassSlowCollectorDoesNotHideAnother(t *testing.T) {
	fast, slow := newGated("fast"), newGated("slow")
	close(fast.release)
	g, joined := newTestGroup(0, time.Minute, time.Now, fast, slow)
	ctx, cancel := context.WithCancel(context.Background())
	f, leave := g.join(ctx)
	<-joined
	<-f.slots[0].done // fast has answered
	cancel()
	o := f.wait(ctx, time.Now)
	leave()
	if o[0].err != nil || o[0].res == nil {
		t.Errorf("fast collector: %v", o[0].err)
	}
	if o[1].err == nil || o[1].res != nil {
		t.Errorf("slow collector served although it had not finished")
	}
}

func TestPassCacheTTLOnlyForWholePasses(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ok := newGated("ok")
	close(ok.release)
	g, joined := newTestGroup(10*time.Second, 0, clock, ok)
	f1, leave := g.join(context.Background())
	<-joined
	f1.wait(context.Background(), clock)
	leave()
	<-f1.done
	if f2, leave := g.join(context.Background()); f2 != f1 {
		t.Error("a scrape within the TTL did not reuse the whole pass")
	} else {
		leave()
	}

	bad := newGated("bad")
	bad.err = errors.New("boom")
	close(bad.release)
	g, joined = newTestGroup(10*time.Second, 0, clock, bad)
	f3, leave3 := g.join(context.Background())
	<-joined
	f3.wait(context.Background(), clock)
	leave3()
	<-f3.done
	f4, leave4 := g.join(context.Background())
	defer leave4()
	if f4 == f3 {
		t.Error("a failed pass was served from the cache")
	}
}

// TestPassDeadlineIsTheLaterOfScrapeAndTimeout: a pass started by a
// scrape with a short deadline runs at least PassTimeout; one started by a
// scrape with a long deadline runs that long.
func TestPassDeadlineIsTheLaterOfScrapeAndTimeout(t *testing.T) {
	c := newGated("c")
	defer close(c.release)
	for _, tc := range []struct {
		scrape, want time.Duration
	}{
		{time.Second, time.Minute},
		{time.Hour, time.Hour},
	} {
		g, joined := newTestGroup(0, time.Minute, time.Now, c)
		now := time.Now()
		ctx, cancel := context.WithDeadline(context.Background(), now.Add(tc.scrape))
		p, leave := g.join(ctx)
		<-joined
		dl, ok := p.ctx.Deadline()
		if !ok || dl.Sub(now) < tc.want || dl.Sub(now) > tc.want+time.Second {
			t.Errorf("scrape deadline %s: pass deadline in %s, want %s", tc.scrape, dl.Sub(now), tc.want)
		}
		cancel()
		leave()
	}
}

// TestPassRunsAsLongAsItsLongestWaitingScrape: a scrape that joins a pass
// started by a scraper with a shorter timeout moves the pass's deadline to
// its own, so that it is not cut short by the other's (two Prometheus
// servers on different timeouts: the longer one kept losing data).
func TestPassRunsAsLongAsItsLongestWaitingScrape(t *testing.T) {
	c := newGated("c")
	g, joined := newTestGroup(0, 0, time.Now, c)
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	p1, leave1 := g.join(short)
	<-joined
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()
	p2, leave2 := g.join(long)
	if <-joined || p2 != p1 {
		t.Fatal("the second scrape did not join the running pass")
	}
	if dl, _ := p1.ctx.Deadline(); dl.Before(time.Now().Add(59 * time.Minute)) {
		t.Fatalf("pass deadline in %s after a one-hour scrape joined", time.Until(dl))
	}
	// The short scrape gives up at its deadline and leaves; the pass goes
	// on for the long one.
	if o := p1.wait(short, time.Now); o[0].err == nil {
		t.Fatal("the short scrape got an outcome from a gated collector")
	}
	leave1()
	if err := p1.ctx.Err(); err != nil {
		t.Fatalf("the pass ended (%v) when the short scrape left", err)
	}
	close(c.release)
	o := p2.wait(long, time.Now)
	leave2()
	if o[0].err != nil {
		t.Errorf("the long scrape lost the pass: %v", o[0].err)
	}
}

// TestPassCacheHasNoGap: with a TTL, a scrape arriving after a whole pass
// has every outcome but before the pass is filed serves it from the cache;
// none starts a pass of its own (4 of 200 back-to-back scrapes did).
func TestPassCacheHasNoGap(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ok := newGated("ok")
	close(ok.release)
	g, joined := newTestGroup(time.Hour, 0, clock, ok)
	first, leave := g.join(context.Background())
	<-joined
	first.wait(context.Background(), clock)
	leave()
	for i := range 200 {
		p, leave := g.join(context.Background())
		leave()
		if p != first {
			t.Fatalf("scrape %d of 200 within the TTL started a pass of its own", i+1)
		}
	}
}

// TestPassEndedIsNotJoined: a scrape after one whose pass has every
// outcome starts a new pass, even before the ended one is filed (its done
// may close a moment after the last outcome).
func TestPassEndedIsNotJoined(t *testing.T) {
	c := newGated("c")
	c.err = errors.New("boom")
	close(c.release)
	g, joined := newTestGroup(0, 0, time.Now, c)
	f1, leave := g.join(context.Background())
	<-joined
	f1.wait(context.Background(), time.Now)
	leave()
	f2, leave2 := g.join(context.Background())
	defer leave2()
	if !<-joined || f2 == f1 {
		t.Fatal("the next scrape joined a pass that had ended")
	}
}

// TestPassContextCancelsDerivedContexts: a context derived from a pass's
// ends with it (through AfterFunc), with the pass's error; one whose own
// cancel came first is not touched.
func TestPassContextCancelsDerivedContexts(t *testing.T) {
	pctx := newPassContext()
	child, cancel := context.WithCancel(pctx)
	defer cancel()
	early, cancelEarly := context.WithTimeout(pctx, time.Hour)
	cancelEarly()
	pctx.end(context.DeadlineExceeded)
	<-child.Done()
	if !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Errorf("derived context ended with %v, want the pass's deadline", child.Err())
	}
	if !errors.Is(early.Err(), context.Canceled) {
		t.Errorf("a context cancelled before the pass ended: %v", early.Err())
	}
	after, cancelAfter := context.WithCancel(pctx) // derived from an ended pass
	defer cancelAfter()
	<-after.Done()
}
