package voxsim

import (
	"slices"
	"sort"
	"strings"
)

// methodParams is every parameter each served method takes: those of the
// reference (API-NOTES.md) and of the newest official clients' request
// types (@voximplant/apiclient-nodejs 4.11.0, dist/Interfaces.d.ts; the
// Go client v2.7.0's methods/*.go parameter structs declare the same names
// for these seven methods). The fidelity suite (fidelity/) fails when this
// table and the Node client's declarations differ.
// Any other parameter is refused with 101, so that a parameter no official
// client sends fails a test here instead of on a real account. How the
// real service treats an unknown parameter is not documented (inference:
// it may ignore it, which is worse: GetQueues' application_name would then
// list every queue of the account).
//
// Deliberately absent: sq_queue_id for GetSmartQueueRealtimeMetrics (the
// official clients removed it on 2024-12-12) and application_name for
// GetQueues (no official client has it).
var methodParams = map[string][]string{
	"GetUsers": {"application_id", "application_name", "skill_id", "excluded_skill_id", "acd_queue_id",
		"excluded_acd_queue_id", "user_id", "user_name", "user_active", "user_display_name", "with_skills",
		"with_queues", "acd_status", "showing_skill_id", "count", "offset", "order_by", "return_live_balance"},
	"GetACDState": {"acd_queue_id"},
	"GetQueues": {"acd_queue_id", "acd_queue_name", "application_id", "skill_id", "excluded_skill_id",
		"with_skills", "showing_skill_id", "count", "offset", "with_operatorcount"},
	"GetACDQueueStatistics": {"from_date", "to_date", "abbreviation", "acd_queue_id", "report", "aggregation"},
	"GetSQState":            {"application_id", "application_name", "sq_queue_id", "sq_queue_name", "timezone"},
	"GetSmartQueueRealtimeMetrics": {"application_id", "application_name", "user_id", "user_name", "sq_queue_name",
		"from_date", "to_date", "timezone", "interval", "report_type", "group_by", "max_waiting_sec"},
	"GetApplications": {"application_id", "application_name", "with_rules", "with_scenarios", "count", "offset"},
}

// MethodParams is the parameters the simulator accepts for method, sorted,
// and false for a method it does not serve. Tests compare it with the
// official client's declarations.
func MethodParams(method string) ([]string, bool) {
	ps, ok := methodParams[method]
	if !ok {
		return nil, false
	}
	out := slices.Clone(ps)
	sort.Strings(out)
	return out, true
}

// checkParams refuses a request carrying a parameter method does not take
// (cmd, the method's name in the Python and Node.js clients' request form,
// is not a parameter). Names are matched exactly: the API's are lower
// case.
func checkParams(method string, p *paramReader) *apiError {
	var unknown []string
	for name := range p.v {
		if name != "cmd" && !slices.Contains(methodParams[method], name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return errorf(CodeInvalidArgument, "Invalid argument '%s': %s does not take it (it takes %s)",
		unknown[0], method, strings.Join(methodParams[method], ", "))
}
