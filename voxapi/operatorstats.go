package voxapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"time"
)

// Groupings of the operator statistics methods: which level of the answer
// is per operator.
const (
	GroupUser        = "user"        // first level per operator, second per interval
	GroupAggregation = "aggregation" // first level per interval, second per operator
)

// OperatorStatsRange is what both operator statistics methods take: the
// range, the operators, the aggregation and the grouping.
type OperatorStatsRange struct {
	// FromDate is required; ToDate defaults to now on the server when zero.
	FromDate, ToDate time.Time
	// UserIDs are the operators to report on; none means all.
	UserIDs []int64
	// Aggregation is one of the Aggregation constants; "" means none.
	Aggregation string
	// Group is GroupUser or GroupAggregation; "" means user.
	Group string
}

// values encodes the range for method, or says which part is wrong.
func (r *OperatorStatsRange) values(method string) (url.Values, error) {
	if r.FromDate.IsZero() {
		return nil, fmt.Errorf("voxapi: %s needs a from date", method)
	}
	v := url.Values{
		"user_id":     {idList(r.UserIDs)},
		"aggregation": {cmp.Or(r.Aggregation, AggregationNone)},
		"group":       {cmp.Or(r.Group, GroupUser)},
	}
	if err := setRange(v, method, r.FromDate, r.ToDate); err != nil {
		return nil, err
	}
	switch v.Get("aggregation") {
	case AggregationNone, AggregationDay, AggregationHourOfDay, AggregationHour:
	default:
		return nil, fmt.Errorf("voxapi: %s aggregation %q is not one of none, day, hour_of_day, hour", method, r.Aggregation)
	}
	switch v.Get("group") {
	case GroupUser, GroupAggregation:
	default:
		return nil, fmt.Errorf("voxapi: %s group %q is not user or aggregation", method, r.Group)
	}
	return v, nil
}

// OperatorStatusParams are the parameters of
// GetACDOperatorStatusStatistics.
type OperatorStatusParams struct {
	OperatorStatsRange
	// Statuses limits the answer to these ACD statuses; none means all.
	Statuses []string
}

// Values encodes the parameters for the request body.
func (p *OperatorStatusParams) Values() (url.Values, error) {
	v, err := p.values("GetACDOperatorStatusStatistics")
	if err != nil {
		return nil, err
	}
	if len(p.Statuses) > 0 {
		s, err := nameList("GetACDOperatorStatusStatistics", "acd_status", p.Statuses)
		if err != nil {
			return nil, err
		}
		v.Set("acd_status", s)
	}
	return v, nil
}

// OperatorStatsParams are the parameters of GetACDOperatorStatistics.
type OperatorStatsParams struct {
	OperatorStatsRange
	// QueueIDs limits the calls to these queues; none means all.
	QueueIDs []int64
	// Report lists the items wanted by abbreviation; none means all.
	Report []string
}

// Values encodes the parameters for the request body. Abbreviated keys
// are asked for (smaller answers); the decoder reads either form.
func (p *OperatorStatsParams) Values() (url.Values, error) {
	v, err := p.values("GetACDOperatorStatistics")
	if err != nil {
		return nil, err
	}
	v.Set("acd_queue_id", idList(p.QueueIDs))
	v.Set("abbreviation", "true")
	v.Set("report", "all")
	if len(p.Report) > 0 {
		r, err := nameList("GetACDOperatorStatistics", "report item", p.Report)
		if err != nil {
			return nil, err
		}
		v.Set("report", r)
	}
	return v, nil
}

// OperatorGroup is the first level of either method's answer: one
// operator (GroupUser) or one interval (GroupAggregation), with the
// records of the second level.
type OperatorGroup[R any] struct {
	UserID  int64    // 0 when the level is per interval
	Date    string   // YYYY-MM-DD when the level is per interval and aggregated by day or hour
	Hour    *float64 // 1-24 when aggregated by hour
	Records []R
}

// OperatorStatusRecord is one record of GetACDOperatorStatusStatistics:
// one operator's time in each ACD status over one interval, by status
// name. A status with no time in the interval is absent.
type OperatorStatusRecord struct {
	UserID   int64
	Date     string
	Hour     *float64
	Statuses map[string]Aggregate // seconds per stay: min, avg, max, sum; count = stays
}

