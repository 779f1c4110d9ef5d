package voxsim

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// The SmartQueue simulation, driven by Evolve like the ACD calls: event by
// event in time order, with its own random stream so that adding a
// SmartQueue never changes how the ACD v1 side evolves. Task arrivals are
// drawn to the millisecond (so waiting times are not whole seconds); agent
// statuses change on the events.
const (
	// sqKeep is how far back History and SQAgent.Past reach; the metrics
	// of a window older than that see nothing.
	sqKeep = 3 * time.Hour
	// sqHistoryCap bounds one queue's History; sqPastCap one agent's Past.
	sqHistoryCap = 2000
	sqPastCap    = 1000
	// sqDefaultPatience is how long customers wait on average before
	// abandoning (exponential, see patience).
	sqDefaultPatience = 2 * time.Minute
	// sqMissOneIn: one call offer in that many is missed (the agent is
	// banned for sqBan and the task waits again).
	sqMissOneIn = 150
	// sqReadyMean is the mean time an agent stays READY on a channel
	// before a break or logout (exponential), not counting tasks.
	sqReadyMean = 15 * time.Minute
	// sqMaxEvents bounds the events one Evolve plays.
	sqMaxEvents = 2_000_000
)

// sqRule is how long an agent stays in a status on a channel (uniform in
// dwell) and where they go next. "custom" stands for one of the account's
// custom statuses, drawn uniformly; without any it is skipped.
type sqRule struct {
	dwell [2]time.Duration
	next  []weighted
}

const sqCustom = "custom"

var sqStatusModel = map[string]sqRule{
	SQStatusReady: {next: []weighted{{SQStatusDND, 30}, {sqCustom, 35}, {SQStatusOnline, 20}, {SQStatusOffline, 15}}},
	SQStatusAfterService: {dwell: [2]time.Duration{10 * time.Second, 60 * time.Second}, next: []weighted{
		{SQStatusReady, 94}, {sqCustom, 4}, {SQStatusDND, 2}}},
	SQStatusOnline: {dwell: [2]time.Duration{30 * time.Second, 3 * time.Minute}, next: []weighted{
		{SQStatusReady, 95}, {SQStatusOffline, 5}}},
	SQStatusDND: {dwell: [2]time.Duration{2 * time.Minute, 8 * time.Minute}, next: []weighted{
		{SQStatusReady, 95}, {SQStatusOffline, 5}}},
	sqCustom: {dwell: [2]time.Duration{5 * time.Minute, 20 * time.Minute}, next: []weighted{
		{SQStatusReady, 90}, {SQStatusOffline, 10}}},
	SQStatusBanned: {dwell: [2]time.Duration{3 * time.Minute, 8 * time.Minute}, next: []weighted{
		{SQStatusReady, 80}, {SQStatusOnline, 20}}},
	SQStatusOffline: {dwell: [2]time.Duration{10 * time.Minute, 40 * time.Minute}, next: []weighted{
		{SQStatusReady, 60}, {SQStatusOnline, 40}}},
}

// sqSim is the simulation's state beyond the account: timers.
type sqSim struct {
	rng        *rand.Rand
	clock      time.Time // simulated up to here; zero before the first step
	arrivals   map[sqKey]*queueSim
	tasks      map[int64]*sqTaskSim
	channels   map[sqKey]*sqChanSim // by user id and channel
	nextTaskID int64
	users      map[int64]*User // rebuilt every step
	// acd lends the ACD simulation's draws that SmartQueue shares (busy
	// periods), over rng.
	acd *evolver
}

type sqKey struct {
	id int64
	ch string
}

type sqTaskSim struct {
	giveUp time.Time // IN_QUEUE: when the customer abandons
	answer time.Time // DISTRIBUTED: when the agent answers or misses
	missed bool
	end    time.Time // IN_PROCESSING: when processing ends
}

type sqChanSim struct {
	next time.Time // when the status ends; zero: a task ends it
	// status and since are the channel as the last step left it: a
	// channel changed since (UpdateSmartQueue) is met anew.
	status string
	since  time.Time
}

func newSQSim(seed int64) *sqSim {
	rng := newRand(seed, 0x73_6d61_7274_7100) // "smartq"
	return &sqSim{
		rng:      rng,
		arrivals: map[sqKey]*queueSim{},
		tasks:    map[int64]*sqTaskSim{},
		channels: map[sqKey]*sqChanSim{},
		acd:      &evolver{rng: rng},
	}
}

