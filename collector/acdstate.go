package collector

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
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
// applications (watchedQueues); queues of applications not watched are
// left out.
func buildACDSnapshot(watched []voxapi.AppSelector, acd *voxapi.ACDState, names map[string][]voxapi.QueueInfo, apps []AppUsers) *ACDSnapshot {
	state := map[int64]*voxapi.ACDQueueState{}
	for i := range acd.Queues {
		q := &acd.Queues[i]
		state[q.ACDQueueID] = q
	}
	snap := &ACDSnapshot{}
	for _, q := range watchedQueues(watched, names, apps) {
		if st, ok := state[q.ID]; ok {
			snap.Queues = append(snap.Queues, ACDQueue{App: q.App, ID: q.ID, Name: q.Name, State: st})
		}
	}
	return snap
}

// queueRef is one ACD queue under the watched application it belongs to.
type queueRef struct {
	App  string
	ID   int64
	Name string
	Info *voxapi.QueueInfo // its GetQueues settings; nil when GetQueues did not answer for the application
}

// watchedQueues lists the ACD queues of the watched applications, sorted
// by application and id. Where GetQueues answered for an application, its
// queues are the application's (a queue belongs to one application, even
// when an operator of another is bound to it); elsewhere, the queues its
// operators are bound to (GetUsers' acd_queues) stand in. Names come from
// acd_queues first, then from GetQueues for queues no operator is bound to.
func watchedQueues(watched []voxapi.AppSelector, names map[string][]voxapi.QueueInfo, apps []AppUsers) []queueRef {
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
	seen := map[key]bool{}
	var out []queueRef
	for _, app := range watched {
		qs, known := names[app.String()]
		if known {
			for i := range qs {
				q := &qs[i]
				k := key{app.String(), q.ACDQueueID}
				if seen[k] {
					continue
				}
				seen[k] = true
				name := q.ACDQueueName
				if n, ok := boundName[q.ACDQueueID]; ok {
					name = n
				}
				out = append(out, queueRef{App: k.app, ID: k.id, Name: name, Info: q})
			}
			continue
		}
		for k := range boundTo {
			if k.app == app.String() && !seen[k] {
				seen[k] = true
				out = append(out, queueRef{App: k.app, ID: k.id, Name: boundName[k.id]})
			}
		}
	}
	slices.SortFunc(out, func(a, b queueRef) int {
		if c := strings.Compare(a.App, b.App); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
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
