package collector

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// sqCombine is how a report's values over several intervals make one
// figure for the window.
type sqCombine int

const (
	sqSum  sqCombine = iota // counts: summed over the intervals
	sqMax                   // maxima: the largest
	sqLast                  // averages and ratios: the latest interval's
)

// sqReport is one GetSmartQueueRealtimeMetrics report type as served.
type sqReport struct {
	typ     string
	desc    *prometheus.Desc
	divisor float64 // the API's value over divisor is the metric's base unit
	combine sqCombine
}

// percent converts the API's assumed percentages (0-100) to ratios (0-1);
// a division, so that 70 percent is 0.7 exactly.
const percent = 100

// sqReports is THE table of the realtime metrics served, with the unit
// each is taken to be in. The API does not document the units of any
// report's value: this table ASSUMES that times (average_*_time,
// average_answer_speed, *_time_in_queue) are in seconds, that *_rate,
// *_percentage and service_level are percentages (0-100), served here as
// ratios (0-1), and that count_* and call_count_* are counts. Should the
// API prove otherwise, the divisor here is the one place to change.
// service_level is read once per threshold (its max_waiting_sec).
var sqReports = []sqReport{
	{typ: voxapi.SQReportServiceLevel, desc: sqServiceLevelDesc, divisor: percent, combine: sqLast},
	{typ: "average_abandonment_rate", desc: sqAbandonmentDesc, divisor: percent, combine: sqLast},
	{typ: "count_abandonment_calls", desc: sqAbandonedDesc, divisor: 1, combine: sqSum},
	{typ: sqReportOffered, desc: sqOfferedDesc, divisor: 1, combine: sqSum},
	{typ: "count_handled_calls", desc: sqHandledDesc, divisor: 1, combine: sqSum},
	{typ: sqReportHandleTime, desc: sqAvgHandleDesc, divisor: 1, combine: sqLast},
	{typ: "average_answer_speed", desc: sqAvgAnswerDesc, divisor: 1, combine: sqLast},
	{typ: "occupancy_rate", desc: sqOccupancyDesc, divisor: percent, combine: sqLast},
	{typ: "max_time_in_queue", desc: sqMaxWaitDesc, divisor: 1, combine: sqMax},
	{typ: "average_time_in_queue", desc: sqAvgWaitDesc, divisor: 1, combine: sqLast},
}

// The reports the staffing is computed from.
const (
	sqReportOffered    = "call_count_assigned_to_queue"
	sqReportHandleTime = "average_handle_time"
)

// wholeWindowSlack is how much shorter than the window an interval may be
// and still count as covering it (the API may round the bounds asked
// for); at most a quarter of the window, so that a short window's intervals are
// not each taken for the whole.
const wholeWindowSlack = time.Minute

// sqWindowValue reduces one queue's values of a report to the window's
// figure. Asked without an interval, the API is expected to send one entry
// covering the window, which is taken as it is, as is an entry spanning
// the whole window among several. Otherwise the entries are intervals of
// the window: counts are summed, maxima take the largest, and averages
// and ratios take the latest interval's (the answer gives no weights to
// average them over the window with). A null value is no data and is
// skipped; no value at all is no figure.
func sqWindowValue(vals []voxapi.SQMetricValue, window time.Duration, combine sqCombine) (float64, bool) {
	slack := min(wholeWindowSlack, window/4)
	var sum, best float64
	n := 0
	latest := -1
	for i := range vals {
		v := &vals[i]
		if v.Value == nil {
			continue
		}
		if v.FromDate.Valid && v.ToDate.Valid && v.ToDate.Time.Sub(v.FromDate.Time) >= window-slack {
			return *v.Value, true
		}
		sum += *v.Value
		if n == 0 || *v.Value > best {
			best = *v.Value
		}
		n++
		// Latest by to_date where both have one, else by answer order.
		if latest < 0 || !(vals[latest].ToDate.Valid && v.ToDate.Valid) || !v.ToDate.Time.Before(vals[latest].ToDate.Time) {
			latest = i
		}
	}
	switch {
	case n == 0:
		return 0, false
	case combine == sqSum:
		return sum, true
	case combine == sqMax:
		return best, true
	default:
		return *vals[latest].Value, true
	}
}

type sqFigures struct {
	values map[string]float64        // by report type, service_level aside
	sl     map[time.Duration]float64 // service_level by threshold
}

// sqMetricsSamples turns a read's answers into series, queue by queue in
// the order of the state the read covered; groups of queues a request did
// not ask for, and reports it did not ask for, are ignored.
func sqMetricsSamples(data *SQMetricsData, opts StaffingOptions, ts []time.Duration) ([]sqSample, error) {
	states, jobs := data.States, data.Jobs
	type key struct {
		app string
		id  int64
	}
	figures := map[key]*sqFigures{}
	for _, j := range jobs {
		for _, rep := range j.answer.Reports {
			i := slices.IndexFunc(sqReports, func(r sqReport) bool { return r.typ == rep.ReportType })
			if i < 0 || !slices.Contains(j.reports, rep.ReportType) {
				continue
			}
			spec := sqReports[i]
			for _, grp := range rep.Groups {
				if !slices.Contains(j.ids, grp.SQQueueID) {
					continue
				}
				if _, bad := grp.BadShape(); bad {
					continue // said in the log by the read
				}
				v, ok := sqWindowValue(grp.Values, data.Window, spec.combine)
				if !ok {
					continue
				}
				k := key{j.app.String(), grp.SQQueueID}
				f := figures[k]
				if f == nil {
					f = &sqFigures{values: map[string]float64{}, sl: map[time.Duration]float64{}}
					figures[k] = f
				}
				if spec.typ == voxapi.SQReportServiceLevel {
					f.sl[j.threshold] = v / spec.divisor
				} else {
					f.values[spec.typ] = v / spec.divisor
				}
			}
		}
	}
	thresholds := make([]float64, len(ts))
	for i, t := range ts {
		thresholds[i] = t.Seconds()
	}
	var samples []sqSample
	for _, a := range states {
		app := a.App.String()
		for i := range a.Queues {
			q := &a.Queues[i]
			f := figures[key{app, q.SQQueueID}]
			if f == nil {
				continue
			}
			ref := []string{app, strconv.FormatInt(q.SQQueueID, 10), q.SQQueueName}
			add := func(d *prometheus.Desc, v float64, extra ...string) {
				samples = append(samples, sqSample{desc: d, value: v, labels: append(slices.Clip(ref), extra...)})
			}
			for _, t := range ts {
				if v, ok := f.sl[t]; ok {
					add(sqServiceLevelDesc, v, formatFloat(t.Seconds()))
				}
			}
			for _, spec := range sqReports {
				if v, ok := f.values[spec.typ]; ok {
					add(spec.desc, v)
				}
			}
			offered, ok := f.values[sqReportOffered]
			if !ok {
				continue // no load without the calls
			}
			s, ok, err := opts.staff(offered, f.values[sqReportHandleTime], thresholds)
			if err != nil {
				return nil, fmt.Errorf("staffing SmartQueue %d of application %s: %w", q.SQQueueID, app, err)
			}
			if ok {
				add(sqLoadDesc, s.load)
				for _, req := range s.reqs {
					add(sqRequiredDesc, req.agents, req.threshold, req.target)
				}
			}
		}
	}
	return samples, nil
}
