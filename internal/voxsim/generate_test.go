package voxsim

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

func TestGenerateDeterministic(t *testing.T) {
	cfg := GenConfig{Users: 200, Apps: 3, Skills: 6, Queues: 5, Seed: 42, Now: fixedNow}
	a, b := Generate(cfg), Generate(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same GenConfig gave different accounts")
	}
	cfg.Seed = 43
	if reflect.DeepEqual(a, Generate(cfg)) {
		t.Fatal("a different seed gave the same account")
	}
}

// TestGenerateSameIDsEveryStart: a fixed seed gives the same ids and names
// whenever the account is generated (the demo starts at a different Now
// each time): only the timestamps move with Now, and the busy period stays
// as far ahead of it.
func TestGenerateSameIDsEveryStart(t *testing.T) {
	later := fixedNow.Add(36*time.Hour + 17*time.Minute + 3*time.Second)
	a := Generate(GenConfig{Seed: 7, Now: fixedNow})
	b := Generate(GenConfig{Seed: 7, Now: later})
	type names struct {
		apps, users, skills, queues []string
	}
	list := func(acct Account, now time.Time) names {
		var n names
		for _, x := range acct.Apps {
			n.apps = append(n.apps, fmt.Sprint(x.ID, x.Name))
		}
		for _, x := range acct.Users {
			n.users = append(n.users, fmt.Sprint(x.ID, x.Name, x.DisplayName, x.Apps, x.Skills, x.Queues, x.Status))
		}
		for _, x := range acct.Skills {
			n.skills = append(n.skills, fmt.Sprint(x.ID, x.Name))
		}
		for _, x := range acct.Queues {
			busy := "none"
			if !x.BusyAt.IsZero() {
				busy = x.BusyAt.Sub(now).String()
			}
			n.queues = append(n.queues, fmt.Sprint(x.ID, x.Name, x.ApplicationID, x.SLThresholds, x.Skills, x.CallsPerHour, x.Surge, busy))
		}
		return n
	}
	la, lb := list(a, fixedNow), list(b, later)
	for i, part := range [][2][]string{{la.apps, lb.apps}, {la.users, lb.users}, {la.skills, lb.skills}, {la.queues, lb.queues}} {
		if !slices.Equal(part[0], part[1]) {
			t.Errorf("seed 7 at two start times, part %d differs:\n%v\n%v", i, part[0], part[1])
		}
	}
}

func TestGenerateDefaults(t *testing.T) {
	a := Generate(GenConfig{Seed: 1, Now: fixedNow})
	if len(a.Users) != 60 || len(a.Apps) != 2 || len(a.Skills) != 5 || len(a.Queues) != 4 || a.ID == 0 {
		t.Errorf("defaults: %d users %d apps %d skills %d queues, id %d", len(a.Users), len(a.Apps), len(a.Skills), len(a.Queues), a.ID)
	}
}

// fraction of users with status s.
func fraction(us []User, s string) float64 {
	n := 0
	for _, u := range us {
		if u.Status == s {
			n++
		}
	}
	return float64(n) / float64(len(us))
}

// checkMix asserts a plausible contact-centre status mix, with wide
// bounds: the point is "looks like a contact centre", not exact numbers.
func checkMix(t *testing.T, us []User, when string) {
	t.Helper()
	bounds := map[string][2]float64{
		StatusReady: {0.12, 0.38}, StatusInService: {0.18, 0.45}, StatusAfterService: {0.04, 0.18},
		StatusOffline: {0.05, 0.30}, StatusBanned: {0, 0.05}, StatusOnline: {0.003, 0.15},
		StatusDND: {0.003, 0.12}, StatusTimeout: {0.01, 0.15},
	}
	for s, b := range bounds {
		if f := fraction(us, s); f < b[0] || f > b[1] {
			t.Errorf("%s: %.1f%% %s, want %.0f%%..%.0f%%", when, 100*f, s, 100*b[0], 100*b[1])
		}
	}
}

