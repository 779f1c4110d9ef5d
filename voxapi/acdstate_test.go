package voxapi

import (
	"strings"
	"testing"
)

func TestDecodeGetACDState(t *testing.T) {
	body := `{"result":{"acd_queues":[
	  {"acd_queue_id":10,
	   "ready_operators":[{"user_id":1,"user_name":"a","idle_duration":12}],"ready_operators_count":1,
	   "locked_operators":[],"locked_operators_count":0,
	   "after_service_operators":[{"user_id":2,"user_name":"b"}],"after_service_operator_count":1,
	   "servicing_calls":[{"user_id":3,"user_name":"c"}],
	   "waiting_calls":[{"waiting_time":40,"priority":1,"begin_time":"2026-11-28 09:00:00","minutes_to_submit":2},
	                    {"waiting_time":95,"priority":1,"begin_time":"2026-11-28 08:59:00"}]},
	  {"acd_queue_id":11}]}}`
	st, err := DecodeGetACDState(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Queues) != 2 {
		t.Fatalf("%d queues", len(st.Queues))
	}
	q := st.Queues[0]
	if q.Ready() != 1 || q.Locked() != 0 || q.AfterService() != 1 || len(q.ServicingCalls) != 1 || len(q.WaitingCalls) != 2 || q.LongestWait() != 95 {
		t.Errorf("queue 10 decoded as %+v", q)
	}
	empty := st.Queues[1]
	if empty.Ready() != 0 || empty.Locked() != 0 || empty.AfterService() != 0 || empty.LongestWait() != 0 {
		t.Errorf("queue without arrays and counts: %+v", empty)
	}

	// Counts absent: the arrays' lengths stand in.
	st, err = DecodeGetACDState(strings.NewReader(`{"result":{"acd_queues":[{"acd_queue_id":1,"ready_operators":[{"user_id":1},{"user_id":2}]}]}}`))
	if err != nil || st.Queues[0].Ready() != 2 {
		t.Errorf("ready from the list: %v %v", st, err)
	}
	st, err = DecodeGetACDState(strings.NewReader(`{"result":{}}`))
	if err != nil || len(st.Queues) != 0 {
		t.Errorf("no acd_queues: %v %v", st, err)
	}
	if _, err := DecodeGetACDState(strings.NewReader(`{"error":{"code":104,"msg":"Forbidden"}}`)); ErrorCode(err) != 104 {
		t.Errorf("error envelope: %v", err)
	}
	if _, err := DecodeGetACDState(strings.NewReader(`{"result":[]}`)); err == nil {
		t.Error("an array result was accepted: GetACDState's result is an object")
	}
}

func TestDecodeGetQueues(t *testing.T) {
	qs, total, err := DecodeGetQueues(strings.NewReader(`{"result":[{"acd_queue_id":10,"acd_queue_name":"Sales","application_id":1,"max_queue_size":5}],"total_count":1}`))
	if err != nil || total != 1 || len(qs) != 1 || qs[0].ACDQueueName != "Sales" || qs[0].ApplicationID != 1 {
		t.Errorf("got %+v %d %v", qs, total, err)
	}
}
