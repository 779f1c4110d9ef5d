package collector

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestSQPatienceFromVoxsim holds the smartqueue collector's patience
// estimate (abandoned calls over the average time in queue times the calls
// offered) to the simulator's exponential patience, whose mean every
// generated queue is given. The estimates of four queues in each of eight
// simulations are pooled as the estimator pools: Σ (abandoned × patience)
// / Σ abandoned, the mean patience, whose relative standard error is about
// 1/√(Σ abandoned) (a Poisson count over a total waiting time). It must be
// within four of them of the mean. (With customers who could not abandon
// while an offer rang, the estimate was a quarter too long.)
func TestSQPatienceFromVoxsim(t *testing.T) {
	const mean = 90 * time.Second
	var abandoned, waited float64
	for seed := int64(1); seed <= 8; seed++ {
		ab, w := sqPatienceRun(t, seed, mean)
		abandoned, waited = abandoned+ab, waited+w
	}
	if abandoned < 500 {
		t.Fatalf("%v calls abandoned: too few to judge the estimate", abandoned)
	}
	got := waited / abandoned
	if tol := 4 / math.Sqrt(abandoned); math.Abs(got/mean.Seconds()-1) > tol {
		t.Errorf("pooled patience %.1f s over %v abandoned calls, want %v within %.0f%%", got, abandoned, mean, 100*tol)
	}
}

// sqPatienceRun simulates four SmartQueue queues with the given mean
// patience for two and a half hours and reads them over the last two:
// the abandoned calls, and those times the estimated patience, summed
// over the queues with an estimate.
func sqPatienceRun(t *testing.T, seed int64, mean time.Duration) (abandoned, waited float64) {
	t.Helper()
	freezeACDNow()
	end := acdNow
	acct := voxsim.Generate(voxsim.GenConfig{Users: 80, Apps: 1, SmartQueues: 4, Seed: seed, Now: end.Add(-150 * time.Minute)})
	for i := range acct.SmartQueue.Queues {
		acct.SmartQueue.Queues[i].Patience = mean
	}
	sqApp := acct.Apps[len(acct.Apps)-1].ID
	h := newHarness(t, acct, func(c *voxsim.Config) { c.Now = func() time.Time { return end } }, voxapi.AppSelector{ID: sqApp})
	h.sim.Evolve(end.Add(-150 * time.Minute))
	h.sim.Evolve(end)
	st := Settings{Logger: h.logs.Logger(), Now: func() time.Time { return end }}
	st.Staffing.Window = 2 * time.Hour
	sq, err := NewSmartQueue(st.forCollector(SmartQueueCollector), []time.Duration{20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	exp := h.exporter(t, expOpts{now: st.Now, extra: []Collector{sq}})
	defer exp.Close()
	f := scrape(t, exp)
	if f.CollectorSuccess(SmartQueueCollector) != 1 {
		t.Fatalf("seed %d: smartqueue failed:\n%s", seed, h.logs)
	}
	for _, q := range acct.SmartQueue.Queues {
		id := strconv.FormatInt(q.ID, 10)
		p, ok := f.Value("voximplant_sq_queue_patience_seconds", "sq_queue_id", id)
		if !ok {
			continue
		}
		ab := f.MustValue(t, "voximplant_sq_queue_abandoned_calls", "sq_queue_id", id)
		abandoned += ab
		waited += ab * p
	}
	return abandoned, waited
}