// OperatorStatsRecord is one record of GetACDOperatorStatistics: one
// operator's calls over one interval. An item the API leaves out means no
// data and stays nil.
type OperatorStatsRecord struct {
	UserID int64
	Date   string
	Hour   *float64

	AC  *float64 // answered calls
	UAC *float64 // unanswered calls: offered to the operator and not answered

	SA  *Aggregate // speed of answer: ring to answer, s
	TT  *Aggregate // talk time, s
	ACW *Aggregate // after-call work, s
	HT  *Aggregate // handling time (TT + ACW), s

	TDT  *float64 // total dialing (ring-to-answer) time, s
	THT  *float64 // total handling time, s
	TTT  *float64 // total talk time, s
	TACW *float64 // total after-call work, s
}

// operatorGroupWire is a first-level group as it arrives.
type operatorGroupWire[W any] struct {
	UserID     FlexID  `json:"user_id"`
	Date       string  `json:"date"`
	Hour       *Number `json:"hour"`
	Statistics []W     `json:"statistics"`
}

// statusRecordWire is a status record as it arrives: acd_status is one
// object keyed by status (the reference's example) or a list of such
// objects (its types); both are read.
type statusRecordWire struct {
	UserID    FlexID          `json:"user_id"`
	Date      string          `json:"date"`
	Hour      *Number         `json:"hour"`
	ACDStatus json.RawMessage `json:"acd_status"`
}

func (w *statusRecordWire) record() (OperatorStatusRecord, error) {
	r := OperatorStatusRecord{UserID: int64(w.UserID), Date: w.Date, Hour: hourOf(w.Hour), Statuses: map[string]Aggregate{}}
	raw := bytes.TrimSpace(w.ACDStatus)
	var objs []map[string]flexAggregate
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
	case raw[0] == '[':
		if err := json.Unmarshal(raw, &objs); err != nil {
			return r, fmt.Errorf("acd_status: %w", err)
		}
	default:
		var one map[string]flexAggregate
		if err := json.Unmarshal(raw, &one); err != nil {
			return r, fmt.Errorf("acd_status: %w", err)
		}
		objs = append(objs, one)
	}
	for _, o := range objs {
		for status, a := range o {
			// A status listed twice (in two objects of the list) is
			// merged: sums and counts add, the extremes widen.
			agg := *a.aggregate()
			if prev, ok := r.Statuses[status]; ok {
				agg = mergeAggregates(prev, agg)
			}
			r.Statuses[status] = agg
		}
	}
	return r, nil
}

// mergeAggregates combines two summaries of disjoint samples.
func mergeAggregates(a, b Aggregate) Aggregate {
	m := Aggregate{Min: min(a.Min, b.Min), Max: max(a.Max, b.Max), Count: a.Count + b.Count, Sum: a.Sum + b.Sum}
	if m.Count > 0 {
		m.Avg = m.Sum / m.Count
	}
	return m
}

// statsRecordWire is an operator statistics record under either set of
// key names (the abbreviated ones and the full ones abbreviation=false
// gives); they do not collide.
type statsRecordWire struct {
	UserID FlexID  `json:"user_id"`
	Date   string  `json:"date"`
	Hour   *Number `json:"hour"`

	AC   *Count         `json:"AC"`
	UAC  *Count         `json:"UAC"`
	SA   *flexAggregate `json:"SA"`
	TT   *flexAggregate `json:"TT"`
	ACW  *flexAggregate `json:"ACW"`
	HT   *flexAggregate `json:"HT"`
	TDT  *Number        `json:"TDT"`
	THT  *Number        `json:"THT"`
	TTT  *Number        `json:"TTT"`
	TACW *Number        `json:"TACW"`

	FullAC   *Count         `json:"AnsweredCalls"`
	FullUAC  *Count         `json:"UnansweredCalls"`
	FullSA   *flexAggregate `json:"SpeedOfAnswer"`
	FullTT   *flexAggregate `json:"TalkTime"`
	FullACW  *flexAggregate `json:"AfterCallWork"`
	FullHT   *flexAggregate `json:"HandlingTime"`
	FullTDT  *Number        `json:"TotalDialingTime"`
	FullTHT  *Number        `json:"TotalHandlingTime"`
	FullTTT  *Number        `json:"TotalTalkTime"`
	FullTACW *Number        `json:"TotalAfterCallWork"`
}

