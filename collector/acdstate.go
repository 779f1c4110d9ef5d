package collector

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// ACDFetcher reads the demand side of the queues; *voxapi.Client is one.
type ACDFetcher interface {
	GetACDState(ctx context.Context, queueIDs []int64) (*voxapi.ACDState, error)
	GetQueues(ctx context.Context, app voxapi.AppSelector) ([]voxapi.QueueInfo, error)
}

// queueNamesTTL is how long GetQueues' answer stands in for queues that no
// operator of a watched application is bound to. Queue settings change
// rarely; live state is read on every pass.
const queueNamesTTL = 5 * time.Minute

// ACDSnapshot is one read of GetACDState, tied to the watched applications.
// With Err set it holds no queues, and the queue series are omitted; the
// operator series do not depend on it, nor it on them.
type ACDSnapshot struct {
	Queues []ACDQueue
	Err    error
}

// ACDQueue is one queue's live state under one watched application.
type ACDQueue struct {
	App   string
	ID    int64
	Name  string
	State *voxapi.ACDQueueState
}

var (
	acdStateUpDesc = desc("acd_state_up",
		"1 if GetACDState was read in this scrape, 0 otherwise.")
	queueWaitingDesc = desc("acd_queue_waiting_calls",
		"Calls waiting in the ACD queue.", "application", "queue_id", "queue")
	queueLongestWaitDesc = desc("acd_queue_longest_wait_seconds",
		"The longest waiting time among calls waiting in the ACD queue; 0 when none wait.", "application", "queue_id", "queue")
	queueServicingDesc = desc("acd_queue_servicing_calls",
		"Calls being served in the ACD queue.", "application", "queue_id", "queue")
	queueReadyDesc = desc("acd_queue_ready_operators",
		"READY operators of the ACD queue as GetACDState counts them.", "application", "queue_id", "queue")
	queueLockedDesc = desc("acd_queue_locked_operators",
		"READY operators of the ACD queue that cannot take a call now (locked).", "application", "queue_id", "queue")
	queueAfterServiceDesc = desc("acd_queue_after_service_operators",
		"Operators of the ACD queue in after-call work, as GetACDState counts them.", "application", "queue_id", "queue")
)

// queueNames caches GetQueues per application.
type queueNames struct {
	mu      sync.Mutex
	fetched time.Time
	byApp   map[string][]voxapi.QueueInfo
	// failed is when GetQueues last failed; it is not asked again for
	// queueNamesRetry, so that an API without it (or a role without it)
	// costs a request and a warning per minute, not per scrape.
	failed time.Time
}

// queueNamesRetry is how long a failed GetQueues waits before the next try.
const queueNamesRetry = time.Minute

// acdPass reads GetACDState for every queue, and GetQueues when its cache
// is stale, concurrently with the GetUsers paging.
type acdPass struct {
	state     *voxapi.ACDState
	stateErr  error
	names     map[string][]voxapi.QueueInfo // nil when not refreshed in this pass
	namesErr  error
	refreshed bool
}

func (s *Source) runACD(ctx context.Context) *acdPass {
	p := &acdPass{}
	var wg sync.WaitGroup
	wg.Go(func() {
		p.state, p.stateErr = s.acd.GetACDState(ctx, nil)
	})
	s.queueNames.mu.Lock()
	now := s.now()
	stale := (s.queueNames.byApp == nil || now.Sub(s.queueNames.fetched) >= queueNamesTTL) &&
		(s.queueNames.failed.IsZero() || now.Sub(s.queueNames.failed) >= queueNamesRetry)
	s.queueNames.mu.Unlock()
	if stale {
		p.refreshed = true
		p.names = map[string][]voxapi.QueueInfo{}
		var mu sync.Mutex
		for _, app := range s.opts.Apps {
			wg.Go(func() {
				qs, err := s.acd.GetQueues(ctx, app)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					p.namesErr = errors.Join(p.namesErr, err)
					return
				}
				p.names[app.String()] = qs
			})
		}
	}
	wg.Wait()
	return p
}

