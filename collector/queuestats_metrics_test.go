package collector

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlanga"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func fmtF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// resultCollector serves a Result to testutil as a prometheus.Collector.
type resultCollector struct{ r *Result }

func (c resultCollector) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }
func (c resultCollector) Collect(ch chan<- prometheus.Metric) { c.r.Collect(ch) }

// TestQueueStatsMetricsFromFixture: the queue_stats collector's series
// from fixture values, without a simulator. Every expected number is
// worked by hand from salesRecord:
//   - offered 100; answered 90, unanswered 8, rejected 2 (AC, UAC, RC);
//   - service level 0.7 at 20 s, 70 calls within it (SL);
//   - wait average 14.5, max 95, total 1421 (WT); handle average 180,
//     total 16,200 over 90 calls (HT); abandonment average 41.25 (AT);
//   - read at 2026-12-01 12:00 UTC, 1,796,126,400 s after the epoch;
//   - load: 100 calls in 1,800 s times 180 s = 10 Erlangs; Erlang C at
//     10 Erlangs, 180 s, 80% within 20 s needs 14 operators (the
//     reference case of internal/erlangc), under the 0.85 occupancy cap
//     (10/14 = 0.71).
//
// Queue 11 had no call: zero counts, zero load and no operator needed, and
// zero calls within its threshold so that sums across queues stay whole,
// but no ratio or average. Queue
// 10 is served under application 1, which owns it, and under 3, whose
// operators serve it, with the same values.
func TestQueueStatsMetricsFromFixture(t *testing.T) {
	end := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	sales := &voxapi.QueueInfo{ACDQueueID: 10, ACDQueueName: "Sales", SLThresholds: []float64{20}}
	data := &QueueStatsData{
		ReadAt: end, Window: 30 * time.Minute,
		Queues: []queueRef{
			{App: "1", ID: 10, Name: "Sales", Info: sales},
			{App: "1", ID: 11, Name: "VIP"},
			{App: "3", ID: 10, Name: "Sales", Info: sales},
		},
		Records: map[int64][]voxapi.QueueStatsRecord{10: {salesRecord()}, 11: nil},
	}
	r, err := queueStatsMetrics(data, DefaultStaffing, map[int64]int{10: 12})
	if err != nil {
		t.Fatal(err)
	}
	// Erlang A from the inputs worked by hand: λ = 100 / 1,800 s, μ = 1 /
	// 180 s, θ = 8 abandoned / 1,421 s waited (patience 177.625 s). The
	// model's own numbers are checked against a simulation, a dense solve
	// and closed forms in internal/erlanga; this checks what goes in.
	lambda, mu, theta := 100.0/1800, 1.0/180, 8.0/1421
	reqA, err := erlanga.Required(lambda, mu, theta, 0.8, 20, 0.85)
	if err != nil {
		t.Fatal(err)
	}
	slA := erlanga.ServiceLevel(lambda, mu, theta, 12, 20)
	abandonA := erlanga.AbandonProbability(lambda, mu, theta, 12)
	// Erlang C's service level with the 12 staffed, from its closed form:
	// C(n, a) = (aⁿ/n!·n/(n−a)) / (Σₖ₍ₖ₌₀…ₙ₋₁₎ aᵏ/k! + aⁿ/n!·n/(n−a)),
	// SL = 1 − C·e^(−(n−a)·t/AHT), at a = 10, n = 12, t = 20, AHT = 180.
	sum, term := 0.0, 1.0
	for k := range 12 {
		if k > 0 {
			term *= 10 / float64(k)
		}
		sum += term
	}
	top := term * 10 / 12 * 12 / (12 - 10)
	slC := 1 - top/(sum+top)*math.Exp(-2*20.0/180)
	sales10 := func(app string) string {
		l := `application="` + app + `",queue="Sales",queue_id="10"`
		return `voximplant_acd_queue_stats_offered_calls{` + l + `} 100
voximplant_acd_queue_stats_calls{` + l + `,outcome="answered"} 90
voximplant_acd_queue_stats_calls{` + l + `,outcome="unanswered"} 8
voximplant_acd_queue_stats_calls{` + l + `,outcome="rejected"} 2
voximplant_acd_queue_stats_service_level_ratio{` + l + `,threshold_seconds="20"} 0.7
voximplant_acd_queue_stats_answered_within_threshold_calls{` + l + `,threshold_seconds="20"} 70
voximplant_acd_queue_stats_average_wait_seconds{` + l + `} 14.5
voximplant_acd_queue_stats_max_wait_seconds{` + l + `} 95
voximplant_acd_queue_stats_total_wait_seconds{` + l + `} 1421
voximplant_acd_queue_stats_average_handle_seconds{` + l + `} 180
voximplant_acd_queue_stats_total_handle_seconds{` + l + `} 16200
voximplant_acd_queue_stats_handled_calls{` + l + `} 90
voximplant_acd_queue_stats_average_abandonment_seconds{` + l + `} 41.25
voximplant_acd_queue_offered_load_erlangs{` + l + `} 10
voximplant_acd_queue_required_operators{` + l + `,model="erlang_c",target="0.8",threshold_seconds="20"} 14
voximplant_acd_queue_required_operators{` + l + `,model="erlang_a",target="0.8",threshold_seconds="20"} ` + fmtF(float64(reqA)) + `
voximplant_acd_queue_patience_seconds{` + l + `} 177.625
voximplant_acd_queue_staffed_operators{` + l + `} 12
voximplant_acd_queue_predicted_service_level_ratio{` + l + `,model="erlang_c",threshold_seconds="20"} ` + fmtF(slC) + `
voximplant_acd_queue_predicted_service_level_ratio{` + l + `,model="erlang_a",threshold_seconds="20"} ` + fmtF(slA) + `
voximplant_acd_queue_predicted_abandonment_ratio{` + l + `,model="erlang_a"} ` + fmtF(abandonA) + `
voximplant_acd_queue_stats_timestamp_seconds{` + l + `} 1.7961264e+09
`
	}
	vip := `application="1",queue="VIP",queue_id="11"`
	want := sales10("1") + sales10("3") + `voximplant_acd_queue_stats_offered_calls{` + vip + `} 0
voximplant_acd_queue_stats_calls{` + vip + `,outcome="answered"} 0
voximplant_acd_queue_stats_calls{` + vip + `,outcome="unanswered"} 0
voximplant_acd_queue_stats_calls{` + vip + `,outcome="rejected"} 0
voximplant_acd_queue_stats_answered_within_threshold_calls{` + vip + `,threshold_seconds="20"} 0
voximplant_acd_queue_stats_handled_calls{` + vip + `} 0
voximplant_acd_queue_offered_load_erlangs{` + vip + `} 0
voximplant_acd_queue_required_operators{` + vip + `,model="erlang_c",target="0.8",threshold_seconds="20"} 0
voximplant_acd_queue_staffed_operators{` + vip + `} 0
voximplant_acd_queue_stats_timestamp_seconds{` + vip + `} 1.7961264e+09
voximplant_acd_queue_stats_window_seconds 1800
`
	if err := testutil.CollectAndCompare(resultCollector{r}, strings.NewReader(withHelp(t, r, want))); err != nil {
		t.Error(err)
	}
}

