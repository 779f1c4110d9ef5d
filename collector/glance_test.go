package collector

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// fixtureResult is a Result whose Collect sends one const gauge per entry.
func fixtureResult(series ...fixtureSeries) *Result {
	return &Result{Collect: func(ch chan<- prometheus.Metric) {
		for _, s := range series {
			ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, s.value, s.labels...)
		}
	}}
}

type fixtureSeries struct {
	desc   *prometheus.Desc
	value  float64
	labels []string
}

func fs(d *prometheus.Desc, v float64, labels ...string) fixtureSeries {
	return fixtureSeries{desc: d, value: v, labels: labels}
}

// TestGlanceFromFixtureResults: the glance of hand-made results is the
// numbers written out here by hand; series it does not show (other
// statuses of a queue, the im channel, tasks not waiting, per-user
// series) are left out.
func TestGlanceFromFixtureResults(t *testing.T) {
	users := fixtureResult(
		fs(operatorsDesc, 4, "7", "READY"),
		fs(operatorsDesc, 2, "7", "DND"),
		fs(operatorsDesc, 1, "7", "CUSTOM_BREAK"),
		fs(operatorsDesc, 3, "7", "IN_SERVICE"),
		fs(queueOperatorsDesc, 3, "7", "11", "Sales", "READY"),
		fs(queueOperatorsDesc, 9, "7", "11", "Sales", "IN_SERVICE"),
		fs(queueOperatorsDesc, 1, "7", "12", "<script>", "READY"),
		fs(skillOperatorsDesc, 5, "7", "1", "English", "READY"),
	)
	acd := fixtureResult(
		fs(queueWaitingDesc, 2, "7", "11", "Sales"),
		fs(queueLongestWaitDesc, 45, "7", "11", "Sales"),
		fs(queueReadyDesc, 99, "7", "11", "Sales"), // GetACDState's count: not the one shown
	)
	stats := fixtureResult(
		fs(qsWindowDesc, 1800),
		fs(qsServiceLevelDesc, 0.9, "7", "11", "Sales", "60"),
		fs(qsServiceLevelDesc, 0.75, "7", "11", "Sales", "20"),
		fs(qsRequiredDesc, 6, "7", "11", "Sales", "20", "0.8", "erlang_c"),
		fs(qsRequiredDesc, 5, "7", "11", "Sales", "20", "0.8", "erlang_a"), // the one shown
		fs(qsRequiredDesc, 7, "7", "11", "Sales", "20", "0.9", "erlang_c"),
		fs(qsRequiredDesc, 4, "7", "11", "Sales", "60", "0.8", "erlang_c"),
		fs(qsPredictedSLDesc, 0.6, "7", "11", "Sales", "20", "erlang_c"),
		fs(qsPredictedSLDesc, 0.7, "7", "11", "Sales", "20", "erlang_a"),
	)
	sq := fixtureResult(
		fs(sqAgentsDesc, 6, "8", "50", "Voice", "call", "READY"),
		fs(sqAgentsDesc, 8, "8", "50", "Voice", "im", "READY"),
		fs(sqAgentsDesc, 2, "8", "50", "Voice", "call", "DND"),
		fs(sqTasksDesc, 3, "8", "50", "Voice", "call", "in_queue"),
		fs(sqTasksDesc, 10, "8", "50", "Voice", "call", "in_processing"),
		fs(sqTasksDesc, 5, "8", "50", "Voice", "im", "in_queue"),
		fs(sqLongestWaitDesc, 12, "8", "50", "Voice", "call"),
		fs(sqLongestWaitDesc, 120, "8", "50", "Voice", "im"),
		fs(sqServiceLevelDesc, 0.5, "8", "50", "Voice", "20"),
		fs(sqRequiredDesc, 9, "8", "50", "Voice", "20", "0.8", "erlang_c"),
		fs(sqPredictedSLDesc, 0.95, "8", "50", "Voice", "20", "erlang_c"),
	)
	var samples [][]glanceSample
	for _, r := range []*Result{users, acd, stats, sq, nil} {
		samples = append(samples, glanceSamples(r))
	}
	got := newLazyGlance(samples).get()

	nan := math.NaN()
	want := Glance{
		StatsWindow: 30 * time.Minute,
		Apps: []AppGlance{
			{
				Application: "7",
				Operators:   []StatusCount{{"READY", 4}, {"IN_SERVICE", 3}, {"DND", 2}, {"CUSTOM_BREAK", 1}},
				Queues: []QueueGlance{
					{Kind: KindACD, ID: "12", Name: "<script>", Waiting: nan, LongestWait: nan, Ready: 1},
					{Kind: KindACD, ID: "11", Name: "Sales", Waiting: 2, LongestWait: 45, Ready: 3,
						ServiceLevels: []ServiceLevel{{20 * time.Second, 0.75}, {60 * time.Second, 0.9}},
						Required:      []Required{{20 * time.Second, 0.8, "erlang_a", 5}, {20 * time.Second, 0.8, "erlang_c", 6}, {20 * time.Second, 0.9, "erlang_c", 7}, {60 * time.Second, 0.8, "erlang_c", 4}},
						Predicted:     []Prediction{{20 * time.Second, "erlang_a", 0.7}, {20 * time.Second, "erlang_c", 0.6}}},
				},
			},
			{
				Application: "8",
				Queues: []QueueGlance{
					{Kind: KindSmartQueue, ID: "50", Name: "Voice", Waiting: 3, LongestWait: 12, Ready: 6,
						ServiceLevels: []ServiceLevel{{20 * time.Second, 0.5}},
						Required:      []Required{{20 * time.Second, 0.8, "erlang_c", 9}},
						Predicted:     []Prediction{{20 * time.Second, "erlang_c", 0.95}}},
				},
			},
		},
	}
	// %+v prints NaN as NaN, where reflect.DeepEqual finds NaN unequal.
	if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
		t.Errorf("glance\n got %s\nwant %s", g, w)
	}
}

