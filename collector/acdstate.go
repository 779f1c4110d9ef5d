package collector

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: ACDStateCollector, flag: "acd-state", defaultOn: false,
		help: "Queue demand (voximplant_acd_queue_waiting_calls and more) from GetACDState; needs the Developer role or higher",
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewACDState(st), nil }
		},
	})
}

// ACDStateCollector is the name of the queue-demand collector.
const ACDStateCollector = "acd_state"

// NewACDState returns the acd_state collector: every watched queue's live
// state from GetACDState, filed under the application the queue belongs
// to.
func NewACDState(st Settings) Collector {
	return &acdStateCollector{log: st.Logger}
}

type acdStateCollector struct{ log *slog.Logger }

func (*acdStateCollector) Name() string { return ACDStateCollector }

// UpDesc keeps voximplant_acd_state_up, deprecated in favour of
// voximplant_scrape_collector_success{collector="acd_state"}, for one
// release.
func (*acdStateCollector) UpDesc() *prometheus.Desc { return acdStateUpDesc }

func (c *acdStateCollector) Update(ctx context.Context, p *Pass) (Result, error) {
	var (
		state *voxapi.ACDState
		err   error
		names map[string][]voxapi.QueueInfo
	)
	var wg sync.WaitGroup
	wg.Go(func() { state, err = p.API().GetACDState(ctx, nil) })
	wg.Go(func() { names, _ = p.Queues() }) // a failure is logged there; bindings stand in
	wg.Wait()
	if err != nil {
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			c.log.Error("GetACDState refused (code 104): the service account needs the Developer, Admin or Owner role for --collector.acd-state", "err", err)
		}
		return nil, err
	}
	// The users tie queues to applications where GetQueues did not
	// answer; without them (their own failure is their collector's), the
	// queues GetQueues listed still are.
	apps, _ := p.Users()
	return buildACDSnapshot(p.Apps(), state, names, apps), nil
}

// ACDSnapshot is one read of GetACDState, tied to the watched
// applications.
type ACDSnapshot struct {
	Queues []ACDQueue
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

// buildACDSnapshot ties each queue of GetACDState to the watched
// applications. Where GetQueues answered for an application, its queues are
// the application's (a queue belongs to one application, even when an
// operator of another is bound to it); elsewhere, the queues its operators
// are bound to (GetUsers' acd_queues) stand in. Names come from acd_queues
// first, then from GetQueues for queues no operator is bound to. Queues of
// applications not watched are left out.
func buildACDSnapshot(watched []voxapi.AppSelector, acd *voxapi.ACDState, names map[string][]voxapi.QueueInfo, apps []AppUsers) *ACDSnapshot {

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
	for _, app := range watched {
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
	for i := range acd.Queues {
		q := &acd.Queues[i]
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

// Collect sends the queue demand series.
func (snap *ACDSnapshot) Collect(ch chan<- prometheus.Metric) {
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

func (*acdStateCollector) Methods() []string { return []string{"GetACDState", "GetQueues"} }
