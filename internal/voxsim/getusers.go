package voxsim

import (
	"cmp"
	"slices"
	"strings"
)

// getUsers implements GetUsers over the account, with every parameter of
// the reference page. Validation order: malformed values (101), the
// application pair (458, 134), order_by (101), acd_status (227), unknown
// application_id (116).
func (s *Server) getUsers(p *paramReader) (any, *apiError) {
	appID, hasAppID := p.int64("application_id")
	appName := p.str("application_name")
	skillID, hasSkill := p.int64("skill_id")
	exSkillID, hasExSkill := p.int64("excluded_skill_id")
	queueID, hasQueue := p.int64("acd_queue_id")
	exQueueID, hasExQueue := p.int64("excluded_acd_queue_id")
	userID, hasUserID := p.int64("user_id")
	userName := strings.ToLower(p.str("user_name"))
	displayName := strings.ToLower(p.str("user_display_name"))
	active, hasActive := p.bool("user_active", false)
	withSkills, _ := p.bool("with_skills", false)
	withQueues, _ := p.bool("with_queues", false)
	showingSkill, _ := p.int64("showing_skill_id")
	count := p.nonNegInt("count", 20)
	offset := p.nonNegInt("offset", 0)
	liveBalance, _ := p.bool("return_live_balance", true)
	statuses := p.list("acd_status")
	orderBy := cmp.Or(p.str("order_by"), "user_name")
	if p.err != nil {
		return nil, p.err
	}

	// The reference marks both required; the notes say send exactly one.
	// Neither is treated as a required parameter left empty.
	switch {
	case p.has("application_id") && appName != "":
		return nil, errorf(CodeOnlyOneParam, "Only one of the parameters 'application_id', 'application_name' may be given")
	case !hasAppID && appName == "":
		return nil, errorf(CodeRequiredParamEmpty, "The required parameter 'application_id' or 'application_name' is empty")
	}
	less, ok := userOrder(orderBy)
	if !ok {
		return nil, errorf(CodeInvalidArgument, "Invalid argument 'order_by': %q", orderBy)
	}
	for _, st := range statuses {
		if !knownStatus(st) {
			return nil, errorf(CodeInvalidACDStatus, "Invalid acd_status %q", st)
		}
	}
	if s.cfg.MaxCount > 0 {
		count = min(count, s.cfg.MaxCount)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	acct := &s.acct

	// apps is the set of applications a user must be bound to (one of).
	apps, apiErr := acct.appSet(hasAppID, appID, appName)
	if apiErr != nil {
		return nil, apiErr
	}

	var matched []*User
	for i := range acct.Users {
		u := &acct.Users[i]
		switch {
		case !slices.ContainsFunc(u.Apps, func(id int64) bool { return apps[id] }):
		case hasSkill && !hasSkillID(u, skillID):
		case hasExSkill && hasSkillID(u, exSkillID):
		case hasQueue && !hasQueueID(u, queueID):
		case hasExQueue && hasQueueID(u, exQueueID):
		case hasUserID && u.ID != userID:
		case userName != "" && !strings.Contains(strings.ToLower(u.Name), userName):
		case displayName != "" && !strings.Contains(strings.ToLower(u.DisplayName), displayName):
		case hasActive && u.Active != active:
		case len(statuses) > 0 && !slices.Contains(statuses, u.Status):
		default:
			matched = append(matched, u)
		}
	}
	slices.SortStableFunc(matched, less)

	page := matched[min(offset, len(matched)):]
	page = page[:min(count, len(page))]
	view := usersView{withSkills: withSkills, withQueues: withQueues, showingSkill: showingSkill, liveBalance: liveBalance}
	out := getUsersJSON{Result: make([]userJSON, 0, len(page)), TotalCount: len(matched), Count: len(page)}
	if s.claimedTotal > 0 {
		out.TotalCount = s.claimedTotal
	}
	for _, u := range page {
		out.Result = append(out.Result, acct.encodeUser(u, view))
	}
	return out, nil
}

func hasSkillID(u *User, id int64) bool {
	return slices.ContainsFunc(u.Skills, func(s Skill) bool { return s.ID == id })
}

func hasQueueID(u *User, id int64) bool {
	return slices.ContainsFunc(u.Queues, func(q Queue) bool { return q.ID == id })
}

// userOrder returns the comparison for order_by. Name orders break ties by
// user_id so pages are deterministic.
func userOrder(orderBy string) (func(a, b *User) int, bool) {
	byID := func(a, b *User) int { return cmp.Compare(a.ID, b.ID) }
	switch orderBy {
	case "user_id":
		return byID, true
	case "user_name":
		return func(a, b *User) int { return cmp.Or(strings.Compare(a.Name, b.Name), byID(a, b)) }, true
	case "user_display_name":
		return func(a, b *User) int { return cmp.Or(strings.Compare(a.DisplayName, b.DisplayName), byID(a, b)) }, true
	}
	return nil, false
}
