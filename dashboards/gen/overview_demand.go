package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewDemand adds the overview's panels of queue demand from GetACDState.
func overviewDemand(b *dashboard.DashboardBuilder) {
	b.WithRow(row(23, 13, `Queue demand (GetACDState)`))
	b.WithPanel(tile(at(24, 0, 14, 4, 4), `Calls waiting`,
		`Calls waiting in the selected queues now, all together (a queue counted once, even if it shows under several applications). The ACD hands a call to a READY operator at once, so a waiting call means every operator who could take it is busy or away. Orange from 1, red from 10. Per queue: the table on the right and "Calls waiting per queue". Source: voximplant_acd_queue_waiting_calls, aggregated as the recording rule application_queue:voximplant_acd_queue_waiting_calls:max does (from the exporter's own series, so that the instance variable applies). Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it this panel is empty.`,
		"sum("+agg("max", "queue_id", acdWaiting)+")").Unit(unitCount).Decimals(0).Thresholds(waitingTh()))
	b.WithPanel(tile(at(25, 4, 14, 4, 4), `Longest wait`,
		`How long the caller who has waited longest in any selected queue has been waiting. Orange from 1 minute, red from 2 minutes: 2 minutes is VoximplantQueueLongestWaitHigh's default limit (a queue may have its own, voximplant:queue_max_wait_seconds). Source: voximplant_acd_queue_longest_wait_seconds, aggregated as the recording rule application_queue:voximplant_acd_queue_longest_wait_seconds:max does (from the exporter's own series, so that the instance variable applies). Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it this panel is empty.`,
		"max("+acdLongest+")").Unit(unitSeconds).Decimals(0).Thresholds(waitTh()))
	b.WithPanel(tileQ(at(26, 8, 14, 4, 4), `Queues waiting with nobody READY`,
		`How many selected queues (by queue id) have calls waiting and not one READY operator (GetACDState's count) right now: callers there wait until someone finishes a call or comes back. Red from 1. Sustained for 3 minutes this is VoximplantCallsWaitingNoReadyOperators. The table on the right shows which. Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it, or while GetACDState fails, this panel shows no data rather than a reassuring 0.`,
		instantQ("A", "Queues", orZero(
			"count("+agg("max", "queue_id", acdWaiting)+" > 0 and on (queue_id) "+agg("max", "queue_id", acdReady)+" == 0)",
			collectorOK("acd_state")))).Unit(unitCount).Decimals(0).Thresholds(anyIsBad()))
	b.WithPanel(tileQ(at(27, 12, 14, 4, 4), `Queue state (GetACDState)`,
		`Whether the last scrape read the queues' live state from GetACDState (voximplant_scrape_collector_success{collector="acd_state"}, worst instance). FAILED: the exporter serves no waiting-call series, so the demand panels are empty and the demand alerts blind (see VoximplantCollectorFailing; usually the service account lacks the Developer role). OFF: the exporter runs without --collector.acd-state. Operator counts do not depend on it.`,
		instantQ("A", "GetACDState", "min("+sel("voximplant_scrape_collector_success", `collector="acd_state"`)+")")).
		Unit(unitCount).Decimals(0).Thresholds(noneIsBad()).Mappings(upDown("FAILED")).NoValue("OFF"))
	b.WithPanel(queueTable(at(28, 16, 14, 8, 13), acdQueues, `Waiting calls against READY operators`,
		`One row per selected queue, from the same GetACDState read: calls waiting, READY operators (GetACDState's count, which includes queues no operator is bound to), the longest wait and calls being served. Waiting red with READY 0 red is the case to act on: callers wait and nobody can take them (VoximplantCallsWaitingNoReadyOperators). Calls waiting with READY above 0 usually means those operators are locked or lack a skill the calls need. Longest wait orange from 1 minute, red from 2. Sorted by calls waiting, most first. Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it this panel is empty.`,
		"Waiting", true,
		col("Waiting", acdQueues.perQueue(acdWaiting), colorBackground("green", waitingLevels...)...),
		col("READY", acdQueues.perQueue(acdReady), colorText("red", above(1, "green"))...),
		col("Longest wait", acdQueues.perQueue(acdLongest), append(unitProps(unitSeconds), colorBackground("green", waitLevels...)...)...),
		col("Being served", acdQueues.perQueue(acdQueues.sel("voximplant_acd_queue_servicing_calls")), prop("color", fixedColor("blue")), cell("color-text")),
	).Filterable(false))
	b.WithPanel(perQueueSeries(at(29, 0, 18, 8, 9), acdQueues, `Calls waiting per queue`,
		`Calls waiting in each selected queue over time. A queue that keeps callers waiting while others are empty needs operators moved to it (bind them to the queue, or change skills). Dashed lines at 1 and 10 calls, as in "Calls waiting". Source: voximplant_acd_queue_waiting_calls, aggregated as the recording rule application_queue:voximplant_acd_queue_waiting_calls:max does (from the exporter's own series, so that the instance variable applies). Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it this panel is empty.`,
		unitCount, acdQueues.perQueue(acdWaiting)).
		Decimals(0).Thresholds(waitingTh()).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)).
		Legend(legend(common.LegendDisplayModeTable, common.LegendPlacementRight, "lastNotNull", "max")))
	b.WithPanel(perQueueSeries(at(30, 8, 18, 8, 9), acdQueues, `Longest wait per queue`,
		`How long the longest-waiting caller of each selected queue has been waiting (0 when nobody waits). The line falls when that caller is answered or hangs up. Dashed lines at 1 minute (orange) and 2 minutes (red, VoximplantQueueLongestWaitHigh's default limit; a queue's own limit is application_queue:voximplant_queue_max_wait_seconds:effective). Source: voximplant_acd_queue_longest_wait_seconds, aggregated as the recording rule application_queue:voximplant_acd_queue_longest_wait_seconds:max does (from the exporter's own series, so that the instance variable applies). Needs the exporter's --collector.acd-state (GetACDState, Developer role); without it this panel is empty.`,
		unitSeconds, acdQueues.perQueue(acdLongest)).
		Thresholds(waitTh()).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeDashed)).
		Legend(legend(common.LegendDisplayModeTable, common.LegendPlacementRight, "lastNotNull", "max")))
}
