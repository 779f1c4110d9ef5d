package collector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// operatorFixture is a hand-made read over 30 minutes ending 2026-12-01
// 12:00 UTC (1,796,126,400 s after the epoch):
//   - anna (3): READY 600 s, IN_SERVICE 900, AFTER_SERVICE 300; 6 calls
//     answered, 1 missed; handle 1500 s over 5 calls, talk 1200, ACW 300.
//   - zoe (5): READY 300.5 s, DND 120, OFFLINE 1319.5 and 60 s in LUNCH,
//     a status Voximplant does not document; 1 answered, 2 missed; handle
//     200 s over 1 call, talk 180, ACW 20.
//   - 42, whom no watched application lists: READY 1000 s, 10 answered.
//   - bob (9): no record.
//
// Application 1 lists anna twice and zoe; "sales" lists anna and bob.
func operatorFixture() ([]AppUsers, *OperatorStatsData) {
	anna := voxapi.User{UserID: 3, UserName: "anna"}
	zoe := voxapi.User{UserID: 5, UserName: "zoe"}
	bob := voxapi.User{UserID: 9, UserName: "bob"}
	users := []AppUsers{
		{App: voxapi.AppSelector{ID: 1}, Users: []voxapi.User{anna, anna, zoe}},
		{App: voxapi.AppSelector{Name: "sales"}, Users: []voxapi.User{anna, bob}},
	}
	d := &OperatorStatsData{
		ReadAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Window: 30 * time.Minute,
		Status: map[int64]map[string]float64{
			3:  {"READY": 600, "IN_SERVICE": 900, "AFTER_SERVICE": 300},
			5:  {"READY": 300.5, "DND": 120, "OFFLINE": 1319.5, "LUNCH": 60},
			42: {"READY": 1000},
		},
		Calls: map[int64]OperatorCalls{
			3:  {Answered: 6, Missed: 1, Handle: 1500, Talk: 1200, ACW: 300, Handled: 5},
			5:  {Answered: 1, Missed: 2, Handle: 200, Talk: 180, ACW: 20, Handled: 1},
			42: {Answered: 10},
		},
	}
	return users, d
}

// TestOperatorStatsMetricsFromFixture: application 1 counts anna once and
// zoe: READY 600 + 300.5 = 900.5, IN_SERVICE 900, AFTER_SERVICE 300, DND
// 120, OFFLINE 1319.5, LUNCH 60, the other documented statuses 0; calls
// 6 + 1 = 7 answered, 1 + 2 = 3 missed; handle 1500 + 200 = 1700 s over
// 5 + 1 = 6 calls, talk 1380, ACW 320. "sales" is anna's alone (bob has
// no record). Operator 42 is in neither.
func TestOperatorStatsMetricsFromFixture(t *testing.T) {
	users, d := operatorFixture()
	r := operatorStatsMetrics(users, d, false)
	if r.Streams != nil {
		t.Error("per-user families without --collector.users")
	}
	app := func(name string, status map[string]float64, answered, missed, handle, talk, acw, handled float64) string {
		var b strings.Builder
		for _, st := range []string{"AFTER_SERVICE", "BANNED", "DND", "IN_SERVICE", "LUNCH", "OFFLINE", "ONLINE", "READY", "TIMEOUT"} {
			if v, ok := status[st]; ok {
				fmt.Fprintf(&b, "voximplant_acd_operator_status_seconds{application=%q,acd_status=%q} %v\n", name, st, v)
			}
		}
		fmt.Fprintf(&b, "voximplant_acd_operator_calls{application=%q,outcome=\"answered\"} %v\n", name, answered)
		fmt.Fprintf(&b, "voximplant_acd_operator_calls{application=%q,outcome=\"missed\"} %v\n", name, missed)
		fmt.Fprintf(&b, "voximplant_acd_operator_handle_seconds{application=%q} %v\n", name, handle)
		fmt.Fprintf(&b, "voximplant_acd_operator_talk_seconds{application=%q} %v\n", name, talk)
		fmt.Fprintf(&b, "voximplant_acd_operator_after_call_work_seconds{application=%q} %v\n", name, acw)
		fmt.Fprintf(&b, "voximplant_acd_operator_handled_calls{application=%q} %v\n", name, handled)
		return b.String()
	}
	want := app("1", map[string]float64{"AFTER_SERVICE": 300, "BANNED": 0, "DND": 120, "IN_SERVICE": 900, "LUNCH": 60,
		"OFFLINE": 1319.5, "ONLINE": 0, "READY": 900.5, "TIMEOUT": 0}, 7, 3, 1700, 1380, 320, 6) +
		app("sales", map[string]float64{"AFTER_SERVICE": 300, "BANNED": 0, "DND": 0, "IN_SERVICE": 900,
			"OFFLINE": 0, "ONLINE": 0, "READY": 600, "TIMEOUT": 0}, 6, 1, 1500, 1200, 300, 5) +
		"voximplant_acd_operator_stats_window_seconds 1800\nvoximplant_acd_operator_stats_timestamp_seconds 1.7961264e+09\n"
	if err := testutil.CollectAndCompare(resultCollector{r}, strings.NewReader(withHelp(t, r, want))); err != nil {
		t.Error(err)
	}
}