func TestGeneratePlausible(t *testing.T) {
	a := Generate(GenConfig{Users: 1000, Apps: 3, Skills: 6, Queues: 5, Seed: 7, Now: fixedNow})
	if len(a.Users) != 1000 {
		t.Fatalf("%d users", len(a.Users))
	}
	checkMix(t, a.Users, "generated")

	apps := map[int64]bool{}
	for _, app := range a.Apps {
		apps[app.ID] = true
		if app.Name == "" || app.Modified.After(fixedNow) {
			t.Errorf("application %+v", app)
		}
	}
	queueApp := map[int64]int64{}
	for _, q := range a.Queues {
		queueApp[q.ID] = q.ApplicationID
		if !apps[q.ApplicationID] {
			t.Errorf("queue %+v belongs to no application", q)
		}
	}
	ids, logins := map[int64]bool{}, map[string]bool{}
	var nonASCII, ownBalance, inactive, noStatus int
	for _, u := range a.Users {
		if ids[u.ID] || logins[u.Name] {
			t.Errorf("duplicate user %d %q", u.ID, u.Name)
		}
		ids[u.ID], logins[u.Name] = true, true
		if len(u.Apps) < 1 || len(u.Apps) > 2 || len(u.Skills) < 1 || len(u.Skills) > 3 || len(u.Queues) < 1 || len(u.Queues) > 2 {
			t.Errorf("user %d: %d apps %d skills %d queues", u.ID, len(u.Apps), len(u.Skills), len(u.Queues))
		}
		for _, id := range u.Apps {
			if !apps[id] {
				t.Errorf("user %d bound to unknown app %d", u.ID, id)
			}
		}
		for _, q := range u.Queues {
			if !slices.Contains(u.Apps, queueApp[q.ID]) {
				t.Errorf("user %d in queue %d of an application they are not in", u.ID, q.ID)
			}
		}
		if utf8.RuneCountInString(u.DisplayName) != len(u.DisplayName) {
			nonASCII++
		}
		for _, r := range u.Name {
			if r > 127 {
				t.Errorf("login %q is not ASCII", u.Name)
				break
			}
		}
		if !u.ParentAccounting {
			ownBalance++
			if u.LiveBalance <= 0 || u.FixedBalance < u.LiveBalance || u.LiveBalance != round4(u.LiveBalance) {
				t.Errorf("user %d own balance live %v fixed %v", u.ID, u.LiveBalance, u.FixedBalance)
			}
		} else if u.LiveBalance != 0 || u.FixedBalance != 0 {
			t.Errorf("user %d uses the parent's money but has a balance", u.ID)
		}
		if !u.Active {
			inactive++
			if u.Status != StatusOffline {
				t.Errorf("inactive user %d is %s", u.ID, u.Status)
			}
		}
		if u.Status == "" {
			noStatus++
			if !u.StatusChange.IsZero() {
				t.Errorf("user %d has no status but a change time", u.ID)
			}
		} else if u.StatusChange.After(fixedNow) || fixedNow.Sub(u.StatusChange) > 3*time.Hour {
			t.Errorf("user %d status changed at %v, not in the recent past", u.ID, u.StatusChange)
		}
		if u.Created.After(u.Modified) || u.Modified.After(fixedNow) {
			t.Errorf("user %d created %v modified %v", u.ID, u.Created, u.Modified)
		}
	}
	if nonASCII < 100 || ownBalance < 50 || inactive == 0 || noStatus == 0 {
		t.Errorf("non-ASCII names %d, own balances %d, inactive %d, without status %d: want some of each",
			nonASCII, ownBalance, inactive, noStatus)
	}
}

