package collector

import (
	"context"
	"sync"
	"time"
)

// passContext is a pass's context. Unlike a context.WithDeadline, its
// deadline moves later when a scrape with a later deadline joins the pass:
// a pass runs as long as its longest-waiting scrape allows, so that a
// scrape never loses data to another scraper's shorter timeout. It ends
// when that deadline passes (context.DeadlineExceeded) or when every
// scrape gave up on it (context.Canceled).
//
// Contexts derived from it are cancelled through AfterFunc (the context
// package uses it instead of a goroutine per derived context), and read
// Deadline when they are made: a request made after the deadline moved
// sees the new one.
type passContext struct {
	done chan struct{}

	mu       sync.Mutex
	err      error
	deadline time.Time // zero: none yet
	timer    *time.Timer
	after    map[int]func() // AfterFunc's functions not yet stopped or run
	nextID   int
}

// newPassContext returns a pass context with no deadline yet. Deadlines
// are wall-clock times (they come from scrapes' contexts), so it keeps
// time with time.Now, not with the exporter's injectable clock.
func newPassContext() *passContext {
	return &passContext{done: make(chan struct{})}
}

func (c *passContext) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadline, !c.deadline.IsZero()
}

func (c *passContext) Done() <-chan struct{} { return c.done }

func (c *passContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Value holds nothing: a pass serves every scrape alike, so it carries no
// scrape's values.
func (c *passContext) Value(any) any { return nil }

// AfterFunc arranges for f to run in its own goroutine once the context
// ends; stop reports whether it stopped f from running.
func (c *passContext) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	if c.after == nil {
		c.after = map[int]func(){}
	}
	id := c.nextID
	c.nextID++
	c.after[id] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, pending := c.after[id]
		delete(c.after, id)
		return pending
	}
}

// extendTo moves the deadline to dl if that is later (or there was none).
// It does nothing once the context has ended.
func (c *passContext) extendTo(dl time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || (!c.deadline.IsZero() && !dl.After(c.deadline)) {
		return
	}
	c.deadline = dl
	d := time.Until(dl)
	if c.timer == nil {
		c.timer = time.AfterFunc(d, func() { c.end(context.DeadlineExceeded) })
		return
	}
	c.timer.Reset(d)
}

// end ends the context with err (the first call wins).
func (c *passContext) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if err == context.DeadlineExceeded && !c.deadline.IsZero() && time.Now().Before(c.deadline) {
		return // a timer that fired just as the deadline moved
	}
	c.err = err
	if c.timer != nil {
		c.timer.Stop()
	}
	close(c.done)
	for _, f := range c.after {
		go f()
	}
	c.after = nil
}
