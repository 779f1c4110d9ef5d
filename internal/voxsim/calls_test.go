package voxsim

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// checkCalls asserts the links Evolve maintains between calls and users.
// With everyOnCall, every active IN_SERVICE user bound to a queue must be
// on exactly one call (true of generated accounts).
func checkCalls(t *testing.T, a Account, now time.Time, everyOnCall bool) {
	t.Helper()
	users := map[int64]User{}
	for _, u := range a.Users {
		users[u.ID] = u
	}
	serving, rung, ids := map[int64]int64{}, map[int64]int64{}, map[int64]bool{}
	for _, c := range a.Calls {
		if ids[c.ID] {
			t.Errorf("%v: call id %d twice", now, c.ID)
		}
		ids[c.ID] = true
		if c.Arrived.After(now) || c.Arrived.Nanosecond() != 0 {
			t.Errorf("%v: call %d arrived %v", now, c.ID, c.Arrived)
		}
		switch {
		case c.Operator != 0:
			u := users[c.Operator]
			if !u.Active || u.Status != StatusInService || !hasQueueID(&u, c.QueueID) {
				t.Errorf("%v: call %d is served by user %d, who is %s (active %v) in queues %v", now, c.ID, c.Operator, u.Status, u.Active, u.Queues)
			}
			if prev, dup := serving[c.Operator]; dup {
				t.Errorf("%v: user %d serves calls %d and %d", now, c.Operator, prev, c.ID)
			}
			serving[c.Operator] = c.ID
			if c.Offered != 0 || c.Answered.Before(c.Arrived) || c.Answered.After(now) || !u.StatusChange.Equal(c.Answered) && everyOnCall {
				t.Errorf("%v: answered call %+v (operator since %v)", now, c, u.StatusChange)
			}
		case c.Offered != 0:
			u := users[c.Offered]
			if !u.Active || u.Status != StatusReady || !hasQueueID(&u, c.QueueID) {
				t.Errorf("%v: call %d rings user %d, who is %s (active %v)", now, c.ID, c.Offered, u.Status, u.Active)
			}
			if prev, dup := rung[c.Offered]; dup {
				t.Errorf("%v: user %d is rung by calls %d and %d", now, c.Offered, prev, c.ID)
			}
			rung[c.Offered] = c.ID
		}
	}
	if !everyOnCall {
		return
	}
	for _, u := range a.Users {
		if u.Active && u.Status == StatusInService && len(u.Queues) > 0 && serving[u.ID] == 0 {
			t.Errorf("%v: user %d is IN_SERVICE (since %v) on no call", now, u.ID, u.StatusChange)
		}
	}
}

// apiUser is what the consistency check reads from GetUsers.
type apiUser struct {
	active bool
	status string
	queues []int64
}

// readUsers pages GetUsers over every application, with queues.
func readUsers(t *testing.T, h *harness, apps []Application) map[int64]apiUser {
	t.Helper()
	out := map[int64]apiUser{}
	for _, app := range apps {
		m := h.call("GetUsers", vals("application_id", itoa(app.ID), "with_queues", "true", "count", "1000"))
		for _, r := range m["result"].([]any) {
			u := r.(map[string]any)
			au := apiUser{active: u["user_active"].(bool)}
			au.status, _ = u["acd_status"].(string)
			for _, q := range u["acd_queues"].([]any) {
				au.queues = append(au.queues, int64(q.(map[string]any)["acd_queue_id"].(float64)))
			}
			out[int64(u["user_id"].(float64))] = au
		}
	}
	return out
}

func idSet(t *testing.T, list any, key string) []int64 {
	t.Helper()
	out := []int64{}
	for _, x := range list.([]any) {
		if v, ok := x.(map[string]any)[key]; ok {
			out = append(out, int64(v.(float64)))
		}
	}
	slices.Sort(out)
	return out
}

