package voxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Error codes of the statistics and SmartQueue methods (API-NOTES.md). None
// is retryable: each names a request the exporter built wrongly or a
// configuration to fix.
const (
	CodeInvalidDateFormat   = 111 // from_date / to_date not YYYY-MM-DD HH:mm:ss
	CodeInvalidDateRange    = 123 // to_date before from_date
	CodeInvalidQueueID      = 218 // acd_queue_id names no queue of the account
	CodeInvalidReport       = 229 // an unknown report item of GetACDQueueStatistics
	CodeUnknownReportType   = 459 // an unknown SmartQueue report_type
	CodeInvalidGrouping     = 525 // SmartQueue group_by not allowed here
	CodeInvalidGroupingPair = 526 // SmartQueue group_by that does not fit the reports or filters
	CodeDateRangeLimit      = 569 // range over the method's limit ("must be within N days")
)

// statsHint says what to do about the codes above: each is a request the
// exporter built wrongly or a configured id the account does not have.
func statsHint(code int) string {
	switch code {
	case CodeInvalidDateFormat, CodeInvalidDateRange:
		return "the statistics date range was refused: this is a bug in the exporter, please report it"
	case CodeDateRangeLimit:
		return "the statistics range is over the API's limit (its message gives the days allowed): ask for a shorter window"
	case CodeInvalidQueueID:
		return "an ACD queue id is not one of the account's queues: check the configured queue ids"
	case CodeInvalidReport, CodeUnknownReportType:
		return "a statistics report name was refused: check the configured report types"
	case CodeInvalidGrouping, CodeInvalidGroupingPair:
		return "the SmartQueue metrics grouping does not fit the report types or queues asked for"
	}
	return ""
}

// Aggregation values of GetACDQueueStatistics: how records are grouped by
// date and time.
const (
	AggregationNone      = "none"        // one record for the whole range
	AggregationDay       = "day"         // one record per day, with date
	AggregationHourOfDay = "hour_of_day" // one record per hour of the day, with hour
	AggregationHour      = "hour"        // one record per day and hour, with date and hour
)

// QueueStatsParams are the parameters of GetACDQueueStatistics.
type QueueStatsParams struct {
	// FromDate is required; ToDate defaults to now on the server when zero.
	// Both are sent in UTC as YYYY-MM-DD HH:mm:ss, whatever their location.
	FromDate, ToDate time.Time
	// QueueIDs are the queues to report on; none means all. A record does
	// not say which queue it is about, so a caller that needs per-queue
	// figures asks for one queue per request.
	QueueIDs []int64
	// Abbreviation asks for abbreviated keys (TC, WT, ...): smaller answers.
	// Nil sends true. The decoder reads either form.
	Abbreviation *bool
	// Report lists the items wanted, by abbreviation (TC, SL, WT, ...);
	// none means all.
	Report []string
	// Aggregation is one of the Aggregation constants; "" means none.
	Aggregation string
}

// Values encodes the parameters for the request body, or says which one is
// wrong.
func (p *QueueStatsParams) Values() (url.Values, error) {
	if p.FromDate.IsZero() {
		return nil, errors.New("voxapi: GetACDQueueStatistics needs a from date")
	}
	v := url.Values{
		"acd_queue_id": {idList(p.QueueIDs)},
		"abbreviation": {"true"},
		"report":       {"all"},
		"aggregation":  {AggregationNone},
	}
	if err := setRange(v, "GetACDQueueStatistics", p.FromDate, p.ToDate); err != nil {
		return nil, err
	}
	if p.Abbreviation != nil {
		v.Set("abbreviation", strconv.FormatBool(*p.Abbreviation))
	}
	if len(p.Report) > 0 {
		report, err := nameList("GetACDQueueStatistics", "report item", p.Report)
		if err != nil {
			return nil, err
		}
		v.Set("report", report)
	}
	switch p.Aggregation {
	case "":
	case AggregationNone, AggregationDay, AggregationHourOfDay, AggregationHour:
		v.Set("aggregation", p.Aggregation)
	default:
		return nil, fmt.Errorf("voxapi: GetACDQueueStatistics aggregation %q is not one of none, day, hour_of_day, hour", p.Aggregation)
	}
	return v, nil
}

// CallShare is one element of the AC, UAC and RC lists: a number of calls
// and their share of all calls. The notes do not say whether percent is
// 0-100 or a fraction: it is kept as sent. The API may also send such an
// item as a plain count (GetACDOperatorStatistics' example does): it then
// reads as one share with CountOnly set and no percent.
type CallShare struct {
	Count     float64 `json:"count"`
	Percent   float64 `json:"percent"`
	CountOnly bool    `json:"-"` // the API sent the count alone: Percent is unknown
}

// UnmarshalJSON takes the numbers as numbers or numeric strings.
func (c *CallShare) UnmarshalJSON(data []byte) error {
	var w struct {
		Count   flexFloat `json:"count"`
		Percent flexFloat `json:"percent"`
	}
	if err := unmarshalStrict(data, &w); err != nil {
		return err
	}
	*c = CallShare{Count: float64(w.Count), Percent: float64(w.Percent)}
	return nil
}

