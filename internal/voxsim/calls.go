package voxsim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// The call simulation (see Evolve). Times are whole seconds, so the
// simulation runs event by event, at most once per simulated second.
const (
	// defaultPatience is how long callers wait on average before hanging
	// up, when neither the queue nor Config says.
	defaultPatience = 3 * time.Minute
	// A call rings an operator 2-10 s before they answer; one offer in
	// missOneIn is missed after 20-30 s, and the operator is banned.
	missOneIn = 1000
	// readyBreakMean is the mean time a READY operator bound to a queue
	// keeps waiting for calls before a break or logout (exponential: the
	// chance does not depend on how long they have waited), about the
	// timer model's break rate.
	readyBreakMean = 18 * time.Minute
	// Surges: normal periods last 5 min plus an exponential 20 min mean,
	// surges 2 min plus an exponential 3 min mean.
	normalMin, normalMean = 5 * time.Minute, 20 * time.Minute
	surgeMin, surgeMean   = 2 * time.Minute, 3 * time.Minute
	// maxCatchUp bounds the part of a long gap between Evolve calls that
	// is simulated; older events are skipped: statuses hold, callers who
	// would have hung up are gone.
	maxCatchUp = 6 * time.Hour
	// maxArrivalsPerSecond bounds one queue's arrivals in one second.
	maxArrivalsPerSecond = 1000
	// maxPatience bounds a drawn patience (the exponential's tail is
	// unbounded, a time.Duration is not).
	maxPatience = 7 * 24 * time.Hour
)

// readyBreaks is where a READY operator bound to a queue goes when their
// READY timer ends: calls, not the timer, take them IN_SERVICE, and missed
// calls, not the timer, ban them. Weights as agentModel's.
var readyBreaks = []weighted{{StatusDND, 40}, {StatusTimeout, 30}, {StatusOffline, 10}, {StatusOnline, 19}}

// queueSim is a queue's arrival process.
type queueSim struct {
	base      float64   // the queue's rate (calls/hour) when drawn
	surge     float64   // the queue's Surge when drawn
	next      time.Time // next arrival
	surging   bool
	regimeEnd time.Time     // when the normal or surge period ends; zero: no surges
	busyFor   time.Duration // the scheduled first surge's length (Queue.BusyFor), until it starts
	breakAt   time.Time     // the queue's scheduled break (Queue.BreakAt) until it starts; zero: none
}

func (q *queueSim) rate() float64 {
	if q.surging {
		return q.base * q.surge
	}
	return q.base
}

// callSim is what the simulation knows of a call beyond Call.
type callSim struct {
	giveUp    time.Time // the caller hangs up if still waiting (not ringing)
	ringStart time.Time // while Offered: when the ringing began
	ringEnd   time.Time // while Offered: when the operator answers or misses
	missed    bool      // the ringing operator will miss the call
	wake      time.Time // a dispatch the call is owed (found waiting); zero: none
	queueLen  int       // callers waiting at arrival, itself included; 0: unknown
}

// simQueue is a known queue with its effective call rate.
type simQueue struct {
	Queue
	rate float64 // calls/hour; 0: none
}

// rate is q's effective arrival rate.
func (e *evolver) rate(q Queue) float64 {
	switch {
	case q.CallsPerHour > 0:
		return q.CallsPerHour
	case q.CallsPerHour < 0:
		return 0
	}
	return max(e.defaultRate, 0)
}

// wantsCalls reports whether the account simulates calls.
func (e *evolver) wantsCalls(acct *Account) bool {
	if len(acct.Calls) > 0 {
		return true
	}
	return slices.ContainsFunc(acct.knownQueues(), func(q Queue) bool { return e.rate(q) > 0 })
}

// forgetCalls drops what the simulation knew of the calls, after SetCalls.
func (e *evolver) forgetCalls() { clear(e.calls) }

