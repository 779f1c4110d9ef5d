package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

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
// beside it, and the per-user families are streamed into the same
// exposition (text 0.0.4 or 1.0.0, or OpenMetrics, as negotiated; gzip
// when accepted). A bounded number of scrapes run at once; the excess gets 503
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

		// The ordinary families (the exporter's own, the aggregates) go
		// through a registry; the per-user families are streamed family by
		// family into the same exposition, in name order.
		sc := exp.NewScrape(ctx)
		// The API pass first, so that the API counters gathered below
		// include this scrape's own requests.
		sc.Snapshot()
		reg := prometheus.NewRegistry()
		reg.MustRegister(sc.Collector())
		mfs, err := prometheus.Gatherers{global, reg}.Gather()
		if err != nil {
			// As promhttp's ContinueOnError: log, and serve what was gathered.
			errLog.Println("error gathering metrics:", err)
			if len(mfs) == 0 {
				http.Error(w, "An error has occurred while gathering metrics:\n\n"+err.Error(), http.StatusInternalServerError)
				return
			}
		}
		format := expfmt.NegotiateAccept(r.Header, collector.AcceptedFormats...)
		h := w.Header()
		h.Set("Content-Type", string(format))
		h.Add("Vary", "Accept-Encoding")
		out := io.Writer(w)
		if gzipAccepted(r) {
			h.Set("Content-Encoding", "gzip")
			gz := gzipWriters.Get().(*gzip.Writer)
			gz.Reset(w)
			defer func() {
				if err := gz.Close(); err != nil {
					errLog.Println("error finishing the gzip stream:", err)
				}
				gzipWriters.Put(gz)
			}()
			out = gz
		}
		bw := bufio.NewWriterSize(out, 32<<10)
		if err := sc.WriteExposition(bw, format, mfs); err != nil {
			errLog.Println("error encoding metrics:", err)
			return
		}
		if err := bw.Flush(); err != nil {
			errLog.Println("error writing metrics:", err)
		}
	})
}

// gzipWriters are reused across scrapes. BestSpeed: at tens of thousands
// of series the default level costs several times the CPU for a few
// percent less output.
var gzipWriters = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return gz
}}

// gzipAccepted reports whether the scraper accepts a gzip body, as
// Prometheus does by default.
func gzipAccepted(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			enc, params, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
				continue
			}
			for p := range strings.SplitSeq(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if q, err := strconv.ParseFloat(val, 64); strings.EqualFold(k, "q") && err == nil && q == 0 {
					return false
				}
			}
			return true
		}
	}
	return false
}
