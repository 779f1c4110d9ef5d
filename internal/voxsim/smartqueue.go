package voxsim

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SmartQueue (ACD v2) is modelled apart from the ACD v1 users and calls:
// its agents are users of the account, but their status is per channel and
// lives here, not in User.Status, as on the real service (API-NOTES.md,
// "SmartQueue"). GetSQState reads the state now; GetSmartQueueRealtimeMetrics
// aggregates the finished tasks and the agents' past statuses kept here;
// Evolve animates it (smartqueue_sim.go).

// SmartQueue channels: an agent has a status on each channel they are
// present on, and a task belongs to one channel.
const (
	SQChannelCall = "CALL"
	SQChannelIM   = "IM"
)

// SQChannels lists the channels in the order the simulator writes them.
var SQChannels = []string{SQChannelCall, SQChannelIM}

// SmartQueue agent statuses. DIALING and BANNED are set by the system: the
// simulator's agent is DIALING on CALL while a call is offered to them and
// BANNED for a few minutes after missing one. Accounts may define up to
// ten custom statuses (SmartQueue.CustomStatuses); they are plain strings.
const (
	SQStatusOffline      = "OFFLINE"
	SQStatusOnline       = "ONLINE"
	SQStatusReady        = "READY"
	SQStatusInService    = "IN_SERVICE"
	SQStatusAfterService = "AFTER_SERVICE"
	SQStatusDND          = "DND"
	SQStatusDialing      = "DIALING"
	SQStatusBanned       = "BANNED"
)

// SQStatuses lists the built-in SmartQueue statuses (no TIMEOUT: that is
// ACD v1 only).
var SQStatuses = []string{
	SQStatusOffline, SQStatusOnline, SQStatusReady, SQStatusInService,
	SQStatusAfterService, SQStatusDND, SQStatusDialing, SQStatusBanned,
}

// MaxSQCustomStatuses is how many custom statuses an account may define.
const MaxSQCustomStatuses = 10

// SmartQueue task states, as GetSQState reports them.
const (
	SQTaskInQueue      = "IN_QUEUE"
	SQTaskDistributed  = "DISTRIBUTED"
	SQTaskInProcessing = "IN_PROCESSING"
)

// Outcomes of a finished task (SQTaskRecord.Outcome).
const (
	SQOutcomeHandled   = "handled"   // processed by an agent
	SQOutcomeAbandoned = "abandoned" // the customer gave up while waiting
	SQOutcomeBlocked   = "blocked"   // refused on arrival: the queue was full
)

// SmartQueue is the account's SmartQueue state. The zero value has no
// queues, and Evolve leaves it alone.
type SmartQueue struct {
	Queues []SQQueue
	Skills []SQSkill // the catalogue: names of the skill ids used below
	Agents []SQAgent
	// Tasks are the tasks in the queues now: waiting, distributed or in
	// processing. Finished ones move to their queue's History.
	Tasks []SQTask
	// CustomStatuses are the account's custom agent statuses (at most
	// MaxSQCustomStatuses), e.g. "LUNCH"; Evolve sends agents on them.
	CustomStatuses []string
	// Timezone is the account's zone (an IANA name), the default of the
	// methods' timezone parameter; "" is UTC.
	Timezone string
}

// SQSkill is a SmartQueue skill of the catalogue.
type SQSkill struct {
	ID   int64
	Name string
}

// SQSkillLevel binds a skill at a level 1-5: an agent's proficiency, or
// the least proficiency a task requires.
type SQSkillLevel struct {
	ID    int64
	Level int
}

// SQQueue is a SmartQueue queue of an application.
type SQQueue struct {
	ID            int64
	Name          string
	ApplicationID int64

	// Simulated demand (see Evolve). CallsPerHour and MessagesPerHour are
	// the mean arrival rates of CALL and IM tasks (0: none). Surge, when
	// above 1, multiplies them in busy periods (one every 25 minutes or so,
	// lasting about 5). Patience is the mean time a customer waits before
	// abandoning (0: 2 minutes). MaxQueueSize, when set, blocks arrivals
	// while that many tasks of the channel wait. Skills are what tasks may
	// require: a task requires none or one of them, at a level up to the
	// one given.
	CallsPerHour    float64
	MessagesPerHour float64
	Surge           float64
	Patience        time.Duration
	MaxQueueSize    int
	Skills          []SQSkillLevel

	// History is the queue's finished tasks, oldest first, bounded (see
	// sqHistoryCap, sqKeep): what the metrics are computed from.
	History []SQTaskRecord
}

// SQAgent is a user working in SmartQueue.
type SQAgent struct {
	UserID int64   // a user of the account (its name comes from there)
	Queues []int64 // the queues the agent serves
	Skills []SQSkillLevel
	// Channels are the channels the agent is present on (CALL, IM or
	// both), each with its status. An agent is logged in, and listed by
	// GetSQState, when some channel is not OFFLINE.
	Channels []SQChannel
	// Past is the agent's finished statuses, oldest first, bounded by age
	// (sqKeep): occupancy is computed from them.
	Past []SQStatusSpan
}

