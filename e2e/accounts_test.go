package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

// accountsJob is the job of examples/prometheus-accounts.yml.
const accountsJob = "voximplant_accounts"

// TestEndToEndManyAccountsThroughHTTPSD: from one exporter with one parent key
// (the demo's), Prometheus discovers the parent and its two children
// through /sd, with examples/prometheus-accounts.yml pointed at the
// exporter, and scrapes each through /probe with that account's numbers:
// the demo's 60 operators in the parent, 30 in each child, and each
// account's own balance and currency.
func TestEndToEndManyAccountsThroughHTTPSD(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	prometheus := testtools.Need(t, testtools.Prometheus)
	exporter, expAddr := startDemoExporter(t, "/sd", nil)

	raw, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "examples", "prometheus-accounts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw)
	for old, repl := range map[string]string{
		"localhost:9873":        expAddr,
		"refresh_interval: 5m":  "refresh_interval: 2s",
		"scrape_interval: 30s":  "scrape_interval: " + scrapeInterval,
		"scrape_timeout: 20s":   "scrape_timeout: " + scrapeTimeout,
		"evaluation_interval: ": "evaluation_interval: ",
		"  - ../alerts/*.yml":   "  - " + filepath.Join(testkit.RepoRoot(t), "alerts", "*.rules.yml"),
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("examples/prometheus-accounts.yml no longer has %q", old)
		}
		cfg = strings.ReplaceAll(cfg, old, repl)
	}
	cfgPath := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	api, prom := startPrometheus(t, prometheus, cfgPath, exporter)
	procs := []*process{exporter, prom}

	want := map[string]struct {
		name, currency string
		users          string
	}{
		"1000001": {"demo", "USD", "60"},
		"1000002": {"demo-retail", "EUR", "30"},
		"1000003": {"demo-logistics", "USD", "30"},
	}
	waitFor(t, "three accounts scraped with every collector whole", 90*time.Second, procs, func() (bool, string) {
		s, err := api.query(fmt.Sprintf(`min by (instance) (voximplant_scrape_collector_success{job=%q, collector=~"users|account"}) == 1`, accountsJob))
		if err != nil {
			return false, err.Error()
		}
		return len(s) == len(want), fmt.Sprintf("%d accounts so far", len(s))
	})

	users, err := api.query(fmt.Sprintf(`count by (instance, account_name) (voximplant_user_info{job=%q})`, accountsJob))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range users {
		w, ok := want[x.Metric["instance"]]
		got = append(got, x.Metric["instance"])
		if !ok || x.Metric["account_name"] != w.name || fmt.Sprint(x.Value[1]) != w.users {
			t.Errorf("account %v: %v users, want %+v", x.Metric, x.Value[1], w)
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "1000001,1000002,1000003" {
		t.Errorf("accounts scraped: %v", got)
	}
	bal, err := api.query(fmt.Sprintf(`voximplant_account_balance{job=%q}`, accountsJob))
	if err != nil {
		t.Fatal(err)
	}
	if len(bal) != len(want) {
		t.Fatalf("%d balances, want %d", len(bal), len(want))
	}
	for _, x := range bal {
		if w := want[x.Metric["instance"]]; x.Metric["currency"] != w.currency || x.Metric["account_frozen"] != "false" || x.Metric["account_active"] != "true" {
			t.Errorf("balance series %v, want currency %s, active and not frozen", x.Metric, w.currency)
		}
	}
}