// TestGetUsersAndACDStateAgree animates a generated account and checks,
// through both methods over HTTP, that every queue's figures are what the
// users' statuses say.
func TestGetUsersAndACDStateAgree(t *testing.T) {
	var clock atomicTime
	clock.set(fixedNow)
	h := newHarness(t, func(c *Config) {
		c.Account = Generate(GenConfig{Users: 150, Apps: 3, Queues: 5, Seed: 21, Now: fixedNow})
		c.Now = clock.get
	})
	apps := h.srv.Account().Apps
	now := fixedNow
	var sawWaiting, sawLocked, sawServing, sawAfter int
	for step := range 1200 { // about two hours in 2..9 s steps
		now = now.Add(time.Duration(2+step%8) * time.Second)
		h.srv.Evolve(now)
		checkCalls(t, h.srv.Account(), now, true)
		if step%40 != 0 {
			continue
		}
		clock.set(now)
		tok, err := h.creds.MintToken(now.Add(-5*time.Second), now.Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		h.token = tok
		users := readUsers(t, h, apps)
		state := h.call("GetACDState", vals("acd_queue_id", "all"))
		servingUsers, allRinging, allLocked := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
		for _, x := range state["result"].(map[string]any)["acd_queues"].([]any) {
			q := x.(map[string]any)
			qid := int64(q["acd_queue_id"].(float64))
			want := map[string][]int64{}
			for id, u := range users {
				if u.active && slices.Contains(u.queues, qid) {
					want[u.status] = append(want[u.status], id)
				}
			}
			for _, ids := range want {
				slices.Sort(ids)
			}
			ready, locked := idSet(t, q["ready_operators"], "user_id"), idSet(t, q["locked_operators"], "user_id")
			readyAndLocked := append(slices.Clone(ready), locked...)
			slices.Sort(readyAndLocked)
			if !slices.Equal(readyAndLocked, nilToEmpty(want[StatusReady])) {
				t.Fatalf("%v queue %d: ready %v + locked %v, GetUsers READY %v", now, qid, ready, locked, want[StatusReady])
			}
			if after := idSet(t, q["after_service_operators"], "user_id"); !slices.Equal(after, nilToEmpty(want[StatusAfterService])) {
				t.Fatalf("%v queue %d: after service %v, GetUsers AFTER_SERVICE %v", now, qid, after, want[StatusAfterService])
			}
			if q["ready_operators_count"] != float64(len(ready)) || q["locked_operators_count"] != float64(len(locked)) ||
				q["after_service_operator_count"] != float64(len(q["after_service_operators"].([]any))) {
				t.Fatalf("%v queue %d: counts disagree with the lists: %v", now, qid, q)
			}
			for _, id := range idSet(t, q["servicing_calls"], "user_id") {
				if !slices.Contains(want[StatusInService], id) || servingUsers[id] {
					t.Fatalf("%v queue %d: servicing call of user %d, who is %+v", now, qid, id, users[id])
				}
				servingUsers[id] = true
			}
			// A call rings a locked operator of its queue; an operator
			// it rings is locked in all their queues.
			for _, id := range idSet(t, q["waiting_calls"], "user_id") {
				if !slices.Contains(locked, id) || allRinging[id] {
					t.Fatalf("%v queue %d: a waiting call rings %d, locked operators %v", now, qid, id, locked)
				}
				allRinging[id] = true
			}
			for _, id := range locked {
				allLocked[id] = true
			}
			sawWaiting += len(q["waiting_calls"].([]any))
			sawLocked += len(locked)
			sawServing += len(q["servicing_calls"].([]any))
			sawAfter += len(q["after_service_operators"].([]any))
		}
		if !reflect.DeepEqual(allLocked, allRinging) {
			t.Fatalf("%v: locked operators %v, rung by waiting calls %v", now, allLocked, allRinging)
		}
		for id, u := range users {
			if u.active && u.status == StatusInService && len(u.queues) > 0 && !servingUsers[id] {
				t.Fatalf("%v: user %d is IN_SERVICE but serves no queue's call", now, id)
			}
		}
	}
	if sawWaiting == 0 || sawLocked == 0 || sawServing == 0 || sawAfter == 0 {
		t.Errorf("in two hours: %d waiting, %d locked, %d servicing, %d after service: want some of each", sawWaiting, sawLocked, sawServing, sawAfter)
	}
}

func nilToEmpty(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

// oneQueue is an account with one queue (no arrivals of its own) and the
// given operators in it, READY since fixedNow.
func oneQueue(q Queue, operators ...int64) Account {
	q.ID, q.Name, q.ApplicationID = 100, "Support", 10
	a := Account{ID: testAccountID, Apps: []Application{{ID: 10, Name: "support.acme.n2.voximplant.com"}}, Queues: []Queue{q}}
	for _, id := range operators {
		a.Users = append(a.Users, User{ID: id, Name: fmt.Sprintf("op%d", id), Active: true, ParentAccounting: true,
			Apps: []int64{10}, Queues: []Queue{q.binding(false)}, Status: StatusReady, StatusChange: fixedNow})
	}
	return a
}

func TestCallAnsweredByReadyOperator(t *testing.T) {
	s := NewServer(Config{Account: oneQueue(Queue{CallsPerHour: -1, AverageServiceTime: 120}, 1, 2), Seed: 3})
	defer s.Close()
	// op1 has been idle longer: the call rings them first.
	s.UpdateUsers(func(us []User) []User {
		us[0].StatusChange = fixedNow.Add(-time.Minute)
		return us
	})
	s.SetCalls([]Call{{ID: 1, QueueID: 100, Priority: 50, Arrived: fixedNow}})

	s.Evolve(fixedNow)
	c := s.Calls()
	if len(c) != 1 || c[0].Offered != 1 || c[0].Operator != 0 {
		t.Fatalf("after dispatch: %+v, want the call ringing op1", c)
	}
	var statuses []string
	var answered time.Time
	for now := fixedNow.Add(time.Second); now.Before(fixedNow.Add(20 * time.Minute)); now = now.Add(time.Second) {
		s.Evolve(now)
		a := s.Account()
		checkCalls(t, a, now, true)
		if st := a.Users[0].Status; len(statuses) == 0 || statuses[len(statuses)-1] != st {
			statuses = append(statuses, st)
		}
		if len(a.Calls) == 1 && a.Calls[0].Operator == 1 && answered.IsZero() {
			answered = a.Calls[0].Answered
			if d := answered.Sub(fixedNow); d < 2*time.Second || d > 10*time.Second {
				t.Errorf("answered after %v of ringing, want 2..10 s", d)
			}
			if !a.Users[0].StatusChange.Equal(answered) {
				t.Errorf("op1 IN_SERVICE since %v, call answered %v", a.Users[0].StatusChange, answered)
			}
		}
		if a.Users[1].Status != StatusReady {
			if a.Users[1].Status == StatusInService {
				t.Fatal("op2 took a call nobody made")
			}
		}
	}
	if answered.IsZero() {
		t.Fatal("the call was never answered")
	}
	if len(statuses) < 3 || !slices.Equal(statuses[:3], []string{StatusReady, StatusInService, StatusAfterService}) {
		t.Errorf("op1 went %v, want READY, IN_SERVICE, AFTER_SERVICE...", statuses)
	}
	if c := s.Calls(); len(c) != 0 {
		t.Errorf("calls left after 20 minutes: %+v", c)
	}
}

func TestCallRingingLocksOperator(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Account = oneQueue(Queue{CallsPerHour: -1}, 1, 2) })
	h.srv.SetCalls([]Call{{ID: 1, QueueID: 100, Priority: 50, Arrived: fixedNow}})
	h.srv.Evolve(fixedNow)
	q := h.call("GetACDState", vals("acd_queue_id", "100"))["result"].(map[string]any)["acd_queues"].([]any)[0].(map[string]any)
	if q["locked_operators_count"] != 1.0 || q["ready_operators_count"] != 1.0 || len(q["waiting_calls"].([]any)) != 1 {
		t.Errorf("while ringing: %v", q)
	}
	// Taking the rung operator away puts the call back in the queue, to
	// be offered to the other one.
	rung := h.srv.Calls()[0].Offered
	h.srv.UpdateUsers(func(us []User) []User {
		for i := range us {
			if us[i].ID == rung {
				us[i].Status = StatusDND
			}
		}
		return us
	})
	h.srv.Evolve(fixedNow.Add(time.Second))
	a := h.srv.Account()
	checkCalls(t, a, fixedNow.Add(time.Second), true)
	if c := a.Calls[0]; c.Offered == 0 || a.Users[slices.IndexFunc(a.Users, func(u User) bool { return u.ID == c.Offered })].Status != StatusReady {
		t.Errorf("after the rung operator left: %+v", c)
	}
}

