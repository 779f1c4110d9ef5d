package voxapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// queueStatsBody is an answer for aggregation=hour with abbreviated keys:
// the first record has every item, with fractions where the official Go
// client's ints would fail; the second has only TC and SL.
const queueStatsBody = `{"result":[
 {"date":"2026-11-28","hour":10,
  "TC":12.5,
  "AC":[{"count":10,"percent":80}],
  "UAC":[{"count":2.5,"percent":20}],
  "RC":[{"count":0,"percent":0}],
  "SL":[{"acceptable_waiting_time":20,"call_count":9,"service_level":0.75},
        {"acceptable_waiting_time":30.5,"call_count":10,"service_level":0.8333}],
  "WT":{"min":0.5,"avg":14.25,"max":61,"count":12,"sum":171},
  "SA":{"min":1,"avg":3.5,"max":9,"count":10,"sum":35},
  "AT":{"min":20,"avg":33.3,"max":46.6,"count":2,"sum":66.6},
  "HT":{"min":60,"avg":190.1,"max":400,"count":10,"sum":1901},
  "TT":{"min":50,"avg":160.1,"max":350,"count":10,"sum":1601},
  "ACW":{"min":10,"avg":30,"max":50,"count":10,"sum":300},
  "QL":{"min":0,"avg":1.25,"max":4,"count":60,"sum":75},
  "TWT":171.5,"TST":35.25,"TAT":66.6,"THT":1901,"TTT":1601,"TACW":300},
 {"date":"2026-11-28","hour":11,"TC":3,
  "SL":[{"acceptable_waiting_time":20,"call_count":3,"service_level":1}]}
]}`

