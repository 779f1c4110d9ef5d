package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func init() {
	register(spec{
		name: OperatorStatsCollector, flag: "operator-stats", defaultOn: true,
		help:    "How operators spent the window: seconds in each ACD status (GetACDOperatorStatusStatistics), calls answered and missed, handle, talk and after-call work time (GetACDOperatorStatistics), per application and, with --collector.users, per operator; the Supervisor role suffices",
		methods: []string{opStatusMethod, opStatsMethod},
		define: func(app *kingpin.Application) func(Settings) (Collector, error) {
			window := app.Flag("collector.operator-stats.window",
				"Span the operator statistics cover, ending when they are read.").
				Default(DefaultOperatorStatsWindow.String()).Duration()
			return func(st Settings) (Collector, error) { return NewOperatorStats(st, *window) }
		},
	})
}

// OperatorStatsCollector is the name of the operator statistics collector.
const OperatorStatsCollector = "operator_stats"

// DefaultOperatorStatsWindow is --collector.operator-stats.window's default.
const DefaultOperatorStatsWindow = 30 * time.Minute

// maxOperatorStatsWindow is the longest window: the queue statistics'
// range limit (API-NOTES.md, error 569), assumed for these methods too.
const maxOperatorStatsWindow = 30 * 24 * time.Hour

// NewOperatorStats returns the operator_stats collector: over the window
// ending at each read, made at most once per
// --collector.operator-stats.refresh (Pass.OperatorStats), how the
// operators of each watched application spent their time and handled
// calls, and with st.PerUser the same per operator.
func NewOperatorStats(st Settings, window time.Duration) (Collector, error) {
	st = st.withDefaults()
	if window < time.Second || window > maxOperatorStatsWindow {
		return nil, fmt.Errorf("--collector.operator-stats.window must be between 1s and %s, got %s", maxOperatorStatsWindow, window)
	}
	return &operatorStatsCollector{log: st.Logger, now: st.Now, window: window, perUser: st.PerUser}, nil
}

type operatorStatsCollector struct {
	log     *slog.Logger
	now     func() time.Time
	window  time.Duration
	perUser bool
}

func (*operatorStatsCollector) Name() string { return OperatorStatsCollector }

func (c *operatorStatsCollector) Update(_ context.Context, p *Pass) (*Result, error) {
	users, err := p.Users()
	if err != nil {
		return nil, err
	}
	data, err := p.OperatorStats(c.now, c.window)
	if err != nil {
		var me *methodError
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden && errors.As(err, &me) {
			c.log.Error(me.method+" refused (code 104): the service account needs the Supervisor, User manager, Developer, Admin or Owner role for --collector.operator-stats",
				"method", me.method, "err", err)
		}
		return nil, err
	}
	return operatorStatsMetrics(users, data, c.perUser), nil
}

// operatorStatsMetrics are the series of one whole read, each operator
// counted under every watched application that lists it in users (once
// per application however often it is listed), and with perUser under
// each distinct watched user. An operator without a record in the window
// has zeros.
func operatorStatsMetrics(users []AppUsers, d *OperatorStatsData, perUser bool) *Result {
	r := &operatorStatsResult{readAt: d.ReadAt, window: d.Window}
	for _, au := range users {
		a := appOperatorStats{app: au.App.String(), status: map[string]float64{}}
		for _, st := range voxapi.Statuses {
			a.status[st] = 0
		}
		seen := map[int64]bool{}
		for i := range au.Users {
			id := au.Users[i].UserID
			if seen[id] {
				continue
			}
			seen[id] = true
			for st, s := range d.Status[id] {
				a.status[st] += s
			}
			c := d.Calls[id]
			a.calls.Answered += c.Answered
			a.calls.Missed += c.Missed
			a.calls.Handle += c.Handle
			a.calls.Talk += c.Talk
			a.calls.ACW += c.ACW
			a.calls.Handled += c.Handled
		}
		r.apps = append(r.apps, a)
	}
	res := &Result{Collect: r.Collect}
	if perUser {
		l := distinctUsers(users)
		res.Streams = operatorUserFamilies(&l, d)
	}
	return res
}

// appOperatorStats is one application's operators' totals.
type appOperatorStats struct {
	app    string
	status map[string]float64 // the documented statuses always, others when sent
	calls  OperatorCalls
}

// operatorStatsResult is one whole read, per watched application.
type operatorStatsResult struct {
	readAt time.Time
	window time.Duration
	apps   []appOperatorStats
}

