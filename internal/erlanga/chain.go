package erlanga

import (
	"errors"
	"fmt"
	"math"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// tailMass is the stationary mass the truncation of the chain may leave
// out, relative to the total.
const tailMass = 1e-12

// MaxStates bounds the queue part of the chain a Solve builds (8 MiB). It
// is reached only when patience is very long next to the excess of the
// load over the operators, as the queue settles near (λ−Nμ)/θ callers: at
// 100 Erlangs with AHT 180 s and half the operators needed, a mean
// patience of about 40 days.
const MaxStates = 1 << 20

// ErrTooManyStates is returned when the chain needs more than MaxStates
// queue states for its tail to fall below 1e-12.
var ErrTooManyStates = errors.New("erlanga: queue too long to model")

// Queue is the stationary M/M/N+M queue for one arrival rate, handling
// rate, patience and number of operators. Solve builds it; its methods
// read the service level, abandonment and occupancy from it without
// solving again.
type Queue struct {
	lambda, mu, theta float64
	n                 int

	// below is the stationary probability of fewer than n callers in the
	// system; waiting[m] that of n+m (m of them waiting). Empty when no
	// caller ever waits.
	below   float64
	waiting []float64
}

// Solve computes the stationary distribution of the M/M/N+M chain with
// arrival rate lambda (calls per second), handling rate mu (1/AHT, per
// second), abandonment rate theta (1/mean patience, per second; 0 for
// callers who never hang up) and n operators. The rates must be finite,
// lambda and theta at least 0 and mu positive, and n at least 0; an error
// names the input that is not. With theta = 0 and lambda ≥ n·mu the queue
// is unstable (Erlang C): every caller waits for ever.
func Solve(lambda, mu, theta float64, n int) (*Queue, error) {
	if err := checkRates(lambda, mu, theta); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("erlanga: %d operators is not a number >= 0", n)
	}
	q := &Queue{lambda: lambda, mu: mu, theta: theta, n: n}
	if lambda == 0 || theta == 0 {
		// No traffic never waits; without abandonment the queue is
		// Erlang C's, read from its closed forms.
		q.below = 1
		return q, nil
	}
	return q, q.solve()
}

// checkRates names the rate that is not a finite number in its range.
func checkRates(lambda, mu, theta float64) error {
	switch {
	case math.IsNaN(lambda) || lambda < 0 || math.IsInf(lambda, 1):
		return fmt.Errorf("erlanga: arrival rate %v per second is not a finite number >= 0", lambda)
	case !(mu > 0) || math.IsInf(mu, 1):
		return fmt.Errorf("erlanga: handling rate %v per second (1/AHT) is not a positive finite number", mu)
	case math.IsNaN(theta) || theta < 0 || math.IsInf(theta, 1):
		return fmt.Errorf("erlanga: abandonment rate %v per second (1/patience) is not a finite number >= 0", theta)
	}
	return nil
}

// solve fills below and waiting for theta > 0. The weights are relative to
// state n: below n they are (1/B − 1) in total, B the Erlang B blocking of
// n operators (the states 0…n hold the truncated Poisson distribution);
// from n on each is the previous one times λ/(nμ + mθ).
func (q *Queue) solve() error {
	a := q.lambda / q.mu
	logBelow := math.Inf(-1) // log of the weight of the states below n
	if b := erlangc.ErlangB(q.n, a); b < 1 {
		logBelow = math.Log1p(-b) - math.Log(b) // +Inf when b underflows: no caller waits
	}
	if math.IsInf(logBelow, 1) {
		q.below = 1
		return nil
	}

	// First pass: log weights of the queue states, with a running maximum
	// and the sum scaled to it, until the tail bound is met.
	nmu := float64(q.n) * q.mu
	logLambda := math.Log(q.lambda)
	logs := make([]float64, 1, 64)
	top := max(logBelow, 0)
	sum := math.Exp(logBelow-top) + math.Exp(-top)
	for m := 1; ; m++ {
		death := nmu + float64(m)*q.theta
		if r := q.lambda / death; r < 1 {
			// Every later ratio is smaller still: the mass beyond m−1 is
			// at most w(m−1)·r/(1−r).
			if logs[m-1]+math.Log(r/(1-r)) < top+math.Log(sum)+math.Log(tailMass) {
				break
			}
		}
		if m >= MaxStates {
			return fmt.Errorf("%w: %v calls/s, AHT %v s, patience %v s and %d operators need more than %d queue states",
				ErrTooManyStates, q.lambda, 1/q.mu, 1/q.theta, q.n, MaxStates)
		}
		lw := logs[m-1] + logLambda - math.Log(death)
		logs = append(logs, lw)
		if lw > top {
			sum *= math.Exp(top - lw)
			top = lw
		}
		sum += math.Exp(lw - top)
	}

	// Second pass: normalize.
	logZ := top + math.Log(sum)
	q.below = math.Exp(logBelow - logZ)
	q.waiting = logs
	for m, lw := range logs {
		q.waiting[m] = math.Exp(lw - logZ)
	}
	return nil
}

// States is the number of states of the truncated chain, 0…K.
func (q *Queue) States() int { return q.n + max(len(q.waiting), 1) }

// unstable reports an Erlang C queue (no abandonment) whose load is at or
// beyond its operators' capacity.
func (q *Queue) unstable() bool {
	return q.theta == 0 && q.lambda > 0 && float64(q.n) <= q.lambda/q.mu // as erlangc decides it
}

// WaitProbability is the probability that a caller finds every operator
// busy and has to wait.
func (q *Queue) WaitProbability() float64 {
	if q.theta == 0 && q.lambda > 0 {
		return erlangc.ErlangC(q.n, q.lambda/q.mu)
	}
	return 1 - q.below
}

// AbandonProbability is the share of offered calls whose callers hang up
// before they are answered: θ·E[callers waiting]/λ. It is 0 without
// traffic or without abandonment.
func (q *Queue) AbandonProbability() float64 {
	if q.theta == 0 || q.lambda == 0 {
		return 0
	}
	var lq float64
	for m, p := range q.waiting {
		lq += float64(m) * p
	}
	return min(q.theta*lq/q.lambda, 1)
}

// Occupancy is the share of the operators' time spent on calls: the
// answered load λ·(1 − P(abandon)) over the capacity n·μ. It is 1 for an
// unstable Erlang C queue (the operators never rest) and when there is no
// operator at all but traffic.
func (q *Queue) Occupancy() float64 {
	switch {
	case q.lambda == 0:
		return 0
	case q.n == 0 || q.unstable():
		return 1
	}
	return min(q.lambda*(1-q.AbandonProbability())/(float64(q.n)*q.mu), 1)
}
