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
	kind    sqKind // what its value measures, which fixes its unit
	combine sqCombine
}

// sqReports is THE table of the realtime metrics served, with what each
// value measures. The API does not document the units of any report's
// value: a time is taken to be in --collector.smartqueue.time-unit
// (seconds by default), a ratio in --collector.smartqueue.ratio-scale
// (percent by default, served as 0-1), and count_* and call_count_* are
// counts (sqUnits). service_level is read once per threshold (its
// max_waiting_sec).
var sqReports = []sqReport{
	{typ: voxapi.SQReportServiceLevel, desc: sqServiceLevelDesc, kind: sqRatio, combine: sqLast},
	{typ: "average_abandonment_rate", desc: sqAbandonmentDesc, kind: sqRatio, combine: sqLast},
	{typ: sqReportAbandoned, desc: sqAbandonedDesc, kind: sqCount, combine: sqSum},
	{typ: sqReportOffered, desc: sqOfferedDesc, kind: sqCount, combine: sqSum},
	{typ: "count_handled_calls", desc: sqHandledDesc, kind: sqCount, combine: sqSum},
	{typ: sqReportHandleTime, desc: sqAvgHandleDesc, kind: sqTime, combine: sqLast},
	{typ: "average_answer_speed", desc: sqAvgAnswerDesc, kind: sqTime, combine: sqLast},
	{typ: "occupancy_rate", desc: sqOccupancyDesc, kind: sqRatio, combine: sqLast},
	{typ: sqReportMaxWait, desc: sqMaxWaitDesc, kind: sqTime, combine: sqMax},
	{typ: sqReportAvgWait, desc: sqAvgWaitDesc, kind: sqTime, combine: sqLast},
}

// The reports the staffing and the plausibility checks are computed from.
const (
	sqReportOffered    = "call_count_assigned_to_queue"
	sqReportHandleTime = "average_handle_time"
	sqReportMaxWait    = "max_time_in_queue"
	sqReportAbandoned  = "count_abandonment_calls"
	sqReportAvgWait    = "average_time_in_queue"
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

// sqQueueKey is one SmartQueue under one watched application.
type sqQueueKey struct {
	app string
	id  int64
}

// sqWindowFigures are each queue's figures over the window in base units;
// groups of queues a request did not ask for, reports it did not ask for,
// and groups holding a value in an undocumented shape are left out.
func sqWindowFigures(data *SQMetricsData, units sqUnits) map[sqQueueKey]*sqFigures {
	figures := map[sqQueueKey]*sqFigures{}
	for _, j := range data.Jobs {
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
				k := sqQueueKey{j.app.String(), grp.SQQueueID}
				f := figures[k]
				if f == nil {
					f = &sqFigures{values: map[string]float64{}, sl: map[time.Duration]float64{}}
					figures[k] = f
				}
				if spec.typ == voxapi.SQReportServiceLevel {
					f.sl[j.threshold] = v / units.divisor(spec.kind)
				} else {
					f.values[spec.typ] = v / units.divisor(spec.kind)
				}
			}
		}
	}
	return figures
}

// sqMetricsSamples turns a read's answers into series, queue by queue in
// the order of the state the read covered: the read's own series (figures,
// load, requirements, patience), computed once per read, and what the
// agents staffed now deliver, computed for this pass. staffed is the
// agents now staffed on each queue from this pass's state.
func sqMetricsSamples(data *SQMetricsData, opts StaffingOptions, ts []time.Duration, units sqUnits, staffed map[sqQueueKey]int) ([]sqSample, error) {
	rs, err := data.series(opts, ts, units)
	if err != nil {
		return nil, err
	}
	samples := slices.Clip(rs.samples)
	for _, q := range rs.staffed {
		n, known := staffed[q.key]
		if !known {
			continue // not in this pass's state
		}
		preds, abandon, hasAbandon := q.staffing.predict(n)
		for _, p := range preds {
			samples = append(samples, sqSample{desc: sqPredictedSLDesc, value: p.serviceLevel, labels: append(slices.Clip(q.labels), p.threshold, p.model)})
		}
		if hasAbandon {
			samples = append(samples, sqSample{desc: sqPredictedAbandonDesc, value: abandon, labels: append(slices.Clip(q.labels), modelErlangA)})
		}
	}
	return samples, nil
}

// sqReadSeries are the series of one read that no pass changes.
type sqReadSeries struct {
	samples []sqSample
	staffed []sqStaffedQueue // the queues with a load, for the predictions
}

// sqStaffedQueue is a queue's staffing and its labels.
type sqStaffedQueue struct {
	key      sqQueueKey
	labels   []string
	staffing *staffing
}

// series is the read's own series, computed on the first call: the
// staffing models are the costly part of a scrape. opts, ts and units are
// the smartqueue collector's, the same on every call.
func (d *SQMetricsData) series(opts StaffingOptions, ts []time.Duration, units sqUnits) (*sqReadSeries, error) {
	d.once.Do(func() { d.own, d.ownErr = sqReadSamples(d, opts, ts, units) })
	return d.own, d.ownErr
}

func sqReadSamples(data *SQMetricsData, opts StaffingOptions, ts []time.Duration, units sqUnits) (*sqReadSeries, error) {
	states, figures := data.States, sqWindowFigures(data, units)
	thresholds := make([]float64, len(ts))
	for i, t := range ts {
		thresholds[i] = t.Seconds()
	}
	rs := &sqReadSeries{}
	for _, a := range states {
		app := a.App.String()
		for i := range a.Queues {
			q := &a.Queues[i]
			f := figures[sqQueueKey{app, q.SQQueueID}]
			if f == nil {
				continue
			}
			ref := []string{app, strconv.FormatInt(q.SQQueueID, 10), q.SQQueueName}
			add := func(d *prometheus.Desc, v float64, extra ...string) {
				rs.samples = append(rs.samples, sqSample{desc: d, value: v, labels: append(slices.Clip(ref), extra...)})
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
			// The patience: abandoned calls over the time all callers
			// waited, the average wait times the calls offered.
			abandoned, totalWait := f.values[sqReportAbandoned], f.values[sqReportAvgWait]*offered
			s, ok, err := opts.staff(offered, f.values[sqReportHandleTime], thresholds, abandoned, totalWait)
			if err != nil {
				return nil, fmt.Errorf("staffing SmartQueue %d of application %s: %w", q.SQQueueID, app, err)
			}
			if !ok {
				continue
			}
			add(sqLoadDesc, s.load)
			for _, req := range s.reqs {
				add(sqRequiredDesc, req.agents, req.threshold, req.target, req.model)
			}
			if p, ok := s.patience(); ok {
				add(sqPatienceDesc, p)
			}
			rs.staffed = append(rs.staffed, sqStaffedQueue{key: sqQueueKey{app, q.SQQueueID}, labels: ref, staffing: &s})
		}
	}
	return rs, nil
}
