package collector

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// source is a read's fetch whose answers the test gives one at a time:
// each fetch waits for the next value sent on answers (or its context).
type source struct {
	answers chan answer
	fetches atomic.Int32
	ctxErr  chan error // each fetch's context error, when it ended early
}

type answer struct {
	val int
	err error
}

func newSource() *source {
	return &source{answers: make(chan answer), ctxErr: make(chan error, 8)}
}

func (s *source) prepare() (fetchFunc[int], error) {
	return func(ctx context.Context) (int, error) {
		s.fetches.Add(1)
		select {
		case a := <-s.answers:
			return a.val, a.err
		case <-ctx.Done():
			s.ctxErr <- ctx.Err()
			return 0, ctx.Err()
		}
	}, nil
}

func newTestRead(life context.Context, clock *fakeClock) *read[int] {
	return newRead[int](life, clock.Now, "test values", time.Minute, 30*time.Second)
}

// primed is a read whose first get has read the value 1, and its clock
// and source.
func primed(t *testing.T) (*fakeClock, *source, *read[int]) {
	t.Helper()
	clock, src := newFakeClock(), newSource()
	r := newTestRead(context.Background(), clock)
	go func() { src.answers <- answer{val: 1} }()
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 1 {
		t.Fatalf("first get: %v %v, want 1", v, err)
	}
	return clock, src, r
}

// TestReadFirstWaitsThenServesUntilDue: the first get waits for the read;
// gets within the interval serve it with no fetch.
func TestReadFirstWaitsThenServesUntilDue(t *testing.T) {
	clock, src, r := primed(t)
	for range 3 {
		clock.advance(15 * time.Second)
		if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 1 {
			t.Fatalf("get within the interval: %v %v", v, err)
		}
	}
	if n := src.fetches.Load(); n != 1 {
		t.Errorf("%d fetches within one interval, want 1", n)
	}
}

// TestReadDueServesLastGoodWhileRefreshing: a due get starts the read and
// serves the last good value at once; the next get serves the new one.
func TestReadDueServesLastGoodWhileRefreshing(t *testing.T) {
	clock, src, r := primed(t)
	clock.advance(time.Minute)
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 1 {
		t.Fatalf("due get: %v %v, want the last good 1 at once", v, err)
	}
	src.answers <- answer{val: 2} // the refresh the due get started takes it
	r.wait()
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 2 {
		t.Errorf("after the refresh: %v %v, want 2", v, err)
	}
	if n := src.fetches.Load(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

// TestReadFailureReportedOnceNeverKept: a failed refresh drops the last
// good value; the next get reports the failure and starts the read again;
// the get after that serves the new read.
func TestReadFailureReportedOnceNeverKept(t *testing.T) {
	clock, src, r := primed(t)
	clock.advance(time.Minute)
	r.get(context.Background(), src.prepare) // serves 1, starts the refresh
	boom := errors.New("boom")
	src.answers <- answer{err: boom}
	r.wait()
	if _, _, err := r.get(context.Background(), src.prepare); !errors.Is(err, boom) {
		t.Fatalf("get after a failed refresh: %v, want the failure", err)
	}
	src.answers <- answer{val: 3} // the read the reporting get started
	r.wait()
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 3 {
		t.Errorf("get after the re-read: %v %v, want 3", v, err)
	}
}

// TestReadOutlivesTheCallersContext: a read started by a caller that gives
// up goes on; its value serves the next caller.
func TestReadOutlivesTheCallersContext(t *testing.T) {
	clock, src := newFakeClock(), newSource()
	r := newTestRead(context.Background(), clock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.get(ctx, src.prepare); err == nil {
		t.Fatal("a get whose caller had given up succeeded before the read")
	}
	src.answers <- answer{val: 7}
	r.wait()
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 7 {
		t.Errorf("next get: %v %v, want the read the first caller started", v, err)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

// TestReadCancelledAtShutdown: a read running when the exporter's life
// ends is cancelled.
func TestReadCancelledAtShutdown(t *testing.T) {
	clock, src := newFakeClock(), newSource()
	life, stop := context.WithCancel(context.Background())
	r := newTestRead(life, clock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.get(ctx, src.prepare)
	stop()
	if err := <-src.ctxErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the read's context ended with %v, want cancelled", err)
	}
	r.wait()
}

// TestReadInputFailureFailsAtOnce: when a read's inputs fail, the get that
// asked fails with that, and nothing is fetched or kept.
func TestReadInputFailureFailsAtOnce(t *testing.T) {
	clock, src := newFakeClock(), newSource()
	r := newTestRead(context.Background(), clock)
	inputs := errors.New("the users read failed")
	_, _, err := r.get(context.Background(), func() (fetchFunc[int], error) { return nil, inputs })
	if !errors.Is(err, inputs) {
		t.Fatalf("get: %v, want the inputs' failure", err)
	}
	go func() { src.answers <- answer{val: 4} }()
	if v, _, err := r.get(context.Background(), src.prepare); err != nil || v != 4 {
		t.Errorf("next get: %v %v, want a fresh read", v, err)
	}
}

// TestReadFreshWaitsForADueRead: fresh does not serve a stale value.
func TestReadFreshWaitsForADueRead(t *testing.T) {
	clock, src, r := primed(t)
	clock.advance(time.Minute)
	go func() { src.answers <- answer{val: 2} }()
	if v, err := r.fresh(context.Background(), src.prepare); err != nil || v != 2 {
		t.Errorf("fresh: %v %v, want the new read 2", v, err)
	}
}
