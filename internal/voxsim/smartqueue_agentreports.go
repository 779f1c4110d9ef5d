package voxsim

import (
	"maps"
	"slices"
	"time"
)

// The report types GetSmartQueueRealtimeMetrics allows with agent grouping
// (API-NOTES.md, "GetSmartQueueRealtimeMetrics with group_by=agent")
// beyond those the queue reports share (count_handled_calls,
// average_handle_time, occupancy_rate): the agents' time in each status,
// and the spread of handle and after-call-work times. Queue grouping
// answers them too, over every agent of the queue. The custom status
// times (sum_agents_custom_N_time) are not answered: agent grouping does
// not allow them, and their wire names are undocumented.
//
// Status times are SECONDS (the assumption sqReports fixes for every time
// report), on the agents' CALL channel, as occupancy_rate: the report
// names speak of calls, and an agent's statuses on IM are a separate
// timeline. A status held now counts up to the request's time, and an
// agent counts from its first status in the simulation: an agent present
// in all of the window has its statuses (the seven reported, OFFLINE and
// the custom ones) add up to the window.
var sqAgentReports = map[string]sqReport{
	"sum_agents_online_time":       sqStatusReport(SQStatusOnline),
	"sum_agents_ready_time":        sqStatusReport(SQStatusReady),
	"sum_agents_dialing_time":      sqStatusReport(SQStatusDialing),
	"sum_agents_in_service_time":   sqStatusReport(SQStatusInService),
	"sum_agents_afterservice_time": sqStatusReport(SQStatusAfterService),
	"sum_agents_dnd_time":          sqStatusReport(SQStatusDND),
	"sum_agents_banned_time":       sqStatusReport(SQStatusBanned),
	"min_handle_time":              {unitSeconds, true, func(w *sqWindow) float64 { return spread(w.handleTimes(), slices.Min) }},
	"max_handle_time":              {unitSeconds, true, func(w *sqWindow) float64 { return spread(w.handleTimes(), slices.Max) }},
	"min_after_call_worktime":      {unitSeconds, true, func(w *sqWindow) float64 { return spread(w.wrapUps(), slices.Min) }},
	"max_after_call_worktime":      {unitSeconds, true, func(w *sqWindow) float64 { return spread(w.wrapUps(), slices.Max) }},
	"average_after_call_worktime":  {unitSeconds, true, func(w *sqWindow) float64 { return mean(w.wrapUps()) }},
}

// withReports is base with extra's report types added.
func withReports(base, extra map[string]sqReport) map[string]sqReport {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	return out
}

func sqStatusReport(status string) sqReport {
	return sqReport{unitSeconds, true, func(w *sqWindow) float64 { return w.statusTimes()[status].Seconds() }}
}

// statusTimes is how long the window's agents spent in each status on the
// CALL channel within [from, min(to, now)).
func (w *sqWindow) statusTimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	add := func(status string, from, to time.Time) {
		from, to = later(from, w.from), earlier(earlier(to, w.to), w.now)
		if to.After(from) {
			out[status] += to.Sub(from)
		}
	}
	for _, a := range w.agents {
		for _, s := range a.Past {
			if s.Channel == SQChannelCall {
				add(s.Status, s.From, s.To)
			}
		}
		if c := a.channel(SQChannelCall); c != nil {
			add(c.Status, c.Since, w.now)
		}
	}
	return out
}

// occupancy is the agents' busy time (IN_SERVICE, AFTER_SERVICE, DIALING)
// among that and their READY time, in percent; 0 without either.
func (w *sqWindow) occupancy() float64 {
	st := w.statusTimes()
	busy := st[SQStatusInService] + st[SQStatusAfterService] + st[SQStatusDialing]
	if busy+st[SQStatusReady] == 0 {
		return 0
	}
	return 100 * busy.Seconds() / (busy + st[SQStatusReady]).Seconds()
}

// handleTimes is each handled call's processing plus after-service time.
func (w *sqWindow) handleTimes() []time.Duration {
	var out []time.Duration
	for _, r := range w.handled() {
		out = append(out, r.Ended.Sub(r.Started)+r.WrapUp)
	}
	return out
}

// wrapUps is each handled call's after-service time.
func (w *sqWindow) wrapUps() []time.Duration {
	var out []time.Duration
	for _, r := range w.handled() {
		out = append(out, r.WrapUp)
	}
	return out
}

// spread applies pick (slices.Min or Max) to ds, in seconds; 0 for none.
func spread(ds []time.Duration, pick func([]time.Duration) time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	return pick(ds).Seconds()
}
