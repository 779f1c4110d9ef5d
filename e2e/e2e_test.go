package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

// Timing of the end-to-end run: Prometheus scrapes every 2s and evaluates
// rules every 1s, and the test waits for minScrapes scrapes.
const (
	scrapeInterval = "2s"
	scrapeTimeout  = "1500ms"
	evalInterval   = "1s"
	minScrapes     = 5
	jobName        = "voximplant"
)

var (
	reScrapeInterval = regexp.MustCompile(`(?m)^(\s*)scrape_interval:\s*\S+`)
	reScrapeTimeout  = regexp.MustCompile(`(?m)^(\s*)scrape_timeout:\s*\S+`)
	reEvalInterval   = regexp.MustCompile(`(?m)^(\s*)evaluation_interval:\s*\S+`)
	reTargets        = regexp.MustCompile(`(?m)^(\s*-?\s*)targets:\s*\[[^\]]*\]`)
	reJob            = regexp.MustCompile(`(?m)^\s*-\s*job_name:\s*"?([\w-]+)"?\s*$`)
	reListItem       = regexp.MustCompile(`^(\s*-\s*)(\S.*?)\s*$`)
)

// prometheusConfig turns examples/prometheus.yml into the test's
// configuration: the target is the exporter under test, the intervals are
// short, and relative rule_files become absolute (the copy lives elsewhere).
// It fails the test when the example no longer has the shape it rewrites,
// rather than testing something else.
func prometheusConfig(t *testing.T, target string) string {
	t.Helper()
	exampleDir := filepath.Join(testkit.RepoRoot(t), "examples")
	data, err := os.ReadFile(filepath.Join(exampleDir, "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	if jobs := reJob.FindAllStringSubmatch(cfg, -1); len(jobs) != 1 || jobs[0][1] != jobName {
		t.Fatalf("examples/prometheus.yml must have exactly one scrape job, %q; found %v", jobName, jobs)
	}
	if n := len(reTargets.FindAllString(cfg, -1)); n != 1 {
		t.Fatalf("examples/prometheus.yml: expected one `targets: [...]` line, found %d", n)
	}
	if !reScrapeTimeout.MatchString(cfg) {
		t.Fatal("examples/prometheus.yml sets no scrape_timeout")
	}
	cfg = reTargets.ReplaceAllString(cfg, fmt.Sprintf(`${1}targets: [%q]`, target))
	cfg = reScrapeInterval.ReplaceAllString(cfg, "${1}scrape_interval: "+scrapeInterval)
	cfg = reScrapeTimeout.ReplaceAllString(cfg, "${1}scrape_timeout: "+scrapeTimeout)
	cfg = reEvalInterval.ReplaceAllString(cfg, "${1}evaluation_interval: "+evalInterval)

	lines := strings.Split(cfg, "\n")
	inRules, nRules := false, 0
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "rule_files:"):
			inRules = true
			continue
		case inRules && (trimmed == "" || strings.HasPrefix(trimmed, "#")):
			continue
		case inRules && !strings.HasPrefix(trimmed, "-"):
			inRules = false
		}
		if inRules {
			m := reListItem.FindStringSubmatch(l)
			p := strings.Trim(m[2], `"'`)
			if !filepath.IsAbs(p) {
				p = filepath.Join(exampleDir, p)
			}
			lines[i] = m[1] + strconv.Quote(p)
			nRules++
		}
	}
	if nRules == 0 {
		t.Fatal("examples/prometheus.yml lists no rule_files")
	}
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEndToEnd runs the exporter in demo mode under a real Prometheus with
// the example configuration and the project's rules, then evaluates every
// dashboard query and checks every rule through Prometheus's HTTP API.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel() // beside TestEndToEndServiceLevelAtRiskLeads, which waits for the demo's break
	started := time.Now()
	api, procs := startDemoStack(t)

	// A few scrapes, and every rule evaluated at least once.
	waitFor(t, fmt.Sprintf("%d scrapes", minScrapes), 60*time.Second, procs, func() (bool, string) {
		s, err := api.query(fmt.Sprintf(`count_over_time(up{job=%q}[5m])`, jobName))
		if err != nil {
			return false, err.Error()
		}
		if len(s) == 0 {
			return false, "no up series yet"
		}
		n, _ := strconv.ParseFloat(fmt.Sprint(s[0].Value[1]), 64)
		return n >= minScrapes, fmt.Sprintf("%v scrapes so far", n)
	})
	var groups []ruleGroup
	waitFor(t, "every rule evaluated", 30*time.Second, procs, func() (bool, string) {
		var err error
		groups, err = rules(api)
		if err != nil {
			return false, err.Error()
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				if r.Health == "unknown" || r.LastEvaluation == "" || strings.HasPrefix(r.LastEvaluation, "0001-") {
					return false, fmt.Sprintf("rule %s of group %s not evaluated yet", r.Name, g.Name)
				}
			}
		}
		return len(groups) > 0, "no rule groups loaded"
	})

	t.Run("target up", func(t *testing.T) { checkTarget(t, api) })
	t.Run("every collector on and succeeding", func(t *testing.T) { checkCollectors(t, api) })
	for _, m := range []string{"voximplant_up", "voximplant_scrape_collector_success"} {
		t.Run(m, func(t *testing.T) {
			s, err := api.query(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(s) == 0 {
				t.Fatalf("no %s series", m)
			}
			for _, x := range s {
				if fmt.Sprint(x.Value[1]) != "1" {
					t.Errorf("%s%v = %v, want 1", m, x.Metric, x.Value[1])
				}
			}
		})
	}
	t.Run("queue demand", func(t *testing.T) { checkQueueDemand(t, api) })
	t.Run("rules healthy", func(t *testing.T) { checkRules(t, api, groups) })
	t.Run("no exporter alerts", func(t *testing.T) { checkNoExporterAlerts(t, api) })
	t.Run("a staffing or demand alert goes pending", func(t *testing.T) { checkStaffingAlertPending(t, api, procs) })
	for _, d := range loadDashboards(t) {
		t.Run("dashboard "+d.File, func(t *testing.T) { checkDashboard(t, api, d) })
	}
	t.Logf("end-to-end run took %s", time.Since(started).Round(time.Millisecond))
}

