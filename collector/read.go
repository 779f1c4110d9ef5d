package collector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A read is one API read that is made at most once per interval and
// served to every pass in between: the queue directory, queue statistics,
// SmartQueue realtime metrics. Every such read follows the same rules,
// which is why they share this type rather than each keeping a cache:
//
//   - A read that is due runs in the background, on the exporter's
//     context (cancelled at shutdown) with a timeout of its own, never on
//     a pass's context: a pass that ends, or that every scrape gave up on,
//     does not cut it short.
//   - While it runs, scrapes serve the last good value. A scrape with no
//     value to serve (the first, or the one after a failure) waits for
//     the read within its own deadline.
//   - A failed read is never kept: the next scrape reports it (the
//     collector's success 0, no series from it) and starts the read again.
//   - A read that is not due costs no request.
//
// Reads made anew for every pass (the users, GetACDState, GetSQState) are
// the pass's own (see Pass): they end with the pass.
type read[T any] struct {
	name    string        // what is read, for errors: "queue statistics"
	every   time.Duration // at most one read per this long
	timeout time.Duration // bound on one read
	life    context.Context
	now     func() time.Time

	mu      sync.Mutex
	good    *readValue[T] // last whole read; nil before one, or after a failure
	failed  *attempt[T]   // finished with an error nobody has reported yet
	running *attempt[T]   // the read in progress, if any
}

// readValue is one whole read and when it began.
type readValue[T any] struct {
	val T
	at  time.Time
}

// attempt is one run of a read.
type attempt[T any] struct {
	done chan struct{} // closed when val or err is set
	at   time.Time
	val  T
	err  error
}

// fetchFunc makes one read within ctx.
type fetchFunc[T any] func(ctx context.Context) (T, error)

// newRead declares a read made at most once per every, each bounded by
// timeout, under life.
func newRead[T any](life context.Context, now func() time.Time, name string, every, timeout time.Duration) *read[T] {
	return &read[T]{name: name, every: every, timeout: timeout, life: life, now: now}
}

// get returns the value to serve and when it was read. prepare is called
// only when a read must start: it gathers the read's inputs (which may
// wait within ctx for the pass's own reads) and returns the fetch; an
// error from it fails the read at once, since a read whose inputs failed
// is not whole.
func (r *read[T]) get(ctx context.Context, prepare func() (fetchFunc[T], error)) (T, time.Time, error) {
	var zero T
	r.mu.Lock()
	if a := r.failed; a != nil {
		// Report the failure once, and read again.
		r.failed = nil
		r.mu.Unlock()
		r.start(prepare)
		return zero, a.at, a.err
	}
	if g := r.good; g != nil && r.now().Sub(g.at) < r.every {
		r.mu.Unlock()
		return g.val, g.at, nil
	}
	good := r.good
	r.mu.Unlock()

	a, err := r.start(prepare)
	if err != nil {
		return zero, time.Time{}, err
	}
	if good != nil {
		return good.val, good.at, nil
	}
	select {
	case <-a.done:
	case <-ctx.Done():
		return zero, time.Time{}, fmt.Errorf("%s were not read before the scrape's deadline: %w", r.name, context.Cause(ctx))
	}
	r.mu.Lock()
	if r.failed == a {
		r.failed = nil // this scrape reports it
	}
	r.mu.Unlock()
	return a.val, a.at, a.err
}

// fresh returns a value no older than the interval, waiting within ctx
// for a due read rather than serving the last one: for a read that
// another read's fetch depends on (the directory, for the statistics),
// which runs in the background anyway and should cover what is there now.
// A pending failure is dropped: this caller reads again and reports its
// own outcome.
func (r *read[T]) fresh(ctx context.Context, prepare func() (fetchFunc[T], error)) (T, error) {
	var zero T
	r.mu.Lock()
	r.failed = nil
	if g := r.good; g != nil && r.now().Sub(g.at) < r.every {
		r.mu.Unlock()
		return g.val, nil
	}
	r.mu.Unlock()
	a, err := r.start(prepare)
	if err != nil {
		return zero, err
	}
	select {
	case <-a.done:
	case <-ctx.Done():
		return zero, fmt.Errorf("%s were not read in time: %w", r.name, context.Cause(ctx))
	}
	r.mu.Lock()
	if r.failed == a {
		r.failed = nil
	}
	r.mu.Unlock()
	return a.val, a.err
}

// start starts a read unless one runs, and returns the running attempt.
// An error from prepare is that attempt's failure, returned at once (and
// so reported by the scrape that asked, not the next).
func (r *read[T]) start(prepare func() (fetchFunc[T], error)) (*attempt[T], error) {
	r.mu.Lock()
	if a := r.running; a != nil {
		r.mu.Unlock()
		return a, nil
	}
	a := &attempt[T]{done: make(chan struct{}), at: r.now()}
	r.running = a
	r.mu.Unlock()

	fetch, err := prepare()
	if err != nil {
		err = fmt.Errorf("%s not read: %w", r.name, err)
		r.finish(a, *new(T), err, false)
		return nil, err
	}
	go func() {
		ctx, cancel := context.WithTimeout(r.life, r.timeout)
		defer cancel()
		val, err := fetch(ctx)
		if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("%s not read within %s: %w", r.name, r.timeout, err)
		}
		r.finish(a, val, err, true)
	}()
	return a, nil
}

// finish files an attempt's outcome. A failure drops the last good value
// (it is never served past a failed refresh) and, when report is set,
// waits for the next scrape to report it.
func (r *read[T]) finish(a *attempt[T], val T, err error, report bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a.val, a.err = val, err
	if r.running == a {
		r.running = nil
	}
	if err != nil {
		r.good = nil
		if report {
			r.failed = a
		}
	} else {
		r.good = &readValue[T]{val: val, at: a.at}
	}
	close(a.done)
}

// wait blocks until no read runs (tests use it).
func (r *read[T]) wait() {
	r.mu.Lock()
	a := r.running
	r.mu.Unlock()
	if a != nil {
		<-a.done
	}
}
