// Package dashboards_test checks the Grafana dashboards in this directory
// against Grafana's own schema (the Grafana Foundation SDK's strict decoder
// and validation) and against the project's conventions. It lives in a
// package of its own, with no non-test code, so that the SDK is a test-only
// dependency and never reaches the exporter's binary.
package dashboards_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// dashboardFiles lists the dashboards; there must be some, or every test
// below would pass vacuously.
func dashboardFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"operators.json", "overview.json", "wallboard.json"} {
		if !slices.Contains(files, want) {
			t.Fatalf("expected %s among the dashboards here, found %v", want, files)
		}
	}
	return files
}

var registerPlugins sync.Once

// TestSchema decodes every dashboard with the SDK's strict decoder, which
// fails on unknown fields, wrong types and missing required fields (panel
// options and Prometheus targets included, once the plugin variants are
// registered), then runs the SDK's validation. This catches what Grafana
// would silently drop or reset on import: a misspelt option, an options
// object of another panel type, a number where a string belongs.
func TestSchema(t *testing.T) {
	registerPlugins.Do(plugins.RegisterDefaultPlugins)
	for _, f := range dashboardFiles(t) {
		t.Run(f, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			//lint:ignore SA1019 these files are the classic dashboard JSON (schemaVersion 39) that Grafana imports; dashboardv2 is a different format.
			var d dashboard.Dashboard
			if err := sdkError(d.UnmarshalJSONStrict(raw)); err != nil {
				t.Fatalf("%s does not decode strictly as a Grafana dashboard: %v", f, err)
			}
			if err := sdkError(d.Validate()); err != nil {
				t.Fatalf("%s fails the Grafana schema validation: %v", f, err)
			}
			if d.Title == nil || *d.Title == "" || len(d.Panels) == 0 {
				t.Fatalf("%s decoded to a dashboard without title or panels", f)
			}
		})
	}
}

