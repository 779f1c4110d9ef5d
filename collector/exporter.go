package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// Config configures an Exporter.
type Config struct {
	API  API
	Apps []voxapi.AppSelector
	// Collectors are the enabled collectors (Selection.Build); the users
	// collector must be among them for voximplant_up.
	Collectors []Collector
	PageSize   int // GetUsers count; default voxapi.DefaultPageSize
	// PageConcurrency, when positive, bounds one application's pages in
	// flight below the client's own bound on every request.
	PageConcurrency int
	// CacheTTL lets scrapes within this long of a pass whose collectors
	// all succeeded serve it again (0: every scrape reads the API;
	// simultaneous scrapes always share one pass).
	CacheTTL time.Duration
	// PassTimeout bounds a pass that the scrape starting it would bound
	// less: a pass runs until the later of that scrape's deadline and now
	// plus PassTimeout (0: the scrape's deadline alone), or until no scrape
	// waits for it any more.
	PassTimeout time.Duration
	// Global is gathered into every exposition beside the pass's families:
	// the process-wide registry (build info, API request counters, Go and
	// process metrics). Optional.
	Global prometheus.Gatherer
	Logger *slog.Logger
	Now    func() time.Time
}

// Exporter serves the exposition of one shared pass per scrape. It keeps
// no metric state between scrapes: every scrape's metrics are made afresh
// from its pass's results.
type Exporter struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	passes *passGroup
	queues *queueDirectory
}

// New builds an Exporter.
func New(cfg Config) (*Exporter, error) {
	if cfg.API == nil {
		return nil, errors.New("collector: no API client")
	}
	if len(cfg.Collectors) == 0 {
		return nil, errors.New("collector: no collectors")
	}
	seen := map[string]bool{}
	for _, c := range cfg.Collectors {
		if seen[c.Name()] {
			return nil, fmt.Errorf("collector: %s given twice", c.Name())
		}
		seen[c.Name()] = true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = voxapi.DefaultPageSize
	}
	e := &Exporter{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	e.queues = &queueDirectory{api: cfg.API, apps: cfg.Apps, log: cfg.Logger, now: cfg.Now}
	e.passes = &passGroup{start: e.startFlight, ttl: cfg.CacheTTL, timeout: cfg.PassTimeout, now: cfg.Now}
	return e, nil
}

// startFlight begins one pass: the shared reads, made lazily once, and
// every collector's Update.
func (e *Exporter) startFlight(ctx context.Context, cancel context.CancelCauseFunc) *flight {
	p := &Pass{api: e.cfg.API, apps: e.cfg.Apps, started: e.now()}
	p.users = sync.OnceValues(func() ([]AppUsers, error) {
		return readUsers(ctx, e.cfg.API, e.cfg.Apps, voxapi.PageOptions{PageSize: e.cfg.PageSize, Concurrency: e.cfg.PageConcurrency})
	})
	p.queues = sync.OnceValues(func() (map[string][]voxapi.QueueInfo, error) {
		return e.queues.get(ctx)
	})
	return newFlight(ctx, cancel, e.now, e.cfg.Collectors, p, func(name string, err error) {
		logCollectorFailure(e.log, name, err)
	})
}

// logCollectorFailure logs a failed collector of a pass once, with the API
// code and what to do about it when the API gave one.
func logCollectorFailure(log *slog.Logger, name string, err error) {
	msg := "collector " + name + " failed; its series are left out of this scrape"
	if name == UsersCollector {
		msg = "reading Voximplant users failed; serving voximplant_up 0"
	}
	var ae *voxapi.APIError
	if errors.As(err, &ae) {
		log.Error(msg, "collector", name, "method", ae.Method, "http_status", ae.HTTPStatus, "code", ae.Code, "hint", ae.Hint(), "err", err)
		return
	}
	log.Error(msg, "collector", name, "err", err)
}

// SetJoinHook sets a function called after each scrape has joined a pass,
// with whether that scrape started it. Tests use it as a gate.
func (e *Exporter) SetJoinHook(h func(started bool)) {
	if h == nil {
		e.passes.joined = nil
		return
	}
	e.passes.joined = func(_ *flight, started bool) { h(started) }
}

// AcceptedFormats are the formats the exposition offers, in order of
// preference: OpenMetrics, then the Prometheus text formats. Protocol
// buffers are not offered (a streamed family would have to be built whole),
// so a scraper asking for them gets text, which Prometheus always accepts.
var AcceptedFormats = []expfmt.Format{
	expfmt.FmtOpenMetrics_1_0_0,
	expfmt.FmtOpenMetrics_0_0_1,
	expfmt.FmtText,
	expfmt.FmtText_1_0_0,
}

// Negotiate picks the exposition format for a request's Accept header.
func Negotiate(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, AcceptedFormats...)
}