// stepSQ advances the account's SmartQueue to now; Evolve calls it after
// the ACD step. An account without SmartQueue queues or agents is left
// alone.
func (e *evolver) stepSQ(acct *Account, now time.Time, seed int64) {
	if len(acct.SmartQueue.Queues) == 0 && len(acct.SmartQueue.Agents) == 0 {
		return
	}
	if e.sq == nil {
		e.sq = newSQSim(seed)
	}
	e.sq.step(acct, now)
}

func (m *sqSim) step(acct *Account, now time.Time) {
	if !m.clock.IsZero() && !now.After(m.clock) {
		return
	}
	sq := &acct.SmartQueue
	start := m.clock
	if start.IsZero() {
		start = sqSnapshotTime(sq, now)
	}
	m.sync(acct, start)
	// What changed between steps (UpdateSmartQueue, SetAccount) may free
	// an agent for a waiting task: distribute at once.
	m.distribute(sq, start)
	cursor := time.Time{}
	if t, ok := m.nextEvent(sq, now, cursor); ok {
		if floor := now.Add(-maxCatchUp); t.Before(floor) {
			m.skipTo(sq, floor)
		}
	}
	for range sqMaxEvents {
		t, ok := m.nextEvent(sq, now, cursor)
		if !ok {
			break
		}
		m.runAt(sq, t)
		cursor = t
	}
	m.clock = now
	sq.prune(now)
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			if cs := m.channels[sqKey{a.UserID, c.Name}]; cs != nil {
				cs.status, cs.since = c.Status, c.Since
			}
		}
	}
}

// sqSnapshotTime is when a SmartQueue met for the first time was taken:
// its latest status change or task event, within maxCatchUp before now.
func sqSnapshotTime(sq *SmartQueue, now time.Time) time.Time {
	var t time.Time
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			t = later(t, c.Since)
		}
	}
	for _, k := range sq.Tasks {
		t = later(later(t, k.Arrived), k.Started)
	}
	if t.IsZero() || t.After(now) {
		return now
	}
	return later(t, now.Add(-maxCatchUp))
}

