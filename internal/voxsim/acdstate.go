package voxsim

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The JSON types below follow the reference's ACD state types. Every array
// is always present ([] when empty), as are the three counts. Note the
// reference's spelling: ready_operators_count and locked_operators_count,
// but after_service_operator_count.

// acdStateJSON is GetACDState's answer: result is an object, not an array.
type acdStateJSON struct {
	Result acdStateResultJSON `json:"result"`
}

type acdStateResultJSON struct {
	ACDQueues []acdQueueStateJSON `json:"acd_queues"`
}

// acdQueueStateJSON is ACDQueueStateType.
type acdQueueStateJSON struct {
	ACDQueueID                int64                      `json:"acd_queue_id"`
	ReadyOperators            []readyOperatorJSON        `json:"ready_operators"`
	ReadyOperatorsCount       int                        `json:"ready_operators_count"`
	LockedOperators           []lockedOperatorJSON       `json:"locked_operators"`
	LockedOperatorsCount      int                        `json:"locked_operators_count"`
	AfterServiceOperators     []afterServiceOperatorJSON `json:"after_service_operators"`
	AfterServiceOperatorCount int                        `json:"after_service_operator_count"`
	ServicingCalls            []servicingCallJSON        `json:"servicing_calls"`
	WaitingCalls              []waitingCallJSON          `json:"waiting_calls"`
}

// readyOperatorJSON is ACDReadyOperatorStateType; idle_duration is seconds.
type readyOperatorJSON struct {
	UserID          int64  `json:"user_id"`
	UserName        string `json:"user_name"`
	UserDisplayName string `json:"user_display_name"`
	IdleDuration    int64  `json:"idle_duration"`
}

// lockedOperatorJSON is ACDLockedOperatorStateType (status READY: the
// simulator locks an operator while a call rings them).
type lockedOperatorJSON struct {
	UserID          int64  `json:"user_id"`
	UserName        string `json:"user_name"`
	UserDisplayName string `json:"user_display_name"`
	Status          string `json:"status"`
}

// afterServiceOperatorJSON is ACDAfterServiceOperatorStateType.
type afterServiceOperatorJSON struct {
	UserID          int64  `json:"user_id"`
	UserName        string `json:"user_name"`
	UserDisplayName string `json:"user_display_name"`
}

// servicingCallJSON is ACDServicingCallStateType: begin_time is when the
// request began (the call arrived), waiting_time how long it waited before
// service, in seconds.
type servicingCallJSON struct {
	ACDSessionHistoryID int64  `json:"acd_session_history_id"`
	UserID              int64  `json:"user_id"`
	UserName            string `json:"user_name"`
	UserDisplayName     string `json:"user_display_name"`
	BeginTime           string `json:"begin_time"`
	WaitingTime         int64  `json:"waiting_time"`
	Priority            int    `json:"priority"`
	CallerID            string `json:"callerid,omitempty"`
}

// waitingCallJSON is ACDWaitingCallStateType: waiting_time in seconds so
// far, minutes_to_submit the predicted minutes until service. user_id and
// the names are the operator the call rings now, absent when none.
type waitingCallJSON struct {
	ACDSessionHistoryID int64  `json:"acd_session_history_id"`
	BeginTime           string `json:"begin_time"`
	WaitingTime         int64  `json:"waiting_time"`
	Priority            int    `json:"priority"`
	MinutesToSubmit     int    `json:"minutes_to_submit"`
	CallerID            string `json:"callerid,omitempty"`
	UserID              int64  `json:"user_id,omitempty"`
	UserName            string `json:"user_name,omitempty"`
	UserDisplayName     string `json:"user_display_name,omitempty"`
}

