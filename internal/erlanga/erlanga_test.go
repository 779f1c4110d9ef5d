package erlanga

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// With callers who (almost) never hang up the model is Erlang C: θ = 0
// through erlangc's closed forms, a tiny θ through the chain itself.
func TestReproducesErlangC(t *testing.T) {
	for _, tc := range []struct {
		erlangs, aht float64
		ns           []int
	}{
		{10, 180, []int{11, 12, 13, 14, 16, 20}}, // the reference case
		{2, 60, []int{3, 4, 6}},
		{100, 180, []int{102, 105, 107, 115}},
		{200, 300, []int{203, 210, 220}},
	} {
		mu := 1 / tc.aht
		lambda := tc.erlangs * mu
		for _, n := range tc.ns {
			for _, th := range []float64{0, 10, 20, 60} {
				want := erlangc.ServiceLevel(n, tc.erlangs, tc.aht, th)
				for _, theta := range []float64{0, 1e-14, 1e-13} {
					if got := ServiceLevel(lambda, mu, theta, n, th); math.Abs(got-want) > 1e-9 {
						t.Errorf("A=%v N=%d t=%v θ=%v: service level %.12f, Erlang C %.12f", tc.erlangs, n, th, theta, got, want)
					}
				}
			}
			if got, want := WaitProbability(lambda, mu, 1e-13, n), erlangc.ErlangC(n, tc.erlangs); math.Abs(got-want) > 1e-9 {
				t.Errorf("A=%v N=%d: wait probability %v, Erlang C %v", tc.erlangs, n, got, want)
			}
		}
	}
	lambda, mu := 100.0/1800, 1.0/180 // 100 calls in 30 minutes, 3 minutes each
	if n, err := Required(lambda, mu, 0, 0.8, 20, 1); err != nil || n != 14 {
		t.Errorf("Required without abandonment = %d, %v; want Erlang C's 14", n, err)
	}
	for _, n := range []int{9, 10} {
		if sl := ServiceLevel(10*mu, mu, 0, n, 20); sl != 0 {
			t.Errorf("%d operators for 10 Erlangs without abandonment: service level %v, want 0 (unstable)", n, sl)
		}
		if occ := Occupancy(10*mu, mu, 0, n); occ != 1 {
			t.Errorf("%d operators for 10 Erlangs without abandonment: occupancy %v, want 1", n, occ)
		}
	}
}

// WaitProbability is a test helper: the probability of waiting.
func WaitProbability(lambda, mu, theta float64, n int) float64 {
	q, err := Solve(lambda, mu, theta, n)
	if err != nil {
		return math.NaN()
	}
	return q.WaitProbability()
}

// Erlang A is stable where Erlang C is not: fewer operators than Erlangs
// still answer some calls, and callers who hang up bound the queue.
func TestStableBeyondCapacity(t *testing.T) {
	lambda, mu, theta := 200.0/180, 1.0/180, 1.0/120
	for _, n := range []int{1, 50, 150, 199, 200} {
		q, err := Solve(lambda, mu, theta, n)
		if err != nil {
			t.Fatal(err)
		}
		sl, ab, occ := q.ServiceLevel(20), q.AbandonProbability(), q.Occupancy()
		if !(sl >= 0 && sl < 1) || !(ab > 0 && ab < 1) || !(occ > 0 && occ <= 1) {
			t.Errorf("200 Erlangs on %d: service level %v, abandonment %v, occupancy %v", n, sl, ab, occ)
		}
	}
	// The answered rate λ(1 − P(abandon)) equals μ·E[busy operators], by
	// flow balance, whatever the staffing.
	for _, n := range []int{20, 150, 210} {
		q, err := Solve(lambda, mu, theta, n)
		if err != nil {
			t.Fatal(err)
		}
		pi := denseStationary(lambda, mu, theta, n, q.States()+60)
		busy := 0.0 // E[busy operators] = Σ min(k, n) π_k
		for k, p := range pi {
			busy += float64(min(k, n)) * p
		}
		if got, want := lambda*(1-q.AbandonProbability()), mu*busy; math.Abs(got-want) > 1e-9*want {
			t.Errorf("N=%d: answered rate %v, operators' service rate %v", n, got, want)
		}
	}
}

