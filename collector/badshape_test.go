package collector

import (
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestQueueStatsBadShapeFailsOnlyItsSeries: a record whose AC and HT came
// in undocumented shapes (the decoder left them nil and named them) serves
// every other series of the queue, no answered-calls series and no
// handled-calls series (not a zero), and logs one line per item naming the
// method, the item and the shape.
func TestQueueStatsBadShapeFailsOnlyItsSeries(t *testing.T) {
	r := newStatsRig(t, func(p voxapi.QueueStatsParams) ([]voxapi.QueueStatsRecord, error) {
		if len(p.QueueIDs) != 1 || p.QueueIDs[0] != 10 {
			return nil, nil
		}
		rec := salesRecord()
		rec.AC, rec.HT = nil, nil
		rec.BadShapes = []voxapi.BadShape{{Item: "AC", Shape: `object {"n":90}`}, {Item: "HT", Shape: `string "n/a"`}}
		return []voxapi.QueueStatsRecord{rec}, nil
	})
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(QueueStatsCollector); ok != 1 {
		t.Fatalf("queue_stats success %v: one odd item failed the collector; log:\n%s", ok, r.logs)
	}
	sales := []string{"application", "1", "queue_id", "10", "queue", "Sales"}
	if _, ok := f.Value("voximplant_acd_queue_stats_calls", append(sales, "outcome", "answered")...); ok {
		t.Error("answered calls served from an item in an undocumented shape")
	}
	if _, ok := f.Value("voximplant_acd_queue_stats_handled_calls", sales...); ok {
		t.Error("handled calls served (as 0?) from an item in an undocumented shape")
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_calls", append(sales, "outcome", "unanswered")...); got != 8 {
		t.Errorf("unanswered calls %v, want 8: the other items must still be served", got)
	}
	if got := f.MustValue(t, "voximplant_acd_queue_stats_offered_calls", sales...); got != 100 {
		t.Errorf("offered calls %v, want 100", got)
	}
	for item, shape := range map[string]string{"AC": `object {"n":90}`, "HT": `string "n/a"`} {
		n := 0
		for _, rec := range r.logs.Records(t) {
			if rec["method"] == "GetACDQueueStatistics" && rec["item"] == item && rec["shape"] == shape && rec["level"] == "WARN" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warnings naming GetACDQueueStatistics, %s and %s, want 1; log:\n%s", n, item, shape, r.logs)
		}
	}
}

// TestQueueStatsBadShapeOfTC: without the calls offered neither the
// offered series, nor a service level, nor a load is served.
func TestQueueStatsBadShapeOfTC(t *testing.T) {
	q := queueRef{App: "1", ID: 10, Name: "Sales", Info: &voxapi.QueueInfo{AverageServiceTime: f64(180)}}
	rec := salesRecord()
	rec.TC = nil
	rec.BadShapes = []voxapi.BadShape{{Item: "TC", Shape: "boolean true"}}
	o, err := outcomes(q, []voxapi.QueueStatsRecord{rec}, DefaultStaffing)
	if err != nil {
		t.Fatal(err)
	}
	if o.staffing != nil || !o.bad.has("TC") {
		t.Errorf("staffing %+v from an unknown number of calls", o.staffing)
	}
}

// TestSmartQueueBadShapeFailsOnlyItsSeries: a queue's average_handle_time
// group holding a value in an undocumented shape serves no average handle
// time for that queue (not one computed from the rest of the group), keeps
// every other report, and logs one warning naming the method, the report
// type and the shape.
func TestSmartQueueBadShapeFailsOnlyItsSeries(t *testing.T) {
	good := answerWith(supportFigures)
	r := newSQRig(t, false, []time.Duration{20 * time.Second}, liveState, func(p voxapi.SQMetricsParams) (*voxapi.SQMetrics, error) {
		m, err := good(p)
		for i := range m.Reports {
			if m.Reports[i].ReportType != "average_handle_time" {
				continue
			}
			for j := range m.Reports[i].Groups {
				g := &m.Reports[i].Groups[j]
				g.Values = append(g.Values, voxapi.SQMetricValue{BadShape: `string "3m"`})
			}
		}
		return m, err
	})
	f := scrape(t, r.exp)
	if ok := f.CollectorSuccess(SmartQueueCollector); ok != 1 {
		t.Fatalf("smartqueue success %v; log:\n%s", ok, r.logs)
	}
	if _, ok := f.Value("voximplant_sq_queue_average_handle_seconds", support...); ok {
		t.Error("an average handle time served from a group with a value in an undocumented shape")
	}
	if got := f.MustValue(t, "voximplant_sq_queue_handled_calls", support...); got != 90 {
		t.Errorf("handled calls %v, want 90: the other reports must still be served", got)
	}
	n := 0
	for _, rec := range r.logs.Records(t) {
		if rec["method"] == "GetSmartQueueRealtimeMetrics" && rec["item"] == "average_handle_time" && rec["shape"] == `string "3m"` && rec["level"] == "WARN" && rec["sq_queue_id"] == float64(1) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d warnings naming the method, the report type, the shape and Support, want 1; log:\n%s", n, r.logs)
	}
}
