package voxsim

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxStatsRange is the longest from_date..to_date window
// GetACDQueueStatistics accepts (569 beyond it).
const maxStatsRange = 30 * 24 * time.Hour

// statsItems are GetACDQueueStatistics' report items: the abbreviation
// the API documents and the full name it uses with abbreviation=false.
// The notes give only the abbreviations; the full names are the ones the
// reference page (ACDQueueStatisticsType) and the official Java client's
// description of abbreviation list. TST, "total submission time", is
// taken to be the SA total (the reference does not define it further).
var statsItems = []struct{ abbr, full string }{
	{"TC", "TotalCalls"},
	{"AC", "AnsweredCalls"},
	{"UAC", "UnansweredCalls"},
	{"RC", "RejectedCalls"},
	{"SL", "ServiceLevel"},
	{"WT", "WaitingTime"},
	{"SA", "SpeedOfAnswer"},
	{"AT", "AbandonmentTime"},
	{"HT", "HandlingTime"},
	{"TT", "TalkTime"},
	{"ACW", "AfterCallWork"},
	{"QL", "QueueLength"},
	{"TWT", "TotalWaitingTime"},
	{"TST", "TotalSubmissionTime"},
	{"TAT", "TotalAbandonmentTime"},
	{"THT", "TotalHandlingTime"},
	{"TTT", "TotalTalkTime"},
	{"TACW", "TotalAfterCallWork"},
}

// Aggregations GetACDQueueStatistics accepts.
const (
	aggNone      = "none"
	aggDay       = "day"
	aggHour      = "hour"
	aggHourOfDay = "hour_of_day"
)

