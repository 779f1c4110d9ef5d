package voxsim

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

var (
	sqQueueNames   = []string{"Voice support", "Chat support", "Sales desk", "Claims", "Renewals", "Escalations"}
	sqSkillNames   = []string{"English", "Spanish", "Billing", "Technical", "Retention"}
	sqCustomStatus = []string{"LUNCH", "TRAINING", "BACKOFFICE"}
	// sqInitialMix is a generated channel's status, in per mille.
	sqInitialMix = []weighted{
		{SQStatusReady, 450}, {SQStatusAfterService, 100}, {SQStatusOnline, 80}, {SQStatusDND, 80},
		{sqCustom, 100}, {SQStatusOffline, 170}, {SQStatusBanned, 20},
	}
)

// sqAgentsPerQueue is how many agents a generated SmartQueue queue gets
// (as many as the account has operators for).
const sqAgentsPerQueue = 7

// Generated demand per agent present on a channel, tasks/hour. With the
// simulated service and wrap-up times (about 3.5 minutes a call) and a
// third of the agents away, the queues run near capacity, so busy periods
// make customers wait and abandon within minutes: the service level moves.
const (
	sqCallsPerAgentHour    = 8.0
	sqMessagesPerAgentHour = 8.0
)

// generateSmartQueue adds n SmartQueue queues to a generated account,
// under a new application named "smartqueue": skills, custom statuses, and
// agents drawn from the account's active operators (who are bound to the
// application too), present on CALL, IM or both, in a plausible status
// mix. It uses its own random stream, so the rest of the account is what
// it would be without it. n <= 0 adds nothing.
func generateSmartQueue(acct *Account, n int, seed int64, now time.Time) {
	if n <= 0 {
		return
	}
	rng := newRand(seed, 0x73_7167_656e) // "sqgen"
	app := Application{
		ID:       10_600_000 + rng.Int64N(17),
		Name:     "smartqueue.acme-demo.n2.voximplant.com",
		Modified: now.Add(-time.Duration(1+rng.IntN(300)) * 24 * time.Hour).Truncate(time.Second),
	}
	acct.Apps = append(acct.Apps, app)
	sq := &acct.SmartQueue
	sq.CustomStatuses = slices.Clone(sqCustomStatus)
	for i, name := range sqSkillNames {
		sq.Skills = append(sq.Skills, SQSkill{ID: 900 + int64(i), Name: name})
	}
	for i := range n {
		q := SQQueue{ID: 5_000 + int64(i), Name: poolName(sqQueueNames, i), ApplicationID: app.ID}
		for _, sk := range pickN(rng, sq.Skills, 1+rng.IntN(2)) {
			q.Skills = append(q.Skills, SQSkillLevel{ID: sk.ID, Level: 1 + rng.IntN(3)})
		}
		q.Surge = math.Round((2+rng.Float64())*10) / 10
		q.Patience = time.Duration(60+rng.IntN(61)) * time.Second
		q.MaxQueueSize = 8 + rng.IntN(8)
		sq.Queues = append(sq.Queues, q)
	}

	var staff []int
	for i := range acct.Users {
		if u := &acct.Users[i]; u.Active && u.Status != "" {
			staff = append(staff, i)
		}
	}
	staff = staff[:min(len(staff), n*sqAgentsPerQueue)]
	calls, ims := make([]float64, n), make([]float64, n)
	for k, ui := range staff {
		u := &acct.Users[ui]
		u.Apps = append(u.Apps, app.ID)
		a := SQAgent{UserID: u.ID, Queues: []int64{sq.Queues[k%n].ID}}
		if n > 1 && rng.IntN(10) < 3 {
			a.Queues = append(a.Queues, sq.Queues[(k+1+rng.IntN(n-1))%n].ID)
		}
		a.Skills = sqAgentSkills(rng, sq, a.Queues)
		a.Channels = sqAgentChannels(rng, sq, k, now)
		for _, qid := range a.Queues {
			qi := sq.queueIndex(qid)
			share := 1 / float64(len(a.Queues))
			if a.channel(SQChannelCall) != nil {
				calls[qi] += share
			}
			if a.channel(SQChannelIM) != nil {
				ims[qi] += share
			}
		}
		sq.Agents = append(sq.Agents, a)
	}
	for i := range sq.Queues {
		q := &sq.Queues[i]
		q.CallsPerHour = math.Round(max(calls[i], 0.5)*sqCallsPerAgentHour*(0.9+0.2*rng.Float64())*10) / 10
		q.MessagesPerHour = math.Round(max(ims[i], 0.5)*sqMessagesPerAgentHour*(0.9+0.2*rng.Float64())*10) / 10
	}
}

// sqAgentSkills gives an agent most of their queues' skills at a level
// 1-5 (so that most tasks find someone) and sometimes another skill.
func sqAgentSkills(rng *rand.Rand, sq *SmartQueue, queues []int64) []SQSkillLevel {
	var out []SQSkillLevel
	add := func(id int64) {
		if !slices.ContainsFunc(out, func(s SQSkillLevel) bool { return s.ID == id }) {
			out = append(out, SQSkillLevel{ID: id, Level: 1 + rng.IntN(5)})
		}
	}
	for _, qid := range queues {
		for _, s := range sq.Queues[sq.queueIndex(qid)].Skills {
			if rng.IntN(10) < 8 {
				add(s.ID)
			}
		}
	}
	if rng.IntN(3) == 0 {
		add(pick(rng, sq.Skills).ID)
	}
	slices.SortFunc(out, func(a, b SQSkillLevel) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// sqAgentChannels puts the k-th agent on both channels, or on CALL or IM
// only (a fixed share of each, so that every account has all three), each
// in a status drawn from sqInitialMix since the last few minutes.
func sqAgentChannels(rng *rand.Rand, sq *SmartQueue, k int, now time.Time) []SQChannel {
	names := []string{SQChannelCall, SQChannelIM}
	switch k % 10 {
	case 3, 8:
		names = names[:1]
	case 6:
		names = names[1:]
	}
	var out []SQChannel
	for _, ch := range names {
		st := pickWeighted(rng, sqInitialMix)
		if st == sqCustom {
			st = pick(rng, sq.CustomStatuses)
		}
		since := now.Add(-time.Duration(rng.IntN(600)) * time.Second)
		out = append(out, SQChannel{Name: ch, Status: st, Since: since})
	}
	return out
}
