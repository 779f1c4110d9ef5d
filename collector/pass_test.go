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
func (g *gated) Update(ctx context.Context, _ *Pass) (Result, error) {
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
	return emptyResult{}, nil
}

type emptyResult struct{}

func (emptyResult) Collect(chan<- prometheus.Metric) {}

// newTestGroup is a passGroup over collectors cs, with the join hook
// reporting on joined.
func newTestGroup(ttl, timeout time.Duration, now func() time.Time, cs ...Collector) (*passGroup, chan bool) {
	joined := make(chan bool, 16)
	g := &passGroup{ttl: ttl, timeout: timeout, now: now}
	g.start = func(ctx context.Context, cancel context.CancelCauseFunc) *flight {
		return newFlight(ctx, cancel, now, cs, &Pass{}, nil)
	}
	g.joined = func(_ *flight, started bool) { joined <- started }
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
	for _, f := range []*flight{f1, f2} {
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
// up, the pass is cancelled with errAbandoned, and the next scrape starts a
// new pass rather than inherit the abandoned one's failure.
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
	if cause, _ := c.ctxErr.Load().(error); !errors.Is(cause, errAbandoned) {
		t.Errorf("the abandoned pass ended with %v, want errAbandoned", cause)
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
	<-f1.filed
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
	<-f3.filed
	f4, leave4 := g.join(context.Background())
	defer leave4()
	if f4 == f3 {
		t.Error("a failed pass was served from the cache")
	}
}

func TestPassDeadlineIsTheLaterOfScrapeAndTimeout(t *testing.T) {
	now := time.Now()
	short, cancel := context.WithDeadline(context.Background(), now.Add(time.Second))
	defer cancel()
	ctx, stop := withPassDeadline(context.Background(), short, now, time.Minute)
	defer stop()
	if dl, _ := ctx.Deadline(); !dl.Equal(now.Add(time.Minute)) {
		t.Errorf("deadline %v, want now+1m", dl.Sub(now))
	}
	long, cancel2 := context.WithDeadline(context.Background(), now.Add(time.Hour))
	defer cancel2()
	ctx, stop = withPassDeadline(context.Background(), long, now, time.Minute)
	defer stop()
	if dl, _ := ctx.Deadline(); !dl.Equal(now.Add(time.Hour)) {
		t.Errorf("deadline %v, want the scrape's hour", dl.Sub(now))
	}
}
