package collector

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// statusCounts counts operators by ACD status. The documented statuses are
// always present, so their series never vanish when a status empties;
// anything else the API returns is counted under its own value.
type statusCounts map[string]int

func newStatusCounts() statusCounts {
	c := make(statusCounts, len(voxapi.Statuses)+1)
	for _, s := range voxapi.Statuses {
		c[s] = 0
	}
	return c
}

// userStatus is the status label of a user: its acd_status, or UNKNOWN.
func userStatus(u *voxapi.User) string {
	if u.ACDStatus == "" {
		return StatusUnknown
	}
	return u.ACDStatus
}

// group is a skill or queue of one application with its operators' statuses.
type group struct {
	id     int64
	name   string
	counts statusCounts
}

// appAggregate is everything the aggregate families need of one application.
type appAggregate struct {
	app    string
	counts statusCounts
	skills []*group
	queues []*group
	oldest map[string]time.Time
}

// aggregate counts one application's users in one pass; a status change
// time implausible for a read at now (plausibleStatusChange) is unknown.
func aggregate(app string, users []voxapi.User, now time.Time) *appAggregate {
	a := &appAggregate{app: app, counts: newStatusCounts(), oldest: map[string]time.Time{}}
	skills := map[int64]*group{}
	queues := map[int64]*group{}
	bump := func(m map[int64]*group, id int64, name, status string) {
		g := m[id]
		if g == nil {
			g = &group{id: id, name: name, counts: newStatusCounts()}
			m[id] = g
		}
		g.counts[status]++
	}
	for i := range users {
		u := &users[i]
		st := userStatus(u)
		a.counts[st]++
		if u.ACDStatusChangeTime.Valid && plausibleStatusChange(u.ACDStatusChangeTime.Time, now) {
			if t, ok := a.oldest[st]; !ok || u.ACDStatusChangeTime.Time.Before(t) {
				a.oldest[st] = u.ACDStatusChangeTime.Time
			}
		}
		// A user listing a skill or queue twice is still one operator of it.
		for j, s := range u.Skills {
			if !slices.ContainsFunc(u.Skills[:j], func(o voxapi.Skill) bool { return o.SkillID == s.SkillID }) {
				bump(skills, s.SkillID, s.SkillName, st)
			}
		}
		for j, q := range u.ACDQueues {
			if !slices.ContainsFunc(u.ACDQueues[:j], func(o voxapi.ACDQueueOperator) bool { return o.ACDQueueID == q.ACDQueueID }) {
				bump(queues, q.ACDQueueID, q.ACDQueueName, st)
			}
		}
	}
	a.skills = sortedGroups(skills)
	a.queues = sortedGroups(queues)
	return a
}

func sortedGroups(m map[int64]*group) []*group {
	out := make([]*group, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int { return cmp.Compare(a.id, b.id) })
	return out
}

func collectAggregate(ch chan<- prometheus.Metric, a *appAggregate) {
	for st, n := range a.counts {
		ch <- prometheus.MustNewConstMetric(operatorsDesc, prometheus.GaugeValue, float64(n), a.app, st)
	}
	for _, g := range a.skills {
		id := strconv.FormatInt(g.id, 10)
		for st, n := range g.counts {
			ch <- prometheus.MustNewConstMetric(skillOperatorsDesc, prometheus.GaugeValue, float64(n), a.app, id, g.name, st)
		}
	}
	for _, g := range a.queues {
		id := strconv.FormatInt(g.id, 10)
		for st, n := range g.counts {
			ch <- prometheus.MustNewConstMetric(queueOperatorsDesc, prometheus.GaugeValue, float64(n), a.app, id, g.name, st)
		}
	}
	for st, t := range a.oldest {
		ch <- prometheus.MustNewConstMetric(oldestChangeDesc, prometheus.GaugeValue, unixSeconds(t), a.app, st)
	}
}

func isDocumented(status string) bool {
	for _, s := range voxapi.Statuses {
		if s == status {
			return true
		}
	}
	return false
}