// sdkError turns the SDK's empty error list into nil: its generated code
// returns a nil cog.BuildErrors as an error, which is a non-nil interface
// holding no error at all.
func sdkError(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

// TestStrictDecoderRejects makes sure the schema test can fail: a
// misspelt panel option and an unknown top-level field must be refused.
func TestStrictDecoderRejects(t *testing.T) {
	registerPlugins.Do(plugins.RegisterDefaultPlugins)
	for name, doc := range map[string]string{
		"unknown top-level field": `{"title": "x", "panels": [], "schemaVersion": 39, "titel": "typo"}`,
		"misspelt stat option": `{"title": "x", "schemaVersion": 39, "panels": [{"type": "stat", "id": 1, "title": "t",
			"gridPos": {"x": 0, "y": 0, "w": 3, "h": 4}, "options": {"colourMode": "background"}}]}`,
	} {
		//lint:ignore SA1019 the classic dashboard format, as in TestSchema.
		var d dashboard.Dashboard
		if err := sdkError(d.UnmarshalJSONStrict([]byte(doc))); err == nil {
			t.Errorf("%s: the strict decoder accepted it", name)
		}
	}
}

// The parts of a dashboard the convention tests read.
type board struct {
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID          int             `json:"id"`
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	GridPos     struct{ Y int } `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

func load(t *testing.T, f string) board {
	t.Helper()
	raw, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var b board
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b
}

func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

// TestEveryPanelHasAUnit: Grafana guesses nothing useful without a unit (a
// count shown as "1.2 K", a ratio as 0.8 rather than 80%).
func TestEveryPanelHasAUnit(t *testing.T) {
	for _, f := range dashboardFiles(t) {
		for _, p := range flatten(load(t, f).Panels) {
			if p.Type != "row" && p.FieldConfig.Defaults.Unit == "" {
				t.Errorf("%s: panel %d %q has no fieldConfig.defaults.unit", f, p.ID, p.Title)
			}
		}
	}
}

const (
	jobMatcher      = `job=~"$job"`
	instanceMatcher = `instance=~"$instance"`
)

var labelValues = regexp.MustCompile(`^label_values\((.*),\s*\w+\)$`)

// TestJobAndInstanceSelected: every dashboard has job and instance
// variables, and every selector of an exporter or Prometheus series in
// every query and variable query matches on both, so that a wall screen can
// show one exporter of an HA pair, or one of several scrape jobs. Series
// with a colon in their name (recording rules, your thresholds) carry no
// instance label and are exempt.
func TestJobAndInstanceSelected(t *testing.T) {
	for _, f := range dashboardFiles(t) {
		t.Run(f, func(t *testing.T) {
			b := load(t, f)
			vars := map[string]string{}
			for _, v := range b.Templating.List {
				var q string
				if json.Unmarshal(v.Query, &q) != nil {
					var o struct{ Query string }
					_ = json.Unmarshal(v.Query, &o)
					q = o.Query
				}
				vars[v.Name] = q
			}
			if vars["job"] != "label_values(voximplant_up, job)" {
				t.Errorf("job variable: want label_values(voximplant_up, job), have %q", vars["job"])
			}
			if vars["instance"] != `label_values(voximplant_up{job=~"$job"}, instance)` {
				t.Errorf(`instance variable: want label_values(voximplant_up{job=~"$job"}, instance), have %q`, vars["instance"])
			}
			for name, q := range vars {
				m := labelValues.FindStringSubmatch(q)
				if name == "job" || name == "instance" || m == nil {
					continue
				}
				for _, err := range checkSelectors(m[1]) {
					t.Errorf("variable %s: %v\n  query: %s", name, err, q)
				}
			}
			n := 0
			for _, p := range flatten(b.Panels) {
				for _, tg := range p.Targets {
					n++
					for _, err := range checkSelectors(tg.Expr) {
						t.Errorf("panel %q %s: %v\n  expr: %s", p.Title, tg.RefID, err, tg.Expr)
					}
				}
			}
			if n == 0 {
				t.Fatal("no queries")
			}
		})
	}
}

func checkSelectors(expr string) []error {
	sels, err := selectors(expr)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, s := range sels {
		if strings.Contains(s.name, ":") {
			continue
		}
		if !strings.Contains(s.matchers, jobMatcher) || !strings.Contains(s.matchers, instanceMatcher) {
			errs = append(errs, fmt.Errorf("selector %s{%s} lacks %s and %s", s.name, s.matchers, jobMatcher, instanceMatcher))
		}
	}
	if len(sels) == 0 {
		errs = append(errs, fmt.Errorf("no series selector found"))
	}
	return errs
}

type selector struct{ name, matchers string }

// Words that are followed by "(" or are operators, never series names.
var promqlKeywords = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
	"and": true, "or": true, "unless": true, "bool": true, "offset": true,
	// Aggregations may be followed by "by (...)" before their "(".
	"sum": true, "min": true, "max": true, "avg": true, "count": true, "group": true,
	"stddev": true, "stdvar": true, "topk": true, "bottomk": true, "quantile": true,
	"count_values": true, "limitk": true, "limit_ratio": true,
}

var (
	identRE  = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*`)
	numberRE = regexp.MustCompile(`^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?`)
)

// selectors lists the series selectors of a PromQL expression: every
// metric name that is not a function, aggregation or keyword, with the
// text of its {...} matchers, and bare {...} selectors. It is a scanner, not
// a parser: enough for the expressions these dashboards write, and an
// error, not a wrong answer, on unbalanced brackets or quotes.
func selectors(expr string) ([]selector, error) {
	var out []selector
	s := expr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j, err := endOfString(s, i)
			if err != nil {
				return nil, err
			}
			i = j
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ at %d", i)
			}
			i += j + 1
		case c == '{':
			j, err := closing(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, selector{matchers: s[i+1 : j]})
			i = j + 1
		case numberRE.MatchString(s[i:]) && (c >= '0' && c <= '9' || c == '.'):
			i += len(numberRE.FindString(s[i:]))
		case identRE.MatchString(s[i:]):
			name := identRE.FindString(s[i:])
			i += len(name)
			k := i
			for k < len(s) && s[k] == ' ' {
				k++
			}
			next := byte(0)
			if k < len(s) {
				next = s[k]
			}
			switch {
			case next == '(' && (name == "by" || name == "without" || name == "on" || name == "ignoring" ||
				name == "group_left" || name == "group_right"):
				j := strings.IndexByte(s[k:], ')')
				if j < 0 {
					return nil, fmt.Errorf("unclosed ( after %s", name)
				}
				i = k + j + 1
			case next == '(' || promqlKeywords[name]:
				// a function or aggregation, or an operator
			case next == '{':
				j, err := closing(s, k)
				if err != nil {
					return nil, err
				}
				out = append(out, selector{name: name, matchers: s[k+1 : j]})
				i = j + 1
			default:
				out = append(out, selector{name: name})
			}
		default:
			i++
		}
	}
	return out, nil
}

