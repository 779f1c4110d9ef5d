package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// dashboard is the part of a Grafana dashboard JSON the tests read; the
// rest is kept in Raw for the static checks.
type dashboard struct {
	File          string
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Panels        []panel
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Raw map[string]any `json:"-"`
}

type panel struct {
	ID          int             `json:"id"`
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Datasource  json.RawMessage `json:"datasource"`
	Targets     []panelTarget   `json:"targets"`
	Panels      []panel         `json:"panels"` // a collapsed row's panels
}

type panelTarget struct {
	RefID      string          `json:"refId"`
	Expr       string          `json:"expr"`
	Instant    bool            `json:"instant"`
	Range      *bool           `json:"range"`
	Hide       bool            `json:"hide"`
	Datasource json.RawMessage `json:"datasource"`
}

type variable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Query      json.RawMessage `json:"query"`
	Definition string          `json:"definition"`
	Datasource json.RawMessage `json:"datasource"`
	Multi      bool            `json:"multi"`
	IncludeAll bool            `json:"includeAll"`
	AllValue   string          `json:"allValue"`
}

// queryString is the variable's query whether Grafana stored it as a string
// (older dashboards) or as an object with a "query" field (current).
func (v variable) queryString() string {
	var s string
	if json.Unmarshal(v.Query, &s) == nil && s != "" {
		return s
	}
	var o struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(v.Query, &o) == nil && o.Query != "" {
		return o.Query
	}
	return v.Definition
}

func loadDashboards(t *testing.T) []dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "dashboards", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("expected the overview and operators dashboards in dashboards/, found %v", files)
	}
	var out []dashboard
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := json.Unmarshal(data, &d.Raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d.File = filepath.Base(f)
		out = append(out, d)
	}
	return out
}

// allPanels flattens rows.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

const dsRef = "${datasource}"

// checkDatasource accepts only a reference to the datasource variable.
func checkDatasource(raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil // inherits the panel's
	}
	var ds struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	if err := json.Unmarshal(raw, &ds); err != nil {
		return fmt.Errorf("datasource %s is not an object", raw)
	}
	if ds.UID != dsRef && ds.UID != "$datasource" {
		return fmt.Errorf("datasource uid %q is not the ${datasource} variable", ds.UID)
	}
	if ds.Type != "prometheus" {
		return fmt.Errorf("datasource type %q is not prometheus", ds.Type)
	}
	return nil
}

// TestDashboardsStatic checks what Grafana's import and file provisioning
// need and what the project promises, without any tool.
func TestDashboardsStatic(t *testing.T) {
	uids := map[string]string{}
	for _, d := range loadDashboards(t) {
		t.Run(d.File, func(t *testing.T) {
			if _, ok := d.Raw["__inputs"]; ok {
				t.Error("has __inputs: file provisioning cannot fill them; use the datasource variable")
			}
			if d.UID == "" || d.Title == "" {
				t.Error("uid and title must be set (provisioning keys dashboards by uid)")
			}
			if other, dup := uids[d.UID]; dup {
				t.Errorf("uid %q also used by %s", d.UID, other)
			}
			uids[d.UID] = d.File
			if id, ok := d.Raw["id"]; ok && id != nil {
				t.Errorf("id is %v; must be null so that import creates the dashboard", id)
			}
			if d.SchemaVersion < 36 {
				t.Errorf("schemaVersion %d is older than the current schema", d.SchemaVersion)
			}
			vars := map[string]variable{}
			for _, v := range d.Templating.List {
				vars[v.Name] = v
			}
			if ds, ok := vars["datasource"]; !ok || ds.Type != "datasource" || string(ds.Query) != `"prometheus"` {
				t.Errorf("needs a datasource variable of type datasource with query prometheus, have %+v", ds)
			}
			for _, name := range []string{"application", "queue"} {
				if _, ok := vars[name]; !ok {
					t.Errorf("variable %s missing", name)
				}
			}
			// Every variable but the datasource is read from Prometheus (the
			// end-to-end test resolves label_values() queries only).
			for _, v := range d.Templating.List {
				if v.Type == "datasource" {
					continue
				}
				if v.Type != "query" || !strings.HasPrefix(v.queryString(), "label_values(") {
					t.Errorf("variable %s must be a label_values() query, have %s %q", v.Name, v.Type, v.queryString())
				}
				if err := checkDatasource(v.Datasource); err != nil {
					t.Errorf("variable %s: %v", v.Name, err)
				}
			}
			ids := map[int]bool{}
			n := 0
			for _, p := range allPanels(d.Panels) {
				if ids[p.ID] {
					t.Errorf("panel id %d used twice", p.ID)
				}
				ids[p.ID] = true
				if p.Type == "row" {
					continue
				}
				n++
				if strings.TrimSpace(p.Description) == "" {
					t.Errorf("panel %q has no description", p.Title)
				}
				if err := checkDatasource(p.Datasource); err != nil {
					t.Errorf("panel %q: %v", p.Title, err)
				}
				if len(p.Targets) == 0 {
					t.Errorf("panel %q has no query", p.Title)
				}
				for _, tg := range p.Targets {
					if strings.TrimSpace(tg.Expr) == "" {
						t.Errorf("panel %q target %s has no expr", p.Title, tg.RefID)
					}
					if err := checkDatasource(tg.Datasource); err != nil {
						t.Errorf("panel %q target %s: %v", p.Title, tg.RefID, err)
					}
				}
			}
			if n == 0 {
				t.Error("no panels")
			}
			// A hard-coded datasource uid anywhere (other than Grafana's own
			// annotation source) breaks import on another Grafana.
			var walk func(any)
			walk = func(x any) {
				switch v := x.(type) {
				case map[string]any:
					if ds, ok := v["datasource"].(map[string]any); ok {
						uid, _ := ds["uid"].(string)
						if uid != dsRef && uid != "$datasource" && uid != "-- Grafana --" {
							t.Errorf("hard-coded datasource uid %q", uid)
						}
					}
					for _, c := range v {
						walk(c)
					}
				case []any:
					for _, c := range v {
						walk(c)
					}
				}
			}
			walk(d.Raw)
		})
	}
}