// sync learns queues, agents and tasks it has not seen (from Generate,
// SetAccount or an earlier step) and resolves links that contradict the
// agents: a task distributed to an agent who is not an active user present
// and free on its channel waits again; one processed by such an agent has
// ended.
func (m *sqSim) sync(acct *Account, start time.Time) {
	sq := &acct.SmartQueue
	m.users = make(map[int64]*User, len(acct.Users))
	for i := range acct.Users {
		m.users[acct.Users[i].ID] = &acct.Users[i]
	}
	liveArr := map[sqKey]bool{}
	for _, q := range sq.Queues {
		for _, ch := range SQChannels {
			rate := q.rate(ch)
			if rate <= 0 {
				continue
			}
			k := sqKey{q.ID, ch}
			liveArr[k] = true
			if a := m.arrivals[k]; a != nil && a.base == rate && a.surge == q.Surge {
				continue
			}
			a := &queueSim{base: rate, surge: q.Surge}
			if q.Surge > 1 {
				a.regimeEnd = start.Add(m.regime(false))
			}
			a.next = start.Add(m.gap(a.rate()))
			m.arrivals[k] = a
		}
	}
	deleteStale(m.arrivals, liveArr)

	liveCh := map[sqKey]bool{}
	for i := range sq.Agents {
		a := &sq.Agents[i]
		for j := range a.Channels {
			c := &a.Channels[j]
			k := sqKey{a.UserID, c.Name}
			liveCh[k] = true
			if cs := m.channels[k]; cs != nil && cs.status == c.Status && cs.since.Equal(c.Since) {
				continue
			}
			cs := &sqChanSim{}
			if d := m.dwell(c.Status); d > 0 {
				since := c.Since
				if since.IsZero() || since.After(start) {
					since = start
				}
				cs.next = since.Add(d)
				if cs.next.Before(start) {
					cs.next = start.Add(time.Duration(m.rng.Int64N(int64(d/2) + 1))).Truncate(time.Second)
				}
			}
			m.channels[k] = cs
		}
	}
	deleteStale(m.channels, liveCh)

	busy := map[sqKey]bool{}
	liveTask := map[int64]bool{}
	maxID := int64(0)
	kept := sq.Tasks[:0]
	for _, t := range sq.Tasks {
		maxID = max(maxID, t.ID)
		if sq.queueIndex(t.QueueID) < 0 {
			continue // its queue is gone
		}
		ts := m.tasks[t.ID]
		if ts == nil {
			ts = &sqTaskSim{}
			m.tasks[t.ID] = ts
		}
		k := sqKey{t.Agent, t.Type}
		switch t.Status {
		case SQTaskDistributed, SQTaskInProcessing:
			c := m.agentChannel(sq, t.Agent, t.Type)
			want := SQStatusInService
			if t.Status == SQTaskDistributed {
				want = sqDistributedStatus(t.Type)
			}
			if c != nil && c.Status == want && !busy[k] {
				busy[k] = true
				if t.Status == SQTaskDistributed && ts.answer.IsZero() {
					ts.answer, ts.missed = m.offer(t.Type, start)
				}
				if t.Status == SQTaskInProcessing && ts.end.IsZero() {
					ts.end = later(t.Started.Add(m.serviceTime(t.Type)), start)
				}
				break
			}
			if t.Status == SQTaskInProcessing {
				// Its agent left: it has ended.
				sq.record(t, SQTaskRecord{Outcome: SQOutcomeHandled, Agent: t.Agent, Started: t.Started, Ended: later(t.Started, start)})
				continue
			}
			t.Status, t.Agent, ts.answer = SQTaskInQueue, 0, time.Time{}
			fallthrough
		default:
			t.Status, t.Agent = SQTaskInQueue, 0
			if ts.giveUp.IsZero() {
				patience := cmp.Or(sq.Queues[sq.queueIndex(t.QueueID)].Patience, sqDefaultPatience)
				ts.giveUp = later(t.Arrived.Add(m.patience(patience)), start)
			}
		}
		liveTask[t.ID] = true
		kept = append(kept, t)
	}
	clear(sq.Tasks[len(kept):])
	sq.Tasks = kept
	deleteStale(m.tasks, liveTask)
	if m.nextTaskID == 0 { // the first step: finished tasks hold ids too
		for _, q := range sq.Queues {
			for _, r := range q.History {
				maxID = max(maxID, r.ID)
			}
		}
	}
	m.nextTaskID = max(m.nextTaskID, maxID+1, 1)
	// A channel waiting for a task to end (IN_SERVICE, DIALING) that no
	// task holds moves on now.
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			k := sqKey{a.UserID, c.Name}
			if cs := m.channels[k]; cs != nil && cs.next.IsZero() && !busy[k] {
				cs.next = start
			}
		}
	}
}

// setNext sets when the status of user's channel ch ends (zero: a task
// ends it).
func (m *sqSim) setNext(user int64, ch string, t time.Time) {
	if cs := m.channels[sqKey{user, ch}]; cs != nil {
		cs.next = t
	}
}

func deleteStale[K comparable, V any](m map[K]V, live map[K]bool) {
	for k := range m {
		if !live[k] {
			delete(m, k)
		}
	}
}

func (sq *SmartQueue) queueIndex(id int64) int {
	return slices.IndexFunc(sq.Queues, func(q SQQueue) bool { return q.ID == id })
}

// rate is the queue's arrival rate on channel ch, tasks per hour.
func (q *SQQueue) rate(ch string) float64 {
	if ch == SQChannelCall {
		return q.CallsPerHour
	}
	return q.MessagesPerHour
}

// sqDistributedStatus is an agent's status on ch while a task is offered
// to them: DIALING for a call; a message leaves them READY (reserved).
func sqDistributedStatus(ch string) string {
	if ch == SQChannelCall {
		return SQStatusDialing
	}
	return SQStatusReady
}

func (m *sqSim) agentChannel(sq *SmartQueue, user int64, ch string) *SQChannel {
	if u := m.users[user]; u == nil || !u.Active {
		return nil
	}
	for i := range sq.Agents {
		if sq.Agents[i].UserID == user {
			return sq.Agents[i].channel(ch)
		}
	}
	return nil
}