// startDemoStack starts the exporter in demo mode with no other flag (the
// demo turns every collector on, so every dashboard panel must have data)
// and a Prometheus with the example configuration pointed at it, and
// waits until both answer.
func startDemoStack(t *testing.T) (promAPI, []*process) {
	t.Helper()
	prometheus := testtools.Need(t, testtools.Prometheus)
	exporter, expAddr := startDemoExporter(t, "/metrics", func(body string) (bool, string) {
		return strings.Contains(body, "voximplant_up") && strings.Contains(body, "voximplant_scrape_collector_success"),
			"no voximplant_up or voximplant_scrape_collector_success in the answer yet"
	})
	api, prom := startPrometheus(t, prometheus, prometheusConfig(t, expAddr), exporter)
	return api, []*process{exporter, prom}
}

func checkTarget(t *testing.T, api promAPI) {
	raw, err := api.call("targets?state=active", nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		ActiveTargets []struct {
			Labels    map[string]string `json:"labels"`
			ScrapeURL string            `json:"scrapeUrl"`
			Health    string            `json:"health"`
			LastError string            `json:"lastError"`
		} `json:"activeTargets"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, tg := range d.ActiveTargets {
		if tg.Labels["job"] != jobName {
			continue
		}
		found++
		if tg.Health != "up" || tg.LastError != "" {
			t.Errorf("target %s: health %s, last error %q", tg.ScrapeURL, tg.Health, tg.LastError)
		}
	}
	if found != 1 {
		t.Errorf("%d targets of job %s, want 1", found, jobName)
	}
}

type ruleGroup struct {
	Name  string `json:"name"`
	File  string `json:"file"`
	Rules []struct {
		Name           string            `json:"name"`
		Query          string            `json:"query"`
		Type           string            `json:"type"`
		Health         string            `json:"health"`
		LastError      string            `json:"lastError"`
		LastEvaluation string            `json:"lastEvaluation"`
		Labels         map[string]string `json:"labels"`
		Annotations    map[string]string `json:"annotations"`
		Duration       float64           `json:"duration"`
	} `json:"rules"`
}

func rules(api promAPI) ([]ruleGroup, error) {
	raw, err := api.call("rules", nil)
	if err != nil {
		return nil, err
	}
	var d struct {
		Groups []ruleGroup `json:"groups"`
	}
	err = json.Unmarshal(raw, &d)
	return d.Groups, err
}

// The alerts the issue asks for; all must be loaded.
var wantAlerts = []string{
	"VoximplantExporterDown", "VoximplantScrapeFailing", "VoximplantQueueNoReadyOperators",
	"VoximplantQueueUnderstaffed", "VoximplantOperatorStuckInStatus", "VoximplantOperatorsBanned",
	"VoximplantUserBalanceLow", "VoximplantAPIErrors",
	"VoximplantCollectorFailing", "VoximplantCallsWaitingNoReadyOperators", "VoximplantQueueLongestWaitHigh",
	"VoximplantQueueServiceLevelLow", "VoximplantQueueAbandonmentHigh", "VoximplantQueueUnderstaffedForLoad",
	"VoximplantSQTasksWaitingNoReadyAgents", "VoximplantSQLongestWaitHigh", "VoximplantSQServiceLevelLow",
	"VoximplantSQUnderstaffedForLoad",
	"VoximplantBalanceRunsOutSoon", "VoximplantAccountFrozen",
}

// demoCollectors are the collectors --demo turns on.
var demoCollectors = []string{"users", "account", "acd_state", "queue_stats", "smartqueue"}

// checkCollectors: the demo runs every collector, and each reads its
// source whole.
func checkCollectors(t *testing.T, api promAPI) {
	s, err := api.query("voximplant_scrape_collector_success")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range s {
		got[x.Metric["collector"]] = fmt.Sprint(x.Value[1])
	}
	for _, c := range demoCollectors {
		if got[c] != "1" {
			t.Errorf("collector %s: success %q, want 1 (all: %v)", c, got[c], got)
		}
	}
}

func checkRules(t *testing.T, api promAPI, groups []ruleGroup) {
	alerts := map[string]bool{}
	recorded := 0
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.Health != "ok" || r.LastError != "" {
				t.Errorf("%s rule %s (group %s): health %s, error %q\n  query: %s", r.Type, r.Name, g.Name, r.Health, r.LastError, r.Query)
			}
			switch r.Type {
			case "alerting":
				alerts[r.Name] = true
				if r.Labels["severity"] == "" {
					t.Errorf("alert %s has no severity label", r.Name)
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if r.Annotations[a] == "" {
						t.Errorf("alert %s has no %s annotation", r.Name, a)
					}
				}
			case "recording":
				recorded++
				s, err := api.query(r.Name)
				switch {
				case err != nil:
					t.Errorf("recording rule %s: %v", r.Name, err)
				case len(s) == 0:
					t.Errorf("recording rule %s produced no series\n  query: %s", r.Name, r.Query)
				default:
					t.Logf("recording rule %s: %d series", r.Name, len(s))
				}
			}
		}
	}
	for _, a := range wantAlerts {
		if !alerts[a] {
			t.Errorf("alert %s is not loaded", a)
		}
	}
	if recorded == 0 {
		t.Error("no recording rules loaded")
	}
}

// checkQueueDemand: with --collector.acd-state the demo serves the queue
// demand series for every queue the operator series show, and the demand
// recording rules follow them. A queue's demand is served under the
// application the queue belongs to, while an operator of another watched
// application may be bound to it too, so queues are compared by id.
func checkQueueDemand(t *testing.T, api promAPI) {
	queues := func(expr string) map[string]bool {
		t.Helper()
		s, err := api.query(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		out := map[string]bool{}
		for _, x := range s {
			out[x.Metric["queue_id"]] = true
		}
		return out
	}
	bound := queues(`count by (queue_id) (voximplant_acd_queue_operators)`)
	for _, m := range []string{
		"voximplant_acd_queue_waiting_calls", "voximplant_acd_queue_longest_wait_seconds",
		"voximplant_acd_queue_servicing_calls", "voximplant_acd_queue_ready_operators",
		"voximplant_acd_queue_locked_operators", "voximplant_acd_queue_after_service_operators",
		"application_queue:voximplant_acd_queue_waiting_calls:max",
		"application_queue:voximplant_acd_queue_longest_wait_seconds:max",
		"application_queue:voximplant_acd_queue_ready_operators:max",
		"application_queue:voximplant_queue_max_wait_seconds:effective",
	} {
		have := queues(m)
		if len(have) == 0 {
			t.Errorf("%s: no series", m)
			continue
		}
		for q := range bound {
			if !have[q] {
				t.Errorf("%s: no series for queue %s, which operators are bound to", m, q)
			}
		}
	}
	// How busy the demo's queues were during the run: for the log only, the
	// simulation decides.
	if s, err := api.query(`max_over_time(sum(max by (queue_id) (voximplant_acd_queue_waiting_calls))[5m:2s])`); err == nil && len(s) > 0 {
		t.Logf("most calls waiting at once during the run: %v", s[0].Value[1])
	}
	if s, err := api.query(`max_over_time(max(voximplant_acd_queue_longest_wait_seconds)[5m:2s])`); err == nil && len(s) > 0 {
		t.Logf("longest wait during the run: %vs", s[0].Value[1])
	}
}

// checkNoExporterAlerts: with a healthy demo exporter the exporter-health
// alerts must be neither pending nor firing.
func checkNoExporterAlerts(t *testing.T, api promAPI) {
	raw, err := api.call("alerts", nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Alerts []struct {
			Labels map[string]string `json:"labels"`
			State  string            `json:"state"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	for _, a := range d.Alerts {
		switch a.Labels["alertname"] {
		case "VoximplantExporterDown", "VoximplantScrapeFailing", "VoximplantAPIErrors", "VoximplantCollectorFailing":
			t.Errorf("%s is %s against a healthy demo exporter: %v", a.Labels["alertname"], a.State, a.Labels)
		default:
			t.Logf("%s %s %v", a.State, a.Labels["alertname"], a.Labels)
		}
	}
}

// checkStaffingAlertPending: the demo's load has busy periods (one a minute
// or two after start), so a staffing or demand alert goes pending within
// minutes; the test waits for Prometheus to say so, up to four minutes.
func checkStaffingAlertPending(t *testing.T, api promAPI, procs []*process) {
	var seen string
	waitFor(t, "a staffing alert pending or firing", 4*time.Minute, procs, func() (bool, string) {
		raw, err := api.call("alerts", nil)
		if err != nil {
			return false, err.Error()
		}
		var d struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return false, err.Error()
		}
		for _, a := range d.Alerts {
			if a.Labels["category"] == "staffing" && (a.State == "pending" || a.State == "firing") {
				seen = a.State + " " + a.Labels["alertname"] + " " + a.Labels["queue"] + a.Labels["sq_queue"]
				return true, seen
			}
		}
		return false, fmt.Sprintf("%d alerts, none of category staffing pending or firing", len(d.Alerts))
	})
	t.Logf("seen: %s", seen)
}

