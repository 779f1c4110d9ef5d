package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: ACDStateCollector, flag: "acd-state", defaultOn: false,
		help:    "Queue demand (voximplant_acd_queue_waiting_calls and more) from GetACDState; needs the Developer role or higher",
		methods: []string{"GetACDState", "GetQueues"},
		// voximplant_acd_state_up is kept, deprecated in favour of
		// voximplant_scrape_collector_success{collector="acd_state"}.
		up: acdStateUpDesc,
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewACDState(st), nil }
		},
	})
}

// ACDStateCollector is the name of the queue-demand collector.
const ACDStateCollector = "acd_state"

// NewACDState returns the acd_state collector: the live state of every
// queue the watched applications own or serve, from GetACDState.
func NewACDState(st Settings) Collector {
	return &acdStateCollector{log: st.withDefaults().Logger}
}

type acdStateCollector struct{ log *slog.Logger }

func (*acdStateCollector) Name() string { return ACDStateCollector }

// Update ties GetACDState's queues to the watched applications through
// the directory and the users. Either alone will do (a GetUsers failure
// leaves the queue series alone; without GetQueues, the queues operators
// are bound to stand in); with neither, which queues are watched is not
// known, and the collector fails rather than serve none.
func (c *acdStateCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	state, err := p.ACDState()
	if err != nil {
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			c.log.Error("GetACDState refused (code 104): the service account needs the Developer, Admin or Owner role for --collector.acd-state", "err", err)
		}
		return nil, err
	}
	dir, dirErr := p.Directory()
	users, usersErr := p.Users()
	if dirErr != nil && usersErr != nil {
		return nil, fmt.Errorf("the watched queues are unknown: %w; and %w", dirErr, usersErr)
	}
	return acdStateMetrics(watchedQueues(p.Apps(), dir, users), state), nil
}

// acdStateMetrics are the live series of each watched queue that
// GetACDState reported.
func acdStateMetrics(queues []queueRef, acd *voxapi.ACDState) *Result {
	state := map[int64]*voxapi.ACDQueueState{}
	for i := range acd.Queues {
		q := &acd.Queues[i]
		state[q.ACDQueueID] = q
	}
	snap := &acdSnapshot{}
	for _, q := range queues {
		if st, ok := state[q.ID]; ok {
			snap.queues = append(snap.queues, acdQueue{ref: q, state: st})
		}
	}
	return &Result{Collect: snap.collect}
}

// acdSnapshot is one read of GetACDState, tied to the watched queues.
type acdSnapshot struct{ queues []acdQueue }

// acdQueue is one queue's live state under one watched application.
type acdQueue struct {
	ref   queueRef
	state *voxapi.ACDQueueState
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

// collect sends the queue demand series.
func (snap *acdSnapshot) collect(ch chan<- prometheus.Metric) {
	for _, q := range snap.queues {
		id := strconv.FormatInt(q.ref.ID, 10)
		g := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, q.ref.App, id, q.ref.Name)
		}
		g(queueWaitingDesc, float64(len(q.state.WaitingCalls)))
		g(queueLongestWaitDesc, q.state.LongestWait())
		g(queueServicingDesc, float64(len(q.state.ServicingCalls)))
		g(queueReadyDesc, float64(q.state.Ready()))
		g(queueLockedDesc, float64(q.state.Locked()))
		g(queueAfterServiceDesc, float64(q.state.AfterService()))
	}
}
