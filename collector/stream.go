package collector

import (
	"bytes"
	"io"
	"sort"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// maxStreamLabels is the most labels a streamed family may have.
const maxStreamLabels = 4

// EmitFunc receives one series of a streamed family: its value and its
// label values in the family's Labels order ("" past the family's label
// count).
type EmitFunc func(v float64, a, b, c, d string)

// StreamFamily is a gauge family written straight into the exposition, a
// chunk of series at a time, without ever becoming const metrics: at tens
// of thousands of users a registry costs too much per series.
type StreamFamily struct {
	Name, Help string
	Labels     []string // at most maxStreamLabels
	// Each calls emit once for every series of the family.
	Each func(emit EmitFunc)
}

// chunkSeries is how many series of a family are built before they are
// encoded; the chunk's dto values are reused for the next.
var chunkSeries = 1024

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

// write streams family f.
func (s *familyStreamer) write(f *StreamFamily) error {
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
	mf := &dto.MetricFamily{Name: &f.Name, Help: &f.Help, Type: &typ}
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
		if err != nil {
			return
		}
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
	f.Each(emit)
	flush()
	return err
}

// exposedLabels returns f's label names sorted, and for each its position
// in f.labels.
func exposedLabels(f *StreamFamily) (order []int, names []*string) {
	order = make([]int, len(f.Labels))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return f.Labels[order[i]] < f.Labels[order[j]] })
	names = make([]*string, len(order))
	for j, k := range order {
		names[j] = &f.Labels[k]
	}
	return order, names
}
