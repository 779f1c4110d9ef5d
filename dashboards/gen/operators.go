package main

import (
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/table"
)

// operators is the supervisor's board: every operator with status, time
// in status, queues and balance, and the queues and skills by status.
func operators() *dashboard.DashboardBuilder {
	return board("voximplant-operators", "Voximplant / Operators",
		"Supervisor's view from voximplant_exporter: every operator with their ACD status, time in status, queues and balance (filtered by the Queue and Skill variables), and the selected queues and skills by status. Needs per-user series (--collector.users, on by default).",
		"now-1h", "30s",
		applicationVar(),
		queryVar("queue", "Queue", "ACD queues of the selected applications. Also filters the Operators table; its all value must stay .* (not blank), or All would hide operators bound to no queue.",
			labelValues(sel("voximplant_acd_queue_operators", appM), "queue")),
		skillVar("ACD skills of the selected applications. Also filters the Operators table; its all value must stay .* (not blank), or All would hide operators with no skill."),
	).
		WithPanel(bars(at(1, 0, 0, 6, 9), "Operators by status",
			"Operators of the selected applications in each ACD status now (an operator bound to two selected applications counts in both). Source: voximplant_acd_operators.",
			instantQ("A", "{{acd_status}}", agg("sum", "acd_status", acdOperators()))).
			Unit(unitCount).ColorScheme(fixedColorScheme("text")).Thresholds(th("green")).
			NamePlacement(common.BarGaugeNamePlacementLeft).MinVizHeight(10).
			Overrides(statusColorOverrides())).
		WithPanel(statusMatrix(at(2, 6, 0, 9, 9), "Queues by status", "Queue", "queue",
			"Operators bound to each selected queue, by ACD status (one row per queue, one column per status). An operator bound to several queues counts in each. Sorted by READY, fewest first. Source: voximplant_acd_queue_operators.",
			sel("voximplant_acd_queue_operators", appM, queueM), "queue_id")).
		WithPanel(statusMatrix(at(3, 15, 0, 9, 9), "Skills by status", "Skill", "skill",
			"Operators with each selected skill, by ACD status. An operator with several skills counts in each. Sorted by READY, fewest first. Source: voximplant_acd_skill_operators.",
			sel("voximplant_acd_skill_operators", appM, skillM), "skill_id")).
		WithPanel(operatorTable(at(4, 0, 9, 24, 22)))
}

// statusMatrix is a table of operators by status: one row per queue or
// skill (label), one column per status.
func statusMatrix(s slot, title, header, label, description, selector, id string) *table.PanelBuilder {
	b := baseTable(s, title, description).Filterable(false).
		WithTarget(tableQ("A", agg("sum", label+", acd_status", agg("max", "application, "+id+", "+label+", acd_status", selector)))).
		SortBy(sortBy("READY", false))
	index := map[string]any{label + `\acd_status`: 0}
	for i, st := range knownStatuses() {
		index[st] = i + 1
	}
	for _, c := range statusColors {
		if c.status != "UNKNOWN" {
			b.OverrideByName(c.status, []dashboard.DynamicConfigValue{prop("color", fixedColor(c.color)), cell("color-text")})
		}
	}
	b.OverrideByName(label+`\acd_status`, []dashboard.DynamicConfigValue{prop("displayName", header)})
	return b.Transformations([]dashboard.DataTransformerConfig{
		{Id: "groupingToMatrix", Options: map[string]any{"columnField": "acd_status", "rowField": label, "valueField": "Value", "emptyValue": "zero"}},
		{Id: "organize", Options: map[string]any{"excludeByName": map[string]any{}, "renameByName": map[string]any{}, "indexByName": index}},
	})
}

// selectedOperators keeps the users (expr is per user_id) the Queue and
// Skill variables select. Per-user series carry no application.
func selectedOperators(expr string) string {
	return expr + " and on (user_id) " + boundTo("voximplant_user_acd_queue_info", queueM) +
		" and on (user_id) " + boundTo("voximplant_user_skill_info", skillM)
}

// boundTo is the users bound to a selected queue or skill (info, with the
// variable's matcher), and with All (.*) also those bound to none: the
// variable matches the empty label of voximplant_user_info.
func boundTo(info, matcher string) string {
	return paren(sel(info, matcher) + " or on (user_id) " + paren(sel("voximplant_user_info", matcher)+" unless on (user_id) "+sel(info)))
}

