package voxsim

import (
	"cmp"
	"math"
	"slices"
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

// TestSQPatienceIsExponential holds the SmartQueue customers' patience to
// the exponential of the queue's mean: a queue nobody serves, whose
// customers all abandon, read back from its history. Only customers who
// arrived at least 12 means before the end count, so that the ones still
// waiting (whose patience is longer) do not bias the sample (they are
// e^{-12} of them).
func TestSQPatienceIsExponential(t *testing.T) {
	for _, mean := range []time.Duration{20 * time.Second, 0} {
		t.Run(mean.String(), func(t *testing.T) {
			a := fixture()
			a.SmartQueue = SmartQueue{Queues: []SQQueue{{ID: 1, Name: "Nobody", ApplicationID: 10, CallsPerHour: 3000, Patience: mean}}}
			want := cmp.Or(mean, sqDefaultPatience)
			s := NewServer(Config{Account: a, Seed: 18})
			defer s.Close()
			end := fixedNow.Add(38 * time.Minute)
			s.Evolve(fixedNow)
			s.Evolve(end)
			var ws []float64
			for _, r := range s.Account().SmartQueue.Queues[0].History {
				if r.Outcome != SQOutcomeAbandoned {
					t.Fatalf("record %+v: want abandoned", r)
				}
				if r.Arrived.Before(end.Add(-12 * want)) {
					ws = append(ws, r.Ended.Sub(r.Arrived).Seconds())
				}
			}
			n := float64(len(ws))
			if n < 600 {
				t.Fatalf("%v customers to look at", n)
			}
			slices.Sort(ws)
			if ws[0] <= 0 {
				t.Errorf("a customer abandoned after %v s: want more than 0", ws[0])
			}
			m := want.Seconds()
			var gap, sum float64
			for i, w := range ws {
				cdf := 1 - math.Exp(-w/m)
				gap = max(gap, math.Abs(float64(i+1)/n-cdf), math.Abs(float64(i)/n-cdf))
				sum += w
			}
			if bound := 1.63 / math.Sqrt(n); gap > bound {
				t.Errorf("the patience's distribution is %.4f from the exponential's (mean %v), over the 99%% bound %.4f", gap, want, bound)
			}
			// The exponential's standard deviation is its mean.
			if got := sum / n; math.Abs(got-m) > 2.58*m/math.Sqrt(n) {
				t.Errorf("mean patience %.2f s, want %.2f ± %.2f", got, m, 2.58*m/math.Sqrt(n))
			}
		})
	}
}

// TestSQAbandonWhileOffered: a customer's patience runs until processing
// starts, as Erlang A's runs until service. With a mean patience of a
// millisecond every customer gives up while the offer to a READY agent
// still rings (2 s at least), so nothing is handled, and the agent, who
// went DIALING for each offer, is READY again after each.
func TestSQAbandonWhileOffered(t *testing.T) {
	a := sqFixture()
	a.SmartQueue.Tasks = nil
	a.SmartQueue.Queues = []SQQueue{{ID: 1, Name: "Impatient", ApplicationID: sqAppID, CallsPerHour: 600, Patience: time.Millisecond}}
	a.SmartQueue.Agents = []SQAgent{{UserID: 1, Queues: []int64{1}, Channels: []SQChannel{{SQChannelCall, SQStatusReady, fixedNow}}}}
	s := NewServer(Config{Account: a, Seed: 4})
	defer s.Close()
	s.Evolve(fixedNow)
	offered := 0
	for now := fixedNow; now.Before(fixedNow.Add(20 * time.Minute)); now = now.Add(10 * time.Second) {
		s.Evolve(now)
		checkSQ(t, s.Account().SmartQueue, now)
	}
	sq := s.Account().SmartQueue
	for _, r := range sq.Queues[0].History {
		if r.Outcome != SQOutcomeAbandoned {
			t.Fatalf("record %+v: want every customer to abandon", r)
		}
	}
	for _, p := range sq.Agents[0].Past {
		if p.Status == SQStatusDialing {
			offered++
			if p.To.Sub(p.From) >= 2*time.Second {
				t.Errorf("an offer rang %v: the customer should have given up within milliseconds", p.To.Sub(p.From))
			}
		}
	}
	if offered == 0 || len(sq.Queues[0].History) == 0 {
		t.Errorf("%d offers, %d customers: the test saw nothing", offered, len(sq.Queues[0].History))
	}
}