// nextEvent is the earliest pending event no later than now, not before
// cursor.
func (m *sqSim) nextEvent(sq *SmartQueue, now, cursor time.Time) (time.Time, bool) {
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
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			if cs := m.channels[sqKey{a.UserID, c.Name}]; cs != nil {
				consider(cs.next)
			}
		}
	}
	for _, t := range sq.Tasks {
		ts := m.tasks[t.ID]
		switch t.Status {
		case SQTaskInQueue:
			consider(ts.giveUp)
		case SQTaskDistributed:
			consider(ts.answer)
			consider(ts.giveUp)
		case SQTaskInProcessing:
			consider(ts.end)
		}
	}
	for _, q := range sq.Queues {
		for _, ch := range SQChannels {
			if a := m.arrivals[sqKey{q.ID, ch}]; a != nil {
				consider(a.next)
				consider(a.regimeEnd)
			}
		}
	}
	return best, found
}

// skipTo moves every event before floor to floor or later: statuses hold,
// customers who would have abandoned are gone, arrivals restart.
func (m *sqSim) skipTo(sq *SmartQueue, floor time.Time) {
	for _, a := range sq.Agents {
		for _, c := range a.Channels {
			if cs := m.channels[sqKey{a.UserID, c.Name}]; cs != nil && !cs.next.IsZero() && cs.next.Before(floor) {
				cs.next = floor.Add(m.dwell(c.Status))
			}
		}
	}
	kept := sq.Tasks[:0]
	for _, t := range sq.Tasks {
		ts := m.tasks[t.ID]
		if t.Status == SQTaskInQueue && ts.giveUp.Before(floor) {
			delete(m.tasks, t.ID)
			continue
		}
		if !ts.answer.IsZero() && ts.answer.Before(floor) {
			ts.answer = floor
		}
		if !ts.end.IsZero() && ts.end.Before(floor) {
			ts.end = floor
		}
		kept = append(kept, t)
	}
	clear(sq.Tasks[len(kept):])
	sq.Tasks = kept
	for _, q := range sq.Queues {
		for _, ch := range SQChannels {
			a := m.arrivals[sqKey{q.ID, ch}]
			if a == nil {
				continue
			}
			if !a.regimeEnd.IsZero() && a.regimeEnd.Before(floor) {
				a.regimeEnd = floor.Add(m.regime(a.surging))
			}
			if a.next.Before(floor) {
				a.next = floor.Add(m.gap(a.rate()))
			}
		}
	}
}

// runAt plays every event due at t, in a fixed order: task timers, agent
// status timers, arrivals and busy periods, then distribution.
func (m *sqSim) runAt(sq *SmartQueue, t time.Time) {
	m.taskEvents(sq, t)
	for i := range sq.Agents {
		a := &sq.Agents[i]
		for j := range a.Channels {
			c := &a.Channels[j]
			cs := m.channels[sqKey{a.UserID, c.Name}]
			if cs == nil || cs.next.IsZero() || cs.next.After(t) {
				continue
			}
			m.statusEnds(sq, a, c, cs, t)
		}
	}
	m.arrive(sq, t)
	m.distribute(sq, t)
}