// Hundreds of Erlangs and operators: the chain neither overflows nor loses
// its mass, and stays a probability distribution.
func TestLargeLoads(t *testing.T) {
	for _, erlangs := range []float64{200, 500, 2000} {
		mu := 1.0 / 180
		for _, patience := range []float64{30, 600, 3600} {
			for _, f := range []float64{0.5, 0.9, 1, 1.05, 1.2} {
				n := int(f * erlangs)
				q, err := Solve(erlangs*mu, mu, 1/patience, n)
				if err != nil {
					t.Fatal(err)
				}
				total := q.below
				for _, p := range q.waiting {
					total += p
				}
				sl, ab := q.ServiceLevel(20), q.AbandonProbability()
				if math.Abs(total-1) > 1e-12 || !(sl >= 0 && sl <= 1) || !(ab >= 0 && ab <= 1) {
					t.Errorf("A=%v patience=%v N=%d: mass %v, service level %v, abandonment %v", erlangs, patience, n, total, sl, ab)
				}
			}
		}
	}
}

// The required staffing meets the target and the cap, and one fewer does
// not.
func checkMinimal(t *testing.T, n int, lambda, mu, theta, th, target, occ float64) {
	t.Helper()
	meets := func(n int) bool {
		q, err := Solve(lambda, mu, theta, n)
		if err != nil {
			t.Fatal(err)
		}
		return q.ServiceLevel(th) >= target && q.Occupancy() <= occ
	}
	if !meets(n) {
		t.Errorf("λ=%v μ=%v θ=%v t=%v target=%v occ=%v: %d operators do not meet it", lambda, mu, theta, th, target, occ, n)
	}
	if n > 1 && meets(n-1) {
		t.Errorf("λ=%v μ=%v θ=%v t=%v target=%v occ=%v: %d operators are not the fewest", lambda, mu, theta, th, target, occ, n)
	}
}

// Callers who hang up shorten the wait of those behind them, so Erlang A
// asks for no more operators than Erlang C, for patience of 30 s to an
// hour, thresholds up to 60 s and at most a third of the mean patience,
// targets of 50–95% and occupancy caps from 0.6, at loads from 0.05 to 300
// Erlangs. It is not a theorem: TestMoreThanErlangCForImpatientCallers
// shows where it fails.
func TestNeverMoreThanErlangC(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	rounds := 200
	if testing.Short() {
		rounds = 40
	}
	for range rounds {
		aht := 30 + rng.Float64()*570
		erlangs := math.Exp(math.Log(0.05) + rng.Float64()*math.Log(300/0.05))
		patience := math.Exp(math.Log(30) + rng.Float64()*math.Log(3600.0/30))
		th := rng.Float64() * min(60, patience/3)
		target := 0.5 + rng.Float64()*0.45
		occ := 0.6 + rng.Float64()*0.4
		mu := 1 / aht
		c, err := erlangc.RequiredAgents(erlangs, aht, th, target, occ)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Required(erlangs*mu, mu, 1/patience, target, th, occ)
		if err != nil {
			t.Fatal(err)
		}
		if a > c {
			t.Errorf("A=%v AHT=%v patience=%v t=%v target=%v occ=%v: Erlang A needs %d, Erlang C %d",
				erlangs, aht, patience, th, target, occ, a, c)
		}
		checkMinimal(t, a, erlangs*mu, mu, 1/patience, th, target, occ)
	}
}