// SQChannel is an agent's status on one channel since a time.
type SQChannel struct {
	Name   string // SQChannelCall or SQChannelIM
	Status string
	Since  time.Time
}

// SQStatusSpan is a status an agent held on a channel from From to To.
type SQStatusSpan struct {
	Channel, Status string
	From, To        time.Time
}

// SQTask is a task (a call or a message) in a queue. Agent is the agent it
// is distributed to or processed by (0 while IN_QUEUE).
type SQTask struct {
	ID         int64
	QueueID    int64
	Type       string // SQChannelCall or SQChannelIM
	Status     string // SQTaskInQueue, SQTaskDistributed, SQTaskInProcessing
	Agent      int64
	Skills     []SQSkillLevel // required
	Arrived    time.Time
	Started    time.Time // when processing began (IN_PROCESSING)
	CustomData string    // "" leaves custom_data out
}

// SQTaskRecord is a finished task.
type SQTaskRecord struct {
	ID      int64
	Type    string
	Agent   int64 // who processed it; 0 unless handled
	Outcome string
	Arrived time.Time
	Started time.Time     // processing began (handled only)
	Ended   time.Time     // processing ended, abandoned or blocked
	WrapUp  time.Duration // the agent's after-service time (handled only)
}

func (q SQQueue) clone() SQQueue {
	q.Skills = slices.Clone(q.Skills)
	q.History = slices.Clone(q.History)
	return q
}

func (a SQAgent) clone() SQAgent {
	a.Queues = slices.Clone(a.Queues)
	a.Skills = slices.Clone(a.Skills)
	a.Channels = slices.Clone(a.Channels)
	a.Past = slices.Clone(a.Past)
	return a
}

func (sq SmartQueue) clone() SmartQueue {
	sq.Queues = cloneEach(sq.Queues, SQQueue.clone)
	sq.Skills = slices.Clone(sq.Skills)
	sq.Agents = cloneEach(sq.Agents, SQAgent.clone)
	sq.Tasks = cloneEach(sq.Tasks, func(t SQTask) SQTask { t.Skills = slices.Clone(t.Skills); return t })
	sq.CustomStatuses = slices.Clone(sq.CustomStatuses)
	return sq
}

