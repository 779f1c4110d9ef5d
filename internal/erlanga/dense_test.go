package erlanga

import (
	"math"
	"testing"
)

// denseStationary solves πQ = 0, Σπ = 1 for the M/M/N+M chain truncated at
// state k (no arrivals there), by Gaussian elimination with partial
// pivoting on the full generator: nothing of the birth–death structure or
// of the log-space recursion that Solve uses.
func denseStationary(lambda, mu, theta float64, n, k int) []float64 {
	size := k + 1
	death := func(s int) float64 { return float64(min(s, n))*mu + float64(max(s-n, 0))*theta }
	// Rows of the system are the balance equations Σ_s π_s Q[s][r] = 0,
	// i.e. the transposed generator; the last is replaced by Σπ = 1.
	m := make([][]float64, size)
	for r := range m {
		m[r] = make([]float64, size+1)
	}
	for s := 0; s < size; s++ {
		out := 0.0
		if s < k {
			m[s+1][s] += lambda // Q[s][s+1], in the row of state s+1
			out += lambda
		}
		if s > 0 {
			m[s-1][s] += death(s)
			out += death(s)
		}
		m[s][s] -= out
	}
	for c := range size {
		m[size-1][c] = 1
	}
	m[size-1][size] = 1
	for c := range size {
		p := c
		for r := c + 1; r < size; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < size; r++ {
			f := m[r][c] / m[c][c]
			if f == 0 {
				continue
			}
			for j := c; j <= size; j++ {
				m[r][j] -= f * m[c][j]
			}
		}
	}
	pi := make([]float64, size)
	for r := size - 1; r >= 0; r-- {
		v := m[r][size]
		for j := r + 1; j < size; j++ {
			v -= m[r][j] * pi[j]
		}
		pi[r] = v / m[r][r]
	}
	return pi
}

// uniformizedAnswered is, for a caller who arrives to find each state of
// pi, the probability of being answered within t: those finding a free
// operator at once, the others by uniformization of the waiting caller's
// own chain (i callers ahead; served after the head leaves with none
// ahead; gone if it hangs up), stepped forward from the distribution of
// positions the arrivals see. It uses neither the telescoped product nor
// the negative binomial of ServiceLevel.
func uniformizedAnswered(pi []float64, mu, theta float64, n int, t float64) (answered, abandoned float64) {
	nmu := float64(n) * mu
	var waiting []float64 // waiting[i]: mass with i callers ahead
	for s, p := range pi {
		if s < n {
			answered += p
		} else {
			waiting = append(waiting, p)
		}
	}
	rate := nmu + float64(len(waiting))*theta // the largest exit rate
	// Uniformization: over each slice of time the state after a
	// Poisson(rate·dt) number of steps of P = I + Q/rate, the answered
	// callers an absorbing state of their own. Slices keep rate·dt small
	// enough for e^{−rate·dt} not to underflow.
	cur := append([]float64(nil), waiting...)
	var served float64
	slices := math.Ceil(rate * t / 50)
	for range int(slices) {
		cur, served = uniformize(cur, served, nmu, theta, rate, rate*t/slices)
	}
	answered += served

	// Abandonment: the chance of hanging up from i ahead, step by step
	// down the queue (h_i = θ/r_i + (1−θ/r_i)·h_{i−1}).
	h := 0.0
	for i, p := range waiting {
		r := nmu + float64(i+1)*theta
		h = theta/r + (1-theta/r)*h
		abandoned += p * h
	}
	return answered, abandoned
}

