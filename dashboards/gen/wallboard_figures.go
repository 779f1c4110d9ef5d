package main

// The figures of a queue's panel on the wall board, graded against the
// same recording rules the alerts compare with (alerts/alerts.rules.yml):
// red is what an alert fires on, amber is on the way there.

// Where amber starts: half the limit of a wait or of abandonment (as the
// overview's thresholds, 60 s of 120 s and 5 % of 10 %), and 5 points above
// the service-level target.
const (
	nearLimit  = 0.5
	nearTarget = 0.05
)

// queueSeries are a family's series behind the figures, each per job and
// queue (the family's labels).
type queueSeries struct {
	waiting     string // calls or tasks waiting now
	nobodyReady string // the queues where they wait with nobody READY to take them
	longest     string // the longest wait now
	sl, target  string // service level at the target's threshold, and the target
	abandoned   string // the share of calls abandoned
	ready       string // READY now
	staffed     string // READY, IN_SERVICE and AFTER_SERVICE
	required    string // what the load needs (Erlang C at the staffing objective)
}

func tileFigures(f family, s queueSeries) []tileFigure {
	abandonedNear, abandonedOver := f.over(s.abandoned, f.maxAbandonment, nearLimit), f.over(s.abandoned, f.maxAbandonment, 1)
	if f.maxAbandonment == "" {
		// No abandonment limit is recorded (SmartQueue): the ACD queues'
		// default.
		abandonedNear = s.abandoned + " > " + num(nearLimit*defaultMaxAbandonment)
		abandonedOver = s.abandoned + " > " + num(defaultMaxAbandonment)
	}
	return []tileFigure{
		{name: "Waiting", graded: true, expr: f.graded(s.waiting, s.waiting+" > 0",
			s.waiting+" > 0 and "+f.onQueue()+" "+paren(s.nobodyReady), waitingGrades)},
		{name: "Longest wait", graded: true, seconds: true, expr: f.graded(s.longest,
			f.over(s.longest, f.maxWait, nearLimit), f.over(s.longest, f.maxWait, 1), limitGrades)},
		{name: "Service level", graded: true, percent: true, expr: f.graded(s.sl,
			f.under(s.sl, f.slTarget, nearTarget), f.under(s.sl, f.slTarget, 0), targetGrades)},
		{name: "Target", percent: true, expr: f.perQueue(s.target)},
		{name: "Abandoned", graded: true, percent: true, expr: f.graded(s.abandoned, abandonedNear, abandonedOver, limitGrades)},
		{name: "READY", graded: true, expr: f.graded(s.ready, s.ready+" == 0",
			s.ready+" and "+f.onQueue()+" "+paren(s.staffed+" < "+f.onQueue()+" "+s.required), readyGrades)},
		{name: "Needed", expr: f.perQueue(s.required)},
	}
}

func acdTileFigures() []tileFigure {
	f := acdQueues
	return tileFigures(f, queueSeries{
		waiting: acdWaiting,
		// GetACDState's own READY count, read with the waiting calls, as
		// VoximplantCallsWaitingNoReadyOperators uses.
		nobodyReady: acdReady + " == 0",
		longest:     acdLongest,
		sl:          acdSL, target: acdSLTarget,
		abandoned: acdAbandon,
		ready:     f.ha(f.sel("voximplant_acd_queue_operators", `acd_status="READY"`)),
		staffed:   acdStaffed, required: acdRequired,
	})
}

func sqTileFigures() []tileFigure {
	f := sqQueues
	return tileFigures(f, queueSeries{
		// Tasks waiting of every channel (task_type).
		waiting: agg("sum", "job, application, sq_queue_id, sq_queue",
			agg("max", "job, application, sq_queue_id, sq_queue, task_type", f.sel("voximplant_sq_tasks", `status="in_queue"`))),
		// A channel's tasks waiting with no agent READY on that channel.
		nobodyReady: paren(sqWaitingNoneReady("call")) + " or " + paren(sqWaitingNoneReady("im")),
		longest:     f.ha(f.sel("voximplant_sq_longest_wait_seconds")),
		sl:          sqSL, target: sqSLTarget,
		abandoned: f.ha(f.sel("voximplant_sq_queue_abandonment_ratio")),
		// The Erlang C figure is for the call channel.
		ready:   f.ha(sqAgentsReadyIn("call")),
		staffed: sqStaffed, required: sqRequired,
	})
}
