package main

import (
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
)

// The wall board: for a 1920×1080 TV across the contact-centre floor, in
// kiosk mode, with no scrolling. Grafana's grid is 24 columns; at 1080
// pixels in kiosk mode about 27 rows of 30 px (and margins) fit. The top
// row (4 high) holds the operators by status and the queues under target;
// below it one panel of big values per queue, two queues a row, 3 rows
// high: seven rows of queues (ACD queues, then SmartQueue queues) fit, 14
// queues, so keep the Queue selections to about 12.
const (
	wallTopHeight   = 4
	wallQueueHeight = 3
	wallQueuesARow  = 2
)

func wallboard() *dashboard.DashboardBuilder {
	acdY := uint32(wallTopHeight)
	b := board("voximplant-wallboard", "Voximplant / Wall board",
		"The contact centre at a glance, for a TV on the floor (1920×1080, kiosk mode, refreshed every 10 s, no scrolling): the operators by status, the queues below their service-level target, and per queue of the chosen applications the calls waiting, the longest wait, the service level and its target, the abandonment, the READY operators and those the load needs. Colours follow the targets the alerts use (the recording rules in alerts/recording.rules.yml: load them), per queue; the word after each figure says the same as its colour. ACD queues first, then SmartQueue queues. Choose at most about 12 queues.",
		"now-15m", "10s",
		applicationVar(),
		queryVar("queue", "Queue", "ACD queues of the selected applications, one panel each (at most about 12 fit on the screen with the SmartQueue queues).",
			labelValues(`{`+jobInstance+`, __name__=~"voximplant_acd_queue_operators|voximplant_acd_queue_waiting_calls|voximplant_acd_queue_stats_offered_calls", `+appM+`}`, "queue")),
		sqQueueVar("SmartQueue (ACD v2) queues of the selected applications, one panel each after the ACD queues."),
	).Tooltip(dashboard.DashboardCursorSyncOff).Timepicker(dashboard.NewTimePickerBuilder().Hidden(true))
	return b.
		WithPanel(wallStatuses(at(1, 0, 0, 18, wallTopHeight))).
		WithPanel(wallUnderTarget(at(2, 18, 0, 6, wallTopHeight))).
		WithPanel(queueTiles(at(3, 0, acdY, 24/wallQueuesARow, wallQueueHeight), acdQueues, "queue",
			"One ACD queue (the panel repeats for each selected queue). Waiting: calls waiting now (red when nobody is READY, as VoximplantCallsWaitingNoReadyOperators). Longest wait: red over the queue's limit (application_queue:voximplant_queue_max_wait_seconds:effective, VoximplantQueueLongestWaitHigh), amber over half of it. Service level: the share answered within the target's threshold over the statistics window, red below the queue's target (Target, application_queue:voximplant_queue_service_level_target:effective), amber within 5 points above it. Abandoned: red over the queue's limit (application_queue:voximplant_queue_max_abandonment_ratio:effective), amber over half. READY: operators READY now, red when fewer work the queue (READY, IN_SERVICE, AFTER_SERVICE) than the load needs (Needed, Erlang C at the staffing objective, VoximplantQueueUnderstaffedForLoad), amber when none is free. The alerts on service level and abandonment also wait for enough calls and 15 minutes; the colours do not. Sources: GetACDState (--collector.acd-state), queue_stats, voximplant_acd_queue_operators.",
			acdTileFigures())).
		WithPanel(queueTiles(at(4, 0, acdY+wallQueueHeight, 24/wallQueuesARow, wallQueueHeight), sqQueues, "sq_queue",
			"One SmartQueue queue (the panel repeats for each selected SmartQueue queue), as the ACD queues: Waiting counts the tasks of every channel (red when tasks of a channel wait with no agent READY on it, VoximplantSQTasksWaitingNoReadyAgents); Longest wait against application_sq_queue:voximplant_sq_queue_max_wait_seconds:effective; Service level against application_sq_queue:voximplant_sq_queue_service_level_target:effective; Abandoned against a limit of 10% (no SmartQueue abandonment limit is recorded); READY counts the agents READY on calls, red when fewer staff the call channel than Needed (VoximplantSQUnderstaffedForLoad). Source: the smartqueue collector.",
			sqTileFigures()))
}

