package collector

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestAccountMetricsFromFixture: the account collector's series from one
// answer, without a simulator: the balance with its currency, the credit
// limit, and active and frozen as 1 or 0.
func TestAccountMetricsFromFixture(t *testing.T) {
	r := accountMetrics(&voxapi.AccountInfo{AccountID: 1, AccountName: "acme", Active: true, Frozen: false, Balance: 12.3456, CreditLimit: -50, Currency: "EUR"})
	want := `# HELP voximplant_account_active 1 if the account is active (GetAccountInfo active), 0 if it is switched off.
# TYPE voximplant_account_active gauge
voximplant_account_active 1
# HELP voximplant_account_balance Live balance of the account (GetAccountInfo balance, return_live_balance=true), in the account's currency.
# TYPE voximplant_account_balance gauge
voximplant_account_balance{currency="EUR"} 12.3456
# HELP voximplant_account_credit_limit Credit limit of the account (GetAccountInfo credit_limit), in the currency of voximplant_account_balance.
# TYPE voximplant_account_credit_limit gauge
voximplant_account_credit_limit -50
# HELP voximplant_account_frozen 1 if Voximplant has frozen (blocked) the account (GetAccountInfo frozen), 0 otherwise.
# TYPE voximplant_account_frozen gauge
voximplant_account_frozen 0
`
	if err := testutil.CollectAndCompare(resultCollector{r}, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	frozen := accountMetrics(&voxapi.AccountInfo{Frozen: true, Currency: "USD"})
	if err := testutil.CollectAndCompare(resultCollector{frozen}, strings.NewReader(`
# HELP voximplant_account_frozen 1 if Voximplant has frozen (blocked) the account (GetAccountInfo frozen), 0 otherwise.
# TYPE voximplant_account_frozen gauge
voximplant_account_frozen 1
# HELP voximplant_account_active 1 if the account is active (GetAccountInfo active), 0 if it is switched off.
# TYPE voximplant_account_active gauge
voximplant_account_active 0
`), "voximplant_account_frozen", "voximplant_account_active"); err != nil {
		t.Error(err)
	}
}

// clock is a settable clock safe for concurrent reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestAccountReadOncePerRefreshThroughVoxsim: the whole path (voxsim's
// GetAccountInfo, the client, the read, the exposition) serves the
// account's live balance, and reads it once per refresh interval however
// often Prometheus scrapes.
func TestAccountReadOncePerRefreshThroughVoxsim(t *testing.T) {
	acct := voxsim.Generate(voxsim.GenConfig{Users: 4, Apps: 1, Seed: 3})
	acct.Info = voxsim.AccountInfo{Name: "acme", Balance: 42.5, CreditLimit: -10, Currency: "EUR", Frozen: true}
	h := newHarness(t, acct, nil, voxapi.AppSelector{ID: acct.Apps[0].ID})
	clk := &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	st := Settings{Logger: h.logs.Logger(), Now: clk.now}
	exp := h.exporter(t, expOpts{now: clk.now, extra: []Collector{NewAccount(st)}})
	defer exp.Close()

	for range 4 {
		f := scrape(t, exp)
		if f.CollectorSuccess(AccountCollector) != 1 {
			t.Fatalf("account failed:\n%s", h.logs)
		}
		if got := f.MustValue(t, "voximplant_account_balance", "currency", "EUR"); got != 42.5 {
			t.Errorf("balance %v, want 42.5", got)
		}
		if got := f.MustValue(t, "voximplant_account_credit_limit"); got != -10 {
			t.Errorf("credit limit %v, want -10", got)
		}
		if f.MustValue(t, "voximplant_account_frozen") != 1 || f.MustValue(t, "voximplant_account_active") != 1 {
			t.Error("want active and frozen")
		}
		clk.advance(time.Minute)
	}
	if n := h.sim.Stats().ByMethod["GetAccountInfo"]; n != 1 {
		t.Errorf("%d GetAccountInfo requests in 4 scrapes within the refresh, want 1", n)
	}
	clk.advance(2 * time.Minute) // 6 minutes after the first read: due
	scrape(t, exp)
	exp.reads.account.wait()
	if n := h.sim.Stats().ByMethod["GetAccountInfo"]; n != 2 {
		t.Errorf("%d GetAccountInfo requests once the refresh was due, want 2", n)
	}
	for _, r := range h.sim.Requests() {
		if r.Method == "GetAccountInfo" && r.Params.Get("return_live_balance") != "true" {
			t.Errorf("GetAccountInfo without the live balance: %v", r.Params)
		}
	}
}

// TestAccountRefusedFailsItAlone: a refused GetAccountInfo fails the
// account collector alone, and the log names the roles to give.
func TestAccountRefusedFailsItAlone(t *testing.T) {
	acct := voxsim.Generate(voxsim.GenConfig{Users: 4, Apps: 1, Seed: 3})
	h := newHarness(t, acct, func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetAccountInfo"} }, voxapi.AppSelector{ID: acct.Apps[0].ID})
	exp := h.exporter(t, expOpts{extra: []Collector{NewAccount(Settings{Logger: h.logs.Logger()})}})
	defer exp.Close()
	f := scrape(t, exp)
	if f.Up() != 1 || f.CollectorSuccess(UsersCollector) != 1 {
		t.Error("a refused GetAccountInfo touched the operators")
	}
	if f.CollectorSuccess(AccountCollector) != 0 || count(f, "voximplant_account_balance", "voximplant_account_frozen") != 0 {
		t.Error("account served with GetAccountInfo refused")
	}
	for _, role := range []string{"Supervisor", "Admin", "Owner", "--collector.account"} {
		if !strings.Contains(h.logs.String(), role) {
			t.Errorf("the 104 log line does not name %s:\n%s", role, h.logs)
		}
	}
}

// TestBuildOnlyTurnsOnTheNamedCollectors: a module's collectors are the
// users collector and the named ones, whatever the switches; an unknown
// name is an error that lists the known ones.
func TestBuildOnlyTurnsOnTheNamedCollectors(t *testing.T) {
	app := kingpin.New("t", "")
	sel := AddFlags(app)
	if _, err := app.Parse([]string{"--no-collector.account"}); err != nil {
		t.Fatal(err)
	}
	cs, err := sel.BuildOnly(Settings{}, []string{"account", "account"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Name())
	}
	if strings.Join(got, ",") != "users,account" {
		t.Errorf("built %v, want users,account", got)
	}
	if _, err := sel.BuildOnly(Settings{}, []string{"acount"}, nil); err == nil || !strings.Contains(err.Error(), `"acount"`) || !strings.Contains(err.Error(), "queue_stats") {
		t.Errorf("err = %v, want one naming the bad name and the known ones", err)
	}
}
