package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit/simapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// newTestMetricsHandler serves /metrics for a generated account of users
// on voxsim, with a process-wide registry holding the API metrics.
func newTestMetricsHandler(t *testing.T, users int) http.Handler {
	t.Helper()
	return newTestServing(t, users, &config{timeout: 10 * time.Second}).handler
}

// serving is a /metrics handler and what stands behind it.
type serving struct {
	handler http.Handler
	global  *prometheus.Registry
	exp     *collector.Exporter
	sim     *voxsim.Server
}

// newTestServing is newTestMetricsHandler with cfg, and what it serves.
func newTestServing(t *testing.T, users int, cfg *config) *serving {
	t.Helper()
	acct := voxsim.Generate(voxsim.GenConfig{Users: users, Apps: 2, Seed: 7, Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	global := prometheus.NewRegistry()
	apiMetrics := collector.NewAPIMetrics(global)
	api := simapi.Start(t, acct, func(c *voxsim.Config) { c.MaxCount = 50 }, func(o *voxapi.Options) { o.Observer = apiMetrics })
	var apps []voxapi.AppSelector
	for _, a := range acct.Apps {
		apps = append(apps, voxapi.AppSelector{ID: a.ID})
	}
	exp, err := collector.New(collector.Config{API: api.Client, Apps: apps, Global: global,
		Collectors: []collector.Collector{collector.NewUsers(collector.Settings{PerUser: true})}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newMetricsHandler(exp, global, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return &serving{handler: h, global: global, exp: exp, sim: api.Sim}
}

func scrapeWith(t *testing.T, h http.Handler, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header = header
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body := rec.Body.Bytes()
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return resp, body
}

func TestMetricsContentNegotiation(t *testing.T) {
	h := newTestMetricsHandler(t, 120)
	for _, tc := range []struct {
		name, accept, wantType string
	}{
		{"no Accept", "", "text/plain; version=0.0.4"},
		{"Prometheus 3 default", "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1", "application/openmetrics-text; version=1.0.0"},
		{"protobuf only", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", "text/plain; version=0.0.4"},
		{"text 0.0.4", "text/plain;version=0.0.4", "text/plain; version=0.0.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := http.Header{}
			if tc.accept != "" {
				header.Set("Accept", tc.accept)
			}
			resp, body := scrapeWith(t, h, header)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.wantType) {
				t.Fatalf("status %d, Content-Type %q, want %q", resp.StatusCode, resp.Header.Get("Content-Type"), tc.wantType)
			}
			text := string(body)
			if strings.HasPrefix(tc.wantType, "application/openmetrics-text") {
				if !strings.HasSuffix(text, "# EOF\n") {
					t.Error("OpenMetrics body without # EOF")
				}
				return
			}
			p := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := p.TextToMetricFamilies(strings.NewReader(text))
			if err != nil {
				t.Fatalf("body does not parse: %v", err)
			}
			for _, name := range []string{"voximplant_up", "voximplant_user_info", "voximplant_user_acd_status", "voximplant_api_requests_total", "voximplant_acd_operators"} {
				if fams[name] == nil {
					t.Errorf("family %s missing", name)
				}
			}
			if n := len(fams["voximplant_user_info"].GetMetric()); n != 120 {
				t.Errorf("%d user_info series, want 120", n)
			}
		})
	}
}

func TestMetricsGzip(t *testing.T) {
	h := newTestMetricsHandler(t, 50)
	header := http.Header{}
	header.Set("Accept-Encoding", "gzip")
	resp, body := scrapeWith(t, h, header)
	if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Contains(body, []byte("voximplant_user_info{")) {
		t.Fatalf("Content-Encoding %q, body:\n%s", resp.Header.Get("Content-Encoding"), body)
	}
	header.Set("Accept-Encoding", "gzip;q=0, identity")
	if resp, _ := scrapeWith(t, h, header); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// TestMetricsHandlerCounts503s: a scrape over --web.max-requests gets 503
// at once, and promhttp_metric_handler_requests_total shows it. The first
// scrape holds the only slot: voxsim keeps its requests at a gate, and the
// exporter's join hook says when it is in.
func TestMetricsHandlerCounts503s(t *testing.T) {
	sv := newTestServing(t, 10, &config{timeout: 10 * time.Second, maxRequests: 1})
	gate, joined := make(chan struct{}), make(chan struct{})
	sv.sim.SetGate(gate)
	sv.exp.SetJoinHook(func(bool) { close(joined) })
	first := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		sv.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		first <- rec.Code
	}()
	<-joined
	if resp, _ := scrapeWith(t, sv.handler, http.Header{}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second scrape: %d, want 503", resp.StatusCode)
	}
	close(gate)
	if code := <-first; code != 200 {
		t.Errorf("first scrape: %d", code)
	}
	mfs, err := sv.global.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "promhttp_metric_handler_requests_total" {
			for _, m := range mf.GetMetric() {
				got[testkit.Label(m, "code")] = m.GetCounter().GetValue()
			}
		}
	}
	if got["200"] != 1 || got["503"] != 1 {
		t.Errorf("promhttp_metric_handler_requests_total %v, want one 200 and one 503", got)
	}
}
