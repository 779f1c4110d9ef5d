package collector

import (
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// sqKind is what a SmartQueue report's value measures.
type sqKind int

const (
	sqCount sqKind = iota // calls: a whole number
	sqTime                // a duration, in --collector.smartqueue.time-unit
	sqRatio               // a share, in --collector.smartqueue.ratio-scale
)

// sqUnits are the units the SmartQueue realtime metrics are taken to be
// in. The API does not document them (GetSQState gives its own times in
// milliseconds; the Go client types a value as an integer): the defaults
// are seconds and percent, and a user whose answers say otherwise changes
// them with the flags the plausibility warnings name.
type sqUnits struct {
	timeUnit   string // "s" or "ms"
	ratioScale string // "percent" or "fraction"
}

var defaultSQUnits = sqUnits{timeUnit: "s", ratioScale: "percent"}

// addSQUnitFlags adds the unit flags of the smartqueue collector.
func addSQUnitFlags(app *kingpin.Application, u *sqUnits) {
	app.Flag("collector.smartqueue.time-unit", "Unit of the times GetSmartQueueRealtimeMetrics returns (undocumented by Voximplant): s or ms.").
		Default(defaultSQUnits.timeUnit).StringVar(&u.timeUnit)
	app.Flag("collector.smartqueue.ratio-scale", "Scale of the ratios GetSmartQueueRealtimeMetrics returns (undocumented by Voximplant): percent (0-100) or fraction (0-1).").
		Default(defaultSQUnits.ratioScale).StringVar(&u.ratioScale)
}

// validate names the flag of a unit it does not know.
func (u sqUnits) validate() error {
	if u.timeUnit != "s" && u.timeUnit != "ms" {
		return fmt.Errorf("--collector.smartqueue.time-unit must be s or ms, got %q", u.timeUnit)
	}
	if u.ratioScale != "percent" && u.ratioScale != "fraction" {
		return fmt.Errorf("--collector.smartqueue.ratio-scale must be percent or fraction, got %q", u.ratioScale)
	}
	return nil
}

// divisor turns a value of kind k into its base unit (seconds, ratio).
func (u sqUnits) divisor(k sqKind) float64 {
	switch {
	case k == sqTime && u.timeUnit == "ms":
		return 1000
	case k == sqRatio && u.ratioScale != "fraction":
		return 100 // a division, so that 70 percent is 0.7 exactly
	}
	return 1
}

// assumption names the unit a kind is taken in and the flag that changes
// it, for the plausibility warning.
func (u sqUnits) assumption(k sqKind) (unit, flag string) {
	switch k {
	case sqTime:
		return u.timeUnit, "--collector.smartqueue.time-unit"
	case sqRatio:
		return u.ratioScale, "--collector.smartqueue.ratio-scale"
	}
	return "a count of calls", ""
}

// sqPlausibility checks every SmartQueue metrics read against the units
// assumed, warns once per report type and read, and counts what it found.
type sqPlausibility struct {
	log   *slog.Logger
	units sqUnits
	found *prometheus.CounterVec
}

func newSQPlausibility(log *slog.Logger, units sqUnits, reg prometheus.Registerer) *sqPlausibility {
	found := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "voximplant_sq_implausible_values_total",
		Help: "SmartQueue realtime metric values found implausible under the units assumed (a time longer than the window, a mean above its maximum, a ratio outside 0-1, a count that is not whole), by report type.",
	}, []string{"report_type"})
	for _, r := range sqReports {
		found.WithLabelValues(r.typ)
	}
	if reg != nil {
		if err := reg.Register(found); err != nil {
			if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
				found = are.ExistingCollector.(*prometheus.CounterVec)
			}
		}
	}
	return &sqPlausibility{log: log, units: units, found: found}
}

// implausibleValue is one SmartQueue value found implausible.
type implausibleValue struct {
	queue sqQueueKey
	value float64
	why   string
}

// check looks at one read's figures (in base units).
func (c *sqPlausibility) check(data *SQMetricsData) {
	byType := map[string][]implausibleValue{}
	figures := sqWindowFigures(data, c.units)
	window := data.Window.Seconds()
	for k, f := range figures {
		note := func(typ string, v float64, why string) {
			byType[typ] = append(byType[typ], implausibleValue{queue: k, value: v, why: why})
		}
		for _, r := range sqReports {
			v, ok := f.values[r.typ]
			if !ok {
				continue
			}
			switch r.kind {
			case sqTime:
				if v > window {
					note(r.typ, v, fmt.Sprintf("%g s is longer than the %g s window", v, window))
				}
			case sqRatio:
				if v < 0 || v > 1 {
					note(r.typ, v, fmt.Sprintf("the ratio %g is outside 0-1", v))
				}
			case sqCount:
				if v != math.Trunc(v) {
					note(r.typ, v, fmt.Sprintf("the count %g is not whole", v))
				}
			}
		}
		for _, sl := range f.sl {
			if sl < 0 || sl > 1 {
				note("service_level", sl, fmt.Sprintf("the ratio %g is outside 0-1", sl))
			}
		}
		if avg, ok := f.values[sqReportAvgWait]; ok {
			if mx, ok := f.values[sqReportMaxWait]; ok && avg > mx {
				note(sqReportAvgWait, avg, fmt.Sprintf("the mean %g s is above the maximum %g s", avg, mx))
			}
		}
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, typ := range types {
		found := byType[typ]
		slices.SortFunc(found, func(a, b implausibleValue) int {
			if a.queue.app != b.queue.app {
				if a.queue.app < b.queue.app {
					return -1
				}
				return 1
			}
			return int(a.queue.id - b.queue.id)
		})
		kind := sqCount
		if i := slices.IndexFunc(sqReports, func(r sqReport) bool { return r.typ == typ }); i >= 0 {
			kind = sqReports[i].kind
		}
		unit, flag := c.units.assumption(kind)
		first := found[0]
		c.log.Warn("SmartQueue realtime metric looks implausible under the units assumed; if the API's unit differs, set "+orWord(flag, "nothing can be set: please report it"),
			"report_type", typ, "value", first.value, "why", first.why, "assumed", unit,
			"application", first.queue.app, "sq_queue_id", first.queue.id, "queues", len(found))
		c.found.WithLabelValues(typ).Add(float64(len(found)))
	}
}

func orWord(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
