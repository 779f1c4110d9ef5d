package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Scrape is one scrape of an Exporter, for the streaming exposition: the
// ordinary families (up, durations, aggregates, queue demand) come from its
// Collector through a registry as usual, and the per-user families are
// streamed by WriteExposition, family by family, without ever becoming
// const metrics. Both read the same snapshot, fetched once.
type Scrape struct {
	e    *Exporter
	ctx  context.Context
	once sync.Once
	snap *Snapshot
}

// NewScrape starts a scrape bound to ctx, whose deadline bounds the API
// pass it waits for.
func (e *Exporter) NewScrape(ctx context.Context) *Scrape {
	return &Scrape{e: e, ctx: ctx}
}

// Snapshot is the scrape's snapshot, fetched on first use.
func (s *Scrape) Snapshot() *Snapshot {
	s.once.Do(func() { s.snap = s.e.src.Snapshot(s.ctx) })
	return s.snap
}

// Collector returns the scrape's ordinary families: every family of
// Exporter.Collector except the per-user ones, which WriteExposition
// streams.
func (s *Scrape) Collector() prometheus.Collector {
	return &scrape{ctx: s.ctx, e: s.e, snapshot: s.Snapshot}
}

// AcceptedFormats are the formats the streaming exposition offers, in
// order of preference: OpenMetrics, then the Prometheus text formats.
// Protocol buffers are not offered (a family would have to be built whole),
// so a scraper asking for them gets text, which Prometheus always accepts.
var AcceptedFormats = []expfmt.Format{
	expfmt.FmtOpenMetrics_1_0_0,
	expfmt.FmtOpenMetrics_0_0_1,
	expfmt.FmtText,
	expfmt.FmtText_1_0_0,
}

// chunkSeries is how many series of a family are built before they are
// encoded; the chunk's dto values are reused for the next.
var chunkSeries = 1024

// WriteExposition writes one exposition in format (one of AcceptedFormats
// as negotiated): the gathered families, which must be sorted by name as
// Gather returns them, merged in name order with the scrape's per-user
// families when the snapshot is whole and per-user series are on. Every
// family is written whole and once; expfmt encodes every line. For
// OpenMetrics the final # EOF is written too.
func (s *Scrape) WriteExposition(w io.Writer, format expfmt.Format, gathered []*dto.MetricFamily) error {
	var users *userList
	if s.e.opts.Users {
		if snap := s.Snapshot(); snap.Err == nil {
			l := distinctUsers(snap.Apps)
			users = &l
		}
	}
	enc := expfmt.NewEncoder(w, format)
	var sw *familyStreamer
	next := 0 // next per-user family to write
	streamUpTo := func(name string) error {
		for ; users != nil && next < len(sortedUserFamilies) && (name == "" || sortedUserFamilies[next].name < name); next++ {
			f := sortedUserFamilies[next]
			if i, found := slices.BinarySearchFunc(gathered, f.name, func(mf *dto.MetricFamily, n string) int {
				return strings.Compare(mf.GetName(), n)
			}); found && i >= 0 {
				return fmt.Errorf("collector: family %s is both gathered and streamed", f.name)
			}
			if sw == nil {
				sw = newFamilyStreamer(w, format)
			}
			if err := sw.write(f, users); err != nil {
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

// sortedUserFamilies are userFamilies in name order, for the merge.
var sortedUserFamilies = func() []*userFamily {
	fs := slices.Clone(userFamilies)
	sort.Slice(fs, func(i, j int) bool { return fs[i].name < fs[j].name })
	return fs
}()

// familyStreamer encodes per-user families a chunk of series at a time,
// into reused dto values: the only allocations per scrape are the chunk
// itself and expfmt's own.
type familyStreamer struct {
	w      io.Writer
	format expfmt.Format
	buf    bytes.Buffer

	metrics []dto.Metric
	ptrs    []*dto.Metric
	pairs   []dto.LabelPair
	lptrs   []*dto.LabelPair
	values  []string
	gauges  []dto.Gauge
	floats  []float64
	n       int // series in the chunk
}

func newFamilyStreamer(w io.Writer, format expfmt.Format) *familyStreamer {
	n := chunkSeries
	s := &familyStreamer{
		w: w, format: format,
		metrics: make([]dto.Metric, n),
		ptrs:    make([]*dto.Metric, n),
		pairs:   make([]dto.LabelPair, 4*n),
		lptrs:   make([]*dto.LabelPair, 4*n),
		values:  make([]string, 4*n),
		gauges:  make([]dto.Gauge, n),
		floats:  make([]float64, n),
	}
	for i := range s.metrics {
		s.gauges[i].Value = &s.floats[i]
		s.metrics[i].Gauge = &s.gauges[i]
		s.ptrs[i] = &s.metrics[i]
		for j := range 4 {
			s.pairs[4*i+j].Value = &s.values[4*i+j]
			s.lptrs[4*i+j] = &s.pairs[4*i+j]
		}
	}
	return s
}

// write streams family f of users.
func (s *familyStreamer) write(f *userFamily, users *userList) error {
	// The exposed label order is by name, as a registry sorts them: order
	// maps an exposed position to the position in f.labels.
	order, names := exposedLabels(f)
	for i := range s.metrics {
		s.metrics[i].Label = s.lptrs[4*i : 4*i+len(order)]
		for j := range order {
			s.pairs[4*i+j].Name = names[j]
		}
	}
	typ := dto.MetricType_GAUGE
	mf := &dto.MetricFamily{Name: &f.name, Help: &f.help, Type: &typ}
	first := true
	var err error
	flush := func() {
		if s.n == 0 || err != nil {
			return
		}
		mf.Metric = s.ptrs[:s.n]
		s.n = 0
		if first {
			first = false
			err = expfmt.NewEncoder(s.w, s.format).Encode(mf)
			return
		}
		// Later chunks of the same family: encode, then drop the
		// family's comment lines (# HELP, # TYPE, # UNIT) that the
		// encoder writes for every family, so the family stays one.
		s.buf.Reset()
		if err = expfmt.NewEncoder(&s.buf, s.format).Encode(mf); err != nil {
			return
		}
		b := s.buf.Bytes()
		for len(b) > 0 && b[0] == '#' {
			nl := bytes.IndexByte(b, '\n')
			if nl < 0 {
				b = nil
				break
			}
			b = b[nl+1:]
		}
		_, err = s.w.Write(b)
	}
	emit := func(v float64, a, b, c, d string) {
		in := [4]string{a, b, c, d}
		i := s.n
		for j, k := range order {
			s.values[4*i+j] = in[k]
		}
		s.floats[i] = v
		s.n++
		if s.n == len(s.metrics) {
			flush()
		}
	}
	for i, u := range users.users {
		f.series(u, users.ids[i], emit)
		if err != nil {
			return err
		}
	}
	flush()
	return err
}

// exposedLabels returns f's label names sorted, and for each its position
// in f.labels.
func exposedLabels(f *userFamily) (order []int, names []*string) {
	order = make([]int, len(f.labels))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return f.labels[order[i]] < f.labels[order[j]] })
	names = make([]*string, len(order))
	for j, k := range order {
		names[j] = &f.labels[k]
	}
	return order, names
}
