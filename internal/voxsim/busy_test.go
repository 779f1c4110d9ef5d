package voxsim

import (
	"math"
	"testing"
	"time"
)

// erlangC is the probability that a call waits, with n agents and an
// offered load of a erlangs (n > a): Erlang B by recursion, then C.
func erlangC(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return float64(n) * b / (float64(n) - a*(1-b))
}

// erlangCAgents is the fewest agents that answer the fraction target of
// calls within threshold, for arrivals at rate calls/hour and handling
// time aht, by the Erlang C formula: the staffing a supervisor would ask
// for.
func erlangCAgents(rate float64, aht, threshold time.Duration, target float64) int {
	a := rate / 3600 * aht.Seconds() // offered load, erlangs
	for n := int(math.Floor(a)) + 1; ; n++ {
		if 1-erlangC(n, a)*math.Exp(-(float64(n)-a)*threshold.Seconds()/aht.Seconds()) >= target {
			return n
		}
	}
}

func TestErlangC(t *testing.T) {
	// Published Erlang C table values for 10 erlangs.
	for n, want := range map[int]float64{11: 0.6821, 12: 0.4494, 13: 0.2853, 14: 0.1741} {
		if got := erlangC(n, 10); math.Abs(got-want) > 5e-4 {
			t.Errorf("erlangC(%d, 10) = %.4f, want %.4f", n, got, want)
		}
	}
	// The textbook example: 200 calls/hour of 180 s, 80% within 20 s:
	// 13 agents answer 79.6%, 14 agents 88.8%.
	if n := erlangCAgents(200, 180*time.Second, 20*time.Second, 0.8); n != 14 {
		t.Errorf("erlangCAgents(200/h, 180 s, 20 s, 0.8) = %d, want 14", n)
	}
}

// TestDemoBusyPeriod: the demo's contact centre (60 operators, the demo's
// GenConfig) has a busy period within its first ten simulated minutes: a
// queue where 3 or more callers wait, whose service level over those
// minutes falls below 0.8, and whose Erlang C staffing for its load then
// exceeds the READY operators. Evolve runs on a fake clock, second by
// second: no real sleeping.
func TestDemoBusyPeriod(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 42, 1234} {
		acct := Generate(GenConfig{Users: 60, Apps: 2, Skills: 5, Queues: 4, Seed: seed, Now: fixedNow})
		var clock atomicTime
		clock.set(fixedNow)
		h := newHarness(t, func(c *Config) {
			c.Account = acct
			c.Now = clock.get
		})
		mostWaiting := map[int64]int{}
		understaffed := map[int64]bool{}
		end := fixedNow.Add(10 * time.Minute)
		for now := fixedNow; !now.After(end); now = now.Add(time.Second) {
			clock.set(now)
			h.srv.Evolve(now)
			a := h.srv.Account()
			for _, q := range a.Queues {
				waiting, ready := waitingAndReady(a, q.ID)
				mostWaiting[q.ID] = max(mostWaiting[q.ID], waiting)
				rate := q.CallsPerHour
				if !q.BusyAt.IsZero() && !now.Before(q.BusyAt) && now.Before(q.BusyAt.Add(q.BusyFor)) {
					rate *= q.Surge
				}
				need := erlangCAgents(rate, time.Duration(q.AverageServiceTime)*time.Second, time.Duration(q.slThresholds()[0])*time.Second, 0.8)
				if waiting >= 3 && need > ready {
					understaffed[q.ID] = true
				}
			}
		}
		built, dipped, fractional := false, false, false
		for _, q := range acct.Queues {
			if mostWaiting[q.ID] >= 3 {
				built = true
			}
			m := h.call("GetACDQueueStatistics", vals("from_date", formatTime(fixedNow), "to_date", formatTime(end), "acd_queue_id", itoa(q.ID)))
			res := statsResult(t, m)
			if len(res) == 0 {
				continue
			}
			rec := res[0].(map[string]any)
			for _, item := range []string{"SA", "AT"} {
				if sp, ok := rec[item].(map[string]any); ok && (sp["min"] != math.Trunc(sp["min"].(float64)) || sp["sum"] != math.Trunc(sp["sum"].(float64))) {
					fractional = true
				}
			}
			sl := 0.0 // no SL entry: no call answered within the thresholds
			if entries, ok := rec["SL"].([]any); ok {
				first := entries[0].(map[string]any)
				if first["acceptable_waiting_time"] == float64(q.slThresholds()[0]) {
					sl = first["service_level"].(float64)
				}
			}
			t.Logf("seed %d queue %d: at most %d waiting, SL %.3f over %v calls, understaffed %v", seed, q.ID, mostWaiting[q.ID], sl, rec["TC"], understaffed[q.ID])
			if sl < 0.8 && mostWaiting[q.ID] >= 3 && understaffed[q.ID] {
				dipped = true
			}
		}
		if !fractional {
			t.Errorf("seed %d: no SA or AT with fractions of a second", seed)
		}
		if !built || !dipped {
			t.Errorf("seed %d: in the first ten minutes no queue had 3 or more callers waiting (%v), its service level below 0.8 and more operators needed than READY",
				seed, mostWaiting)
		}
	}
}