// taskEvents ends what is due at t: customers who abandon, offers that are
// answered (processing starts) or missed (the agent is banned, the task
// waits again), and processing that ends (the agent goes AFTER_SERVICE).
func (m *sqSim) taskEvents(sq *SmartQueue, t time.Time) {
	kept := sq.Tasks[:0]
	for _, k := range sq.Tasks {
		ts := m.tasks[k.ID]
		switch {
		case k.Status == SQTaskInQueue && !ts.giveUp.After(t):
			sq.record(k, SQTaskRecord{Outcome: SQOutcomeAbandoned, Ended: t})
			delete(m.tasks, k.ID)
			continue
		case k.Status == SQTaskDistributed && !ts.giveUp.IsZero() && ts.giveUp.Before(ts.answer) && !ts.giveUp.After(t):
			// The customer gives up while the offer rings: patience runs
			// until processing starts, as Erlang A's does until service.
			if c := m.agentChannel(sq, k.Agent, k.Type); c != nil && c.Status == SQStatusDialing {
				sq.setStatus(k.Agent, c, SQStatusReady, t)
				m.setNext(k.Agent, k.Type, t.Add(m.dwell(SQStatusReady)))
			}
			sq.record(k, SQTaskRecord{Outcome: SQOutcomeAbandoned, Ended: t})
			delete(m.tasks, k.ID)
			continue
		case k.Status == SQTaskDistributed && !ts.answer.After(t):
			c := m.agentChannel(sq, k.Agent, k.Type)
			if ts.missed {
				ts.missed = false
				sq.setStatus(k.Agent, c, SQStatusBanned, t)
				m.setNext(k.Agent, k.Type, t.Add(m.dwell(SQStatusBanned)))
				k.Status, k.Agent, ts.answer = SQTaskInQueue, 0, time.Time{}
				break
			}
			k.Status, k.Started, ts.answer = SQTaskInProcessing, t, time.Time{}
			sq.setStatus(k.Agent, c, SQStatusInService, t)
			m.setNext(k.Agent, k.Type, time.Time{})
			ts.end = t.Add(m.serviceTime(k.Type))
		case k.Status == SQTaskInProcessing && !ts.end.After(t):
			wrap := m.dwell(SQStatusAfterService)
			if k.Type == SQChannelIM {
				wrap /= 3
			}
			sq.record(k, SQTaskRecord{Outcome: SQOutcomeHandled, Agent: k.Agent, Started: k.Started, Ended: t, WrapUp: wrap})
			sq.setStatus(k.Agent, m.agentChannel(sq, k.Agent, k.Type), SQStatusAfterService, t)
			m.setNext(k.Agent, k.Type, t.Add(wrap))
			delete(m.tasks, k.ID)
			continue
		}
		kept = append(kept, k)
	}
	clear(sq.Tasks[len(kept):])
	sq.Tasks = kept
}

// statusEnds moves an agent's channel on at the end of its status. A READY
// agent with a message offered to them waits for the answer first.
func (m *sqSim) statusEnds(sq *SmartQueue, a *SQAgent, c *SQChannel, cs *sqChanSim, t time.Time) {
	if c.Status == SQStatusReady {
		if i := slices.IndexFunc(sq.Tasks, func(k SQTask) bool { return k.Agent == a.UserID && k.Type == c.Name }); i >= 0 {
			cs.next = later(m.tasks[sq.Tasks[i].ID].answer, t).Add(time.Second)
			return
		}
	}
	rule, ok := sqStatusModel[m.ruleKey(sq, c.Status)]
	next := SQStatusReady
	if ok {
		next = m.pick(sq, rule.next)
	}
	sq.setStatus(a.UserID, c, next, t)
	cs.next = t.Add(m.dwell(next))
}

// ruleKey maps a custom status to the model's "custom" rule.
func (m *sqSim) ruleKey(sq *SmartQueue, status string) string {
	if slices.Contains(sq.CustomStatuses, status) {
		return sqCustom
	}
	return status
}

// pick draws the next status; "custom" becomes one of the account's custom
// statuses, or READY when it has none.
func (m *sqSim) pick(sq *SmartQueue, ws []weighted) string {
	s := pickWeighted(m.rng, ws)
	if s != sqCustom {
		return s
	}
	if len(sq.CustomStatuses) == 0 {
		return SQStatusReady
	}
	return pick(m.rng, sq.CustomStatuses)
}

// arrive adds the tasks arriving at t and switches busy periods on and off.
func (m *sqSim) arrive(sq *SmartQueue, t time.Time) {
	for qi := range sq.Queues {
		q := &sq.Queues[qi]
		for _, ch := range SQChannels {
			a := m.arrivals[sqKey{q.ID, ch}]
			if a == nil {
				continue
			}
			n := 0
			for ; !a.next.After(t) && n < maxArrivalsPerSecond; n++ {
				m.newTask(sq, q, ch, a.next)
				a.next = a.next.Add(m.gap(a.rate()))
			}
			if n == maxArrivalsPerSecond {
				a.next = later(a.next, t.Add(time.Second))
			}
			if !a.regimeEnd.IsZero() && !a.regimeEnd.After(t) {
				a.surging = !a.surging
				a.regimeEnd = t.Add(m.regime(a.surging))
				a.next = t.Add(m.gap(a.rate()))
			}
		}
	}
}