func cloneEach[T any](xs []T, f func(T) T) []T {
	if xs == nil {
		return nil
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// channel returns the agent's status on ch, nil when not present there.
func (a *SQAgent) channel(ch string) *SQChannel {
	for i := range a.Channels {
		if a.Channels[i].Name == ch {
			return &a.Channels[i]
		}
	}
	return nil
}

// loggedIn reports whether some channel of the agent is not OFFLINE.
func (a *SQAgent) loggedIn() bool {
	return slices.ContainsFunc(a.Channels, func(c SQChannel) bool { return c.Status != SQStatusOffline })
}

func (sq *SmartQueue) skillName(id int64) string {
	if i := slices.IndexFunc(sq.Skills, func(s SQSkill) bool { return s.ID == id }); i >= 0 {
		return sq.Skills[i].Name
	}
	return ""
}

// UpdateSmartQueue lets a test change the SmartQueue atomically (an
// agent's status, a task, a queue's demand). fn must not retain sq. The
// next Evolve meets the changed channels anew and resolves the links that
// contradict them, as after SetCalls: a task whose agent is no longer
// DIALING, READY or IN_SERVICE for it waits again or has ended.
func (s *Server) UpdateSmartQueue(fn func(sq *SmartQueue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.acct.SmartQueue)
	s.acct.SmartQueue = s.acct.SmartQueue.clone()
}

// The JSON types of GetSQState, named as the notes name the fields.

type sqStateJSON struct {
	Result []sqQueueStateJSON `json:"result"`
}

type sqQueueStateJSON struct {
	SQQueueID   int64         `json:"sq_queue_id"`
	SQQueueName string        `json:"sq_queue_name"`
	SQAgents    []sqAgentJSON `json:"sq_agents"`
	Tasks       []sqTaskJSON  `json:"tasks"`
}

type sqSkillJSON struct {
	SQSkillID    int64  `json:"sq_skill_id"`
	SQSkillName  string `json:"sq_skill_name"`
	SQSkillLevel int    `json:"sq_skill_level"`
}

type sqStatusJSON struct {
	SQStatusName string `json:"sq_status_name"`
	FromDate     string `json:"from_date"`
}

type sqAgentJSON struct {
	UserID          int64         `json:"user_id"`
	UserName        string        `json:"user_name"`
	UserDisplayName string        `json:"user_display_name"`
	SQSkills        []sqSkillJSON `json:"sq_skills"`
	// SQStatuses is one object keyed by the channels the agent is present
	// on, in a list, as the API sends it.
	SQStatuses []map[string]sqStatusJSON `json:"sq_statuses"`
}

// sqTaskJSON: user_id only once an agent is chosen; times in milliseconds.
type sqTaskJSON struct {
	TaskType       string        `json:"task_type"`
	Status         string        `json:"status"`
	UserID         int64         `json:"user_id,omitempty"`
	SQSkills       []sqSkillJSON `json:"sq_skills"`
	WaitingTime    int64         `json:"waiting_time"`
	ProcessingTime int64         `json:"processing_time"`
	CustomData     string        `json:"custom_data,omitempty"`
}

// sqApp resolves the application parameters of the SmartQueue methods:
// exactly one of application_id and application_name (neither: 134, both:
// 458). An unknown application is 116 for either: a name must equal the
// application's full name or its first label ("smartqueue" for
// "smartqueue.acme.n2.voximplant.com"), ignoring case.
func (a *Account) sqApp(p *paramReader) (Application, *apiError) {
	appID, hasAppID := p.int64("application_id")
	appName := p.str("application_name")
	if p.err != nil {
		return Application{}, p.err
	}
	switch {
	case p.has("application_id") && appName != "":
		return Application{}, errorf(CodeOnlyOneParam, "Only one of the parameters 'application_id', 'application_name' may be given")
	case !hasAppID && appName == "":
		return Application{}, errorf(CodeRequiredParamEmpty, "The required parameter 'application_id' or 'application_name' is empty")
	case hasAppID:
		if app, ok := a.app(appID); ok {
			return app, nil
		}
		return Application{}, errorf(CodeInvalidApplicationID, "Invalid application id %d", appID)
	}
	for _, app := range a.Apps {
		short, _, _ := strings.Cut(app.Name, ".")
		if strings.EqualFold(app.Name, appName) || strings.EqualFold(short, appName) {
			return app, nil
		}
	}
	return Application{}, errorf(CodeInvalidApplicationID, "Invalid application name %q", appName)
}

// sqQueueParams reads sq_queue_id (a ';'-list of ids, or "all" when
// allowAll) or sq_queue_name (a ';'-list of exact names): exactly one
// (neither: 134, both: 458). It returns the values given, so callers can
// bound them, and a selector resolving them against an application.
type sqQueueSel struct {
	all   bool
	ids   []int64
	names []string
}

func readSQQueues(p *paramReader) (sqQueueSel, *apiError) {
	rawID, rawName := p.str("sq_queue_id"), p.str("sq_queue_name")
	switch {
	case rawID != "" && rawName != "":
		return sqQueueSel{}, errorf(CodeOnlyOneParam, "Only one of the parameters 'sq_queue_id', 'sq_queue_name' may be given")
	case rawID == "" && rawName == "":
		return sqQueueSel{}, errorf(CodeRequiredParamEmpty, "The required parameter 'sq_queue_id' or 'sq_queue_name' is empty")
	case rawName != "":
		var sel sqQueueSel
		for _, n := range p.list("sq_queue_name") {
			if !slices.Contains(sel.names, n) {
				sel.names = append(sel.names, n)
			}
		}
		return sel, nil
	case strings.EqualFold(rawID, "all"):
		return sqQueueSel{all: true}, nil
	}
	var sel sqQueueSel
	for _, item := range p.list("sq_queue_id") {
		id, err := strconv.ParseInt(item, 10, 64)
		if err != nil {
			return sqQueueSel{}, errorf(CodeInvalidArgument, "Invalid argument 'sq_queue_id': %q is not an integer", item)
		}
		if !slices.Contains(sel.ids, id) {
			sel.ids = append(sel.ids, id)
		}
	}
	if len(sel.ids) == 0 {
		return sqQueueSel{}, errorf(CodeRequiredParamEmpty, "The required parameter 'sq_queue_id' is empty")
	}
	return sel, nil
}

func (sel sqQueueSel) count() int { return len(sel.ids) + len(sel.names) }

// resolve returns the selected queues of app, in the order given (all: in
// catalogue order). Ids and names the application does not have are left
// out rather than failing the request, as the API's list filters do.
func (sel sqQueueSel) resolve(sq *SmartQueue, app int64) []*SQQueue {
	var out []*SQQueue
	add := func(match func(*SQQueue) bool) {
		for i := range sq.Queues {
			if q := &sq.Queues[i]; q.ApplicationID == app && match(q) {
				out = append(out, q)
			}
		}
	}
	switch {
	case sel.all:
		add(func(*SQQueue) bool { return true })
	case len(sel.names) > 0:
		for _, n := range sel.names {
			add(func(q *SQQueue) bool { return q.Name == n })
		}
	default:
		for _, id := range sel.ids {
			add(func(q *SQQueue) bool { return q.ID == id })
		}
	}
	return out
}

// sqTimezone resolves the timezone parameter, default (and "auto", as the
// VoxEngine reference has it) the account's zone, UTC when it has none:
// UTC, Etc/UTC, GMT and Etc/GMT never need the zone database; any other
// name time.LoadLocation knows is accepted, else 101. It returns the
// location and the name the answer reports.
func sqTimezone(p *paramReader, account string) (*time.Location, string, *apiError) {
	name := p.str("timezone")
	if name == "" || strings.EqualFold(name, "auto") {
		name = cmp.Or(account, "UTC")
	}
	switch name {
	case "UTC", "Etc/UTC", "GMT", "Etc/GMT":
		return time.UTC, name, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, "", errorf(CodeInvalidArgument, "Invalid argument 'timezone': unknown time zone %q", name)
	}
	return loc, name, nil
}

// getSQState implements GetSQState: per selected queue of the
// application, the logged-in agents serving it (active users whose some
// channel is not OFFLINE), by user_id, with every channel they are present
// on; and its tasks, by arrival. waiting_time runs from arrival to the
// start of processing (or now), processing_time from then to now; both in
// milliseconds. from_date is in the timezone parameter's zone.
func (s *Server) getSQState(p *paramReader) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, err := s.acct.sqApp(p)
	if err != nil {
		return nil, err
	}
	sel, err := readSQQueues(p)
	if err != nil {
		return nil, err
	}
	loc, _, err := sqTimezone(p, s.acct.SmartQueue.Timezone)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sq := &s.acct.SmartQueue
	users := make(map[int64]*User, len(s.acct.Users))
	for i := range s.acct.Users {
		users[s.acct.Users[i].ID] = &s.acct.Users[i]
	}
	out := sqStateJSON{Result: []sqQueueStateJSON{}}
	for _, q := range sel.resolve(sq, app.ID) {
		j := sqQueueStateJSON{SQQueueID: q.ID, SQQueueName: q.Name, SQAgents: []sqAgentJSON{}, Tasks: []sqTaskJSON{}}
		var agents []*SQAgent
		for i := range sq.Agents {
			a := &sq.Agents[i]
			if u := users[a.UserID]; u != nil && u.Active && slices.Contains(a.Queues, q.ID) && a.loggedIn() {
				agents = append(agents, a)
			}
		}
		slices.SortFunc(agents, func(x, y *SQAgent) int { return cmp.Compare(x.UserID, y.UserID) })
		for _, a := range agents {
			u := users[a.UserID]
			aj := sqAgentJSON{UserID: u.ID, UserName: u.Name, UserDisplayName: u.DisplayName,
				SQSkills: sq.skillsJSON(a.Skills), SQStatuses: []map[string]sqStatusJSON{{}}}
			for _, c := range a.Channels {
				aj.SQStatuses[0][c.Name] = sqStatusJSON{SQStatusName: c.Status, FromDate: c.Since.In(loc).Format(timeLayout)}
			}
			j.SQAgents = append(j.SQAgents, aj)
		}
		var tasks []*SQTask
		for i := range sq.Tasks {
			if t := &sq.Tasks[i]; t.QueueID == q.ID {
				tasks = append(tasks, t)
			}
		}
		slices.SortFunc(tasks, func(x, y *SQTask) int { return cmp.Or(x.Arrived.Compare(y.Arrived), cmp.Compare(x.ID, y.ID)) })
		for _, t := range tasks {
			j.Tasks = append(j.Tasks, sq.taskJSON(t, now))
		}
		out.Result = append(out.Result, j)
	}
	return out, nil
}

func (sq *SmartQueue) skillsJSON(ls []SQSkillLevel) []sqSkillJSON {
	out := make([]sqSkillJSON, 0, len(ls))
	for _, l := range ls {
		out = append(out, sqSkillJSON{SQSkillID: l.ID, SQSkillName: sq.skillName(l.ID), SQSkillLevel: l.Level})
	}
	return out
}

func (sq *SmartQueue) taskJSON(t *SQTask, now time.Time) sqTaskJSON {
	j := sqTaskJSON{TaskType: t.Type, Status: t.Status, SQSkills: sq.skillsJSON(t.Skills), CustomData: t.CustomData}
	if t.Status != SQTaskInQueue {
		j.UserID = t.Agent
	}
	if t.Status == SQTaskInProcessing && !t.Started.IsZero() {
		j.WaitingTime = millis(t.Started.Sub(t.Arrived))
		j.ProcessingTime = millis(now.Sub(t.Started))
	} else {
		j.WaitingTime = millis(now.Sub(t.Arrived))
	}
	return j
}

func millis(d time.Duration) int64 { return int64(max(d, 0) / time.Millisecond) }
