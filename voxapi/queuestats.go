package voxapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strconv"
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
// 0-100 or a fraction: it is kept as sent.
type CallShare struct {
	Count   float64 `json:"count"`
	Percent float64 `json:"percent"`
}

// ServiceLevelStat is one element of the SL list: of the calls counted,
// the fraction (0-1] answered within AcceptableWaitingTime seconds.
type ServiceLevelStat struct {
	AcceptableWaitingTime float64 `json:"acceptable_waiting_time"` // seconds
	CallCount             float64 `json:"call_count"`
	ServiceLevel          float64 `json:"service_level"` // fraction
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
}

// Day is Date as a UTC midnight, and false when the record has no date or
// it is malformed.
func (r *QueueStatsRecord) Day() (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, r.Date, time.UTC)
	return d, err == nil
}

// queueStatsFullNames is QueueStatsRecord under the full key names the API
// uses with abbreviation=false (field for field, so that one converts to the
// other). Date and hour are left to QueueStatsRecord.
type queueStatsFullNames struct {
	Date string   `json:"-"`
	Hour *float64 `json:"-"`

	TC  *float64    `json:"TotalCalls"`
	AC  []CallShare `json:"AnsweredCalls"`
	UAC []CallShare `json:"UnansweredCalls"`
	RC  []CallShare `json:"RejectedCalls"`

	SL []ServiceLevelStat `json:"ServiceLevel"`

	WT  *Aggregate `json:"WaitingTime"`
	SA  *Aggregate `json:"SpeedOfAnswer"`
	AT  *Aggregate `json:"AbandonmentTime"`
	HT  *Aggregate `json:"HandlingTime"`
	TT  *Aggregate `json:"TalkTime"`
	ACW *Aggregate `json:"AfterCallWork"`
	QL  *Aggregate `json:"QueueLength"`

	TWT  *float64 `json:"TotalWaitingTime"`
	TST  *float64 `json:"TotalSubmissionTime"`
	TAT  *float64 `json:"TotalAbandonmentTime"`
	THT  *float64 `json:"TotalHandlingTime"`
	TTT  *float64 `json:"TotalTalkTime"`
	TACW *float64 `json:"TotalAfterCallWork"`
}

// queueStatsRecordWire reads a record under either set of key names: the
// JSON names do not collide, so both embedded structs fill in one pass.
type queueStatsRecordWire struct {
	QueueStatsRecord
	queueStatsFullNames
}

// record is the abbreviated items, or the full-name ones when the answer
// had only those.
func (w *queueStatsRecordWire) record() QueueStatsRecord {
	abbr := w.QueueStatsRecord
	abbr.Date, abbr.Hour = "", nil
	if !reflect.ValueOf(abbr).IsZero() {
		return w.QueueStatsRecord
	}
	full := QueueStatsRecord(w.queueStatsFullNames)
	full.Date, full.Hour = w.QueueStatsRecord.Date, w.QueueStatsRecord.Hour
	return full
}

// DecodeGetACDQueueStatistics reads one GetACDQueueStatistics answer. An
// error envelope becomes an *APIError; an answer without result is an
// error; an empty result is an empty, non-nil list.
func DecodeGetACDQueueStatistics(r io.Reader) ([]QueueStatsRecord, error) {
	wire, err := decodeResult[[]queueStatsRecordWire](r)
	if err != nil {
		return nil, err
	}
	out := make([]QueueStatsRecord, len(wire))
	for i := range wire {
		out[i] = wire[i].record()
	}
	return out, nil
}

// GetACDQueueStatistics reads historical statistics of ACD queues. It needs
// the Owner, Admin, Developer, Supervisor or User manager role.
func (c *Client) GetACDQueueStatistics(ctx context.Context, p QueueStatsParams) ([]QueueStatsRecord, error) {
	return callParams(ctx, c, "GetACDQueueStatistics", &p, DecodeGetACDQueueStatistics)
}
