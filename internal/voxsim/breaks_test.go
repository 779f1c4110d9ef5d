package voxsim

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestQueueBreak: at BreakAt, BreakShare (rounded up) of the queue's
// active operators go on a break: none of them is READY or answers a
// new call until BreakAt+BreakFor (one rung at BreakAt may still answer
// it), each is DND once their status ends (after the call's work for one
// on a call) or away as before, and at the end every one DND is READY
// again. Evolve runs on a fake clock, second by second.
func TestQueueBreak(t *testing.T) {
	for _, seed := range []int64{1, 7} {
		acct := Generate(GenConfig{Users: 60, Apps: 2, Skills: 5, Queues: 4, Seed: seed, Now: fixedNow})
		q := &acct.Queues[0]
		const share = 0.4
		q.BreakAt, q.BreakFor, q.BreakShare = fixedNow.Add(2*time.Minute), 10*time.Minute, share
		var clock atomicTime
		clock.set(fixedNow)
		h := newHarness(t, func(c *Config) {
			c.Account = acct
			c.Now = clock.get
		})
		step := func(now time.Time) Account {
			clock.set(now)
			h.srv.Evolve(now)
			return h.srv.Account()
		}
		var before Account
		for now := fixedNow; now.Before(q.BreakAt); now = now.Add(time.Second) {
			before = step(now)
			if n := h.onBreak(); n != 0 {
				t.Fatalf("seed %d: %d operators on a break at %s, before it", seed, n, now)
			}
		}
		team := 0
		for _, u := range before.Users {
			if u.Active && u.Status != "" && hasQueueID(&u, q.ID) {
				team++
			}
		}
		step(q.BreakAt)
		away := h.breakIDs()
		if want := int(math.Ceil(share * float64(team))); len(away) != want {
			t.Fatalf("seed %d: %d operators went on the break, want ceil(%.1f × %d in the team) = %d", seed, len(away), share, team, want)
		}
		end := q.BreakAt.Add(q.BreakFor)
		wasDND := map[int64]bool{}
		var last Account
		for now := q.BreakAt; now.Before(end); now = now.Add(time.Second) {
			last = step(now)
			for _, u := range last.Users {
				if !slices.Contains(away, u.ID) {
					continue
				}
				late := now.Sub(q.BreakAt) > 30*time.Second // a ring at BreakAt ends within 30 s
				switch {
				case u.Status == StatusReady && late:
					t.Fatalf("seed %d: operator %d READY at %s, during the break", seed, u.ID, now)
				case u.Status == StatusInService && late && u.StatusChange.After(q.BreakAt.Add(30*time.Second)):
					t.Fatalf("seed %d: operator %d answered a call at %s, during the break", seed, u.ID, u.StatusChange)
				case wasDND[u.ID] && u.Status != StatusDND:
					t.Fatalf("seed %d: operator %d left DND for %s at %s, before the break ended", seed, u.ID, u.Status, now)
				}
				wasDND[u.ID] = u.Status == StatusDND
			}
		}
		// Each one on the break is DND at its end, or still away (not on
		// shift) in the status they had before it.
		stillAway := 0
		for _, u := range last.Users {
			if !slices.Contains(away, u.ID) || wasDND[u.ID] {
				continue
			}
			if staffed(u.Status) || u.StatusChange.After(q.BreakAt) {
				t.Errorf("seed %d: operator %d on the break is %s since %s at its end, want DND or away since before it", seed, u.ID, u.Status, u.StatusChange)
			}
			stillAway++
		}
		if stillAway == len(away) {
			t.Errorf("seed %d: none of %v was DND at the break's end", seed, away)
		}
		a := step(end)
		for _, u := range a.Users {
			if wasDND[u.ID] && (u.Status != StatusReady || !u.StatusChange.Equal(end)) {
				t.Errorf("seed %d: operator %d is %s since %s after the break, want READY since %s", seed, u.ID, u.Status, u.StatusChange, end)
			}
		}
		// Those still away leave the break when their status ends.
		if n := h.onBreak(); n > stillAway {
			t.Errorf("seed %d: %d operators still on a break after it ended, %d were away", seed, n, stillAway)
		}
	}
}

// onBreak is how many operators the simulation has on a queue's break.
func (h *harness) onBreak() int { return len(h.breakIDs()) }

// breakIDs are the operators the simulation has on a queue's break.
func (h *harness) breakIDs() []int64 {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	var ids []int64
	if h.srv.evo != nil {
		for id := range h.srv.evo.breaks {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
