// Package simapi is the test harness of a simulated Management API and a
// production client of it. It lives apart from package testkit so that
// voxsim's and voxapi's own tests can use testkit without an import cycle.
package simapi

import (
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestAccountID is the account of Start's simulator and credentials.
const TestAccountID = 4242

// API is a simulated Management API and a production client of it, over
// real loopback HTTP with real JWTs.
type API struct {
	Sim    *voxsim.Server
	Client *voxapi.Client
	Creds  *voxsim.Credentials
}

// Start starts voxsim serving acct and a client of it. simCfg and
// clientOpts, when set, adjust the two configurations before they start;
// the client's back-off is a millisecond by default, so that retries cost
// the tests nothing.
func Start(t testing.TB, acct voxsim.Account, simCfg func(*voxsim.Config), clientOpts func(*voxapi.Options)) *API {
	t.Helper()
	creds := voxsim.NewTestCredentials(TestAccountID)
	cfg := voxsim.Config{Credentials: creds, Account: acct}
	if simCfg != nil {
		simCfg(&cfg)
	}
	sim, err := voxsim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c, err := voxapi.ParseCredentials(creds.JSON(), "test credentials")
	if err != nil {
		t.Fatal(err)
	}
	opts := voxapi.Options{BaseURL: sim.URL(), Credentials: c, BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond}
	if clientOpts != nil {
		clientOpts(&opts)
	}
	client, err := voxapi.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &API{Sim: sim, Client: client, Creds: creds}
}