func TestAgainstDenseChain(t *testing.T) {
	for _, tc := range []struct {
		lambda, aht, patience float64
		n                     int
	}{
		{1.0 / 60, 180, 120, 1},  // M/M/1+M at 3 Erlangs: most callers wait
		{1.0 / 400, 180, 300, 1}, // M/M/1+M at 0.45 Erlangs
		{1.0 / 30, 60, 30, 1},    // one operator, impatient callers
		{1.0 / 20, 180, 200, 5},  // 9 Erlangs on 5
		{1.0 / 20, 180, 60, 9},   // 9 Erlangs on 9
		{1.0 / 20, 180, 600, 12}, // 9 Erlangs on 12, patient callers
		{0.2, 60, 45, 10},        // 12 Erlangs on 10
		{0.05, 600, 400, 40},     // 30 Erlangs on 40: almost nobody waits
	} {
		mu, theta := 1/tc.aht, 1/tc.patience
		q, err := Solve(tc.lambda, mu, theta, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		// Truncate the dense chain far past Solve's: its tail is
		// negligible there too.
		pi := denseStationary(tc.lambda, mu, theta, tc.n, q.States()+60)
		for _, th := range []float64{0, 5, 20, 60, 300} {
			wantSL, wantAb := uniformizedAnswered(pi, mu, theta, tc.n, th)
			if got := q.ServiceLevel(th); math.Abs(got-wantSL) > 1e-9 {
				t.Errorf("λ=%v AHT=%v patience=%v N=%d t=%v: service level %.12f, dense chain %.12f",
					tc.lambda, tc.aht, tc.patience, tc.n, th, got, wantSL)
			}
			if got := q.AbandonProbability(); math.Abs(got-wantAb) > 1e-9 {
				t.Errorf("λ=%v AHT=%v patience=%v N=%d: abandonment %.12f, dense chain %.12f",
					tc.lambda, tc.aht, tc.patience, tc.n, got, wantAb)
			}
		}
		wait := 0.0
		for _, p := range pi[tc.n:] {
			wait += p
		}
		if got := q.WaitProbability(); math.Abs(got-wait) > 1e-9 {
			t.Errorf("λ=%v N=%d: wait probability %v, dense chain %v", tc.lambda, tc.n, got, wait)
		}
	}
}

// The M/M/1+M queue in closed form: with one operator the stationary
// weights of n callers are λ^k/(μ·Π_{i<k}(μ+iθ)), and a caller finding the
// operator busy with nobody waiting is answered within t with probability
// μ/(μ+θ)·(1 − e^{−(μ+θ)t}).
func TestSingleOperatorClosedForm(t *testing.T) {
	lambda, mu, theta := 1.0/100, 1.0/180, 1.0/90
	q, err := Solve(lambda, mu, theta, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1, lambda / mu}
	z := w[0] + w[1]
	for k := 2; k < 200; k++ {
		w = append(w, w[k-1]*lambda/(mu+float64(k-1)*theta))
		z += w[k]
	}
	if got, want := q.WaitProbability(), 1-w[0]/z; math.Abs(got-want) > 1e-12 {
		t.Errorf("wait probability %v, closed form %v", got, want)
	}
	// With t = 20 s the second in line needs two phases: check the share of
	// callers answered within t among those finding exactly one caller
	// (the busy operator) through the service level of a queue that
	// cannot hold more: compare against the first two positions only.
	const th = 20.0
	p1 := mu / (mu + theta) * (1 - math.Exp(-(mu+theta)*th))
	// Two phases, rates r0 = μ+θ and r1 = μ+2θ: the hypoexponential CDF
	// with two distinct rates, and the telescoped product μ/(μ+2θ).
	r0, r1 := mu+theta, mu+2*theta
	hypo2 := 1 - (r1*math.Exp(-r0*th)-r0*math.Exp(-r1*th))/(r1-r0)
	p2 := mu / (mu + theta) * (mu + theta) / (mu + 2*theta) * hypo2
	lower := w[0]/z + w[1]/z*p1 + w[2]/z*p2 // positions 1 and 2 only
	got := q.ServiceLevel(th)
	if got < lower || got > lower+(1-(w[0]+w[1]+w[2])/z) {
		t.Errorf("service level %v, not within [%v, %v] from the first two positions", got, lower, lower+(1-(w[0]+w[1]+w[2])/z))
	}
}

// uniformize advances the waiting caller's distribution cur (and the
// answered mass) by lt/rate seconds.
func uniformize(cur []float64, served, nmu, theta, rate, lt float64) ([]float64, float64) {
	outCur := make([]float64, len(cur))
	var outServed float64
	weight := math.Exp(-lt)
	var cdf float64
	for step := 0; cdf < 1-1e-14 && step < 100000; step++ {
		if step > 0 {
			next := make([]float64, len(cur))
			for i, p := range cur {
				fwd := (nmu + float64(i)*theta) / rate
				next[i] += p * (1 - fwd - theta/rate)
				if i == 0 {
					served += p * fwd
				} else {
					next[i-1] += p * fwd
				}
			}
			cur = next
			weight *= lt / float64(step)
		}
		cdf += weight
		outServed += weight * served
		for i, p := range cur {
			outCur[i] += weight * p
		}
	}
	return outCur, outServed
}
