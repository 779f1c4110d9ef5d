package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// Units, thresholds and colours, named once: a tile and a table column
// that show the same figure colour it the same way.

// Grafana units. Base units, as the exporter exports them.
const (
	unitCount    = "none"
	unitSeconds  = "s"
	unitRatio    = "percentunit"
	unitPerSec   = "reqps"
	unitDuration = "dtdurations"
)

// level is a threshold step: color from value from on.
type level struct {
	from  float64
	color string
}

func above(from float64, color string) level { return level{from, color} }

// th is an absolute thresholds config: base colour, then each level.
func th(base string, levels ...level) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps(base, levels...))
}

// thValue is th as a value, for overrides.
func thValue(base string, levels ...level) dashboard.ThresholdsConfig {
	return dashboard.ThresholdsConfig{Mode: dashboard.ThresholdsModeAbsolute, Steps: steps(base, levels...)}
}

func steps(base string, levels ...level) []dashboard.Threshold {
	out := []dashboard.Threshold{{Color: base}}
	for _, l := range levels {
		out = append(out, dashboard.Threshold{Value: ptr(l.from), Color: l.color})
	}
	return out
}

// The defaults of the targets the alerts judge by
// (alerts/recording.rules.yml), for colours where no per-queue target can
// be joined: a caller waits at most 120 s, 80 % of calls are answered
// within the threshold, at most 10 % are abandoned.
const (
	defaultMaxWait        = 120
	defaultSLTarget       = 0.8
	defaultMaxAbandonment = 0.1
)

// The thresholds of the figures shown on more than one panel, amber before
// the alerts' default red.
var (
	// Calls waiting: amber with one, red with ten.
	waitingLevels = []level{above(1, "orange"), above(10, "red")}
	waitLevels    = []level{above(defaultMaxWait/2, "orange"), above(defaultMaxWait, "red")}
	slLevels      = []level{above(defaultSLTarget-0.1, "orange"), above(defaultSLTarget, "green")}
	abandonLevels = []level{above(defaultMaxAbandonment/2, "orange"), above(defaultMaxAbandonment, "red")}
	// A status held 10 minutes is long, 30 minutes too long.
	statusAgeLevels = []level{above(600, "orange"), above(1800, "red")}
)

// Threshold sets, as builders (each panel needs its own).
func waitingTh() *dashboard.ThresholdsConfigBuilder { return th("green", waitingLevels...) }
func waitTh() *dashboard.ThresholdsConfigBuilder    { return th("green", waitLevels...) }
func slTh() *dashboard.ThresholdsConfigBuilder      { return th("red", slLevels...) }
func abandonTh() *dashboard.ThresholdsConfigBuilder { return th("green", abandonLevels...) }

// anyIsBad is green at 0 and red from 1 (a count of problems); noneIsBad is
// red at 0 and green from 1 (a count that must not be zero, an up flag).
func anyIsBad() *dashboard.ThresholdsConfigBuilder  { return th("green", above(1, "red")) }
func noneIsBad() *dashboard.ThresholdsConfigBuilder { return th("red", above(1, "green")) }

// The colour of each ACD status, in the order panels list them.
var statusColors = []struct{ status, color string }{
	{"READY", "green"},
	{"IN_SERVICE", "blue"},
	{"AFTER_SERVICE", "purple"},
	{"ONLINE", "yellow"},
	{"DND", "orange"},
	{"TIMEOUT", "light-orange"},
	{"BANNED", "red"},
	{"OFFLINE", "#8e8e8e"},
	{"UNKNOWN", "#5a5a5a"},
}

// The statuses the exporter always exports (UNKNOWN is the rest).
func knownStatuses() []string {
	var out []string
	for _, s := range statusColors {
		if s.status != "UNKNOWN" {
			out = append(out, s.status)
		}
	}
	return out
}

func fixedColor(color string) dashboard.FieldColor {
	return dashboard.FieldColor{Mode: dashboard.FieldColorModeIdFixed, FixedColor: ptr(color)}
}

func fixedColorScheme(color string) *dashboard.FieldColorBuilder {
	return dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdFixed).FixedColor(color)
}

func thresholdColors() *dashboard.FieldColorBuilder {
	return dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)
}

func paletteColors() *dashboard.FieldColorBuilder {
	return dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdPaletteClassic)
}

// prop is one property of a field override.
func prop(id string, value any) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: id, Value: value}
}

// cell sets how a table cell shows its value: "color-background",
// "color-text", "auto".
func cell(kind string) dashboard.DynamicConfigValue {
	return prop("custom.cellOptions", map[string]any{"type": kind})
}

// valueText maps values to a text and colour (an empty colour keeps the
// field's), indexed in the given order.
func valueText(pairs ...[3]string) dashboard.ValueMapping {
	opts := map[string]dashboard.ValueMappingResult{}
	for i, p := range pairs {
		r := dashboard.ValueMappingResult{Text: ptr(p[1]), Index: ptr(int32(i))}
		if p[2] != "" {
			r.Color = ptr(p[2])
		}
		opts[p[0]] = r
	}
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}
}

// upDown shows an up flag (1 up, 0 down) as text.
func upDown(down string) []dashboard.ValueMapping {
	return []dashboard.ValueMapping{valueText([3]string{"0", down, "red"}, [3]string{"1", "OK", "green"})}
}

func ptr[T any](v T) *T { return &v }

// statusColorOverrides colours each status's series (named by the status)
// as the status tiles are.
func statusColorOverrides() []cog.Builder[dashboard.DashboardFieldConfigSourceOverrides] {
	var out []cog.Builder[dashboard.DashboardFieldConfigSourceOverrides]
	for _, c := range statusColors {
		out = append(out, dashboard.NewDashboardFieldConfigSourceOverridesBuilder().
			Matcher(dashboard.MatcherConfig{Id: "byName", Options: c.status}).
			Properties([]dashboard.DynamicConfigValue{prop("color", fixedColor(c.color))}))
	}
	return out
}