// newTask enqueues a task of channel ch in q, or records it blocked when
// MaxQueueSize tasks of the channel already wait.
func (m *sqSim) newTask(sq *SmartQueue, q *SQQueue, ch string, at time.Time) {
	k := SQTask{ID: m.nextTaskID, QueueID: q.ID, Type: ch, Status: SQTaskInQueue, Arrived: at, Skills: []SQSkillLevel{}}
	m.nextTaskID++
	if len(q.Skills) > 0 && m.rng.IntN(3) > 0 {
		s := pick(m.rng, q.Skills)
		k.Skills = append(k.Skills, SQSkillLevel{ID: s.ID, Level: 1 + m.rng.IntN(max(s.Level, 1))})
	}
	if m.rng.IntN(3) == 0 {
		k.CustomData = fmt.Sprintf(`{"crm_id":"%06d"}`, m.rng.IntN(1_000_000))
	}
	patience := m.patience(cmp.Or(q.Patience, sqDefaultPatience))
	if q.MaxQueueSize > 0 {
		waiting := 0
		for _, w := range sq.Tasks {
			if w.QueueID == q.ID && w.Type == ch && w.Status == SQTaskInQueue {
				waiting++
			}
		}
		if waiting >= q.MaxQueueSize {
			sq.record(k, SQTaskRecord{Outcome: SQOutcomeBlocked, Ended: at})
			return
		}
	}
	sq.Tasks = append(sq.Tasks, k)
	m.tasks[k.ID] = &sqTaskSim{giveUp: at.Add(patience)}
}

// distribute offers waiting tasks to free agents at t: queues in catalogue
// order, tasks by arrival, and for each the agent of the queue, READY on
// the task's channel with no task there and every skill it requires at
// the level required, who has been READY longest.
func (m *sqSim) distribute(sq *SmartQueue, t time.Time) {
	reserved := map[sqKey]bool{}
	var waiting []int
	for i, k := range sq.Tasks {
		if k.Status == SQTaskInQueue {
			waiting = append(waiting, i)
		} else {
			reserved[sqKey{k.Agent, k.Type}] = true
		}
	}
	if len(waiting) == 0 {
		return
	}
	slices.SortStableFunc(waiting, func(a, b int) int {
		x, y := &sq.Tasks[a], &sq.Tasks[b]
		return cmp.Or(cmp.Compare(sq.queueIndex(x.QueueID), sq.queueIndex(y.QueueID)), x.Arrived.Compare(y.Arrived), cmp.Compare(x.ID, y.ID))
	})
	for _, i := range waiting {
		k := &sq.Tasks[i]
		var best *SQAgent
		var bestCh *SQChannel
		for ai := range sq.Agents {
			a := &sq.Agents[ai]
			c := a.channel(k.Type)
			switch u := m.users[a.UserID]; {
			case u == nil || !u.Active, c == nil, c.Status != SQStatusReady, reserved[sqKey{a.UserID, k.Type}],
				!slices.Contains(a.Queues, k.QueueID), !a.qualifies(k.Skills):
				continue
			}
			if best == nil || cmp.Or(c.Since.Compare(bestCh.Since), cmp.Compare(a.UserID, best.UserID)) < 0 {
				best, bestCh = a, c
			}
		}
		if best == nil {
			continue
		}
		reserved[sqKey{best.UserID, k.Type}] = true
		k.Status, k.Agent = SQTaskDistributed, best.UserID
		ts := m.tasks[k.ID]
		ts.answer, ts.missed = m.offer(k.Type, t)
		if st := sqDistributedStatus(k.Type); st != bestCh.Status {
			sq.setStatus(best.UserID, bestCh, st, t)
			m.setNext(best.UserID, k.Type, time.Time{})
		}
	}
}

// qualifies reports whether the agent has every required skill at the
// required level or above.
func (a *SQAgent) qualifies(required []SQSkillLevel) bool {
	for _, r := range required {
		if !slices.ContainsFunc(a.Skills, func(s SQSkillLevel) bool { return s.ID == r.ID && s.Level >= r.Level }) {
			return false
		}
	}
	return true
}

// setStatus changes an agent's channel status at t, keeping the status it
// ends in the agent's Past.
func (sq *SmartQueue) setStatus(user int64, c *SQChannel, status string, t time.Time) {
	if c == nil {
		return
	}
	i := slices.IndexFunc(sq.Agents, func(a SQAgent) bool { return a.UserID == user })
	if i >= 0 && !c.Since.IsZero() && t.After(c.Since) {
		a := &sq.Agents[i]
		a.Past = append(a.Past, SQStatusSpan{Channel: c.Name, Status: c.Status, From: c.Since, To: t})
		if n := len(a.Past) - sqPastCap; n > 0 {
			a.Past = slices.Delete(a.Past, 0, n)
		}
	}
	c.Status, c.Since = status, t
}

