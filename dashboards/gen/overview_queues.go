package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewQueues adds the overview's panels of operators per queue and skill.
func overviewQueues(b *dashboard.DashboardBuilder) {
	b.WithRow(row(11, 51, `Queues and skills`))
	b.WithPanel(perQueueSeries(at(12, 0, 52, 8, 9), acdQueues, `READY per queue`,
		`Operators bound to each selected queue who can take a call now. Red line: 1 (below it the queue has nobody READY, see VoximplantQueueNoReadyOperators); each queue's own minimum is in the alert rules (VoximplantQueueUnderstaffed). Source: voximplant_acd_queue_operators, aggregated as the recording rule application_queue:voximplant_acd_queue_operators:ready does (from the exporter's own series, so that the instance variable applies).`,
		unitCount, acdQueues.perQueue(acdQueues.ha(sel("voximplant_acd_queue_operators", `acd_status="READY"`, appM, queueM)))).
		Decimals(0).Thresholds(th("red", above(1, "transparent"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeLine)))
	b.WithPanel(perQueueSeries(at(13, 8, 52, 8, 9), acdQueues, `IN_SERVICE per queue`,
		`Operators bound to each selected queue who are on a call now. An operator bound to several queues counts in each. Source: voximplant_acd_queue_operators, aggregated as the recording rule application_queue:voximplant_acd_queue_operators:in_service does (from the exporter's own series, so that the instance variable applies).`,
		unitCount, acdQueues.perQueue(acdQueues.ha(sel("voximplant_acd_queue_operators", `acd_status="IN_SERVICE"`, appM, queueM)))).
		Decimals(0))
	b.WithPanel(perQueueSeries(at(14, 16, 52, 8, 9), acdQueues, `Occupancy per queue`,
		`IN_SERVICE / (READY + IN_SERVICE + AFTER_SERVICE) of the operators bound to each queue: the share of working operators who are on a call. Above 85% (orange) callers start to wait, above 95% (red) operators burn out. No line while nobody works the queue. Source: voximplant_acd_queue_operators, aggregated as the recording rule application_queue:voximplant_acd_queue_occupancy:ratio does (from the exporter's own series, so that the instance variable applies).`,
		unitRatio, acdQueues.perQueue(paren(ratio(
			acdQueues.ha(sel("voximplant_acd_queue_operators", `acd_status="IN_SERVICE"`, appM, queueM)), acdStaffed)))).
		Max(1).Thresholds(th("green", above(0.85, "orange"), above(0.95, "red"))).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)))
	b.WithPanel(series(at(15, 0, 61, 12, 8), `READY per skill`,
		`Operators with each selected skill who can take a call now. An operator with several skills counts in each. Source: voximplant_acd_skill_operators, aggregated as the recording rule application_skill:voximplant_acd_skill_operators:ready does (from the exporter's own series, so that the instance variable applies).`,
		unitCount, rangeQ("A", "{{skill}} ({{application}})", perSkill(`acd_status="READY"`))).Decimals(0))
	b.WithPanel(series(at(16, 12, 61, 12, 8), `IN_SERVICE per skill`,
		`Operators with each selected skill who are on a call now. Source: voximplant_acd_skill_operators, aggregated as the recording rule application_skill:voximplant_acd_skill_operators:in_service does (from the exporter's own series, so that the instance variable applies).`,
		unitCount, rangeQ("A", "{{skill}} ({{application}})", perSkill(`acd_status="IN_SERVICE"`))).Decimals(0))
}
