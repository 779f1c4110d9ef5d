package voxsim

import (
	"context"
	"math/rand/v2"
	"time"
)

// agentRule is how long an operator stays in a status (uniform within
// dwell) and where they go next.
type agentRule struct {
	dwell [2]time.Duration
	next  []weighted
}

// agentModel is the operator life cycle: READY -> IN_SERVICE ->
// AFTER_SERVICE -> READY, with occasional breaks (DND, TIMEOUT), logouts
// and logins, and rare bans (set after a missed call, lifted after about
// two hours). The dwell times and weights keep roughly the generated mix
// (a third on calls, a quarter ready, a sixth offline) stable over time.
//
// This timer model drives every operator while the account simulates no
// calls. Once it does (see Evolve), operators bound to a queue go
// IN_SERVICE only by answering a call offered to them, leave it when the
// call ends, and are banned only for missing one; READY's timer then only
// covers breaks and logouts (readyBreaks). Operators bound to no queue keep
// this model.
var agentModel = map[string]agentRule{
	StatusReady: {dwell: [2]time.Duration{20 * time.Second, 200 * time.Second}, next: []weighted{
		{StatusInService, 900}, {StatusDND, 40}, {StatusTimeout, 30}, {StatusOffline, 10}, {StatusOnline, 19}, {StatusBanned, 1}}},
	StatusInService: {dwell: [2]time.Duration{90 * time.Second, 330 * time.Second}, next: []weighted{
		{StatusAfterService, 1}}},
	StatusAfterService: {dwell: [2]time.Duration{20 * time.Second, 100 * time.Second}, next: []weighted{
		{StatusReady, 92}, {StatusTimeout, 4}, {StatusOnline, 3}, {StatusOffline, 1}}},
	StatusOnline: {dwell: [2]time.Duration{30 * time.Second, 270 * time.Second}, next: []weighted{
		{StatusReady, 95}, {StatusOffline, 5}}},
	StatusDND: {dwell: [2]time.Duration{2 * time.Minute, 8 * time.Minute}, next: []weighted{
		{StatusReady, 95}, {StatusOffline, 5}}},
	StatusTimeout: {dwell: [2]time.Duration{5 * time.Minute, 15 * time.Minute}, next: []weighted{
		{StatusReady, 97}, {StatusOffline, 3}}},
	StatusBanned: {dwell: [2]time.Duration{110 * time.Minute, 130 * time.Minute}, next: []weighted{
		{StatusOnline, 80}, {StatusOffline, 20}}},
	StatusOffline: {dwell: [2]time.Duration{20 * time.Minute, 60 * time.Minute}, next: []weighted{
		{StatusOnline, 70}, {StatusReady, 30}}},
}

// Call charging for users with their own balance.
const (
	callCostPerMinute = 0.0125
	topUpBelow        = 1.0
	topUpAmount       = 50.0
	// maxStepsPerUser bounds catch-up after a long gap between Evolve
	// calls; the rest of the gap is skipped.
	maxStepsPerUser = 500
)

// evolver is the animation state of an account: a random source, per
// operator when their current status ends, and the call simulation
// (calls.go). It lives beside the Account under Server.mu, so that GetUsers
// and GetACDState read one consistent state.
type evolver struct {
	rng    *rand.Rand
	agents map[int64]*agent

	// Call simulation: off until the account has a queue with a call rate
	// or calls, then on for good.
	defaultRate     float64       // Config.CallsPerHour
	defaultPatience time.Duration // Config.Patience
	withCalls       bool
	clock           time.Time // simulated up to here; zero before the first step
	queues          map[int64]*queueSim
	calls           map[int64]*callSim
	nextCallID      int64
	acw             map[int64]int64 // operator -> the call their after-call work follows
	trimAt          int             // the history length that triggers the next trim

	// Rebuilt every step: agents aligned with Account.Users, user index by
	// id, users by queue, the queues in dispatch order.
	order   []*agent
	userIdx map[int64]int
	members map[int64][]int // user indices by queue bound
	known   []simQueue

	// The operators' status log (operators.go): each user's last logged
	// status, and the log length that triggers the next trim.
	logged    map[int64]StatusEntry
	logTrimAt int

	sq *sqSim // the SmartQueue simulation (smartqueue_sim.go); nil until needed

	// Operators sent on a queue's break (Queue.BreakAt, breaks.go), with
	// when it ends.
	breaks map[int64]time.Time
}

type agent struct {
	next time.Time // when the current status ends
	// The status and change time last seen logged (operators.go), so that
	// a step's events log the changes without a map lookup per operator.
	loggedStatus string
	loggedAt     time.Time
}

func newEvolver(seed int64, defaultRate float64) *evolver {
	return &evolver{
		rng:         newRand(seed, 0x65766f6c7665), // "evolve"
		agents:      map[int64]*agent{},
		defaultRate: defaultRate,
		queues:      map[int64]*queueSim{},
		calls:       map[int64]*callSim{},
		acw:         map[int64]int64{},
		breaks:      map[int64]time.Time{},
	}
}

