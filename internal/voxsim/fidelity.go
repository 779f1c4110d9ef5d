package voxsim

import "time"

// FidelityWarmUp is how far before now FidelityAccount starts, so that a
// server evolved to now holds calls and SmartQueue tasks in every
// statistics window.
const FidelityWarmUp = 30 * time.Minute

// FidelityAccount is the account the official-client fidelity suite
// (fidelity/) and the exporter's own request recording run against: two
// ACD applications with queues, and a SmartQueue application with two
// queues. Start a server with it and call Evolve(now) before the first
// request.
func FidelityAccount(now time.Time) Account {
	return Generate(GenConfig{Users: 40, Apps: 2, Skills: 4, Queues: 4, SmartQueues: 2, Seed: 17, Now: now.Add(-FidelityWarmUp)})
}

// FidelityEvolve evolves srv to now and makes sure a call waits in one of
// its queues, so that GetACDState serves every field of a waiting call
// whatever the callers' patience left in the line.
func FidelityEvolve(srv *Server, now time.Time) {
	srv.Evolve(now)
	calls := srv.Calls()
	var id int64
	for _, c := range calls {
		if c.Waiting() {
			return
		}
		id = max(id, c.ID)
	}
	queues := srv.Account().Queues
	if len(queues) == 0 {
		return
	}
	srv.SetCalls(append(calls, Call{ID: id + 1, QueueID: queues[0].ID, Priority: 1, Arrived: now.Add(-42 * time.Second)}))
}
