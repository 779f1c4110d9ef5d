package main

import "strings"

// The PromQL every panel is built from. A panel never writes a selector,
// an HA de-duplication or a join with the recording rules itself: it calls
// these, so that a change here (how a target is joined, which labels an HA
// pair shares) reaches every panel that uses it.

// Matchers of the dashboard variables. Every selector of an exporter series
// carries job and instance (dashboards_test.go checks it), so that a wall
// screen can show one exporter of an HA pair.
const (
	jobInstance = `job=~"$job", instance=~"$instance"`
	appM        = `application=~"$application"`
	queueM      = `queue=~"$queue"`
	skillM      = `skill=~"$skill"`
	sqQueueM    = `sq_queue=~"$sq_queue"`
)

// The statuses that staff a queue: READY, on a call or in its post-call
// work. The staffing rules in alerts/ count the same three.
const staffingStatuses = "READY|IN_SERVICE|AFTER_SERVICE"

// sel selects an exporter series by the job and instance variables and the
// given matchers, in that order.
func sel(metric string, matchers ...string) string {
	return metric + "{" + strings.Join(append([]string{jobInstance}, matchers...), ", ") + "}"
}

// agg applies an aggregation by labels: agg("max", "a, b", x) is
// "max by (a, b) (x)".
func agg(op, labels, expr string) string {
	return op + " by (" + labels + ") (" + expr + ")"
}

// paren wraps an expression in parentheses.
func paren(expr string) string { return "(" + expr + ")" }

// ratio divides, leaving the result absent rather than dividing by zero.
func ratio(num, den string) string { return num + " / (" + den + " > 0)" }

// orZero falls back to 0 when expr is empty but guard (a series that shows
// the data exists, for example a collector that read successfully) is not,
// so that "no problem" reads 0 and not "No data".
func orZero(expr, guard string) string {
	return expr + " or on () (0 * " + guard + ")"
}

// collectorOK is 1 while the collector read successfully on every selected
// exporter, absent otherwise: the guard of orZero for its counts.
func collectorOK(collector string) string {
	return "min(" + sel("voximplant_scrape_collector_success", `collector="`+collector+`"`) + " == 1)"
}

// family is one kind of queue: ACD queues (queue_id, queue) or SmartQueue
// queues (sq_queue_id, sq_queue), with the recording rules that hold their
// targets in force (alerts/recording.rules.yml).
type family struct {
	id, name string   // the queue's id and name labels
	filter   []string // the matchers of the dashboard's application and queue variables
	status   string   // the label of an operator's or agent's status
	// Recording rules: the service-level target (value, with its
	// threshold_seconds), the Erlang C objective (1, with threshold_seconds
	// and target), the abandonment limit (none for SmartQueue), the longest
	// wait allowed and the fewest calls offered for the ratios to be judged.
	slTarget, staffingObjective, maxAbandonment, maxWait, minOffered string
	offered                                                          string // the series of calls offered in the statistics window
	// requiredObjective is the recording rule of the requirement in force,
	// whose model label says which model the staffing alert uses (Erlang A
	// where the exporter computes it, Erlang C elsewhere).
	requiredObjective string
}

var (
	acdQueues = family{
		id: "queue_id", name: "queue", filter: []string{appM, queueM}, status: "acd_status",
		slTarget:          "application_queue:voximplant_queue_service_level_target:effective",
		staffingObjective: "application_queue:voximplant_queue_staffing_objective:effective",
		maxAbandonment:    "application_queue:voximplant_queue_max_abandonment_ratio:effective",
		maxWait:           "application_queue:voximplant_queue_max_wait_seconds:effective",
		minOffered:        "application_queue:voximplant_queue_min_offered_calls:effective",
		offered:           "voximplant_acd_queue_stats_offered_calls",
		requiredObjective: "application_queue:voximplant_acd_queue_required_operators:objective",
	}
	sqQueues = family{
		id: "sq_queue_id", name: "sq_queue", filter: []string{appM, sqQueueM}, status: "sq_status",
		slTarget:          "application_sq_queue:voximplant_sq_queue_service_level_target:effective",
		staffingObjective: "application_sq_queue:voximplant_sq_queue_staffing_objective:effective",
		maxWait:           "application_sq_queue:voximplant_sq_queue_max_wait_seconds:effective",
		minOffered:        "application_sq_queue:voximplant_sq_queue_min_offered_calls:effective",
		offered:           "voximplant_sq_queue_offered_calls",
		requiredObjective: "application_sq_queue:voximplant_sq_queue_required_agents:objective",
	}
)

// sel selects a series of the family by job, instance, application and
// queue variables and the given matchers.
func (f family) sel(metric string, matchers ...string) string {
	return sel(metric, append(append([]string{}, f.filter...), matchers...)...)
}

// rule selects one of the family's per-job recording rules (they have no
// instance label) by the job, application and queue variables.
func (f family) rule(name string) string {
	return name + "{" + strings.Join(append([]string{`job=~"$job"`}, f.filter...), ", ") + "}"
}

// ha de-duplicates an HA pair: both exporters of a job report the same
// queue, so one value per job, application and queue.
func (f family) ha(expr string) string {
	return agg("max", "job, application, "+f.id+", "+f.name, expr)
}

