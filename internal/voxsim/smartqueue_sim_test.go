package voxsim

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkSQ asserts the links Evolve maintains in a SmartQueue at now.
func checkSQ(t *testing.T, sq SmartQueue, now time.Time) {
	t.Helper()
	known := append(slices.Clone(SQStatuses), sq.CustomStatuses...)
	agents := map[int64]SQAgent{}
	held := map[sqKey]int64{}
	for _, a := range sq.Agents {
		agents[a.UserID] = a
		for _, c := range a.Channels {
			if !slices.Contains(known, c.Status) {
				t.Errorf("%v: agent %d %s status %q", now, a.UserID, c.Name, c.Status)
			}
			if c.Since.After(now) {
				t.Errorf("%v: agent %d %s since %v", now, a.UserID, c.Name, c.Since)
			}
		}
		if len(a.Past) > sqPastCap {
			t.Errorf("%v: agent %d keeps %d past statuses", now, a.UserID, len(a.Past))
		}
	}
	for _, k := range sq.Tasks {
		if k.Arrived.After(now) || sq.queueIndex(k.QueueID) < 0 {
			t.Errorf("%v: %+v", now, k)
		}
		if k.Status == SQTaskInQueue {
			if k.Agent != 0 {
				t.Errorf("%v: waiting task %d has agent %d", now, k.ID, k.Agent)
			}
			continue
		}
		a, ok := agents[k.Agent]
		c := a.channel(k.Type)
		if !ok || c == nil || !slices.Contains(a.Queues, k.QueueID) || !a.qualifies(k.Skills) {
			t.Errorf("%v: task %+v is with agent %+v, who cannot take it", now, k, a)
			continue
		}
		key := sqKey{k.Agent, k.Type}
		if prev, dup := held[key]; dup {
			t.Errorf("%v: agent %d holds tasks %d and %d on %s", now, k.Agent, prev, k.ID, k.Type)
		}
		held[key] = k.ID
		want := SQStatusInService
		if k.Status == SQTaskDistributed {
			want = sqDistributedStatus(k.Type)
		}
		if c.Status != want {
			t.Errorf("%v: task %d is %s, its agent %d is %s on %s", now, k.ID, k.Status, k.Agent, c.Status, k.Type)
		}
		if k.Status == SQTaskInProcessing && (!c.Since.Equal(k.Started) || k.Started.Before(k.Arrived)) {
			t.Errorf("%v: task %d started %v, arrived %v, agent in service since %v", now, k.ID, k.Started, k.Arrived, c.Since)
		}
	}
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			if (c.Status == SQStatusInService || c.Status == SQStatusDialing) && held[sqKey{a.UserID, c.Name}] == 0 {
				t.Errorf("%v: agent %d is %s on %s with no task", now, a.UserID, c.Status, c.Name)
			}
		}
	}
	for _, q := range sq.Queues {
		if len(q.History) > sqHistoryCap {
			t.Errorf("%v: queue %d keeps %d finished tasks", now, q.ID, len(q.History))
		}
		if !slices.IsSortedFunc(q.History, func(a, b SQTaskRecord) int { return a.Ended.Compare(b.Ended) }) {
			t.Errorf("%v: queue %d history out of order", now, q.ID)
		}
	}
}

func generatedSQ(seed int64) Account {
	return Generate(GenConfig{Users: 60, Seed: seed, Now: fixedNow, SmartQueues: 2})
}

func TestGenerateSmartQueue(t *testing.T) {
	a := generatedSQ(5)
	if !reflect.DeepEqual(a, generatedSQ(5)) {
		t.Fatal("same GenConfig gave different SmartQueues")
	}
	sq := a.SmartQueue
	if len(sq.Queues) != 2 || len(sq.Agents) < 10 || len(sq.CustomStatuses) == 0 || len(sq.CustomStatuses) > MaxSQCustomStatuses {
		t.Fatalf("%d queues, %d agents, custom statuses %v", len(sq.Queues), len(sq.Agents), sq.CustomStatuses)
	}
	app := a.Apps[len(a.Apps)-1]
	if !strings.HasPrefix(app.Name, "smartqueue.") {
		t.Errorf("SmartQueue application %q", app.Name)
	}
	shapes := map[string]int{}
	for _, ag := range sq.Agents {
		var names []string
		for _, c := range ag.Channels {
			names = append(names, c.Name)
		}
		shapes[strings.Join(names, "+")]++
		u, ok := a.user(ag.UserID)
		if !ok || !slices.Contains(u.Apps, app.ID) {
			t.Errorf("agent %d is not a user of the SmartQueue application", ag.UserID)
		}
		for _, s := range ag.Skills {
			if s.Level < 1 || s.Level > 5 || sq.skillName(s.ID) == "" {
				t.Errorf("agent %d skill %+v", ag.UserID, s)
			}
		}
	}
	if shapes["CALL+IM"] == 0 || shapes["CALL"] == 0 || shapes["IM"] == 0 {
		t.Errorf("channel mixes %v: want agents on both channels, CALL only and IM only", shapes)
	}
	for _, q := range sq.Queues {
		if q.ApplicationID != app.ID || q.CallsPerHour <= 0 || q.MessagesPerHour <= 0 {
			t.Errorf("queue %+v", q)
		}
	}
	checkSQ(t, sq, fixedNow)

	// Without SmartQueues the account is what it always was.
	plain := Generate(GenConfig{Users: 60, Seed: 5, Now: fixedNow})
	if len(plain.SmartQueue.Queues) != 0 || len(plain.Apps) != len(a.Apps)-1 || !reflect.DeepEqual(plain.Calls, a.Calls) {
		t.Error("SmartQueues changed the rest of the generated account")
	}
}