// TestGlanceStaffingPicksTheShortestThreshold: the service level and the
// required operators are read at the queue's shortest threshold and the
// given target; what the pass did not read is NaN.
func TestGlanceStaffingPicksTheShortestThreshold(t *testing.T) {
	q := QueueGlance{
		ServiceLevels: []ServiceLevel{{60 * time.Second, 0.9}, {20 * time.Second, 0.75}},
		Required:      []Required{{60 * time.Second, 0.8, "erlang_c", 4}, {20 * time.Second, 0.9, "erlang_c", 7}, {20 * time.Second, 0.8, "erlang_c", 6}, {20 * time.Second, 0.8, "erlang_a", 5}},
	}
	for _, c := range []struct {
		q         QueueGlance
		target    float64
		threshold time.Duration
		level     float64
		required  float64
	}{
		{q, 0.8, 20 * time.Second, 0.75, 5},
		{q, 0.9, 20 * time.Second, 0.75, 7},
		{q, 0.7, 20 * time.Second, 0.75, math.NaN()},
		// No calls in the window: no ratio, but the staffing still has a threshold.
		{QueueGlance{Required: []Required{{30 * time.Second, 0.8, "erlang_c", 0}}}, 0.8, 30 * time.Second, math.NaN(), 0},
		{QueueGlance{}, 0.8, 0, math.NaN(), math.NaN()},
	} {
		th, level, req := c.q.Staffing(c.target)
		if th != c.threshold || !sameFloat(level, c.level) || !sameFloat(req, c.required) {
			t.Errorf("%+v at %v: (%v, %v, %v), want (%v, %v, %v)", c.q, c.target, th, level, req, c.threshold, c.level, c.required)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestGlancePredictedLevel: the predicted service level at a threshold is
// Erlang A's where the queue has it, else Erlang C's, else NaN.
func TestGlancePredictedLevel(t *testing.T) {
	q := QueueGlance{Predicted: []Prediction{{20 * time.Second, "erlang_a", 0.7}, {20 * time.Second, "erlang_c", 0.6}, {60 * time.Second, "erlang_c", 0.9}}}
	for _, c := range []struct {
		threshold time.Duration
		want      float64
	}{{20 * time.Second, 0.7}, {60 * time.Second, 0.9}, {30 * time.Second, math.NaN()}} {
		if got := q.PredictedLevel(c.threshold); !sameFloat(got, c.want) {
			t.Errorf("PredictedLevel(%v) = %v, want %v", c.threshold, got, c.want)
		}
	}
	// Erlang C listed after Erlang A still loses to it.
	q = QueueGlance{Predicted: []Prediction{{20 * time.Second, "erlang_a", 0.3}, {20 * time.Second, "erlang_c", 0.1}}}
	if got := q.PredictedLevel(20 * time.Second); got != 0.3 {
		t.Errorf("PredictedLevel = %v, want Erlang A's 0.3", got)
	}
}

// TestGlanceBeforeAnyPass: the zero status has an empty glance.
func TestGlanceBeforeAnyPass(t *testing.T) {
	if g := (PassStatus{}).Glance(); len(g.Apps) != 0 || g.StatsWindow != 0 {
		t.Errorf("glance of no pass: %+v", g)
	}
}

// TestGlanceAgreesWithTheExposition: against a simulated contact centre
// with every collector on, the last pass's glance holds the numbers of
// the exposition that pass served, found here by reading the text format
// instead of the collectors' metrics.
func TestGlanceAgreesWithTheExposition(t *testing.T) {
	// The simulator keeps real time (it refuses tokens from its future);
	// it is evolved from its generation half an hour ago up to now, so
	// that its statistics window holds calls.
	now := time.Now()
	acct := voxsim.Generate(voxsim.GenConfig{Users: 40, Apps: 2, Skills: 3, Queues: 3, SmartQueues: 2, Seed: 4, Now: now.Add(-30 * time.Minute)})
	var apps []voxapi.AppSelector
	for _, a := range acct.Apps {
		apps = append(apps, voxapi.AppSelector{ID: a.ID})
	}
	h := newHarness(t, acct, nil, apps...)
	h.sim.Evolve(now)
	st := Settings{Logger: h.logs.Logger()}
	sq, err := NewSmartQueue(st.forCollector(SmartQueueCollector), []time.Duration{20 * time.Second, 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := New(Config{API: h.Client, Apps: apps, PageSize: 10, Logger: st.Logger, Collectors: []Collector{
		NewUsers(st), NewACDState(st.forCollector(ACDStateCollector)), NewQueueStats(st.forCollector(QueueStatsCollector)), sq}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exp.Close)
	f := scrape(t, exp)
	for _, c := range []string{UsersCollector, ACDStateCollector, QueueStatsCollector, SmartQueueCollector} {
		if f.CollectorSuccess(c) != 1 {
			t.Fatalf("collector %s failed:\n%s", c, h.logs)
		}
	}
	last, ok := exp.LastPass()
	if !ok {
		t.Fatal("no last pass after a scrape")
	}
	got := last.Glance()

	want := glanceFromFamilies(t, f)
	if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
		t.Errorf("glance\n got %s\nwant %s", g, w)
	}
	// The comparison means something only if the pass had every kind of number.
	var acdSL, sqReady bool
	for _, a := range got.Apps {
		for _, q := range a.Queues {
			acdSL = acdSL || q.Kind == KindACD && len(q.ServiceLevels) > 0 && !math.IsNaN(q.Waiting)
			sqReady = sqReady || q.Kind == KindSmartQueue && !math.IsNaN(q.Ready) && len(q.Required) > 0
		}
	}
	if len(got.Apps) != len(apps) || !acdSL || !sqReady || got.StatsWindow != DefaultStaffing.Window {
		t.Errorf("the simulated pass lacks numbers to compare (apps %d, ACD service level %v, SmartQueue READY %v, window %v)",
			len(got.Apps), acdSL, sqReady, got.StatsWindow)
	}
}

type dtoMetric = dto.Metric

// glanceFromFamilies builds the glance a page should show from a parsed
// exposition: series by series, with testkit's label reading.
func glanceFromFamilies(t *testing.T, f testkit.Families) Glance {
	t.Helper()
	nan := math.NaN()
	type key struct{ app, kind, id string }
	apps := map[string]*AppGlance{}
	queues := map[key]*QueueGlance{}
	app := func(name string) *AppGlance {
		if apps[name] == nil {
			apps[name] = &AppGlance{Application: name}
		}
		return apps[name]
	}
	queue := func(m *dtoMetric, kind QueueKind) *QueueGlance {
		idL, nameL := "queue_id", "queue"
		if kind == KindSmartQueue {
			idL, nameL = "sq_queue_id", "sq_queue"
		}
		k := key{testkit.Label(m, "application"), string(kind), testkit.Label(m, idL)}
		app(k.app)
		if queues[k] == nil {
			queues[k] = &QueueGlance{Kind: kind, ID: k.id, Name: testkit.Label(m, nameL), Waiting: nan, LongestWait: nan, Ready: nan}
		}
		return queues[k]
	}
	each := func(name string, fn func(m *dtoMetric, v float64)) {
		if mf := f[name]; mf != nil {
			for _, m := range mf.GetMetric() {
				fn(m, m.GetGauge().GetValue())
			}
		}
	}
	seconds := func(m *dtoMetric) time.Duration {
		var s float64
		if _, err := fmt.Sscan(testkit.Label(m, "threshold_seconds"), &s); err != nil {
			t.Fatal(err)
		}
		return time.Duration(s) * time.Second
	}
	var g Glance
	each("voximplant_acd_queue_stats_window_seconds", func(_ *dtoMetric, v float64) { g.StatsWindow = time.Duration(v) * time.Second })
	each("voximplant_acd_operators", func(m *dtoMetric, v float64) {
		a := app(testkit.Label(m, "application"))
		a.Operators = append(a.Operators, StatusCount{testkit.Label(m, "acd_status"), v})
	})
	each("voximplant_acd_queue_operators", func(m *dtoMetric, v float64) {
		if testkit.Label(m, "acd_status") == "READY" {
			queue(m, KindACD).Ready = v
		}
	})
	each("voximplant_acd_queue_waiting_calls", func(m *dtoMetric, v float64) { queue(m, KindACD).Waiting = v })
	each("voximplant_acd_queue_longest_wait_seconds", func(m *dtoMetric, v float64) { queue(m, KindACD).LongestWait = v })
	each("voximplant_sq_agents", func(m *dtoMetric, v float64) {
		if testkit.Label(m, "channel") == "call" && testkit.Label(m, "sq_status") == "READY" {
			queue(m, KindSmartQueue).Ready = v
		}
	})
	each("voximplant_sq_tasks", func(m *dtoMetric, v float64) {
		if testkit.Label(m, "task_type") == "call" && testkit.Label(m, "status") == "in_queue" {
			queue(m, KindSmartQueue).Waiting = v
		}
	})
	each("voximplant_sq_longest_wait_seconds", func(m *dtoMetric, v float64) {
		if testkit.Label(m, "task_type") == "call" {
			queue(m, KindSmartQueue).LongestWait = v
		}
	})
	for name, kind := range map[string]QueueKind{"voximplant_acd_queue_stats_service_level_ratio": KindACD, "voximplant_sq_queue_service_level_ratio": KindSmartQueue} {
		each(name, func(m *dtoMetric, v float64) {
			q := queue(m, kind)
			q.ServiceLevels = append(q.ServiceLevels, ServiceLevel{seconds(m), v})
		})
	}
	for name, kind := range map[string]QueueKind{"voximplant_acd_queue_required_operators": KindACD, "voximplant_sq_queue_required_agents": KindSmartQueue} {
		each(name, func(m *dtoMetric, v float64) {
			q := queue(m, kind)
			var target float64
			if _, err := fmt.Sscan(testkit.Label(m, "target"), &target); err != nil {
				t.Fatal(err)
			}
			q.Required = append(q.Required, Required{seconds(m), target, testkit.Label(m, "model"), v})
		})
	}
	for name, kind := range map[string]QueueKind{"voximplant_acd_queue_predicted_service_level_ratio": KindACD, "voximplant_sq_queue_predicted_service_level_ratio": KindSmartQueue} {
		each(name, func(m *dtoMetric, v float64) {
			q := queue(m, kind)
			q.Predicted = append(q.Predicted, Prediction{seconds(m), testkit.Label(m, "model"), v})
		})
	}
	// Order as the page shows them: statuses by the working day, queues
	// by kind and name, applications by label, a queue's series by
	// threshold and target.
	for k, q := range queues {
		slices.SortFunc(q.ServiceLevels, func(x, y ServiceLevel) int { return int(x.Threshold - y.Threshold) })
		slices.SortFunc(q.Required, func(x, y Required) int {
			if x.Threshold != y.Threshold {
				return int(x.Threshold - y.Threshold)
			}
			if x.Target != y.Target {
				return int(1000 * (x.Target - y.Target))
			}
			return strings.Compare(x.Model, y.Model)
		})
		slices.SortFunc(q.Predicted, func(x, y Prediction) int {
			if x.Threshold != y.Threshold {
				return int(x.Threshold - y.Threshold)
			}
			return strings.Compare(x.Model, y.Model)
		})
		apps[k.app].Queues = append(apps[k.app].Queues, *q)
	}
	for _, a := range apps {
		slices.SortStableFunc(a.Operators, func(x, y StatusCount) int { return rankOf(x.Status) - rankOf(y.Status) })
		slices.SortFunc(a.Queues, func(x, y QueueGlance) int {
			return compareStrings(string(x.Kind)+"\x00"+x.Name+"\x00"+x.ID, string(y.Kind)+"\x00"+y.Name+"\x00"+y.ID)
		})
		g.Apps = append(g.Apps, *a)
	}
	slices.SortFunc(g.Apps, func(x, y AppGlance) int { return compareStrings(x.Application, y.Application) })
	return g
}

func rankOf(status string) int {
	if i := slices.Index(StatusOrder, status); i >= 0 {
		return i
	}
	return len(StatusOrder)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
