package voxsim

import (
	"cmp"
	"slices"
	"strings"
)

// getApplications implements GetApplications: the account's applications
// as ApplicationInfoType, in a paged answer (which echoes no offset,
// API-NOTES.md),
// optionally the one of application_id, or those whose full name contains
// application_name (case-insensitively: "the application name part to
// filter", so "support" also finds "support-night"), ordered by
// application_id and paged by count (default 20) and offset. with_rules and
// with_scenarios are accepted; the simulator has neither rules nor
// scenarios to add.
func (s *Server) getApplications(p *paramReader) (any, *apiError) {
	id, byID := p.int64("application_id")
	part := strings.ToLower(p.str("application_name"))
	p.bool("with_rules", false)
	p.bool("with_scenarios", false)
	count, offset := p.paging()
	if p.err != nil {
		return nil, p.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []Application
	for _, a := range s.acct.Apps {
		if (!byID || a.ID == id) && strings.Contains(strings.ToLower(a.Name), part) {
			matched = append(matched, a)
		}
	}
	slices.SortStableFunc(matched, func(a, b Application) int { return cmp.Compare(a.ID, b.ID) })
	page, out := pageOf[Application, applicationJSON](matched, offset, count)
	for _, a := range page {
		out.Result = append(out.Result, appJSON(a))
	}
	return out, nil
}