func (w *statsRecordWire) record() OperatorStatsRecord {
	return OperatorStatsRecord{
		UserID: int64(w.UserID), Date: w.Date, Hour: hourOf(w.Hour),
		AC: countOf(w.AC, w.FullAC), UAC: countOf(w.UAC, w.FullUAC),
		SA: aggOf(w.SA, w.FullSA), TT: aggOf(w.TT, w.FullTT), ACW: aggOf(w.ACW, w.FullACW), HT: aggOf(w.HT, w.FullHT),
		TDT: numOf(w.TDT, w.FullTDT), THT: numOf(w.THT, w.FullTHT), TTT: numOf(w.TTT, w.FullTTT), TACW: numOf(w.TACW, w.FullTACW),
	}
}

func hourOf(n *Number) *float64 {
	if n == nil {
		return nil
	}
	h := float64(*n)
	return &h
}

func countOf(abbr, full *Count) *float64 {
	c := cmp.Or(abbr, full)
	if c == nil {
		return nil
	}
	v := float64(*c)
	return &v
}

func numOf(abbr, full *Number) *float64 {
	if n := cmp.Or(abbr, full); n != nil {
		v := float64(*n)
		return &v
	}
	return nil
}

func aggOf(abbr, full *flexAggregate) *Aggregate { return cmp.Or(abbr, full).aggregate() }

// groups converts the first level, each record with convert; a record
// that does not name its operator takes its group's.
func groups[W, R any](wire []operatorGroupWire[W], convert func(*W) (R, error), fill func(*R, int64, string, *float64)) ([]OperatorGroup[R], error) {
	out := make([]OperatorGroup[R], len(wire))
	for i := range wire {
		g := &wire[i]
		out[i] = OperatorGroup[R]{UserID: int64(g.UserID), Date: g.Date, Hour: hourOf(g.Hour), Records: make([]R, len(g.Statistics))}
		for j := range g.Statistics {
			r, err := convert(&g.Statistics[j])
			if err != nil {
				return nil, fmt.Errorf("group %d, record %d: %w", i, j, err)
			}
			fill(&r, out[i].UserID, out[i].Date, out[i].Hour)
			out[i].Records[j] = r
		}
	}
	return out, nil
}

// DecodeGetACDOperatorStatusStatistics reads one
// GetACDOperatorStatusStatistics answer. An error envelope becomes an
// *APIError; an answer without result is an error.
func DecodeGetACDOperatorStatusStatistics(r io.Reader) ([]OperatorGroup[OperatorStatusRecord], error) {
	wire, err := decodeResult[[]operatorGroupWire[statusRecordWire]](r)
	if err != nil {
		return nil, err
	}
	return groups(wire, (*statusRecordWire).record, func(r *OperatorStatusRecord, user int64, date string, hour *float64) {
		r.UserID = cmp.Or(r.UserID, user)
		r.Date = cmp.Or(r.Date, date)
		r.Hour = cmp.Or(r.Hour, hour)
	})
}

// DecodeGetACDOperatorStatistics reads one GetACDOperatorStatistics
// answer. An error envelope becomes an *APIError; an answer without
// result is an error.
func DecodeGetACDOperatorStatistics(r io.Reader) ([]OperatorGroup[OperatorStatsRecord], error) {
	wire, err := decodeResult[[]operatorGroupWire[statsRecordWire]](r)
	if err != nil {
		return nil, err
	}
	return groups(wire, func(w *statsRecordWire) (OperatorStatsRecord, error) { return w.record(), nil },
		func(r *OperatorStatsRecord, user int64, date string, hour *float64) {
			r.UserID = cmp.Or(r.UserID, user)
			r.Date = cmp.Or(r.Date, date)
			r.Hour = cmp.Or(r.Hour, hour)
		})
}

// GetACDOperatorStatusStatistics reads how long operators spent in each
// ACD status. It needs the Owner, Admin, Developer, Supervisor or User
// manager role.
func (c *Client) GetACDOperatorStatusStatistics(ctx context.Context, p OperatorStatusParams) ([]OperatorGroup[OperatorStatusRecord], error) {
	return callParams(ctx, c, "GetACDOperatorStatusStatistics", &p, DecodeGetACDOperatorStatusStatistics)
}

// GetACDOperatorStatistics reads operators' call handling: answered and
// unanswered calls, speed of answer, talk, after-call work and handling
// time. It needs the Owner, Admin, Developer, Supervisor or User manager
// role.
func (c *Client) GetACDOperatorStatistics(ctx context.Context, p OperatorStatsParams) ([]OperatorGroup[OperatorStatsRecord], error) {
	return callParams(ctx, c, "GetACDOperatorStatistics", &p, DecodeGetACDOperatorStatistics)
}
