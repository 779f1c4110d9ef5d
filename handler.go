package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
)

// scrapeTimeout is the time a scrape may spend: Prometheus's own timeout
// from X-Prometheus-Scrape-Timeout-Seconds less the offset, or the fallback
// when the header is absent or unusable.
func scrapeTimeout(r *http.Request, fallback, offset time.Duration) time.Duration {
	v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds")
	if v == "" {
		return fallback
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs <= 0 || secs > 24*3600 {
		return fallback
	}
	t := time.Duration(secs * float64(time.Second))
	if t-offset > 0 {
		return t - offset
	}
	// An offset larger than the timeout would leave nothing: keep half.
	return t / 2
}

// newMetricsHandler serves /metrics with a registry built per request, so
// that the collector works under that request's deadline. The process-wide
// registry (build info, API counters, Go and process metrics) is gathered
// beside it. A bounded number of scrapes run at once; the excess gets 503
// straight away rather than queueing on the API.
func newMetricsHandler(exp *collector.Exporter, global prometheus.Gatherer, cfg *config, logger *slog.Logger) http.Handler {
	var slots chan struct{}
	if cfg.maxRequests > 0 {
		slots = make(chan struct{}, cfg.maxRequests)
	}
	errLog := slog.NewLogLogger(logger.Handler(), slog.LevelError)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slots != nil {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			default:
				http.Error(w, "too many concurrent scrapes", http.StatusServiceUnavailable)
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout(r, cfg.timeout, cfg.timeoutOffset))
		defer cancel()

		reg := prometheus.NewRegistry()
		reg.MustRegister(exp.Collector(ctx))
		promhttp.HandlerFor(prometheus.Gatherers{global, reg}, promhttp.HandlerOpts{
			ErrorLog:      errLog,
			ErrorHandling: promhttp.ContinueOnError,
		}).ServeHTTP(w, r)
	})
}
