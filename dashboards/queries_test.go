package dashboards_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

// sample is one series an expression must return: its labels as promtool
// writes them, and its value.
type sample struct {
	labels string
	value  float64
}

// queryCase is one panel query and what it must return at 5m on a fixture.
type queryCase struct {
	panel, ref string
	want       []sample
}

// The expected values are worked out by hand from the fixtures in
// testdata/ (see the comments), not taken from a run.
var queryCases = map[string][]queryCase{
	// Sales: 100 offered, 60 within 20 s, 80 answered, 15 unanswered, 5
	// rejected, wait sum 1900, handle sum 16000 over 80 handled, staffed
	// 2 READY + 7 IN_SERVICE = 9, 12 required at 20 s/0.8 (both read by an
	// HA pair, which must not double them). Billing: 50 offered, 45 within
	// 20 s, 45 answered, 5 unanswered, wait 100, handle 9000 over 45, 8
	// staffed, 7 required. Night: no calls. Evaluated at 300 s; the
	// statistics were read at 240 s.
	"queue_stats": {
		{"Service level", "A", []sample{{"{}", 105.0 / 150}}},    // (60+45+0)/(100+50+0)
		{"Abandoned", "A", []sample{{"{}", 20.0 / 150}}},         // (15+5)/150
		{"Calls offered", "A", []sample{{"{}", 150}}},            // HA pair counted once
		{"Average wait", "A", []sample{{"{}", 2000.0 / 145}}},    // (1900+100)/(80+15+45+5)
		{"Average handle", "A", []sample{{"{}", 25000.0 / 125}}}, // (16000+9000)/(80+45)
		{"Understaffed queues", "A", []sample{{"{}", 1}}},        // Sales: 9 < 12
		// The wall board, per queue against the default targets (service
		// level 0.8 within 20 s, abandonment 0.1, 20 calls to judge).
		{"Queues under target", "A", []sample{{"{}", 1}}}, // Sales: 0.6 < 0.8 on 100 calls
		{"$queue", "C", []sample{ // service level: Night has none
			{`{application="s", grade="ok", queue="Billing"}`, 0.9}, {`{application="s", grade="below target", queue="Sales"}`, 0.6}}},
		{"$queue", "D", []sample{ // its target
			{`{application="s", queue="Billing"}`, 0.8}, {`{application="s", queue="Night"}`, 0.8}, {`{application="s", queue="Sales"}`, 0.8}}},
		{"$queue", "E", []sample{ // abandoned: 15/100 over 0.1, 5/50 = 0.1 over half of it
			{`{application="s", grade="near limit", queue="Billing"}`, 0.1}, {`{application="s", grade="over limit", queue="Sales"}`, 0.15}}},
		{"$queue", "F", []sample{ // READY: Sales staffs 9 of 12 needed, Night has nobody READY
			{`{application="s", grade="ok", queue="Billing"}`, 8}, {`{application="s", grade="none free", queue="Night"}`, 0},
			{`{application="s", grade="short", queue="Sales"}`, 2}}},
		{"$queue", "G", []sample{ // needed
			{`{application="s", queue="Billing"}`, 7}, {`{application="s", queue="Night"}`, 0}, {`{application="s", queue="Sales"}`, 12}}},
		{"Statistics window", "A", []sample{{"{}", 1800}}}, //
		{"Statistics age", "A", []sample{{"{}", 60}}},      // 300 - 240
		{"Service per queue", "B", []sample{{`{application="s", queue="Billing"}`, 0.9}, {`{application="s", queue="Sales"}`, 0.6}}},
		{"Service per queue", "C", []sample{ // the default target, one row per queue with statistics
			{`{application="s", queue="Billing"}`, 0.8}, {`{application="s", queue="Night"}`, 0.8}, {`{application="s", queue="Sales"}`, 0.8}}},
		{"Service per queue", "E", []sample{{`{application="s", queue="Billing"}`, 0.1}, {`{application="s", queue="Sales"}`, 0.15}}},
		{"Staffing for the load", "C", []sample{ // staffed - required
			{`{application="s", queue="Billing"}`, 1}, {`{application="s", queue="Night"}`, 0}, {`{application="s", queue="Sales"}`, -3}}},
	},
	// Support: 2 call tasks waiting (HA pair) and 1 chat task, 1 agent
	// READY on calls and 2 IN_SERVICE, none READY on chat; 30 calls offered,
	// 3 abandoned, SL 0.6, 5 agents required. Chat: 3 chat tasks, 1 READY on
	// chat and 1 on calls, 10 offered, 1 abandoned, SL 1, 1 required. Agents:
	// u1 READY on calls (both queues), u2 DND on calls and READY on chat
	// (Chat), u3 READY on calls but in no queue.
	"smartqueue": {
		{"SQ agents READY on calls", "A", []sample{{"{}", 1}}},            // u1; u3 serves no queue
		{"SQ agents READY on chat", "A", []sample{{"{}", 1}}},             // u2
		{"SQ tasks waiting", "A", []sample{{"{}", 6}}},                    // 2 + 1 + 3
		{"SQ queues waiting with nobody READY", "A", []sample{{"{}", 1}}}, // Support's chat
		{"SQ service level", "A", []sample{{"{}", 28.0 / 40}}},            // (0.6*30 + 1*10)/40
		{"SQ abandoned", "A", []sample{{"{}", 4.0 / 40}}},                 // (3+1)/40
		{"SQ understaffed queues", "A", []sample{{"{}", 1}}},              // Support: 3 < 5
		{"SQ agents by status (calls)", "A", []sample{{`{sq_status="DND"}`, 1}, {`{sq_status="READY"}`, 1}}},
		// Predicted with the agents on shift, and its gap to the 0.8 target.
		{"SQ service and staffing per queue", "E", []sample{{`{application="s", sq_queue="Chat"}`, 0.8}, {`{application="s", sq_queue="Support"}`, 0.4}}},
		{"SQ service and staffing per queue", "F", []sample{{`{application="s", sq_queue="Chat"}`, 0}, {`{application="s", sq_queue="Support"}`, -0.4}}},
		{"SQ service and staffing per queue", "M", []sample{{`{application="s", sq_queue="Chat"}`, 0}, {`{application="s", sq_queue="Support"}`, -2}}},
		// The wall board against the default targets (longest wait 120 s,
		// service level 0.8, abandonment 0.1 for SmartQueue).
		{"Queues under target", "A", []sample{{"{}", 1}}}, // Support: 0.6 < 0.8 on 30 calls
		{"$sq_queue", "A", []sample{ // waiting: Support 2 calls + 1 chat with nobody READY on chat
			{`{application="s", grade="nobody READY", sq_queue="Support"}`, 3}, {`{application="s", grade="queued", sq_queue="Chat"}`, 3}}},
		{"$sq_queue", "B", []sample{{`{application="s", grade="near limit", sq_queue="Support"}`, 75}}}, // over 60, half the limit
		{"$sq_queue", "C", []sample{
			{`{application="s", grade="below target", sq_queue="Support"}`, 0.6}, {`{application="s", grade="ok", sq_queue="Chat"}`, 1}}},
		{"$sq_queue", "E", []sample{{`{application="s", grade="near limit", sq_queue="Support"}`, 0.1}}},
		{"$sq_queue", "F", []sample{ // READY on calls: Support staffs 3 of 5
			{`{application="s", grade="ok", sq_queue="Chat"}`, 1}, {`{application="s", grade="short", sq_queue="Support"}`, 1}}},
		{"$sq_queue", "G", []sample{{`{application="s", sq_queue="Chat"}`, 1}, {`{application="s", sq_queue="Support"}`, 5}}},
	},
	// Sales: 2 READY (HA pair), 3 IN_SERVICE, 1 AFTER_SERVICE; 3 calls
	// waiting with 0 READY in GetACDState. Application support: 2 READY, 4
	// OFFLINE, 1 UNKNOWN. Oldest AFTER_SERVICE change at 60 s.
	"operators": {
		{"UNKNOWN / other", "A", []sample{{"{}", 1}}},
		{"READY", "A", []sample{{"{}", 2}}},
		{"Occupancy per queue", "A", []sample{{`{application="support", queue="Sales"}`, 0.5}}}, // 3/(2+3+1)
		{"Longest time in AFTER_SERVICE, TIMEOUT and DND", "A", []sample{{`{acd_status="AFTER_SERVICE"}`, 240}}},
		{"Queues waiting with nobody READY", "A", []sample{{"{}", 1}}},
		// The wall board.
		{"Operators", "A", []sample{{`{acd_status="OFFLINE"}`, 4}, {`{acd_status="READY"}`, 2}, {`{acd_status="UNKNOWN"}`, 1}}},
		{"$queue", "A", []sample{{`{application="support", grade="nobody READY", queue="Sales"}`, 3}}}, // 3 waiting, 0 READY in GetACDState
		{"$queue", "F", []sample{ // no requirement here: Sales has 2 READY, Night none
			{`{application="support", grade="none free", queue="Night"}`, 0}, {`{application="support", grade="ok", queue="Sales"}`, 2}}},
	},
}