// record files a finished task in its queue's History, bounded to
// sqHistoryCap records.
func (sq *SmartQueue) record(k SQTask, r SQTaskRecord) {
	i := sq.queueIndex(k.QueueID)
	if i < 0 {
		return
	}
	r.ID, r.Type, r.Arrived = k.ID, k.Type, k.Arrived
	q := &sq.Queues[i]
	q.History = append(q.History, r)
	if n := len(q.History) - sqHistoryCap; n > 0 {
		q.History = slices.Delete(q.History, 0, n)
	}
}

// prune forgets history older than sqKeep.
func (sq *SmartQueue) prune(now time.Time) {
	floor := now.Add(-sqKeep)
	for i := range sq.Queues {
		q := &sq.Queues[i]
		n := 0
		for n < len(q.History) && q.History[n].Ended.Before(floor) {
			n++
		}
		q.History = slices.Delete(q.History, 0, n)
	}
	for i := range sq.Agents {
		a := &sq.Agents[i]
		a.Past = slices.DeleteFunc(a.Past, func(s SQStatusSpan) bool { return s.To.Before(floor) })
	}
}

// dwell draws how long a channel stays in status; 0 for the statuses a
// task ends (IN_SERVICE, DIALING). Custom statuses follow the "custom"
// rule; an unknown status a test put there lasts a minute.
func (m *sqSim) dwell(status string) time.Duration {
	switch status {
	case SQStatusInService, SQStatusDialing:
		return 0
	case SQStatusReady:
		return max(time.Duration(m.rng.ExpFloat64()*float64(sqReadyMean)), 30*time.Second).Truncate(time.Second)
	}
	r, ok := sqStatusModel[status]
	if !ok {
		r = sqStatusModel[sqCustom]
	}
	lo, hi := r.dwell[0], r.dwell[1]
	return (lo + time.Duration(m.rng.Int64N(int64(hi-lo)+1))).Truncate(time.Second)
}

// offer draws when an offer made at t ends and whether it is missed (calls
// only).
func (m *sqSim) offer(ch string, t time.Time) (time.Time, bool) {
	if ch == SQChannelIM {
		return t.Add(time.Duration(1+m.rng.IntN(4)) * time.Second), false
	}
	if m.rng.IntN(sqMissOneIn) == 0 {
		return t.Add(time.Duration(15+m.rng.IntN(11)) * time.Second), true
	}
	return t.Add(time.Duration(2+m.rng.IntN(7)) * time.Second), false
}

// serviceTime draws how long processing lasts: calls 1-5 minutes,
// messages 30 s to 4 minutes.
func (m *sqSim) serviceTime(ch string) time.Duration {
	if ch == SQChannelIM {
		return time.Duration(30+m.rng.IntN(211)) * time.Second
	}
	return time.Duration(60+m.rng.IntN(241)) * time.Second
}

// gap draws the time to the next arrival at rate tasks/hour, to the
// millisecond.
func (m *sqSim) gap(rate float64) time.Duration {
	return max(time.Duration(math.Round(m.rng.ExpFloat64()*3600e3/rate))*time.Millisecond, time.Millisecond)
}

// regime draws how long a normal or busy period lasts, as for ACD queues
// but from the SmartQueue's stream.
func (m *sqSim) regime(surge bool) time.Duration { return m.acd.regime(surge) }

// patience draws how long a customer waits before abandoning: an
// exponential time with the queue's mean (a mean not above zero takes
// sqDefaultPatience), as the ACD callers' (calls.go), so that the
// SmartQueue metrics lose tasks the way the Erlang A model the exporter
// fits to them (M/M/N+M: exponential patience) expects. Tasks run to the
// millisecond, so it is drawn to the millisecond, at least 1 ms (nobody
// abandons at the instant they arrive) and at most maxPatience (the
// exponential's tail is unbounded).
func (m *sqSim) patience(mean time.Duration) time.Duration {
	if mean <= 0 {
		mean = sqDefaultPatience
	}
	ms := math.Ceil(m.rng.ExpFloat64() * float64(mean) / float64(time.Millisecond))
	return time.Duration(max(min(ms, float64(maxPatience.Milliseconds())), 1)) * time.Millisecond
}
