package collector

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// StaffingOptions are the statistics window and the staffing targets that
// the queue_stats and smartqueue collectors share.
type StaffingOptions struct {
	// Window is the span statistics cover: [now-Window, now].
	Window time.Duration
	// Threshold is the service-level threshold for a queue that sets none.
	Threshold time.Duration
	// Targets are the service levels (0-1) staffing is computed for.
	Targets []float64
	// MaxOccupancy caps the busy share of the required operators (0-1].
	MaxOccupancy float64
}

// DefaultStaffing is what the flags default to.
var DefaultStaffing = StaffingOptions{
	Window: 30 * time.Minute, Threshold: 20 * time.Second,
	Targets: []float64{0.8}, MaxOccupancy: 0.85,
}

// maxStatsWindow keeps the window inside what the statistics methods take
// (error 569 past the method's range limit).
const maxStatsWindow = 24 * time.Hour

func addStaffingFlags(app *kingpin.Application, o *StaffingOptions) {
	app.Flag("collector.queue-stats.window", "Span that queue statistics (and SmartQueue realtime metrics) cover, ending now.").
		Default(DefaultStaffing.Window.String()).DurationVar(&o.Window)
	app.Flag("collector.queue-stats.service-level-threshold", "Service-level threshold (answered within) for queues whose settings give none.").
		Default(DefaultStaffing.Threshold.String()).DurationVar(&o.Threshold)
	app.Flag("collector.queue-stats.service-level-target", "Service level (0-1) the required operators are computed for. Repeatable.").
		Default("0.8").Float64ListVar(&o.Targets)
	app.Flag("collector.queue-stats.max-occupancy", "Largest share of their time the required operators may be busy (0-1].").
		Default(fmt.Sprint(DefaultStaffing.MaxOccupancy)).Float64Var(&o.MaxOccupancy)
}

// withDefaults fills zero fields from DefaultStaffing.
func (o StaffingOptions) withDefaults() StaffingOptions {
	d := DefaultStaffing
	o.Window = cmp.Or(o.Window, d.Window)
	o.Threshold = cmp.Or(o.Threshold, d.Threshold)
	o.MaxOccupancy = cmp.Or(o.MaxOccupancy, d.MaxOccupancy)
	if len(o.Targets) == 0 {
		o.Targets = d.Targets
	}
	return o
}

// validate checks the options; each error names the flag.
func (o StaffingOptions) validate() error {
	var errs []error
	if o.Window <= 0 || o.Window > maxStatsWindow {
		errs = append(errs, fmt.Errorf("--collector.queue-stats.window must be between 1s and %s, got %s", maxStatsWindow, o.Window))
	}
	if o.Threshold <= 0 {
		errs = append(errs, fmt.Errorf("--collector.queue-stats.service-level-threshold must be positive, got %s", o.Threshold))
	}
	if len(o.Targets) == 0 {
		errs = append(errs, errors.New("--collector.queue-stats.service-level-target needs at least one value"))
	}
	for _, t := range o.Targets {
		if !(t > 0 && t < 1) {
			errs = append(errs, fmt.Errorf("--collector.queue-stats.service-level-target must be between 0 and 1 (exclusive), got %v", t))
		}
	}
	if !(o.MaxOccupancy > 0 && o.MaxOccupancy <= 1) {
		errs = append(errs, fmt.Errorf("--collector.queue-stats.max-occupancy must be in (0, 1], got %v", o.MaxOccupancy))
	}
	return errors.Join(errs...)
}

// requirement is the staffing Erlang C asks for at one threshold and
// target.
type requirement struct {
	threshold, target string // label values
	agents            float64
}

// staffing is a queue's offered load and its requirements.
type staffing struct {
	load float64
	reqs []requirement
}

// staff computes the offered load of offered calls over the window with
// the given average handle time, and the operators each threshold and
// target require. ok is false when the handle time is unknown (no load
// can be computed). No calls need no operators.
func (o StaffingOptions) staff(offered, aht float64, thresholds []float64) (s staffing, ok bool, err error) {
	if len(thresholds) == 0 {
		thresholds = []float64{o.Threshold.Seconds()}
	}
	if offered == 0 {
		s.reqs = o.each(thresholds, func(float64, float64) (int, error) { return 0, nil })
		return s, true, nil
	}
	if !(aht > 0) || math.IsInf(aht, 0) {
		return s, false, nil
	}
	s.load = offered / o.Window.Seconds() * aht
	var firstErr error
	s.reqs = o.each(thresholds, func(t, target float64) (int, error) {
		n, err := erlangc.RequiredAgents(s.load, aht, t, target, o.MaxOccupancy)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return n, err
	})
	return s, true, firstErr
}

func (o StaffingOptions) each(thresholds []float64, f func(t, target float64) (int, error)) []requirement {
	out := make([]requirement, 0, len(thresholds)*len(o.Targets))
	for _, t := range thresholds {
		for _, target := range o.Targets {
			n, err := f(t, target)
			if err != nil {
				continue
			}
			out = append(out, requirement{threshold: formatFloat(t), target: formatFloat(target), agents: float64(n)})
		}
	}
	return out
}

// formatFloat writes a label value the shortest way ("20", "0.8").
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
