package collector

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// sqAgent is one logged-in agent of the watched SmartQueues, once however
// many queues (and applications) list it.
type sqAgent struct {
	userID   int64
	id, name string
	// statuses per channel, as the first queue listing the agent (by
	// application, then queue id) gives them: they are the agent's, not
	// the queue's, so every queue should give the same.
	statuses map[string]voxapi.SQChannelStatus
	queues   [][2]string // sq_queue_id, sq_queue; each queue once
}

// distinctSQAgents lists the agents of every queue, each once, by user id.
func distinctSQAgents(states []SQAppState) []*sqAgent {
	byID := map[int64]*sqAgent{}
	var out []*sqAgent
	for _, a := range states {
		for i := range a.Queues {
			q := &a.Queues[i]
			qid := strconv.FormatInt(q.SQQueueID, 10)
			for j := range q.Agents {
				ag := &q.Agents[j]
				e := byID[ag.UserID]
				if e == nil {
					e = &sqAgent{userID: ag.UserID, id: strconv.FormatInt(ag.UserID, 10), name: ag.UserName, statuses: map[string]voxapi.SQChannelStatus{}}
					byID[ag.UserID] = e
					out = append(out, e)
				}
				for ch, st := range ag.Statuses {
					if _, ok := e.statuses[ch]; !ok {
						e.statuses[ch] = st
					}
				}
				if !slices.ContainsFunc(e.queues, func(qq [2]string) bool { return qq[0] == qid }) {
					e.queues = append(e.queues, [2]string{qid, q.SQQueueName})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b *sqAgent) int { return cmp.Compare(a.userID, b.userID) })
	return out
}

// sqAgentFamily is one per-agent family, as a function from an agent to
// its series.
type sqAgentFamily struct {
	name, help string
	labels     []string
	series     func(a *sqAgent, emit EmitFunc)
}

var sqAgentFamilies = []sqAgentFamily{
	{
		name:   "voximplant_sq_agent_status",
		help:   "The agent's SmartQueue status on the channel as a state set: 1 for the current status, 0 for the other documented ones; no series for a channel the agent has no status on.",
		labels: []string{"user_id", "user_name", "channel", "sq_status"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, ch := range voxapi.SQChannels {
				st, ok := a.statuses[ch]
				if !ok {
					continue
				}
				cur, channel := sqStatus(st.Status), strings.ToLower(ch)
				for _, doc := range voxapi.SQAgentStatuses {
					emit(boolFloat(doc == cur), a.id, a.name, channel, doc)
				}
				if !slices.Contains(voxapi.SQAgentStatuses, cur) {
					emit(1, a.id, a.name, channel, cur)
				}
			}
		},
	},
	{
		name:   "voximplant_sq_agent_status_change_timestamp_seconds",
		help:   "Unix time at which the agent entered its SmartQueue status on the channel (from_date), where known; time() minus it is the status age.",
		labels: []string{"user_id", "user_name", "channel"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, ch := range voxapi.SQChannels {
				if st, ok := a.statuses[ch]; ok && st.FromDate.Valid {
					emit(unixSeconds(st.FromDate.Time), a.id, a.name, strings.ToLower(ch), "")
				}
			}
		},
	},
	{
		name:   "voximplant_sq_agent_queue_info",
		help:   "A SmartQueue queue the agent is logged in to (GetSQState's sq_agents); always 1.",
		labels: []string{"user_id", "user_name", "sq_queue_id", "sq_queue"},
		series: func(a *sqAgent, emit EmitFunc) {
			for _, q := range a.queues {
				emit(1, a.id, a.name, q[0], q[1])
			}
		},
	},
}

// sqAgentStreams are the per-agent families over agents.
func sqAgentStreams(agents []*sqAgent) []*StreamFamily {
	out := make([]*StreamFamily, len(sqAgentFamilies))
	for i, f := range sqAgentFamilies {
		out[i] = &StreamFamily{Name: f.name, Help: f.help, Labels: f.labels, Each: func(emit EmitFunc) {
			for _, a := range agents {
				f.series(a, emit)
			}
		}}
	}
	return out
}
