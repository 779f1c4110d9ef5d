package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/table"
)

// How operators spend their time, from the operator_stats collector
// (GetACDOperatorStatusStatistics and GetACDOperatorStatistics over its
// window). The ratios are computed here as the recording rules in
// alerts/recording.rules.yml compute them: occupancy is the busy share
// of the time available or busy, utilisation the busy share of the time
// logged in, shrinkage the share of the logged-in time on breaks, DND or
// banned; a ratio with no time under it is absent.
const (
	busyStatuses      = "IN_SERVICE|AFTER_SERVICE"
	availableStatuses = "READY|IN_SERVICE|AFTER_SERVICE"
	shrinkStatuses    = "DND|TIMEOUT|BANNED"
	needsOperatorStat = " Needs the exporter's operator_stats collector (GetACDOperatorStatusStatistics, GetACDOperatorStatistics; on by default); without it this panel is empty."
)

// statusSeconds sums the application's operators' seconds in the statuses
// matching re, by labels, one HA exporter each.
func statusSeconds(by, re string) string {
	m := `acd_status=~"` + re + `"`
	if re == "" {
		m = `acd_status!="OFFLINE"`
	}
	inner := agg("max", "job, application, acd_status", sel("voximplant_acd_operator_status_seconds", appM, m))
	if by == "" {
		return "sum(" + inner + ")"
	}
	return agg("sum", by, inner)
}

// userStatusSeconds is statusSeconds per operator (per-user series).
func userStatusSeconds(re string) string {
	m := `acd_status=~"` + re + `"`
	if re == "" {
		m = `acd_status!="OFFLINE"`
	}
	return agg("sum", "user_id, user_name", agg("max", "job, user_id, user_name, acd_status", sel("voximplant_user_acd_status_seconds", m)))
}

var (
	occupancy   = ratio(statusSeconds("application", busyStatuses), statusSeconds("application", availableStatuses))
	utilisation = ratio(statusSeconds("application", busyStatuses), statusSeconds("application", ""))
	shrinkage   = ratio(statusSeconds("application", shrinkStatuses), statusSeconds("application", ""))
)

// productivityPanels are the operators board's row on how operators spend
// their time.
func productivityPanels(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	return b.
		WithPanel(series(at(5, 0, 31, 12, 8), "Occupancy, utilisation and shrinkage",
			"Per selected application over the operator statistics window (voximplant_acd_operator_stats_window_seconds, 30 minutes unless set): occupancy, the share of the time operators were available or busy that they were busy (IN_SERVICE + AFTER_SERVICE over READY + IN_SERVICE + AFTER_SERVICE; above 0.85 for long, people burn out, and VoximplantOccupancyHigh fires above 0.9 for an hour); utilisation, the busy share of all logged-in time (every status but OFFLINE); shrinkage, the share of logged-in time on breaks, DND or banned (DND + TIMEOUT + BANNED)."+needsOperatorStat,
			unitRatio,
			rangeQ("A", "occupancy {{application}}", occupancy),
			rangeQ("B", "utilisation {{application}}", utilisation),
			rangeQ("C", "shrinkage {{application}}", shrinkage)).
			Max(1)).
		WithPanel(series(at(6, 12, 31, 12, 8), "Time by status",
			"Seconds the selected applications' operators spent in each ACD status over the operator statistics window (voximplant_acd_operator_status_seconds), stacked."+needsOperatorStat,
			unitSeconds,
			rangeQ("A", "{{acd_status}}", statusSeconds("acd_status", ".+"))).
			FillOpacity(80).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")).
			Overrides(statusColorOverrides())).
		WithPanel(productivityTable(at(7, 0, 39, 24, 12)))
}

