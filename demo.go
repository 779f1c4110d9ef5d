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
	start := time.Now()
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
	second := -1
	for i := range account.Queues {
		q := &account.Queues[i]
		if !q.BusyAt.IsZero() {
			q.BusyAt = q.BusyAt.Add(demoWarmUp)
			continue
		}
		// At the staffing objective the rules default to (20 s), so that
		// the boards show its Erlang A figure.
		at20 := len(q.SLThresholds) == 0 || slices.Contains(q.SLThresholds, 20)
		if at20 && (second < 0 || q.CallsPerHour > account.Queues[second].CallsPerHour) {
			second = i
		}
	}
	// A second queue was busy during the warm-up, so that from the first
	// scrape its window holds enough abandoned calls to measure its
	// callers' patience (Erlang A, the predicted service level) while the
	// busiest queue's busy period comes after the start.
	if second >= 0 {
		q := &account.Queues[second]
		q.Surge = max(q.Surge, demoPastSurge)
		q.BusyAt, q.BusyFor = start.Add(-demoWarmUp+demoPastBusyAt), demoPastBusyFor
	}
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