func TestCallEndsWhenOperatorLeaves(t *testing.T) {
	a, calls := acdFixture()
	s := NewServer(Config{Account: a})
	defer s.Close()
	s.SetCalls(calls)
	s.UpdateUsers(func(us []User) []User {
		us[1].Status = StatusDND // anna, serving call 11
		return us
	})
	s.Evolve(fixedNow)
	for _, c := range s.Calls() {
		if c.ID == 11 {
			t.Errorf("call 11 still served by anna, who went DND: %+v", c)
		}
	}
	checkCalls(t, s.Account(), fixedNow, false)
}

func TestCallersHangUp(t *testing.T) {
	// Nobody to answer: every caller hangs up within their patience.
	s := NewServer(Config{Account: oneQueue(Queue{CallsPerHour: 600, Patience: 40 * time.Second}), Seed: 5})
	defer s.Close()
	s.SetCalls([]Call{{ID: 1, QueueID: 100, Priority: 50, Arrived: fixedNow}})
	seen, gone := map[int64]time.Time{}, 0
	var longest time.Duration
	now := fixedNow
	for range 1800 {
		now = now.Add(time.Second)
		s.Evolve(now)
		present := map[int64]bool{}
		for _, c := range s.Calls() {
			present[c.ID] = true
			if _, ok := seen[c.ID]; !ok {
				seen[c.ID] = c.Arrived
			}
			if !c.Waiting() {
				t.Fatalf("call %d answered with nobody there", c.ID)
			}
			longest = max(longest, now.Sub(c.Arrived))
		}
		for id := range seen {
			if !present[id] {
				gone++
				delete(seen, id)
			}
		}
	}
	if gone < 100 {
		t.Errorf("%d callers hung up in 30 minutes at 600 calls/hour", gone)
	}
	if longest > 6*time.Minute {
		t.Errorf("a caller waited %v", longest)
	}
	if n := len(s.Calls()); n > 40 {
		t.Errorf("%d callers waiting with a 40 s patience at 10 calls/minute", n)
	}
	// Every caller who hung up is in the history as abandoned, with the
	// wait they had, and nobody as answered or rejected.
	h := s.Account().History
	if len(h) != gone {
		t.Errorf("%d records for %d callers who hung up", len(h), gone)
	}
	for _, r := range h {
		if r.Abandoned.IsZero() || !r.Answered.IsZero() || r.Rejected || r.Wait() <= 0 || r.QueueLength < 1 && r.ID != 1 {
			t.Errorf("record %+v: want abandoned after a wait, with its queue length", r)
		}
	}
}

