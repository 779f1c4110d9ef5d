package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
)

// overview is the analyst's board: every figure the exporter has, by row.
func overview() *dashboard.DashboardBuilder {
	b := board("voximplant-overview", "Voximplant / Contact-centre overview",
		"Wall board of a Voximplant contact centre from voximplant_exporter: operators by ACD status, per queue and per skill, occupancy, queue demand (calls waiting and the longest wait, from --collector.acd-state), queue outcomes and staffing for the load (service level, abandonment, wait and handle times, Erlang C, from the queue_stats collector), SmartQueue (ACD v2) agents, tasks, service level and staffing (smartqueue collector), long statuses and the exporter's health. Every query selects the job and instance variables; the targets and limits in force per queue come from the recording rules in alerts/recording.rules.yml: load them.",
		"now-3h", "30s",
		applicationVar(),
		queryVar("queue", "Queue", "ACD queues of the selected applications (those operators are bound to, and with --collector.acd-state those GetACDState reports).",
			labelValues(`{`+jobInstance+`, __name__=~"voximplant_acd_queue_operators|voximplant_acd_queue_waiting_calls|voximplant_acd_queue_stats_offered_calls", `+appM+`}`, "queue")),
		skillVar("ACD skills of the selected applications."),
		sqQueueVar("SmartQueue (ACD v2) queues of the chosen applications (the exporter's smartqueue collector). Filters the SmartQueue row only."),
	)
	overviewStatus(b)
	overviewDemand(b)
	overviewService(b)
	overviewQueues(b)
	overviewSmartQueue(b)
	overviewHealth(b)
	overviewProductivity(b)
	overviewSQAgents(b)
	return b
}

// row is a row header across the board at y, not collapsed.
func row(id, y uint32, title string) *dashboard.RowBuilder {
	return dashboard.NewRowBuilder(title).Id(id).GridPos(dashboard.GridPos{X: 0, Y: y, W: 24, H: 1}).Collapsed(false)
}

// statusTile counts the operators in the statuses (a regex) now.
func statusTile(s slot, title, description, statuses string) *stat.PanelBuilder {
	return tile(s, title, description, "sum("+acdOperators(`acd_status=~"`+statuses+`"`)+")").
		Unit(unitCount).Decimals(0).Mappings([]dashboard.ValueMapping{})
}

// statusColor is the colour of an ACD status (statusColors).
func statusColor(status string) string {
	for _, c := range statusColors {
		if c.status == status {
			return c.color
		}
	}
	return "text"
}

// understaffed counts the queues with fewer staffed than required, 0 when
// there are requirements and none is short.
func understaffed(f family, staffed, required string) string {
	return orZero("count("+staffed+" < "+f.onQueue()+" "+required+")", "count("+required+")")
}

// acdAnsweredInTime is the calls answered within the threshold of each
// queue's service-level target.
var acdAnsweredInTime = acdQueues.haID(acdQueues.atTargetThreshold(acdQueues.sel("voximplant_acd_queue_stats_answered_within_threshold_calls")))

// perSkill is the operators in a status per skill.
func perSkill(status string) string {
	return agg("max", "application, skill", agg("max", "job, application, skill_id, skill",
		sel("voximplant_acd_skill_operators", status, appM, skillM)))
}

// sqAgents are the SmartQueue agents (per user) READY on a channel ("call",
// "im") who serve a selected queue.
func sqAgentsReady(channel string) string {
	return "count(" + agg("max", "user_id", sel("voximplant_sq_agent_status", `channel="`+channel+`"`, `sq_status="READY"`)+" == 1") +
		" and on (user_id) " + sqServesSelectedQueue() + ")"
}

func sqAgentsByStatus(channel string) string {
	return agg("count", "sq_status", agg("max", "user_id, sq_status", sel("voximplant_sq_agent_status", `channel="`+channel+`"`)+" == 1")+
		" and on (user_id) "+sqServesSelectedQueue())
}

func sqServesSelectedQueue() string {
	return agg("max", "user_id", sel("voximplant_sq_agent_queue_info", sqQueueM))
}

// sqTasksWaiting is the tasks of a channel ("call", "im") waiting per queue.
func sqTasksWaiting(channel string) string {
	return sqQueues.sel("voximplant_sq_tasks", `status="in_queue"`, `task_type="`+channel+`"`)
}

// sqAgentsReadyIn is the agents READY on a channel per queue.
func sqAgentsReadyIn(channel string) string {
	return sqQueues.sel("voximplant_sq_agents", `channel="`+channel+`"`, `sq_status="READY"`)
}

// sqWaitingNoneReady is the queues with tasks of a channel waiting and no
// agent READY on it.
func sqWaitingNoneReady(channel string) string {
	return agg("max", "job, application, sq_queue_id, sq_queue, task_type", sqTasksWaiting(channel)) + " > 0 and " +
		sqQueues.onQueue() + " " + sqQueues.haID(sqAgentsReadyIn(channel)) + " == 0"
}

// latencyQuantile is a quantile of the API request latency per method.
func latencyQuantile(q string) string {
	return "histogram_quantile(" + q + ", " + agg("sum", "le, method", "rate("+sel("voximplant_api_request_duration_seconds_bucket")+"[$__rate_interval])") + ")"
}