// checkDashboard evaluates every template variable query and every panel
// query twice: with every variable at "All", and with each variable at one
// real value its label_values() query returns (queue and skill depending on
// the chosen application, as in Grafana); of the values, the one that needs
// the most escaping, so that names with quotes or regex metacharacters are
// exercised when the data has them.
func checkDashboard(t *testing.T, api promAPI, d dashboard) {
	for _, mode := range []string{"all", "one value"} {
		t.Run(mode, func(t *testing.T) {
			values := map[string]string{}
			// unselectable are variables with no value under the values
			// chosen before them (the SmartQueue queues of an ACD-only
			// application): they stay at All and need not select data.
			unselectable := map[string]bool{}
			for _, v := range d.Templating.List {
				switch v.Type {
				case "datasource":
					values[v.Name] = dsRef // not part of any expression
				case "query":
					q, err := substitute(v.queryString(), values)
					if err != nil {
						t.Fatalf("variable %s: %v", v.Name, err)
					}
					sel, label, err := parseLabelValues(q)
					if err != nil {
						t.Fatalf("variable %s: %v", v.Name, err)
					}
					vals, err := api.labelValues(label, sel)
					if err != nil {
						t.Fatalf("variable %s: label_values(%s, %s): %v", v.Name, sel, label, err)
					}
					if len(vals) == 0 && mode == "one value" {
						t.Logf("$%s has no value under the values chosen before it (%s): left at All", v.Name, sel)
						unselectable[v.Name] = true
						values[v.Name] = ".*"
						continue
					}
					if len(vals) == 0 {
						t.Fatalf("variable %s: label_values(%s, %s) is empty", v.Name, sel, label)
					}
					sort.Strings(vals)
					t.Logf("$%s: %d values %q", v.Name, len(vals), vals)
					if mode == "all" && v.IncludeAll {
						values[v.Name] = v.AllValue
						if v.AllValue == "" {
							values[v.Name] = ".*"
						}
					} else {
						values[v.Name] = mostEscaped(vals)
					}
				case "custom", "constant", "textbox", "interval":
					t.Fatalf("variable %s: type %s not handled by this test; teach it", v.Name, v.Type)
				}
			}
			// In "one value" mode a panel may legitimately be empty (nobody
			// works the one selected queue, so it has no occupancy); but every
			// variable must select data in at least one panel, or its
			// matcher or escaping is wrong.
			hits := map[string]int{}
			for _, e := range dashboardExprs(d) {
				expr, err := substitute(e.Expr, values)
				if err != nil {
					t.Errorf("panel %q %s: %v", e.Panel, e.RefID, err)
					continue
				}
				s, err := api.query(expr)
				if err == nil && len(s) > 0 && e.Range {
					s, err = api.queryRange(expr, time.Minute, 2*time.Second)
				}
				switch {
				case err != nil:
					t.Errorf("panel %q %s: %v\n  query: %s", e.Panel, e.RefID, err, expr)
				case len(s) == 0 && mode == "all":
					t.Errorf("panel %q %s: empty result\n  query: %s", e.Panel, e.RefID, expr)
				case len(s) == 0:
					t.Logf("empty (allowed for one selected value): panel %q %s: %s", e.Panel, e.RefID, expr)
				default:
					t.Logf("ok: panel %q %s: %d series", e.Panel, e.RefID, len(s))
					for _, name := range referencedVars(e.Expr) {
						hits[name]++
					}
				}
			}
			for _, v := range d.Templating.List {
				if v.Type == "query" && hits[v.Name] == 0 && usedByPanels(d, v.Name) && !unselectable[v.Name] {
					t.Errorf("no panel returned data with $%s = %s", v.Name, values[v.Name])
				}
			}
		})
	}
}

// mostEscaped returns the escaped form of the value that changes most when
// escaped (the first of equals).
func mostEscaped(vals []string) string {
	best, grow := "", -1
	for _, v := range vals {
		e := regexValue(v)
		if len(e)-len(v) > grow {
			best, grow = e, len(e)-len(v)
		}
	}
	return best
}

// referencedVars lists the dashboard variables an expression uses.
func referencedVars(expr string) []string {
	var out []string
	for _, m := range varRef.FindAllStringSubmatch(expr, -1) {
		out = append(out, m[1]+m[3]+m[4])
	}
	return out
}

func usedByPanels(d dashboard, name string) bool {
	for _, e := range dashboardExprs(d) {
		for _, n := range referencedVars(e.Expr) {
			if n == name {
				return true
			}
		}
	}
	return false
}
