package erlanga

import "math"

// EstimateTheta is the abandonment rate θ̂ (per second) of a window's
// callers: abandoned callers over the total time all callers spent
// waiting, in seconds (answered and abandoned; the maximum-likelihood
// estimate for exponential patience, each waiting second being a second
// at risk of hanging up). ok is false, and θ̂ 0, when the window has fewer
// than minAbandoned abandoned calls (too few to estimate from), no
// waiting time, or a count or time that is negative or not finite: the
// caller then has no patience to model and Erlang C stands alone.
func EstimateTheta(abandoned, totalWaitSeconds float64, minAbandoned int) (theta float64, ok bool) {
	switch {
	case math.IsNaN(abandoned) || math.IsInf(abandoned, 0) || abandoned <= 0 || abandoned < float64(minAbandoned):
		return 0, false
	case math.IsNaN(totalWaitSeconds) || math.IsInf(totalWaitSeconds, 0) || !(totalWaitSeconds > 0):
		return 0, false
	}
	return abandoned / totalWaitSeconds, true
}