// When the threshold is as long as the callers' patience, callers whom
// Erlang C answers late but within t hang up before: Erlang A can then need
// more operators. 0.14 Erlangs (AHT 64 s) and 91% within 40 s with callers
// of 40 s patience: one operator for Erlang C, two for Erlang A.
func TestMoreThanErlangCForImpatientCallers(t *testing.T) {
	const erlangs, aht, patience, th, target = 0.137, 64.0, 39.7, 39.7, 0.913
	c, err := erlangc.RequiredAgents(erlangs, aht, th, target, 1)
	if err != nil || c != 1 {
		t.Fatalf("Erlang C: %d, %v; want 1", c, err)
	}
	mu := 1 / aht
	a, err := Required(erlangs*mu, mu, 1/patience, target, th, 1)
	if err != nil || a != 2 {
		t.Fatalf("Erlang A: %d, %v; want 2", a, err)
	}
	if sl := ServiceLevel(erlangs*mu, mu, 1/patience, 1, th); sl >= erlangc.ServiceLevel(1, erlangs, aht, th) {
		t.Errorf("one operator: Erlang A service level %v not below Erlang C's", sl)
	}
}

// More operators answer more calls within t and lose fewer, and keep each
// busy less; more traffic on the same operators answers fewer within t.
func TestMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 4))
	for range 30 {
		aht := 60 + rng.Float64()*540
		erlangs := 0.5 + rng.Float64()*200
		patience := 30 + rng.Float64()*570
		th := rng.Float64() * 60
		mu, theta := 1/aht, 1/patience
		lambda := erlangs * mu
		prevSL, prevAb, prevOcc := -1.0, 2.0, 2.0
		for n := max(1, int(0.6*erlangs)); n <= int(1.3*erlangs)+3; n++ {
			q, err := Solve(lambda, mu, theta, n)
			if err != nil {
				t.Fatal(err)
			}
			sl, ab, occ := q.ServiceLevel(th), q.AbandonProbability(), q.Occupancy()
			if sl < prevSL-1e-12 || ab > prevAb+1e-12 || occ > prevOcc+1e-12 {
				t.Errorf("A=%v AHT=%v patience=%v t=%v N=%d: SL %v (was %v), abandonment %v (was %v), occupancy %v (was %v)",
					erlangs, aht, patience, th, n, sl, prevSL, ab, prevAb, occ, prevOcc)
			}
			prevSL, prevAb, prevOcc = sl, ab, occ
		}
		n := max(1, int(erlangs))
		prevSL = 2
		for f := 0.5; f <= 1.5; f += 0.05 {
			sl := ServiceLevel(f*lambda, mu, theta, n, th)
			if sl > prevSL+1e-12 {
				t.Errorf("AHT=%v patience=%v t=%v N=%d: %v Erlangs answer %v within t, more than %v at less load",
					aht, patience, th, n, f*erlangs, sl, prevSL)
			}
			prevSL = sl
		}
	}
}

