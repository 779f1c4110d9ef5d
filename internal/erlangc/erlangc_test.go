package erlangc

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

const bigPrec = 256

// closedForm computes Erlang B and C from the textbook sums, in big.Float,
// independently of the recursion:
//
//	B(N, A) = (A^N/N!) / Σ_{k=0..N} A^k/k!
//	C(N, A) = (A^N/N! · N/(N-A)) / (Σ_{k=0..N-1} A^k/k! + A^N/N! · N/(N-A))
//
// With factorials, each term is A^k and k! computed outright (for small N);
// otherwise each term is the previous one times A/k, which keeps loads of
// thousands of Erlangs quick.
func closedForm(n int, a float64, factorials bool) (b, c float64) {
	fa := new(big.Float).SetPrec(bigPrec).SetFloat64(a)
	term := func(k int, prev *big.Float) *big.Float {
		t := new(big.Float).SetPrec(bigPrec)
		if !factorials {
			if k == 0 {
				return t.SetInt64(1)
			}
			return t.Quo(t.Mul(prev, fa), big.NewFloat(float64(k)))
		}
		pow := new(big.Float).SetPrec(bigPrec).SetInt64(1)
		for range k {
			pow.Mul(pow, fa)
		}
		fact := new(big.Float).SetPrec(bigPrec).SetInt(new(big.Int).MulRange(1, int64(max(k, 1))))
		return t.Quo(pow, fact)
	}
	sum := new(big.Float).SetPrec(bigPrec) // Σ_{k<N}
	var t *big.Float
	for k := 0; k < n; k++ {
		t = term(k, t)
		sum.Add(sum, t)
	}
	last := term(n, t) // A^N/N!
	all := new(big.Float).SetPrec(bigPrec).Add(sum, last)
	b, _ = new(big.Float).SetPrec(bigPrec).Quo(last, all).Float64()
	if float64(n) > a {
		nf := big.NewFloat(float64(n))
		w := new(big.Float).SetPrec(bigPrec).Quo(nf, new(big.Float).SetPrec(bigPrec).Sub(nf, fa))
		w.Mul(w, last)
		den := new(big.Float).SetPrec(bigPrec).Add(sum, w)
		c, _ = new(big.Float).SetPrec(bigPrec).Quo(w, den).Float64()
	}
	return b, c
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-300)
}

func TestAgainstClosedFormWithFactorials(t *testing.T) {
	for _, a := range []float64{0.25, 0.5, 1, 2, 3.7, 5, 7.5, 10, 14.2, 20} {
		for n := 1; n <= 30; n++ {
			wb, wc := closedForm(n, a, true)
			if got := ErlangB(n, a); !near(got, wb, 1e-9) {
				t.Errorf("ErlangB(%d, %v) = %.15g, closed form %.15g", n, a, got, wb)
			}
			if float64(n) <= a {
				if got := ErlangC(n, a); got != 1 {
					t.Errorf("ErlangC(%d, %v) = %v, want 1 for an unstable queue", n, a, got)
				}
				continue
			}
			if got := ErlangC(n, a); !near(got, wc, 1e-9) {
				t.Errorf("ErlangC(%d, %v) = %.15g, closed form %.15g", n, a, got, wc)
			}
		}
	}
}

func TestLargeLoadsAgainstClosedForm(t *testing.T) {
	for _, tc := range []struct {
		a  float64
		ns []int
	}{
		{1000, []int{1001, 1010, 1030, 1060, 1100}},
		{5000, []int{5001, 5030, 5070, 5150}},
	} {
		for _, n := range tc.ns {
			wb, wc := closedForm(n, tc.a, false)
			gb, gc := ErlangB(n, tc.a), ErlangC(n, tc.a)
			if !near(gb, wb, 1e-9) || !near(gc, wc, 1e-9) {
				t.Errorf("A=%v N=%d: B %.15g C %.15g, closed form B %.15g C %.15g", tc.a, n, gb, gc, wb, wc)
			}
			if !(gc > 0 && gc < 1) {
				t.Errorf("A=%v N=%d: C = %v, want a probability strictly inside (0, 1)", tc.a, n, gc)
			}
		}
	}
}