func evolveSQ(a Account, seed int64, steps int, every time.Duration) Account {
	s := NewServer(Config{Account: a, Seed: seed})
	defer s.Close()
	for i := 1; i <= steps; i++ {
		s.Evolve(fixedNow.Add(time.Duration(i) * every))
	}
	return s.Account()
}

func TestSQEvolveDeterministic(t *testing.T) {
	a := generatedSQ(9)
	x, y := evolveSQ(a, 77, 80, 15*time.Second), evolveSQ(a, 77, 80, 15*time.Second)
	if !reflect.DeepEqual(x.SmartQueue, y.SmartQueue) {
		t.Fatal("same seed and times gave different SmartQueue evolutions")
	}
	if reflect.DeepEqual(x.SmartQueue, a.SmartQueue) {
		t.Fatal("20 minutes changed nothing")
	}
	if z := evolveSQ(a, 78, 80, 15*time.Second); reflect.DeepEqual(x.SmartQueue, z.SmartQueue) {
		t.Fatal("another seed gave the same evolution")
	}
}

// TestSQKeepsACDEvolution: the SmartQueue draws from its own stream, so
// the ACD side evolves exactly as without it.
func TestSQKeepsACDEvolution(t *testing.T) {
	with := evolveSQ(generatedSQ(4), 3, 60, 20*time.Second)
	without := evolveSQ(Generate(GenConfig{Users: 60, Seed: 4, Now: fixedNow}), 3, 60, 20*time.Second)
	if !reflect.DeepEqual(with.Calls, without.Calls) {
		t.Error("a SmartQueue changed the ACD calls")
	}
	for i := range with.Users {
		w, o := with.Users[i], without.Users[i]
		if w.Status != o.Status || !w.StatusChange.Equal(o.StatusChange) {
			t.Errorf("user %d: %s since %v with a SmartQueue, %s since %v without", w.ID, w.Status, w.StatusChange, o.Status, o.StatusChange)
		}
	}
}

