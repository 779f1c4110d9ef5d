package main

import (
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewStatus adds the overview's panels of the operators by status and the exporter (top).
func overviewStatus(b *dashboard.DashboardBuilder) {
	b.WithPanel(statusTile(at(1, 0, 0, 3, 4), `READY`,
		`Operators who can take a call now (ACD status READY). Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"READY").Thresholds(noneIsBad()))
	b.WithPanel(statusTile(at(2, 3, 0, 3, 4), `IN_SERVICE`,
		`Operators on a call now (IN_SERVICE). Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"IN_SERVICE").ColorScheme(fixedColorScheme(statusColor("IN_SERVICE"))).Thresholds(th("green")))
	b.WithPanel(statusTile(at(3, 6, 0, 3, 4), `AFTER_SERVICE`,
		`Operators doing post-call work (AFTER_SERVICE); they take no calls until they finish. Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"AFTER_SERVICE").ColorScheme(fixedColorScheme(statusColor("AFTER_SERVICE"))).Thresholds(th("green")))
	b.WithPanel(statusTile(at(4, 9, 0, 3, 4), `ONLINE`,
		`Operators logged in but not ready for calls (ONLINE). Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"ONLINE").ColorScheme(fixedColorScheme(statusColor("ONLINE"))).Thresholds(th("green")))
	b.WithPanel(statusTile(at(5, 12, 0, 3, 4), `DND / TIMEOUT`,
		`Operators busy with something else (DND) or on a break (TIMEOUT): logged in, no calls. Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"DND|TIMEOUT").ColorScheme(fixedColorScheme(statusColor("DND"))).Thresholds(th("green")))
	b.WithPanel(statusTile(at(6, 15, 0, 2, 4), `BANNED`,
		`Operators Voximplant has banned for about two hours after they missed an offered call (BANNED). Anything above 0 is red: see the VoximplantOperatorsBanned alert. Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"BANNED").Thresholds(anyIsBad()))
	b.WithPanel(statusTile(at(7, 17, 0, 3, 4), `OFFLINE`,
		`Operators not logged in (OFFLINE). Counted per application: an operator bound to two selected applications counts in both. Source: voximplant_acd_operators.`,
		"OFFLINE").ColorScheme(fixedColorScheme(statusColor("OFFLINE"))).Thresholds(th("green")))
	b.WithPanel(tile(at(62, 20, 0, 2, 4), `UNKNOWN / other`,
		`Operators whose ACD status is none of the eight documented ones: UNKNOWN (the API gave the user no status) or a status the API returned that the exporter does not know. With it the status tiles add up to every operator. Orange from 1: a status the dashboards and alerts do not look at. Source: voximplant_acd_operators.`,
		orZero("sum("+acdOperators(`acd_status!~"`+strings.Join(knownStatuses(), "|")+`"`)+")",
			"sum("+agg("max", "application", sel("voximplant_acd_operators", appM))+")")).
		Unit(unitCount).Decimals(0).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(1, "orange"))))
	b.WithPanel(tile(at(8, 22, 0, 2, 4), `Exporter`,
		`Whether the last scrape read every watched application from the Voximplant API (voximplant_up, worst instance). DOWN means every number on this board is stale or missing.`,
		"min("+sel("voximplant_up")+")").Unit(unitCount).Decimals(0).Mappings(upDown("DOWN")).Thresholds(noneIsBad()))
	b.WithPanel(series(at(9, 0, 4, 16, 9), `Operators by status over time`,
		`Operators of the selected applications in each ACD status, stacked: the height is the number of operators. Colours as on the stat panels. Source: voximplant_acd_operators.`,
		unitCount, rangeQ("A", "{{acd_status}}", agg("sum", "acd_status", acdOperators()))).
		Decimals(0).FillOpacity(80).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")).
		Legend(legend(common.LegendDisplayModeList, common.LegendPlacementBottom)).Overrides(statusColorOverrides()))
	b.WithPanel(bars(at(10, 16, 4, 8, 9), `Longest time in AFTER_SERVICE, TIMEOUT and DND`,
		`How long the operator who has been longest in each of these statuses has been in it (the clock starts at their last status change). Orange from 10 minutes, red from 30: compare VoximplantOperatorStuckInStatus (AFTER_SERVICE over 10m, TIMEOUT and DND over 30m). Empty bar: nobody in that status. Source: voximplant_acd_oldest_status_change_timestamp_seconds, aggregated as the recording rule application_acd_status:voximplant_acd_status_age:max_seconds does (from the exporter's own series, so that the instance variable applies).`,
		instantQ("A", "{{acd_status}}", agg("max", "acd_status", agg("max", "job, application, acd_status",
			"time() - "+sel("voximplant_acd_oldest_status_change_timestamp_seconds", appM, `acd_status=~"AFTER_SERVICE|TIMEOUT|DND"`))))).
		Unit(unitSeconds).ColorScheme(thresholdColors()).Thresholds(th("green", statusAgeLevels...)).
		NamePlacement(common.BarGaugeNamePlacementAuto).MinVizHeight(16))
}