var grafanaVar = regexp.MustCompile(`\$__rate_interval|\$__interval|\$\{?\w+\}?`)

// TestOverviewQueries evaluates overview and wall board panel queries on fixture series
// with promtool (Prometheus' own engine), every variable at All, and
// compares them with hand-computed values: aggregation across queues from
// sums and counts, HA pairs not doubled, thresholds in force joined.
func TestOverviewQueriesPromtool(t *testing.T) {
	promtool := testtools.Need(t, testtools.Promtool)
	exprs := map[string]string{}
	for _, f := range []string{"overview.json", "wallboard.json"} {
		for _, p := range flatten(load(t, f).Panels) {
			for _, tg := range p.Targets {
				key := p.Title + " " + tg.RefID
				if _, dup := exprs[key]; dup {
					t.Fatalf("%s: panel %q query %s: the same title and query as on another board", f, p.Title, tg.RefID)
				}
				exprs[key] = grafanaVar.ReplaceAllStringFunc(tg.Expr, func(m string) string {
					if strings.HasPrefix(m, "$__") {
						return "1m"
					}
					return ".*"
				})
			}
		}
	}
	rules, err := filepath.Abs(filepath.Join("..", "alerts", "recording.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rule_files:\n  - %s\nevaluation_interval: 1m\ntests:\n", quote(rules))
	for _, fixture := range []string{"queue_stats", "smartqueue", "operators"} {
		series, err := os.ReadFile(filepath.Join("testdata", fixture+".series.yml"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  - name: %s\n    interval: 1m\n    input_series:\n", fixture)
		for _, line := range strings.Split(strings.TrimRight(string(series), "\n"), "\n") {
			b.WriteString("      " + line + "\n")
		}
		b.WriteString("    promql_expr_test:\n")
		for _, c := range queryCases[fixture] {
			expr, ok := exprs[c.panel+" "+c.ref]
			if !ok {
				t.Fatalf("no panel %q with query %s on the overview or the wall board", c.panel, c.ref)
			}
			fmt.Fprintf(&b, "      # %s %s\n      - expr: %s\n        eval_time: 5m\n        exp_samples:\n", c.panel, c.ref, quote(expr))
			for _, s := range c.want {
				fmt.Fprintf(&b, "          - labels: %s\n            value: %s\n", quote(s.labels), strconv.FormatFloat(s.value, 'g', -1, 64))
			}
		}
	}
	file := filepath.Join(t.TempDir(), "queries.test.yml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "test", "rules", file).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// quote writes s as a YAML double-quoted scalar (JSON's string syntax is
// a subset of it).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
