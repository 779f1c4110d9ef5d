package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewService adds the overview's panels of queue outcomes and staffing for the load.
func overviewService(b *dashboard.DashboardBuilder) {
	b.WithRow(row(46, 27, `Service (queue statistics)`))
	b.WithPanel(tile(at(33, 0, 28, 3, 4), `Service level`,
		`Share of the calls offered to the selected queues that were answered within each queue's service-level threshold (the threshold of its target in force, application_queue:voximplant_queue_service_level_target:effective; 20 s unless set), over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise): the sum of voximplant_acd_queue_stats_answered_within_threshold_calls over the sum of calls offered, so busy queues weigh more. Red below 70%, orange below 80%; each queue's own target is in the table below. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		ratio("sum("+acdAnsweredInTime+")",
			"sum("+paren(acdOfferedByID+" and "+acdQueues.onQueue()+" "+acdAnsweredInTime)+")")).
		Unit(unitRatio).Decimals(1).Mappings([]dashboard.ValueMapping{}).Thresholds(slTh()))
	b.WithPanel(tile(at(34, 3, 28, 3, 4), `Abandoned`,
		`Share of the calls offered to the selected queues that the caller hung up on before an answer (outcome unanswered over voximplant_acd_queue_stats_offered_calls), over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). Orange from 5%, red from 10%. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		ratio("sum("+acdQueues.haID(acdQueues.sel("voximplant_acd_queue_stats_calls", `outcome="unanswered"`))+")",
			"sum("+acdOfferedByID+")")).
		Unit(unitRatio).Decimals(1).Mappings([]dashboard.ValueMapping{}).Thresholds(abandonTh()))
	b.WithPanel(tile(at(35, 6, 28, 3, 4), `Calls offered`,
		`Calls offered to the selected queues (voximplant_acd_queue_stats_offered_calls), over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		"sum("+acdOfferedByID+")").
		Unit(unitCount).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("blue")))
	b.WithPanel(tile(at(36, 9, 28, 3, 4), `Average wait`,
		`Average time callers of the selected queues waited, to an answer or a hang-up (sum of voximplant_acd_queue_stats_total_wait_seconds over the answered and unanswered calls), over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). Orange from 30 s, red from 1 minute. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		ratio("sum("+acdQueues.haID(acdQueues.sel("voximplant_acd_queue_stats_total_wait_seconds"))+")",
			"sum("+agg("max", "job, application, queue_id, outcome", acdQueues.sel("voximplant_acd_queue_stats_calls", `outcome=~"answered|unanswered"`))+")")).
		Unit(unitSeconds).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(30, "orange"), above(60, "red"))))
	b.WithPanel(tile(at(37, 12, 28, 3, 4), `Average handle`,
		`Average handling time (talk plus after-call work) of the calls the selected queues handled (voximplant_acd_queue_stats_total_handle_seconds over voximplant_acd_queue_stats_handled_calls), over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		ratio("sum("+acdQueues.haID(acdQueues.sel("voximplant_acd_queue_stats_total_handle_seconds"))+")",
			"sum("+acdQueues.haID(acdQueues.sel("voximplant_acd_queue_stats_handled_calls"))+")")).
		Unit(unitSeconds).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("blue")))
	b.WithPanel(tile(at(38, 15, 28, 3, 4), `Understaffed queues`,
		`How many selected queues have fewer operators working them (READY + IN_SERVICE + AFTER_SERVICE) than their load requires at their staffing objective (Erlang A where the queue has it, Erlang C elsewhere) (voximplant_acd_queue_required_operators at application_queue:voximplant_queue_staffing_objective:effective; 80% within 20 s unless set). Red from 1; sustained for 10 minutes this is VoximplantQueueUnderstaffedForLoad. The "Staffing for the load" table shows which. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		understaffed(acdQueues, acdStaffed, acdRequired)).
		Unit(unitCount).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(anyIsBad()))
	b.WithPanel(tile(at(39, 18, 28, 3, 4), `Statistics window`,
		`The span the queue figures of this row cover (voximplant_acd_queue_stats_window_seconds): the last 30 minutes unless the exporter is told otherwise. Counts and ratios are over this window, not since midnight. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		"max("+sel("voximplant_acd_queue_stats_window_seconds")+")").
		Unit(unitSeconds).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("blue")))
	b.WithPanel(tile(at(40, 21, 28, 3, 4), `Statistics age`,
		`How old the queue statistics served are (now minus voximplant_acd_queue_stats_timestamp_seconds, the oldest selected queue): the exporter reads GetACDQueueStatistics less often than it is scraped. Orange from 5 minutes, red from 15. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		"time() - min("+acdQueues.sel("voximplant_acd_queue_stats_timestamp_seconds")+")").
		Unit(unitSeconds).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(300, "orange"), above(900, "red"))))
	b.WithPanel(queueTable(at(41, 0, 32, 14, 10), acdQueues, `Service per queue`,
		`One row per selected queue, over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise): calls offered; service level (share answered within the threshold of the queue's target) against the target in force (application_queue:voximplant_queue_service_level_target:effective, 80% within 20 s unless set per queue), and the gap, red when below target; abandoned (unanswered over offered) against its limit (application_queue:voximplant_queue_max_abandonment_ratio:effective, 10% unless set), red above it; average and longest wait and average handling time. Service level and averages are empty for a queue with no calls. VoximplantQueueServiceLevelLow and VoximplantQueueAbandonmentHigh judge only queues with at least the minimum calls offered (20 unless set). Sorted by service-level gap, worst first. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		"Gap to target", false,
		col("Offered", acdQueues.perQueue(acdOffered)),
		col("Service level", acdQueues.perQueue(acdSL), unitProps(unitRatio, 1)...),
		col("Target", acdQueues.perQueue(acdSLTarget), unitProps(unitRatio, 1)...),
		col("Gap to target", acdQueues.perQueue(acdQueues.minus(acdSL, acdSLTarget)), append(unitProps(unitRatio, 1), gapProps()...)...),
		col("Abandoned", acdQueues.perQueue(acdAbandon), append(unitProps(unitRatio, 1), colorText("green", abandonLevels...)...)...),
		col("Abandonment limit", acdQueues.perQueue(acdQueues.target(acdQueues.maxAbandonment)), unitProps(unitRatio, 1)...),
		col("Average wait", acdQueues.perQueue(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_stats_average_wait_seconds"))), unitProps(unitSeconds)...),
		col("Longest wait", acdQueues.perQueue(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_stats_max_wait_seconds"))), unitProps(unitSeconds)...),
		col("Average handle", acdQueues.perQueue(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_stats_average_handle_seconds"))), unitProps(unitSeconds)...),
	))
	b.WithPanel(queueTable(at(42, 14, 32, 10, 10), acdQueues, `Staffing for the load`,
		`One row per selected queue: operators its load requires at the queue's staffing objective (voximplant_acd_queue_required_operators at application_queue:voximplant_queue_staffing_objective:effective, 80% within 20 s unless set) by the model in force (Erlang A where the window showed the callers' patience, Erlang C elsewhere; both are shown, with the callers' mean patience), operators staffing it now (READY + IN_SERVICE + AFTER_SERVICE of those bound to it, voximplant:queue_staffed_operators), and the gap, staffed minus required: red when short, green when enough. Below 0 for 10 minutes this is VoximplantQueueUnderstaffedForLoad. The offered load is in erlangs, over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). The predicted service level is what the operators staffed now will answer within the target's threshold at that load (voximplant_acd_queue_predicted_service_level_ratio, by the model in force), against the target: below it for 5 minutes this is VoximplantQueueServiceLevelAtRisk, before the measured service level falls. Sorted by gap, shortest first. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		"Gap", false,
		col("Required", acdQueues.perQueue(acdRequired)),
		col("Staffed", acdQueues.perQueue(acdStaffed)),
		col("Gap", acdQueues.perQueue(acdQueues.minus(acdStaffed, acdRequired)), gapProps()...),
		col("Offered load", acdQueues.perQueue(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_offered_load_erlangs"))), unitProps(unitCount, 1)...),
		col("Erlang C", acdQueues.perQueue(acdQueues.requiredBy("voximplant_acd_queue_required_operators", "erlang_c"))),
		col("Erlang A", acdQueues.perQueue(acdQueues.requiredBy("voximplant_acd_queue_required_operators", "erlang_a"))),
		col("Patience", acdQueues.perQueue(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_patience_seconds"))), unitProps(unitSeconds)...),
		col("Predicted service level", acdQueues.perQueue(acdPredictedSL), unitProps(unitRatio, 1)...),
		col("Predicted gap to target", acdQueues.perQueue(acdQueues.minus(acdPredictedSL, acdSLTarget)), append(unitProps(unitRatio, 1), gapProps()...)...),
	))
	b.WithPanel(perQueueSeries(at(43, 0, 42, 8, 9), acdQueues, `Service level per queue`,
		`Share of each selected queue's calls answered within the threshold of its target, over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise) (voximplant_acd_queue_stats_service_level_ratio). No line for a queue with no calls. The dashed line is the default target, 80%; the queue's own target is in the table above. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		unitRatio, acdQueues.perQueue(acdSL)).
		Max(1).Thresholds(th("transparent", above(defaultSLTarget, "red"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)))
	b.WithPanel(perQueueSeries(at(44, 8, 42, 8, 9), acdQueues, `Abandonment per queue`,
		`Share of each selected queue's offered calls the caller hung up on before an answer, over the queue_stats collector's window (voximplant_acd_queue_stats_window_seconds, 30 minutes unless the exporter is told otherwise). The dashed line is the default limit, 10%. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		unitRatio, acdQueues.perQueue(acdAbandon)).
		Thresholds(th("transparent", above(defaultMaxAbandonment, "red"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)))
	b.WithPanel(series(at(45, 16, 42, 8, 9), `Required against staffed per queue`,
		`Per selected queue, operators required for the load at its staffing objective (by the model in force: Erlang A where computed, else Erlang C; dashed) and operators staffing it (READY + IN_SERVICE + AFTER_SERVICE, solid). Where the solid line runs below its dashed one the queue is short. Needs the exporter's queue_stats collector (GetACDQueueStatistics); without it this panel is empty.`,
		unitCount,
		rangeQ("A", "required {{queue}} ({{application}})", acdQueues.perQueue(acdRequired)),
		rangeQ("B", "staffed {{queue}} ({{application}})", acdQueues.perQueue(acdStaffed)+" and on (application, queue) "+acdQueues.perQueue(acdRequired))).
		Decimals(0).OverrideByRegexp("^required .*", []dashboard.DynamicConfigValue{prop("custom.lineStyle", map[string]any{"fill": "dash", "dash": []any{10, 10}})}))
}