// stepCalls advances an account that simulates calls to now.
func (e *evolver) stepCalls(acct *Account, now time.Time) {
	if !e.clock.IsZero() && now.Before(e.clock) {
		return
	}
	start := e.clock
	if start.IsZero() {
		start = snapshotTime(acct, now)
	}
	e.syncAgents(acct, start, now)
	e.syncQueues(acct, start)
	e.syncCalls(acct, start)
	cursor := time.Time{}
	if t, ok := e.nextEvent(acct, now, cursor); ok {
		if floor := now.Add(-maxCatchUp); t.Before(floor) {
			e.skipTo(acct, floor)
		}
	}
	for range int(maxCatchUp/time.Second) + 2 {
		t, ok := e.nextEvent(acct, now, cursor)
		if !ok {
			break
		}
		e.runAt(acct, t)
		e.logAgents(acct)
		cursor = t
	}
	e.clock = now
}

// snapshotTime is when an account met for the first time was taken: its
// latest status change or call event, not after now nor more than
// maxCatchUp before it (now when it has none). The simulation starts
// there, so one Evolve long after SetAccount still plays what happened
// since.
func snapshotTime(acct *Account, now time.Time) time.Time {
	var t time.Time
	for i := range acct.Users {
		t = later(t, acct.Users[i].StatusChange)
	}
	for _, c := range acct.Calls {
		t = later(later(t, c.Arrived), c.Answered)
	}
	if t.IsZero() || t.After(now) {
		return now
	}
	return later(t, now.Add(-maxCatchUp))
}

// syncAgents tracks new operators, forgets removed users and aligns the
// agents with acct.Users for this step, which starts at start. An operator
// first seen in a status whose drawn end is before start leaves it within
// half a dwell after start: an account (generated, or set by a test) is a
// snapshot, the calls start with it, and its operators must not all have
// moved on before.
func (e *evolver) syncAgents(acct *Account, start, now time.Time) {
	e.order = slices.Grow(e.order[:0], len(acct.Users))[:len(acct.Users)]
	e.userIdx = make(map[int64]int, len(acct.Users))
	e.members = map[int64][]int{}
	for i := range acct.Users {
		u := &acct.Users[i]
		e.userIdx[u.ID] = i
		e.order[i] = nil
		for _, q := range u.Queues {
			if m := e.members[q.ID]; len(m) == 0 || m[len(m)-1] != i {
				e.members[q.ID] = append(m, i)
			}
		}
		if !u.Active || u.Status == "" {
			continue
		}
		ag := e.agents[u.ID]
		if ag == nil {
			since := u.StatusChange
			if since.IsZero() || since.After(now) {
				since = start
			}
			d := e.dwellFor(u)
			ag = &agent{next: since.Add(d)}
			if ag.next.Before(start) {
				ag.next = start.Add(time.Duration(e.rng.Int64N(int64(d/2) + 1))).Truncate(time.Second)
			}
			e.agents[u.ID] = ag
		}
		e.order[i] = ag
	}
	for id := range e.agents {
		if _, ok := e.userIdx[id]; !ok {
			delete(e.agents, id)
		}
	}
}

// syncQueues starts (at start) the arrivals of new queues and of queues
// whose rate changed, and orders the queues for dispatch.
func (e *evolver) syncQueues(acct *Account, start time.Time) {
	e.known = e.known[:0]
	live := map[int64]bool{}
	for _, q := range acct.knownQueues() {
		r := e.rate(q)
		e.known = append(e.known, simQueue{Queue: q, rate: r})
		if r <= 0 {
			continue
		}
		live[q.ID] = true
		qs := e.queues[q.ID]
		if qs != nil && qs.base == r && qs.surge == q.Surge {
			continue
		}
		qs = &queueSim{base: r, surge: q.Surge}
		switch {
		case q.Surge > 1 && q.BusyAt.After(start):
			qs.regimeEnd, qs.busyFor = q.BusyAt, q.BusyFor
		case q.Surge > 1:
			qs.regimeEnd = start.Add(e.regime(false))
		}
		if q.BreakAt.After(start) && q.BreakFor > 0 && q.BreakShare > 0 {
			qs.breakAt = q.BreakAt
		}
		qs.next = start.Add(e.gap(qs.rate()))
		e.queues[q.ID] = qs
	}
	for id := range e.queues {
		if !live[id] {
			delete(e.queues, id)
		}
	}
	slices.SortStableFunc(e.known, func(a, b simQueue) int { return cmp.Compare(a.Priority, b.Priority) })
}