// TestSQEvolution animates a generated SmartQueue for an hour and reads
// both methods over HTTP at every step: the links hold, the state and the
// metrics tell one story (every call that entered a queue since the start
// is waiting or in processing now, handled or abandoned), and the service
// level moves within the first minutes.
func TestSQEvolution(t *testing.T) {
	var clock atomicTime
	clock.set(fixedNow)
	h := newHarness(t, func(c *Config) {
		c.Account = generatedSQ(21)
		c.Now = clock.get
	})
	acct := h.srv.Account()
	app := itoa(acct.Apps[len(acct.Apps)-1].ID)
	var qids, qnames []string
	for _, q := range acct.SmartQueue.Queues {
		qids = append(qids, itoa(q.ID))
		qnames = append(qnames, q.Name)
	}
	// The simulation starts at the account's latest status change, at most
	// ten minutes before fixedNow; nothing happened before.
	start := fixedNow.Add(-15 * time.Minute).Format(timeLayout)
	reports := "call_count_assigned_to_queue;count_handled_calls;count_abandonment_calls;service_level;occupancy_rate;im_count_assigned_to_queue"

	prevIDs := map[int64]int64{} // task id -> queue id at the last step
	slSeen := map[float64]bool{}
	seen := map[string]bool{}
	now := fixedNow
	for step := 1; step <= 240; step++ {
		now = now.Add(15 * time.Second)
		h.srv.Evolve(now)
		clock.set(now)
		tok, err := h.creds.MintToken(now.Add(-5*time.Second), now.Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		h.token = tok
		sq := h.srv.Account().SmartQueue
		checkSQ(t, sq, now)
		// Every task that left the state since the last step is in its
		// queue's history, handled or abandoned since then.
		ids := map[int64]int64{}
		for _, k := range sq.Tasks {
			ids[k.ID] = k.QueueID
		}
		for id, qid := range prevIDs {
			if _, still := ids[id]; still {
				continue
			}
			hist := sq.Queues[sq.queueIndex(qid)].History
			i := slices.IndexFunc(hist, func(r SQTaskRecord) bool { return r.ID == id })
			if i < 0 || hist[i].Outcome == SQOutcomeBlocked || !hist[i].Ended.After(now.Add(-15*time.Second)) || hist[i].Ended.After(now) {
				t.Fatalf("%v: task %d left the queue but its record is %+v", now, id, hist[max(i, 0):min(i+1, len(hist))])
			}
		}
		prevIDs = ids

		state := h.call("GetSQState", vals("application_id", app, "sq_queue_id", "all"))
		current := map[int64]map[string]int{} // by queue, by channel
		for _, q := range state["result"].([]any) {
			q := q.(map[string]any)
			id := int64(q["sq_queue_id"].(float64))
			current[id] = map[string]int{}
			statuses := map[int64]map[string]any{}
			for _, a := range q["sq_agents"].([]any) {
				a := a.(map[string]any)
				sts := a["sq_statuses"].([]any)[0].(map[string]any)
				statuses[int64(a["user_id"].(float64))] = sts
				seen["channels "+strings.Join(keys(sts), "+")] = true
				for _, st := range sts {
					seen["status "+st.(map[string]any)["sq_status_name"].(string)] = true
				}
			}
			for _, k := range q["tasks"].([]any) {
				k := k.(map[string]any)
				typ, status := k["task_type"].(string), k["status"].(string)
				current[id][typ]++
				seen["task "+status] = true
				wait, proc := k["waiting_time"].(float64), k["processing_time"].(float64)
				if wait < 0 || proc < 0 || (proc > 0) != (status == SQTaskInProcessing) {
					t.Errorf("%v: %s task waited %v ms, processed %v ms", now, status, wait, proc)
				}
				uid, hasAgent := k["user_id"]
				if hasAgent != (status != SQTaskInQueue) {
					t.Errorf("%v: %s task with user_id %v", now, status, uid)
					continue
				}
				if !hasAgent {
					continue
				}
				want := SQStatusInService
				if status == SQTaskDistributed {
					want = sqDistributedStatus(typ)
				}
				st, ok := statuses[int64(uid.(float64))][typ].(map[string]any)
				if !ok || st["sq_status_name"] != want {
					t.Errorf("%v: %s %s task with agent %v, whose %s status is %v", now, status, typ, uid, typ, st)
				}
			}
		}

		m := h.call("GetSmartQueueRealtimeMetrics", vals("application_id", app, "sq_queue_name", strings.Join(qnames, ";"),
			"report_type", reports, "max_waiting_sec", "20",
			"from_date", start, "to_date", now.Add(time.Second).Format(timeLayout)))
		got := metricValues(t, m)
		for i, qid := range qids {
			id := acct.SmartQueue.Queues[i].ID
			assigned := got["call_count_assigned_to_queue"][i][0]
			finished := got["count_handled_calls"][i][0] + got["count_abandonment_calls"][i][0]
			if assigned != float64(current[id][SQChannelCall])+finished {
				t.Fatalf("%v queue %s: %v calls assigned since the start, but %d now and %v handled or abandoned",
					now, qid, assigned, current[id][SQChannelCall], finished)
			}
			if im := got["im_count_assigned_to_queue"][i][0]; im < float64(current[id][SQChannelIM]) {
				t.Errorf("%v queue %s: %v messages assigned, %d in the queue now", now, qid, im, current[id][SQChannelIM])
			}
			for _, r := range []string{"service_level", "occupancy_rate"} {
				if v := got[r][i][0]; v < 0 || v > 100 {
					t.Errorf("%v queue %s: %s %v", now, qid, r, v)
				}
			}
		}
		if step <= 40 { // the first ten minutes, default window
			m := h.call("GetSmartQueueRealtimeMetrics", vals("application_id", app, "sq_queue_name", qnames[0],
				"report_type", "service_level", "max_waiting_sec", "20"))
			slSeen[metricValues(t, m)["service_level"][0][0]] = true
		}
	}
	if len(slSeen) < 3 {
		t.Errorf("the service level took only the values %v in the first ten minutes", slSeen)
	}
	for _, want := range []string{"task IN_QUEUE", "task DISTRIBUTED", "task IN_PROCESSING",
		"status READY", "status IN_SERVICE", "status AFTER_SERVICE", "status DIALING",
		"channels CALL", "channels IM", "channels CALL+IM"} {
		if !seen[want] {
			t.Errorf("never saw %s in an hour", want)
		}
	}
	custom := false
	for _, c := range acct.SmartQueue.CustomStatuses {
		custom = custom || seen["status "+c]
	}
	if !custom {
		t.Errorf("no agent took a custom status in an hour: saw %v", seen)
	}
}

func TestSQHistoryBounded(t *testing.T) {
	a := sqFixture()
	a.SmartQueue.Tasks = nil
	q := &a.SmartQueue.Queues[0]
	q.CallsPerHour, q.MessagesPerHour = 3000, 600 // far more than three agents take
	s := NewServer(Config{Account: a, Seed: 5})
	defer s.Close()
	now := fixedNow
	for range 5 * 12 { // five hours in five-minute steps
		now = now.Add(5 * time.Minute)
		s.Evolve(now)
	}
	sq := s.Account().SmartQueue
	checkSQ(t, sq, now)
	hist := sq.Queues[0].History
	if len(hist) == 0 || len(hist) > sqHistoryCap {
		t.Fatalf("history of %d tasks, want 1..%d", len(hist), sqHistoryCap)
	}
	if len(hist) < sqHistoryCap {
		t.Errorf("history of %d tasks after five busy hours: the cap was never reached, the test proves nothing", len(hist))
	}
	if oldest := hist[0].Ended; oldest.Before(now.Add(-sqKeep)) {
		t.Errorf("oldest finished task %v, more than %v before %v", oldest, sqKeep, now)
	}
	for _, ag := range sq.Agents {
		for _, p := range ag.Past {
			if p.To.Before(now.Add(-sqKeep)) {
				t.Errorf("agent %d keeps a status that ended %v", ag.UserID, p.To)
			}
		}
	}
}

func TestSQLongGapBounded(t *testing.T) {
	s := NewServer(Config{Account: generatedSQ(3)})
	defer s.Close()
	s.Evolve(fixedNow)
	year := fixedNow.Add(365 * 24 * time.Hour)
	began := time.Now()
	s.Evolve(year)
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("a year's gap took %v", d)
	}
	checkSQ(t, s.Account().SmartQueue, year)
}

