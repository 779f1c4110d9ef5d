package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/common/version"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// landingRefresh is how often the browser reloads the landing page: a
// page on a supervisor's screen follows the contact centre without
// JavaScript, and costs no API request (it shows the last pass).
const landingRefresh = 5 * time.Second

//go:embed landing.html
var landingHTML string

// landingTemplate is the landing page. html/template escapes every value,
// and application and queue names are user data.
var landingTemplate = template.Must(template.New("landing").Parse(landingHTML))

// landingLink is a link of the landing page; every one answers (there are
// no profiling links, since pprof is not served).
type landingLink struct{ Address, Text string }

// landingPage is what the landing page template shows.
type landingPage struct {
	Description    string
	Version        string
	Links          []landingLink
	MetricsPath    string
	Apps           string // watched applications, as configured
	Collectors     string
	Pass           string // how the last pass went; "" before the first
	RefreshSeconds int
	Target         string // the service-level target, as a percentage
	Window         string // the statistics window; "" when none was read
	Glance         []appView
}

// newLandingPage serves the landing page: links, what the exporter watches,
// how its last API pass went and the contact centre at a glance from that
// pass, rendered per request.
func newLandingPage(cfg *config, apps []voxapi.AppSelector, collectors []string, exp *collector.Exporter) (http.Handler, error) {
	desc := "Prometheus exporter for Voximplant contact centres"
	if cfg.demo {
		desc += " (demo mode: a simulated contact centre)"
	}
	names := make([]string, len(apps))
	for i, a := range apps {
		names[i] = a.String()
	}
	target := cfg.collectors.ServiceLevelTarget()
	render := func() ([]byte, error) {
		page := landingPage{
			Description: desc,
			Version:     version.Info(),
			Links: []landingLink{
				{Address: cfg.metricsPath, Text: "Metrics"},
				{Address: "/sd", Text: "Accounts (HTTP service discovery for /probe)"},
				{Address: "/-/healthy", Text: "Health"},
				{Address: "/-/ready", Text: "Readiness"},
			},
			MetricsPath:    cfg.metricsPath,
			Apps:           strings.Join(names, ", "),
			Collectors:     strings.Join(collectors, ", "),
			RefreshSeconds: int(landingRefresh / time.Second),
			Target:         percent(target),
		}
		if st, ok := exp.LastPass(); ok {
			page.Pass = passSummary(st)
			g := st.Glance()
			page.Glance = glanceView(g, target)
			if g.StatsWindow > 0 {
				page.Window = shortDuration(g.StatsWindow)
			}
		}
		return page.render()
	}
	if _, err := render(); err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		body, err := render()
		if err != nil {
			http.Error(w, "landing page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write(body)
	}), nil
}

// render executes the template.
func (p landingPage) render() ([]byte, error) {
	var b bytes.Buffer
	if err := landingTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("render the landing page: %w", err)
	}
	return b.Bytes(), nil
}

// passSummary is when the pass started, how long it took and each
// collector's outcome.
func passSummary(st collector.PassStatus) string {
	parts := make([]string, len(st.Collectors))
	for i, c := range st.Collectors {
		outcome := "ok"
		if !c.Success {
			outcome = "failed"
		}
		parts[i] = c.Name + " " + outcome
	}
	return fmt.Sprintf("%s, took %s: %s", st.Started.UTC().Format(time.RFC3339), st.Took.Round(time.Millisecond), strings.Join(parts, ", "))
}
