package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
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
	// Reads are the intervals of the reads made at most once per
	// interval (Selection.Reads); zero fields take the defaults.
	Reads ReadOptions
	// CacheTTL lets scrapes within this long of a pass whose collectors
	// all succeeded serve it again (0: every scrape reads the API;
	// simultaneous scrapes always share one pass).
	CacheTTL time.Duration
	// PassTimeout bounds a pass that the scrape starting it would bound
	// less: a pass runs until the latest deadline of the scrapes waiting
	// for it, at least until its start plus PassTimeout (0: the scrapes'
	// deadlines alone), or until no scrape waits for it any more.
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
// from its pass's results. Close ends the reads that outlive passes.
type Exporter struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	passes *passGroup
	reads  *reads
	close  context.CancelFunc
	// pages are the options of each pass's GetUsers reads.
	pages voxapi.PageOptions
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
	if err := cfg.Reads.withDefaults().validate(); err != nil {
		return nil, err
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
	life, cancel := context.WithCancel(context.Background())
	e := &Exporter{cfg: cfg, log: cfg.Logger, now: cfg.Now, close: cancel, pages: voxapi.PageOptions{PageSize: cfg.PageSize}}
	e.reads = newReads(life, cfg.Now, cfg.Reads, cfg.Logger)
	e.passes = &passGroup{start: e.startPass, ttl: cfg.CacheTTL, timeout: cfg.PassTimeout, now: cfg.Now}
	return e, nil
}

// Close cancels the reads still running in the background; scrapes after
// it fail those reads.
func (e *Exporter) Close() { e.close() }

// startPass begins one pass: its reads, made lazily once, and every
// collector's Update.
func (e *Exporter) startPass(ctx *passContext) *Pass {
	p := newPass(ctx, e.cfg.API, e.cfg.Apps, e.now(), e.reads, e.pages)
	p.run(e.now, e.cfg.Collectors, func(name string, err error) {
		logCollectorFailure(e.log, name, err)
	})
	return p
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
	e.passes.joined = func(_ *Pass, started bool) { h(started) }
}

// WriteTo runs (or joins) a pass bounded by ctx and writes one exposition
// in format (one of AcceptedFormats): the global families, the pass's
// const families and every collector's success and duration, merged in
// name order with the streamed families. Every family is written whole and
// once. The pass comes first, so the API counters in Global include this
// scrape's own requests.
func (e *Exporter) WriteTo(ctx context.Context, w io.Writer, format expfmt.Format) error {
	p, leave := e.passes.join(ctx)
	outcomes := p.wait(ctx, e.now)
	leave()

	reg := prometheus.NewRegistry()
	if err := reg.Register(&scrapeCollector{e: e, p: p, outcomes: outcomes}); err != nil {
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
		if o.res != nil {
			streamed = append(streamed, o.res.Streams...)
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
	p        *Pass
	outcomes []outcome
}

// Describe sends nothing: the scrape's families depend on what the pass
// read, so the per-request registry checks them as an unchecked collector.
func (s *scrapeCollector) Describe(chan<- *prometheus.Desc) {}

func (s *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	took := s.e.now().Sub(s.p.started)
	if s.p.finished() {
		took = s.p.ended.Sub(s.p.started)
	}
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, took.Seconds())
	for _, o := range s.outcomes {
		ch <- prometheus.MustNewConstMetric(collectorSuccessDesc, prometheus.GaugeValue, boolFloat(o.err == nil), o.name)
		ch <- prometheus.MustNewConstMetric(collectorDurationDesc, prometheus.GaugeValue, o.took.Seconds(), o.name)
		if up := upDescOf(o.name); up != nil {
			ch <- prometheus.MustNewConstMetric(up, prometheus.GaugeValue, boolFloat(o.err == nil))
		}
		if o.res != nil && o.res.Collect != nil {
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

// PassStatus is how a finished pass went, for the landing page.
type PassStatus struct {
	Started    time.Time
	Took       time.Duration
	Collectors []CollectorStatus
	glance     *lazyGlance // built on the first call of Glance
}

// CollectorStatus is one collector's outcome in a pass.
type CollectorStatus struct {
	Name    string
	Success bool
}

// LastPass is the last pass that finished, and false before the first.
func (e *Exporter) LastPass() (PassStatus, bool) {
	e.passes.mu.Lock()
	defer e.passes.mu.Unlock()
	if e.passes.lastDone == nil {
		return PassStatus{}, false
	}
	return *e.passes.lastDone, true
}

// status summarises an answered pass. Its duration is its slowest
// collector's, which is known as soon as every outcome is in.
func (p *Pass) status() PassStatus {
	st := PassStatus{Started: p.started}
	glances := make([][]glanceSample, len(p.slots))
	for i := range p.slots {
		glances[i] = p.slots[i].glance
		st.Took = max(st.Took, p.slots[i].took)
		st.Collectors = append(st.Collectors, CollectorStatus{Name: p.names[i], Success: p.slots[i].err == nil})
	}
	st.glance = newLazyGlance(glances)
	return st
}