// TestOperatorStatsPerUserFromFixture: each watched operator once, in
// user_id order, the eight documented statuses always (zoe's LUNCH after
// them), and bob, without a record, all zeros; operator 42 is not
// watched.
func TestOperatorStatsPerUserFromFixture(t *testing.T) {
	users, d := operatorFixture()
	r := operatorStatsMetrics(users, d, true)
	var got []string
	for _, f := range r.Streams {
		f.Each(func(v float64, a, b, c, dd string) {
			vals := []string{a, b, c, dd}
			var labels []string
			for i, l := range f.Labels {
				labels = append(labels, fmt.Sprintf("%s=%q", l, vals[i]))
			}
			got = append(got, fmt.Sprintf("%s{%s} %v", f.Name, strings.Join(labels, ","), v))
		})
	}
	status := func(id, name string, v map[string]float64) []string {
		var out []string
		for _, st := range voxapi.Statuses {
			out = append(out, fmt.Sprintf("voximplant_user_acd_status_seconds{user_id=%q,user_name=%q,acd_status=%q} %v", id, name, st, v[st]))
		}
		if x, ok := v["LUNCH"]; ok {
			out = append(out, fmt.Sprintf("voximplant_user_acd_status_seconds{user_id=%q,user_name=%q,acd_status=\"LUNCH\"} %v", id, name, x))
		}
		return out
	}
	var want []string
	want = append(want, status("3", "anna", map[string]float64{"READY": 600, "IN_SERVICE": 900, "AFTER_SERVICE": 300})...)
	want = append(want, status("5", "zoe", map[string]float64{"READY": 300.5, "DND": 120, "OFFLINE": 1319.5, "LUNCH": 60})...)
	want = append(want, status("9", "bob", nil)...)
	want = append(want,
		`voximplant_user_acd_calls{user_id="3",user_name="anna",outcome="answered"} 6`,
		`voximplant_user_acd_calls{user_id="3",user_name="anna",outcome="missed"} 1`,
		`voximplant_user_acd_calls{user_id="5",user_name="zoe",outcome="answered"} 1`,
		`voximplant_user_acd_calls{user_id="5",user_name="zoe",outcome="missed"} 2`,
		`voximplant_user_acd_calls{user_id="9",user_name="bob",outcome="answered"} 0`,
		`voximplant_user_acd_calls{user_id="9",user_name="bob",outcome="missed"} 0`,
		`voximplant_user_acd_handle_seconds{user_id="3",user_name="anna"} 1500`,
		`voximplant_user_acd_handle_seconds{user_id="5",user_name="zoe"} 200`,
		`voximplant_user_acd_handle_seconds{user_id="9",user_name="bob"} 0`,
		`voximplant_user_acd_handled_calls{user_id="3",user_name="anna"} 5`,
		`voximplant_user_acd_handled_calls{user_id="5",user_name="zoe"} 1`,
		`voximplant_user_acd_handled_calls{user_id="9",user_name="bob"} 0`,
	)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("per-user series:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