// Evolve advances the account to now: every active operator whose status
// has run its course moves on (possibly several times after a long gap),
// with acd_status_change_time set to when it happened, and users with
// their own balance pay for the calls they finish. Inactive users and
// users without an ACD status do not change. Given Config.Seed, the
// initial account and the sequence of now values, the result is
// deterministic. Times earlier than a previous call change nothing.
//
// Calls: once some queue has a call rate (Queue.CallsPerHour or
// Config.CallsPerHour) or the account has calls, Evolve also simulates the
// queues, event by event in time order: callers arrive (Poisson, with
// occasional surges), wait, and ring the READY operator of their queue who
// has been idle longest (queues by acd_queue_priority, calls by priority
// then arrival). A ringing operator stays READY but is locked for a few
// seconds, then answers (IN_SERVICE until the call ends, then
// AFTER_SERVICE) or, rarely, misses the call and is banned while the call
// waits again. Callers still waiting past their patience hang up. So at
// every instant a call's Operator is an active IN_SERVICE user serving only
// that call, a call's Offered an active READY user rung by only that call,
// and an operator bound to a queue goes IN_SERVICE only by answering a
// call. Links that contradict the users' statuses (after UpdateUsers or
// SetCalls) are resolved at the next Evolve: an answered call whose
// operator is no longer IN_SERVICE has ended, a call ringing a user who is
// no longer READY waits again.
func (s *Server) Evolve(now time.Time) {
	now = now.UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.evo == nil {
		s.evo = newEvolver(s.cfg.Seed, s.cfg.CallsPerHour)
		s.evo.defaultPatience = s.cfg.Patience
	}
	s.evo.step(&s.acct, now)
	s.evo.stepSQ(&s.acct, now, s.cfg.Seed)
	s.acct.Info.bill(s.acct.Users, now)
}

func (e *evolver) step(acct *Account, now time.Time) {
	if !e.withCalls && e.wantsCalls(acct) {
		e.withCalls = true
	}
	e.logStatuses(acct)
	defer e.trimOperatorLogs(acct, now)
	if e.withCalls {
		e.stepCalls(acct, now)
		e.trimHistory(acct, now)
		return
	}
	e.stepTimers(acct, now)
}

// stepTimers is the timer model alone, operator by operator: the
// simulation of an account without calls.
func (e *evolver) stepTimers(acct *Account, now time.Time) {
	live := make(map[int64]bool, len(acct.Users))
	for i := range acct.Users {
		u := &acct.Users[i]
		live[u.ID] = true
		if !u.Active || u.Status == "" {
			continue
		}
		ag := e.agents[u.ID]
		if ag == nil {
			since := u.StatusChange
			if since.IsZero() || since.After(now) {
				since = now
			}
			ag = &agent{next: since.Add(e.dwell(u.Status))}
			e.agents[u.ID] = ag
		}
		steps := 0
		for !ag.next.After(now) {
			if steps++; steps > maxStepsPerUser {
				ag.next = now.Add(e.dwell(u.Status))
				break
			}
			e.transition(u, ag.next)
			e.logStatus(acct, u)
			ag.next = ag.next.Add(e.dwell(u.Status))
		}
	}
	for id := range e.agents {
		if !live[id] {
			delete(e.agents, id)
		}
	}
}

// dwell draws how long an operator stays in status.
func (e *evolver) dwell(status string) time.Duration {
	r, ok := agentModel[status]
	if !ok {
		return time.Minute // an unknown status a test put there: leave soon
	}
	lo, hi := r.dwell[0], r.dwell[1]
	return (lo + time.Duration(e.rng.Int64N(int64(hi-lo)+1))).Truncate(time.Second)
}

// transition moves u to its next status at time at.
func (e *evolver) transition(u *User, at time.Time) {
	next := StatusReady
	if r, ok := agentModel[u.Status]; ok {
		next = pickWeighted(e.rng, r.next)
	}
	if u.Status == StatusInService && !u.ParentAccounting {
		chargeCall(u, at.Sub(u.StatusChange))
	}
	u.Status = next
	u.StatusChange = at
}

// chargeCall bills a finished call: the previous live balance becomes the
// committed (fixed) one, the live balance drops by the call's cost, and a
// balance running dry is topped up, as an account manager would.
func chargeCall(u *User, d time.Duration) {
	if d < 0 {
		d = 0
	}
	u.FixedBalance = u.LiveBalance
	u.LiveBalance = round4(u.LiveBalance - d.Minutes()*callCostPerMinute)
	if u.LiveBalance < topUpBelow {
		u.LiveBalance = round4(u.LiveBalance + topUpAmount)
		u.FixedBalance = round4(u.FixedBalance + topUpAmount)
	}
}

// RunEvolution calls Evolve with the server clock every interval until ctx
// is done or the server is closed, then returns. It blocks: run it with go.
func (s *Server) RunEvolution(ctx context.Context, every time.Duration) {
	if every <= 0 || !s.track.enter(true) {
		return
	}
	defer s.track.leave(true)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case <-t.C:
			s.Evolve(s.now())
		}
	}
}