// Values substituted for Grafana's built-in interval variables. With the
// end-to-end test's 2s scrape interval, 10s holds several samples, as
// Grafana's $__rate_interval (at least four scrape intervals) would.
var builtinVars = map[string]string{
	"__rate_interval": "10s",
	"__interval":      "2s",
	"__interval_ms":   "2000",
	"__range":         "1m",
	"__range_s":       "60",
	"__range_ms":      "60000",
}

var varRef = regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(\w+)`)

// substitute replaces Grafana variable references in a PromQL expression
// with the given values (already escaped for use inside a regex matcher).
func substitute(expr string, values map[string]string) (string, error) {
	var missing []string
	out := varRef.ReplaceAllStringFunc(expr, func(m string) string {
		sm := varRef.FindStringSubmatch(m)
		name := sm[1] + sm[3] + sm[4]
		if v, ok := builtinVars[name]; ok {
			return v
		}
		if v, ok := values[name]; ok {
			return v
		}
		missing = append(missing, name)
		return m
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("unknown variables %v", missing)
	}
	return out, nil
}

// regexValue escapes a label value as Grafana does for a single selected
// value of a multi-value variable: regex metacharacters, then the PromQL
// string escapes.
func regexValue(v string) string {
	re := regexp.QuoteMeta(v)
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(re)
}

var labelValuesCall = regexp.MustCompile(`^\s*label_values\((.*)\)\s*$`)

// parseLabelValues splits label_values(selector, label) or
// label_values(label).
func parseLabelValues(q string) (selector, label string, err error) {
	m := labelValuesCall.FindStringSubmatch(q)
	if m == nil {
		return "", "", fmt.Errorf("not a label_values() query: %q", q)
	}
	args := m[1]
	depth, inStr, cut := 0, false, -1
	for i := 0; i < len(args); i++ {
		c := args[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '(' || c == '[':
			depth++
		case c == '}' || c == ')' || c == ']':
			depth--
		case c == ',' && depth == 0:
			cut = i
		}
	}
	if cut < 0 {
		return "", strings.TrimSpace(args), nil
	}
	return strings.TrimSpace(args[:cut]), strings.TrimSpace(args[cut+1:]), nil
}

func TestSubstituteAndParse(t *testing.T) {
	got, err := substitute(`rate(x{a=~"$application", q=~"${queue}", s=~"${skill:regex}"}[$__rate_interval]) [[application]]`,
		map[string]string{"application": "A", "queue": "Q", "skill": "S"})
	if err != nil || got != `rate(x{a=~"A", q=~"Q", s=~"S"}[10s]) A` {
		t.Errorf("substitute: %q, %v", got, err)
	}
	if _, err := substitute(`x{a="$nope"}`, nil); err == nil {
		t.Error("an unknown variable must be an error")
	}
	if got := regexValue(`Inbound "VIP" (1.5)\`); got != `Inbound \"VIP\" \\(1\\.5\\)\\\\` {
		t.Errorf("regexValue: %s", got)
	}
	sel, label, err := parseLabelValues(`label_values(m{a=~"x,y", b="}"}, queue)`)
	if err != nil || sel != `m{a=~"x,y", b="}"}` || label != "queue" {
		t.Errorf("parseLabelValues: %q %q %v", sel, label, err)
	}
	if sel, label, _ := parseLabelValues(`label_values(job)`); sel != "" || label != "job" {
		t.Errorf("parseLabelValues(label): %q %q", sel, label)
	}
}

// exprs lists every PromQL expression of a dashboard's panels.
type panelExpr struct {
	Panel, RefID, Expr string
	Range              bool
}

func dashboardExprs(d dashboard) []panelExpr {
	var out []panelExpr
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			if tg.Expr == "" || tg.Hide {
				continue
			}
			rng := !tg.Instant
			if tg.Range != nil {
				rng = *tg.Range
			}
			out = append(out, panelExpr{Panel: p.Title, RefID: tg.RefID, Expr: tg.Expr, Range: rng})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Panel < out[j].Panel })
	return out
}
