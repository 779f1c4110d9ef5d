package voxapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// statusStatsBody mixes the documented shapes: the reference example's
// (user_id a number, acd_status one object) and the types' (user_id a
// string, acd_status a list of keyed objects, one status in two of them),
// with numbers as strings and fractions.
const statusStatsBody = `{"result":[
 {"user_id":487576,"statistics":[{"acd_status":{
   "READY":{"min":10,"avg":20.5,"max":31,"count":2,"sum":41},
   "IN_SERVICE":{"min":"100.25","avg":"100.25","max":"100.25","count":"1","sum":"100.25"}}}]},
 {"user_id":"12","statistics":[{"date":"2026-11-28","hour":10,"acd_status":[
   {"DND":{"min":60,"avg":60,"max":60,"count":1,"sum":60}},
   {"DND":{"min":30,"avg":30,"max":30,"count":1,"sum":30},"NEW_STATUS":{"min":1,"avg":1,"max":1,"count":1,"sum":1}}]},
   {"date":"2026-11-28","hour":11}]}
]}`

func TestDecodeGetACDOperatorStatusStatistics(t *testing.T) {
	gs, err := DecodeGetACDOperatorStatusStatistics(strings.NewReader(statusStatsBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || gs[0].UserID != 487576 || gs[1].UserID != 12 {
		t.Fatalf("groups %+v", gs)
	}
	r := gs[0].Records[0]
	if r.UserID != 487576 {
		t.Errorf("a record without user_id takes its group's: %d", r.UserID)
	}
	if got := r.Statuses["READY"]; got != (Aggregate{10, 20.5, 31, 2, 41}) {
		t.Errorf("READY %+v", got)
	}
	if got := r.Statuses["IN_SERVICE"]; got != (Aggregate{100.25, 100.25, 100.25, 1, 100.25}) {
		t.Errorf("IN_SERVICE (strings) %+v", got)
	}
	if len(r.Statuses) != 2 {
		t.Errorf("absent statuses must stay absent: %v", r.Statuses)
	}
	// DND twice: 60 + 30 over 2 stays, average 45, extremes 30 and 60.
	r = gs[1].Records[0]
	if r.Date != "2026-11-28" || r.Hour == nil || *r.Hour != 10 {
		t.Errorf("date %q hour %v", r.Date, r.Hour)
	}
	if got := r.Statuses["DND"]; got != (Aggregate{30, 45, 60, 2, 90}) {
		t.Errorf("DND merged %+v, want min 30 avg 45 max 60 count 2 sum 90", got)
	}
	if _, ok := r.Statuses["NEW_STATUS"]; !ok {
		t.Error("an undocumented status was dropped")
	}
	if r := gs[1].Records[1]; len(r.Statuses) != 0 || r.Statuses == nil {
		t.Errorf("a record without acd_status: %+v, want an empty map", r)
	}
}

// operatorStatsBody: the reference example's plain AC and the queue
// statistics' list form, full key names in the second group, numbers as
// strings.
const operatorStatsBody = `{"result":[
 {"user_id":5,"statistics":[{"AC":3,"UAC":"1",
   "SA":{"min":2,"avg":3.5,"max":5,"count":3,"sum":10.5},
   "TT":{"min":100,"avg":150.5,"max":201,"count":3,"sum":451.5},
   "ACW":{"min":10,"avg":20,"max":30,"count":2,"sum":40},
   "HT":{"min":120,"avg":200,"max":231,"count":2,"sum":400},
   "TDT":10.5,"THT":"400","TTT":451.5,"TACW":40}]},
 {"user_id":"7","statistics":[{"AnsweredCalls":[{"count":2,"percent":50},{"count":1.5,"percent":25}],
   "UnansweredCalls":0,"TalkTime":{"min":1,"avg":1,"max":1,"count":1,"sum":1},"TotalTalkTime":1}]}
]}`

func TestDecodeGetACDOperatorStatistics(t *testing.T) {
	gs, err := DecodeGetACDOperatorStatistics(strings.NewReader(operatorStatsBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 {
		t.Fatalf("%d groups", len(gs))
	}
	r := gs[0].Records[0]
	num := func(name string, p *float64, want float64) {
		t.Helper()
		if p == nil || *p != want {
			t.Errorf("%s = %v, want %v", name, p, want)
		}
	}
	num("AC", r.AC, 3)
	num("UAC (string)", r.UAC, 1)
	num("TDT", r.TDT, 10.5)
	num("THT (string)", r.THT, 400)
	num("TTT", r.TTT, 451.5)
	num("TACW", r.TACW, 40)
	if r.UserID != 5 || r.SA == nil || *r.SA != (Aggregate{2, 3.5, 5, 3, 10.5}) || r.TT == nil || r.TT.Sum != 451.5 ||
		r.ACW == nil || r.ACW.Count != 2 || r.HT == nil || *r.HT != (Aggregate{120, 200, 231, 2, 400}) {
		t.Errorf("record %+v", r)
	}
	r = gs[1].Records[0]
	num("AnsweredCalls (list: 2 + 1.5)", r.AC, 3.5)
	num("UnansweredCalls", r.UAC, 0)
	num("TotalTalkTime", r.TTT, 1)
	if r.UserID != 7 || r.TT == nil || r.TT.Count != 1 {
		t.Errorf("record %+v", r)
	}
	if r.SA != nil || r.HT != nil || r.ACW != nil || r.TDT != nil || r.THT != nil || r.TACW != nil {
		t.Errorf("absent items must stay nil: %+v", r)
	}
}

func TestDecodeOperatorStatisticsBad(t *testing.T) {
	for body, field := range map[string]string{
		`{"result":[{"user_id":"x","statistics":[]}]}`:         "user_id",
		`{"result":[{"user_id":1.5,"statistics":[]}]}`:         "user_id",
		`{"result":[{"statistics":[{"AC":"many"}]}]}`:          "many",
		`{"result":[{"statistics":[{"HT":{"sum":true}}]}]}`:    "true",
		`{"result":[{"statistics":[{"AC":[{"count":"x"}]}]}]}`: "x",
		`{"result":[{"statistics":[{"TTT":{}}]}]}`:             "{} is not a number",
	} {
		_, err := DecodeGetACDOperatorStatistics(strings.NewReader(body))
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: err = %v, want one naming %s", body, err, field)
		}
	}
	if _, err := DecodeGetACDOperatorStatusStatistics(strings.NewReader(`{"result":[{"statistics":[{"acd_status":"READY"}]}]}`)); err == nil ||
		!strings.Contains(err.Error(), "acd_status") {
		t.Errorf("acd_status as a string: err = %v", err)
	}
	if _, err := DecodeGetACDOperatorStatusStatistics(strings.NewReader(`{}`)); err == nil {
		t.Error("an answer without result was accepted")
	}
	_, err := DecodeGetACDOperatorStatistics(strings.NewReader(`{"error":{"code":104,"msg":"Forbidden"}}`))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != CodeForbidden {
		t.Errorf("error envelope: %v", err)
	}
}

func TestOperatorStatsParamsValues(t *testing.T) {
	from := time.Date(2026, 11, 28, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	to := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	v, err := (&OperatorStatusParams{OperatorStatsRange: OperatorStatsRange{FromDate: from, ToDate: to}}).Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"from_date": "2026-11-28 09:00:00", "to_date": "2026-11-28 09:30:00", "user_id": "all", "aggregation": "none", "group": "user",
	})
	v, err = (&OperatorStatusParams{OperatorStatsRange: OperatorStatsRange{FromDate: from, UserIDs: []int64{3, 5},
		Aggregation: AggregationHour, Group: GroupAggregation}, Statuses: []string{"READY", "DND"}}).Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"from_date": "2026-11-28 09:00:00", "user_id": "3;5", "aggregation": "hour", "group": "aggregation", "acd_status": "READY;DND",
	})
	v, err = (&OperatorStatsParams{OperatorStatsRange: OperatorStatsRange{FromDate: from, ToDate: to}, QueueIDs: []int64{10}}).Values()
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, v, map[string]string{
		"from_date": "2026-11-28 09:00:00", "to_date": "2026-11-28 09:30:00", "user_id": "all", "aggregation": "none",
		"group": "user", "acd_queue_id": "10", "abbreviation": "true", "report": "all",
	})
	for name, bad := range map[string]OperatorStatsParams{
		"from date":   {},
		"before":      {OperatorStatsRange: OperatorStatsRange{FromDate: to, ToDate: to.Add(-time.Second)}},
		"aggregation": {OperatorStatsRange: OperatorStatsRange{FromDate: to, Aggregation: "week"}},
		"group":       {OperatorStatsRange: OperatorStatsRange{FromDate: to, Group: "queue"}},
		"report item": {OperatorStatsRange: OperatorStatsRange{FromDate: to}, Report: []string{"AC;UAC"}},
	} {
		if _, err := bad.Values(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%+v: err = %v, want one naming the %s", bad, err, name)
		}
	}
	if _, err := (&OperatorStatusParams{OperatorStatsRange: OperatorStatsRange{FromDate: to}, Statuses: []string{""}}).Values(); err == nil {
		t.Error("an empty status was accepted")
	}
}