// Values with a known closed form or from the classic tables.
func TestPublishedValues(t *testing.T) {
	for _, a := range []float64{0.1, 0.5, 0.9} {
		// One server: B = A/(1+A) (a recursion that stops one step short
		// gives 1), and the M/M/1 wait probability is the load.
		if got := ErlangB(1, a); !near(got, a/(1+a), 1e-12) {
			t.Errorf("ErlangB(1, %v) = %v, want %v", a, got, a/(1+a))
		}
		if got := ErlangC(1, a); !near(got, a, 1e-12) {
			t.Errorf("ErlangC(1, %v) = %v, want %v", a, got, a)
		}
	}
	for _, a := range []float64{0.5, 1, 1.5} { // M/M/2: C = A²/(2+A)
		if got := ErlangC(2, a); !near(got, a*a/(2+a), 1e-12) {
			t.Errorf("ErlangC(2, %v) = %v, want %v", a, got, a*a/(2+a))
		}
	}
	// Erlang B table: 10 trunks at 5 Erlangs block 1.84% of calls.
	if got := ErlangB(10, 5); math.Round(got*1e4)/1e4 != 0.0184 {
		t.Errorf("ErlangB(10, 5) = %v, want 0.0184", got)
	}
	if ErlangB(0, 3) != 1 || ErlangB(5, 0) != 0 || ErlangC(5, 0) != 0 {
		t.Error("B(0, A) must be 1, and no traffic never blocks or waits")
	}
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// The reference case: 100 calls in 30 minutes with a 180 s handling time
// is 10 Erlangs; 80% of calls to be answered within 20 s.
func TestReferenceTenErlangs(t *testing.T) {
	a := 100.0 * 180 / 1800
	if got := round4(ServiceLevel(13, a, 180, 20)); got != 0.7956 {
		t.Errorf("13 agents: service level %v, want 0.7956", got)
	}
	if got := round4(ServiceLevel(14, a, 180, 20)); got != 0.8884 {
		t.Errorf("14 agents: service level %v, want 0.8884", got)
	}
	if n, err := RequiredAgents(a, 180, 20, 0.8, 1); err != nil || n != 14 {
		t.Errorf("RequiredAgents = %d, %v; want 14", n, err)
	}
}

func TestReferenceHundredErlangs(t *testing.T) {
	if n, err := RequiredAgents(100, 180, 20, 0.8, 0); err != nil || n != 107 {
		t.Errorf("without an occupancy cap: %d, %v; want 107", n, err)
	}
	if n, err := RequiredAgents(100, 180, 20, 0.8, 1); err != nil || n != 107 {
		t.Errorf("with a cap of 1: %d, %v; want 107", n, err)
	}
	if n, err := RequiredAgents(100, 180, 20, 0.8, 0.85); err != nil || n != 118 {
		t.Errorf("with occupancy at most 0.85: %d, %v; want 118", n, err)
	}
}

func TestServiceLevelEdges(t *testing.T) {
	if ServiceLevel(10, 10, 180, 20) != 0 || ServiceLevel(5, 10, 180, 20) != 0 {
		t.Error("n <= a must give a service level of 0")
	}
	if got := ServiceLevel(3, 0, 180, 20); got != 1 {
		t.Errorf("no traffic: service level %v, want 1", got)
	}
	if got, want := ServiceLevel(14, 10, 180, 0), 1-ErlangC(14, 10); got != want {
		t.Errorf("t = 0: %v, want 1 - C = %v", got, want)
	}
	for _, bad := range [][4]float64{
		{14, -1, 180, 20}, {14, math.NaN(), 180, 20}, {14, 10, 0, 20}, {14, 10, -5, 20},
		{14, 10, math.Inf(1), 20}, {14, 10, math.NaN(), 20}, {14, 10, 180, -1}, {14, 10, 180, math.NaN()}, {-1, 10, 180, 20},
	} {
		if got := ServiceLevel(int(bad[0]), bad[1], bad[2], bad[3]); !math.IsNaN(got) {
			t.Errorf("ServiceLevel%v = %v, want NaN", bad, got)
		}
	}
	for _, bad := range []struct {
		n int
		a float64
	}{{-1, 1}, {3, -1}, {3, math.NaN()}} {
		if !math.IsNaN(ErlangB(bad.n, bad.a)) || !math.IsNaN(ErlangC(bad.n, bad.a)) {
			t.Errorf("B/C(%d, %v) not NaN", bad.n, bad.a)
		}
	}
	if ErlangB(3, math.Inf(1)) != 1 || ErlangC(3, math.Inf(1)) != 1 {
		t.Error("an infinite load must block and queue every call")
	}
}

func TestRequiredAgentsRefusesBadInput(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		in   [5]float64
		name string
	}{
		{[5]float64{-1, 180, 20, 0.8, 1}, "traffic"},
		{[5]float64{nan, 180, 20, 0.8, 1}, "traffic"},
		{[5]float64{inf, 180, 20, 0.8, 1}, "traffic"},
		{[5]float64{MaxTraffic * 2, 180, 20, 0.8, 1}, "traffic"},
		{[5]float64{10, 0, 20, 0.8, 1}, "handling time"},
		{[5]float64{10, -180, 20, 0.8, 1}, "handling time"},
		{[5]float64{10, nan, 20, 0.8, 1}, "handling time"},
		{[5]float64{10, inf, 20, 0.8, 1}, "handling time"},
		{[5]float64{10, 180, -1, 0.8, 1}, "threshold"},
		{[5]float64{10, 180, nan, 0.8, 1}, "threshold"},
		{[5]float64{10, 180, inf, 0.8, 1}, "threshold"},
		{[5]float64{10, 180, 20, 80, 1}, "target"},
		{[5]float64{10, 180, 20, -0.1, 1}, "target"},
		{[5]float64{10, 180, 20, nan, 1}, "target"},
		{[5]float64{10, 180, 20, 0.8, 85}, "occupancy"},
		{[5]float64{10, 180, 20, 0.8, -0.5}, "occupancy"},
		{[5]float64{10, 180, 20, 0.8, nan}, "occupancy"},
	} {
		n, err := RequiredAgents(tc.in[0], tc.in[1], tc.in[2], tc.in[3], tc.in[4])
		if err == nil || n != 0 || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("RequiredAgents%v = %d, %v; want an error naming the %s", tc.in, n, err, tc.name)
		}
	}
	if n, err := RequiredAgents(0, 180, 20, 0.8, 0.85); err != nil || n != 0 {
		t.Errorf("no traffic: %d, %v; want 0 agents", n, err)
	}
	if _, err := RequiredAgents(10, 180, 20, 0.8, 1e-300); !errors.Is(err, ErrUnreachable) {
		t.Errorf("a vanishing occupancy cap: %v, want ErrUnreachable", err)
	}
}

