package collector

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// UsersCollector is the name of the collector that reads GetUsers. It is
// always on: voximplant_up is its success.
const UsersCollector = "users"

func init() {
	register(spec{
		name: UsersCollector, methods: []string{"GetUsers"}, up: upDesc,
		define: func(*kingpin.Application) func(Settings) (Collector, error) {
			return func(st Settings) (Collector, error) { return NewUsers(st), nil }
		},
	})
}

// NewUsers returns the users collector: operators of every watched
// application by ACD status, skill and queue, and, with st.PerUser, the
// per-user families. Its read is the pass's (Pass.Users), which the other
// collectors share.
func NewUsers(st Settings) Collector {
	st = st.withDefaults()
	return &usersCollector{perUser: st.PerUser, log: st.Logger}
}

type usersCollector struct {
	perUser bool
	log     *slog.Logger
	badTime implausibleTimes
}

func (*usersCollector) Name() string { return UsersCollector }

func (c *usersCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	apps, err := p.Users()
	if err != nil {
		return nil, err
	}
	now := p.Started()
	c.badTime.note(c.log, implausibleChanges(apps, now), now)
	return usersMetrics(apps, now, c.perUser), nil
}

// implausibleChanges are the users whose status change time is before
// 1971 or more than a day after the read: served as unknown, logged once.
func implausibleChanges(apps []AppUsers, now time.Time) map[int64]implausible {
	bad := map[int64]implausible{}
	for _, au := range apps {
		for j := range au.Users {
			if u := &au.Users[j]; u.ACDStatusChangeTime.Valid && !plausibleStatusChange(u.ACDStatusChangeTime.Time, now) {
				bad[u.UserID] = implausible{name: u.UserName, t: u.ACDStatusChangeTime.Time}
			}
		}
	}
	return bad
}

// usersMetrics are the users collector's series for one read of every
// watched application's users, read at now.
func usersMetrics(apps []AppUsers, now time.Time, perUser bool) *Result {
	r := &usersResult{fetchedAt: now, aggs: make([]*appAggregate, len(apps))}
	for i, au := range apps {
		r.aggs[i] = aggregate(au.App.String(), au.Users, now)
	}
	if perUser {
		l := distinctUsers(apps)
		l.readAt = now
		r.users = &l
	}
	return &Result{Collect: r.Collect, Streams: r.StreamFamilies()}
}

// usersResult is one whole read of every watched application.
type usersResult struct {
	fetchedAt time.Time
	aggs      []*appAggregate
	users     *userList // nil without per-user series
}

func (r *usersResult) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(snapshotTimestampDesc, prometheus.GaugeValue, unixSeconds(r.fetchedAt))
	for _, a := range r.aggs {
		collectAggregate(ch, a)
	}
}

// StreamFamilies are the per-user families over the read's users, each
// user once however many watched applications returned it.
func (r *usersResult) StreamFamilies() []*StreamFamily {
	if r.users == nil {
		return nil
	}
	out := make([]*StreamFamily, len(userFamilies))
	for i, f := range userFamilies {
		l := r.users
		out[i] = &StreamFamily{Name: f.name, Help: f.help, Labels: f.labels, Each: func(emit EmitFunc) {
			for j := range l.users {
				f.series(l, j, emit)
			}
		}}
	}
	return out
}

// userFamily is one per-user metric family, as a function from a user to
// its series.
type userFamily struct {
	name   string
	help   string
	labels []string // label names in the order series passes them
	// series calls emit once for every series of l's j-th user.
	series func(l *userList, j int, emit EmitFunc)
}