// ServiceLevelStat is one element of the SL list: of the calls counted,
// the fraction (0-1] answered within AcceptableWaitingTime seconds.
type ServiceLevelStat struct {
	AcceptableWaitingTime float64 `json:"acceptable_waiting_time"` // seconds
	CallCount             float64 `json:"call_count"`
	ServiceLevel          float64 `json:"service_level"` // fraction
}

// UnmarshalJSON takes the numbers as numbers or numeric strings.
func (s *ServiceLevelStat) UnmarshalJSON(data []byte) error {
	var w struct {
		AcceptableWaitingTime flexFloat `json:"acceptable_waiting_time"`
		CallCount             flexFloat `json:"call_count"`
		ServiceLevel          flexFloat `json:"service_level"`
	}
	if err := unmarshalStrict(data, &w); err != nil {
		return err
	}
	*s = ServiceLevelStat{float64(w.AcceptableWaitingTime), float64(w.CallCount), float64(w.ServiceLevel)}
	return nil
}

// Aggregate is a statistics item summarised over its interval, in seconds
// (QL: in calls). A part the API leaves out reads as 0.
type Aggregate struct {
	Min   float64 `json:"min"`
	Avg   float64 `json:"avg"`
	Max   float64 `json:"max"`
	Count float64 `json:"count"`
	Sum   float64 `json:"sum"`
}

// UnmarshalJSON takes the numbers as numbers or numeric strings.
func (a *Aggregate) UnmarshalJSON(data []byte) error {
	var w struct {
		Min   flexFloat `json:"min"`
		Avg   flexFloat `json:"avg"`
		Max   flexFloat `json:"max"`
		Count flexFloat `json:"count"`
		Sum   flexFloat `json:"sum"`
	}
	if err := unmarshalStrict(data, &w); err != nil {
		return err
	}
	*a = Aggregate{float64(w.Min), float64(w.Avg), float64(w.Max), float64(w.Count), float64(w.Sum)}
	return nil
}

// QueueStatsRecord is one record of GetACDQueueStatistics: one aggregation
// interval. Every number is a float64, since the API sends fractions where
// the official Go client expects ints (and fails). An item the API leaves
// out means "no data", not zero, and stays nil.
type QueueStatsRecord struct {
	// Date (YYYY-MM-DD) and Hour (1-24) appear when aggregating by day or
	// hour; "" and nil otherwise.
	Date string   `json:"date,omitempty"`
	Hour *float64 `json:"hour,omitempty"`

	TC  *float64    `json:"TC,omitempty"`  // total calls
	AC  []CallShare `json:"AC,omitempty"`  // answered calls
	UAC []CallShare `json:"UAC,omitempty"` // unanswered (abandoned) calls
	RC  []CallShare `json:"RC,omitempty"`  // rejected calls: operators offline or banned, queue full, predicted wait too long

	SL []ServiceLevelStat `json:"SL,omitempty"` // service level per threshold

	WT  *Aggregate `json:"WT,omitempty"`  // waiting time: call to answer or hang-up
	SA  *Aggregate `json:"SA,omitempty"`  // speed of answer: ring to answer
	AT  *Aggregate `json:"AT,omitempty"`  // abandonment time
	HT  *Aggregate `json:"HT,omitempty"`  // handling time (TT + ACW)
	TT  *Aggregate `json:"TT,omitempty"`  // talk time
	ACW *Aggregate `json:"ACW,omitempty"` // after-call work
	QL  *Aggregate `json:"QL,omitempty"`  // queue length

	TWT  *float64 `json:"TWT,omitempty"`  // total waiting time, s
	TST  *float64 `json:"TST,omitempty"`  // total submission time, s
	TAT  *float64 `json:"TAT,omitempty"`  // total abandonment time, s
	THT  *float64 `json:"THT,omitempty"`  // total handling time, s
	TTT  *float64 `json:"TTT,omitempty"`  // total talk time, s
	TACW *float64 `json:"TACW,omitempty"` // total after-call work, s

	// BadShapes are the items that came in a shape nobody documented; each
	// is left nil above, and is named here by its abbreviation.
	BadShapes []BadShape `json:"-"`
}

// Day is Date as a UTC midnight, and false when the record has no date or
// it is malformed.
func (r *QueueStatsRecord) Day() (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, r.Date, time.UTC)
	return d, err == nil
}

// queueStatsItem is one item of a record under its abbreviated and full
// key (the API uses the full one with abbreviation=false), with how to read
// it into the record.
type queueStatsItem struct {
	abbr, full string
	read       func(r *QueueStatsRecord, raw []byte) error
}

// Item readers by shape: a count (a number, a numeric string or a list of
// {count, percent}), a number of seconds, a list of shares, an aggregate,
// the service-level list.
func countItem(field func(*QueueStatsRecord) **float64) func(*QueueStatsRecord, []byte) error {
	return numberItem(decodeCount, field)
}

func secondsItem(field func(*QueueStatsRecord) **float64) func(*QueueStatsRecord, []byte) error {
	return numberItem(decodeNumber, field)
}

