package voxsim

import (
	"slices"
	"strconv"
	"strings"
)

// The operator statistics methods, registered here so that the routing
// table and the roles stay as they were for the other methods.
func init() {
	methods["GetACDOperatorStatusStatistics"] = (*Server).getACDOperatorStatusStatistics
	methods["GetACDOperatorStatistics"] = (*Server).getACDOperatorStatistics
	roles := []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor, RoleUserManager} // the reference's, for both
	MethodRoles["GetACDOperatorStatusStatistics"] = roles
	MethodRoles["GetACDOperatorStatistics"] = slices.Clone(roles)
}

// operatorItems are GetACDOperatorStatistics' report items: the
// abbreviation and the full name abbreviation=false gives (API-NOTES.md).
var operatorItems = []struct{ abbr, full string }{
	{"SA", "SpeedOfAnswer"},
	{"TT", "TalkTime"},
	{"ACW", "AfterCallWork"},
	{"HT", "HandlingTime"},
	{"AC", "AnsweredCalls"},
	{"UAC", "UnansweredCalls"},
	{"TDT", "TotalDialingTime"},
	{"THT", "TotalHandlingTime"},
	{"TTT", "TotalTalkTime"},
	{"TACW", "TotalAfterCallWork"},
}

// getACDOperatorStatusStatistics implements
// GetACDOperatorStatusStatistics from the status log (Account.StatusLog
// and each user's current status).
//
// Choices the notes leave open, made here:
//   - A stay counts with the part of it inside [from_date, to_date]; a
//     status with no time there is absent, and an operator with no time
//     in any status asked for has no group.
//   - acd_status is one object keyed by status, as the reference's example
//     answer has it (its types say a list; the client reads both), and
//     user_id a number, as in the example.
//   - acd_status filters the statuses reported; an undocumented one is
//     227. Only aggregation=none is simulated.
func (s *Server) getACDOperatorStatusStatistics(p *paramReader) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := parseOperatorQuery(p, s.now(), &s.acct)
	if err != nil {
		return nil, err
	}
	statuses := p.list("acd_status")
	for _, st := range statuses {
		if !knownStatus(strings.ToUpper(st)) {
			return nil, errorf(CodeInvalidACDStatus, "Invalid acd_status %q", st)
		}
	}
	want := func(st string) bool {
		return len(statuses) == 0 || slices.ContainsFunc(statuses, func(w string) bool { return strings.EqualFold(w, st) })
	}
	// The current stays end now, however far to_date is.
	end := q.to
	if now := s.now(); end.After(now) {
		end = now
	}
	spans := statusSpans(&s.acct, q.from, end)
	var ids []int64
	for id, byStatus := range spans {
		if !q.wants(id) {
			continue
		}
		for st := range byStatus {
			if want(st) {
				ids = append(ids, id)
				break
			}
		}
	}
	return groupOperators(q, ids, func(id int64) map[string]any {
		byStatus := map[string]spanJSON{}
		for st, sp := range spans[id] {
			if want(st) {
				byStatus[st] = sp.json()
			}
		}
		return map[string]any{"acd_status": byStatus}
	}), nil
}

// getACDOperatorStatistics implements GetACDOperatorStatistics from the
// call history and the missed offers.
//
// Choices the notes leave open, made here:
//   - A call belongs to the range its caller arrived in, as in
//     GetACDQueueStatistics, so that over one range the operators'
//     answered calls add up to the queues' (AC); UAC counts the offers the
//     operator missed (the call rang them and they did not answer).
//   - AC and UAC are plain numbers, as the reference's example has them;
//     the spans are absent without data, the totals with them. An
//     operator with neither an answered nor a missed call has no group.
//   - acd_queue_id (all by default) filters the calls' queues (218 for an
//     unknown one); report and abbreviation as in GetACDQueueStatistics.
//     Only aggregation=none is simulated.
func (s *Server) getACDOperatorStatistics(p *paramReader) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := parseOperatorQuery(p, s.now(), &s.acct)
	if err != nil {
		return nil, err
	}
	var queues map[int64]bool
	if ids := p.list("acd_queue_id"); len(ids) > 0 && !(len(ids) == 1 && strings.EqualFold(ids[0], "all")) {
		queues = map[int64]bool{}
		known := s.acct.knownQueues()
		for _, item := range ids {
			id, perr := strconv.ParseInt(item, 10, 64)
			if perr != nil {
				return nil, errorf(CodeInvalidArgument, "Invalid argument 'acd_queue_id': %q is not an integer or 'all'", item)
			}
			if !slices.ContainsFunc(known, func(k Queue) bool { return k.ID == id }) {
				return nil, errorf(CodeInvalidQueueID, "Invalid ACD queue id %d", id)
			}
			queues[id] = true
		}
	}
	items := map[string]bool{}
	if report := p.list("report"); len(report) == 0 || len(report) == 1 && strings.EqualFold(report[0], "all") {
		for _, it := range operatorItems {
			items[it.abbr] = true
		}
	} else {
		for _, r := range report {
			i := slices.IndexFunc(operatorItems, func(it struct{ abbr, full string }) bool { return strings.EqualFold(it.abbr, r) })
			if i < 0 {
				return nil, errorf(CodeInvalidReport, "Invalid report %q: use 'all' or a ';'-list of SA, TT, ACW, HT, AC, UAC, TDT, THT, TTT, TACW", r)
			}
			items[operatorItems[i].abbr] = true
		}
	}
	abbr, _ := p.bool("abbreviation", true)
	if p.err != nil {
		return nil, p.err
	}
	calls := callsByOperator(&s.acct, q.from, q.to, queues)
	var ids []int64
	for id := range calls {
		if q.wants(id) {
			ids = append(ids, id)
		}
	}
	return groupOperators(q, ids, func(id int64) map[string]any {
		c := calls[id]
		rec := map[string]any{}
		put := func(key string, v any) {
			if !items[key] {
				return
			}
			if !abbr {
				i := slices.IndexFunc(operatorItems, func(it struct{ abbr, full string }) bool { return it.abbr == key })
				key = operatorItems[i].full
			}
			rec[key] = v
		}
		put("AC", c.answered)
		put("UAC", c.missed)
		for _, it := range []struct {
			abbr, total string
			s           *span
		}{{"SA", "TDT", &c.sa}, {"TT", "TTT", &c.tt}, {"ACW", "TACW", &c.acw}, {"HT", "THT", &c.ht}} {
			if it.s.n > 0 {
				put(it.abbr, it.s.json())
				put(it.total, round3(it.s.sum))
			}
		}
		return rec
	}), nil
}
