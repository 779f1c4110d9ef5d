package voxsim

import (
	"cmp"
	"slices"
	"time"
)

// Application is a Voximplant application of the simulated account.
type Application struct {
	ID                  int64
	Name                string // full name, e.g. "support.acme.n2.voximplant.com"
	Modified            time.Time
	SecureRecordStorage bool
}

// Skill is an ACD skill, both as the account's catalogue entry and as a
// user's binding.
type Skill struct {
	ID   int64
	Name string
}

// Queue is an ACD queue. As a user's binding (User.Queues) only ID, Name
// and AutoLink matter: AutoLink tells whether the user was bound
// automatically (by skill) or by hand. As the account's catalogue entry
// (Account.Queues) the other fields are the queue's settings, which
// GetQueues reports, and its simulated demand, which Evolve uses.
type Queue struct {
	ID            int64
	Name          string
	AutoLink      bool
	ApplicationID int64

	// Settings, as GetQueues reports them. Priority is acd_queue_priority
	// (0 is the highest); ServiceProbability 0 is written as the
	// documented default 1.0; MaxQueueSize (calls) and MaxWaitingTime
	// (minutes) are left out of the JSON when 0; AverageServiceTime
	// (seconds) is always written, 0 included. SLThresholds are the
	// service-level thresholds in seconds (sl_thresholds), each giving an
	// SL entry in GetACDQueueStatistics; none means DefaultSLThresholds.
	// Skills are the skills the queue is bound to (GetQueues' skills and
	// its skill_id filters). Created and Modified are left out when zero.
	Priority           int
	AutoBinding        bool
	ServiceProbability float64
	MaxQueueSize       int
	MaxWaitingTime     int
	AverageServiceTime int
	SLThresholds       []int
	Skills             []Skill
	Created, Modified  time.Time

	// Simulated demand (see Evolve). CallsPerHour is the mean arrival rate;
	// 0 takes Config.CallsPerHour, a negative value means no calls. Surge,
	// when above 1, multiplies the rate during occasional surges (one every
	// half hour or so, lasting about 5 minutes). Patience is how long callers wait
	// on average before hanging up (exponentially distributed, as in the
	// Erlang A model); 0 takes Config.Patience, else 3 minutes. AverageServiceTime,
	// when set, is also the mean talk time of simulated calls (else 90 s to
	// 330 s). MaxQueueSize, when set, rejects arrivals beyond it.
	CallsPerHour float64
	Surge        float64
	Patience     time.Duration
	// BusyAt, when set (and Surge is above 1), schedules the queue's
	// first surge: it starts at BusyAt and lasts BusyFor (when 0, a
	// random surge's length), as a campaign or an outage elsewhere would.
	// Random surges follow as usual. Generate uses it so that the demo
	// shows a queue building up within minutes of its start.
	BusyAt  time.Time
	BusyFor time.Duration
	// BreakAt, when set, sends BreakShare (0-1, rounded up to whole
	// operators) of the queue's active operators, drawn at random, on a
	// break (DND) until BreakAt+BreakFor, as a team meeting or a training
	// session would: those READY leave at once, the others when their
	// status ends (those on a call after its after-call work), and none
	// comes back before the break ends; then those DND are READY again.
	// Demand does not change, so the staffing falls short at once while
	// the callers' experience worsens only as they wait: the demo uses it
	// to show the predicted service level falling before the measured one.
	BreakAt    time.Time
	BreakFor   time.Duration
	BreakShare float64
}

// DefaultSLThresholds are the service-level thresholds (seconds) of a
// queue without its own: the industry's usual "answered within 20 s".
var DefaultSLThresholds = []int{20}

// slThresholds is q's thresholds, DefaultSLThresholds when it has none.
func (q Queue) slThresholds() []int {
	if len(q.SLThresholds) == 0 {
		return DefaultSLThresholds
	}
	return q.SLThresholds
}

func (q Queue) clone() Queue {
	q.SLThresholds = slices.Clone(q.SLThresholds)
	q.Skills = slices.Clone(q.Skills)
	return q
}

func cloneQueues(qs []Queue) []Queue {
	out := slices.Clone(qs)
	for i := range out {
		out[i] = out[i].clone()
	}
	return out
}

