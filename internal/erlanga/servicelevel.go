package erlanga

import (
	"math"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// ServiceLevel is the share of all offered calls answered within t
// seconds: those answered at once plus those who wait, reach an operator
// by t and have not hung up by then (the package comment derives it). It
// is NaN for a negative or NaN t.
func (q *Queue) ServiceLevel(t float64) float64 {
	switch {
	case math.IsNaN(t) || t < 0:
		return math.NaN()
	case q.lambda == 0:
		return 1
	case q.theta == 0:
		if q.unstable() {
			return 0
		}
		return erlangc.ServiceLevel(q.n, q.lambda/q.mu, 1/q.mu, t)
	}
	sl := q.below
	if t == 0 || q.n == 0 {
		return sl
	}
	nmu := float64(q.n) * q.mu
	if math.IsInf(t, 1) {
		// Everyone who does not hang up is answered in the end.
		for m, p := range q.waiting {
			sl += p * nmu / (nmu + float64(m+1)*q.theta)
		}
		return min(sl, 1)
	}

	// The caller at position j = m+1 is answered within t with probability
	// nμ/(nμ+jθ) · (1 − Σ_{k<j} T_k), T_k the negative binomial terms of
	// the package comment, here in logs: T_0 = (1−x)^b = e^{−(nμ+θ)t} and
	// T_k = T_{k−1} · x·(b+k−1)/k.
	b := nmu/q.theta + 1
	logX := math.Log(-math.Expm1(-q.theta * t))
	logT := -(nmu + q.theta) * t
	var partial float64 // Σ_{k<j} T_k
	for m, p := range q.waiting {
		k := float64(m) // the term added for j = m+1 is T_m
		if m > 0 {
			logT += logX + math.Log((b+k-1)/k)
		}
		partial += math.Exp(logT)
		if partial >= 1 {
			break // every later caller waits longer than t (to rounding)
		}
		sl += p * nmu / (nmu + (k+1)*q.theta) * (1 - partial)
	}
	return min(sl, 1)
}
