package voxsim

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The operators' history: when each operator entered each status
// (Account.StatusLog) and every call offered to an operator that they did
// not answer (Account.Missed). Evolve keeps both as it plays the account;
// with the call history (Account.History) they are what
// GetACDOperatorStatusStatistics and GetACDOperatorStatistics answer from
// (operators_api.go).

// StatusEntry says that user UserID entered Status at At. A user is in
// the status of their latest entry at or before a time; the user's
// current status (User.Status since User.StatusChange) counts as an entry
// whether or not it is logged.
type StatusEntry struct {
	UserID int64
	Status string
	At     time.Time
}

// MissedOffer is a call of QueueID (its caller arrived at Arrived) that
// rang Operator from Rang until Ended and was not answered: the operator
// was banned (API-NOTES.md: BANNED follows a missed call).
type MissedOffer struct {
	CallID, QueueID, Operator int64
	Arrived, Rang, Ended      time.Time
}

// logStatus logs u's status when it changed since it was last logged.
func (e *evolver) logStatus(acct *Account, u *User) {
	if u.Status == "" || u.StatusChange.IsZero() {
		return
	}
	if e.logged == nil {
		e.logged = map[int64]StatusEntry{}
	}
	entry := StatusEntry{UserID: u.ID, Status: u.Status, At: u.StatusChange}
	if last, ok := e.logged[u.ID]; ok && last == entry {
		return
	}
	e.logged[u.ID] = entry
	acct.StatusLog = append(acct.StatusLog, entry)
}

// logStatuses logs every user's status that changed since it was logged.
func (e *evolver) logStatuses(acct *Account) {
	for i := range acct.Users {
		e.logStatus(acct, &acct.Users[i])
	}
}

// logAgents logs the status changes of the operators the call simulation
// moves (those with an agent), after each of its events: only they change
// within a step.
func (e *evolver) logAgents(acct *Account) {
	for i, ag := range e.order {
		if ag == nil {
			continue
		}
		u := &acct.Users[i]
		if u.Status == ag.loggedStatus && u.StatusChange.Equal(ag.loggedAt) {
			continue
		}
		e.logStatus(acct, u)
		ag.loggedStatus, ag.loggedAt = u.Status, u.StatusChange
	}
}

// trimOperatorLogs bounds the operators' history as History is bounded
// (maxHistoryAge), when the status log has doubled since the last trim:
// entries older than the bound go, but each user's last entry before it
// stays, since it says which status the user was in at the bound.
func (e *evolver) trimOperatorLogs(acct *Account, now time.Time) {
	if len(acct.StatusLog) < max(e.logTrimAt, minTrimAt) {
		return
	}
	floor := now.Add(-maxHistoryAge)
	lastBefore := map[int64]int{}
	for i, s := range acct.StatusLog {
		if s.At.Before(floor) {
			if j, ok := lastBefore[s.UserID]; !ok || !acct.StatusLog[j].At.After(s.At) {
				lastBefore[s.UserID] = i
			}
		}
	}
	kept := acct.StatusLog[:0]
	for i, s := range acct.StatusLog {
		if !s.At.Before(floor) || lastBefore[s.UserID] == i {
			kept = append(kept, s)
		}
	}
	clear(acct.StatusLog[len(kept):])
	acct.StatusLog = kept
	e.logTrimAt = 2 * len(kept)
	acct.Missed = slices.DeleteFunc(acct.Missed, func(m MissedOffer) bool { return m.Arrived.Before(floor) })
}

// statusSpans is every user's stays in their statuses clipped to
// [from, to], as durations by status, users by id. Stays of no length
// are left out.
func statusSpans(acct *Account, from, to time.Time) map[int64]map[string]*span {
	byUser := map[int64][]StatusEntry{}
	for _, s := range acct.StatusLog {
		byUser[s.UserID] = append(byUser[s.UserID], s)
	}
	for i := range acct.Users {
		u := &acct.Users[i]
		if u.Status == "" || u.StatusChange.IsZero() {
			continue
		}
		log := byUser[u.ID]
		if n := len(log); n == 0 || log[n-1].Status != u.Status || !log[n-1].At.Equal(u.StatusChange) {
			byUser[u.ID] = append(log, StatusEntry{UserID: u.ID, Status: u.Status, At: u.StatusChange})
		}
	}
	out := map[int64]map[string]*span{}
	for id, log := range byUser {
		slices.SortStableFunc(log, func(a, b StatusEntry) int { return a.At.Compare(b.At) })
		for i, s := range log {
			end := to
			if i+1 < len(log) {
				end = log[i+1].At
			}
			start := later(s.At, from)
			if end.After(to) {
				end = to
			}
			if !end.After(start) {
				continue
			}
			if out[id] == nil {
				out[id] = map[string]*span{}
			}
			sp := out[id][s.Status]
			if sp == nil {
				sp = &span{}
				out[id][s.Status] = sp
			}
			sp.add(end.Sub(start).Seconds())
		}
	}
	return out
}

