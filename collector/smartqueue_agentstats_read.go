package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// The agent reports of GetSmartQueueRealtimeMetrics (group_by=agent) the
// smartqueue collector reads, each the API's name for the agents' time in
// one status, by the SmartQueue status it stands for (sq_status label).
// The custom status times are not among the report types agent grouping
// allows (API-NOTES.md), so they have no series.
var sqAgentStatusReports = []struct{ typ, status string }{
	{"sum_agents_online_time", voxapi.StatusOnline},
	{"sum_agents_ready_time", voxapi.StatusReady},
	{"sum_agents_dialing_time", voxapi.SQStatusDialing},
	{"sum_agents_in_service_time", voxapi.StatusInService},
	{"sum_agents_afterservice_time", voxapi.StatusAfterService},
	{"sum_agents_dnd_time", voxapi.StatusDND},
	{"sum_agents_banned_time", voxapi.StatusBanned},
}

// The agent reports the totals are computed from: handle and
// after-call-work totals are averages times the calls handled.
const (
	sqAgentHandled = "count_handled_calls"
	sqAgentAvgACW  = "average_after_call_worktime"
)

// sqAgentReportTypes is every report type one agent-grouped request asks
// for.
func sqAgentReportTypes() []string {
	out := make([]string, 0, len(sqAgentStatusReports)+3)
	for _, r := range sqAgentStatusReports {
		out = append(out, r.typ)
	}
	return append(out, sqAgentHandled, sqReportHandleTime, sqAgentAvgACW)
}

// SQAgentStatsData is one whole read of the agent-grouped realtime metrics
// of every SmartQueue a pass's state listed: one request per queue, as
// agent grouping takes one queue.
type SQAgentStatsData struct {
	ReadAt time.Time     // the end of the window
	Window time.Duration // the span the metrics cover
	Queues []sqAgentQueue

	once sync.Once // computes samples on the first scrape that serves the read
	own  sqAgentSamples
}

// sqAgentQueue is one queue's agent-grouped answer, by user id.
type sqAgentQueue struct {
	app    string // the application label
	id     int64
	name   string
	agents map[int64]*voxapi.SQAgentValues
}

// SQAgentStats is the agent-grouped SmartQueue realtime metrics over
// [now-window, now] of every queue this pass's state lists, read at most
// once per --collector.smartqueue.refresh (the read beside SQMetrics) and
// served to the passes in between.
func (p *Pass) SQAgentStats(now func() time.Time, window time.Duration) (*SQAgentStatsData, error) {
	d, _, err := p.reads.sqAgents.get(p.ctx, func() (fetchFunc[*SQAgentStatsData], error) {
		states, err := p.SQState()
		if err != nil {
			return nil, fmt.Errorf("the SmartQueue state read failed: %w", err)
		}
		api, end := p.API(), now()
		return func(ctx context.Context) (*SQAgentStatsData, error) {
			return readSQAgentStats(ctx, api, p.reads.log, states, end, window)
		}, nil
	})
	return d, err
}

// readSQAgentStats makes one agent-grouped request per queue, all through
// the API's shared request bound: all or nothing. A queue whose name the
// API's parameter cannot carry (empty, or with the list separator ";")
// cannot be asked for alone and is left out, said in the log; a queue
// with a value in an undocumented shape is kept out of the series (see
// sqAgentSamplesOf), said in the log.
func readSQAgentStats(ctx context.Context, api API, log *slog.Logger, states []SQAppState, end time.Time, window time.Duration) (*SQAgentStatsData, error) {
	d := &SQAgentStatsData{ReadAt: end, Window: window}
	type job struct {
		sel voxapi.AppSelector
		i   int
	}
	var jobs []job
	for _, a := range states {
		for _, q := range a.Queues {
			if q.SQQueueName == "" || strings.Contains(q.SQQueueName, ";") {
				log.Warn("a SmartQueue whose name cannot be sent alone as sq_queue_name has no agent series",
					"application", a.App.String(), "sq_queue_id", q.SQQueueID, "sq_queue", q.SQQueueName)
				continue
			}
			jobs = append(jobs, job{a.Sel, len(d.Queues)})
			d.Queues = append(d.Queues, sqAgentQueue{app: a.App.String(), id: q.SQQueueID, name: q.SQQueueName})
		}
	}
	reports := sqAgentReportTypes()
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		q := &d.Queues[j.i]
		g.Go(func() error {
			m, err := api.GetSmartQueueRealtimeMetrics(gctx, voxapi.SQMetricsParams{
				App: j.sel, SQQueueNames: []string{q.name}, From: end.Add(-window), To: end,
				ReportTypes: reports, GroupBy: voxapi.SQGroupByAgent,
			})
			if err == nil {
				q.agents, err = m.ByAgent()
			}
			if err != nil {
				return fmt.Errorf("%s grouped by agent for SmartQueue %d of application %s: %w", sqMetricsMethod, q.id, q.app, err)
			}
			for _, a := range q.agents {
				for typ, grp := range a.Reports {
					if shape, bad := grp.BadShape(); bad {
						warnBadShape(log, sqMetricsMethod, typ, shape, "application", q.app, "sq_queue_id", q.id, "user_id", a.UserID)
					}
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return d, nil
}