// TestSQEvolveResolvesLinks: links a test sets that contradict the agents
// are resolved by the next Evolve, and the resolution is in the metrics.
func TestSQEvolveResolvesLinks(t *testing.T) {
	a := sqFixture()
	a.SmartQueue.Agents[1].Channels[0].Status = SQStatusOffline // carl, who processes task 2
	a.SmartQueue.Tasks = append(a.SmartQueue.Tasks, SQTask{ID: 4, QueueID: 501, Type: SQChannelCall,
		Status: SQTaskDistributed, Agent: 3, Arrived: fixedNow.Add(-time.Second)}) // anna has no CALL channel
	s := NewServer(Config{Account: a, Seed: 2})
	defer s.Close()
	s.Evolve(fixedNow)
	sq := s.Account().SmartQueue
	checkSQ(t, sq, fixedNow)
	if slices.ContainsFunc(sq.Tasks, func(k SQTask) bool { return k.ID == 2 }) {
		t.Error("task 2 is still processed by an agent who is OFFLINE")
	}
	if i := slices.IndexFunc(sq.Queues[0].History, func(r SQTaskRecord) bool { return r.ID == 2 }); i < 0 || sq.Queues[0].History[i].Outcome != SQOutcomeHandled {
		t.Error("task 2 did not end as handled")
	}
	if i := slices.IndexFunc(sq.Tasks, func(k SQTask) bool { return k.ID == 4 }); i < 0 || sq.Tasks[i].Status == SQTaskDistributed && sq.Tasks[i].Agent == 3 {
		t.Errorf("task 4 is still distributed to anna: %+v", sq.Tasks)
	}
}