// operatorCalls is one operator's calls over a range, as
// GetACDOperatorStatistics reports them.
type operatorCalls struct {
	answered, missed int
	sa, tt, acw, ht  span
}

// callsByOperator sums the calls whose callers arrived in [from, to], in
// the selected queues (all when queues is nil), by operator: the answered
// ones from the call history under the same rules as
// GetACDQueueStatistics (talk once it has ended, after-call work and
// handling once that has), the missed offers from Account.Missed.
func callsByOperator(acct *Account, from, to time.Time, queues map[int64]bool) map[int64]*operatorCalls {
	out := map[int64]*operatorCalls{}
	of := func(id int64) *operatorCalls {
		if out[id] == nil {
			out[id] = &operatorCalls{}
		}
		return out[id]
	}
	in := func(queue int64, arrived time.Time) bool {
		return (queues == nil || queues[queue]) && !arrived.Before(from) && !arrived.After(to)
	}
	for i := range acct.History {
		r := &acct.History[i]
		if r.Operator == 0 || r.Answered.IsZero() || !in(r.QueueID, r.Arrived) {
			continue
		}
		c := of(r.Operator)
		c.answered++
		if !r.Rang.IsZero() {
			c.sa.add(max(r.Answered.Sub(r.Rang), 0).Seconds())
		}
		if r.TalkDone {
			c.tt.add(r.Talk.Seconds())
			if r.ACWDone {
				c.acw.add(r.ACW.Seconds())
				c.ht.add((r.Talk + r.ACW).Seconds())
			}
		}
	}
	for _, m := range acct.Missed {
		if in(m.QueueID, m.Arrived) {
			of(m.Operator).missed++
		}
	}
	return out
}

// operatorQuery is the parameters both operator methods share.
type operatorQuery struct {
	from, to time.Time
	allUsers bool
	userIDs  []int64
	byUser   bool // group=user (the default)
}

// parseOperatorQuery checks the shared parameters: the dates as
// GetACDQueueStatistics checks them, then user_id (required: 134; an id
// the account does not have: 117), aggregation and group (101). Only
// aggregation=none is simulated: the others answer 101 saying so.
func parseOperatorQuery(p *paramReader, now time.Time, acct *Account) (operatorQuery, *apiError) {
	var q operatorQuery
	sq, err := parseStatsRange(p, now)
	if err != nil {
		return q, err
	}
	q.from, q.to = sq.from, sq.to
	ids := p.list("user_id")
	switch {
	case len(ids) == 0:
		return q, errorf(CodeRequiredParamEmpty, "The required parameter 'user_id' is empty")
	case len(ids) == 1 && strings.EqualFold(ids[0], "all"):
		q.allUsers = true
	default:
		for _, item := range ids {
			id, perr := strconv.ParseInt(item, 10, 64)
			if perr != nil {
				return q, errorf(CodeInvalidArgument, "Invalid argument 'user_id': %q is not an integer or 'all'", item)
			}
			if !slices.ContainsFunc(acct.Users, func(u User) bool { return u.ID == id }) {
				return q, errorf(CodeInvalidUserID, "Invalid user id %d", id)
			}
			q.userIDs = append(q.userIDs, id)
		}
	}
	switch agg := strings.ToLower(cmp.Or(p.str("aggregation"), aggNone)); agg {
	case aggNone:
	case aggDay, aggHour, aggHourOfDay:
		return q, errorf(CodeInvalidArgument, "Invalid argument 'aggregation': %q is valid but the simulator serves only none", agg)
	default:
		return q, errorf(CodeInvalidArgument, "Invalid argument 'aggregation': %q is not one of none, day, hour, hour_of_day", agg)
	}
	switch g := strings.ToLower(cmp.Or(p.str("group"), "user")); g {
	case "user":
		q.byUser = true
	case "aggregation":
	default:
		return q, errorf(CodeInvalidArgument, "Invalid argument 'group': %q is not user or aggregation", g)
	}
	return q, nil
}

// wants reports whether the query covers user id.
func (q *operatorQuery) wants(id int64) bool { return q.allUsers || slices.Contains(q.userIDs, id) }

// groupOperators lays the per-operator records out as the grouping asks:
// group=user, one group per operator holding its one record (without
// user_id); group=aggregation, one group (aggregation=none has one
// interval) holding every operator's record (with user_id). No operator,
// no group.
func groupOperators(q operatorQuery, ids []int64, record func(id int64) map[string]any) map[string]any {
	slices.Sort(ids)
	out := []map[string]any{}
	if q.byUser {
		for _, id := range ids {
			out = append(out, map[string]any{"user_id": id, "statistics": []map[string]any{record(id)}})
		}
	} else if len(ids) > 0 {
		var recs []map[string]any
		for _, id := range ids {
			r := record(id)
			r["user_id"] = id
			recs = append(recs, r)
		}
		out = append(out, map[string]any{"statistics": recs})
	}
	return map[string]any{"result": out}
}
