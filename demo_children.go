package main

import (
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// demoParentInfo is the demo parent account: a balance that the demo's
// calls drain within the day, so that VoximplantBalanceRunsOutSoon has
// something to say.
var demoParentInfo = voxsim.AccountInfo{Name: "demo", Email: "demo@example.com", Balance: 250, Currency: "USD"}

// demoChildren are the demo parent's two child accounts, each with
// operators and queues of its own, so that /sd and /probe work with no
// account: a well-funded one, and one about to run out of money.
func demoChildren(users int, seed int64, at time.Time) []voxsim.Account {
	infos := []voxsim.AccountInfo{
		{Name: "demo-retail", Email: "retail@example.com", Balance: 5000, CreditLimit: -100, Currency: "EUR"},
		{Name: "demo-logistics", Email: "logistics@example.com", Balance: 40, Currency: "USD"},
	}
	out := make([]voxsim.Account, len(infos))
	for i, info := range infos {
		a := voxsim.Generate(voxsim.GenConfig{
			Users: max(users/2, 1), Apps: 2, Skills: 5, Queues: 4, SmartQueues: 2,
			Seed: seed + int64(i) + 1, Now: at,
		})
		a.ID, a.Info = 1000002+int64(i), info
		out[i] = a
	}
	return out
}
