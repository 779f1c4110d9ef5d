package voxapi

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestDecodeGetQueuesSettings(t *testing.T) {
	body := `{"result":[
	  {"acd_queue_id":10,"acd_queue_name":"Sales","application_id":1,"acd_queue_priority":1,
	   "service_probability":0.85,"max_waiting_time":2.5,"max_queue_size":20,
	   "average_service_time":181.5,"sl_thresholds":[20,30.5],"created":"2026-11-28 09:00:00"},
	  {"acd_queue_id":11,"acd_queue_name":"Bare","application_id":1},
	  {"acd_queue_id":12,"acd_queue_name":"Nulls","application_id":1,"average_service_time":null,
	   "max_queue_size":0,"sl_thresholds":[]}],
	 "total_count":3,"count":3}`
	qs, total, err := DecodeGetQueues(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(qs) != 3 {
		t.Fatalf("total %d, %d queues", total, len(qs))
	}
	q := qs[0]
	if q.ServiceProbability == nil || *q.ServiceProbability != 0.85 ||
		q.MaxQueueSize == nil || *q.MaxQueueSize != 20 ||
		q.AverageServiceTime == nil || *q.AverageServiceTime != 181.5 ||
		!slices.Equal(q.SLThresholds, []float64{20, 30.5}) {
		t.Errorf("queue 10 settings decoded as %+v", q)
	}
	if s, ok := q.MaxWaitingSeconds(); !ok || s != 150 {
		t.Errorf("max_waiting_time 2.5 min = %v s (%v), want 150", s, ok)
	}
	bare := qs[1]
	if bare.AverageServiceTime != nil || bare.ServiceProbability != nil || bare.MaxQueueSize != nil ||
		bare.MaxWaitingTime != nil || bare.SLThresholds != nil {
		t.Errorf("absent settings should stay nil: %+v", bare)
	}
	if _, ok := bare.MaxWaitingSeconds(); ok {
		t.Error("MaxWaitingSeconds reported a value the API did not send")
	}
	nulls := qs[2]
	if nulls.AverageServiceTime != nil {
		t.Errorf("null average_service_time = %v, want nil", *nulls.AverageServiceTime)
	}
	if nulls.MaxQueueSize == nil || *nulls.MaxQueueSize != 0 || len(nulls.SLThresholds) != 0 {
		t.Errorf("an explicit 0 and [] are values: %+v", nulls)
	}

	_, _, err = DecodeGetQueues(strings.NewReader(`{"result":[{"acd_queue_id":1,"sl_thresholds":"20;30"}]}`))
	if err == nil || !strings.Contains(err.Error(), "sl_thresholds") {
		t.Errorf("a string sl_thresholds: err = %v, want one naming the field", err)
	}
}

func TestGetQueuesThroughClient(t *testing.T) {
	stub := newStubAPI(t, `{"result":[{"acd_queue_id":7,"acd_queue_name":"Q","application_id":3,"sl_thresholds":[15],"average_service_time":90}],"total_count":1,"count":1}`)
	qs, err := stub.client(t).GetQueues(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, stub.only(t, "GetQueues"), map[string]string{"application_id": "3", "count": "100", "offset": "0"})
	if len(qs) != 1 || !slices.Equal(qs[0].SLThresholds, []float64{15}) || qs[0].AverageServiceTime == nil || *qs[0].AverageServiceTime != 90 {
		t.Errorf("queues %+v", qs)
	}
}