// withHelp prefixes each family of want with the HELP and TYPE lines the
// result's descriptors give, so that a fixture lists only samples.
func withHelp(t *testing.T, r *Result, samples string) string {
	t.Helper()
	help := map[string]string{}
	ch := make(chan prometheus.Metric, 1024)
	r.Collect(ch)
	close(ch)
	for m := range ch {
		d := m.Desc().String()
		name := between(d, `fqName: "`, `"`)
		h := between(d, `help: "`, `", constLabels`)
		h, _, _ = strings.Cut(h, `", unit: "`)
		help[name] = h
	}
	byFamily := map[string][]string{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(samples), "\n") {
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if _, ok := byFamily[name]; !ok {
			order = append(order, name)
		}
		byFamily[name] = append(byFamily[name], sortLabels(line))
	}
	var b strings.Builder
	for _, name := range order {
		h, ok := help[name]
		if !ok {
			t.Fatalf("the fixture names %s, which the result does not serve", name)
		}
		b.WriteString("# HELP " + name + " " + h + "\n# TYPE " + name + " gauge\n")
		b.WriteString(strings.Join(byFamily[name], "\n") + "\n")
	}
	return b.String()
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}

// sortLabels puts a sample line's labels in name order, as the exposition
// writes them, so that a fixture may list them in any order.
func sortLabels(line string) string {
	open, closing := strings.Index(line, "{"), strings.LastIndex(line, "}")
	if open < 0 || closing < open {
		return line
	}
	pairs := strings.Split(line[open+1:closing], ",")
	slices.Sort(pairs)
	return line[:open+1] + strings.Join(pairs, ",") + line[closing:]
}