func TestQueueSizeLimit(t *testing.T) {
	s := NewServer(Config{Account: oneQueue(Queue{CallsPerHour: 3600, MaxQueueSize: 3})})
	defer s.Close()
	most := 0
	for i := range 600 {
		s.Evolve(fixedNow.Add(time.Duration(i) * time.Second))
		most = max(most, len(s.Calls()))
	}
	if most != 3 {
		t.Errorf("at most %d calls waited, want the max_queue_size 3", most)
	}
	rejected := 0
	for _, r := range s.Account().History {
		if r.Rejected {
			rejected++
			if r.QueueLength != 3 || !r.Answered.IsZero() || !r.Abandoned.IsZero() {
				t.Errorf("rejected record %+v: want queue length 3, neither answered nor abandoned", r)
			}
		}
	}
	if rejected < 100 {
		t.Errorf("%d rejected records at 60 calls/minute into a full queue over 10 minutes", rejected)
	}
}

// TestRejections: besides a full queue, the ACD rejects a caller when
// every operator bound to the queue is offline or banned, or the predicted
// wait is over max_waiting_time; others wait.
func TestRejections(t *testing.T) {
	for _, tc := range []struct {
		name           string
		status         string
		maxWaitMinutes int
		reject         bool
	}{
		{"the only operator offline", StatusOffline, 0, true},
		{"the only operator banned", StatusBanned, 0, true},
		{"the only operator on a break", StatusDND, 0, false},
		// DND: nobody staffed, so the first caller's predicted wait is
		// one 120 s service: 2 minutes.
		{"predicted 2 min, max 1 min", StatusDND, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := oneQueue(Queue{CallsPerHour: 600, AverageServiceTime: 120, MaxWaitingTime: tc.maxWaitMinutes, Patience: time.Hour}, 1)
			a.Users[0].Status = tc.status
			s := NewServer(Config{Account: a, Seed: 4})
			defer s.Close()
			for i := range 60 {
				s.Evolve(fixedNow.Add(time.Duration(i) * time.Second))
			}
			acct := s.Account()
			if acct.Users[0].Status != tc.status {
				t.Fatalf("op1 left %s within a minute", tc.status)
			}
			rejected := 0
			for _, r := range acct.History {
				if r.Rejected {
					rejected++
				}
			}
			switch {
			case tc.reject && (rejected == 0 || len(acct.Calls) != 0):
				t.Errorf("%d rejected, %d waiting: want every caller rejected", rejected, len(acct.Calls))
			case !tc.reject && (rejected != 0 || len(acct.Calls) == 0):
				t.Errorf("%d rejected, %d waiting: want callers waiting", rejected, len(acct.Calls))
			}
		})
	}

	// With max_waiting_time 2 min the first caller (predicted 2 min) waits;
	// the next ones, predicted 4 min and more, are rejected.
	a := oneQueue(Queue{CallsPerHour: 600, AverageServiceTime: 120, MaxWaitingTime: 2, Patience: time.Hour}, 1)
	a.Users[0].Status = StatusDND
	s := NewServer(Config{Account: a, Seed: 4})
	defer s.Close()
	for i := range 60 {
		s.Evolve(fixedNow.Add(time.Duration(i) * time.Second))
	}
	acct := s.Account()
	if len(acct.Calls) != 1 || len(acct.History) == 0 || !acct.History[0].Rejected || acct.History[0].QueueLength != 1 {
		t.Errorf("max_waiting_time 2 min: %d waiting, history %+v: want 1 waiting, the rest rejected behind it", len(acct.Calls), acct.History)
	}
}

