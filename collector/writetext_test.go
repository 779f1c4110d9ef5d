package collector

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// writeText renders a family in the text format, for -update.
func writeText(b *strings.Builder, mf *dto.MetricFamily) {
	if _, err := expfmt.MetricFamilyToText(b, mf); err != nil {
		panic(err)
	}
}

// compareGoldenFamilies compares the named families of c with a golden
// file, rewriting it under -update.
func compareGoldenFamilies(t *testing.T, c prometheus.Collector, name string, families []string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(c)
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, mf := range mfs {
			if slices.Contains(families, mf.GetName()) {
				writeText(&b, mf)
			}
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := testutil.CollectAndCompare(c, f, families...); err != nil {
		t.Error(err)
	}
}

// gaugeValue is the value of the one series of family name in c whose
// labels include want; it fails the test when there is not exactly one.
func gaugeValue(t *testing.T, c prometheus.Collector, name string, want map[string]string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var found []float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for k, v := range want {
				ok := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == k && lp.GetValue() == v {
						ok = true
					}
				}
				if !ok {
					continue metrics
				}
			}
			found = append(found, m.GetGauge().GetValue())
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d series, want 1", name, want, len(found))
	}
	return found[0]
}
