package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// The panel kinds the boards use, each with the options every panel of
// its kind shares; a panel adds what is its own (unit, thresholds...).

// slot is a panel's id and place on the grid (24 columns wide). Ids stay
// what they were in the hand-written boards, so that links to a panel
// (viewPanel=) keep working.
type slot struct{ id, x, y, w, h uint32 }

func at(id, x, y, w, h uint32) slot { return slot{id, x, y, w, h} }

func (s slot) grid() dashboard.GridPos {
	return dashboard.GridPos{X: s.x, Y: s.y, W: s.w, H: s.h}
}

// datasource is the dashboard's datasource variable: no uid of one
// Grafana's datasource is written anywhere.
func datasource() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${datasource}")}
}

func query(ref, legend, expr string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Datasource(datasource()).EditorMode(prometheus.QueryEditorModeCode).
		Expr(expr).LegendFormat(legend).RefId(ref)
}

// instantQ is the value now (tiles, bar gauges).
func instantQ(ref, legend, expr string) *prometheus.DataqueryBuilder {
	return query(ref, legend, expr).Instant()
}

// rangeQ is a time series.
func rangeQ(ref, legend, expr string) *prometheus.DataqueryBuilder {
	return query(ref, legend, expr).Range()
}

// tableQ is the value now as table rows, one per series.
func tableQ(ref, expr string) *prometheus.DataqueryBuilder {
	return instantQ(ref, "__auto", expr).Format(prometheus.PromQueryFormatTable)
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)
}

// tile is a big number on a coloured background, the value now of expr,
// coloured by its thresholds.
func tile(s slot, title, description, expr string) *stat.PanelBuilder {
	return tileQ(s, title, description, instantQ("A", title, expr))
}

func tileQ(s slot, title, description string, q *prometheus.DataqueryBuilder) *stat.PanelBuilder {
	return stat.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title(title).Description(description).
		Datasource(datasource()).ColorScheme(thresholdColors()).
		ReduceOptions(lastValue()).ColorMode(common.BigValueColorModeBackground).GraphMode(common.BigValueGraphModeNone).
		JustifyMode(common.BigValueJustifyModeCenter).Orientation(common.VizOrientationAuto).
		TextMode(common.BigValueTextModeValue).WideLayout(true).ShowPercentChange(false).
		PercentChangeColorMode(common.PercentChangeColorModeStandard).
		WithTarget(q)
}

// series is a time series graph with the legend as a table on the right
// (the last value of each series).
func series(s slot, title, description, unit string, targets ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	b := timeseries.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title(title).Description(description).
		Datasource(datasource()).Unit(unit).Min(0).ColorScheme(paletteColors()).Thresholds(th("green")).
		DrawStyle(common.GraphDrawStyleLine).LineWidth(1).FillOpacity(10).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNone).Group("A")).
		ShowPoints(common.VisibilityModeNever).SpanNulls(common.BoolOrFloat64{Bool: ptr(false)}).AxisSoftMin(0).
		LineInterpolation(common.LineInterpolationStepAfter).ThresholdsStyle(thresholdsStyle(common.GraphThresholdsStyleModeOff)).
		Legend(legend(common.LegendDisplayModeTable, common.LegendPlacementRight, "lastNotNull")).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}

func thresholdsStyle(mode common.GraphThresholdsStyleMode) *common.GraphThresholdsStyleConfigBuilder {
	return common.NewGraphThresholdsStyleConfigBuilder().Mode(mode)
}

func legend(mode common.LegendDisplayMode, place common.LegendPlacement, calcs ...string) *common.VizLegendOptionsBuilder {
	if calcs == nil {
		calcs = []string{}
	}
	return common.NewVizLegendOptionsBuilder().DisplayMode(mode).Placement(place).ShowLegend(true).Calcs(calcs)
}

func noLegend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().ShowLegend(false).DisplayMode(common.LegendDisplayModeList).
		Placement(common.LegendPlacementBottom).Calcs([]string{})
}

// perQueueSeries is a time series per queue, labelled "queue (application)".
func perQueueSeries(s slot, f family, title, description, unit, expr string) *timeseries.PanelBuilder {
	return series(s, title, description, unit, rangeQ("A", "{{"+f.name+"}} ({{application}})", expr))
}