// TestHistoryBounded: the history keeps the last maxHistoryAge and at most
// maxHistoryPerQueue records a queue, the newest, in order.
func TestHistoryBounded(t *testing.T) {
	e := newEvolver(1, 0)
	now := fixedNow
	var acct Account
	for i := range maxHistoryPerQueue + 10 {
		// Queue 1: one call a second until now; queue 2: 100 calls, the
		// first 60 older than maxHistoryAge.
		acct.History = append(acct.History, CallRecord{ID: int64(i), QueueID: 1, Arrived: now.Add(-time.Duration(maxHistoryPerQueue+10-i) * time.Second)})
		if i < 100 {
			acct.History = append(acct.History, CallRecord{ID: -int64(i), QueueID: 2, Arrived: now.Add(-maxHistoryAge - time.Duration(60-i)*time.Minute)})
		}
	}
	e.trimHistory(&acct, now)
	var q1, q2 []CallRecord
	for _, r := range acct.History {
		if r.QueueID == 1 {
			q1 = append(q1, r)
		} else {
			q2 = append(q2, r)
		}
	}
	if len(q1) != maxHistoryPerQueue || q1[0].ID != 10 || q1[len(q1)-1].ID != maxHistoryPerQueue+9 {
		t.Errorf("queue 1 kept %d records, %d..%d, want the newest %d", len(q1), q1[0].ID, q1[len(q1)-1].ID, maxHistoryPerQueue)
	}
	if len(q2) != 40 || q2[0].ID != -60 {
		t.Errorf("queue 2 kept %d records from %d, want the 40 within %v", len(q2), q2[0].ID, maxHistoryAge)
	}
	if !slices.IsSortedFunc(q1, func(a, b CallRecord) int { return a.Arrived.Compare(b.Arrived) }) {
		t.Error("trimming reordered the history")
	}
	// Below the trigger nothing is trimmed (the cost is amortised).
	n := len(acct.History)
	acct.History = append(acct.History, CallRecord{ID: 1 << 40, QueueID: 2, Arrived: now.Add(-48 * time.Hour)})
	e.trimHistory(&acct, now)
	if len(acct.History) != n+1 {
		t.Errorf("trimmed again at %d records, before doubling from %d", len(acct.History), n)
	}
}

func TestDefaultCallRate(t *testing.T) {
	// The fixture's queues have no rate: no calls, the timer model as before.
	s := NewServer(Config{Account: fixture()})
	defer s.Close()
	sawInService := false
	for i := range 3600 {
		s.Evolve(fixedNow.Add(time.Duration(i) * time.Second))
		a := s.Account()
		if len(a.Calls) != 0 {
			t.Fatalf("calls in an account without rates: %+v", a.Calls)
		}
		sawInService = sawInService || a.Users[0].Status == StatusInService
	}
	if !sawInService {
		t.Error("without calls, READY operators should still go IN_SERVICE by the timer model")
	}
	if s.evo.withCalls {
		t.Error("the call simulation started without rates or calls")
	}

	// Config.CallsPerHour gives every queue calls.
	s = NewServer(Config{Account: fixture(), CallsPerHour: 120})
	defer s.Close()
	queues := map[int64]bool{}
	for i := range 1800 {
		s.Evolve(fixedNow.Add(time.Duration(i) * time.Second))
		for _, c := range s.Calls() {
			queues[c.QueueID] = true
		}
		checkCalls(t, s.Account(), fixedNow.Add(time.Duration(i)*time.Second), false)
	}
	if len(queues) != 3 {
		t.Errorf("calls came to queues %v, want all three", queues)
	}
}