func TestServiceLevelEdges(t *testing.T) {
	mu, theta := 1.0/180, 1.0/120
	if got := ServiceLevel(0, mu, theta, 3, 20); got != 1 {
		t.Errorf("no traffic: service level %v, want 1", got)
	}
	if got := AbandonProbability(0, mu, theta, 3); got != 0 {
		t.Errorf("no traffic: abandonment %v, want 0", got)
	}
	if got := Occupancy(0, mu, theta, 3); got != 0 {
		t.Errorf("no traffic: occupancy %v, want 0", got)
	}
	lambda := 10 * mu
	if got := ServiceLevel(lambda, mu, theta, 0, 20); got != 0 {
		t.Errorf("no operator: service level %v, want 0", got)
	}
	if got := AbandonProbability(lambda, mu, theta, 0); math.Abs(got-1) > 1e-9 {
		t.Errorf("no operator: abandonment %v, want 1", got)
	}
	q, _ := Solve(lambda, mu, theta, 12)
	if got, want := q.ServiceLevel(0), 1-q.WaitProbability(); math.Abs(got-want) > 1e-15 {
		t.Errorf("t = 0: service level %v, want those answered at once %v", got, want)
	}
	if got, want := q.ServiceLevel(math.Inf(1)), 1-q.AbandonProbability(); math.Abs(got-want) > 1e-12 {
		t.Errorf("t = ∞: service level %v, want everyone who does not hang up %v", got, want)
	}
	if got, want := q.ServiceLevel(1e6), 1-q.AbandonProbability(); math.Abs(got-want) > 1e-12 {
		t.Errorf("t = 10⁶ s: service level %v, want everyone who does not hang up %v", got, want)
	}
	for _, th := range []float64{-1, math.NaN()} {
		if got := q.ServiceLevel(th); !math.IsNaN(got) {
			t.Errorf("t = %v: service level %v, want NaN", th, got)
		}
	}
	for _, bad := range []struct {
		lambda, mu, theta float64
		n                 int
		name              string
	}{
		{-1, mu, theta, 3, "arrival rate"},
		{math.NaN(), mu, theta, 3, "arrival rate"},
		{math.Inf(1), mu, theta, 3, "arrival rate"},
		{lambda, 0, theta, 3, "handling rate"},
		{lambda, -mu, theta, 3, "handling rate"},
		{lambda, math.Inf(1), theta, 3, "handling rate"},
		{lambda, math.NaN(), theta, 3, "handling rate"},
		{lambda, mu, -theta, 3, "abandonment rate"},
		{lambda, mu, math.NaN(), 3, "abandonment rate"},
		{lambda, mu, math.Inf(1), 3, "abandonment rate"},
		{lambda, mu, theta, -1, "operators"},
	} {
		if _, err := Solve(bad.lambda, bad.mu, bad.theta, bad.n); err == nil || !strings.Contains(err.Error(), bad.name) {
			t.Errorf("Solve(%v, %v, %v, %d) = %v; want an error naming the %s", bad.lambda, bad.mu, bad.theta, bad.n, err, bad.name)
		}
		if got := ServiceLevel(bad.lambda, bad.mu, bad.theta, bad.n, 20); !math.IsNaN(got) {
			t.Errorf("ServiceLevel(%v, %v, %v, %d) = %v, want NaN", bad.lambda, bad.mu, bad.theta, bad.n, got)
		}
	}
	// A patience of ten thousand years next to a queue beyond capacity.
	if _, err := Solve(lambda, mu, 1e-12, 5); !errors.Is(err, ErrTooManyStates) {
		t.Errorf("an endless queue: %v, want ErrTooManyStates", err)
	}
}

func TestRequiredRefusesBadInput(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	lambda, mu, theta := 10.0/180, 1.0/180, 1.0/120
	for _, tc := range []struct {
		in   [6]float64 // λ, μ, θ, target, t, maxOccupancy
		name string
	}{
		{[6]float64{-1, mu, theta, 0.8, 20, 1}, "arrival rate"},
		{[6]float64{nan, mu, theta, 0.8, 20, 1}, "arrival rate"},
		{[6]float64{inf, mu, theta, 0.8, 20, 1}, "arrival rate"},
		{[6]float64{lambda, 0, theta, 0.8, 20, 1}, "handling rate"},
		{[6]float64{lambda, nan, theta, 0.8, 20, 1}, "handling rate"},
		{[6]float64{lambda, mu, -1, 0.8, 20, 1}, "abandonment rate"},
		{[6]float64{lambda, mu, nan, 0.8, 20, 1}, "abandonment rate"},
		{[6]float64{lambda, mu, theta, 80, 20, 1}, "target"},
		{[6]float64{lambda, mu, theta, nan, 20, 1}, "target"},
		{[6]float64{lambda, mu, theta, 0.8, -1, 1}, "threshold"},
		{[6]float64{lambda, mu, theta, 0.8, inf, 1}, "threshold"},
		{[6]float64{lambda, mu, theta, 0.8, 20, 85}, "occupancy"},
		{[6]float64{lambda, mu, theta, 0.8, 20, nan}, "occupancy"},
		{[6]float64{MaxTraffic * 2 * mu, mu, theta, 0.8, 20, 1}, "traffic"},
	} {
		n, err := Required(tc.in[0], tc.in[1], tc.in[2], tc.in[3], tc.in[4], tc.in[5])
		if err == nil || n != 0 || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("Required%v = %d, %v; want an error naming the %s", tc.in, n, err, tc.name)
		}
	}
	if n, err := Required(0, mu, theta, 0.8, 20, 0.85); err != nil || n != 0 {
		t.Errorf("no traffic: %d, %v; want 0 operators", n, err)
	}
	if _, err := Required(lambda, mu, theta, 0.8, 20, 1e-300); !errors.Is(err, ErrUnreachable) {
		t.Errorf("a vanishing occupancy cap: %v, want ErrUnreachable", err)
	}
	if _, err := Required(lambda, mu, 1e-12, 0.8, 20, 1); !errors.Is(err, ErrTooManyStates) {
		t.Errorf("a patience of ten thousand years: %v, want ErrTooManyStates", err)
	}
}