func (e *evolver) queue(id int64) (simQueue, bool) {
	i := slices.IndexFunc(e.known, func(q simQueue) bool { return q.ID == id })
	if i < 0 {
		return simQueue{}, false
	}
	return e.known[i], true
}

func (e *evolver) user(acct *Account, id int64) (*User, int) {
	i, ok := e.userIdx[id]
	if !ok {
		return nil, -1
	}
	return &acct.Users[i], i
}

// syncCalls learns calls it has not seen (set by SetCalls, SetAccount or
// Generate) and resolves links that contradict the users' statuses: an
// answered call whose operator is not an active IN_SERVICE user (or who
// serves another call) has ended; a call ringing someone who is not an
// active READY user (or rung by another call) waits again.
func (e *evolver) syncCalls(acct *Account, start time.Time) {
	busy := map[int64]bool{}
	live := map[int64]bool{}
	maxID := int64(0)
	kept := acct.Calls[:0]
	for _, c := range acct.Calls {
		maxID = max(maxID, c.ID)
		cs := e.calls[c.ID]
		if cs == nil {
			q, _ := e.queue(c.QueueID)
			cs = &callSim{giveUp: later(c.Arrived.Add(e.patience(q.Queue)), start), wake: later(c.Arrived, start)}
			e.calls[c.ID] = cs
			if c.Operator != 0 && record(acct, c.ID) == nil {
				// Answered before the simulation saw it (and not set
				// again after it did): it is in the history from now
				// on, its ring time unknown.
				acct.History = append(acct.History, CallRecord{ID: c.ID, QueueID: c.QueueID, Arrived: c.Arrived,
					Answered: cmp.Or(c.Answered, start), Operator: c.Operator})
			}
		}
		switch {
		case c.Operator != 0:
			u, _ := e.user(acct, c.Operator)
			if u == nil || !u.Active || u.Status != StatusInService || busy[c.Operator] {
				// It has ended: when the operator left IN_SERVICE if
				// that is known, else now.
				end := start
				if u != nil && u.StatusChange.After(c.Answered) && !u.StatusChange.After(start) && !busy[c.Operator] {
					end = u.StatusChange
				}
				e.talkEnds(acct, c.ID, end, u != nil && u.Status == StatusAfterService && !busy[c.Operator])
				continue
			}
			busy[c.Operator] = true
			c.Offered = 0
		case c.Offered != 0:
			u, _ := e.user(acct, c.Offered)
			if u == nil || !u.Active || u.Status != StatusReady || busy[c.Offered] {
				c.Offered, cs.ringEnd, cs.missed, cs.wake = 0, time.Time{}, false, start
				break
			}
			busy[c.Offered] = true
			if cs.ringEnd.IsZero() {
				cs.ringEnd, cs.missed = e.ring(start)
			}
		}
		live[c.ID] = true
		kept = append(kept, c)
	}
	clear(acct.Calls[len(kept):])
	acct.Calls = kept
	for id := range e.calls {
		if !live[id] {
			delete(e.calls, id)
		}
	}
	e.nextCallID = max(e.nextCallID, maxID+1, 1)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// nextEvent is the earliest pending event no later than now, never earlier
// than cursor (an event the last one made overdue happens at once).
func (e *evolver) nextEvent(acct *Account, now, cursor time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(t time.Time) {
		if t.IsZero() {
			return
		}
		t = later(t, cursor)
		if !t.After(now) && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	for _, ag := range e.order {
		if ag != nil {
			consider(ag.next)
		}
	}
	for i := range acct.Calls {
		c := &acct.Calls[i]
		if c.Operator != 0 {
			continue // ends with its operator's IN_SERVICE
		}
		cs := e.calls[c.ID]
		if c.Offered != 0 {
			consider(cs.ringEnd)
		} else {
			consider(cs.giveUp)
		}
		consider(cs.wake)
	}
	for _, q := range e.known {
		if qs := e.queues[q.ID]; qs != nil {
			consider(qs.next)
			consider(qs.regimeEnd)
			consider(qs.breakAt)
		}
	}
	return best, found
}

// skipTo moves every event before floor to floor or later: statuses hold,
// callers who would have hung up are gone, arrivals restart.
func (e *evolver) skipTo(acct *Account, floor time.Time) {
	for i, ag := range e.order {
		if ag != nil && ag.next.Before(floor) {
			ag.next = floor.Add(e.dwellFor(&acct.Users[i]))
		}
	}
	kept := acct.Calls[:0]
	for _, c := range acct.Calls {
		cs := e.calls[c.ID]
		if c.Waiting() && c.Offered == 0 && cs.giveUp.Before(floor) {
			e.abandoned(acct, c, cs)
			delete(e.calls, c.ID)
			continue
		}
		if c.Offered != 0 && cs.ringEnd.Before(floor) {
			cs.ringEnd = floor
		}
		if !cs.wake.IsZero() && cs.wake.Before(floor) {
			cs.wake = floor
		}
		kept = append(kept, c)
	}
	clear(acct.Calls[len(kept):])
	acct.Calls = kept
	for _, q := range e.known {
		qs := e.queues[q.ID]
		if qs == nil {
			continue
		}
		if !qs.regimeEnd.IsZero() && qs.regimeEnd.Before(floor) {
			qs.regimeEnd = floor.Add(e.regime(qs.surging))
		}
		if qs.next.Before(floor) {
			qs.next = floor.Add(e.gap(qs.rate()))
		}
	}
}

// runAt plays every event due at t, in a fixed order: statuses that end,
// rings that end and callers who hang up, arrivals and surges, then offers.
func (e *evolver) runAt(acct *Account, t time.Time) {
	e.startBreaks(acct, t)
	for i, ag := range e.order {
		if ag == nil {
			continue
		}
		u := &acct.Users[i]
		for steps := 0; !ag.next.After(t); steps++ {
			if steps >= maxStepsPerUser {
				ag.next = t.Add(e.dwellFor(u))
				break
			}
			e.statusEnds(acct, u, ag)
		}
	}
	e.resolveCalls(acct, t)
	e.arrivals(acct, t)
	e.dispatch(acct, t)
}

// statusEnds moves u on at the end of its status (ag.next).
func (e *evolver) statusEnds(acct *Account, u *User, ag *agent) {
	at := ag.next
	if len(u.Queues) > 0 && u.Status == StatusReady {
		if i := slices.IndexFunc(acct.Calls, func(c Call) bool { return c.Waiting() && c.Offered == u.ID }); i >= 0 {
			// A call rings them: the break waits for the answer.
			ag.next = e.calls[acct.Calls[i].ID].ringEnd.Add(time.Second)
			return
		}
		if e.takeBreak(u, ag, at) {
			return
		}
		u.Status, u.StatusChange = pickWeighted(e.rng, readyBreaks), at
		ag.next = at.Add(e.dwellFor(u))
		return
	}
	switch u.Status {
	case StatusInService:
		e.endCalls(acct, u.ID, at)
	case StatusAfterService:
		e.acwEnds(acct, u, at)
	}
	if u.Status != StatusInService && e.takeBreak(u, ag, at) {
		return
	}
	e.transition(u, at)
	ag.next = at.Add(e.dwellFor(u))
}

// endCalls removes the calls operator serves at time at: they hung up,
// and the operator's after-call work begins.
func (e *evolver) endCalls(acct *Account, operator int64, at time.Time) {
	var ended []int64
	acct.Calls = slices.DeleteFunc(acct.Calls, func(c Call) bool {
		if c.Operator == operator {
			delete(e.calls, c.ID)
			ended = append(ended, c.ID)
			return true
		}
		return false
	})
	for _, id := range ended {
		e.talkEnds(acct, id, at, true)
	}
}

// resolveCalls ends the rings due at t (answered: the operator goes
// IN_SERVICE; missed: banned, the call waits again) and removes the
// callers who hang up at t.
func (e *evolver) resolveCalls(acct *Account, t time.Time) {
	kept := acct.Calls[:0]
	for _, c := range acct.Calls {
		cs := e.calls[c.ID]
		if !cs.wake.After(t) {
			cs.wake = time.Time{}
		}
		switch {
		case c.Operator != 0:
		case c.Offered != 0:
			if cs.ringEnd.After(t) {
				break
			}
			op := c.Offered
			c.Offered, cs.ringEnd = 0, time.Time{}
			ringStart := cs.ringStart
			cs.ringStart = time.Time{}
			u, i := e.user(acct, op)
			if u == nil || !u.Active || u.Status != StatusReady || e.order[i] == nil {
				break // waits again
			}
			if cs.missed {
				cs.missed = false
				u.Status, u.StatusChange = StatusBanned, t
				acct.Missed = append(acct.Missed, MissedOffer{CallID: c.ID, QueueID: c.QueueID, Arrived: c.Arrived, Operator: op, Rang: ringStart, Ended: t})
				e.order[i].next = t.Add(e.dwellFor(u))
				break
			}
			c.Operator, c.Answered = op, t
			u.Status, u.StatusChange = StatusInService, t
			e.order[i].next = t.Add(e.serviceTime(c.QueueID))
			acct.History = append(acct.History, CallRecord{ID: c.ID, QueueID: c.QueueID, Arrived: c.Arrived,
				Answered: t, Rang: ringStart, Operator: op, QueueLength: cs.queueLen})
		case !cs.giveUp.After(t):
			e.abandoned(acct, c, cs) // the caller hangs up
			delete(e.calls, c.ID)
			continue
		}
		kept = append(kept, c)
	}
	clear(acct.Calls[len(kept):])
	acct.Calls = kept
}

// arrivals adds the callers arriving at t and switches surges on and off.
func (e *evolver) arrivals(acct *Account, t time.Time) {
	for _, q := range e.known {
		qs := e.queues[q.ID]
		if qs == nil {
			continue
		}
		n := 0
		for ; !qs.next.After(t) && n < maxArrivalsPerSecond; n++ {
			e.arrive(acct, q.Queue, qs.next)
			qs.next = qs.next.Add(e.gap(qs.rate()))
		}
		if n == maxArrivalsPerSecond {
			qs.next = later(qs.next, t.Add(time.Second))
		}
		if !qs.regimeEnd.IsZero() && !qs.regimeEnd.After(t) {
			qs.surging = !qs.surging
			qs.regimeEnd = t.Add(e.regime(qs.surging))
			if qs.surging && qs.busyFor > 0 {
				qs.regimeEnd, qs.busyFor = t.Add(qs.busyFor), 0
			}
			qs.next = t.Add(e.gap(qs.rate())) // memoryless: redraw at the new rate
		}
	}
}

// arrive enqueues a caller, unless the queue is full (max_queue_size).
func (e *evolver) arrive(acct *Account, q Queue, at time.Time) {
	prio, callerID := e.callPriority(), e.callerID()
	waiting := 0
	for _, c := range acct.Calls {
		if c.QueueID == q.ID && c.Waiting() {
			waiting++
		}
	}
	id := e.nextCallID
	e.nextCallID++
	if e.rejects(acct, q, waiting) {
		acct.History = append(acct.History, CallRecord{ID: id, QueueID: q.ID, Arrived: at, Rejected: true, QueueLength: waiting})
		return
	}
	acct.Calls = append(acct.Calls, Call{ID: id, QueueID: q.ID, Priority: prio, Arrived: at, CallerID: callerID})
	e.calls[id] = &callSim{giveUp: at.Add(e.patience(q)), queueLen: waiting + 1}
}

// rejects reports whether the ACD refuses a caller arriving in q while
// waiting others wait, for the reasons the reference gives (RC): the
// queue is full (max_queue_size); every operator bound to it is offline
// or banned (a queue nobody is bound to keeps its callers waiting, as a
// test of hang-ups wants); or the predicted wait, as GetACDState's
// minutes_to_submit predicts it, is over max_waiting_time.
func (e *evolver) rejects(acct *Account, q Queue, waiting int) bool {
	if q.MaxQueueSize > 0 && waiting >= q.MaxQueueSize {
		return true
	}
	members := e.members[q.ID]
	loggedIn, ready, staffed := 0, 0, 0
	for _, i := range members {
		u := &acct.Users[i]
		if !u.Active || u.Status == "" || u.Status == StatusOffline || u.Status == StatusBanned {
			continue
		}
		loggedIn++
		switch u.Status {
		case StatusReady:
			ready++
			staffed++
		case StatusInService, StatusAfterService:
			staffed++
		}
	}
	if len(members) > 0 && loggedIn == 0 {
		return true
	}
	if q.MaxWaitingTime > 0 && len(members) > 0 {
		return minutesToSubmit(waiting, ready, staffed, q.serviceEstimate()) > q.MaxWaitingTime
	}
	return false
}

// dispatch offers waiting calls to free READY operators at t: queues by
// priority, calls in service order, operators idle longest first.
func (e *evolver) dispatch(acct *Account, t time.Time) {
	waiting := map[int64][]int{} // by queue
	rung := map[int64]bool{}
	for i := range acct.Calls {
		switch c := &acct.Calls[i]; {
		case !c.Waiting():
		case c.Offered != 0:
			rung[c.Offered] = true
		case !c.Arrived.After(t):
			waiting[c.QueueID] = append(waiting[c.QueueID], i)
		}
	}
	if len(waiting) == 0 {
		return
	}
	for _, q := range e.known {
		waiting := waiting[q.ID]
		if len(waiting) == 0 {
			continue
		}
		var free []int
		for _, i := range e.members[q.ID] {
			u := &acct.Users[i]
			if u.Active && u.Status == StatusReady && e.order[i] != nil && !rung[u.ID] {
				free = append(free, i)
			}
		}
		if len(free) == 0 {
			continue
		}
		slices.SortFunc(waiting, func(a, b int) int { return serviceOrder(acct.Calls[a], acct.Calls[b]) })
		slices.SortFunc(free, func(a, b int) int {
			ua, ub := &acct.Users[a], &acct.Users[b]
			return cmp.Or(ua.StatusChange.Compare(ub.StatusChange), cmp.Compare(ua.ID, ub.ID))
		})
		for k := range min(len(waiting), len(free)) {
			c, u := &acct.Calls[waiting[k]], &acct.Users[free[k]]
			c.Offered = u.ID
			rung[u.ID] = true
			cs := e.calls[c.ID]
			cs.ringStart = t.Add(subSecond(c.ID)) // the offer takes a moment to reach the phone
			cs.ringEnd, cs.missed = e.ring(t)
		}
	}
}

// dwellFor draws how long u stays in its status.
func (e *evolver) dwellFor(u *User) time.Duration {
	if e.withCalls && len(u.Queues) > 0 && u.Status == StatusReady {
		return max(time.Duration(e.rng.ExpFloat64()*float64(readyBreakMean)), 20*time.Second).Truncate(time.Second)
	}
	return e.dwell(u.Status)
}

// ring draws when an offer made at t ends and whether it is missed.
func (e *evolver) ring(t time.Time) (time.Time, bool) {
	if e.rng.IntN(missOneIn) == 0 {
		return t.Add(time.Duration(20+e.rng.IntN(11)) * time.Second), true
	}
	return t.Add(time.Duration(2+e.rng.IntN(9)) * time.Second), false
}

// gap draws the time to the next arrival at rate calls/hour.
func (e *evolver) gap(rate float64) time.Duration {
	return time.Duration(math.Round(e.rng.ExpFloat64()*3600/rate)) * time.Second
}

// regime draws how long a normal period (or a surge) lasts.
func (e *evolver) regime(surge bool) time.Duration {
	lo, mean := normalMin, normalMean
	if surge {
		lo, mean = surgeMin, surgeMean
	}
	return (lo + time.Duration(e.rng.ExpFloat64()*float64(mean))).Truncate(time.Second)
}

// patience draws how long a caller of q waits before hanging up: an
// exponential time (the Erlang A model's, so that the queue statistics
// lose calls the way the model the exporter fits to them expects) with the
// queue's mean, else Config.Patience, else defaultPatience. It is rounded
// up to whole seconds, as the simulation runs by the second: that makes it
// geometric, the memoryless law in whole seconds, with the chance to hang
// up in each second of waiting 1 − e^{−1 s/mean}, and at least 1 s (no
// caller hangs up at the instant they arrive).
func (e *evolver) patience(q Queue) time.Duration {
	mean := cmp.Or(q.Patience, e.defaultPatience, defaultPatience)
	if mean < 0 {
		mean = defaultPatience
	}
	s := math.Ceil(e.rng.ExpFloat64() * mean.Seconds())
	return time.Duration(max(min(s, maxPatience.Seconds()), 1)) * time.Second
}

// serviceTime draws how long a call of the queue lasts once answered.
func (e *evolver) serviceTime(queueID int64) time.Duration {
	q, _ := e.queue(queueID)
	if avg := q.AverageServiceTime; avg > 0 {
		return time.Duration(max(avg/2+e.rng.IntN(avg+1), 1)) * time.Second
	}
	return e.dwell(StatusInService)
}

// callPriority draws a caller's priority: mostly 50, some 20, a few 1.
func (e *evolver) callPriority() int {
	switch n := e.rng.IntN(100); {
	case n < 5:
		return 1
	case n < 15:
		return 20
	}
	return 50
}

// callerID draws a North American number.
func (e *evolver) callerID() string {
	return fmt.Sprintf("+1%d%09d", 2+e.rng.IntN(8), e.rng.Int64N(1_000_000_000))
}

// The call history (Account.History) is bounded: after a trim no record
// arrived more than maxHistoryAge before the simulation clock, and no
// queue keeps more than maxHistoryPerQueue records (the newest). Trims run
// when the history has doubled since the last one, so their cost is
// amortised over the records added.
const (
	maxHistoryAge      = 24 * time.Hour
	maxHistoryPerQueue = 20_000
	minTrimAt          = 4096
)

// abandoned records that the caller of c hung up while waiting.
func (e *evolver) abandoned(acct *Account, c Call, cs *callSim) {
	acct.History = append(acct.History, CallRecord{ID: c.ID, QueueID: c.QueueID, Arrived: c.Arrived,
		Abandoned: cs.giveUp.Add(-subSecond(c.ID)), QueueLength: cs.queueLen})
}

// subSecond is a fraction of a second (0-999 ms) fixed by a call's id.
// The simulation plays whole seconds; the history places the ring's start
// and a caller's hang-up within their second by it, so the statistics
// carry the fractional seconds real ones do, without drawing from the
// random source (which would change everything drawn after).
func subSecond(id int64) time.Duration {
	return time.Duration(uint64(id)*2654435761%1000) * time.Millisecond
}

// record finds the history record of call id, newest first (a call's
// record is recent while its talk and after-call work run).
func record(acct *Account, id int64) *CallRecord {
	for i := len(acct.History) - 1; i >= 0; i-- {
		if acct.History[i].ID == id {
			return &acct.History[i]
		}
	}
	return nil
}

// talkEnds completes call id's record: its talk ended at at. With acw, the
// operator's after-call work starts and is owed to this call.
func (e *evolver) talkEnds(acct *Account, id int64, at time.Time, acw bool) {
	r := record(acct, id)
	if r == nil || r.TalkDone {
		return
	}
	r.Talk, r.TalkDone = max(at.Sub(r.Answered), 0), true
	if acw && r.Operator != 0 {
		e.acw[r.Operator] = id
	}
}

// acwEnds completes the record of the call u's after-call work (ending at
// at, u still AFTER_SERVICE) followed.
func (e *evolver) acwEnds(acct *Account, u *User, at time.Time) {
	id, ok := e.acw[u.ID]
	if !ok {
		return
	}
	delete(e.acw, u.ID)
	// The record must be the call this after-call work followed: a test
	// may have moved the operator through other statuses since.
	if r := record(acct, id); r != nil && r.TalkDone && !r.ACWDone && !u.StatusChange.Before(r.Answered.Add(r.Talk)) {
		r.ACW, r.ACWDone = max(at.Sub(u.StatusChange), 0), true
	}
}

// trimHistory bounds the history (see maxHistoryAge), keeping its order.
func (e *evolver) trimHistory(acct *Account, now time.Time) {
	if len(acct.History) < max(e.trimAt, minTrimAt) {
		return
	}
	floor := now.Add(-maxHistoryAge)
	perQueue := map[int64]int{}
	keep := make([]bool, len(acct.History))
	for i := len(acct.History) - 1; i >= 0; i-- {
		r := &acct.History[i]
		if !r.Arrived.Before(floor) && perQueue[r.QueueID] < maxHistoryPerQueue {
			perQueue[r.QueueID]++
			keep[i] = true
		}
	}
	kept := acct.History[:0]
	for i, r := range acct.History {
		if keep[i] {
			kept = append(kept, r)
		}
	}
	clear(acct.History[len(kept):])
	acct.History = kept
	e.trimAt = 2 * len(kept)
}
