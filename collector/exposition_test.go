package collector

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// exposition is what the /metrics handler writes for one scrape of exp:
// the Scrape's collector gathered by a registry, merged with the streamed
// per-user families.
func exposition(t *testing.T, exp *Exporter, format expfmt.Format) []byte {
	t.Helper()
	sc := exp.NewScrape(context.Background())
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(sc.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sc.WriteExposition(&b, format, mfs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// parsed is a Gatherer over an exposition in the text format. The parser
// rejects a family given twice or split; prometheus.Gatherers then checks
// every series for consistency and duplicates, and sorts them as a
// registry does, so that the golden files compare unchanged.
func parsed(t *testing.T, text []byte) prometheus.Gatherer {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, text)
	}
	return prometheus.Gatherers{prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		out := make([]*dto.MetricFamily, 0, len(fams))
		for _, mf := range fams {
			out = append(out, mf)
		}
		return out, nil
	})}
}

func compareExpositionGolden(t *testing.T, exp *Exporter, name string) {
	t.Helper()
	for _, chunk := range []int{1024, 2} { // 2: families span several chunks
		old := chunkSeries
		chunkSeries = chunk
		text := exposition(t, exp, expfmt.FmtText)
		chunkSeries = old
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		err = testutil.GatherAndCompare(parsed(t, text), f, contentMetrics...)
		f.Close()
		if err != nil {
			t.Errorf("chunks of %d: %v", chunk, err)
		}
		assertFamiliesOnce(t, text)
	}
}

// assertFamiliesOnce checks that every family has one HELP and one TYPE.
func assertFamiliesOnce(t *testing.T, text []byte) {
	t.Helper()
	seen := map[string]int{}
	for line := range strings.Lines(string(text)) {
		if strings.HasPrefix(line, "# TYPE ") || strings.HasPrefix(line, "# HELP ") {
			seen[strings.Join(strings.Fields(line)[:3], " ")]++
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%q appears %d times", k, n)
		}
	}
}

func TestExpositionGolden(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.MaxCount = 3 })
	compareExpositionGolden(t, NewExporter(h.src, Options{Users: true}), "golden_users.prom")
}

func TestExpositionGoldenWithoutUsers(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	exp := NewExporter(h.src, Options{Users: false})
	compareExpositionGolden(t, exp, "golden_aggregates.prom")
	if text := exposition(t, exp, expfmt.FmtText); bytes.Contains(text, []byte("voximplant_user_")) {
		t.Errorf("per-user series with Users off:\n%s", text)
	}
}

func TestExpositionFailedPage(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1,
		Match: func(r *voxsim.Request) bool { return r.Offset >= 2 }})
	exp := NewExporter(h.src, Options{Users: true})
	compareExpositionGolden(t, exp, "golden_failed.prom")
	if text := exposition(t, exp, expfmt.FmtText); bytes.Contains(text, []byte("voximplant_user_")) {
		t.Errorf("per-user series on a failed scrape:\n%s", text)
	}
}

// TestExpositionMergesInNameOrder: the streamed families slot in among the
// gathered ones, so the whole exposition is in name order, as a registry's.
func TestExpositionMergesInNameOrder(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	chunkSeries = 2
	defer func() { chunkSeries = 1024 }()
	text := exposition(t, NewExporter(h.src, Options{Users: true}), expfmt.FmtText)
	var names []string
	for line := range strings.Lines(string(text)) {
		if strings.HasPrefix(line, "# TYPE ") {
			names = append(names, strings.Fields(line)[2])
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("family %s after %s", names[i], names[i-1])
		}
	}
	if len(names) != 4+3+len(userFamilies) { // aggregates, up/duration/snapshot, per-user
		t.Errorf("%d families: %v", len(names), names)
	}
}

func TestExpositionOpenMetrics(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	chunkSeries = 2
	defer func() { chunkSeries = 1024 }()
	text := string(exposition(t, NewExporter(h.src, Options{Users: true}), expfmt.FmtOpenMetrics_1_0_0))
	if !strings.HasSuffix(text, "\n# EOF\n") || strings.Count(text, "# EOF") != 1 {
		t.Errorf("OpenMetrics exposition does not end with one # EOF:\n%s", text)
	}
	assertFamiliesOnce(t, []byte(text))
	if !strings.Contains(text, `voximplant_user_info{parent_accounting="true",user_display_name="Zoë \"Z\" O'Brien \\ ☎\nnight shift",user_id="102",user_name="zoe"} 1.0`) {
		t.Errorf("escaped user_info line missing:\n%s", text)
	}
}

// TestScrapeSharesOneSnapshot: the collector and the streamed families of
// one scrape read the same pass.
func TestScrapeSharesOneSnapshot(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	exposition(t, NewExporter(h.src, Options{Users: true}), expfmt.FmtText)
	// Application 1 has 4 users at page size 2: one pass is 2 pages.
	if got := h.sim.Stats().ByMethod["GetUsers"]; got != 2 {
		t.Errorf("one scrape made %d GetUsers requests, want 2 (one pass)", got)
	}
}

// TestUserFamiliesMatchDescs: the streamed families carry the names, help
// and labels of the Descs the collector uses.
func TestUserFamiliesMatchDescs(t *testing.T) {
	for _, f := range userFamilies {
		want := fmt.Sprintf("Desc{fqName: %q, help: %q, unit: \"\", constLabels: {}, variableLabels: {%s}}",
			f.name, f.help, strings.Join(f.labels, ","))
		if got := f.desc.String(); got != want {
			t.Errorf("family %s:\n desc %s\n want %s", f.name, got, want)
		}
	}
}
