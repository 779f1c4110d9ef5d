package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// What every board shares: the variables, the link to the other boards,
// the annotations, the time settings.

// board starts a dashboard with the variables given (the datasource
// variable first, then job and instance, which every query selects on).
func board(uid, title, description, from, refresh string, vars ...*dashboard.QueryVariableBuilder) *dashboard.DashboardBuilder {
	b := dashboard.NewDashboardBuilder(title).Uid(uid).Description(description).Editable().
		Tags([]string{"voximplant", "contact-centre"}).Timezone("browser").Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Time(from, "now").Refresh(refresh).Version(1).WeekStart("").
		FiscalYearStartMonth(0).
		Annotation(dashboard.NewAnnotationQueryBuilder().Name("Annotations & Alerts").BuiltIn(1).Enable(true).Hide(true).
			IconColor("rgba(0, 211, 255, 1)").Type("dashboard").
			Datasource(dashboardDatasource())).
		Link(dashboard.NewDashboardLinkBuilder("Voximplant").Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"voximplant"}).AsDropdown(false).Icon("external link").IncludeVars(true).KeepTime(true).
			TargetBlank(false).Tooltip("").Url("")).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").Label("Data source").Type("prometheus").
			Description("The Prometheus server that scrapes voximplant_exporter (and evaluates its recording rules).").
			Regex("").Hide(dashboard.VariableHideDontHide).Multi(false).IncludeAll(false))
	for _, v := range append([]*dashboard.QueryVariableBuilder{jobVar(), instanceVar()}, vars...) {
		b.WithVariable(v)
	}
	return b
}

func dashboardDatasource() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("grafana"), Uid: ptr("-- Grafana --")}
}

// queryVar is a multi-value variable from label_values(), All by default.
func queryVar(name, label, description, query string) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).Label(label).Description(description).
		Datasource(datasource()).Definition(query).Query(dashboard.StringOrMap{String: ptr(query)}).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Regex("").Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(true).IncludeAll(true).AllValue(".*").Hide(dashboard.VariableHideDontHide).
		Current(dashboard.VariableOption{Selected: ptr(true),
			Text:  dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
			Value: dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}}}).
		Options([]dashboard.VariableOption{})
}

func labelValues(selector, label string) string {
	return "label_values(" + selector + ", " + label + ")"
}

func jobVar() *dashboard.QueryVariableBuilder {
	return queryVar("job", "Job", "Prometheus scrape jobs of the Voximplant exporter (from voximplant_up). The alerts expect the job to be called voximplant.",
		labelValues("voximplant_up", "job"))
}

func instanceVar() *dashboard.QueryVariableBuilder {
	return queryVar("instance", "Instance", "Exporter instances of the chosen jobs (from voximplant_up); choose one of an HA pair to see what it alone reports. Series the recording rules and your thresholds produce carry no instance.",
		labelValues(`voximplant_up{job=~"$job"}`, "instance"))
}

func applicationVar() *dashboard.QueryVariableBuilder {
	return queryVar("application", "Application", "Voximplant applications the exporter watches (the id or name given on its command line).",
		labelValues(sel("voximplant_acd_operators"), "application"))
}

func skillVar(description string) *dashboard.QueryVariableBuilder {
	return queryVar("skill", "Skill", description,
		labelValues(sel("voximplant_acd_skill_operators", appM), "skill"))
}

func sqQueueVar(description string) *dashboard.QueryVariableBuilder {
	return queryVar("sq_queue", "SmartQueue queue", description,
		labelValues(sel("voximplant_sq_agents", appM), "sq_queue"))
}
