package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// demoAPI is the simulated contact centre that --demo serves. The exporter
// reaches it through the production client over real loopback HTTP, signing
// real JWTs with a freshly generated key.
type demoAPI struct {
	srv             *voxsim.Family
	url             string
	apps            []voxapi.AppSelector // every generated application
	probeApps       []voxapi.AppSelector // the same by short name, which every demo account has
	credentialsJSON []byte
	accountID       int64   // the parent account, which the credentials are of
	childIDs        []int64 // its child accounts (demoChildren)
}

// demoEvolveEvery is how often the demo's operators change status.
const demoEvolveEvery = 2 * time.Second

// demoWarmUp is how much simulated history the demo has at start: the
// statistics window's default, so that the queue outcome series are there
// from the first scrape.
const demoWarmUp = 30 * time.Minute

// The warm-up's busy period: a surge of demoPastSurge times the usual
// demand from demoPastBusyAt into the warm-up, for demoPastBusyFor.
const (
	demoPastSurge   = 6.0
	demoPastBusyAt  = 8 * time.Minute
	demoPastBusyFor = 8 * time.Minute
)

// The team break: demoBreakShare of the operators of the queue judged at
// the default staffing objective (20 s) left for a meeting demoBreakAgo
// before the start, for demoBreakFor. From the first scrape the people on
// shift cannot answer the window's load, so the predicted service level
// is under the target at once and VoximplantQueueServiceLevelAtRisk fires
// 5 minutes later (its for:), minutes before the measured service level,
// averaged over the 30-minute window, falls under the target (the e2e
// test checks both through Prometheus). Started before the start so that
// the test waits no longer than the alert's for: needs.
const (
	demoBreakAgo   = 2 * time.Minute
	demoBreakFor   = 15 * time.Minute
	demoBreakShare = 0.8
)

// startDemo starts the simulated API with users operators, generated from
// seed, so that ids and names are the same on every start (a restart does
// not leave the old applications behind in Prometheus). It changes no
// configuration: the caller points the client at its url and apps.
func startDemo(ctx context.Context, users int, seed int64, logger *slog.Logger) (*demoAPI, error) {
	const accountID = 1000001
	creds, err := voxsim.NewCredentials(accountID)
	if err != nil {
		return nil, fmt.Errorf("generate demo key: %w", err)
	}
	// The account starts demoWarmUp in the past and is simulated up to now
	// before the first scrape, so the statistics window already holds
	// calls; its busy period is moved to just after the real start.
	start := time.Now().Truncate(time.Second) // whole seconds, as the simulation steps: the same run on every start
	account := demoAccount(users, seed, start)
	account.ID, account.Info = accountID, demoParentInfo
	srv, err := voxsim.StartFamily(voxsim.Config{
		Credentials: creds,
		Account:     account,
		Seed:        seed,
		MaxCount:    50, // like the real service, cap pages below what is asked
		Latency:     20 * time.Millisecond,
		Logger:      logger.With("component", "voxsim"),
	}, demoChildren(users, seed, start.Add(-demoWarmUp)))
	if err != nil {
		return nil, fmt.Errorf("start simulated API: %w", err)
	}
	srv.Evolve(start)
	go srv.RunEvolution(ctx, demoEvolveEvery)

	d := &demoAPI{srv: srv, url: srv.URL(), credentialsJSON: creds.JSON(), accountID: accountID, childIDs: srv.ChildIDs()}
	for _, a := range account.Apps {
		d.apps = append(d.apps, voxapi.AppSelector{ID: a.ID})
		d.probeApps = append(d.probeApps, voxapi.AppSelector{Name: strings.SplitN(a.Name, ".", 2)[0]})
	}
	logger.Info("demo mode: serving a simulated contact centre",
		"api_url", srv.URL(), "operators", len(account.Users), "applications", len(account.Apps), "child_accounts", len(d.childIDs))
	return d, nil
}

// Close stops the simulated API.
func (d *demoAPI) Close() { d.srv.Close() }

// demoAccount is the demo's contact centre: generated from seed as it was
// demoWarmUp before start, with its busy periods planned around start.
func demoAccount(users int, seed int64, start time.Time) voxsim.Account {
	account := voxsim.Generate(voxsim.GenConfig{
		Users:  users,
		Apps:   2,
		Skills: 5,
		Queues: 4,
		// One SmartQueue (ACD v2) application beside the ACD ones.
		SmartQueues: 2,
		Seed:        seed,
		Now:         start.Add(-demoWarmUp),
	})
	planDemoPeriods(account.Queues, start)
	return account
}

// planDemoPeriods schedules what the demo shows in its first minutes on
// the generated queues, of which Generate gave the busiest a surge soon
// after the warm-up began (moved here to just after the start):
//   - a team break (Queue.BreakAt) on the busiest other queue at the
//     staffing objective the rules default to (20 s), so that the
//     predicted service level falls before the measured one;
//   - a surge during the warm-up on the busiest remaining queue, so that
//     from the first scrape its window holds enough abandoned calls to
//     measure its callers' patience (Erlang A); it is given the default
//     objective's 20 s threshold beside its own, so that the boards show
//     Erlang A's staffing at the objective.
func planDemoPeriods(queues []voxsim.Queue, start time.Time) {
	busiest := func(ok func(i int, q *voxsim.Queue) bool) int {
		best := -1
		for i := range queues {
			if q := &queues[i]; q.BusyAt.IsZero() && ok(i, q) && (best < 0 || q.CallsPerHour > queues[best].CallsPerHour) {
				best = i
			}
		}
		return best
	}
	for i := range queues {
		if q := &queues[i]; !q.BusyAt.IsZero() {
			q.BusyAt = q.BusyAt.Add(demoWarmUp)
		}
	}
	brk := busiest(func(_ int, q *voxsim.Queue) bool { return atObjective(q) })
	if brk >= 0 {
		q := &queues[brk]
		q.BreakAt, q.BreakFor, q.BreakShare = start.Add(-demoBreakAgo), demoBreakFor, demoBreakShare
	}
	if past := busiest(func(i int, _ *voxsim.Queue) bool { return i != brk }); past >= 0 {
		q := &queues[past]
		q.Surge = max(q.Surge, demoPastSurge)
		q.BusyAt, q.BusyFor = start.Add(-demoWarmUp+demoPastBusyAt), demoPastBusyFor
		if !atObjective(q) {
			q.SLThresholds = append([]int{demoObjectiveThreshold}, q.SLThresholds...)
		}
	}
}

// demoObjectiveThreshold is the threshold (seconds) of the staffing
// objective the shipped rules default to.
const demoObjectiveThreshold = 20

// atObjective reports whether q reports a service level at the default
// staffing objective's threshold (a queue without thresholds has 20 s).
func atObjective(q *voxsim.Queue) bool {
	return len(q.SLThresholds) == 0 || slices.Contains(q.SLThresholds, demoObjectiveThreshold)
}
