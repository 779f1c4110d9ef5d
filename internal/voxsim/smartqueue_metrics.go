package voxsim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Error codes of GetSmartQueueRealtimeMetrics (API-NOTES.md: unknown
// report 459, wrong grouping 525 and 526). Which wrong grouping gets which
// code is not documented; the simulator answers 525 for a group_by value
// that is neither queue nor agent, and 526 for a grouping the request does
// not fit (agent grouping of other than one queue, or with a report that
// only exists per queue).
const (
	CodeInvalidReportType  = 459
	CodeInvalidGroupBy     = 525
	CodeGroupingNotAllowed = 526
)

// The date errors of the statistics methods (API-NOTES.md, "Queue
// statistics"): 111 a malformed date, 123 a range that ends before it
// starts.
const (
	codeSQDateFormat = 111
	codeSQDateRange  = 123
)

// sqMaxValues bounds sq_queue_name and user_id/user_name, as
// the notes say. Going over is an invalid argument (101): the real code is
// undocumented.
const sqMaxValues = 5

// sqDefaultWindow is the window when from_date and to_date are absent.
const sqDefaultWindow = 30 * time.Minute

// sqMaxIntervals bounds the values of one group (interval splits the
// window).
const sqMaxIntervals = 1000

// Units of the report values, as SQReportUnit names them.
const (
	unitSeconds = "seconds"
	unitPercent = "percent" // 0-100
	unitCount   = "count"
)

// SQReportUnit is the unit the simulator assumes for a
// GetSmartQueueRealtimeMetrics report type ("seconds", "percent" for 0-100,
// "count"), so that tests of a client can check its conversion to base
// units against the same assumption; ok is false for a report the
// simulator does not answer.
func SQReportUnit(report string) (unit string, ok bool) {
	r, ok := sqReports[report]
	return r.unit, ok
}

// sqReport is one report type: the unit of its value, whether agent
// grouping allows it, and how it is computed over a window.
type sqReport struct {
	unit    string
	byAgent bool
	value   func(w *sqWindow) float64
}

// sqReports is every report type the simulator answers, and THE one place
// that fixes their units. The units are an ASSUMPTION: the real API does
// not document them (API-NOTES.md). Time reports are in SECONDS; _rate,
// _percentage and service_level in PERCENT (0-100); counts are counts.
//
// Every report but im_count_assigned_to_queue counts CALL tasks only: the
// names say calls, and the real API has a separate IM count. A window with
// no task gives 0, except service_level, which is 100 (no customer waited
// too long). Definitions, over the tasks of the group's queue (of the
// agent, for agent grouping) and the window [from_date, to_date):
//   - call_count_assigned_to_queue / im_count_assigned_to_queue: tasks that
//     arrived in the window and entered the queue (blocked ones did not);
//   - calls_blocked_percentage: blocked arrivals among all arrivals;
//   - count_handled_calls: tasks whose processing ended in the window;
//   - average_handle_time: their processing plus the agent's after-service
//     time;
//   - count_abandonment_calls: customers who gave up waiting in the window;
//   - average_abandonment_rate: those among the answered (processing began
//     in the window) and abandoned;
//   - service_level: answered within max_waiting_sec among the answered and
//     abandoned;
//   - average_answer_speed: arrival to the start of processing, answered;
//   - average_time_in_queue: the same wait, answered and abandoned;
//   - max_time_in_queue: the longest of those and of the tasks waiting
//     still;
//   - occupancy_rate: the time the agents (active users) spent on CALL in
//     IN_SERVICE, AFTER_SERVICE or DIALING among that and their READY
//     time.
//
// The agents' status times and the spread of handle and after-call-work
// times are in sqAgentReports (smartqueue_agentreports.go).
var sqReports = withReports(map[string]sqReport{
	"call_count_assigned_to_queue": {unitCount, false, func(w *sqWindow) float64 { return float64(w.assigned(SQChannelCall)) }},
	"im_count_assigned_to_queue":   {unitCount, false, func(w *sqWindow) float64 { return float64(w.assigned(SQChannelIM)) }},
	"calls_blocked_percentage":     {unitPercent, false, (*sqWindow).blockedPercent},
	"count_handled_calls":          {unitCount, true, func(w *sqWindow) float64 { return float64(len(w.handled())) }},
	"average_handle_time":          {unitSeconds, true, (*sqWindow).averageHandleTime},
	"count_abandonment_calls":      {unitCount, false, func(w *sqWindow) float64 { return float64(len(w.abandonedWaits())) }},
	"average_abandonment_rate":     {unitPercent, false, (*sqWindow).abandonmentRate},
	"service_level":                {unitPercent, false, (*sqWindow).serviceLevel},
	"average_answer_speed":         {unitSeconds, false, func(w *sqWindow) float64 { return mean(w.answeredWaits()) }},
	"average_time_in_queue":        {unitSeconds, false, func(w *sqWindow) float64 { return mean(append(w.answeredWaits(), w.abandonedWaits()...)) }},
	"max_time_in_queue":            {unitSeconds, false, (*sqWindow).maxTimeInQueue},
	"occupancy_rate":               {unitPercent, true, (*sqWindow).occupancy},
}, sqAgentReports)

// sqWindow is one group's data over one interval.
type sqWindow struct {
	from, to, now time.Time
	maxWait       time.Duration
	records       []SQTaskRecord
	current       []SQTask
	agents        []*SQAgent // whose occupancy counts
}

func (w *sqWindow) in(t time.Time) bool { return !t.IsZero() && !t.Before(w.from) && t.Before(w.to) }

func (w *sqWindow) assigned(ch string) int {
	n := 0
	for _, r := range w.records {
		if r.Type == ch && r.Outcome != SQOutcomeBlocked && w.in(r.Arrived) {
			n++
		}
	}
	for _, t := range w.current {
		if t.Type == ch && w.in(t.Arrived) {
			n++
		}
	}
	return n
}

func (w *sqWindow) blockedPercent() float64 {
	blocked := 0
	for _, r := range w.records {
		if r.Type == SQChannelCall && r.Outcome == SQOutcomeBlocked && w.in(r.Arrived) {
			blocked++
		}
	}
	return percent(blocked, blocked+w.assigned(SQChannelCall), 0)
}

// handled is the calls whose processing ended in the window.
func (w *sqWindow) handled() []SQTaskRecord {
	var out []SQTaskRecord
	for _, r := range w.records {
		if r.Type == SQChannelCall && r.Outcome == SQOutcomeHandled && w.in(r.Ended) {
			out = append(out, r)
		}
	}
	return out
}

func (w *sqWindow) averageHandleTime() float64 { return mean(w.handleTimes()) }

// answeredWaits is, for each call whose processing began in the window,
// its wait from arrival.
func (w *sqWindow) answeredWaits() []time.Duration {
	var out []time.Duration
	for _, r := range w.records {
		if r.Type == SQChannelCall && r.Outcome == SQOutcomeHandled && w.in(r.Started) {
			out = append(out, r.Started.Sub(r.Arrived))
		}
	}
	for _, t := range w.current {
		if t.Type == SQChannelCall && t.Status == SQTaskInProcessing && w.in(t.Started) {
			out = append(out, t.Started.Sub(t.Arrived))
		}
	}
	return out
}

// abandonedWaits is, for each call abandoned in the window, its wait.
func (w *sqWindow) abandonedWaits() []time.Duration {
	var out []time.Duration
	for _, r := range w.records {
		if r.Type == SQChannelCall && r.Outcome == SQOutcomeAbandoned && w.in(r.Ended) {
			out = append(out, r.Ended.Sub(r.Arrived))
		}
	}
	return out
}

func (w *sqWindow) abandonmentRate() float64 {
	ab := len(w.abandonedWaits())
	return percent(ab, ab+len(w.answeredWaits()), 0)
}

func (w *sqWindow) serviceLevel() float64 {
	answered := w.answeredWaits()
	inTime := 0
	for _, d := range answered {
		if d <= w.maxWait {
			inTime++
		}
	}
	return percent(inTime, len(answered)+len(w.abandonedWaits()), 100)
}

func (w *sqWindow) maxTimeInQueue() float64 {
	longest := slices.Max(append(append([]time.Duration{0}, w.answeredWaits()...), w.abandonedWaits()...))
	end := w.to
	if w.now.Before(end) {
		end = w.now
	}
	for _, t := range w.current {
		if t.Type == SQChannelCall && t.Status != SQTaskInProcessing && t.Arrived.Before(w.to) {
			longest = max(longest, end.Sub(t.Arrived))
		}
	}
	return longest.Seconds()
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func percent(n, of int, empty float64) float64 {
	if of == 0 {
		return empty
	}
	return 100 * float64(n) / float64(of)
}

// mean is the mean of ds in seconds, 0 for none.
func mean(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum.Seconds() / float64(len(ds))
}

// The JSON types of GetSmartQueueRealtimeMetrics.

type sqMetricsJSON struct {
	Result   []sqReportJSON `json:"result"`
	Timezone string         `json:"timezone"`
}

type sqReportJSON struct {
	ReportType string        `json:"report_type"`
	Groups     []sqGroupJSON `json:"groups"`
}

// sqGroupJSON is a queue's group (sq_queue_*) or an agent's (user_*).
type sqGroupJSON struct {
	SQQueueID       int64         `json:"sq_queue_id,omitempty"`
	SQQueueName     string        `json:"sq_queue_name,omitempty"`
	UserID          int64         `json:"user_id,omitempty"`
	UserName        string        `json:"user_name,omitempty"`
	UserDisplayName string        `json:"user_display_name,omitempty"`
	Values          []sqValueJSON `json:"values"`
}

type sqValueJSON struct {
	FromDate string  `json:"from_date"`
	ToDate   string  `json:"to_date"`
	Value    float64 `json:"value"`
}

// sqMetricsRequest is a validated GetSmartQueueRealtimeMetrics request.
type sqMetricsRequest struct {
	app       Application
	queues    sqQueueSel
	userIDs   []int64
	userNames []string
	loc       *time.Location
	zone      string
	from, to  time.Time
	interval  time.Duration // 0: the whole window
	reports   []string
	byAgent   bool
	maxWait   time.Duration
	at        time.Time // the request's time: statuses held now end there
}

// getSQMetrics implements GetSmartQueueRealtimeMetrics (see sqReports for
// what each report means). Validation order: the application (134, 458,
// 101, 116), the queues (sq_queue_name, optional: none is every SmartQueue
// of the application; more than 5: 101), the users (more
// than 5: 101), timezone (101), report_type (134, 459), group_by (525,
// 526), max_waiting_sec (134 with service_level, 101), the dates (111,
// 123) and interval (101). user_id and user_name filter the agents of
// agent grouping and are ignored by queue grouping. Without from_date and
// to_date the window is the last 30 minutes; interval ("HH:mm:ss", or
// "YYYY-MM-DD HH:mm:ss" with year and month 0 for days) splits it, the
// last piece ending at to_date.
func (s *Server) getSQMetrics(p *paramReader) (any, *apiError) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	req, err := s.readSQMetrics(p, now)
	if err != nil {
		return nil, err
	}
	queues := req.queues.resolve(&s.acct.SmartQueue, req.app.ID)
	var groups []sqGroup
	for _, q := range queues {
		if !req.byAgent {
			groups = append(groups, req.group(sqGroupJSON{SQQueueID: q.ID, SQQueueName: q.Name}, &s.acct, q, 0))
			continue
		}
		for _, a := range s.acct.sqAgentsOf(q.ID, req.userIDs, req.userNames) {
			u, _ := s.acct.user(a.UserID)
			groups = append(groups, req.group(sqGroupJSON{UserID: u.ID, UserName: u.Name, UserDisplayName: u.DisplayName}, &s.acct, q, a.UserID))
		}
	}
	out := sqMetricsJSON{Result: []sqReportJSON{}, Timezone: req.zone}
	for _, name := range req.reports {
		rep := sqReports[name]
		rj := sqReportJSON{ReportType: name, Groups: make([]sqGroupJSON, 0, len(groups))}
		for _, g := range groups {
			gj := g.head
			gj.Values = make([]sqValueJSON, 0, len(g.windows))
			for _, w := range g.windows {
				gj.Values = append(gj.Values, sqValueJSON{FromDate: w.from.In(req.loc).Format(timeLayout),
					ToDate: w.to.In(req.loc).Format(timeLayout), Value: rep.value(w)})
			}
			rj.Groups = append(rj.Groups, gj)
		}
		out.Result = append(out.Result, rj)
	}
	return out, nil
}

// sqGroup is one group of the answer: its head (queue or agent) and its
// data, one window per interval.
type sqGroup struct {
	head    sqGroupJSON
	windows []*sqWindow
}

// group gathers the data of queue q (of one agent when agent is not 0)
// once, for every interval.
func (r *sqMetricsRequest) group(head sqGroupJSON, acct *Account, q *SQQueue, agent int64) sqGroup {
	base := sqWindow{now: r.at, maxWait: r.maxWait}
	base.fill(acct, q, agent)
	g := sqGroup{head: head}
	for _, win := range r.windows() {
		w := base
		w.from, w.to = win[0], win[1]
		g.windows = append(g.windows, &w)
	}
	return g
}

// fill loads the window with q's tasks, those of one agent when agent is
// not 0, and the agents whose occupancy counts (active users only, as an
// inactive user cannot be logged in).
func (w *sqWindow) fill(acct *Account, q *SQQueue, agent int64) {
	sq := &acct.SmartQueue
	for _, r := range q.History {
		if agent == 0 || r.Agent == agent {
			w.records = append(w.records, r)
		}
	}
	for _, t := range sq.Tasks {
		if t.QueueID == q.ID && (agent == 0 || t.Agent == agent) {
			w.current = append(w.current, t)
		}
	}
	for i := range sq.Agents {
		a := &sq.Agents[i]
		if u, ok := acct.user(a.UserID); ok && u.Active && slices.Contains(a.Queues, q.ID) && (agent == 0 || a.UserID == agent) {
			w.agents = append(w.agents, a)
		}
	}
}

// windows splits [from, to) by interval.
func (r *sqMetricsRequest) windows() [][2]time.Time {
	if r.interval <= 0 {
		return [][2]time.Time{{r.from, r.to}}
	}
	var out [][2]time.Time
	for t := r.from; t.Before(r.to); t = t.Add(r.interval) {
		out = append(out, [2]time.Time{t, earlier(t.Add(r.interval), r.to)})
	}
	return out
}

// sqAgentsOf is the agents of queue q, by user_id, filtered by user ids and
// names when given; agents whose user is gone are left out.
func (a *Account) sqAgentsOf(q int64, ids []int64, names []string) []*SQAgent {
	var out []*SQAgent
	for i := range a.SmartQueue.Agents {
		ag := &a.SmartQueue.Agents[i]
		u, ok := a.user(ag.UserID)
		switch {
		case !ok, !slices.Contains(ag.Queues, q):
		case len(ids) > 0 && !slices.Contains(ids, ag.UserID):
		case len(names) > 0 && !slices.Contains(names, u.Name):
		default:
			out = append(out, ag)
		}
	}
	slices.SortFunc(out, func(x, y *SQAgent) int { return cmp.Compare(x.UserID, y.UserID) })
	return out
}

func (a *Account) user(id int64) (*User, bool) {
	for i := range a.Users {
		if a.Users[i].ID == id {
			return &a.Users[i], true
		}
	}
	return nil, false
}

func (s *Server) readSQMetrics(p *paramReader, now time.Time) (*sqMetricsRequest, *apiError) {
	req := &sqMetricsRequest{at: now}
	var err *apiError
	if req.app, err = s.acct.sqApp(p); err != nil {
		return nil, err
	}
	// The queue filter is sq_queue_name alone, and optional: the official
	// clients dropped sq_queue_id for this method (checkParams refuses it),
	// and without a filter every SmartQueue of the application is reported.
	req.queues = sqQueueSel{all: true}
	if names := p.list("sq_queue_name"); len(names) > 0 {
		req.queues = sqQueueSel{}
		for _, n := range names {
			if !slices.Contains(req.queues.names, n) {
				req.queues.names = append(req.queues.names, n)
			}
		}
	}
	if req.queues.count() > sqMaxValues {
		return nil, errorf(CodeInvalidArgument, "Invalid argument 'sq_queue_name': at most %d queues, got %d", sqMaxValues, req.queues.count())
	}
	// user_id is a list of ids or "all" (every agent: no filter).
	ids := p.list("user_id")
	if len(ids) == 1 && ids[0] == "all" {
		ids = nil
	}
	for _, item := range ids {
		id, perr := strconv.ParseInt(item, 10, 64)
		if perr != nil {
			return nil, errorf(CodeInvalidArgument, "Invalid argument 'user_id': %q is not an integer", item)
		}
		req.userIDs = append(req.userIDs, id)
	}
	req.userNames = p.list("user_name")
	if n := len(req.userIDs) + len(req.userNames); n > sqMaxValues {
		return nil, errorf(CodeInvalidArgument, "Invalid argument 'user_id'/'user_name': at most %d users, got %d", sqMaxValues, n)
	}
	if req.loc, req.zone, err = sqTimezone(p, s.acct.SmartQueue.Timezone); err != nil {
		return nil, err
	}
	if err = req.readReports(p); err != nil {
		return nil, err
	}
	if err = req.readDates(p, now); err != nil {
		return nil, err
	}
	return req, nil
}

// readReports reads report_type, group_by and max_waiting_sec.
func (r *sqMetricsRequest) readReports(p *paramReader) *apiError {
	for _, name := range p.list("report_type") {
		if _, ok := sqReports[name]; !ok {
			return errorf(CodeInvalidReportType, "Invalid report_type %q", name)
		}
		if !slices.Contains(r.reports, name) {
			r.reports = append(r.reports, name)
		}
	}
	if len(r.reports) == 0 {
		return errorf(CodeRequiredParamEmpty, "The required parameter 'report_type' is empty")
	}
	switch g := strings.ToLower(cmp.Or(p.str("group_by"), "queue")); g {
	case "queue":
	case "agent":
		r.byAgent = true
		if n := r.queues.count(); n != 1 {
			return errorf(CodeGroupingNotAllowed, "Grouping by agent is allowed for one queue (one sq_queue_name) only, got %d", n)
		}
		for _, name := range r.reports {
			if !sqReports[name].byAgent {
				return errorf(CodeGroupingNotAllowed, "Grouping by agent is not allowed for report_type %q", name)
			}
		}
	default:
		return errorf(CodeInvalidGroupBy, "Invalid argument 'group_by': %q is neither 'queue' nor 'agent'", g)
	}
	raw := p.str("max_waiting_sec")
	if raw == "" {
		if slices.Contains(r.reports, "service_level") {
			return errorf(CodeRequiredParamEmpty, "The parameter 'max_waiting_sec' is required with report_type service_level")
		}
		return nil
	}
	n, err := strconv.ParseInt(raw, 10, 32)
	if err != nil || n < 0 {
		return errorf(CodeInvalidArgument, "Invalid argument 'max_waiting_sec': %q is not a non-negative integer", raw)
	}
	r.maxWait = time.Duration(n) * time.Second
	return nil
}

// readDates reads from_date, to_date (in the request's zone) and interval.
func (r *sqMetricsRequest) readDates(p *paramReader, now time.Time) *apiError {
	parse := func(name string) (time.Time, bool, *apiError) {
		raw := p.str(name)
		if raw == "" {
			return time.Time{}, false, nil
		}
		t, err := time.ParseInLocation(timeLayout, raw, r.loc)
		if err != nil {
			return time.Time{}, false, errorf(codeSQDateFormat, "Invalid date format of '%s': %q, want YYYY-MM-DD HH:mm:ss", name, raw)
		}
		return t.UTC(), true, nil
	}
	from, hasFrom, err := parse("from_date")
	if err != nil {
		return err
	}
	to, hasTo, err := parse("to_date")
	if err != nil {
		return err
	}
	if !hasTo {
		to = now.UTC().Truncate(time.Second)
	}
	if !hasFrom {
		from = to.Add(-sqDefaultWindow)
	}
	if to.Before(from) {
		return errorf(codeSQDateRange, "Invalid date range: to_date is before from_date")
	}
	r.from, r.to = from, to
	if raw := p.str("interval"); raw != "" {
		d, ok := parseSQInterval(raw)
		if !ok || d <= 0 {
			return errorf(CodeInvalidArgument, "Invalid argument 'interval': %q, want HH:mm:ss", raw)
		}
		if n := to.Sub(from) / d; n > sqMaxIntervals {
			return errorf(CodeInvalidArgument, "Invalid argument 'interval': %q splits the range into more than %d values", raw, sqMaxIntervals)
		}
		r.interval = d
	}
	return nil
}

// parseSQInterval reads "HH:mm:ss", or "YYYY-MM-DD HH:mm:ss" with year
// and month 0 (DD counts days), as a duration.
func parseSQInterval(s string) (time.Duration, bool) {
	days := 0
	if date, clock, ok := strings.Cut(s, " "); ok {
		var y, m int
		if n, err := fmt.Sscanf(date, "%d-%d-%d", &y, &m, &days); err != nil || n != 3 || y != 0 || m != 0 || days < 0 {
			return 0, false
		}
		s = clock
	}
	var h, mi, sec int
	if n, err := fmt.Sscanf(s, "%d:%d:%d", &h, &mi, &sec); err != nil || n != 3 || h < 0 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	return time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second, true
}