// countJSON is one entry of AC, UAC and RC: a count and its percentage
// (0-100, two decimals) of TC.
type countJSON struct {
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// slJSON is one SL entry: the calls answered within
// acceptable_waiting_time seconds, and their fraction of the calls offered.
type slJSON struct {
	AcceptableWaitingTime int     `json:"acceptable_waiting_time"`
	CallCount             int     `json:"call_count"`
	ServiceLevel          float64 `json:"service_level"`
}

// spanJSON summarises durations (or, for QL, queue lengths) in seconds.
type spanJSON struct {
	Min   float64 `json:"min"`
	Avg   float64 `json:"avg"`
	Max   float64 `json:"max"`
	Count int     `json:"count"`
	Sum   float64 `json:"sum"`
}

// span accumulates a spanJSON.
type span struct {
	n             int
	sum, min, max float64
}

func (s *span) add(v float64) {
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n++
	s.sum += v
}

func (s *span) json() spanJSON {
	return spanJSON{Min: round3(s.min), Avg: round3(s.sum / float64(s.n)), Max: round3(s.max), Count: s.n, Sum: round3(s.sum)}
}

func round3(x float64) float64 { return math.Round(x*1e3) / 1e3 }

// statsQuery is a parsed GetACDQueueStatistics request.
type statsQuery struct {
	from, to    time.Time
	allQueues   bool
	queueIDs    []int64
	full        bool            // abbreviation=false
	items       map[string]bool // by abbreviation
	aggregation string
}

// parseStatsQuery checks the parameters in the order the errors are
// listed in the notes: dates (134, 111, 123, 569), then the report (229)
// and the rest (101); queue ids are checked against the account later
// (218).
func parseStatsQuery(p *paramReader, now time.Time) (statsQuery, *apiError) {
	q, err := parseStatsRange(p, now)
	if err != nil {
		return q, err
	}
	return parseStatsItems(p, q)
}

// parseStatsRange checks from_date and to_date (134, 111, 123, 569), as
// every statistics method does.
func parseStatsRange(p *paramReader, now time.Time) (statsQuery, *apiError) {
	q := statsQuery{to: now.UTC().Truncate(time.Second)}
	raw := p.str("from_date")
	if raw == "" {
		return q, errorf(CodeRequiredParamEmpty, "The required parameter 'from_date' is empty")
	}
	var err *apiError
	if q.from, err = parseAPIDate("from_date", raw); err != nil {
		return q, err
	}
	if raw := p.str("to_date"); raw != "" {
		if q.to, err = parseAPIDate("to_date", raw); err != nil {
			return q, err
		}
	}
	switch {
	case q.from.After(q.to):
		return q, errorf(CodeInvalidDateRange, "Invalid date range: 'from_date' %s is after 'to_date' %s", formatTime(q.from), formatTime(q.to))
	case q.to.Sub(q.from) > maxStatsRange:
		return q, errorf(CodeDateRangeLimit, "Invalid date range: the range must be within 30 days")
	}
	return q, nil
}

// parseStatsItems checks the rest of GetACDQueueStatistics' parameters.
func parseStatsItems(p *paramReader, q statsQuery) (statsQuery, *apiError) {
	q.items = map[string]bool{}
	report := p.list("report")
	if len(report) == 0 || len(report) == 1 && strings.EqualFold(report[0], "all") {
		for _, it := range statsItems {
			q.items[it.abbr] = true
		}
	} else {
		for _, r := range report {
			i := slices.IndexFunc(statsItems, func(it struct{ abbr, full string }) bool { return strings.EqualFold(it.abbr, r) })
			if i < 0 {
				return q, errorf(CodeInvalidReport, "Invalid report %q: use 'all' or a ';'-list of TC, AC, UAC, RC, SL, WT, SA, AT, HT, TT, ACW, QL, TWT, TST, TAT, THT, TTT, TACW", r)
			}
			q.items[statsItems[i].abbr] = true
		}
	}

	abbr, _ := p.bool("abbreviation", true)
	q.full = !abbr
	q.aggregation = strings.ToLower(cmp.Or(p.str("aggregation"), aggNone))
	if !slices.Contains([]string{aggNone, aggDay, aggHour, aggHourOfDay}, q.aggregation) {
		p.fail(errorf(CodeInvalidArgument, "Invalid argument 'aggregation': %q is not one of none, day, hour, hour_of_day", q.aggregation))
	}
	ids := p.list("acd_queue_id")
	q.allQueues = len(ids) == 0 || len(ids) == 1 && strings.EqualFold(ids[0], "all")
	if !q.allQueues {
		for _, item := range ids {
			id, perr := strconv.ParseInt(item, 10, 64)
			if perr != nil {
				p.fail(errorf(CodeInvalidArgument, "Invalid argument 'acd_queue_id': %q is not an integer or 'all'", item))
				break
			}
			if !slices.Contains(q.queueIDs, id) {
				q.queueIDs = append(q.queueIDs, id)
			}
		}
	}
	return q, p.err
}

// parseAPIDate reads the API's YYYY-MM-DD HH:mm:ss (UTC); 111 otherwise.
func parseAPIDate(name, raw string) (time.Time, *apiError) {
	t, err := time.ParseInLocation(timeLayout, raw, time.UTC)
	if err != nil {
		return time.Time{}, errorf(CodeInvalidDateFormat, "Invalid date format of '%s': %q, want YYYY-MM-DD HH:mm:ss (UTC)", name, raw)
	}
	return t, nil
}

// getACDQueueStatistics implements GetACDQueueStatistics from the call
// history (Account.History, which Evolve keeps for the last 24 hours).
//
// Choices the notes leave open, made here:
//   - acd_queue_id absent means all queues; an id the account does not
//     have is 218; several queues are aggregated into one record (the
//     answer carries no queue id), with the union of their SL thresholds.
//   - abbreviation defaults to true, report to all, aggregation to none.
//   - A call belongs to the interval its caller arrived in, from_date and
//     to_date both included. Only calls that have left the waiting line
//     count: a call still waiting is in no item, an answered one counts
//     as answered (and in WT, SA) from the moment it is answered, in TT
//     once its talk has ended and in ACW and HT once its after-call work
//     has (HT = TT + ACW per call, over those calls).
//   - TC = AC + UAC + RC. Percentages are of TC, 0-100. SL divides the
//     calls answered within the threshold by the calls offered (answered
//     plus abandoned: a rejected call never waited); a threshold within
//     which no call was answered has no entry (its service level, 0, is
//     outside the documented (0,1]), and SL is absent when no threshold
//     has one, as when no call was offered.
//   - WT is the wait of answered and abandoned calls; SA ring to answer
//     (calls whose ring time is known); AT the wait of abandoned calls; QL
//     the callers waiting when each call arrived (itself included unless
//     rejected). An item without data is absent.
//   - With aggregation, intervals without calls have no record; with none,
//     a window without calls answers an empty list.
func (s *Server) getACDQueueStatistics(p *paramReader) (any, *apiError) {
	q, err := parseStatsQuery(p, s.now())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	known := s.acct.knownQueues()
	selected := map[int64]bool{}
	var thresholds []int
	for _, kq := range known {
		if q.allQueues || slices.Contains(q.queueIDs, kq.ID) {
			selected[kq.ID] = true
			thresholds = append(thresholds, kq.slThresholds()...)
		}
	}
	for _, id := range q.queueIDs {
		if !selected[id] {
			return nil, errorf(CodeInvalidQueueID, "Invalid ACD queue id %d", id)
		}
	}
	slices.Sort(thresholds)
	thresholds = slices.Compact(thresholds)

	type bucket struct {
		date string
		hour int // 1-24, 0 when not aggregated by hour
	}
	groups := map[bucket][]*CallRecord{}
	var order []bucket
	for i := range s.acct.History {
		r := &s.acct.History[i]
		if !selected[r.QueueID] || r.Arrived.Before(q.from) || r.Arrived.After(q.to) {
			continue
		}
		at := r.Arrived.UTC()
		var b bucket
		switch q.aggregation {
		case aggDay:
			b.date = at.Format(time.DateOnly)
		case aggHour:
			b.date, b.hour = at.Format(time.DateOnly), at.Hour()+1
		case aggHourOfDay:
			b.hour = at.Hour() + 1
		}
		if _, ok := groups[b]; !ok {
			order = append(order, b)
		}
		groups[b] = append(groups[b], r)
	}
	slices.SortFunc(order, func(a, b bucket) int { return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.hour, b.hour)) })
	out := make([]map[string]any, 0, len(order))
	for _, b := range order {
		rec := statsRecord(groups[b], thresholds, q)
		switch q.aggregation {
		case aggDay:
			rec["date"] = b.date
		case aggHour:
			rec["date"], rec["hour"] = b.date, b.hour
		case aggHourOfDay:
			rec["hour"] = b.hour
		}
		out = append(out, rec)
	}
	return map[string]any{"result": out}, nil
}