// getACDState implements GetACDState. acd_queue_id is required (134 when
// absent or empty, although the reference marks it optional: a client
// should always send it): "all" (any case) for every queue of the account,
// or a ';'-separated list of ids (101 if one is not an integer). Ids of
// queues the account does not have are left out of the answer rather than
// failing it, as list filters of the API do; duplicates are answered once,
// in the order first given.
//
// Per queue, from the one state GetUsers reads (active users only, as an
// inactive user cannot be logged in to the ACD):
//   - ready_operators: READY users bound to the queue that no call rings;
//   - locked_operators: READY users bound to the queue that a call rings;
//   - after_service_operators: AFTER_SERVICE users bound to the queue;
//   - servicing_calls: the queue's answered calls;
//   - waiting_calls: the queue's unanswered calls, in service order.
func (s *Server) getACDState(p *paramReader) (any, *apiError) {
	raw := p.str("acd_queue_id")
	if raw == "" {
		return nil, errorf(CodeRequiredParamEmpty, "The required parameter 'acd_queue_id' is empty")
	}
	all := strings.EqualFold(raw, "all")
	var ids []int64
	if !all {
		for _, item := range p.list("acd_queue_id") {
			id, err := strconv.ParseInt(item, 10, 64)
			if err != nil {
				return nil, errorf(CodeInvalidArgument, "Invalid argument 'acd_queue_id': %q is not an integer or 'all'", item)
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, errorf(CodeRequiredParamEmpty, "The required parameter 'acd_queue_id' is empty")
		}
	}

	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	known := s.acct.knownQueues()
	var queues []Queue
	if all {
		queues = known
	} else {
		for _, id := range ids {
			if i := slices.IndexFunc(known, func(q Queue) bool { return q.ID == id }); i >= 0 {
				queues = append(queues, known[i])
			}
		}
	}
	v := newACDView(&s.acct)
	out := acdStateJSON{Result: acdStateResultJSON{ACDQueues: make([]acdQueueStateJSON, 0, len(queues))}}
	for _, q := range queues {
		out.Result.ACDQueues = append(out.Result.ACDQueues, v.queueState(q, now))
	}
	return out, nil
}

// acdView indexes an account for answering GetACDState.
type acdView struct {
	acct   *Account
	users  map[int64]*User
	ringed map[int64]bool // users a call rings now
}

func newACDView(a *Account) *acdView {
	v := &acdView{acct: a, users: make(map[int64]*User, len(a.Users)), ringed: map[int64]bool{}}
	for i := range a.Users {
		v.users[a.Users[i].ID] = &a.Users[i]
	}
	for _, c := range a.Calls {
		if c.Waiting() && c.Offered != 0 {
			v.ringed[c.Offered] = true
		}
	}
	return v
}

func seconds(d time.Duration) int64 { return int64(max(d, 0) / time.Second) }

func (v *acdView) queueState(q Queue, now time.Time) acdQueueStateJSON {
	j := acdQueueStateJSON{
		ACDQueueID:            q.ID,
		ReadyOperators:        []readyOperatorJSON{},
		LockedOperators:       []lockedOperatorJSON{},
		AfterServiceOperators: []afterServiceOperatorJSON{},
		ServicingCalls:        []servicingCallJSON{},
		WaitingCalls:          []waitingCallJSON{},
	}
	var members []*User
	for i := range v.acct.Users {
		if u := &v.acct.Users[i]; u.Active && hasQueueID(u, q.ID) {
			members = append(members, u)
		}
	}
	slices.SortFunc(members, func(a, b *User) int { return cmp.Compare(a.ID, b.ID) })
	staffed := 0
	for _, u := range members {
		switch u.Status {
		case StatusReady:
			staffed++
			if v.ringed[u.ID] {
				j.LockedOperators = append(j.LockedOperators, lockedOperatorJSON{
					UserID: u.ID, UserName: u.Name, UserDisplayName: u.DisplayName, Status: StatusReady})
				continue
			}
			idle := int64(0)
			if !u.StatusChange.IsZero() {
				idle = seconds(now.Sub(u.StatusChange))
			}
			j.ReadyOperators = append(j.ReadyOperators, readyOperatorJSON{
				UserID: u.ID, UserName: u.Name, UserDisplayName: u.DisplayName, IdleDuration: idle})
		case StatusAfterService:
			staffed++
			j.AfterServiceOperators = append(j.AfterServiceOperators, afterServiceOperatorJSON{
				UserID: u.ID, UserName: u.Name, UserDisplayName: u.DisplayName})
		case StatusInService:
			staffed++
		}
	}
	j.ReadyOperatorsCount = len(j.ReadyOperators)
	j.LockedOperatorsCount = len(j.LockedOperators)
	j.AfterServiceOperatorCount = len(j.AfterServiceOperators)

	var serving, waiting []Call
	for _, c := range v.acct.Calls {
		switch {
		case c.QueueID != q.ID:
		case c.Waiting():
			waiting = append(waiting, c)
		default:
			serving = append(serving, c)
		}
	}
	slices.SortFunc(serving, func(a, b Call) int { return cmp.Or(a.Arrived.Compare(b.Arrived), cmp.Compare(a.ID, b.ID)) })
	for _, c := range serving {
		sc := servicingCallJSON{
			ACDSessionHistoryID: c.ID, UserID: c.Operator, BeginTime: formatTime(c.Arrived),
			Priority: c.Priority, CallerID: c.CallerID,
		}
		if u := v.users[c.Operator]; u != nil {
			sc.UserName, sc.UserDisplayName = u.Name, u.DisplayName
		}
		if !c.Answered.IsZero() {
			sc.WaitingTime = seconds(c.Answered.Sub(c.Arrived))
		}
		j.ServicingCalls = append(j.ServicingCalls, sc)
	}
	slices.SortFunc(waiting, serviceOrder)
	avg := q.serviceEstimate()
	for k, c := range waiting {
		wc := waitingCallJSON{
			ACDSessionHistoryID: c.ID, BeginTime: formatTime(c.Arrived), WaitingTime: seconds(now.Sub(c.Arrived)),
			Priority: c.Priority, CallerID: c.CallerID,
			MinutesToSubmit: minutesToSubmit(k, j.ReadyOperatorsCount+j.LockedOperatorsCount, staffed, avg),
		}
		if c.Offered != 0 {
			wc.UserID = c.Offered
			if u := v.users[c.Offered]; u != nil {
				wc.UserName, wc.UserDisplayName = u.Name, u.DisplayName
			}
		}
		j.WaitingCalls = append(j.WaitingCalls, wc)
	}
	return j
}

// serviceEstimate is the service time the ACD predicts waits with: the
// queue's average_service_time, else 210 s (the middle of the simulated
// talk times).
func (q Queue) serviceEstimate() time.Duration {
	return time.Duration(cmp.Or(q.AverageServiceTime, 210)) * time.Second
}

// serviceOrder is the order in which the ACD serves waiting calls: by
// priority (1 first), then arrival.
func serviceOrder(a, b Call) int {
	return cmp.Or(cmp.Compare(a.Priority, b.Priority), a.Arrived.Compare(b.Arrived), cmp.Compare(a.ID, b.ID))
}

// minutesToSubmit predicts, for the call at position k of the service
// order, the whole minutes until an operator takes it: none while READY
// operators outnumber the calls ahead, else the calls beyond them share the
// staffed operators' average service time.
func minutesToSubmit(k, ready, staffed int, avg time.Duration) int {
	if k < ready {
		return 0
	}
	ahead := float64(k - ready + 1)
	return int(math.Ceil(ahead * avg.Minutes() / float64(max(staffed, 1))))
}
