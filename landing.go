package main

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// newLandingPage serves the landing page: links that all work (no
// profiling links, since pprof is not served), and what the exporter
// watches and how its last API pass went, rendered per request.
func newLandingPage(cfg *config, apps []voxapi.AppSelector, collectors []string, exp *collector.Exporter) (http.Handler, error) {
	desc := "Prometheus exporter for Voximplant contact centres"
	if cfg.demo {
		desc += " (demo mode: a simulated contact centre)"
	}
	names := make([]string, len(apps))
	for i, a := range apps {
		names[i] = a.String()
	}
	render := func() (http.Handler, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "<h2>Status</h2><ul><li>Watched applications: %s</li><li>Collectors on: %s</li>",
			html.EscapeString(strings.Join(names, ", ")), html.EscapeString(strings.Join(collectors, ", ")))
		if st, ok := exp.LastPass(); ok {
			var parts []string
			for _, c := range st.Collectors {
				outcome := "ok"
				if !c.Success {
					outcome = "failed"
				}
				parts = append(parts, html.EscapeString(c.Name)+" "+outcome)
			}
			fmt.Fprintf(&b, "<li>Last API pass: %s, took %s: %s</li>",
				st.Started.UTC().Format(time.RFC3339), st.Took.Round(time.Millisecond), strings.Join(parts, ", "))
		} else {
			b.WriteString("<li>Last API pass: none yet (the first scrape makes one)</li>")
		}
		b.WriteString("</ul>")
		return web.NewLandingPage(web.LandingConfig{
			Name:        "Voximplant Exporter",
			Description: desc,
			Version:     version.Info(),
			Profiling:   "false",
			ExtraHTML:   b.String(),
			Links: []web.LandingLinks{
				{Address: cfg.metricsPath, Text: "Metrics"},
				{Address: "/sd", Text: "Accounts (HTTP service discovery for /probe)"},
				{Address: "/-/healthy", Text: "Health"},
				{Address: "/-/ready", Text: "Readiness"},
			},
		})
	}
	if _, err := render(); err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := render()
		if err != nil {
			http.Error(w, "landing page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	}), nil
}