// WriteTo runs (or joins) a pass bounded by ctx and writes one exposition
// in format (one of AcceptedFormats): the global families, the pass's
// const families and every collector's success and duration, merged in
// name order with the streamed families. Every family is written whole and
// once. The pass comes first, so the API counters in Global include this
// scrape's own requests.
func (e *Exporter) WriteTo(ctx context.Context, w io.Writer, format expfmt.Format) error {
	f, leave := e.passes.join(ctx)
	outcomes := f.wait(ctx, e.now)
	leave()

	reg := prometheus.NewRegistry()
	if err := reg.Register(&scrapeCollector{e: e, f: f, outcomes: outcomes}); err != nil {
		return fmt.Errorf("collector: register the scrape: %w", err)
	}
	gatherers := prometheus.Gatherers{reg}
	if e.cfg.Global != nil {
		gatherers = append(prometheus.Gatherers{e.cfg.Global}, reg)
	}
	mfs, err := gatherers.Gather()
	if err != nil {
		// As promhttp's ContinueOnError: log, and serve what was gathered.
		e.log.Error("error gathering metrics", "err", err)
		if len(mfs) == 0 {
			return err
		}
	}
	var streamed []*StreamFamily
	for _, o := range outcomes {
		if s, ok := o.res.(Streamer); ok {
			streamed = append(streamed, s.StreamFamilies()...)
		}
	}
	return writeMerged(w, format, mfs, streamed)
}

// writeMerged writes gathered (sorted by name, as Gather returns them)
// and streamed families in one name order.
func writeMerged(w io.Writer, format expfmt.Format, gathered []*dto.MetricFamily, streamed []*StreamFamily) error {
	slices.SortFunc(streamed, func(a, b *StreamFamily) int { return strings.Compare(a.Name, b.Name) })
	for i, f := range streamed {
		if len(f.Labels) > maxStreamLabels {
			return fmt.Errorf("collector: streamed family %s has %d labels, more than %d", f.Name, len(f.Labels), maxStreamLabels)
		}
		if i > 0 && streamed[i-1].Name == f.Name {
			return fmt.Errorf("collector: family %s is streamed twice", f.Name)
		}
		if _, found := slices.BinarySearchFunc(gathered, f.Name, func(mf *dto.MetricFamily, n string) int {
			return strings.Compare(mf.GetName(), n)
		}); found {
			return fmt.Errorf("collector: family %s is both gathered and streamed", f.Name)
		}
	}
	enc := expfmt.NewEncoder(w, format)
	var sw *familyStreamer
	next := 0
	streamUpTo := func(name string) error {
		for ; next < len(streamed) && (name == "" || streamed[next].Name < name); next++ {
			if sw == nil {
				sw = newFamilyStreamer(w, format)
			}
			if err := sw.write(streamed[next]); err != nil {
				return err
			}
		}
		return nil
	}
	for _, mf := range gathered {
		if err := streamUpTo(mf.GetName()); err != nil {
			return err
		}
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	if err := streamUpTo(""); err != nil {
		return err
	}
	if c, ok := enc.(expfmt.Closer); ok {
		return c.Close()
	}
	return nil
}

var (
	collectorSuccessDesc = desc("scrape_collector_success",
		"1 if the collector read its API source whole in this scrape, 0 otherwise (its series are then left out).", "collector")
	collectorDurationDesc = desc("scrape_collector_duration_seconds",
		"Time from the start of the shared API pass until the collector had read its source (or the scrape gave up on it).", "collector")
	scrapeDurationDesc = desc("scrape_duration_seconds",
		"Time the shared API pass served by this scrape took, or had taken when the scrape stopped waiting.")
)

// scrapeCollector is one scrape's const families: each collector's
// success and duration, its legacy up gauge, and its series when it
// succeeded.
type scrapeCollector struct {
	e        *Exporter
	f        *flight
	outcomes []outcome
}

// Describe sends nothing: the scrape's families depend on what the pass
// read, so the per-request registry checks them as an unchecked collector.
func (s *scrapeCollector) Describe(chan<- *prometheus.Desc) {}

func (s *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	took := s.e.now().Sub(s.f.started)
	if s.f.finished() {
		took = s.f.ended.Sub(s.f.started)
	}
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, took.Seconds())
	for i, o := range s.outcomes {
		ch <- prometheus.MustNewConstMetric(collectorSuccessDesc, prometheus.GaugeValue, boolFloat(o.err == nil), o.name)
		ch <- prometheus.MustNewConstMetric(collectorDurationDesc, prometheus.GaugeValue, o.took.Seconds(), o.name)
		if up, ok := s.e.cfg.Collectors[i].(UpReporter); ok {
			ch <- prometheus.MustNewConstMetric(up.UpDesc(), prometheus.GaugeValue, boolFloat(o.err == nil))
		}
		if o.res != nil {
			o.res.Collect(ch)
		}
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
