package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// How SmartQueue agents spend their time, from the smartqueue collector's
// agent reports (GetSmartQueueRealtimeMetrics grouped by agent, over its
// window). Occupancy is computed as the recording rule
// application_sq_queue:voximplant_sq_queue_agent_occupancy:ratio computes
// it: DIALING counts as busy.
const (
	sqBusyStatuses      = "IN_SERVICE|AFTER_SERVICE|DIALING"
	sqAvailableStatuses = "READY|IN_SERVICE|AFTER_SERVICE|DIALING"
	needsSQAgents       = " Needs the exporter's smartqueue collector (GetSmartQueueRealtimeMetrics grouped by agent, one request per queue); without it this panel is empty."
)

// sqAgentStatusSeconds is the selected queues' agents' seconds in the
// statuses matching re over the window, by labels, one HA exporter each.
func sqAgentStatusSeconds(by, re string) string {
	return agg("sum", by, agg("max", "job, application, sq_queue_id, sq_queue, sq_status",
		sqQueues.sel("voximplant_sq_queue_agent_status_seconds", `sq_status=~"`+re+`"`)))
}

// overviewSQAgents adds the overview's row on SmartQueue agents' time, at
// the bottom of the board.
func overviewSQAgents(b *dashboard.DashboardBuilder) {
	b.WithRow(row(69, 119, `SmartQueue agents' time (agent reports)`))
	b.WithPanel(series(at(70, 0, 120, 12, 8), `SQ agent time by status`,
		`Seconds the agents of the selected SmartQueue queues spent in each status over the smartqueue window (voximplant_sq_queue_agent_status_seconds, the last 30 minutes unless set), stacked; summed over the queues, so an agent of two selected queues counts in both. Custom statuses have no agent report and are not shown.`+needsSQAgents,
		unitSeconds, rangeQ("A", "{{sq_status}}", sqAgentStatusSeconds("sq_status", ".+"))).
		FillOpacity(80).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")).
		Overrides(statusColorOverrides()))
	b.WithPanel(perQueueSeries(at(71, 12, 120, 12, 8), sqQueues, `SQ agent occupancy per queue`,
		`Share of the time each selected SmartQueue queue's agents were available or busy that they were busy ((IN_SERVICE + AFTER_SERVICE + DIALING) over READY + those), over the smartqueue window, from the agent reports; absent for a queue whose agents were never available. Above 0.85 for long, people burn out.`+needsSQAgents,
		unitRatio, ratio(sqAgentStatusSeconds("application, sq_queue", sqBusyStatuses), sqAgentStatusSeconds("application, sq_queue", sqAvailableStatuses))).
		Max(1).Thresholds(th("transparent", above(0.85, "red"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)))
}
