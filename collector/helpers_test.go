package collector

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit/simapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

var update = flag.Bool("update", false, "rewrite the golden exposition files in testdata/")

// harness is a voxsim, a client of it and the applications a test
// watches; exporter builds Exporters over them.
type harness struct {
	*simapi.API
	sim  *voxsim.Server
	apps []voxapi.AppSelector
	logs *testkit.LockedBuffer
}

// newHarness starts voxsim serving acct. The client has two requests in
// flight at most; apps default to application 1 by id and "sales" by
// name.
func newHarness(t *testing.T, acct voxsim.Account, simCfg func(*voxsim.Config), apps ...voxapi.AppSelector) *harness {
	t.Helper()
	logs := &testkit.LockedBuffer{}
	api := simapi.Start(t, acct, simCfg, func(o *voxapi.Options) {
		o.MaxConcurrentRequests = 2
		o.Logger = logs.Logger().With("component", "voxapi")
	})
	if len(apps) == 0 {
		apps = []voxapi.AppSelector{{ID: 1}, {Name: "sales"}}
	}
	return &harness{API: api, sim: api.Sim, apps: apps, logs: logs}
}

// expOpts choose an Exporter's collectors and settings.
type expOpts struct {
	perUser     bool
	acd         bool // the acd_state collector
	pageSize    int  // default 2
	ttl         time.Duration
	passTimeout time.Duration
	now         func() time.Time
	extra       []Collector
}

func (h *harness) exporter(t *testing.T, o expOpts) *Exporter {
	t.Helper()
	st := Settings{Logger: h.logs.Logger().With("component", "collector"), Now: o.now, PerUser: o.perUser}
	cs := []Collector{NewUsers(st)}
	if o.acd {
		cs = append(cs, NewACDState(st.forCollector(ACDStateCollector)))
	}
	cs = append(cs, o.extra...)
	if o.pageSize == 0 {
		o.pageSize = 2
	}
	exp, err := New(Config{API: h.Client, Apps: h.apps, Collectors: cs, PageSize: o.pageSize,
		CacheTTL: o.ttl, PassTimeout: o.passTimeout, Now: o.now, Logger: st.Logger})
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// expose is what the /metrics handler writes for one scrape bounded by
// ctx.
func expose(t *testing.T, exp *Exporter, ctx context.Context, format expfmt.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := exp.WriteTo(ctx, &b, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scrape is one scrape in the text format, parsed.
func scrape(t *testing.T, exp *Exporter) testkit.Families {
	t.Helper()
	return scrapeWithin(t, exp, context.Background())
}

func scrapeWithin(t *testing.T, exp *Exporter, ctx context.Context) testkit.Families {
	t.Helper()
	text := expose(t, exp, ctx, expfmt.FmtText)
	assertFamiliesOnce(t, text)
	return testkit.ParseText(t, text)
}

// contentMetrics are the families compared against golden files; the
// durations and the snapshot time differ on every run.
var contentMetrics = []string{
	"voximplant_up",
	"voximplant_scrape_collector_success",
	"voximplant_acd_operators",
	"voximplant_acd_skill_operators",
	"voximplant_acd_queue_operators",
	"voximplant_acd_oldest_status_change_timestamp_seconds",
	"voximplant_user_info",
	"voximplant_user_acd_status",
	"voximplant_user_acd_status_change_timestamp_seconds",
	"voximplant_user_live_balance",
	"voximplant_user_fixed_balance",
	"voximplant_user_active",
	"voximplant_user_acd_queue_info",
	"voximplant_user_skill_info",
}

// compareGolden scrapes exp through the served path, with families in one
// chunk and spread over many, and compares the named families with the
// golden file (rewritten under -update).
func compareGolden(t *testing.T, exp *Exporter, name string, families []string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	for i, chunk := range []int{1024, 2} { // 2: families span several chunks
		old := chunkSeries
		chunkSeries = chunk
		fams := scrape(t, exp)
		chunkSeries = old
		if *update && i == 0 {
			var b strings.Builder
			mfs, err := fams.Gatherer().Gather() // sorted, as a registry's
			if err != nil {
				t.Fatal(err)
			}
			for _, mf := range mfs {
				if slices.Contains(families, mf.GetName()) {
					if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
						t.Fatal(err)
					}
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
		err = testutil.GatherAndCompare(fams.Gatherer(), f, families...)
		f.Close()
		if err != nil {
			t.Errorf("chunks of %d: %v", chunk, err)
		}
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

// count is the number of series of the named families.
func count(f testkit.Families, names ...string) int {
	n := 0
	for name, mf := range f {
		if len(names) == 0 || slices.Contains(names, name) {
			n += len(mf.GetMetric())
		}
	}
	return n
}

// scrapeUp is one scrape's voximplant_up, for goroutines other than the
// test's: it reports failures with t.Error, never t.Fatal, and returns -1.
func scrapeUp(t *testing.T, exp *Exporter, ctx context.Context) float64 {
	var b bytes.Buffer
	if err := exp.WriteTo(ctx, &b, expfmt.FmtText); err != nil {
		t.Error(err)
		return -1
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(&b)
	if err != nil {
		t.Error(err)
		return -1
	}
	return testkit.Families(fams).Up()
}
