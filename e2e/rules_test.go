package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// ruleFiles are the rule files Prometheus loads with examples/prometheus.yml.
func ruleFiles(t *testing.T) []string {
	t.Helper()
	root := testkit.RepoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "alerts", "*.yml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("rule files in alerts/: %v %v", files, err)
	}
	return append(files, filepath.Join(root, "examples", "thresholds.rules.yml"))
}

func TestPromtoolCheckRules(t *testing.T) {
	promtool := testtools.Need(t, testtools.Promtool)
	out := run(t, time.Minute, testkit.RepoRoot(t), promtool, append([]string{"check", "rules"}, ruleFiles(t)...)...)
	t.Log(out)
}

func TestPromtoolTestRules(t *testing.T) {
	promtool := testtools.Need(t, testtools.Promtool)
	tests, err := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "alerts", "tests", "*.yml"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no rule unit tests in alerts/tests: %v", err)
	}
	out := run(t, 2*time.Minute, filepath.Join(testkit.RepoRoot(t), "alerts", "tests"), promtool, append([]string{"test", "rules"}, tests...)...)
	t.Log(out)
}

// TestPromtoolCheckConfig checks the example Prometheus configuration,
// including that its relative rule_files paths resolve.
func TestPromtoolCheckConfig(t *testing.T) {
	promtool := testtools.Need(t, testtools.Promtool)
	// Run from elsewhere: relative rule paths must resolve against the file.
	out := run(t, time.Minute, os.TempDir(), promtool, "check", "config", filepath.Join(testkit.RepoRoot(t), "examples", "prometheus.yml"))
	if !strings.Contains(out, "rule files found") {
		t.Errorf("promtool found no rule files:\n%s", out)
	}
	t.Log(out)
}

func TestAmtoolCheckConfig(t *testing.T) {
	amtool := testtools.Need(t, testtools.Amtool)
	cfg := filepath.Join(testkit.RepoRoot(t), "examples", "alertmanager.yml")
	t.Log(run(t, time.Minute, testkit.RepoRoot(t), amtool, "check-config", cfg))

	// Where each kind of alert goes.
	for _, c := range []struct {
		receiver string
		labels   []string
	}{
		{"supervisors-pager", []string{"alertname=VoximplantQueueNoReadyOperators", "category=staffing", "severity=critical"}},
		{"supervisors", []string{"alertname=VoximplantQueueUnderstaffed", "category=staffing", "severity=warning"}},
		{"supervisors", []string{"alertname=VoximplantOperatorStuckInStatus", "category=operators", "severity=warning"}},
		{"supervisors-pager", []string{"alertname=VoximplantCallsWaitingNoReadyOperators", "category=staffing", "severity=critical"}},
		{"supervisors", []string{"alertname=VoximplantQueueLongestWaitHigh", "category=staffing", "severity=warning"}},
		{"sre", []string{"alertname=VoximplantCollectorFailing", "collector=acd_state", "category=exporter", "severity=warning"}},
		{"sre", []string{"alertname=VoximplantCollectorFailing", "collector=queue_stats", "category=exporter", "severity=warning"}},
		{"billing", []string{"alertname=VoximplantUserBalanceLow", "category=balance", "severity=warning"}},
		{"sre", []string{"alertname=VoximplantExporterDown", "category=exporter", "severity=critical"}},
		{"sre", []string{"alertname=VoximplantAPIErrors", "category=exporter", "severity=critical", "error_class=auth"}},
	} {
		args := append([]string{"config", "routes", "test", "--config.file=" + cfg, "--verify.receivers=" + c.receiver}, c.labels...)
		run(t, time.Minute, testkit.RepoRoot(t), amtool, args...)
	}
}

// TestExampleCredentials loads the sample credentials.json with the
// exporter's own loader: the fake key must be a well-formed one.
func TestExampleCredentials(t *testing.T) {
	path := filepath.Join(testkit.RepoRoot(t), "examples", "credentials.json")
	if _, err := voxapi.LoadCredentials(path); err != nil {
		t.Fatalf("examples/credentials.json does not load: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["account_id"].(json.Number); !ok {
		t.Errorf("account_id must be a JSON number, is %T", raw["account_id"])
	}
	if c, _ := raw["_comment"].(string); !strings.Contains(c, "FAKE") {
		t.Error("the sample must say it holds a fake key")
	}
}

var (
	alertLine   = regexp.MustCompile(`(?m)^\s*-\s*alert:\s*(\S+)\s*$`)
	runbookLine = regexp.MustCompile(`(?m)^\s*runbook_url:\s*(\S+)\s*$`)
	headingLine = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*#*\s*$`)
)

// githubAnchor is the anchor GitHub gives a Markdown heading.
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteRune('-')
		case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestRunbookAnchors: every alert's runbook_url points at
// #runbook-<alertname> in the project README, and that section exists.
func TestRunbookAnchors(t *testing.T) {
	root := testkit.RepoRoot(t)
	rules, err := os.ReadFile(filepath.Join(root, "alerts", "alerts.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://github.com/voximplant-exporter/voximplant_exporter#"
	alerts := alertLine.FindAllSubmatch(rules, -1)
	urls := runbookLine.FindAllSubmatch(rules, -1)
	if len(alerts) == 0 || len(alerts) != len(urls) {
		t.Fatalf("%d alerts but %d runbook_url annotations", len(alerts), len(urls))
	}
	want := map[string]bool{}
	for i, a := range alerts {
		name, u := string(a[1]), string(urls[i][1])
		if exp := base + "runbook-" + strings.ToLower(name); u != exp {
			t.Errorf("%s: runbook_url %s, want %s", name, u, exp)
		}
		want[strings.TrimPrefix(u, base)] = true
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	have := map[string]bool{}
	for _, h := range headingLine.FindAllSubmatch(readme, -1) {
		have[githubAnchor(string(h[1]))] = true
	}
	for a := range want {
		if !have[a] {
			t.Errorf("README.md has no section with anchor #%s (a heading such as \"### Runbook: ...\")", a)
		}
	}
}

func TestGithubAnchor(t *testing.T) {
	if got := githubAnchor("Runbook: VoximplantQueueUnderstaffed"); got != "runbook-voximplantqueueunderstaffed" {
		t.Error(got)
	}
}