// TestSQTaskIDsAfterHistory: a SmartQueue set with a history (as
// SetAccount(Account()) does) never reuses the ids of its finished tasks.
func TestSQTaskIDsAfterHistory(t *testing.T) {
	a := sqMetricsFixture() // history ids up to 95, tasks 1..3
	a.SmartQueue.Queues[0].CallsPerHour = 600
	s := NewServer(Config{Account: a, Seed: 8})
	defer s.Close()
	s.Evolve(fixedNow.Add(time.Minute))
	sq := s.Account().SmartQueue
	seen := map[int64]bool{}
	for _, r := range sq.Queues[0].History {
		if seen[r.ID] {
			t.Errorf("finished task id %d twice", r.ID)
		}
		seen[r.ID] = true
	}
	newTasks := 0
	for _, k := range sq.Tasks {
		if k.ID > 3 {
			newTasks++
			if k.ID <= 95 {
				t.Errorf("new task id %d reuses the range of finished tasks (up to 95)", k.ID)
			}
		}
	}
	if newTasks == 0 && len(sq.Queues[0].History) == 6 {
		t.Error("no task arrived in a minute at 600 calls/hour: the test proves nothing")
	}
}

// BenchmarkSQEvolve measures Evolve steps of 2 s on an account with four
// busy SmartQueue queues beside the ACD ones.
func BenchmarkSQEvolve(b *testing.B) {
	srv := NewServer(Config{Account: Generate(GenConfig{Users: 200, Seed: 1, Now: fixedNow, SmartQueues: 4})})
	defer srv.Close()
	now := fixedNow
	for b.Loop() {
		now = now.Add(2 * time.Second)
		srv.Evolve(now)
	}
}

// BenchmarkSQRead measures GetSQState and the queue metrics of four
// queues, over loopback, after half an hour of evolution.
func BenchmarkSQRead(b *testing.B) {
	creds := NewTestCredentials(testAccountID)
	srv, err := Start(Config{
		Credentials: creds,
		Account:     Generate(GenConfig{Users: 200, Seed: 1, Now: fixedNow, SmartQueues: 4}),
		Now:         func() time.Time { return fixedNow.Add(30 * time.Minute) },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for i := 1; i <= 120; i++ {
		srv.Evolve(fixedNow.Add(time.Duration(i) * 15 * time.Second))
	}
	acct := srv.Account()
	app := itoa(acct.Apps[len(acct.Apps)-1].ID)
	var names []string
	for _, q := range acct.SmartQueue.Queues {
		names = append(names, q.Name)
	}
	h := &harness{srv: srv, creds: creds}
	if h.token, err = creds.MintToken(fixedNow.Add(30*time.Minute), fixedNow.Add(80*time.Minute)); err != nil {
		b.Fatal(err)
	}
	state := vals("application_id", app, "sq_queue_id", "all")
	metrics := vals("application_id", app, "sq_queue_name", strings.Join(names, ";"), "max_waiting_sec", "20",
		"report_type", strings.Join(allQueueReports, ";"))
	b.ResetTimer()
	for b.Loop() {
		for _, c := range []struct {
			method string
			params url.Values
		}{{"GetSQState", state}, {"GetSmartQueueRealtimeMetrics", metrics}} {
			if _, _, err := h.post(context.Background(), c.method, c.params, h.token); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestSQUpdateSmartQueue: a change a test makes between steps is taken
// as it is (the status holds, not the timer of the status before) and the
// links it breaks are resolved at the next step.
func TestSQUpdateSmartQueue(t *testing.T) {
	s := NewServer(Config{Account: sqFixture(), Seed: 4})
	defer s.Close()
	s.Evolve(fixedNow)
	// carl processes task 2; he logs out; zoe goes READY on CALL.
	s.UpdateSmartQueue(func(sq *SmartQueue) {
		sq.Agents[1].Channels[0].Status, sq.Agents[1].Channels[0].Since = SQStatusOffline, fixedNow
		sq.Agents[0].Channels[0].Status, sq.Agents[0].Channels[0].Since = SQStatusReady, fixedNow
	})
	s.Evolve(fixedNow.Add(time.Second))
	sq := s.Account().SmartQueue
	checkSQ(t, sq, fixedNow.Add(time.Second))
	if c := sq.Agents[1].channel(SQChannelCall); c.Status != SQStatusOffline {
		t.Errorf("carl is %s on CALL a second after logging out", c.Status)
	}
	if slices.ContainsFunc(sq.Tasks, func(k SQTask) bool { return k.ID == 2 }) {
		t.Error("task 2 is still processed by carl, who logged out")
	}
	// Task 1 (English >= 2) waited with nobody READY; zoe (English 4) now is.
	if i := slices.IndexFunc(sq.Tasks, func(k SQTask) bool { return k.ID == 1 }); i < 0 || sq.Tasks[i].Agent != 5 {
		t.Errorf("task 1 was not distributed to zoe once she was READY: %+v", sq.Tasks)
	}
}
