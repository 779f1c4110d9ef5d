// Package erlanga estimates contact-centre staffing with the Erlang A
// queueing model (M/M/N+M): Poisson arrivals at rate λ, N operators with
// exponential handling times of rate μ = 1/AHT, and callers who hang up
// after an exponential patience of rate θ = 1/mean patience if they have
// not been answered by then.
//
// It exists beside package erlangc because Erlang C assumes callers never
// hang up, and where they do it overstates the operators needed: callers
// who give up shorten the wait of those behind them. With θ = 0 this package
// is Erlang C, and it delegates to erlangc for that case.
//
// # The chain
//
// The number of callers in the system is a birth–death chain on 0…K with
// birth rate λ and death rate min(k, N)·μ + max(k−N, 0)·θ. Its stationary
// distribution is computed in log space (it neither overflows nor
// underflows at hundreds of Erlangs), the states below N through the
// Erlang B recursion, and K is the first state past which the remaining
// mass is provably below 1e-12 of the total (the tail is bounded by a
// geometric series once the death rate exceeds λ). Unlike Erlang C the
// chain is stable for every N: with θ > 0 the queue cannot grow without
// bound.
//
// # The service level
//
// By PASTA an arriving caller sees the stationary distribution. One who
// finds k < N callers is answered at once. One who finds k = N+m ≥ N waits
// at position j = m+1: while i callers are ahead of it, the head moves on at
// rate Nμ + iθ (a service ends or one of those ahead hangs up) and the
// caller itself hangs up at rate θ, so it leaves phase i after an Exp(r_i)
// time, r_i = Nμ + (i+1)θ, forward with probability (Nμ+iθ)/r_i. The
// probability that it is answered within t is
//
//	P_j(t) = Π_{i<j} (Nμ+iθ)/r_i · P(Exp(r_{j−1}) + … + Exp(r_0) ≤ t).
//
// The product telescopes to Nμ/(Nμ+jθ). The rates form the arithmetic
// progression θ(b+i), b = Nμ/θ + 1, so the sum of the phases is the time
// the (b+j−1)-strong population of a pure death process at rate θ each
// takes to lose j members, and its distribution is a regularized
// incomplete beta function, which for an integer j is the tail of a
// negative binomial:
//
//	P(sum ≤ t) = I_x(j, b) = 1 − Σ_{k<j} Γ(b+k)/(Γ(b)·k!) · x^k · (1−x)^b,   x = 1 − e^{−θt}.
//
// The terms follow one from the other (times x·(b+k−1)/k), so the service
// level over all K states costs O(K), and every quantity is a probability
// added up, never the difference of large alternating terms that makes the
// textbook hypoexponential formula (divided differences over the rates)
// useless at a few dozen phases. The tests check it against uniformization
// of the waiting caller's chain, a dense solution of the truncated chain
// and a discrete-event simulation.
//
// The service level is the share of all offered calls answered within t:
// a caller who hangs up counts as not answered, whenever it hangs up.
//
// # Abandonment and occupancy
//
// The abandonment probability is θ·E[callers waiting]/λ (the rate at which
// callers hang up over the rate at which they come), and the operators'
// occupancy λ·(1 − P(abandon))/(N·μ): the answered load over the capacity.
//
// # Patience from statistics
//
// With exponential patience the maximum-likelihood estimate of θ from a
// window of calls is the number of callers who abandoned over the total time
// all callers spent waiting (answered or not): each waiting second is a
// second of exposure to hanging up. This is the estimator that Mandelbaum and
// Zeltyn recommend for call-centre data (A. Mandelbaum, S. Zeltyn, "The
// impact of customers' patience on delay and abandonment: some empirically-
// driven experiments with the M/M/n+G queue", OR Spectrum 26, 2004; and
// "Staffing many-server queues with impatient customers", Operations
// Research 57, 2009). EstimateTheta computes it.
package erlanga