func TestCallsDeterministic(t *testing.T) {
	a := Generate(GenConfig{Users: 120, Seed: 9, Now: fixedNow})
	run := func(seed int64) Account {
		s := NewServer(Config{Account: a, Seed: seed})
		defer s.Close()
		now := fixedNow
		for i := range 500 {
			now = now.Add(time.Duration(1+i%5) * time.Second)
			s.Evolve(now)
		}
		before := s.Account()
		s.Evolve(now.Add(-time.Minute)) // the past changes nothing
		if !reflect.DeepEqual(before, s.Account()) {
			t.Error("Evolve into the past changed the account")
		}
		return before
	}
	x, y := run(77), run(77)
	if !reflect.DeepEqual(x, y) {
		t.Fatal("same seed and times gave different calls")
	}
	if reflect.DeepEqual(x.Calls, a.Calls) {
		t.Fatal("the calls did not change in 25 minutes")
	}
	if reflect.DeepEqual(x, run(78)) {
		t.Error("another seed gave the same evolution")
	}
}

// waitingAndReady counts queue's waiting calls and its active READY
// operators.
func waitingAndReady(a Account, queue int64) (waiting, ready int) {
	for _, c := range a.Calls {
		if c.QueueID == queue && c.Waiting() {
			waiting++
		}
	}
	for _, u := range a.Users {
		if u.Active && u.Status == StatusReady && hasQueueID(&u, queue) {
			ready++
		}
	}
	return waiting, ready
}

func TestGeneratedQueues(t *testing.T) {
	a := Generate(GenConfig{Users: 300, Apps: 3, Queues: 6, Seed: 4, Now: fixedNow})
	for _, q := range a.Queues {
		if q.CallsPerHour <= 0 || q.Surge <= 1 || q.Patience <= 0 || q.AverageServiceTime <= 0 || q.MaxQueueSize <= 0 ||
			q.MaxWaitingTime <= 0 || q.ServiceProbability < 0.5 || q.ServiceProbability > 1 || q.Created.After(q.Modified) || q.Modified.After(fixedNow) {
			t.Errorf("queue %+v", q)
		}
		if q.AverageServiceTime < 120 || q.AverageServiceTime > 300 || len(q.SLThresholds) == 0 || !slices.IsSorted(q.SLThresholds) ||
			q.SLThresholds[0] <= 0 || len(q.Skills) == 0 {
			t.Errorf("queue %d: AHT %d s, thresholds %v, skills %v: want 120-300 s, ascending positive thresholds, some skills",
				q.ID, q.AverageServiceTime, q.SLThresholds, q.Skills)
		}
	}
	for _, u := range a.Users {
		for _, q := range u.Queues {
			if !reflect.DeepEqual(q, q.binding(q.AutoLink)) {
				t.Errorf("user %d's binding carries catalogue fields: %+v", u.ID, q)
			}
		}
	}
	checkCalls(t, a, fixedNow, true)
	if len(a.Calls) == 0 {
		t.Error("no calls in a generated account")
	}

	// The demo's account: queues mostly keep up and sometimes build up,
	// sometimes with nobody READY to take the calls.
	a = Generate(GenConfig{Users: 60, Apps: 2, Skills: 5, Queues: 4, Seed: 1, Now: fixedNow})
	s := NewServer(Config{Account: a})
	defer s.Close()
	var samples, idle, buildUps, uncovered int
	for i := range 3 * 1800 { // three hours in 2 s steps
		now := fixedNow.Add(time.Duration(2*i) * time.Second)
		s.Evolve(now)
		cur := s.Account()
		for _, q := range cur.Queues {
			waiting, ready := waitingAndReady(cur, q.ID)
			samples++
			switch {
			case waiting == 0:
				idle++
			case waiting >= 3:
				buildUps++
			}
			if waiting > 0 && ready == 0 {
				uncovered++
			}
		}
	}
	if idle < samples/2 || buildUps == 0 || uncovered == 0 {
		t.Errorf("of %d queue samples: %d with no call waiting, %d with 3 or more, %d with calls and nobody READY: want mostly none, some of both",
			samples, idle, buildUps, uncovered)
	}
}