// The reference case with callers of two minutes' patience, and the
// occupancy cap: both found and minimal, and Erlang A below Erlang C's 14.
func TestRequiredReference(t *testing.T) {
	lambda, mu, theta := 100.0/1800, 1.0/180, 1.0/120
	n, err := Required(lambda, mu, theta, 0.8, 20, 1)
	if err != nil || n >= 14 {
		t.Fatalf("Required = %d, %v; want fewer than Erlang C's 14", n, err)
	}
	checkMinimal(t, n, lambda, mu, theta, 20, 0.8, 1)
	capped, err := Required(lambda, mu, theta, 0.8, 20, 0.6)
	if err != nil || capped <= n {
		t.Fatalf("with occupancy at most 0.6: %d, %v; want more than %d", capped, err, n)
	}
	checkMinimal(t, capped, lambda, mu, theta, 20, 0.8, 0.6)
	for _, tc := range [][6]float64{
		{10 * mu, mu, theta, 1, 0, 1}, // everyone answered at once
		{0.001 * mu, mu, theta, 0.99, 20, 1},
		{5000 * mu, mu, theta, 0.95, 20, 0.9},
		{200 * mu, mu, 1.0 / 3600, 0.8, 20, 0}, // no cap
		{200 * mu, mu, theta, 0, 20, 1},        // no target: one operator
	} {
		n, err := Required(tc[0], tc[1], tc[2], tc[3], tc[4], tc[5])
		if err != nil {
			t.Errorf("%v: %v", tc, err)
			continue
		}
		occ := tc[5]
		if occ == 0 {
			occ = 1
		}
		checkMinimal(t, n, tc[0], tc[1], tc[2], tc[4], tc[3], occ)
	}
}

func TestEstimateTheta(t *testing.T) {
	// Simulated exponential patience, censored at each caller's wait (the
	// caller answered first never shows its patience): the estimate finds
	// the rate within a few percent from 20,000 callers.
	rng := rand.New(rand.NewPCG(18, 5))
	const trueTheta = 1.0 / 150
	var abandoned, twt float64
	for range 20000 {
		patience := rng.ExpFloat64() / trueTheta
		wait := rng.ExpFloat64() * 60 // when an operator would answer
		if patience < wait {
			abandoned++
			twt += patience
		} else {
			twt += wait
		}
	}
	got, ok := EstimateTheta(abandoned, twt, 5)
	if !ok || math.Abs(got-trueTheta) > 0.05*trueTheta {
		t.Errorf("estimate %v (ok %v) for a true rate %v", got, ok, trueTheta)
	}
	if got, ok := EstimateTheta(6, 900, 5); !ok || got != 6.0/900 {
		t.Errorf("6 abandoned in 900 s of waiting: %v, %v; want %v", got, ok, 6.0/900)
	}
	for _, tc := range []struct {
		abandoned, twt float64
		min            int
	}{
		{4, 900, 5}, {0, 900, 0}, {6, 0, 5}, {6, -1, 5}, {-1, 900, 0},
		{math.NaN(), 900, 5}, {6, math.NaN(), 5}, {math.Inf(1), 900, 5}, {6, math.Inf(1), 5},
	} {
		if got, ok := EstimateTheta(tc.abandoned, tc.twt, tc.min); ok || got != 0 {
			t.Errorf("EstimateTheta(%v, %v, %d) = %v, %v; want no estimate", tc.abandoned, tc.twt, tc.min, got, ok)
		}
	}
}