func TestGeneratedAccountServes(t *testing.T) {
	h := newHarness(t, nil)
	a := Generate(GenConfig{Users: 120, Seed: 5, Now: fixedNow})
	h.srv.SetAccount(a)
	seen := map[int64]bool{}
	for _, app := range a.Apps {
		for off := 0; ; off += 50 {
			m := h.call("GetUsers", vals("application_id", itoa(app.ID), "count", "50", "offset", itoa(int64(off)), "order_by", "user_id"))
			ids := userIDs(t, m)
			for _, id := range ids {
				seen[id] = true
			}
			if len(ids) == 0 {
				break
			}
		}
	}
	if len(seen) != 120 {
		t.Errorf("paging every application found %d of 120 users", len(seen))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestEvolveDeterministic(t *testing.T) {
	a := Generate(GenConfig{Users: 150, Seed: 9, Now: fixedNow})
	run := func() Account {
		s := NewServer(Config{Account: a, Seed: 77})
		defer s.Close()
		for i := 1; i <= 60; i++ {
			s.Evolve(fixedNow.Add(time.Duration(i) * 15 * time.Second))
		}
		return s.Account()
	}
	x, y := run(), run()
	if !reflect.DeepEqual(x, y) {
		t.Fatal("same seed and times gave different evolutions")
	}
	if reflect.DeepEqual(x, a) {
		t.Fatal("15 minutes of evolution changed nothing")
	}
}

func TestEvolvePlausible(t *testing.T) {
	start := Generate(GenConfig{Users: 800, Seed: 11, Now: fixedNow})
	s := NewServer(Config{Account: start})
	defer s.Close()
	prev := start
	now := fixedNow
	for range 4 * 60 * 6 { // four hours in 10 s steps
		now = now.Add(10 * time.Second)
		s.Evolve(now)
		if now.Minute() == 0 && now.Second() == 0 {
			cur := s.Account()
			checkEvolution(t, prev, cur, now)
			prev = cur
		}
	}
	end := s.Account()
	checkMix(t, end.Users, "after four hours")

	changed, moved := 0, 0
	for i, u := range end.Users {
		was := start.Users[i]
		if !was.Active || was.Status == "" {
			if u.Status != was.Status || !u.StatusChange.Equal(was.StatusChange) {
				t.Errorf("user %d (inactive or non-ACD) changed: %s -> %s", u.ID, was.Status, u.Status)
			}
			continue
		}
		if !u.StatusChange.Equal(was.StatusChange) {
			changed++
		}
		if u.LiveBalance != was.LiveBalance {
			moved++
			if u.ParentAccounting {
				t.Errorf("user %d spends the parent's money but their balance moved", u.ID)
			}
		}
	}
	if changed < len(end.Users)*3/4 {
		t.Errorf("only %d of %d operators changed status in four hours", changed, len(end.Users))
	}
	if moved == 0 {
		t.Error("no balance moved in four hours")
	}
}

// checkEvolution asserts invariants between two snapshots.
func checkEvolution(t *testing.T, prev, cur Account, now time.Time) {
	t.Helper()
	for i, u := range cur.Users {
		p := prev.Users[i]
		if u.StatusChange.Before(p.StatusChange) || u.StatusChange.After(now) {
			t.Errorf("user %d change time went %v -> %v (now %v)", u.ID, p.StatusChange, u.StatusChange, now)
		}
		if u.StatusChange.Nanosecond() != 0 {
			t.Errorf("user %d change time has sub-second part", u.ID)
		}
		if !knownStatus(u.Status) && u.Status != "" {
			t.Errorf("user %d has status %q", u.ID, u.Status)
		}
		if u.LiveBalance != round4(u.LiveBalance) || u.LiveBalance < 0 {
			t.Errorf("user %d live balance %v", u.ID, u.LiveBalance)
		}
		if math.IsNaN(u.FixedBalance) {
			t.Errorf("user %d fixed balance NaN", u.ID)
		}
	}
}

func TestEvolveFollowsUpdates(t *testing.T) {
	s := NewServer(Config{Account: Generate(GenConfig{Users: 20, Seed: 2, Now: fixedNow})})
	defer s.Close()
	s.Evolve(fixedNow.Add(time.Minute))
	s.UpdateUsers(func(us []User) []User {
		return append(us[:5], User{ID: 1, Name: "new", Active: true, Status: "SOMETHING_NEW", Apps: []int64{us[0].Apps[0]}})
	})
	s.Evolve(fixedNow.Add(10 * time.Minute)) // starts tracking the new user
	s.Evolve(fixedNow.Add(20 * time.Minute))
	a := s.Account()
	if len(a.Users) != 6 {
		t.Fatalf("%d users", len(a.Users))
	}
	if nu := a.Users[5]; !knownStatus(nu.Status) || nu.StatusChange.IsZero() {
		t.Errorf("a user added with an unknown status was not evolved: %+v", nu)
	}
	s.mu.Lock()
	tracked := len(s.evo.agents)
	s.mu.Unlock()
	if tracked > 6 {
		t.Errorf("evolver still tracks %d agents for 6 users", tracked)
	}
	// Going back in time changes nothing.
	before := s.Account()
	s.Evolve(fixedNow.Add(15 * time.Minute))
	if !reflect.DeepEqual(before, s.Account()) {
		t.Error("Evolve into the past changed the account")
	}
}

func TestEvolveLongGapBounded(t *testing.T) {
	s := NewServer(Config{Account: Generate(GenConfig{Users: 50, Seed: 3, Now: fixedNow})})
	defer s.Close()
	s.Evolve(fixedNow)
	start := time.Now()
	s.Evolve(fixedNow.Add(365 * 24 * time.Hour)) // a year: catch-up is capped
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a year's gap took %v", d)
	}
	for _, u := range s.Account().Users {
		if u.StatusChange.After(fixedNow.Add(365 * 24 * time.Hour)) {
			t.Errorf("user %d changed in the future", u.ID)
		}
	}
}

func TestRunEvolution(t *testing.T) {
	start := Generate(GenConfig{Users: 50, Seed: 4, Now: fixedNow})
	var clock atomicTime
	clock.set(fixedNow)
	s := NewServer(Config{Account: start, Now: clock.get})
	defer s.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunEvolution(ctx, time.Millisecond); close(done) }()
	clock.set(fixedNow.Add(2 * time.Hour))
	testkit.WaitFor(t, 5*time.Second, "waiting for evolution to change a status", func() bool { return !reflect.DeepEqual(s.Account(), start) })
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunEvolution did not return after cancel")
	}

	// Close stops it too, and Close waits for it.
	// The evolution must be seen running before Close, or Close would
	// only test the early return below: advance the clock and wait for a
	// change it made.
	done = make(chan struct{})
	go func() { s.RunEvolution(context.Background(), time.Millisecond); close(done) }()
	before := s.Account()
	clock.set(fixedNow.Add(4 * time.Hour))
	testkit.WaitFor(t, 5*time.Second, "waiting for the second evolution to change a status", func() bool { return !reflect.DeepEqual(s.Account(), before) })
	s.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunEvolution did not return after Close")
	}
	// After Close it returns at once.
	s.RunEvolution(context.Background(), time.Millisecond)
}
