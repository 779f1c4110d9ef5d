// Package erlangc estimates contact-centre staffing with the Erlang C
// queueing model (M/M/N: Poisson arrivals, exponential handling times,
// callers who wait and never abandon).
//
// It is written here rather than imported because no maintained Go library
// offers it, and the one public Go port found has an off-by-one in its
// Erlang B recursion (it stops one server short), which understates the
// agents needed. The formulas are few, and the tests hold them to the
// closed forms computed independently in big.Float.
//
// Everything is computed in float64 through the Erlang B recursion
// B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)), whose terms stay in [0, 1]:
// unlike the textbook form with A^N/N!, it neither overflows nor loses
// precision at thousands of Erlangs.
package erlangc

import (
	"errors"
	"fmt"
	"math"
)

// MaxTraffic is the largest offered load, in Erlangs, RequiredAgents takes.
// It is far beyond any contact centre and keeps the search's cost bounded
// (the work grows linearly with the load).
const MaxTraffic = 1e6

// maxAgents bounds the staffing an occupancy cap may ask for: a tiny cap
// would otherwise overflow an int.
const maxAgents = 1e9

// ErlangB is the probability that a call offered to n servers under a
// Erlangs of traffic finds them all busy, in a loss system (no queue). It is
// NaN for a negative n, or a load that is negative or NaN, and 1 for an
// infinite load.
func ErlangB(n int, a float64) float64 {
	switch {
	case n < 0 || math.IsNaN(a) || a < 0:
		return math.NaN()
	case math.IsInf(a, 1):
		return 1
	}
	return erlangBFrom(1, 0, n, a)
}

// erlangBFrom continues the recursion from B(k) = b to B(n).
func erlangBFrom(b float64, k, n int, a float64) float64 {
	for k < n {
		k++
		ab := a * b
		b = ab / (float64(k) + ab)
	}
	return b
}

// ErlangC is the probability that a call has to wait, with n agents and a
// Erlangs of offered traffic. When n <= a the queue grows without bound and
// every call waits: the result is 1. It is NaN for the inputs ErlangB
// refuses.
func ErlangC(n int, a float64) float64 {
	b := ErlangB(n, a)
	if math.IsNaN(b) {
		return b
	}
	return erlangCFromB(n, a, b)
}

func erlangCFromB(n int, a, b float64) float64 {
	if float64(n) <= a {
		return 1
	}
	nf := float64(n)
	return nf * b / (nf - a*(1-b))
}

// ServiceLevel is the fraction of calls answered within t seconds, with n
// agents, a Erlangs of offered traffic and an average handling time of aht
// seconds: 1 - C(n, a)·exp(-(n-a)·t/aht). It is 0 when n <= a (the queue
// is unstable) and NaN for a negative or NaN load, a handling time that is
// not positive and finite, or a negative or NaN t.
func ServiceLevel(n int, a, aht, t float64) float64 {
	if n < 0 || math.IsNaN(a) || a < 0 || !(aht > 0) || math.IsInf(aht, 1) || math.IsNaN(t) || t < 0 {
		return math.NaN()
	}
	if float64(n) <= a {
		return 0
	}
	return serviceLevelFromC(n, a, aht, t, ErlangC(n, a))
}

func serviceLevelFromC(n int, a, aht, t, c float64) float64 {
	return 1 - c*math.Exp(-(float64(n)-a)*t/aht)
}

// ErrUnreachable is returned when no staffing within the search bound meets
// the target (a target of 1 with t = 0 needs an unbounded number of agents
// in theory; in float64 it is reached, but the bound may come first).
var ErrUnreachable = errors.New("erlangc: service-level target not reachable within the search bound")

// CheckGoal validates a staffing goal, the same for every model: an
// answer-time threshold t in seconds (finite, >= 0), a service-level target
// (a fraction in [0, 1]) and a maximum occupancy (a fraction in [0, 1], 0
// for no cap). The error names the input that is out of range.
func CheckGoal(t, target, maxOccupancy float64) error {
	switch {
	case math.IsNaN(t) || t < 0 || math.IsInf(t, 1):
		return fmt.Errorf("answer-time threshold %v s is not a number >= 0", t)
	case math.IsNaN(target) || target < 0 || target > 1:
		return fmt.Errorf("service-level target %v is not a fraction in [0, 1]", target)
	case math.IsNaN(maxOccupancy) || maxOccupancy < 0 || maxOccupancy > 1:
		return fmt.Errorf("maximum occupancy %v is not a fraction in (0, 1] (0 for no cap)", maxOccupancy)
	}
	return nil
}

// RequiredAgents is the smallest number of agents n > a such that at least
// target of the calls are answered within t seconds and the occupancy a/n
// is at most maxOccupancy, for a Erlangs of offered traffic with an average
// handling time of aht seconds. It is 0 when a is 0: no traffic needs no
// agent.
//
// target is a fraction in [0, 1]; maxOccupancy is in (0, 1], where 0 means
// no cap (the same as 1). Inputs out of range, NaN or infinite are an error
// that names the input; so is a load over MaxTraffic. The search is bounded
// (a + 50·√a + 1000 agents for the service level, 10^9 for the occupancy
// cap) and returns an error wrapping ErrUnreachable past it: it never loops
// without end.
func RequiredAgents(a, aht, t, target, maxOccupancy float64) (int, error) {
	switch {
	case math.IsNaN(a) || a < 0 || a > MaxTraffic:
		return 0, fmt.Errorf("erlangc: offered traffic %v Erlangs is not in [0, %g]", a, MaxTraffic)
	case !(aht > 0) || math.IsInf(aht, 1):
		return 0, fmt.Errorf("erlangc: average handling time %v s is not a positive number", aht)
	}
	if err := CheckGoal(t, target, maxOccupancy); err != nil {
		return 0, fmt.Errorf("erlangc: %w", err)
	}
	if a == 0 {
		return 0, nil
	}
	if maxOccupancy == 0 {
		maxOccupancy = 1
	}

	first := int(math.Floor(a)) + 1 // the smallest n > a
	limit := first + int(50*math.Ceil(math.Sqrt(a))) + 1000

	// Occupancy alone: the smallest n with a/n <= maxOccupancy, found by
	// the division and then corrected for its rounding.
	if a/maxOccupancy > maxAgents {
		return 0, fmt.Errorf("%w: occupancy at most %v at %v Erlangs needs more than %d agents",
			ErrUnreachable, maxOccupancy, a, int(maxAgents))
	}
	occ := max(first, int(math.Ceil(a/maxOccupancy)))
	for occ > first && a/float64(occ-1) <= maxOccupancy {
		occ--
	}
	for a/float64(occ) > maxOccupancy {
		occ++
	}

	// Service level alone: walk n up from first, carrying the Erlang B
	// recursion along so that each step costs O(1). Both conditions only
	// get easier as n grows, so the answer is the larger of the two minima.
	b := erlangBFrom(1, 0, first, a)
	for n := first; n <= limit; n++ {
		if n > first {
			b = erlangBFrom(b, n-1, n, a)
		}
		if serviceLevelFromC(n, a, aht, t, erlangCFromB(n, a, b)) >= target {
			return max(n, occ), nil
		}
	}
	return 0, fmt.Errorf("%w: %v Erlangs, %.0f%% in %v s with AHT %v s needs more than %d agents",
		ErrUnreachable, a, target*100, t, aht, limit)
}
