package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
)

// appView is one application on the landing page.
type appView struct {
	Application string
	Operators   []statusView
	Queues      []queueView
}

type statusView struct{ Status, Count string }

// queueView is one row of an application's queue table: every number
// formatted, and each cell's class (ok, bad, unknown or none) saying how it
// stands against its target.
type queueView struct {
	Name, Kind            string
	Waiting, WaitingClass string
	Longest, LongestClass string
	Level, LevelClass     string
	Threshold             string
	// Predicted is the service level the operators now on shift will
	// deliver at the same threshold and the window's load.
	Predicted, PredictedClass string
	Staff, StaffClass         string
}

// noValue stands for a number the last pass did not read.
const noValue = "–"

// glanceView formats a glance, holding service levels against target.
func glanceView(g collector.Glance, target float64) []appView {
	out := make([]appView, 0, len(g.Apps))
	for _, a := range g.Apps {
		av := appView{Application: a.Application}
		for _, s := range a.Operators {
			av.Operators = append(av.Operators, statusView{Status: s.Status, Count: count(s.Count)})
		}
		for _, q := range a.Queues {
			av.Queues = append(av.Queues, queueRow(q, target))
		}
		out = append(out, av)
	}
	return out
}

// queueRow formats one queue. The service level, measured or predicted
// with the operators on shift, is bad below target, the
// READY operators bad below the required ones, and the longest wait bad
// past the threshold the service level counts (that caller already
// misses it).
func queueRow(q collector.QueueGlance, target float64) queueView {
	threshold, level, required := q.Staffing(target)
	v := queueView{
		Name: q.Name, Kind: string(q.Kind),
		Waiting: count(q.Waiting), WaitingClass: unknownClass(q.Waiting),
		Longest: seconds(q.LongestWait), LongestClass: unknownClass(q.LongestWait),
		Level: percent(level), LevelClass: verdict(level, level >= target),
	}
	predicted := math.NaN()
	if threshold > 0 {
		predicted = q.PredictedLevel(threshold)
	}
	v.Predicted, v.PredictedClass = percent(predicted), verdict(predicted, predicted >= target)
	if threshold > 0 {
		v.Threshold = shortDuration(threshold)
		if !math.IsNaN(q.LongestWait) {
			v.LongestClass = verdict(q.LongestWait, q.LongestWait <= threshold.Seconds())
		}
	}
	v.Staff = count(q.Ready) + " / " + count(required)
	switch {
	case math.IsNaN(q.Ready) && math.IsNaN(required):
		v.Staff, v.StaffClass = noValue, "unknown"
	case math.IsNaN(q.Ready) || math.IsNaN(required):
		v.StaffClass = "unknown"
	default:
		v.StaffClass = verdict(q.Ready, q.Ready >= required)
	}
	return v
}

// verdict is a cell's class: unknown for a number not read, else ok or bad.
func verdict(v float64, ok bool) string {
	switch {
	case math.IsNaN(v):
		return "unknown"
	case ok:
		return "ok"
	}
	return "bad"
}

func unknownClass(v float64) string {
	if math.IsNaN(v) {
		return "unknown"
	}
	return ""
}

// count formats a count of calls or operators.
func count(v float64) string {
	if math.IsNaN(v) {
		return noValue
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// seconds formats a wait, to the second.
func seconds(v float64) string {
	if math.IsNaN(v) {
		return noValue
	}
	return shortDuration(time.Duration(math.Round(v)) * time.Second)
}

// shortDuration is d as Go writes it, without zero trailing units
// (30m, not 30m0s).
func shortDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}

// percent formats a ratio as a percentage, to a tenth.
func percent(v float64) string {
	if math.IsNaN(v) {
		return noValue
	}
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%"
}
