package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overviewHealth adds the overview's panels of the exporter's health.
func overviewHealth(b *dashboard.DashboardBuilder) {
	b.WithRow(row(17, 92, `Exporter health`))
	b.WithPanel(upTimeline(at(18, 0, 93, 8, 7), `Voximplant API read (voximplant_up)`,
		`Per exporter instance: OK when the scrape read every page of every watched application, FAILED when it did not (the exporter then serves no operator series, so the panels above show gaps rather than wrong low numbers). See VoximplantScrapeFailing.`,
		rangeQ("A", "{{instance}}", agg("min", "instance", sel("voximplant_up")))))
	b.WithPanel(series(at(19, 8, 93, 8, 7), `Scrape duration`,
		`Time the exporter spent reading the Voximplant API for one scrape (voximplant_scrape_duration_seconds) and the whole scrape as Prometheus saw it (scrape_duration_seconds of job voximplant). Keep both well below the scrape_timeout.`,
		unitSeconds,
		rangeQ("A", "API pass {{instance}}", agg("max", "instance", sel("voximplant_scrape_duration_seconds"))),
		rangeQ("B", "Prometheus scrape {{instance}}", agg("max", "instance", sel("scrape_duration_seconds")))))
	b.WithPanel(series(at(20, 16, 93, 8, 7), `API request latency (p50, p95)`,
		`Latency of requests to the Voximplant Management API, retries included (voximplant_api_request_duration_seconds), by method.`,
		unitSeconds,
		rangeQ("A", "p95 {{method}}", latencyQuantile("0.95")),
		rangeQ("B", "p50 {{method}}", latencyQuantile("0.5"))))
	b.WithPanel(series(at(21, 0, 100, 12, 7), `API requests by outcome`,
		`Requests per second to the Voximplant API by method and outcome (success, api_error, http_error, network_error), retries included: what the exporter costs the account's API budget.`,
		unitPerSec, rangeQ("A", "{{method}} {{outcome}}",
			agg("sum", "method, outcome", "rate("+sel("voximplant_api_requests_total")+"[$__rate_interval])"))).
		OverrideByRegexp(".*success", []dashboard.DynamicConfigValue{prop("color", fixedColor("green"))}).
		OverrideByRegexp(".*(api_error|http_error|network_error)", []dashboard.DynamicConfigValue{prop("color", fixedColor("red"))}))
	b.WithPanel(series(at(22, 12, 100, 12, 7), `API errors by code`,
		`Voximplant API error codes received per interval, by method and code (voximplant_api_errors_total). 100, 104, 433, 447, 454, 455, 456 are authentication or authorisation failures (VoximplantAPIErrors, critical); 314, 340, 416, 484 mean throttling. A flat 'none' line: no errors.`,
		unitCount, rangeQ("A", "{{code}} {{method}}",
			agg("sum", "method, code", "increase("+sel("voximplant_api_errors_total")+"[$__rate_interval])")+` or on () label_replace(vector(0), "code", "none", "", "")`)).
		Decimals(0).DrawStyle(common.GraphDrawStyleBars).FillOpacity(80))
	b.WithPanel(upTimeline(at(31, 0, 107, 12, 7), `Collectors read (per collector)`,
		`Per exporter instance and collector (users, acd_state, queue_stats, smartqueue; only the enabled ones): OK when the collector's API calls succeeded in the scrape, FAILED when they did not (voximplant_scrape_collector_success). A failing collector's panels show gaps; the others are unaffected. Sustained for 10 minutes this is VoximplantCollectorFailing.`,
		rangeQ("A", "{{collector}} {{instance}}", agg("min", "instance, collector", sel("voximplant_scrape_collector_success")))))
	b.WithPanel(series(at(32, 12, 107, 12, 7), `Collector duration`,
		`Time each collector spent on its API calls in one scrape (voximplant_scrape_collector_duration_seconds), per exporter instance. Collectors run in parallel, so the scrape takes about as long as the slowest; keep it well below scrape_timeout.`,
		unitSeconds, rangeQ("A", "{{collector}} {{instance}}", agg("max", "instance, collector", sel("voximplant_scrape_collector_duration_seconds")))))
}