func operatorTable(s slot) *table.PanelBuilder {
	statusMap := [][3]string{}
	for _, c := range statusColors {
		statusMap = append(statusMap, [3]string{c.status, strings.ReplaceAll(c.status, "_", " "), c.color})
	}
	return table.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title("Operators").
		Description("One row per operator. Queue and Skill filter this table: with All (their custom all value .*) every user of the account is listed, including those bound to no queue or with no skill; with values chosen, only operators bound to one of the chosen queues and having one of the chosen skills. Application filters it only through the Queue list (per-user series carry no application). Queues lists every queue the operator is bound to, not only the chosen ones, joined with commas (Grafana 10.3 or later; older Grafana shows a [\"…\"] list). Status coloured as elsewhere; Time in status counts from the operator's last ACD status change (blank when Voximplant does not report it) and turns orange at 10 minutes and red at 30. Live balance matters for users with their own balance (Own). Click a header to sort, the funnel to filter (e.g. Status = BANNED). Sources: voximplant_user_info, voximplant_user_acd_status, voximplant_user_acd_status_change_timestamp_seconds, voximplant_user_live_balance, voximplant_user_acd_queue_info, voximplant_user_skill_info.").
		Datasource(datasource()).Unit(unitCount).ColorScheme(thresholdColors()).Thresholds(th("text")).Mappings([]dashboard.ValueMapping{}).
		Align(common.FieldTextAlignmentAuto).CellOptions(common.TableCellOptions{TableAutoCellOptions: &common.TableAutoCellOptions{Type: "auto"}}).
		Filterable(true).Inspect(false).ShowHeader(true).CellHeight(common.TableCellHeightSm).FrameIndex(0).
		Footer(common.NewTableFooterOptionsBuilder().Show(true).Reducer([]string{"count"}).CountRows(true).EnablePagination(false)).
		SortBy(sortBy("Time in status", true)).
		WithTarget(tableQ("A", agg("max", "user_id, user_name, user_display_name, parent_accounting", selectedOperators(sel("voximplant_user_info"))))).
		WithTarget(tableQ("B", agg("max", "user_id, user_name, acd_status", selectedOperators(paren(sel("voximplant_user_acd_status")+" == 1"))))).
		WithTarget(tableQ("C", agg("max", "user_id, user_name", selectedOperators(paren("time() - "+sel("voximplant_user_acd_status_change_timestamp_seconds")))))).
		WithTarget(tableQ("D", agg("max", "user_id, user_name", selectedOperators(sel("voximplant_user_live_balance"))))).
		WithTarget(tableQ("E", agg("max", "user_id, user_name, queue", selectedOperators(sel("voximplant_user_acd_queue_info"))))).
		OverrideByName("Status", []dashboard.DynamicConfigValue{
			prop("mappings", []dashboard.ValueMapping{valueText(statusMap...)}),
			prop("custom.cellOptions", map[string]any{"type": "color-background", "mode": "basic"}),
			prop("custom.width", 150)}).
		OverrideByName("Time in status", []dashboard.DynamicConfigValue{
			prop("unit", unitDuration), prop("thresholds", thValue("green", statusAgeLevels...)), cell("color-text"), prop("custom.width", 220)}).
		OverrideByName("Queues", []dashboard.DynamicConfigValue{prop("custom.minWidth", 180)}).
		OverrideByName("Live balance", []dashboard.DynamicConfigValue{prop("decimals", 2), prop("unit", unitCount), prop("custom.width", 130)}).
		OverrideByName("Balance", []dashboard.DynamicConfigValue{
			prop("mappings", []dashboard.ValueMapping{valueText([3]string{"true", "parent account", ""}, [3]string{"false", "own", "blue"})}),
			prop("custom.width", 140)}).
		OverrideByName("User ID", []dashboard.DynamicConfigValue{prop("custom.width", 110)}).
		Transformations([]dashboard.DataTransformerConfig{
			{Id: "sortBy", Options: map[string]any{"fields": map[string]any{}, "sort": []any{map[string]any{"field": "queue"}}}},
			{Id: "groupBy", Options: map[string]any{"fields": map[string]any{
				"user_id":           groupBy(),
				"user_name":         groupBy(),
				"user_display_name": groupBy(),
				"parent_accounting": groupBy(),
				"acd_status":        groupBy(),
				"Value #C":          aggregate("lastNotNull"),
				"Value #D":          aggregate("lastNotNull"),
				"queue":             aggregate("allValues"),
			}}},
			{Id: "convertFieldType", Options: map[string]any{"fields": map[string]any{}, "conversions": []any{
				map[string]any{"targetField": "queue (allValues)", "destinationType": "string", "joinWith": ", "}}}},
			{Id: "merge", Options: map[string]any{}},
			{Id: "organize", Options: map[string]any{
				"excludeByName": map[string]any{"Time": true, "Value #A": true, "Value #B": true, "Value #E": true},
				"indexByName": map[string]any{"user_display_name": 0, "acd_status": 1, "Value #C (lastNotNull)": 2, "queue (allValues)": 3,
					"user_name": 4, "user_id": 5, "Value #D (lastNotNull)": 6, "parent_accounting": 7},
				"renameByName": map[string]any{"user_display_name": "Operator", "acd_status": "Status", "Value #C (lastNotNull)": "Time in status",
					"queue (allValues)": "Queues", "user_name": "Login", "user_id": "User ID", "Value #D (lastNotNull)": "Live balance",
					"parent_accounting": "Balance"},
			}},
		})
}

func groupBy() map[string]any { return map[string]any{"aggregations": []any{}, "operation": "groupby"} }

func aggregate(calc string) map[string]any {
	return map[string]any{"aggregations": []any{calc}, "operation": "aggregate"}
}