// haID is ha without the queue's name, for sums across queues.
func (f family) haID(expr string) string {
	return agg("max", "job, application, "+f.id, expr)
}

// perQueue is one series per application and queue name, for legends and
// table rows (jobs watching the same application collapse into one).
func (f family) perQueue(expr string) string {
	return agg("max", "application, "+f.name, expr)
}

// onQueue is the vector matching of series of the same queue of one job.
func (f family) onQueue() string { return "on (job, application, " + f.id + ")" }

// atTargetThreshold keeps the series (which carry threshold_seconds) at the
// threshold of the queue's service-level target, the one the alerts judge.
func (f family) atTargetThreshold(expr string) string {
	return expr + " * on (application, " + f.id + ", threshold_seconds) group_left () (0 * " + f.slTarget + " + 1)"
}

// atObjective keeps the staffing figure (labels threshold_seconds, target
// and model) of the staffing objective and the model in force for the
// queue, as the staffing alert judges it.
func (f family) atObjective(expr string) string {
	return f.atStaffingObjective(expr) + " * on (job, application, " + f.id + ", model) group_left () (0 * " + f.requiredObjective + " + 1)"
}

// atStaffingObjective keeps each model's figure at the staffing objective
// in force: for an expression that selects one model itself.
func (f family) atStaffingObjective(expr string) string {
	return expr + " * on (application, " + f.id + ", threshold_seconds, target) group_left () " + f.staffingObjective
}

// requiredBy is the requirement of one model at the objective in force.
func (f family) requiredBy(metric, model string) string {
	return f.ha(f.atStaffingObjective(f.sel(metric, `model="`+model+`"`)))
}

// target is a per-queue recording rule (a target or limit in force) for
// every queue with statistics, labelled like the statistics.
func (f family) target(rule string) string {
	return paren("0 * " + f.ha(f.sel(f.offered)) + " + on (application, " + f.id + ") group_left () " + rule)
}

// staffed counts the operators working each queue (READY, IN_SERVICE,
// AFTER_SERVICE) in series metric, one HA exporter's count per queue.
func (f family) staffed(metric string, matchers ...string) string {
	m := append(append([]string{}, matchers...), f.status+`=~"`+staffingStatuses+`"`)
	return agg("sum", "job, application, "+f.id+", "+f.name,
		agg("max", "job, application, "+f.id+", "+f.name+", "+f.status, f.sel(metric, m...)))
}

// minus subtracts b from a queue by queue (a staffing or service gap).
func (f family) minus(a, b string) string {
	return a + " - " + f.onQueue() + " group_left () " + b
}

// The ACD queue expressions several panels share.
var (
	acdOffered     = acdQueues.ha(acdQueues.sel("voximplant_acd_queue_stats_offered_calls"))
	acdOfferedByID = acdQueues.haID(acdQueues.sel("voximplant_acd_queue_stats_offered_calls")) // for sums across queues
	acdRequired    = acdQueues.ha(acdQueues.atObjective(acdQueues.sel("voximplant_acd_queue_required_operators")))
	acdStaffed     = acdQueues.staffed("voximplant_acd_queue_operators")
	acdSL          = acdQueues.ha(acdQueues.atTargetThreshold(acdQueues.sel("voximplant_acd_queue_stats_service_level_ratio")))
	acdAbandon     = paren(ratio(acdQueues.ha(acdQueues.sel("voximplant_acd_queue_stats_calls", `outcome="unanswered"`)), acdOffered))
	acdSLTarget    = acdQueues.target(acdQueues.slTarget)
	// What the operators on shift will deliver, by the model in force
	// (recorded in alerts/recording.rules.yml).
	// The rule has no instance label (it is one figure per job).
	acdPredictedSL = acdQueues.ha(acdQueues.rule("application_queue:voximplant_acd_queue_predicted_service_level:target_threshold_ratio"))

	// Queue demand from GetACDState (--collector.acd-state).
	acdWaiting = acdQueues.ha(acdQueues.sel("voximplant_acd_queue_waiting_calls"))
	acdLongest = acdQueues.ha(acdQueues.sel("voximplant_acd_queue_longest_wait_seconds"))
	acdReady   = acdQueues.ha(acdQueues.sel("voximplant_acd_queue_ready_operators"))

	sqOffered  = sqQueues.ha(sqQueues.sel("voximplant_sq_queue_offered_calls"))
	sqRequired = sqQueues.ha(sqQueues.atObjective(sqQueues.sel("voximplant_sq_queue_required_agents")))
	sqStaffed  = sqQueues.staffed("voximplant_sq_agents", `channel="call"`)
	sqSL       = sqQueues.ha(sqQueues.atTargetThreshold(sqQueues.sel("voximplant_sq_queue_service_level_ratio")))
	sqSLTarget = sqQueues.target(sqQueues.slTarget)
	// What the agents on shift on calls will deliver, by the model in
	// force (a recording rule, one figure per job).
	sqPredictedSL = sqQueues.ha(sqQueues.rule("application_sq_queue:voximplant_sq_queue_predicted_service_level:target_threshold_ratio"))
)

// acdOperators counts operators by ACD status over the selected
// applications (an operator bound to two applications counts in each).
func acdOperators(matchers ...string) string {
	return agg("max", "application, acd_status", sel("voximplant_acd_operators", append([]string{appM}, matchers...)...))
}
