package voxapi

import (
	"context"
	"errors"
	"io"
	"net/url"
)

// ACDState is the answer of GetACDState: the live state of ACD queues.
// The method needs the Owner, Admin or Developer role (GetUsers needs only
// Supervisor).
type ACDState struct {
	Queues []ACDQueueState
}

// ACDQueueState is one queue of GetACDState. Arrays and counts the API
// leaves out decode as empty; the counts fall back to the arrays' lengths.
type ACDQueueState struct {
	ACDQueueID                int64                 `json:"acd_queue_id"`
	ReadyOperators            []ACDOperatorState    `json:"ready_operators"`
	ReadyOperatorsCount       *int64                `json:"ready_operators_count"`
	LockedOperators           []ACDOperatorState    `json:"locked_operators"`
	LockedOperatorsCount      *int64                `json:"locked_operators_count"`
	AfterServiceOperators     []ACDOperatorState    `json:"after_service_operators"`
	AfterServiceOperatorCount *int64                `json:"after_service_operator_count"`
	ServicingCalls            []ACDServicingCall    `json:"servicing_calls"`
	WaitingCalls              []ACDWaitingCallState `json:"waiting_calls"`
}

// ACDOperatorState is an operator in one of a queue's operator lists.
type ACDOperatorState struct {
	UserID       int64    `json:"user_id"`
	UserName     string   `json:"user_name"`
	IdleDuration *float64 `json:"idle_duration,omitempty"` // seconds, ready operators only
}

// ACDServicingCall is a call an operator is serving.
type ACDServicingCall struct {
	UserID   int64  `json:"user_id"`
	UserName string `json:"user_name"`
}

// ACDWaitingCallState is a call waiting in a queue.
type ACDWaitingCallState struct {
	WaitingTime     float64   `json:"waiting_time"` // seconds
	Priority        int64     `json:"priority"`
	BeginTime       Timestamp `json:"begin_time"`
	MinutesToSubmit *float64  `json:"minutes_to_submit,omitempty"`
}

// Ready is ready_operators_count, or the list's length when absent.
func (q *ACDQueueState) Ready() int64 { return countOr(q.ReadyOperatorsCount, len(q.ReadyOperators)) }

// Locked is locked_operators_count, or the list's length when absent.
func (q *ACDQueueState) Locked() int64 {
	return countOr(q.LockedOperatorsCount, len(q.LockedOperators))
}

// AfterService is after_service_operator_count, or the list's length.
func (q *ACDQueueState) AfterService() int64 {
	return countOr(q.AfterServiceOperatorCount, len(q.AfterServiceOperators))
}

// LongestWait is the longest waiting_time among waiting calls, 0 if none.
func (q *ACDQueueState) LongestWait() float64 {
	longest := 0.0
	for _, c := range q.WaitingCalls {
		longest = max(longest, c.WaitingTime)
	}
	return longest
}

func countOr(p *int64, n int) int64 {
	if p != nil {
		return *p
	}
	return int64(n)
}

// getACDStateWire is GetACDState's answer as it arrives: result is an
// object holding acd_queues, not an array.
type getACDStateWire struct {
	envelope
	Result *struct {
		ACDQueues []ACDQueueState `json:"acd_queues"`
	} `json:"result"`
}

// DecodeGetACDState reads one GetACDState answer.
func DecodeGetACDState(r io.Reader) (*ACDState, error) {
	var w getACDStateWire
	if err := decodeAnswer(r, &w); err != nil {
		return nil, err
	}
	if w.Result == nil {
		return nil, errors.New(`answer has no "result"`)
	}
	return &ACDState{Queues: w.Result.ACDQueues}, nil
}

// GetACDState reads the live state of the given ACD queues, or of every
// queue of the account when queueIDs is empty.
func (c *Client) GetACDState(ctx context.Context, queueIDs []int64) (*ACDState, error) {
	return callFor(ctx, c, "GetACDState", url.Values{"acd_queue_id": {idList(queueIDs)}}, DecodeGetACDState)
}
