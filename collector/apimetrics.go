package collector

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// APIMetrics count and time every HTTP request the client makes to the
// Management API, retries included. They live for the process, unlike the
// per-scrape const metrics, and implement voxapi.RequestObserver.
type APIMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewAPIMetrics creates the API metrics and registers them with reg.
func NewAPIMetrics(reg prometheus.Registerer) *APIMetrics {
	m := &APIMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "api_requests_total",
			Help: "HTTP requests made to the Voximplant Management API, retries included, by outcome.",
		}, []string{"method", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "api_errors_total",
			Help: "Error codes received from the Voximplant Management API.",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "api_request_duration_seconds",
			Help:    "Latency of HTTP requests to the Voximplant Management API.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method"}),
	}
	reg.MustRegister(m.requests, m.errors, m.duration)
	return m
}

// Init creates the zero series of method so that rates start from a known
// value instead of appearing on the first error.
func (m *APIMetrics) Init(method string) {
	for _, o := range []voxapi.Outcome{voxapi.OutcomeSuccess, voxapi.OutcomeAPIError, voxapi.OutcomeHTTPError, voxapi.OutcomeNetworkError} {
		m.requests.WithLabelValues(method, string(o))
	}
	m.duration.WithLabelValues(method)
}

// ObserveRequest implements voxapi.RequestObserver.
func (m *APIMetrics) ObserveRequest(method string, outcome voxapi.Outcome, code int, d time.Duration) {
	m.requests.WithLabelValues(method, string(outcome)).Inc()
	if code != 0 {
		m.errors.WithLabelValues(method, strconv.Itoa(code)).Inc()
	}
	m.duration.WithLabelValues(method).Observe(d.Seconds())
}