// wallStatuses is the operators of the selected applications by ACD status.
func wallStatuses(s slot) *stat.PanelBuilder {
	return tileQ(s, "Operators", "Operators of the selected applications in each ACD status now, coloured as on the other boards. Source: voximplant_acd_operators.",
		instantQ("A", "{{acd_status}}", agg("sum", "acd_status", acdOperators()))).
		Unit(unitCount).Decimals(0).ColorScheme(fixedColorScheme(statusColor("UNKNOWN"))).Thresholds(th("green")).
		TextMode(common.BigValueTextModeValueAndName).Overrides(statusColorOverrides())
}

// wallUnderTarget counts the queues (ACD and SmartQueue) whose service
// level is below target with enough calls to judge: those
// VoximplantQueueServiceLevelLow and VoximplantSQServiceLevelLow judge low.
func wallUnderTarget(s slot) *stat.PanelBuilder {
	return tile(s, "Queues under target",
		"Queues of the selected applications (ACD and SmartQueue) whose service level is below their target, among those with at least the calls the alert needs to judge (application_queue:voximplant_queue_min_offered_calls:effective; 20 by default): what the service-level alerts see, before their 15 minutes. Red from one. Needs the queue_stats or smartqueue collector.",
		orZero("count("+belowTarget(acdQueues, acdSL, acdOffered)+" or "+belowTarget(sqQueues, sqSL, sqOffered)+")",
			"count("+acdSL+" or "+sqSL+")")).
		Unit(unitCount).Decimals(0).Thresholds(anyIsBad())
}

// belowTarget is the queues whose service level (sl) is below target and
// that were offered at least the calls to judge it.
func belowTarget(f family, sl, offered string) string {
	return paren(paren(f.under(sl, f.slTarget, 0)) + " and " + f.onQueue() + " " +
		paren(offered+" >= on (application, "+f.id+") group_left () "+f.minOffered))
}

// tileFigure is one value of a queue's panel.
type tileFigure struct {
	name    string
	expr    string
	graded  bool // labelled by grade, coloured by it; else a plain reference value
	percent bool
	seconds bool
}

// queueTiles is a queue's figures as big values, repeated for each value of
// the queue variable (repeatVar), two queues a row.
func queueTiles(s slot, f family, repeatVar, description string, figures []tileFigure) *stat.PanelBuilder {
	b := stat.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title("$" + repeatVar).Description(description).
		Datasource(datasource()).Repeat(repeatVar).RepeatDirection(dashboard.PanelRepeatDirectionH).MaxPerRow(wallQueuesARow).
		Unit(unitCount).Decimals(0).ColorScheme(fixedColorScheme("blue")).Thresholds(th("blue")).
		ReduceOptions(lastValue()).ColorMode(common.BigValueColorModeBackground).GraphMode(common.BigValueGraphModeNone).
		JustifyMode(common.BigValueJustifyModeCenter).Orientation(common.VizOrientationAuto).
		TextMode(common.BigValueTextModeValueAndName).WideLayout(true).ShowPercentChange(false).
		PercentChangeColorMode(common.PercentChangeColorModeStandard)
	var percent, seconds []string
	for i, fig := range figures {
		legend := fig.name
		if fig.graded {
			legend += " {{grade}}"
		}
		b.WithTarget(instantQ(string(rune('A'+i)), legend, fig.expr))
		if fig.percent {
			percent = append(percent, fig.name)
		}
		if fig.seconds {
			seconds = append(seconds, fig.name)
		}
	}
	colors := []struct {
		pick  func(grades) string
		color string
	}{{func(g grades) string { return g.ok }, "green"}, {func(g grades) string { return g.warn }, "orange"}, {func(g grades) string { return g.bad }, "red"}}
	for _, c := range colors {
		b.OverrideByRegexp(gradePattern(gradeWords(c.pick)), []dashboard.DynamicConfigValue{prop("color", fixedColor(c.color))})
	}
	b.OverrideByRegexp(namesPattern(percent), unitProps(unitRatio, 0))
	b.OverrideByRegexp(namesPattern(seconds), unitProps(unitSeconds, 0))
	return b
}

// namesPattern matches the fields of these figures, graded or not.
func namesPattern(names []string) string {
	return "^(" + strings.Join(names, "|") + ")( .*)?$"
}
