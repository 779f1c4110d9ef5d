package collector

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlanga"
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
	// MinAbandoned is the fewest abandoned calls in the window from which
	// the callers' patience is estimated (and Erlang A computed).
	MinAbandoned int
}

// DefaultStaffing is what the flags default to.
var DefaultStaffing = StaffingOptions{
	Window: 30 * time.Minute, Threshold: 20 * time.Second,
	Targets: []float64{0.8}, MaxOccupancy: 0.85, MinAbandoned: 5,
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
	app.Flag("collector.queue-stats.min-abandoned", "Fewest abandoned calls in the window from which the callers' patience is estimated and Erlang A computed (queue statistics and SmartQueue metrics alike).").
		Default(fmt.Sprint(DefaultStaffing.MinAbandoned)).IntVar(&o.MinAbandoned)
}

// withDefaults fills zero fields from DefaultStaffing.
func (o StaffingOptions) withDefaults() StaffingOptions {
	d := DefaultStaffing
	o.Window = cmp.Or(o.Window, d.Window)
	o.Threshold = cmp.Or(o.Threshold, d.Threshold)
	o.MaxOccupancy = cmp.Or(o.MaxOccupancy, d.MaxOccupancy)
	o.MinAbandoned = cmp.Or(o.MinAbandoned, d.MinAbandoned)
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
	if o.MinAbandoned < 1 {
		errs = append(errs, fmt.Errorf("--collector.queue-stats.min-abandoned must be at least 1, got %d", o.MinAbandoned))
	}
	if !(o.MaxOccupancy > 0 && o.MaxOccupancy <= 1) {
		errs = append(errs, fmt.Errorf("--collector.queue-stats.max-occupancy must be in (0, 1], got %v", o.MaxOccupancy))
	}
	return errors.Join(errs...)
}

// The staffing models, as the model label names them.
const (
	modelErlangC = "erlang_c" // M/M/N: callers never hang up
	modelErlangA = "erlang_a" // M/M/N+M: exponential patience measured from the window
)

// requirement is the staffing one model asks for at one threshold and
// target.
type requirement struct {
	threshold, target, model string // label values
	agents                   float64
}

// staffing is a queue's offered load over the window, the callers'
// patience where the window shows enough of it, and the operators each
// model requires.
type staffing struct {
	load       float64
	lambda     float64 // calls offered per second
	aht        float64 // seconds
	theta      float64 // abandonment rate per second (1 / mean patience); 0 when not estimated
	thresholds []float64
	reqs       []requirement
}

// patience is the mean patience in seconds, and whether it was estimated.
func (s *staffing) patience() (float64, bool) {
	if s.theta > 0 {
		return 1 / s.theta, true
	}
	return 0, false
}

// staff computes the offered load of offered calls over the window with
// the given average handle time, and the operators each threshold and
// target require: by Erlang C, and by Erlang A where the window has at
// least MinAbandoned abandoned calls and some waiting time (the patience
// is then abandoned / total waiting time, the estimator of Mandelbaum and
// Zeltyn). ok is false when the handle time is unknown (no load can be
// computed). No calls need no operators. An Erlang C failure is an error;
// an Erlang A requirement that cannot be computed (a patience so long the
// chain is too large) is left out, and Erlang C stands alone.
func (o StaffingOptions) staff(offered, aht float64, thresholds []float64, abandoned, totalWait float64) (s staffing, ok bool, err error) {
	if len(thresholds) == 0 {
		thresholds = []float64{o.Threshold.Seconds()}
	}
	s.thresholds = thresholds
	if offered == 0 {
		s.reqs = o.each(thresholds, modelErlangC, func(float64, float64) (int, error) { return 0, nil })
		return s, true, nil
	}
	if !(aht > 0) || math.IsInf(aht, 0) {
		return s, false, nil
	}
	s.aht, s.lambda = aht, offered/o.Window.Seconds()
	s.load = s.lambda * aht
	var firstErr error
	s.reqs = o.each(thresholds, modelErlangC, func(t, target float64) (int, error) {
		n, err := erlangc.RequiredAgents(s.load, aht, t, target, o.MaxOccupancy)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return n, err
	})
	if theta, ok := erlanga.EstimateTheta(abandoned, totalWait, o.MinAbandoned); ok {
		s.theta = theta
		s.reqs = append(s.reqs, o.each(thresholds, modelErlangA, func(t, target float64) (int, error) {
			return erlanga.Required(s.lambda, 1/aht, theta, target, t, o.MaxOccupancy)
		})...)
	}
	return s, true, firstErr
}

func (o StaffingOptions) each(thresholds []float64, model string, f func(t, target float64) (int, error)) []requirement {
	out := make([]requirement, 0, len(thresholds)*len(o.Targets))
	for _, t := range thresholds {
		for _, target := range o.Targets {
			n, err := f(t, target)
			if err != nil {
				continue
			}
			out = append(out, requirement{threshold: formatFloat(t), target: formatFloat(target), model: model, agents: float64(n)})
		}
	}
	return out
}

// prediction is what n operators deliver at the window's load, by model.
type prediction struct {
	threshold, model string
	serviceLevel     float64
}

// predict is the service level n operators now staffed deliver at each
// threshold for the window's load, by Erlang C and, where the patience is
// known, Erlang A, with Erlang A's share of callers who hang up. Nothing
// without a load (no calls, or no handle time).
func (s *staffing) predict(n int) (preds []prediction, abandon float64, hasAbandon bool) {
	if s.lambda == 0 || s.aht == 0 {
		return nil, 0, false
	}
	var q *erlanga.Queue
	if s.theta > 0 && n > 0 {
		q, _ = erlanga.Solve(s.lambda, 1/s.aht, s.theta, n)
	}
	for _, t := range s.thresholds {
		label := formatFloat(t)
		if sl := erlangc.ServiceLevel(n, s.load, s.aht, t); !math.IsNaN(sl) {
			preds = append(preds, prediction{threshold: label, model: modelErlangC, serviceLevel: sl})
		}
		switch {
		case s.theta > 0 && n == 0:
			// No one to answer: every caller waits until hanging up.
			preds = append(preds, prediction{threshold: label, model: modelErlangA})
		case q != nil:
			preds = append(preds, prediction{threshold: label, model: modelErlangA, serviceLevel: q.ServiceLevel(t)})
		}
	}
	switch {
	case s.theta > 0 && n == 0:
		return preds, 1, true
	case q != nil:
		return preds, q.AbandonProbability(), true
	}
	return preds, 0, false
}

// formatFloat writes a label value the shortest way ("20", "0.8").
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