func numberItem(decode func([]byte) (float64, error), field func(*QueueStatsRecord) **float64) func(*QueueStatsRecord, []byte) error {
	return func(r *QueueStatsRecord, raw []byte) error {
		n, err := decode(raw)
		if err == nil {
			*field(r) = &n
		}
		return err
	}
}

func sharesItem(field func(*QueueStatsRecord) *[]CallShare) func(*QueueStatsRecord, []byte) error {
	return func(r *QueueStatsRecord, raw []byte) error {
		s, err := decodeShares(raw)
		if err == nil {
			*field(r) = s
		}
		return err
	}
}

func aggregateItem(field func(*QueueStatsRecord) **Aggregate) func(*QueueStatsRecord, []byte) error {
	return func(r *QueueStatsRecord, raw []byte) error {
		var a Aggregate
		if err := unmarshalStrict(raw, &a); err != nil {
			return err
		}
		*field(r) = &a
		return nil
	}
}

// queueStatsItems is every item of a record the decoder reads.
var queueStatsItems = []queueStatsItem{
	{"TC", "TotalCalls", countItem(func(r *QueueStatsRecord) **float64 { return &r.TC })},
	{"AC", "AnsweredCalls", sharesItem(func(r *QueueStatsRecord) *[]CallShare { return &r.AC })},
	{"UAC", "UnansweredCalls", sharesItem(func(r *QueueStatsRecord) *[]CallShare { return &r.UAC })},
	{"RC", "RejectedCalls", sharesItem(func(r *QueueStatsRecord) *[]CallShare { return &r.RC })},
	{"SL", "ServiceLevel", func(r *QueueStatsRecord, raw []byte) error { return unmarshalStrict(raw, &r.SL) }},
	{"WT", "WaitingTime", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.WT })},
	{"SA", "SpeedOfAnswer", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.SA })},
	{"AT", "AbandonmentTime", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.AT })},
	{"HT", "HandlingTime", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.HT })},
	{"TT", "TalkTime", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.TT })},
	{"ACW", "AfterCallWork", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.ACW })},
	{"QL", "QueueLength", aggregateItem(func(r *QueueStatsRecord) **Aggregate { return &r.QL })},
	{"TWT", "TotalWaitingTime", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.TWT })},
	{"TST", "TotalSubmissionTime", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.TST })},
	{"TAT", "TotalAbandonmentTime", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.TAT })},
	{"THT", "TotalHandlingTime", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.THT })},
	{"TTT", "TotalTalkTime", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.TTT })},
	{"TACW", "TotalAfterCallWork", secondsItem(func(r *QueueStatsRecord) **float64 { return &r.TACW })},
}

// UnmarshalJSON reads a record under either set of key names (matched
// without regard to case, as encoding/json does), the abbreviated one
// winning where both are sent. An item in an undocumented shape is left
// nil and listed in BadShapes; only a record that is not an object at all
// fails.
func (r *QueueStatsRecord) UnmarshalJSON(data []byte) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	byKey := make(map[string][]byte, len(keys))
	for k, v := range keys {
		if t := bytes.TrimSpace(v); string(t) != "null" {
			byKey[strings.ToLower(k)] = t
		}
	}
	*r = QueueStatsRecord{}
	if raw, ok := byKey["date"]; ok {
		if json.Unmarshal(raw, &r.Date) != nil {
			r.BadShapes = append(r.BadShapes, BadShape{"date", shapeOf(raw)})
		}
	}
	if raw, ok := byKey["hour"]; ok {
		if err := secondsItem(func(r *QueueStatsRecord) **float64 { return &r.Hour })(r, raw); err != nil {
			r.BadShapes = append(r.BadShapes, BadShape{"hour", shapeOf(raw)})
		}
	}
	for _, it := range queueStatsItems {
		raw, ok := byKey[strings.ToLower(it.abbr)]
		if !ok {
			raw, ok = byKey[strings.ToLower(it.full)]
		}
		if !ok {
			continue
		}
		if err := it.read(r, raw); err != nil {
			r.BadShapes = append(r.BadShapes, BadShape{it.abbr, shapeOf(raw)})
		}
	}
	return nil
}

// DecodeGetACDQueueStatistics reads one GetACDQueueStatistics answer. An
// error envelope becomes an *APIError; an answer without result is an
// error; an empty result is an empty, non-nil list. An item in an
// undocumented shape does not fail the answer: see QueueStatsRecord's
// BadShapes.
func DecodeGetACDQueueStatistics(r io.Reader) ([]QueueStatsRecord, error) {
	recs, err := decodeResult[[]QueueStatsRecord](r)
	if err != nil {
		return nil, err
	}
	if recs == nil {
		recs = []QueueStatsRecord{}
	}
	return recs, nil
}

// GetACDQueueStatistics reads historical statistics of ACD queues. It needs
// the Owner, Admin, Developer, Supervisor or User manager role.
func (c *Client) GetACDQueueStatistics(ctx context.Context, p QueueStatsParams) ([]QueueStatsRecord, error) {
	return callParams(ctx, c, "GetACDQueueStatistics", &p, DecodeGetACDQueueStatistics)
}