// binding returns q as a user's binding: the catalogue fields cleared.
func (q Queue) binding(autoLink bool) Queue {
	return Queue{ID: q.ID, Name: q.Name, AutoLink: autoLink}
}

// Call is an ACD request (a caller) in a queue. A call waits until an
// operator takes it: while it rings a READY operator, Offered names them
// (the operator is then "locked"); once answered, Operator names the
// IN_SERVICE operator and Answered says when. A call leaves the state when
// it ends (the operator leaves IN_SERVICE) or its caller hangs up while
// waiting. Evolve maintains these links; calls a test sets are taken
// verbatim.
type Call struct {
	ID       int64 // acd_session_history_id
	QueueID  int64
	Priority int       // 1 (highest) .. 100
	Arrived  time.Time // begin_time
	CallerID string    // "" leaves callerid out

	Operator int64     // the user serving the call; 0 while it waits
	Answered time.Time // when service began (with Operator)
	Offered  int64     // while waiting: the READY user it rings; 0 when none
}

// Waiting reports whether the call has not been answered yet.
func (c Call) Waiting() bool { return c.Operator == 0 }

// CallRecord is an ACD request that has left the waiting line: answered,
// abandoned (its caller hung up while waiting) or rejected (refused on
// arrival, e.g. the queue was full). GetACDQueueStatistics is computed
// from these. Evolve appends one when a call is answered, abandoned or
// rejected, and completes an answered one as its talk and after-call work
// end; tests may set a history by hand (Account.History). Durations may
// have fractions of a second.
type CallRecord struct {
	ID       int64 // acd_session_history_id
	QueueID  int64
	Arrived  time.Time
	Rejected bool

	// Answered is when an operator (Operator) took the call, zero if
	// nobody did; Rang when that operator's phone began to ring, zero when
	// unknown (the call was answered before the simulator saw it).
	Answered time.Time
	Rang     time.Time
	Operator int64
	// Abandoned is when the caller hung up while waiting, zero otherwise.
	Abandoned time.Time

	// Talk is the conversation's length once it has ended (TalkDone), ACW
	// the operator's after-call work that followed (ACWDone).
	Talk, ACW         time.Duration
	TalkDone, ACWDone bool

	// QueueLength is how many callers waited in the queue when this one
	// arrived, itself included unless rejected; 0 means unknown.
	QueueLength int
}

// Wait is how long the caller waited: until answered or until they hung
// up; 0 for a rejected call.
func (r CallRecord) Wait() time.Duration {
	switch {
	case !r.Answered.IsZero():
		return max(r.Answered.Sub(r.Arrived), 0)
	case !r.Abandoned.IsZero():
		return max(r.Abandoned.Sub(r.Arrived), 0)
	}
	return 0
}

// TimeEncoding says how a user's unknown (zero) timestamps are written, since
// the real API sends them absent, as "" and as null, and clients must cope
// with all three plus malformed values.
type TimeEncoding int

const (
	// TimeAbsent leaves the field out of the JSON (the default).
	TimeAbsent TimeEncoding = iota
	// TimeEmpty writes "".
	TimeEmpty
	// TimeNull writes null.
	TimeNull
	// TimeRaw writes User.RawStatusChange as a JSON string, verbatim, for
	// malformed-timestamp tests (e.g. "2024-13-45 99:99:99" or "yesterday").
	TimeRaw
	// TimeRawJSON writes User.RawStatusChange as a raw JSON value (e.g. 0,
	// {} or 1700000000) when it is valid JSON, else as a string.
	TimeRawJSON
)

// User is an operator of the simulated account. Zero values mean what the
// API would mean by leaving the field out, where the API can leave it out.
type User struct {
	ID               int64
	Name             string
	DisplayName      string
	Active           bool
	ParentAccounting bool
	LiveBalance      float64
	FixedBalance     float64
	CustomData       string
	Frozen           *bool // nil => "frozen" absent

	Apps   []int64 // ids of the applications the user is bound to
	Skills []Skill
	Queues []Queue

	// Status is the ACD status; "" leaves acd_status out of the JSON.
	Status string
	// StatusChange is when Status last changed. A zero value is written as
	// TimeEncoding says; TimeRaw/TimeRawJSON write RawStatusChange instead
	// even when StatusChange is set.
	StatusChange    time.Time
	TimeEncoding    TimeEncoding
	RawStatusChange string

	// Created and Modified: a zero value is written as TimeEncoding says
	// (TimeRaw and TimeRawJSON fall back to absent for these two).
	Created, Modified time.Time
}

