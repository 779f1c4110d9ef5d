package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
)

// newMetricsHandler serves /metrics: the exposition of one shared API
// pass (collector.Exporter.WriteTo) under the scrape's deadline. This
// handler keeps only what is HTTP's: the deadline from Prometheus's
// header, the bound on scrapes at once (the excess gets 503 straight away
// rather than queueing on the API), compression, and the promhttp handler
// metrics (promhttp_metric_handler_requests_total{code} and _in_flight,
// registered with reg), so that those 503s are visible.
func newMetricsHandler(exp *collector.Exporter, reg prometheus.Registerer, cfg *config, logger *slog.Logger) (http.Handler, error) {
	errLog := slog.NewLogLogger(logger.Handler(), slog.LevelError)
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout(r, cfg.timeout, cfg.timeoutOffset))
		defer cancel()
		format := negotiate(r.Header)
		w.Header().Set("Content-Type", string(format))
		bw := bufio.NewWriterSize(w, 32<<10)
		if err := exp.WriteTo(ctx, bw, format); err != nil {
			errLog.Println("error encoding metrics:", err)
			return
		}
		if err := bw.Flush(); err != nil {
			errLog.Println("error writing metrics:", err)
		}
	})
	// BestSpeed: at tens of thousands of series the default level costs
	// several times the CPU for a few percent less output.
	gz, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		return nil, fmt.Errorf("gzip wrapper: %w", err)
	}
	inFlight := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "promhttp_metric_handler_requests_in_flight",
		Help: "Current number of scrapes being served.",
	})
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "promhttp_metric_handler_requests_total",
		Help: "Total number of scrapes by HTTP status code.",
	}, []string{"code"})
	for _, code := range []string{"200", "500", "503"} {
		requests.WithLabelValues(code)
	}
	if err := reg.Register(inFlight); err != nil {
		return nil, err
	}
	if err := reg.Register(requests); err != nil {
		return nil, err
	}
	return withWriteDeadline(promhttp.InstrumentHandlerInFlight(inFlight,
		promhttp.InstrumentHandlerCounter(requests, gz(bounded(serve, cfg.maxRequests)))), cfg), nil
}

// withWriteDeadline gives each scrape twice its timeout to be computed and
// written: a client that does not read its answer then loses the connection
// and the request slot it holds (--web.max-requests), instead of keeping it
// for as long as it stays connected. It is set on the connection itself,
// outside the wrappers, which need not pass a ResponseController through.
func withWriteDeadline(h http.Handler, cfg *config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := writeTimeout(scrapeTimeout(r, cfg.timeout, cfg.timeoutOffset))
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d)) // unsupported only by test recorders
		h.ServeHTTP(w, r)
	})
}

// writeTimeout is how long a request whose scrape may take scrape has to
// be written in full: the scrape, then as long again for the answer.
func writeTimeout(scrape time.Duration) time.Duration { return 2 * scrape }

// bounded serves at most n requests at once (0: no bound); the excess gets
// 503 at once.
func bounded(h http.Handler, n int) http.Handler {
	if n <= 0 {
		return h
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			h.ServeHTTP(w, r)
		default:
			http.Error(w, "too many concurrent scrapes", http.StatusServiceUnavailable)
		}
	})
}

// acceptedFormats are the formats the exposition offers, in order of
// preference: OpenMetrics, then the Prometheus text formats. Protocol
// buffers are not offered (a streamed family would have to be built whole),
// so a scraper asking for them gets text, which Prometheus always accepts.
var acceptedFormats = []expfmt.Format{
	expfmt.FmtOpenMetrics_1_0_0,
	expfmt.FmtOpenMetrics_0_0_1,
	expfmt.FmtText,
	expfmt.FmtText_1_0_0,
}

// negotiate picks the exposition format for a request's Accept header.
func negotiate(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, acceptedFormats...)
}