func endOfString(s string, i int) (int, error) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unclosed string at %d", i)
}

// closing returns the index of the } that closes the { at i, skipping
// quoted strings (a regex matcher may hold braces).
func closing(s string, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"', '\'', '`':
			k, err := endOfString(s, j)
			if err != nil {
				return 0, err
			}
			j = k - 1
		case '}':
			return j, nil
		}
	}
	return 0, fmt.Errorf("unclosed { at %d", i)
}

func TestSelectorsScanner(t *testing.T) {
	got, err := selectors(`sum by (a) (rate(x_total{job=~"$job", b="}"}[5m])) / on (a) group_left (c) y or vector(0) * 1e3 + app:rule:max{q=~"a|b"} + {__name__="z"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []selector{{"x_total", `job=~"$job", b="}"`}, {"y", ""}, {"app:rule:max", `q=~"a|b"`}, {"", `__name__="z"`}}
	if !slices.Equal(got, want) {
		t.Errorf("selectors:\n got %q\nwant %q", got, want)
	}
	if errs := checkSelectors(`max(voximplant_up{job=~"$job"})`); len(errs) != 1 {
		t.Errorf("a selector without the instance matcher must be reported, got %v", errs)
	}
	if _, err := selectors(`x{a="b"`); err == nil {
		t.Error("an unclosed selector must be an error")
	}
}

// The ACD statuses the exporter always exports (README "Metrics").
var documentedStatuses = []string{"OFFLINE", "ONLINE", "READY", "BANNED", "IN_SERVICE", "AFTER_SERVICE", "TIMEOUT", "DND"}

var statusMatcher = regexp.MustCompile(`acd_status(=~|!~|=)"([^"]*)"`)

// TestOverviewStatusTilesAddUp: the overview's status tiles (the stat
// panels of its first row) count each documented status exactly once, and
// one tile counts everything else (UNKNOWN and statuses the exporter does
// not know), so that the tiles add up to every operator.
func TestOverviewStatusTilesAddUp(t *testing.T) {
	b := load(t, "overview.json")
	seen := map[string]string{}
	rest := ""
	for _, p := range b.Panels {
		if p.Type != "stat" || p.GridPos.Y != 0 {
			continue
		}
		for _, tg := range p.Targets {
			// The matcher of the first selector names the tile's statuses;
			// a fallback after "or" does not.
			m := statusMatcher.FindStringSubmatch(tg.Expr)
			if m == nil {
				continue
			}
			if m[1] == "!~" {
				rest = p.Title
				excluded := strings.Split(m[2], "|")
				slices.Sort(excluded)
				want := slices.Clone(documentedStatuses)
				slices.Sort(want)
				if !slices.Equal(excluded, want) {
					t.Errorf("tile %q excludes %v, want exactly the documented statuses %v", p.Title, excluded, want)
				}
				continue
			}
			for _, st := range strings.Split(m[2], "|") {
				if other, dup := seen[st]; dup {
					t.Errorf("status %s counted by tiles %q and %q", st, other, p.Title)
				}
				seen[st] = p.Title
			}
		}
	}
	for _, st := range documentedStatuses {
		if _, ok := seen[st]; !ok {
			t.Errorf("no status tile counts %s", st)
		}
	}
	if rest == "" {
		t.Error(`no tile counts the operators in UNKNOWN or another status (acd_status!~"<the eight>")`)
	}
}