// upTimeline shows an up flag (1 OK, 0 FAILED) over time, one row per
// series.
func upTimeline(s slot, title, description string, q *prometheus.DataqueryBuilder) *statetimeline.PanelBuilder {
	return statetimeline.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title(title).Description(description).
		Datasource(datasource()).Unit(unitCount).ColorScheme(thresholdColors()).Thresholds(noneIsBad()).
		Mappings(upDown("FAILED")).FillOpacity(80).LineWidth(0).
		ShowValue(common.VisibilityModeNever).MergeValues(true).AlignValue(common.TimelineValueAlignmentLeft).RowHeight(0.9).
		Legend(noLegend()).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeSingle).Sort(common.SortOrderNone)).
		WithTarget(q)
}

// bars is a horizontal bar gauge, one bar per series.
func bars(s slot, title, description string, q *prometheus.DataqueryBuilder) *bargauge.PanelBuilder {
	return bargauge.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title(title).Description(description).
		Datasource(datasource()).Min(0).Decimals(0).
		DisplayMode(common.BarGaugeDisplayModeBasic).Orientation(common.VizOrientationHorizontal).ShowUnfilled(true).
		ValueMode(common.BarGaugeValueModeColor).Sizing(common.BarGaugeSizingAuto).MinVizWidth(8).MaxVizHeight(300).
		ReduceOptions(lastValue()).Legend(noLegend()).
		WithTarget(q)
}

// baseTable is a table with plain cells and the header shown.
func baseTable(s slot, title, description string) *table.PanelBuilder {
	return table.NewPanelBuilder().Id(s.id).GridPos(s.grid()).Title(title).Description(description).
		Datasource(datasource()).Unit(unitCount).Decimals(0).ColorScheme(thresholdColors()).Thresholds(th("text")).
		Align(common.FieldTextAlignmentAuto).CellOptions(common.TableCellOptions{TableAutoCellOptions: &common.TableAutoCellOptions{Type: "auto"}}).
		Inspect(false).ShowHeader(true).CellHeight(common.TableCellHeightSm).FrameIndex(0).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"}).CountRows(false))
}

// column is a column of a per-queue table: its header, its query and how
// it shows its values.
type column struct {
	name, expr string
	props      []dashboard.DynamicConfigValue
}

func col(name, expr string, props ...dashboard.DynamicConfigValue) column {
	return column{name, expr, props}
}

// queueTable is one row per queue: the queue's name, its application, then
// one column per query (joined on the two labels by the merge
// transformation).
func queueTable(s slot, f family, title, description, sortField string, descending bool, cols ...column) *table.PanelBuilder {
	return mergedTable(baseTable(s, title, description).SortBy(sortBy(sortField, descending)),
		[][2]string{{f.name, "Queue"}, {"application", "Application"}}, cols)
}

// mergedTable adds one query per column to b and the transformations that
// make one row per value of the key labels: the key columns first, under
// their headers ({label, header}), then the columns in order.
func mergedTable(b *table.PanelBuilder, keys [][2]string, cols []column) *table.PanelBuilder {
	index, rename := map[string]any{}, map[string]any{}
	for i, k := range keys {
		index[k[0]], rename[k[0]] = i, k[1]
	}
	for i, c := range cols {
		ref := string(rune('A' + i))
		b.WithTarget(tableQ(ref, c.expr))
		index["Value #"+ref] = i + len(keys)
		rename["Value #"+ref] = c.name
		if len(c.props) > 0 {
			b.OverrideByName(c.name, c.props)
		}
	}
	return b.Transformations([]dashboard.DataTransformerConfig{
		{Id: "merge", Options: map[string]any{}},
		{Id: "organize", Options: map[string]any{
			"excludeByName": map[string]any{"Time": true}, "indexByName": index, "renameByName": rename}},
	})
}

// Column properties shared by the tables.
func colorBackground(base string, levels ...level) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{prop("thresholds", thValue(base, levels...)), cell("color-background")}
}

func colorText(base string, levels ...level) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{prop("thresholds", thValue(base, levels...)), cell("color-text")}
}

func unitProps(unit string, decimals ...float64) []dashboard.DynamicConfigValue {
	out := []dashboard.DynamicConfigValue{prop("unit", unit)}
	for _, d := range decimals {
		out = append(out, prop("decimals", d))
	}
	return out
}

// A gap (staffed - required, service level - target) is red below zero.
func gapProps() []dashboard.DynamicConfigValue { return colorBackground("red", above(0, "green")) }

// sortBy sorts a table by one column.
func sortBy(column string, descending bool) []cog.Builder[common.TableSortByFieldState] {
	return []cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName(column).Desc(descending)}
}
