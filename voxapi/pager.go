package voxapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/sync/semaphore"
)

// AppSelector names one application to read users of: by id, or by a name
// part (the API matches application_name as a substring).
type AppSelector struct {
	ID   int64
	Name string
}

// String is the selector as configured: the id, or the name.
func (a AppSelector) String() string {
	if a.ID != 0 {
		return strconv.FormatInt(a.ID, 10)
	}
	return a.Name
}

// Paging defaults.
const (
	DefaultPageSize        = 100
	DefaultPageConcurrency = 4
	// DefaultMaxUsers bounds what one application may claim in total_count,
	// so that a corrupt answer cannot make the pager loop for ever. Accounts
	// hold 1,000 users by default.
	DefaultMaxUsers = 1_000_000
)

// PageOptions tune GetAllUsers.
type PageOptions struct {
	PageSize int // GetUsers count; default DefaultPageSize
	// Concurrency, when positive, bounds this call's pages in flight below
	// the client's own bound (Options.MaxConcurrentRequests), which every
	// request of the client shares whatever its method.
	Concurrency int
	MaxUsers    int // largest total_count accepted; default DefaultMaxUsers

	// Hint, when it has a TotalCount, plans the read from it instead of
	// from what the client remembers of the application's last read.
	// Tests and benchmarks set it; the exporter leaves it to the client.
	Hint PageStats
}

// PageStats describe one complete read of an application's users.
type PageStats struct {
	TotalCount int // total_count as last reported
	PageCap    int // the server's cap on count, when a short page revealed it; 0 when none seen
	Requests   int // GetUsers pages requested (not counting retries)
}

// GetAllUsers reads every user of one application: ordered by user_id, with
// skills and queues, advancing by the records each page actually returned,
// until total_count is reached or a page comes back empty, deduplicated by
// user_id. After the first page pages are fetched concurrently. The client
// remembers each application's last whole read (its total_count and the
// server's page cap), so that the next read requests every expected page at
// once instead of reading page 1 first; a failed read forgets it, so the
// read after a failure starts from page 1 again. If any page fails for good
// the whole read fails and no users are returned: a half-read application
// must never pass for a whole one.
//
// Offset paging cannot see users added or removed between pages: a removal
// before a page's offset shifts a user present throughout out of every
// page. So a read whose pages disagree on total_count, or that ends with
// fewer or more distinct users than total_count, is read again from page 1
// (at most maxRereads times). If total_count still moves during the last
// read, the read fails. If it held still and only the count of distinct
// users differs (the server's own list has a duplicate or a gap, read the
// same way every time), that list is the server's answer: it is returned,
// with a warning, rather than failing every scrape for ever.
func (c *Client) GetAllUsers(ctx context.Context, app AppSelector, opts PageOptions) ([]User, PageStats, error) {
	if opts.Hint.TotalCount == 0 {
		opts.Hint = c.plans.get(app)
	}
	users, st, err := c.getAllUsers(ctx, app, opts)
	if err != nil {
		c.plans.forget(app)
	} else {
		c.plans.put(app, st)
	}
	return users, st, err
}

func (c *Client) getAllUsers(ctx context.Context, app AppSelector, opts PageOptions) ([]User, PageStats, error) {
	for attempt := 0; ; attempt++ {
		users, st, err := c.getAllUsersOnce(ctx, app, opts)
		if attempt >= maxRereads && errors.Is(err, errCountMismatch) && users != nil {
			c.log.Warn("GetUsers pages hold a different number of distinct users than total_count on every read; serving the users read",
				"application", app.String(), "err", err)
			return users, st, nil
		}
		if !errors.Is(err, ErrUsersChanged) || attempt >= maxRereads || ctx.Err() != nil {
			if err != nil {
				return nil, PageStats{}, err
			}
			return users, st, nil
		}
		c.log.Debug("users changed while paging; reading the application again", "application", app.String(), "err", err)
		opts.Hint = PageStats{}
	}
}

// ErrUsersChanged marks a read of an application whose pages did not add
// up, because users were added or removed while it paged (or the server's
// paging misbehaved).
var ErrUsersChanged = errors.New("users changed while paging")

// errCountMismatch marks a read whose total_count held still but whose
// distinct users do not number total_count.
var errCountMismatch = fmt.Errorf("%w: distinct users differ from total_count", ErrUsersChanged)

// maxRereads bounds the extra reads of an application whose pages did not
// add up.
const maxRereads = 2