// Account is the whole simulated account. Skills and Queues are the
// account's catalogues; GetUsers does not need them (it reports a user's
// bindings). GetQueues, GetACDState and Evolve use Queues, plus any queue
// that users are bound to without a catalogue entry. Calls are the ACD
// requests in the queues now; History the finished ones, oldest first
// (Evolve keeps it bounded to about the last 24 hours and 20000 records a
// queue).
type Account struct {
	ID      int64
	Apps    []Application
	Users   []User
	Skills  []Skill
	Queues  []Queue
	Calls   []Call
	History []CallRecord
	// StatusLog and Missed are the operators' history (operators.go):
	// every status change, and every call offered to an operator and not
	// answered, oldest first, bounded as History is.
	StatusLog []StatusEntry
	Missed    []MissedOffer
	// SmartQueue is the account's SmartQueue (ACD v2), apart from the
	// above (smartqueue.go).
	SmartQueue SmartQueue
	// Info is what GetAccountInfo reports (account.go).
	Info AccountInfo
}

// ACD statuses as documented. Clients must tolerate others; the simulator
// only produces (and accepts as filters) these.
const (
	StatusOffline      = "OFFLINE"
	StatusOnline       = "ONLINE"
	StatusReady        = "READY"
	StatusBanned       = "BANNED"
	StatusInService    = "IN_SERVICE"
	StatusAfterService = "AFTER_SERVICE"
	StatusTimeout      = "TIMEOUT"
	StatusDND          = "DND"
)

// Statuses lists the documented ACD statuses in the reference page's order.
var Statuses = []string{
	StatusOffline, StatusOnline, StatusReady, StatusBanned,
	StatusInService, StatusAfterService, StatusTimeout, StatusDND,
}

func knownStatus(s string) bool { return slices.Contains(Statuses, s) }

// clone returns a deep copy, so callers never share slices with the
// server's state.
func (u User) clone() User {
	u.Apps = slices.Clone(u.Apps)
	u.Skills = slices.Clone(u.Skills)
	u.Queues = slices.Clone(u.Queues)
	if u.Frozen != nil {
		f := *u.Frozen
		u.Frozen = &f
	}
	return u
}

func cloneUsers(us []User) []User {
	if us == nil {
		return nil
	}
	out := make([]User, len(us))
	for i, u := range us {
		out[i] = u.clone()
	}
	return out
}

func (a Account) clone() Account {
	a.Apps = slices.Clone(a.Apps)
	a.Users = cloneUsers(a.Users)
	a.Skills = slices.Clone(a.Skills)
	a.Queues = cloneQueues(a.Queues)
	a.Calls = slices.Clone(a.Calls)
	a.History = slices.Clone(a.History)
	a.StatusLog = slices.Clone(a.StatusLog)
	a.Missed = slices.Clone(a.Missed)
	a.SmartQueue = a.SmartQueue.clone()
	return a
}

// knownQueues is every queue of the account: the catalogue in its order,
// then queues that users are bound to without a catalogue entry, by id,
// described by their first binding (AutoLink cleared).
func (a *Account) knownQueues() []Queue {
	out := slices.Clone(a.Queues) // shallow: callers only read
	seen := make(map[int64]bool, len(out))
	for _, q := range out {
		seen[q.ID] = true
	}
	var extra []Queue
	for i := range a.Users {
		for _, q := range a.Users[i].Queues {
			if !seen[q.ID] {
				seen[q.ID] = true
				q.AutoLink = false
				extra = append(extra, q)
			}
		}
	}
	slices.SortFunc(extra, func(x, y Queue) int { return cmp.Compare(x.ID, y.ID) })
	return append(out, extra...)
}