func TestDecodeGetACDQueueStatistics(t *testing.T) {
	recs, err := DecodeGetACDQueueStatistics(strings.NewReader(queueStatsBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	r := recs[0]
	if r.Date != "2026-11-28" || r.Hour == nil || *r.Hour != 10 {
		t.Errorf("date %q hour %v", r.Date, r.Hour)
	}
	if d, ok := r.Day(); !ok || !d.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Day() = %v %v", d, ok)
	}
	if r.TC == nil || *r.TC != 12.5 {
		t.Errorf("TC = %v, want 12.5", r.TC)
	}
	if len(r.AC) != 1 || r.AC[0] != (CallShare{Count: 10, Percent: 80}) || len(r.UAC) != 1 || r.UAC[0] != (CallShare{Count: 2.5, Percent: 20}) ||
		len(r.RC) != 1 || r.RC[0] != (CallShare{}) {
		t.Errorf("AC %v UAC %v RC %v", r.AC, r.UAC, r.RC)
	}
	if len(r.SL) != 2 || r.SL[1] != (ServiceLevelStat{AcceptableWaitingTime: 30.5, CallCount: 10, ServiceLevel: 0.8333}) {
		t.Errorf("SL %v", r.SL)
	}
	aggs := map[string]struct {
		got  *Aggregate
		want Aggregate
	}{
		"WT":  {r.WT, Aggregate{0.5, 14.25, 61, 12, 171}},
		"SA":  {r.SA, Aggregate{1, 3.5, 9, 10, 35}},
		"AT":  {r.AT, Aggregate{20, 33.3, 46.6, 2, 66.6}},
		"HT":  {r.HT, Aggregate{60, 190.1, 400, 10, 1901}},
		"TT":  {r.TT, Aggregate{50, 160.1, 350, 10, 1601}},
		"ACW": {r.ACW, Aggregate{10, 30, 50, 10, 300}},
		"QL":  {r.QL, Aggregate{0, 1.25, 4, 60, 75}},
	}
	for name, a := range aggs {
		if a.got == nil || *a.got != a.want {
			t.Errorf("%s = %v, want %v", name, a.got, a.want)
		}
	}
	totals := map[string]struct {
		got  *float64
		want float64
	}{"TWT": {r.TWT, 171.5}, "TST": {r.TST, 35.25}, "TAT": {r.TAT, 66.6}, "THT": {r.THT, 1901}, "TTT": {r.TTT, 1601}, "TACW": {r.TACW, 300}}
	for name, v := range totals {
		if v.got == nil || *v.got != v.want {
			t.Errorf("%s = %v, want %v", name, v.got, v.want)
		}
	}

	sparse := recs[1]
	if sparse.TC == nil || *sparse.TC != 3 || len(sparse.SL) != 1 {
		t.Errorf("sparse record %+v", sparse)
	}
	if sparse.AC != nil || sparse.UAC != nil || sparse.RC != nil || sparse.WT != nil || sparse.SA != nil ||
		sparse.AT != nil || sparse.HT != nil || sparse.TT != nil || sparse.ACW != nil || sparse.QL != nil ||
		sparse.TWT != nil || sparse.TST != nil || sparse.TAT != nil || sparse.THT != nil || sparse.TTT != nil || sparse.TACW != nil {
		t.Errorf("absent items must stay nil (no data, not zero): %+v", sparse)
	}

	// aggregation=none: no date, no hour; an item sent as 0 is a value.
	recs, err = DecodeGetACDQueueStatistics(strings.NewReader(`{"result":[{"TC":0}]}`))
	if err != nil || len(recs) != 1 || recs[0].Date != "" || recs[0].Hour != nil || recs[0].TC == nil || *recs[0].TC != 0 {
		t.Errorf("undated record: %+v %v", recs, err)
	}
	if _, ok := recs[0].Day(); ok {
		t.Error("Day() reported a date the record does not have")
	}
}

func TestDecodeGetACDQueueStatisticsFullNames(t *testing.T) {
	body := `{"result":[{"date":"2026-11-28","TotalCalls":4.5,"AnsweredCalls":[{"count":4,"percent":88.9}],
	  "ServiceLevel":[{"acceptable_waiting_time":20,"call_count":4,"service_level":0.5}],
	  "WaitingTime":{"min":1,"avg":2,"max":3,"count":4,"sum":8},"QueueLength":{"max":2},
	  "TotalAfterCallWork":12.5}]}`
	recs, err := DecodeGetACDQueueStatistics(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r := recs[0]
	if r.Date != "2026-11-28" || r.TC == nil || *r.TC != 4.5 || len(r.AC) != 1 || r.AC[0].Percent != 88.9 ||
		len(r.SL) != 1 || r.SL[0].ServiceLevel != 0.5 || r.WT == nil || r.WT.Sum != 8 ||
		r.QL == nil || r.QL.Max != 2 || r.TACW == nil || *r.TACW != 12.5 {
		t.Errorf("full key names decoded as %+v", r)
	}
	if r.UAC != nil || r.SA != nil || r.TWT != nil {
		t.Errorf("absent items must stay nil: %+v", r)
	}
}

func TestDecodeGetACDQueueStatisticsBad(t *testing.T) {
	recs, err := DecodeGetACDQueueStatistics(strings.NewReader(`{"result":[]}`))
	if err != nil || recs == nil || len(recs) != 0 {
		t.Errorf("empty result: %v %v, want an empty list", recs, err)
	}
	if _, err := DecodeGetACDQueueStatistics(strings.NewReader(`{}`)); err == nil {
		t.Error("an answer without result was accepted")
	}
	for _, body := range []string{`{"result":[7]}`, `{"result":{"TC":1}}`, `{"result":[["TC"]]}`} {
		if _, err := DecodeGetACDQueueStatistics(strings.NewReader(body)); err == nil {
			t.Errorf("%s: accepted; a record that is not an object fails the answer", body)
		}
	}
}

// TestDecodeGetACDQueueStatisticsShapes decodes each documented shape of an
// item (a count as a number, a numeric string or a list of {count,
// percent}; numbers inside lists and aggregates as strings), and checks
// that an item in an undocumented shape is left nil and named in BadShapes
// while the record's other items decode.
func TestDecodeGetACDQueueStatisticsShapes(t *testing.T) {
	for _, tc := range []struct {
		name, record string
		check        func(r QueueStatsRecord) bool
	}{
		{"AC list", `"AC":[{"count":4,"percent":80}]`,
			func(r QueueStatsRecord) bool { return len(r.AC) == 1 && r.AC[0] == CallShare{Count: 4, Percent: 80} }},
		{"AC number", `"AC":4`,
			func(r QueueStatsRecord) bool {
				return len(r.AC) == 1 && r.AC[0] == CallShare{Count: 4, CountOnly: true}
			}},
		{"AC string", `"AC":" 4.5"`,
			func(r QueueStatsRecord) bool {
				return len(r.AC) == 1 && r.AC[0] == CallShare{Count: 4.5, CountOnly: true}
			}},
		{"AC list of strings", `"AnsweredCalls":[{"count":"4","percent":"80.5"}]`,
			func(r QueueStatsRecord) bool { return len(r.AC) == 1 && r.AC[0] == CallShare{Count: 4, Percent: 80.5} }},
		{"TC number", `"TC":12`, func(r QueueStatsRecord) bool { return r.TC != nil && *r.TC == 12 }},
		{"TC string", `"TC":"12"`, func(r QueueStatsRecord) bool { return r.TC != nil && *r.TC == 12 }},
		{"TC list", `"TotalCalls":[{"count":10,"percent":80},{"count":2.5,"percent":20}]`,
			func(r QueueStatsRecord) bool { return r.TC != nil && *r.TC == 12.5 }},
		{"SL strings", `"SL":[{"acceptable_waiting_time":"20","call_count":"9","service_level":"0.75"}]`,
			func(r QueueStatsRecord) bool {
				return len(r.SL) == 1 && r.SL[0] == ServiceLevelStat{AcceptableWaitingTime: 20, CallCount: 9, ServiceLevel: 0.75}
			}},
		{"aggregate strings", `"WT":{"min":"0.5","avg":"14.25","max":61,"count":"12","sum":"171"}`,
			func(r QueueStatsRecord) bool { return r.WT != nil && *r.WT == Aggregate{0.5, 14.25, 61, 12, 171} }},
		{"total string", `"TWT":"171.5"`, func(r QueueStatsRecord) bool { return r.TWT != nil && *r.TWT == 171.5 }},
		{"hour string", `"hour":"11"`, func(r QueueStatsRecord) bool { return r.Hour != nil && *r.Hour == 11 }},
		{"null item", `"AC":null,"WT":null`, func(r QueueStatsRecord) bool { return r.AC == nil && r.WT == nil }},
	} {
		body := `{"result":[{"QL":{"max":2},` + tc.record + `}]}`
		recs, err := DecodeGetACDQueueStatistics(strings.NewReader(body))
		if err != nil || len(recs) != 1 {
			t.Errorf("%s: %v %v", tc.name, recs, err)
			continue
		}
		if r := recs[0]; !tc.check(r) || len(r.BadShapes) != 0 || r.QL == nil || r.QL.Max != 2 {
			t.Errorf("%s: decoded %+v", tc.name, r)
		}
	}

	for _, tc := range []struct{ record, item, shape string }{
		{`"AC":{"count":4}`, "AC", `object {"count":4}`},
		{`"UAC":"n/a"`, "UAC", `string "n/a"`},
		{`"RC":[{"count":1,"percent":"x"}]`, "RC", `list [{"count":1,"percent":"x"}]`},
		{`"TC":true`, "TC", "boolean true"},
		{`"TC":"NaN"`, "TC", `string "NaN"`},
		{`"SL":{"service_level":0.8}`, "SL", `object {"service_level":0.8}`},
		{`"WT":{"min":0,"avg":"slow"}`, "WT", `object {"min":0,"avg":"slow"}`},
		{`"HT":[1,2]`, "HT", "list [1,2]"},
		{`"TWT":[{"count":1}]`, "TWT", `list [{"count":1}]`},
		{`"TotalTalkTime":"0x10"`, "TTT", `string "0x10"`},
		{`"QL":"` + strings.Repeat("x", 60) + `"`, "QL", `string "` + strings.Repeat("x", 39) + "..."},
	} {
		body := `{"result":[{"TC":5,"AT":{"avg":3,"count":1},` + tc.record + `}]}`
		recs, err := DecodeGetACDQueueStatistics(strings.NewReader(body))
		if err != nil || len(recs) != 1 {
			t.Errorf("%s: an odd item failed the answer: %v", tc.record, err)
			continue
		}
		r := recs[0]
		want := []BadShape{{Item: tc.item, Shape: tc.shape}}
		if !reflect.DeepEqual(r.BadShapes, want) {
			t.Errorf("%s: bad shapes %v, want %v", tc.record, r.BadShapes, want)
		}
		if tc.item != "TC" && (r.TC == nil || *r.TC != 5) || r.AT == nil || r.AT.Avg != 3 {
			t.Errorf("%s: the other items did not decode: %+v", tc.record, r)
		}
		bad := map[string]bool{
			"AC": r.AC != nil, "UAC": r.UAC != nil, "RC": r.RC != nil, "TC": r.TC != nil && tc.item == "TC", "SL": r.SL != nil,
			"WT": r.WT != nil, "HT": r.HT != nil, "TWT": r.TWT != nil, "TTT": r.TTT != nil, "QL": r.QL != nil,
		}
		if bad[tc.item] {
			t.Errorf("%s: the odd item was kept: %+v", tc.record, r)
		}
	}
}

func TestQueueStatsParamsValues(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	p := QueueStatsParams{
		FromDate: time.Date(2026, 11, 28, 12, 0, 0, 0, msk), ToDate: time.Date(2026, 11, 28, 9, 30, 15, 0, time.UTC),
		QueueIDs: []int64{10, 11}, Report: []string{"TC", "SL", "WT"}, Aggregation: AggregationHour,
	}
	v, err := p.Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"from_date": "2026-11-28 09:00:00", "to_date": "2026-11-28 09:30:15", "acd_queue_id": "10;11",
		"abbreviation": "true", "report": "TC;SL;WT", "aggregation": "hour",
	})

	v, err = (&QueueStatsParams{FromDate: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}).Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"from_date": "2026-11-28 00:00:00", "acd_queue_id": "all", "abbreviation": "true", "report": "all", "aggregation": "none",
	})
	no := false
	v, _ = (&QueueStatsParams{FromDate: p.FromDate, Abbreviation: &no}).Values()
	if v.Get("abbreviation") != "false" {
		t.Errorf("abbreviation = %q, want false when asked", v.Get("abbreviation"))
	}

	for name, bad := range map[string]QueueStatsParams{
		"from date":   {},
		"before":      {FromDate: p.ToDate, ToDate: p.ToDate.Add(-time.Second)},
		"aggregation": {FromDate: p.FromDate, Aggregation: "week"},
		"report item": {FromDate: p.FromDate, Report: []string{"TC;SL"}},
	} {
		if _, err := bad.Values(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%+v: err = %v, want one naming the %s", bad, err, name)
		}
	}
}

