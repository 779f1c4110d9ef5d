package voxapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
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
// user_id. After the first page pages are fetched concurrently, in offset
// order, by at most as many goroutines as requests may be in flight, so
// that a false total_count costs neither goroutines nor requests. The client
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
// with a warning (once per change), rather than failing every scrape for
// ever.
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
		if errors.Is(err, errCountMismatch) && users != nil &&
			(attempt >= maxRereads || c.disagreements.same(app, st.TotalCount, len(users))) {
			// The same answer on every read (or as on the last scrape): the
			// server's own list, served rather than failing every scrape.
			if c.disagreements.changed(app, st.TotalCount, len(users)) {
				c.log.Warn("GetUsers total_count disagrees with the users its pages returned; serving the users read",
					"application", app.String(), "total_count", st.TotalCount, "users_returned", len(users))
			}
			return users, st, nil
		}
		if !errors.Is(err, ErrUsersChanged) || attempt >= maxRereads || ctx.Err() != nil {
			if err != nil {
				return nil, PageStats{}, err
			}
			c.disagreements.forget(app)
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
	workers := c.maxInflight
	if opts.Concurrency > 0 {
		workers = min(workers, opts.Concurrency)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	p := &pager{
		c:      c,
		ctx:    ctx,
		cancel: cancel,
		app:    app,
		opts:   opts,
		users:  make(map[int64]User),
		step:   opts.PageSize,
		end:    math.MaxInt,
		limit:  opts.PageSize, // page 1 alone, until its total_count is known
	}
	p.more = sync.NewCond(&p.mu)
	if h := opts.Hint; h.TotalCount > 0 {
		if h.PageCap > 0 && h.PageCap < p.step {
			p.step, p.cap = h.PageCap, h.PageCap
		}
		p.total = h.TotalCount
		p.limit = min(h.TotalCount, opts.MaxUsers)
	}
	for range workers {
		p.wg.Go(p.work)
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

// pager is the state of one GetAllUsers call. A fixed number of workers
// (the request bound) take pages in offset order, so neither goroutines
// nor requests scale with total_count: a server claiming a million users
// costs the pages its answers actually fill, plus at most one page per
// worker past the first empty one.
type pager struct {
	c      *Client
	ctx    context.Context
	cancel context.CancelCauseFunc
	app    AppSelector
	opts   PageOptions
	wg     sync.WaitGroup

	mu       sync.Mutex
	more     *sync.Cond // signalled when the plan grows, a page ends or the read fails
	users    map[int64]User
	total    int    // latest total_count
	answered bool   // a page has reported total_count
	next     int    // the next offset of the plan not yet taken
	limit    int    // the plan covers offsets below this (total_count, once known)
	end      int    // an empty page came back at this offset: nothing is planned past it
	rest     []span // the parts of short pages still to fetch, before next
	busy     int    // pages in flight, each of which may grow the plan
	step     int    // records per request: the page size, or the server's cap
	cap      int
	requests int
	err      error
}

// span is count records from offset.
type span struct{ off, n int }

// work fetches pages until the plan is done, no page in flight can grow
// it, or the read fails.
func (p *pager) work() {
	for {
		sp, ok := p.take()
		if !ok {
			return
		}
		p.fetch(sp)
	}
}

// take waits for the next page of the plan: the rest of a short page
// first, then the next offset. The last page asks for a whole step too:
// if total_count has grown by less than what remains of that page, the
// growth arrives in the same round trip instead of costing another.
func (p *pager) take() (span, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.err != nil {
			return span{}, false
		}
		for len(p.rest) > 0 {
			sp := p.rest[0]
			p.rest = p.rest[1:]
			if sp.off < p.end {
				p.busy++
				return sp, true
			}
		}
		if p.next < min(p.limit, p.end) {
			sp := span{p.next, p.step}
			p.next += p.step
			p.busy++
			return sp, true
		}
		if p.busy == 0 {
			p.more.Broadcast() // the plan is done: release the waiting workers
			return span{}, false
		}
		p.more.Wait()
	}
}

func (p *pager) failLocked(err error) {
	if p.err == nil {
		p.err = err
		p.cancel(err)
	}
}

// fetch requests one page and takes its answer into the plan.
func (p *pager) fetch(sp span) {
	params := GetUsersParams{
		OrderBy:    "user_id",
		WithSkills: true,
		WithQueues: true,
		Count:      sp.n,
		Offset:     sp.off,
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

	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.more.Broadcast()
	p.busy--
	if err != nil {
		p.failLocked(fmt.Errorf("application %s: users at offset %d: %w", p.app, sp.off, err))
		return
	}
	if p.err != nil {
		return
	}
	total := int(resp.TotalCount)
	if total < 0 || total > p.opts.MaxUsers {
		p.failLocked(fmt.Errorf("application %s: total_count %d is outside 0..%d", p.app, resp.TotalCount, p.opts.MaxUsers))
		return
	}
	if p.answered && total != p.total {
		p.failLocked(fmt.Errorf("application %s: %w: total_count went from %d to %d", p.app, ErrUsersChanged, p.total, total))
		return
	}
	p.answered = true
	p.total = total
	p.limit = total // grown, or this was page 1: the plan covers what it reveals
	for _, u := range resp.Result {
		if _, dup := p.users[u.UserID]; !dup {
			p.users[u.UserID] = u
		}
	}
	got := len(resp.Result)
	if got == 0 {
		// The list ends here, whatever total_count says: plan nothing past
		// it (a total_count the pages do not bear out is then reported by
		// the count of distinct users).
		p.end = min(p.end, sp.off)
		return
	}
	if got < sp.n && sp.off+got < total {
		// A short page before the end: the server caps count. Plan with the
		// cap from now on, and fetch the rest of this page.
		if p.cap == 0 || got < p.cap {
			p.cap = got
		}
		p.step = min(p.step, p.cap)
		for r := sp.off + got; r < sp.off+sp.n && r < total; r += p.step {
			p.rest = append(p.rest, span{r, min(p.step, sp.off+sp.n-r)})
		}
	}
}

// countDisagreements remembers, per application, the total_count and the
// count of distinct users returned of the last read served although they
// differ, so that a server whose count steadily lies is logged once per
// change (not on every scrape) and costs one read, not three.
type countDisagreements struct {
	mu sync.Mutex
	m  map[string][2]int
}

// same reports whether the application's last served read disagreed in
// exactly this way.
func (d *countDisagreements) same(app AppSelector, total, users int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.m[app.String()]
	return ok && v == [2]int{total, users}
}

// changed records the disagreement and reports whether it is new.
func (d *countDisagreements) changed(app AppSelector, total, users int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string][2]int{}
	}
	v, ok := d.m[app.String()]
	d.m[app.String()] = [2]int{total, users}
	return !ok || v != [2]int{total, users}
}

// forget is called after a read whose pages agree with total_count.
func (d *countDisagreements) forget(app AppSelector) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.m, app.String())
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