func TestOperatorStatisticsThroughClient(t *testing.T) {
	stub := newStubAPI(t, operatorStatsBody)
	from := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	gs, err := stub.client(t).GetACDOperatorStatistics(context.Background(), OperatorStatsParams{
		OperatorStatsRange: OperatorStatsRange{FromDate: from, ToDate: from.Add(30 * time.Minute)}})
	if err != nil || len(gs) != 2 {
		t.Fatalf("%v %v", gs, err)
	}
	wantParams(t, stub.only(t, "GetACDOperatorStatistics"), map[string]string{
		"from_date": "2026-11-28 10:00:00", "to_date": "2026-11-28 10:30:00", "user_id": "all", "aggregation": "none",
		"group": "user", "acd_queue_id": "all", "abbreviation": "true", "report": "all",
	})

	stub = newStubAPI(t, statusStatsBody)
	sg, err := stub.client(t).GetACDOperatorStatusStatistics(context.Background(), OperatorStatusParams{
		OperatorStatsRange: OperatorStatsRange{FromDate: from}})
	if err != nil || len(sg) != 2 {
		t.Fatalf("%v %v", sg, err)
	}
	wantParams(t, stub.only(t, "GetACDOperatorStatusStatistics"), map[string]string{
		"from_date": "2026-11-28 10:00:00", "user_id": "all", "aggregation": "none", "group": "user",
	})
}