var (
	opWindowDesc = desc("acd_operator_stats_window_seconds",
		"Span the ACD operator statistics cover, ending when they were read.")
	opTimestampDesc = desc("acd_operator_stats_timestamp_seconds",
		"Unix time at which the operator statistics served were read (they are read once per refresh interval).")
	opStatusDesc = desc("acd_operator_status_seconds",
		"Seconds the application's operators spent in each ACD status over the window (GetACDOperatorStatusStatistics).", "application", "acd_status")
	opCallsDesc = desc("acd_operator_calls",
		"Calls offered to the application's operators over the window by outcome: answered, or missed (offered to an operator and not answered).", "application", "outcome")
	opHandleDesc = desc("acd_operator_handle_seconds",
		"Total handling time (talk plus after-call work) of the application's operators over the window; divide by handled_calls for the average.", "application")
	opTalkDesc = desc("acd_operator_talk_seconds",
		"Total talk time of the application's operators over the window.", "application")
	opACWDesc = desc("acd_operator_after_call_work_seconds",
		"Total after-call work of the application's operators over the window.", "application")
	opHandledDesc = desc("acd_operator_handled_calls",
		"Calls the application's operators handled over the window (with a handling time), to combine handle times across applications.", "application")
)

func (r *operatorStatsResult) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(opWindowDesc, prometheus.GaugeValue, r.window.Seconds())
	ch <- prometheus.MustNewConstMetric(opTimestampDesc, prometheus.GaugeValue, unixSeconds(r.readAt))
	for _, a := range r.apps {
		g := func(d *prometheus.Desc, v float64, extra ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{a.app}, extra...)...)
		}
		for _, st := range slices.Sorted(maps.Keys(a.status)) {
			g(opStatusDesc, a.status[st], st)
		}
		g(opCallsDesc, a.calls.Answered, "answered")
		g(opCallsDesc, a.calls.Missed, "missed")
		g(opHandleDesc, a.calls.Handle)
		g(opTalkDesc, a.calls.Talk)
		g(opACWDesc, a.calls.ACW)
		g(opHandledDesc, a.calls.Handled)
	}
}

// operatorUserFamilies are the per-operator families over the watched
// users, each once.
func operatorUserFamilies(l *userList, d *OperatorStatsData) []*StreamFamily {
	each := func(series func(u *voxapi.User, id string, c OperatorCalls, emit EmitFunc)) func(EmitFunc) {
		return func(emit EmitFunc) {
			for j, u := range l.users {
				series(u, l.ids[j], d.Calls[u.UserID], emit)
			}
		}
	}
	return []*StreamFamily{
		{
			Name:   "voximplant_user_acd_status_seconds",
			Help:   "Seconds the user spent in each ACD status over the operator statistics window; 0 for a status without time in it.",
			Labels: []string{"user_id", "user_name", "acd_status"},
			Each: each(func(u *voxapi.User, id string, _ OperatorCalls, emit EmitFunc) {
				byStatus := d.Status[u.UserID]
				for _, st := range voxapi.Statuses {
					emit(byStatus[st], id, u.UserName, st, "")
				}
				for _, st := range slices.Sorted(maps.Keys(byStatus)) {
					if !isDocumented(st) {
						emit(byStatus[st], id, u.UserName, st, "")
					}
				}
			}),
		},
		{
			Name:   "voximplant_user_acd_calls",
			Help:   "Calls offered to the user over the operator statistics window by outcome: answered, or missed (offered and not answered).",
			Labels: []string{"user_id", "user_name", "outcome"},
			Each: each(func(u *voxapi.User, id string, c OperatorCalls, emit EmitFunc) {
				emit(c.Answered, id, u.UserName, "answered", "")
				emit(c.Missed, id, u.UserName, "missed", "")
			}),
		},
		{
			Name:   "voximplant_user_acd_handle_seconds",
			Help:   "Total handling time (talk plus after-call work) of the user over the operator statistics window.",
			Labels: []string{"user_id", "user_name"},
			Each: each(func(u *voxapi.User, id string, c OperatorCalls, emit EmitFunc) {
				emit(c.Handle, id, u.UserName, "", "")
			}),
		},
		{
			Name:   "voximplant_user_acd_handled_calls",
			Help:   "Calls the user handled over the operator statistics window (with a handling time).",
			Labels: []string{"user_id", "user_name"},
			Each: each(func(u *voxapi.User, id string, c OperatorCalls, emit EmitFunc) {
				emit(c.Handled, id, u.UserName, "", "")
			}),
		},
	}
}
