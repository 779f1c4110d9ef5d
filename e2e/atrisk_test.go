package e2e

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// The rules that TestEndToEndServiceLevelAtRiskLeads follows.
const (
	atRiskAlert = "VoximplantQueueServiceLevelAtRisk"
	// The measured service level at each queue's target threshold, and
	// its target, as the shipped rules record them.
	measuredSL = "application_queue:voximplant_acd_queue_stats_service_level:target_threshold_ratio"
	slTarget   = "application_queue:voximplant_queue_service_level_target:effective"
	// The queue of the demo's team break (seed 1; the root package's
	// TestDemoBreakWarnsBeforeTheServiceFalls keeps it there).
	breakQueue = "Support L1"
	// How long the demo takes, at most, for the alert to fire: the
	// predicted service level is under the target from the first scrape
	// (the break began 2 minutes before the start) and the alert waits 5
	// minutes (for: 5m); the rest is slack for a loaded machine.
	atRiskFiresWithin = 8 * time.Minute
)

// TestEndToEndServiceLevelAtRiskLeads: in the demo's team break (demo.go:
// 80% of the team of the queue judged at the default objective left for 15
// minutes, 2 minutes before the start), VoximplantQueueServiceLevelAtRisk
// fires for that queue, with the shipped rules and their `for: 5m`, while
// its measured service level is still at or above its target, and was so
// at every evaluation since the alert went pending: the prediction from
// the people on shift warns before the callers' experience, averaged over
// the window, shows it. Everything is read through Prometheus's HTTP API;
// the test waits for Prometheus to say so, not for a time.
//
// It takes as long as the alert's `for` needs (five and a half minutes of
// real time), in parallel with TestEndToEnd. That the measured service
// level does fall under the target later in the break is checked in
// simulated time, in a second, by TestDemoBreakWarnsBeforeTheServiceFalls
// in the root package.
func TestEndToEndServiceLevelAtRiskLeads(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	started := time.Now()
	api, procs := startDemoStack(t)

	// The alert as Prometheus's alerts API reports it: its labels, state
	// and activeAt, when it went pending.
	type alert struct {
		Labels   map[string]string `json:"labels"`
		State    string            `json:"state"`
		ActiveAt time.Time         `json:"activeAt"`
	}
	var fired alert
	waitFor(t, atRiskAlert+" firing for "+breakQueue, atRiskFiresWithin, procs, func() (bool, string) {
		raw, err := api.call("alerts", nil)
		if err != nil {
			return false, err.Error()
		}
		var d struct {
			Alerts []alert `json:"alerts"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return false, err.Error()
		}
		state := "neither pending nor firing"
		for _, a := range d.Alerts {
			if a.Labels["alertname"] == atRiskAlert && a.Labels["queue"] == breakQueue {
				if fired = a; a.State == "firing" {
					return true, ""
				}
				state = fmt.Sprintf("%s since %s", a.State, a.ActiveAt.Format(time.TimeOnly))
			}
		}
		return false, state
	})
	firedAt := time.Now()
	app, queue := fired.Labels["application"], fired.Labels["queue_id"]
	since := fired.ActiveAt
	span := firedAt.Sub(since)
	t.Logf("%s firing for queue %q (id %s) of application %s, %s after the start, pending since %s",
		atRiskAlert, breakQueue, queue, app, firedAt.Sub(started).Round(time.Second), since.Format(time.TimeOnly))
	if span < 5*time.Minute {
		t.Fatalf("the alert fires %s after it went pending, want its for: 5m", span.Round(time.Second))
	}

	// From the moment the alert went pending to now, at every evaluation:
	// the measured service level minus its target, never below 0. The
	// series must cover the whole span: a gap would hide a fall.
	margin := fmt.Sprintf(`%s{application=%q, queue_id=%q} - on (application, queue_id, threshold_seconds) %s{application=%q, queue_id=%q}`,
		measuredSL, app, queue, slTarget, app, queue)
	series, err := api.queryRange(margin, time.Since(since)+2*time.Second, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 1 {
		t.Fatalf("%s: %d series, want 1: %v", margin, len(series), series)
	}
	vals := series[0].Values
	if first := sampleTime(t, vals[0]); first.After(since.Add(time.Second)) {
		t.Errorf("the measured service level has no value from %s (pending) to %s", since.Format(time.TimeOnly), first.Format(time.TimeOnly))
	}
	for i, v := range vals {
		at := sampleTime(t, v)
		if i > 0 && at.Sub(sampleTime(t, vals[i-1])) > time.Second {
			t.Errorf("the measured service level has a gap before %s", at.Format(time.TimeOnly))
		}
		m := sampleValue(t, v)
		if m < 0 {
			t.Errorf("at %s, %s after the alert went pending, the measured service level was %.3f under its target: the alert did not lead it",
				at.Format(time.TimeOnly), at.Sub(since).Round(time.Second), -m)
		}
	}
	t.Logf("from pending to firing the measured service level stayed at least %.3f above its target (%.3f when the alert went pending)",
		minValue(t, vals), sampleValue(t, vals[0]))
}

func sampleTime(t *testing.T, v [2]any) time.Time {
	t.Helper()
	f, ok := v[0].(float64)
	if !ok {
		t.Fatalf("sample time %v is not a number", v[0])
	}
	return time.UnixMilli(int64(f * 1000))
}

func sampleValue(t *testing.T, v [2]any) float64 {
	t.Helper()
	s, _ := v[1].(string)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("sample value %v: %v", v[1], err)
	}
	return f
}

func minValue(t *testing.T, vals [][2]any) float64 {
	t.Helper()
	m := sampleValue(t, vals[0])
	for _, v := range vals[1:] {
		m = min(m, sampleValue(t, v))
	}
	return m
}
