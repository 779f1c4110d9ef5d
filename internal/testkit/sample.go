package testkit

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Families is a parsed exposition, by family name.
type Families map[string]*dto.MetricFamily

// ParseText parses an exposition in the Prometheus text format. The
// parser rejects a family given twice or split.
func ParseText(t testing.TB, text []byte) Families {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, text)
	}
	return fams
}

// Gatherer serves the families as a registry would (sorted, checked for
// consistency), for testutil.GatherAndCompare.
func (f Families) Gatherer() prometheus.Gatherer {
	return prometheus.Gatherers{prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		out := make([]*dto.MetricFamily, 0, len(f))
		for _, mf := range f {
			out = append(out, mf)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
		return out, nil
	})}
}

// Label is the value of label name of m, or "".
func Label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}

// Value is the value of the one series of family name whose labels
// include want (label name, value pairs), and whether exactly one exists.
func (f Families) Value(name string, want ...string) (float64, bool) {
	var found []float64
	for _, m := range f[name].GetMetric() {
		ok := true
		for i := 0; i+1 < len(want); i += 2 {
			ok = ok && Label(m, want[i]) == want[i+1]
		}
		if ok {
			found = append(found, metricValue(m))
		}
	}
	if len(found) != 1 {
		return 0, false
	}
	return found[0], true
}

// MustValue is Value that fails the test unless exactly one series
// matches.
func (f Families) MustValue(t testing.TB, name string, want ...string) float64 {
	t.Helper()
	v, ok := f.Value(name, want...)
	if !ok {
		t.Fatalf("want exactly one %s%v; have %d series of it", name, want, len(f[name].GetMetric()))
	}
	return v
}

// Up is voximplant_up, or -1 when absent.
func (f Families) Up() float64 {
	if v, ok := f.Value("voximplant_up"); ok {
		return v
	}
	return -1
}

// CollectorSuccess is voximplant_scrape_collector_success for collector,
// or -1 when absent.
func (f Families) CollectorSuccess(collector string) float64 {
	if v, ok := f.Value("voximplant_scrape_collector_success", "collector", collector); ok {
		return v
	}
	return -1
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	return 0
}

// Text renders the families in the text format, for failure messages.
func (f Families) Text() string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if _, err := expfmt.MetricFamilyToText(&b, f[n]); err != nil {
			fmt.Fprintf(&b, "# %s: %v\n", n, err)
		}
	}
	return b.String()
}
