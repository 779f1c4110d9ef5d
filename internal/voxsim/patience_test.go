package voxsim

import (
	"math"
	"testing"
	"time"
)

// patienceSeconds runs a queue nobody answers for three hours at one
// caller a second and returns each caller's patience in whole seconds, read
// back from the history: every caller hangs up, in the second its
// patience ends.
func patienceSeconds(t *testing.T, cfg Config, q Queue) []int {
	t.Helper()
	q.CallsPerHour = 3600
	cfg.Account = oneQueue(q) // nobody bound: callers wait until they hang up
	cfg.Seed = 18
	s := NewServer(cfg)
	defer s.Close()
	s.Evolve(fixedNow)
	s.Evolve(fixedNow.Add(3 * time.Hour))
	var out []int
	for _, r := range s.Account().History {
		if r.Abandoned.IsZero() || !r.Answered.IsZero() || r.Rejected {
			t.Fatalf("record %+v: want abandoned", r)
		}
		out = append(out, int(math.Ceil(r.Wait().Seconds())))
	}
	if len(out) < 9000 {
		t.Fatalf("%d callers hung up in three hours at one a second", len(out))
	}
	return out
}

// checkGeometric holds whole-second patience to the exponential of the
// given mean rounded up: P(k ≥ m) = e^{−(m−1)/mean}, by the largest gap
// between the distributions (under the 99% Kolmogorov–Smirnov bound
// 1.63/√n, conservative for a discrete law) and by the mean (within 2.58
// standard errors of 1/(1 − e^{−1/mean})).
func checkGeometric(t *testing.T, ks []int, mean time.Duration) {
	t.Helper()
	m := mean.Seconds()
	n := float64(len(ks))
	counts := map[int]int{}
	most, sum := 0, 0.0
	for _, k := range ks {
		if k < 1 {
			t.Fatalf("a caller hung up after %d s: want at least 1 s", k)
		}
		counts[k]++
		most = max(most, k)
		sum += float64(k)
	}
	var below, gap float64 // below: the empirical P(k ≤ j)
	for j := 1; j <= most; j++ {
		below += float64(counts[j]) / n
		want := 1 - math.Exp(-float64(j)/m)
		gap = max(gap, math.Abs(below-want))
	}
	if bound := 1.63 / math.Sqrt(n); gap > bound {
		t.Errorf("mean %v: the patience's distribution is %.4f from the exponential's, over the 99%% bound %.4f", mean, gap, bound)
	}
	p := 1 - math.Exp(-1/m) // the chance to hang up in each second
	wantMean, sd := 1/p, math.Sqrt(1-p)/p
	if got := sum / n; math.Abs(got-wantMean) > 2.58*sd/math.Sqrt(n) {
		t.Errorf("mean %v: mean patience %.2f s, want %.2f ± %.2f", mean, got, wantMean, 2.58*sd/math.Sqrt(n))
	}
}

func TestPatienceIsExponential(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		queue Queue
		mean  time.Duration
	}{
		{"the default", Config{}, Queue{}, defaultPatience},
		{"Config.Patience", Config{Patience: 40 * time.Second}, Queue{}, 40 * time.Second},
		{"the queue's own over Config's", Config{Patience: 40 * time.Second}, Queue{Patience: 90 * time.Second}, 90 * time.Second},
		{"a mean under a second", Config{}, Queue{Patience: 300 * time.Millisecond}, 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGeometric(t, patienceSeconds(t, tc.cfg, tc.queue), tc.mean)
		})
	}
}
