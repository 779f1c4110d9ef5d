package voxsim

import (
	"math"
	"slices"
	"time"
)

// startBreaks starts the queues' breaks due at t (Queue.BreakAt): of the
// queue's active operators, BreakShare drawn at random go on the break.
// Those READY leave at t (their status ends now, and statusEnds sends them
// on the break); the others when their current status ends (those on a
// call after its after-call work), so that no one on the break comes back
// to the queue before it ends.
func (e *evolver) startBreaks(acct *Account, t time.Time) {
	for _, q := range e.known {
		qs := e.queues[q.ID]
		if qs == nil || qs.breakAt.IsZero() || qs.breakAt.After(t) {
			continue
		}
		qs.breakAt = time.Time{}
		var team []int
		for _, i := range e.members[q.ID] {
			if u := &acct.Users[i]; u.Active && e.order[i] != nil {
				if _, away := e.breaks[u.ID]; !away {
					team = append(team, i)
				}
			}
		}
		n := min(len(team), int(math.Ceil(q.BreakShare*float64(len(team))-1e-9)))
		chosen := make([]int, 0, n)
		for _, k := range e.rng.Perm(len(team))[:n] {
			chosen = append(chosen, team[k])
		}
		slices.Sort(chosen) // the order of the status changes below: by position, not by draw
		for _, i := range chosen {
			u, ag := &acct.Users[i], e.order[i]
			e.breaks[u.ID] = t.Add(q.BreakFor)
			if u.Status == StatusReady && ag.next.After(t) {
				ag.next = t
			}
		}
	}
}

// takeBreak moves u, whose status ends at at, on or off its break: on it
// (DND until the break ends) unless it is over, off it (READY) once it is.
// It reports whether u was on a break, in which case u's status is set.
func (e *evolver) takeBreak(u *User, ag *agent, at time.Time) bool {
	end, ok := e.breaks[u.ID]
	switch {
	case !ok:
		return false
	case end.After(at):
		if u.Status != StatusDND {
			u.Status, u.StatusChange = StatusDND, at
		}
		ag.next = end
	default:
		delete(e.breaks, u.ID)
		if u.Status != StatusDND {
			return false // the break ended while they were on a call
		}
		u.Status, u.StatusChange = StatusReady, at
		ag.next = at.Add(e.dwellFor(u))
	}
	return true
}

// staffed reports whether an operator in status serves the queue's
// callers now: READY, IN_SERVICE or AFTER_SERVICE.
func staffed(status string) bool {
	return status == StatusReady || status == StatusInService || status == StatusAfterService
}