// statsRecord computes one record from the calls of an interval.
func statsRecord(calls []*CallRecord, thresholds []int, q statsQuery) map[string]any {
	var answered, abandoned, rejected int
	var wt, sa, at, ht, tt, acw, ql span
	within := make([]int, len(thresholds))
	for _, r := range calls {
		switch {
		case r.Rejected:
			rejected++
		case !r.Answered.IsZero():
			answered++
			w := r.Wait()
			wt.add(w.Seconds())
			for i, t := range thresholds {
				if w <= time.Duration(t)*time.Second {
					within[i]++
				}
			}
			if !r.Rang.IsZero() {
				sa.add(max(r.Answered.Sub(r.Rang), 0).Seconds())
			}
			if r.TalkDone {
				tt.add(r.Talk.Seconds())
				if r.ACWDone {
					acw.add(r.ACW.Seconds())
					ht.add((r.Talk + r.ACW).Seconds())
				}
			}
		case !r.Abandoned.IsZero():
			abandoned++
			wt.add(r.Wait().Seconds())
			at.add(r.Wait().Seconds())
		default:
			continue // neither: not a finished call
		}
		if r.QueueLength > 0 {
			ql.add(float64(r.QueueLength))
		}
	}
	total := answered + abandoned + rejected
	rec := map[string]any{}
	put := func(abbr string, v any) {
		if !q.items[abbr] {
			return
		}
		key := abbr
		if q.full {
			i := slices.IndexFunc(statsItems, func(it struct{ abbr, full string }) bool { return it.abbr == abbr })
			key = statsItems[i].full
		}
		rec[key] = v
	}
	pct := func(n int) []countJSON {
		return []countJSON{{Count: n, Percent: math.Round(float64(n)/float64(total)*1e4) / 100}}
	}
	put("TC", total)
	put("AC", pct(answered))
	put("UAC", pct(abandoned))
	put("RC", pct(rejected))
	if offered := answered + abandoned; offered > 0 {
		var sl []slJSON
		for i, t := range thresholds {
			if within[i] > 0 {
				sl = append(sl, slJSON{AcceptableWaitingTime: t, CallCount: within[i],
					ServiceLevel: float64(within[i]) / float64(offered)})
			}
		}
		if len(sl) > 0 {
			put("SL", sl)
		}
	}
	for _, it := range []struct {
		abbr, total string
		s           *span
	}{{"WT", "TWT", &wt}, {"SA", "TST", &sa}, {"AT", "TAT", &at}, {"HT", "THT", &ht}, {"TT", "TTT", &tt}, {"ACW", "TACW", &acw}, {"QL", "", &ql}} {
		if it.s.n == 0 {
			continue
		}
		put(it.abbr, it.s.json())
		if it.total != "" {
			put(it.total, round3(it.s.sum))
		}
	}
	return rec
}