func (c *Client) getAllUsersOnce(ctx context.Context, app AppSelector, opts PageOptions) ([]User, PageStats, error) {
	if (app.ID != 0) == (app.Name != "") {
		return nil, PageStats{}, ErrApplicationSelector
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.MaxUsers <= 0 {
		opts.MaxUsers = DefaultMaxUsers
	}
	var sem *semaphore.Weighted
	if opts.Concurrency > 0 {
		sem = semaphore.NewWeighted(int64(opts.Concurrency))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	p := &pager{
		c:      c,
		ctx:    ctx,
		cancel: cancel,
		app:    app,
		opts:   opts,
		sem:    sem,
		users:  make(map[int64]User),
		step:   opts.PageSize,
	}
	if h := opts.Hint; h.TotalCount > 0 {
		if h.PageCap > 0 && h.PageCap < p.step {
			p.step, p.cap = h.PageCap, h.PageCap
		}
		p.mu.Lock()
		p.total = h.TotalCount
		p.planLocked(0, h.TotalCount)
		p.mu.Unlock()
	} else {
		p.mu.Lock()
		p.spawnLocked(0, opts.PageSize)
		p.mu.Unlock()
	}
	p.wg.Wait()

	if p.err != nil {
		return nil, PageStats{}, p.err
	}
	out := make([]User, 0, len(p.users))
	for _, u := range p.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.UserID, b.UserID) })
	st := PageStats{TotalCount: p.total, PageCap: p.cap, Requests: p.requests}
	if len(p.users) != p.total {
		return out, st, fmt.Errorf("application %s: %w: %d distinct users read, total_count %d", app, errCountMismatch, len(p.users), p.total)
	}
	return out, st, nil
}

// pager is the state of one GetAllUsers call.
type pager struct {
	c      *Client
	ctx    context.Context
	cancel context.CancelCauseFunc
	app    AppSelector
	opts   PageOptions
	sem    *semaphore.Weighted // nil: only the client's own bound
	wg     sync.WaitGroup

	mu       sync.Mutex
	users    map[int64]User
	total    int  // latest total_count
	answered bool // a page has reported total_count
	planned  int  // offsets below this are covered by a scheduled range
	step     int  // records per request: the page size, or the server's cap
	cap      int
	requests int
	err      error
}

// planLocked schedules pages of step records covering [from, to). The
// last page asks for a whole step too: if total_count has grown by less
// than what remains of that page, the growth arrives in the same round
// trip instead of costing another.
func (p *pager) planLocked(from, to int) {
	for off := from; off < to; off += p.step {
		p.spawnLocked(off, p.step)
	}
}

// spawnLocked starts fetching n records at offset off.
func (p *pager) spawnLocked(off, n int) {
	if end := off + n; end > p.planned {
		p.planned = end
	}
	p.wg.Add(1)
	go p.fetch(off, n)
}

func (p *pager) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	p.cancel(err)
}

func (p *pager) fetch(off, n int) {
	defer p.wg.Done()
	if p.sem != nil {
		// The slot is held until the answer is taken in, so that with a
		// bound of one a page that fails the read is seen before the next
		// page is asked for.
		if err := p.sem.Acquire(p.ctx, 1); err != nil {
			p.fail(context.Cause(p.ctx))
			return
		}
		defer p.sem.Release(1)
	}
	params := GetUsersParams{
		OrderBy:    "user_id",
		WithSkills: true,
		WithQueues: true,
		Count:      n,
		Offset:     off,
	}
	if p.app.ID != 0 {
		params.ApplicationID = p.app.ID
	} else {
		params.ApplicationName = p.app.Name
	}
	p.mu.Lock()
	p.requests++
	p.mu.Unlock()
	resp, err := p.c.GetUsers(p.ctx, params)
	if err != nil {
		p.fail(fmt.Errorf("application %s: users at offset %d: %w", p.app, off, err))
		return
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	total := int(resp.TotalCount)
	if total < 0 || total > p.opts.MaxUsers {
		p.err = fmt.Errorf("application %s: total_count %d is outside 0..%d", p.app, resp.TotalCount, p.opts.MaxUsers)
		p.cancel(p.err)
		return
	}
	if p.answered && total != p.total {
		p.err = fmt.Errorf("application %s: %w: total_count went from %d to %d", p.app, ErrUsersChanged, p.total, total)
		p.cancel(p.err)
		return
	}
	p.answered = true
	p.total = total
	for _, u := range resp.Result {
		if _, dup := p.users[u.UserID]; !dup {
			p.users[u.UserID] = u
		}
	}
	got := len(resp.Result)
	if got == 0 {
		return // an empty page ends this range, whatever total_count says
	}
	if got < n && off+got < total {
		// A short page before the end: the server caps count. Plan with the
		// cap from now on, and fetch the rest of this range.
		if p.cap == 0 || got < p.cap {
			p.cap = got
		}
		p.step = min(p.step, p.cap)
		for rest := off + got; rest < off+n && rest < total; rest += p.step {
			p.spawnLocked(rest, min(p.step, off+n-rest))
		}
	}
	if p.planned < total {
		// total_count grew, or this was page 1: plan what it reveals.
		p.planLocked(p.planned, total)
	}
}

// pagePlans remembers each application's last whole read, keyed by the
// selector as configured, for the plan of the next one.
type pagePlans struct {
	mu sync.Mutex
	m  map[string]PageStats
}

func (p *pagePlans) get(app AppSelector) PageStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[app.String()]
}

func (p *pagePlans) put(app AppSelector, st PageStats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]PageStats{}
	}
	p.m[app.String()] = st
}

func (p *pagePlans) forget(app AppSelector) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, app.String())
}

// ForgetPagePlans makes the next read of every application start from
// page 1, as the first read after a start does.
func (c *Client) ForgetPagePlans() {
	c.plans.mu.Lock()
	defer c.plans.mu.Unlock()
	clear(c.plans.m)
}