func TestGetACDQueueStatisticsThroughClient(t *testing.T) {
	stub := newStubAPI(t, queueStatsBody)
	from := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	recs, err := stub.client(t).GetACDQueueStatistics(context.Background(), QueueStatsParams{
		FromDate: from, ToDate: from.Add(2 * time.Hour), QueueIDs: []int64{10}, Aggregation: AggregationHour,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, stub.only(t, "GetACDQueueStatistics"), map[string]string{
		"from_date": "2026-11-28 10:00:00", "to_date": "2026-11-28 12:00:00", "acd_queue_id": "10",
		"abbreviation": "true", "report": "all", "aggregation": "hour",
	})
	if len(recs) != 2 || recs[0].WT == nil || recs[0].WT.Avg != 14.25 {
		t.Errorf("records %+v", recs)
	}

	// A bad parameter is refused before anything is sent.
	if _, err := stub.client(t).GetACDQueueStatistics(context.Background(), QueueStatsParams{}); err == nil {
		t.Error("no from date: accepted")
	}
	if n := len(stub.requests()); n != 1 {
		t.Errorf("%d requests after a refused call, want 1", n)
	}
}

// checkMethodErrors sends one request per error envelope and checks that
// each surfaces as an *APIError with its code, after one request (none of
// them is retried), and that a malformed answer is a *DecodeError.
func checkMethodErrors(t *testing.T, method string, codes []int, call func(*Client) error) {
	t.Helper()
	for _, code := range codes {
		stub := newStubAPI(t, fmt.Sprintf(`{"error":{"code":%d,"msg":"refused"}}`, code))
		err := call(stub.client(t))
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != code || ae.Method != method {
			t.Errorf("error %d: got %v (%T), want an *APIError with code %d", code, err, err, code)
		}
		stub.only(t, method)
	}
	for _, body := range []string{`{"result":[{"TC":1`, `<html>bad gateway</html>`, `{"result":[]}{"result":[]}`} {
		stub := newStubAPI(t, body)
		var de *DecodeError
		if err := call(stub.client(t)); !errors.As(err, &de) {
			t.Errorf("malformed answer %q: got %v (%T), want a *DecodeError", body, err, err)
		}
	}
}

func TestGetACDQueueStatisticsErrors(t *testing.T) {
	checkMethodErrors(t, "GetACDQueueStatistics",
		[]int{104, 111, 123, 569, 218, 229},
		func(c *Client) error {
			_, err := c.GetACDQueueStatistics(context.Background(), QueueStatsParams{FromDate: time.Now().Add(-time.Hour)})
			return err
		})
}

func TestStatsErrorHints(t *testing.T) {
	for code, word := range map[int]string{111: "bug", 123: "bug", 569: "window", 218: "queue id", 229: "report", 459: "report", 525: "grouping", 526: "grouping"} {
		err := &APIError{Method: "GetACDQueueStatistics", Code: code, Message: "refused"}
		if !strings.Contains(err.Error(), word) {
			t.Errorf("error %d reads %q, want a hint about the %s", code, err, word)
		}
		if err.Retryable() {
			t.Errorf("error %d is retryable; the same request would fail again", code)
		}
	}
}