func TestRequiredAgentsExtremesTerminate(t *testing.T) {
	// The hardest target there is, and the largest load allowed: both end
	// with an answer that meets them.
	for _, tc := range [][5]float64{
		{10, 180, 0, 1, 1},
		{0.001, 180, 20, 0.99, 1},
		{MaxTraffic, 180, 20, 0.8, 0.9},
		{5000, 180, 20, 0.95, 1},
	} {
		n, err := RequiredAgents(tc[0], tc[1], tc[2], tc[3], tc[4])
		if err != nil {
			t.Errorf("%v: %v", tc, err)
			continue
		}
		if float64(n) <= tc[0] || ServiceLevel(n, tc[0], tc[1], tc[2]) < tc[3] || tc[0]/float64(n) > tc[4] {
			t.Errorf("%v: %d agents do not meet the target", tc, n)
		}
	}
}

// checkMinimal checks that n meets the target and the cap and that n-1
// does not.
func checkMinimal(t *testing.T, n int, a, aht, th, target, occ float64) {
	t.Helper()
	if float64(n) <= a || ServiceLevel(n, a, aht, th) < target || a/float64(n) > occ {
		t.Errorf("A=%v AHT=%v t=%v target=%v occ=%v: %d agents give SL %v, occupancy %v",
			a, aht, th, target, occ, n, ServiceLevel(n, a, aht, th), a/float64(n))
	}
	m := n - 1
	if float64(m) > a && ServiceLevel(m, a, aht, th) >= target && a/float64(m) <= occ {
		t.Errorf("A=%v AHT=%v t=%v target=%v occ=%v: %d agents are not the fewest, %d suffice", a, aht, th, target, occ, n, m)
	}
}

func TestRequiredAgentsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261201, 1))
	for range 60 {
		aht := 30 + rng.Float64()*570
		th := rng.Float64() * 120
		target := 0.5 + rng.Float64()*0.49
		occ := 0.6 + rng.Float64()*0.4
		// An increasing sequence of loads, log-uniform from 0.01 to 2000.
		prev, a := 0, 0.01
		for a < 2000 {
			n, err := RequiredAgents(a, aht, th, target, occ)
			if err != nil {
				t.Fatalf("A=%v: %v", a, err)
			}
			if n < prev {
				t.Errorf("AHT=%v t=%v target=%v occ=%v: A=%v needs %d agents, fewer than %d for a smaller load", aht, th, target, occ, a, n, prev)
			}
			checkMinimal(t, n, a, aht, th, target, occ)
			prev = n
			a *= 1 + rng.Float64()*0.5
		}
	}
}

func BenchmarkRequiredAgents1000(b *testing.B) {
	for b.Loop() {
		if _, err := RequiredAgents(1000, 180, 20, 0.8, 0.9); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkErlangC1000(b *testing.B) {
	for b.Loop() {
		ErlangC(1030, 1000)
	}
}