// buildACDSnapshot ties each queue of GetACDState to the watched
// applications. Where GetQueues answered for an application, its queues are
// the application's (a queue belongs to one application, even when an
// operator of another is bound to it); elsewhere, the queues its operators
// are bound to (GetUsers' acd_queues) stand in. Names come from acd_queues
// first, then from GetQueues for queues no operator is bound to. Queues of
// applications not watched are left out.
func (s *Source) buildACDSnapshot(p *acdPass, apps []AppUsers) *ACDSnapshot {
	if p.stateErr != nil {
		logACDFailure(s.log, p.stateErr)
		return &ACDSnapshot{Err: p.stateErr}
	}
	names := s.cachedQueueNames(p)

	type key struct {
		app string
		id  int64
	}
	boundName := map[int64]string{}
	boundTo := map[key]bool{}
	for _, au := range apps {
		for i := range au.Users {
			for _, q := range au.Users[i].ACDQueues {
				if _, ok := boundName[q.ACDQueueID]; !ok {
					boundName[q.ACDQueueID] = q.ACDQueueName
				}
				boundTo[key{au.App.String(), q.ACDQueueID}] = true
			}
		}
	}
	bound := map[key]string{}
	var order []key
	add := func(k key, name string) {
		if _, ok := bound[k]; !ok {
			bound[k] = name
			order = append(order, k)
		}
	}
	for _, app := range s.opts.Apps {
		qs, known := names[app.String()]
		if known {
			for _, q := range qs {
				name := q.ACDQueueName
				if n, ok := boundName[q.ACDQueueID]; ok {
					name = n
				}
				add(key{app.String(), q.ACDQueueID}, name)
			}
			continue
		}
		for k := range boundTo {
			if k.app == app.String() {
				add(k, boundName[k.id])
			}
		}
	}

	state := map[int64]*voxapi.ACDQueueState{}
	for i := range p.state.Queues {
		q := &p.state.Queues[i]
		state[q.ACDQueueID] = q
	}
	snap := &ACDSnapshot{}
	for _, k := range order {
		if st, ok := state[k.id]; ok {
			snap.Queues = append(snap.Queues, ACDQueue{App: k.app, ID: k.id, Name: bound[k], State: st})
		}
	}
	slices.SortFunc(snap.Queues, func(a, b ACDQueue) int {
		if a.App != b.App {
			if a.App < b.App {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	return snap
}

// cachedQueueNames stores a fresh GetQueues answer or returns the cached
// one. A failed refresh keeps the old answer and is retried next pass.
func (s *Source) cachedQueueNames(p *acdPass) map[string][]voxapi.QueueInfo {
	s.queueNames.mu.Lock()
	defer s.queueNames.mu.Unlock()
	if p.refreshed {
		if p.namesErr == nil {
			s.queueNames.byApp, s.queueNames.fetched = p.names, s.now()
			s.queueNames.failed = time.Time{}
		} else {
			s.queueNames.failed = s.now()
			s.log.Warn("GetQueues failed: queue demand is filed under the applications whose operators are bound to each queue, and queues nobody is bound to are left out; retrying in a minute",
				"err", p.namesErr)
			if s.queueNames.byApp == nil {
				return p.names
			}
		}
	}
	return s.queueNames.byApp
}

// logACDFailure says which role GetACDState needs when the API refused it.
func logACDFailure(log *slog.Logger, err error) {
	if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
		log.Error("GetACDState refused (code 104): the service account needs the Developer, Admin or Owner role for --collector.acd-state; serving voximplant_acd_state_up 0", "err", err)
		return
	}
	log.Error("reading GetACDState failed; serving voximplant_acd_state_up 0", "err", err)
}

func collectACD(ch chan<- prometheus.Metric, snap *ACDSnapshot) {
	if snap.Err != nil {
		ch <- prometheus.MustNewConstMetric(acdStateUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(acdStateUpDesc, prometheus.GaugeValue, 1)
	for _, q := range snap.Queues {
		id := strconv.FormatInt(q.ID, 10)
		g := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, q.App, id, q.Name)
		}
		g(queueWaitingDesc, float64(len(q.State.WaitingCalls)))
		g(queueLongestWaitDesc, q.State.LongestWait())
		g(queueServicingDesc, float64(len(q.State.ServicingCalls)))
		g(queueReadyDesc, float64(q.State.Ready()))
		g(queueLockedDesc, float64(q.State.Locked()))
		g(queueAfterServiceDesc, float64(q.State.AfterService()))
	}
}
