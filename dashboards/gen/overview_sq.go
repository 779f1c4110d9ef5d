package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewSmartQueue adds the overview's panels of SmartQueue (ACD v2).
func overviewSmartQueue(b *dashboard.DashboardBuilder) {
	b.WithRow(row(59, 69, `SmartQueue (ACD v2)`))
	b.WithPanel(tile(at(47, 0, 70, 3, 4), `SQ agents READY on calls`,
		`SmartQueue agents bound to the selected SmartQueue queues who are READY on the call channel now, each counted once however many queues they serve (voximplant_sq_agent_status, voximplant_sq_agent_queue_info). Red at 0. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		orZero(sqAgentsReady("call"), collectorOK("smartqueue"))).Unit(unitCount).Decimals(0).Thresholds(noneIsBad()))
	b.WithPanel(tile(at(48, 3, 70, 3, 4), `SQ agents READY on chat`,
		`SmartQueue agents of the selected queues READY on the chat (im) channel now, each counted once. Red at 0. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		orZero(sqAgentsReady("im"), collectorOK("smartqueue"))).Unit(unitCount).Decimals(0).Thresholds(noneIsBad()))
	b.WithPanel(tile(at(49, 6, 70, 3, 4), `SQ tasks waiting`,
		`Tasks (calls and chats) waiting in the selected SmartQueue queues now, not yet given to an agent (voximplant_sq_tasks, status in_queue). Orange from 1, red from 10. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		"sum("+agg("max", "job, application, sq_queue_id, task_type", sqQueues.sel("voximplant_sq_tasks", `status="in_queue"`))+")").
		Unit(unitCount).Decimals(0).Thresholds(waitingTh()))
	b.WithPanel(tile(at(50, 9, 70, 3, 4), `SQ longest wait`,
		`The longest any task has been waiting in the selected SmartQueue queues now (voximplant_sq_longest_wait_seconds). Orange from 1 minute, red from 2 (the default limit of VoximplantSQLongestWaitHigh). Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		"max("+sqQueues.sel("voximplant_sq_longest_wait_seconds")+")").Unit(unitSeconds).Decimals(0).Thresholds(waitTh()))
	b.WithPanel(tile(at(51, 12, 70, 3, 4), `SQ queues waiting with nobody READY`,
		`How many selected SmartQueue queue and channel pairs have tasks waiting and not one agent READY on that channel. Red from 1; sustained for 3 minutes this is VoximplantSQTasksWaitingNoReadyAgents. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		orZero("count("+paren(sqWaitingNoneReady("call"))+" or "+paren(sqWaitingNoneReady("im"))+")", collectorOK("smartqueue"))).
		Unit(unitCount).Decimals(0).Thresholds(anyIsBad()))
	b.WithPanel(tile(at(52, 15, 70, 3, 4), `SQ service level`,
		`Share of the calls offered to the selected SmartQueue queues answered within each queue's target threshold (application_sq_queue:voximplant_sq_queue_service_level_target:effective, 80% within 20 s unless set), over GetSmartQueueRealtimeMetrics' window (the last 30 minutes): each queue's voximplant_sq_queue_service_level_ratio weighted by its calls offered. Red below 70%, orange below 80%. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		ratio("sum("+sqSL+" * "+sqQueues.onQueue()+" group_left () "+sqOffered+")",
			"sum("+sqOffered+" and "+sqQueues.onQueue()+" "+sqSL+")")).
		Unit(unitRatio).Decimals(1).Thresholds(slTh()))
	b.WithPanel(tile(at(53, 18, 70, 3, 4), `SQ abandoned`,
		`Share of the calls offered to the selected SmartQueue queues that were abandoned (voximplant_sq_queue_abandoned_calls over voximplant_sq_queue_offered_calls), over GetSmartQueueRealtimeMetrics' window (the last 30 minutes). Orange from 5%, red from 10%. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		ratio("sum("+sqQueues.haID(sqQueues.sel("voximplant_sq_queue_abandoned_calls"))+")",
			"sum("+sqQueues.haID(sqQueues.sel("voximplant_sq_queue_offered_calls"))+")")).
		Unit(unitRatio).Decimals(1).Thresholds(abandonTh()))
	b.WithPanel(tile(at(54, 21, 70, 3, 4), `SQ understaffed queues`,
		`How many selected SmartQueue queues have fewer agents on the call channel (READY + IN_SERVICE + AFTER_SERVICE) than Erlang C requires for their load at their staffing objective (voximplant_sq_queue_required_agents at application_sq_queue:voximplant_sq_queue_staffing_objective:effective, 80% within 20 s unless set). Red from 1; for 10 minutes this is VoximplantSQUnderstaffedForLoad. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		understaffed(sqQueues, sqStaffed, sqRequired)).Unit(unitCount).Decimals(0).Thresholds(anyIsBad()))
	b.WithPanel(series(at(60, 0, 74, 8, 9), `SQ agents by status (calls)`,
		`SmartQueue agents of the selected queues by their status on the calls channel (call), each agent counted once (voximplant_sq_agent_status). Stacked: the top is every agent the API lists. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		unitCount, rangeQ("A", "{{sq_status}}", sqAgentsByStatus("call"))).
		Decimals(0).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")))
	b.WithPanel(series(at(61, 8, 74, 8, 9), `SQ agents by status (chat)`,
		`SmartQueue agents of the selected queues by their status on the chat channel (im), each agent counted once (voximplant_sq_agent_status). Stacked: the top is every agent the API lists. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		unitCount, rangeQ("A", "{{sq_status}}", sqAgentsByStatus("im"))).
		Decimals(0).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")))
	b.WithPanel(queueTable(at(55, 16, 74, 8, 9), sqQueues, `SQ tasks and agents per queue`,
		`One row per selected SmartQueue queue, now: tasks waiting and agents READY per channel (calls, chats), and the longest wait. Waiting with READY 0 on the same channel is the case to act on (VoximplantSQTasksWaitingNoReadyAgents). Longest wait orange from 1 minute, red from 2. Sorted by calls waiting. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		"Calls waiting", true,
		col("Calls waiting", sqQueues.perQueue(sqQueues.ha(sqTasksWaiting("call"))), colorBackground("green", waitingLevels...)...),
		col("READY on calls", sqQueues.perQueue(sqQueues.ha(sqAgentsReadyIn("call"))), colorText("red", above(1, "green"))...),
		col("Chats waiting", sqQueues.perQueue(sqQueues.ha(sqTasksWaiting("im"))), colorBackground("green", waitingLevels...)...),
		col("READY on chat", sqQueues.perQueue(sqQueues.ha(sqAgentsReadyIn("im"))), colorText("red", above(1, "green"))...),
		col("Longest wait", sqQueues.perQueue(sqQueues.ha(sqQueues.sel("voximplant_sq_longest_wait_seconds"))), append(unitProps(unitSeconds), colorBackground("green", waitLevels...)...)...),
	))
	b.WithPanel(queueTable(at(56, 0, 83, 12, 9), sqQueues, `SQ service and staffing per queue`,
		`One row per selected SmartQueue queue, over GetSmartQueueRealtimeMetrics' window (the last 30 minutes): calls offered; service level at the threshold of the queue's target against the target in force (80% within 20 s unless set) and the gap, red below target; the service level the agents now on calls will deliver at that load (application_sq_queue:voximplant_sq_queue_predicted_service_level:target_threshold_ratio, by the staffing model in force; under the target for 5 minutes this is VoximplantSQServiceLevelAtRisk) and its gap; abandoned share (voximplant_sq_queue_abandonment_ratio); average answer and handle time; occupancy; agents the load requires by Erlang C at the staffing objective against agents on the call channel (READY + IN_SERVICE + AFTER_SERVICE), and that gap, red when short. Sorted by staffing gap, shortest first. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		"Staffing gap", false,
		col("Offered", sqQueues.perQueue(sqOffered)),
		col("Service level", sqQueues.perQueue(sqSL), unitProps(unitRatio, 1)...),
		col("Target", sqQueues.perQueue(sqSLTarget), unitProps(unitRatio, 1)...),
		col("Gap to target", sqQueues.perQueue(sqQueues.minus(sqSL, sqSLTarget)), append(unitProps(unitRatio, 1), gapProps()...)...),
		col("Predicted service level", sqQueues.perQueue(sqPredictedSL), unitProps(unitRatio, 1)...),
		col("Predicted gap to target", sqQueues.perQueue(sqQueues.minus(sqPredictedSL, sqSLTarget)), append(unitProps(unitRatio, 1), gapProps()...)...),
		col("Abandoned", sqQueues.perQueue(sqQueues.ha(sqQueues.sel("voximplant_sq_queue_abandonment_ratio"))), append(unitProps(unitRatio, 1), colorText("green", abandonLevels...)...)...),
		col("Average answer", sqQueues.perQueue(sqQueues.ha(sqQueues.sel("voximplant_sq_queue_average_answer_seconds"))), unitProps(unitSeconds)...),
		col("Average handle", sqQueues.perQueue(sqQueues.ha(sqQueues.sel("voximplant_sq_queue_average_handle_seconds"))), unitProps(unitSeconds)...),
		col("Occupancy", sqQueues.perQueue(sqQueues.ha(sqQueues.sel("voximplant_sq_queue_occupancy_ratio"))), unitProps(unitRatio, 0)...),
		col("Required", sqQueues.perQueue(sqRequired)),
		col("Staffed", sqQueues.perQueue(sqStaffed)),
		col("Staffing gap", sqQueues.perQueue(sqQueues.minus(sqStaffed, sqRequired)), gapProps()...),
	))
	b.WithPanel(series(at(57, 12, 83, 6, 9), `SQ tasks waiting per queue`,
		`Tasks waiting per selected SmartQueue queue and task type, call or im (voximplant_sq_tasks, status in_queue). Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		unitCount, rangeQ("A", "{{sq_queue}} {{task_type}} ({{application}})",
			agg("max", "application, sq_queue, task_type", sqQueues.sel("voximplant_sq_tasks", `status="in_queue"`)))).Decimals(0))
	b.WithPanel(perQueueSeries(at(58, 18, 83, 6, 9), sqQueues, `SQ service level per queue`,
		`Share of each selected SmartQueue queue's calls answered within the threshold of its target, over GetSmartQueueRealtimeMetrics' window (the last 30 minutes). The dashed line is the default target, 80%. Needs the exporter's smartqueue collector (GetSQState, GetSmartQueueRealtimeMetrics); without it this panel is empty.`,
		unitRatio, sqQueues.perQueue(sqSL)).
		Max(1).Thresholds(th("transparent", above(defaultSLTarget, "red"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)))
}
