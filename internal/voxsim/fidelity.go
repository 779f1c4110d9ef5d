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
