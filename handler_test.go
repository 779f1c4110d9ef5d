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
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// newTestMetricsHandler serves /metrics for a generated account of users
// on voxsim, with a process-wide registry holding the API metrics.
func newTestMetricsHandler(t *testing.T, users int) http.Handler {
	t.Helper()
	creds := voxsim.NewTestCredentials(4242)
	acct := voxsim.Generate(voxsim.GenConfig{Users: users, Apps: 2, Seed: 7, Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	sim, err := voxsim.Start(voxsim.Config{Credentials: creds, Account: acct, MaxCount: 50})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c, err := voxapi.ParseCredentials(creds.JSON(), "test")
	if err != nil {
		t.Fatal(err)
	}
	global := prometheus.NewRegistry()
	apiMetrics := collector.NewAPIMetrics(global)
	client, err := voxapi.NewClient(voxapi.Options{BaseURL: sim.URL(), Credentials: c, Observer: apiMetrics})
	if err != nil {
		t.Fatal(err)
	}
	var apps []voxapi.AppSelector
	for _, a := range acct.Apps {
		apps = append(apps, voxapi.AppSelector{ID: a.ID})
	}
	src := collector.NewSource(client, collector.SourceOptions{Apps: apps})
	exp := collector.NewExporter(src, collector.Options{Users: true})
	return newMetricsHandler(exp, global, &config{timeout: 10 * time.Second}, slog.New(slog.DiscardHandler))
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
