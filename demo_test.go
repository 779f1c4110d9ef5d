package main

import (
	"context"
	"math"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlanga"
	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit/simapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestDemoBreakWarnsBeforeTheServiceFalls plays the demo's contact centre
// (demoAccount, seed 1, as --demo serves it) in simulated time, second by
// second from the start, through its team break, and reads the break
// queue's statistics over the 30-minute window every 15 s as the exporter
// would. With the operators then on shift it predicts the service level at
// the queue's 20 s threshold the way the exporter does (Erlang A once the
// window holds 5 abandoned calls, else Erlang C). The demo must show what
// VoximplantQueueServiceLevelAtRisk is for:
//   - the prediction is under the 0.8 target from the start and stays
//     there for longer than the alert's 5 minutes;
//   - the measured service level stays at or above the target until at
//     least a minute after those 5 minutes (allowing for the scrape and
//     rule evaluation delays), and
//   - falls under it before the break ends: the warning was right.
//
// e2e's TestEndToEndServiceLevelAtRiskLeads checks the first two through a
// real Prometheus and the shipped rules, on the queue named here.
// demoBreakQueue is the queue of the demo's team break with seed 1.
const demoBreakQueue = "Support L1"

func TestDemoBreakWarnsBeforeTheServiceFalls(t *testing.T) {
	const (
		target    = 0.8
		threshold = 20.0
		window    = 30 * time.Minute
		every     = 15 * time.Second
	)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	acct := demoAccount(60, 1, start)
	i := slices.IndexFunc(acct.Queues, func(q voxsim.Queue) bool { return !q.BreakAt.IsZero() })
	if i < 0 {
		t.Fatal("the demo plans no team break")
	}
	q := acct.Queues[i]
	if q.Name != demoBreakQueue {
		t.Errorf("the demo's team break is on %q, want %q (e2e's TestEndToEndServiceLevelAtRiskLeads watches it)", q.Name, demoBreakQueue)
	}
	if !slices.Contains(q.SLThresholds, int(threshold)) && len(q.SLThresholds) > 0 {
		t.Fatalf("the break queue %q has thresholds %v, not the default objective's %v s", q.Name, q.SLThresholds, threshold)
	}
	var clock atomic.Int64
	clock.Store(start.Add(-demoWarmUp).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	api := simapi.Start(t, acct, func(c *voxsim.Config) { c.Seed, c.Now = 1, now }, func(o *voxapi.Options) { o.Now = now })
	srv := api.Sim

	var lowSince, measuredFell time.Time // when the prediction went and stayed under the target; when the measured one fell
	end := q.BreakAt.Add(q.BreakFor)
	// As --demo does: the warm-up in one step, then on.
	for at := start; at.Before(end); at = at.Add(time.Second) {
		clock.Store(at.UnixNano())
		srv.Evolve(at)
		if at.Sub(start)%every != 0 {
			continue
		}
		s := queueWindow(t, api.Client, q.ID, at.Add(-window), at)
		n := 0
		for _, u := range srv.Account().Users {
			if u.Active && slices.ContainsFunc(u.Queues, func(b voxsim.Queue) bool { return b.ID == q.ID }) &&
				(u.Status == voxsim.StatusReady || u.Status == voxsim.StatusInService || u.Status == voxsim.StatusAfterService) {
				n++
			}
		}
		predicted, model := predictSL(s, n, window, threshold)
		if math.IsNaN(predicted) {
			t.Fatalf("+%s: no %s service level for %d operators and %+v", at.Sub(start), model, n, s)
		}
		t.Logf("+%-6s staffed %2d, offered %3.0f, predicted %.3f (%s), measured %.3f", at.Sub(start), n, s.offered, predicted, model, s.sl)
		switch {
		case predicted >= target:
			lowSince = time.Time{}
		case lowSince.IsZero():
			lowSince = at
		}
		if s.sl < target && measuredFell.IsZero() {
			measuredFell = at
			if lowSince.IsZero() || at.Sub(lowSince) < 6*time.Minute {
				t.Fatalf("the measured service level fell under %.1f at +%s, before the prediction had been under it for 6 minutes (since %v)",
					target, at.Sub(start), lowSince)
			}
		}
	}
	if !lowSince.Equal(start) {
		t.Errorf("the prediction went under %.1f for good at %v, want from the start %v", target, lowSince, start)
	}
	if measuredFell.IsZero() {
		t.Errorf("the measured service level never fell under %.1f during the break: the warning was a false alarm", target)
	}
}

// window is what the test reads of a queue's statistics.
type window struct {
	offered, abandoned, totalWait, aht, sl float64
}

// queueWindow reads GetACDQueueStatistics for queue over [from, to]
// through the production client, on the simulated clock.
func queueWindow(t *testing.T, c *voxapi.Client, queue int64, from, to time.Time) window {
	t.Helper()
	recs, err := c.GetACDQueueStatistics(context.Background(), voxapi.QueueStatsParams{FromDate: from, ToDate: to, QueueIDs: []int64{queue}})
	if err != nil || len(recs) != 1 {
		t.Fatalf("GetACDQueueStatistics: %d records, %v", len(recs), err)
	}
	r := recs[0]
	var w window
	if r.TC != nil {
		w.offered = *r.TC
	}
	if r.TWT != nil {
		w.totalWait = *r.TWT
	}
	if r.HT != nil {
		w.aht = r.HT.Avg
	}
	for _, u := range r.UAC {
		w.abandoned += u.Count
	}
	for _, e := range r.SL {
		if e.AcceptableWaitingTime == 20 {
			w.sl = e.ServiceLevel
		}
	}
	return w
}

// predictSL is the service level n operators deliver at threshold for the
// window's load: Erlang A with the measured patience where the window
// holds 5 abandoned calls, else Erlang C.
func predictSL(w window, n int, span time.Duration, threshold float64) (float64, string) {
	lambda := w.offered / span.Seconds()
	if theta, ok := erlanga.EstimateTheta(w.abandoned, w.totalWait, 5); ok {
		if n == 0 {
			return 0, "erlang_a"
		}
		return erlanga.ServiceLevel(lambda, 1/w.aht, theta, n, threshold), "erlang_a"
	}
	return erlangc.ServiceLevel(n, lambda*w.aht, w.aht, threshold), "erlang_c"
}