// productivityTable is one row per operator, sorted by missed offers.
func productivityTable(s slot) *table.PanelBuilder {
	cols := []column{
		col("Occupancy", ratio(userStatusSeconds(busyStatuses), userStatusSeconds(availableStatuses)), unitProps(unitRatio, 1)...),
		col("Shrinkage", ratio(userStatusSeconds(shrinkStatuses), userStatusSeconds("")), unitProps(unitRatio, 1)...),
		col("Answered", agg("max", "user_id, user_name", sel("voximplant_user_acd_calls", `outcome="answered"`))),
		col("Missed", agg("max", "user_id, user_name", sel("voximplant_user_acd_calls", `outcome="missed"`)), colorText("green", above(1, "orange"), above(5, "red"))...),
		col("Average handle", ratio(agg("max", "user_id, user_name", sel("voximplant_user_acd_handle_seconds")),
			agg("max", "user_id, user_name", sel("voximplant_user_acd_handled_calls"))), unitProps(unitSeconds)...),
	}
	b := baseTable(s, "Operators' time and offers",
		"One row per operator over the operator statistics window: occupancy (busy over available or busy), shrinkage (DND, TIMEOUT and BANNED over logged in), calls answered, offers missed (offered to the operator and not answered; on Voximplant a missed offer also bans the operator for a while) and average handling time. Sorted by missed offers, most first. Needs per-user series (--collector.users) and the operator_stats collector."+needsOperatorStat).
		SortBy(sortBy("Missed", true))
	return mergedTable(b, [][2]string{{"user_name", "Operator"}, {"user_id", "User id"}}, cols)
}

// overviewProductivity adds the overview's tiles of occupancy, shrinkage,
// missed offers and the account's balance, below everything else.
func overviewProductivity(b *dashboard.DashboardBuilder) {
	b.WithRow(row(63, 114, `Operator productivity (operator statistics)`))
	b.WithPanel(tile(at(64, 0, 115, 6, 4), `Occupancy`,
		`Share of the time the selected applications' operators were available or busy that they were busy (IN_SERVICE + AFTER_SERVICE over READY + IN_SERVICE + AFTER_SERVICE), over the operator statistics window (30 minutes unless set). Orange from 85%, red from 90% (VoximplantOccupancyHigh after an hour).`+needsOperatorStat,
		ratio(statusSeconds("", busyStatuses), statusSeconds("", availableStatuses))).
		Unit(unitRatio).Decimals(1).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(0.85, "orange"), above(0.9, "red"))))
	b.WithPanel(tile(at(65, 6, 115, 6, 4), `Shrinkage`,
		`Share of the selected applications' operators' logged-in time (every status but OFFLINE) spent on breaks, DND or banned (DND + TIMEOUT + BANNED), over the operator statistics window.`+needsOperatorStat,
		ratio(statusSeconds("", shrinkStatuses), statusSeconds("", ""))).
		Unit(unitRatio).Decimals(1).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(0.3, "orange"), above(0.4, "red"))))
	b.WithPanel(tile(at(66, 12, 115, 6, 4), `Missed offers`,
		`Share of the calls offered to the selected applications' operators that they missed (voximplant_acd_operator_calls outcome missed over answered + missed), over the operator statistics window. Orange from 5%, red from 10% (VoximplantMissedOffersHigh with at least 10 offers).`+needsOperatorStat,
		ratio("sum("+agg("max", "job, application", sel("voximplant_acd_operator_calls", appM, `outcome="missed"`))+")",
			"sum("+agg("max", "job, application, outcome", sel("voximplant_acd_operator_calls", appM))+")")).
		Unit(unitRatio).Decimals(1).Mappings([]dashboard.ValueMapping{}).Thresholds(th("green", above(0.05, "orange"), above(0.1, "red"))))
	b.WithPanel(tileQ(at(67, 18, 115, 3, 4), `Balance`,
		`The account's live balance (voximplant_account_balance, in its currency), read by the exporter's account collector (GetAccountInfo) at most every 5 minutes. An account whose balance reaches its credit limit stops taking calls: VoximplantBalanceRunsOutSoon fires when the last 6 hours' rate gets there within 24 hours.`,
		instantQ("A", "{{currency}}", agg("max", "job, currency", sel("voximplant_account_balance")))).
		Unit(unitCount).Decimals(2).Mappings([]dashboard.ValueMapping{}).Thresholds(th("blue")))
	b.WithPanel(tileQ(at(68, 21, 115, 3, 4), `Balance in 24 h`,
		`The balance the account will have in 24 hours at the last 6 hours' rate (predict_linear of voximplant_account_balance), to hold against the credit limit (voximplant_account_credit_limit): VoximplantBalanceRunsOutSoon fires when it reaches it.`,
		instantQ("A", "{{currency}}", agg("max", "job, currency", "predict_linear("+sel("voximplant_account_balance")+"[6h], 86400)"))).
		Unit(unitCount).Decimals(2).Mappings([]dashboard.ValueMapping{}).Thresholds(th("blue")))
}