var userFamilies = []*userFamily{
	{
		name:   "voximplant_user_info",
		help:   "Information about a Voximplant user; always 1.",
		labels: []string{"user_id", "user_name", "user_display_name", "parent_accounting"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			emit(1, id, u.UserName, u.UserDisplayName, optionalBool(u.ParentAccounting))
		},
	},
	{
		name:   "voximplant_user_acd_status",
		help:   "The user's ACD status as a state set: 1 for the current status, 0 for the other documented ones.",
		labels: []string{"user_id", "user_name", "acd_status"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			st := userStatus(u)
			for _, doc := range voxapi.Statuses {
				emit(boolFloat(doc == st), id, u.UserName, doc, "")
			}
			if !isDocumented(st) {
				emit(1, id, u.UserName, st, "")
			}
		},
	},
	{
		name:   "voximplant_user_acd_status_change_timestamp_seconds",
		help:   "Unix time of the user's last ACD status change; time() minus it is the status age.",
		labels: []string{"user_id", "user_name"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			if u.ACDStatusChangeTime.Valid && plausibleStatusChange(u.ACDStatusChangeTime.Time, l.readAt) {
				emit(unixSeconds(u.ACDStatusChangeTime.Time), id, u.UserName, "", "")
			}
		},
	},
	{
		name:   "voximplant_user_live_balance",
		help:   "The user's live balance in the account's currency.",
		labels: []string{"user_id", "user_name"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			if u.LiveBalance != nil {
				emit(*u.LiveBalance, id, u.UserName, "", "")
			}
		},
	},
	{
		name:   "voximplant_user_fixed_balance",
		help:   "The user's last committed balance in the account's currency.",
		labels: []string{"user_id", "user_name"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			if u.FixedBalance != nil {
				emit(*u.FixedBalance, id, u.UserName, "", "")
			}
		},
	},
	{
		name:   "voximplant_user_acd_queue_info",
		help:   "An ACD queue the user is bound to (GetUsers' acd_queues); always 1.",
		labels: []string{"user_id", "user_name", "queue_id", "queue"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			for k, q := range u.ACDQueues {
				if !slices.ContainsFunc(u.ACDQueues[:k], func(o voxapi.ACDQueueOperator) bool { return o.ACDQueueID == q.ACDQueueID }) {
					emit(1, id, u.UserName, strconv.FormatInt(q.ACDQueueID, 10), q.ACDQueueName)
				}
			}
		},
	},
	{
		name:   "voximplant_user_skill_info",
		help:   "A skill the user has (GetUsers' skills); always 1.",
		labels: []string{"user_id", "user_name", "skill_id", "skill"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			for k, sk := range u.Skills {
				if !slices.ContainsFunc(u.Skills[:k], func(o voxapi.Skill) bool { return o.SkillID == sk.SkillID }) {
					emit(1, id, u.UserName, strconv.FormatInt(sk.SkillID, 10), sk.SkillName)
				}
			}
		},
	},
	{
		name:   "voximplant_user_active",
		help:   "1 if the user is active (may log in to applications), 0 otherwise.",
		labels: []string{"user_id", "user_name"},
		series: func(l *userList, j int, emit EmitFunc) {
			u, id := l.users[j], l.ids[j]
			emit(boolFloat(u.UserActive), id, u.UserName, "", "")
		},
	},
}

// userList is the users of a snapshot, each once however many watched
// applications returned it, in user_id order, with their ids formatted.
type userList struct {
	users  []*voxapi.User
	ids    []string
	readAt time.Time // when the read began: what a plausible time is judged by
}

// distinctUsers merges the applications' users, each once. GetAllUsers
// returns each application's users sorted by user_id, so a merge dedupes
// them without a map.
func distinctUsers(apps []AppUsers) userList {
	n := 0
	for _, au := range apps {
		n += len(au.Users)
	}
	l := userList{users: make([]*voxapi.User, 0, n)}
	heads := make([]int, len(apps))
	for {
		best := -1
		for a, au := range apps {
			if heads[a] < len(au.Users) && (best < 0 || au.Users[heads[a]].UserID < apps[best].Users[heads[best]].UserID) {
				best = a
			}
		}
		if best < 0 {
			break
		}
		u := &apps[best].Users[heads[best]]
		heads[best]++
		if k := len(l.users); k == 0 || l.users[k-1].UserID != u.UserID {
			l.users = append(l.users, u)
		}
	}
	l.ids = make([]string, len(l.users))
	for i, u := range l.users {
		l.ids[i] = strconv.FormatInt(u.UserID, 10)
	}
	return l
}

// optionalBool is a label value for a boolean the API may leave out: ""
// when it did, so that an absent field never reads as "false".
func optionalBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}
