package collector

import (
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// msFigures are supportFigures as an API answering in milliseconds and
// fractions would send them.
func msFigures(report string, queue int64, threshold int) *float64 {
	v := supportFigures(report, queue, threshold)
	if v == nil {
		return nil
	}
	i := 0
	for ; i < len(sqReports) && sqReports[i].typ != report; i++ {
	}
	switch {
	case report == voxapi.SQReportServiceLevel || (i < len(sqReports) && sqReports[i].kind == sqRatio):
		return f64(*v / 100)
	case i < len(sqReports) && sqReports[i].kind == sqTime:
		return f64(*v * 1000)
	}
	return v
}

// newUnitsRig is newSQRig with units and a registry for the counter.
func newUnitsRig(t *testing.T, units sqUnits, metrics func(voxapi.SQMetricsParams) (*voxapi.SQMetrics, error)) (*sqRig, *prometheus.Registry) {
	t.Helper()
	sr := newStatsRig(t, onlySales)
	r := &sqRig{statsRig: sr, sq: &sqStub{statsStub: sr.stub, state: liveState, metrics: metrics}}
	reg := prometheus.NewRegistry()
	st := Settings{Logger: sr.logs.Logger(), Now: sr.clock, Registerer: reg}
	sq, err := newSmartQueue(st, []time.Duration{20 * time.Second}, units)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := New(Config{API: r.sq, Apps: []voxapi.AppSelector{{ID: 1}, {ID: 3}}, PageSize: 2, Now: sr.clock, Logger: st.Logger,
		Collectors: []Collector{NewUsers(st), sq}})
	if err != nil {
		t.Fatal(err)
	}
	r.exp = exp
	return r, reg
}

// TestSmartQueuePlausibilityWarnsOfMilliseconds: an API that answers in
// milliseconds, read under the default assumption of seconds, gives times
// longer than the window and ratios far below what percent would give: the
// times are flagged, once per report type and read, naming the value, the
// assumption and the flag, and counted.
func TestSmartQueuePlausibilityWarnsOfMilliseconds(t *testing.T) {
	r, reg := newUnitsRig(t, defaultSQUnits, answerWith(msFigures))
	scrape(t, r.exp)
	// 180,000 "s" of handle time in a 1,800 s window; 95,000 s of longest
	// wait; 12,000 s to answer; 14,500 s of average wait. Ratios sent as
	// fractions read as percent (0.007 for 70%) are low, not impossible:
	// nothing flags them.
	want := map[string]float64{"average_handle_time": 1, "max_time_in_queue": 1, "average_answer_speed": 1, "average_time_in_queue": 1}
	for typ, n := range want {
		if m := findCounter(t, reg, typ); m != n {
			t.Errorf("voximplant_sq_implausible_values_total{report_type=%q} = %v, want %v", typ, m, n)
		}
	}
	logs := r.logs.String()
	if n := strings.Count(logs, `"report_type":"average_handle_time"`); n != 1 {
		t.Errorf("%d warnings for average_handle_time in one read, want 1:\n%s", n, logs)
	}
	for _, want := range []string{"--collector.smartqueue.time-unit", `"assumed":"s"`, `"value":180000`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the warning does not say %q:\n%s", want, logs)
		}
	}
	if got := findCounter(t, reg, "count_handled_calls"); got != 0 {
		t.Errorf("a whole count flagged %v times", got)
	}
}

// TestSmartQueueUnitFlags: with the flags set to the API's units the same
// answer serves the right figures and nothing is flagged.
func TestSmartQueueUnitFlags(t *testing.T) {
	app := kingpin.New("test", "")
	units := defaultSQUnits
	addSQUnitFlags(app, &units)
	if _, err := app.Parse([]string{"--collector.smartqueue.time-unit=ms", "--collector.smartqueue.ratio-scale=fraction"}); err != nil {
		t.Fatal(err)
	}
	r, reg := newUnitsRig(t, units, answerWith(msFigures))
	f := scrape(t, r.exp)
	for name, want := range map[string]float64{
		"voximplant_sq_queue_average_handle_seconds": 180, "voximplant_sq_queue_max_wait_seconds": 95,
		"voximplant_sq_queue_average_wait_seconds": 14.5, "voximplant_sq_queue_occupancy_ratio": 0.7,
		"voximplant_sq_queue_abandonment_ratio": 0.1,
	} {
		if got := f.MustValue(t, name, support...); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for _, r := range sqReports {
		if got := findCounter(t, reg, r.typ); got != 0 {
			t.Errorf("%s flagged %v times with the right units", r.typ, got)
		}
	}
	for _, bad := range []sqUnits{{timeUnit: "minutes", ratioScale: "percent"}, {timeUnit: "s", ratioScale: "ratio"}} {
		_, err := newSmartQueue(Settings{}, []time.Duration{20 * time.Second}, bad)
		if err == nil || !strings.Contains(err.Error(), "--collector.smartqueue.") {
			t.Errorf("units %+v: %v, want an error naming the flag", bad, err)
		}
	}
}

func findCounter(t *testing.T, reg *prometheus.Registry, typ string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "voximplant_sq_implausible_values_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "report_type" && l.GetValue() == typ {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no voximplant_sq_implausible_values_total{report_type=%q}", typ)
	return 0
}

// TestSQJobsWithoutANameFilter: an application with a queue whose name
// the ;-separated list cannot carry is asked with no queue filter, in one
// request for all its queues (matched to them by id); the others by name,
// five at most a request.
func TestSQJobsWithoutANameFilter(t *testing.T) {
	queues := func(names ...string) []voxapi.SQQueueState {
		var out []voxapi.SQQueueState
		for i, n := range names {
			out = append(out, voxapi.SQQueueState{SQQueueID: int64(i + 1), SQQueueName: n})
		}
		return out
	}
	jobs := sqJobs([]SQAppState{
		{App: voxapi.AppSelector{ID: 1}, Sel: voxapi.AppSelector{ID: 1}, Queues: queues("a", "b;c", "d", "e", "f", "g")},
		{App: voxapi.AppSelector{ID: 2}, Sel: voxapi.AppSelector{ID: 2}, Queues: queues("a", "b", "c", "d", "e", "f")},
	}, []time.Duration{20 * time.Second})
	if len(jobs) != 3 {
		t.Fatalf("%d requests, want 1 for application 1 and 2 for application 2", len(jobs))
	}
	if jobs[0].names != nil || len(jobs[0].ids) != 6 {
		t.Errorf("application 1: names %q, %d ids; want no filter and all 6 queues", jobs[0].names, len(jobs[0].ids))
	}
	if len(jobs[1].names) != 5 || len(jobs[2].names) != 1 {
		t.Errorf("application 2: batches of %d and %d names, want 5 and 1", len(jobs[1].names), len(jobs[2].names))
	}
}
