package erlanga

import (
	"errors"
	"fmt"
	"math"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// MaxTraffic is the largest offered load, in Erlangs, Required takes. Each
// candidate staffing solves a chain of at least as many states as
// operators, so the bound keeps a search within tens of milliseconds.
const MaxTraffic = 1e5

// maxOperators bounds the staffing an occupancy cap may ask for.
const maxOperators = 1e7

// ErrUnreachable is returned when no staffing within the search bound meets
// the target.
var ErrUnreachable = errors.New("erlanga: service-level target not reachable within the search bound")

// ServiceLevel is the share of offered calls answered within t seconds
// with n operators, for arrival rate lambda, handling rate mu and
// abandonment rate theta (all per second). It is NaN for inputs Solve
// refuses, for a negative or NaN t, and when the chain is too long to
// solve.
func ServiceLevel(lambda, mu, theta float64, n int, t float64) float64 {
	q, err := Solve(lambda, mu, theta, n)
	if err != nil {
		return math.NaN()
	}
	return q.ServiceLevel(t)
}

// AbandonProbability is the share of offered calls whose callers hang up
// before they are answered, NaN where ServiceLevel is.
func AbandonProbability(lambda, mu, theta float64, n int) float64 {
	q, err := Solve(lambda, mu, theta, n)
	if err != nil {
		return math.NaN()
	}
	return q.AbandonProbability()
}

// Occupancy is the share of the operators' time spent on calls, NaN where
// ServiceLevel is.
func Occupancy(lambda, mu, theta float64, n int) float64 {
	q, err := Solve(lambda, mu, theta, n)
	if err != nil {
		return math.NaN()
	}
	return q.Occupancy()
}

// Required is the fewest operators n ≥ 1 such that at least target of the
// offered calls are answered within t seconds and the occupancy is at
// most maxOccupancy, for arrival rate lambda, handling rate mu and
// abandonment rate theta (per second). It is 0 when lambda is 0: no
// traffic needs no operator. With theta = 0 it is erlangc.RequiredAgents.
//
// target is a fraction in [0, 1]; maxOccupancy is in (0, 1], where 0 means
// no cap (the same as 1). Inputs out of range, NaN or infinite are an error
// that names the input; so is a load λ/μ over MaxTraffic. The search is
// bounded and returns an error wrapping ErrUnreachable past it: it never
// loops without end. A patience so long next to the load that a staffing
// the search tries needs more than MaxStates queue states (years at tens
// of Erlangs) is an error wrapping ErrTooManyStates: Erlang C is the model
// for such callers.
//
// The service level grows and the occupancy falls with n (the tests check
// both), so the search brackets the answer by doubling and then bisects:
// about 2·log2(n) solves.
func Required(lambda, mu, theta, target, t, maxOccupancy float64) (int, error) {
	if err := checkRates(lambda, mu, theta); err != nil {
		return 0, err
	}
	if err := erlangc.CheckGoal(t, target, maxOccupancy); err != nil {
		return 0, fmt.Errorf("erlanga: %w", err)
	}
	if lambda/mu > MaxTraffic {
		return 0, fmt.Errorf("erlanga: offered traffic %v Erlangs is over %g", lambda/mu, float64(MaxTraffic))
	}
	if lambda == 0 {
		return 0, nil
	}
	if theta == 0 {
		n, err := erlangc.RequiredAgents(lambda/mu, 1/mu, t, target, maxOccupancy)
		if err != nil {
			return 0, fmt.Errorf("erlanga: without abandonment: %w", err)
		}
		return n, nil
	}
	if maxOccupancy == 0 {
		maxOccupancy = 1
	}
	a := lambda / mu
	if a/maxOccupancy > maxOperators {
		return 0, fmt.Errorf("%w: occupancy at most %v at %v Erlangs needs more than %d operators",
			ErrUnreachable, maxOccupancy, a, int(maxOperators))
	}
	meets := func(n int) (bool, error) {
		q, err := Solve(lambda, mu, theta, n)
		if err != nil {
			return false, err
		}
		return q.ServiceLevel(t) >= target && q.Occupancy() <= maxOccupancy, nil
	}

	// No more than n·μ calls a second are answered, so fewer than
	// target·a operators cannot answer target of the calls: start there.
	lo := max(int(math.Floor(target*a)), 1) // a candidate, not known to meet
	limit := int(math.Ceil(a/maxOccupancy)) + int(50*math.Ceil(math.Sqrt(a))) + 1000
	hi := lo
	for {
		ok, err := meets(hi)
		if err != nil {
			return 0, err
		}
		if ok {
			break
		}
		if hi >= limit {
			return 0, fmt.Errorf("%w: %v Erlangs, %.0f%% in %v s with AHT %v s and patience %v s need more than %d operators",
				ErrUnreachable, a, target*100, t, 1/mu, 1/theta, limit)
		}
		lo = hi + 1
		hi = min(2*hi, limit)
	}
	// hi meets both conditions, every n < lo fails: bisect.
	for lo < hi {
		mid := lo + (hi-lo)/2
		ok, err := meets(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi, nil
}
