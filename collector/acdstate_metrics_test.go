package collector

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func i64(v int64) *int64 { return &v }

// fixtureQueues: application 1 owns Sales (10) and Callback (12);
// application 3 owns Other (20). ann (application 1) is bound to Sales
// and to Elsewhere (50, owned by an application nobody watches); dee
// (application 3) to Other and to Sales.
func fixtureQueues() (watched []voxapi.AppSelector, dir Directory, users []AppUsers) {
	watched = []voxapi.AppSelector{{ID: 1}, {ID: 3}}
	dir = Directory{
		"1": {{ACDQueueID: 10, ACDQueueName: "Sales"}, {ACDQueueID: 12, ACDQueueName: "Callback"}},
		"3": {{ACDQueueID: 20, ACDQueueName: "Other"}},
	}
	users = []AppUsers{
		{App: voxapi.AppSelector{ID: 1}, Users: []voxapi.User{{UserID: 101, UserName: "ann",
			ACDQueues: []voxapi.ACDQueueOperator{{ACDQueueID: 10, ACDQueueName: "Sales"}, {ACDQueueID: 50, ACDQueueName: "Elsewhere"}}}}},
		{App: voxapi.AppSelector{ID: 3}, Users: []voxapi.User{{UserID: 301, UserName: "dee",
			ACDQueues: []voxapi.ACDQueueOperator{{ACDQueueID: 20, ACDQueueName: "Other"}, {ACDQueueID: 10, ACDQueueName: "Sales"}}}}},
	}
	return watched, dir, users
}

func refKeys(refs []queueRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.App+"/"+r.Name)
	}
	return out
}

// TestWatchedQueuesOwnedAndServed: each watched application's own queues
// and the queues its operators are bound to; with either input missing,
// the other alone.
func TestWatchedQueuesOwnedAndServed(t *testing.T) {
	watched, dir, users := fixtureQueues()
	for _, tc := range []struct {
		name  string
		dir   Directory
		users []AppUsers
		want  []string
	}{
		{"both", dir, users, []string{"1/Sales", "1/Callback", "1/Elsewhere", "3/Sales", "3/Other"}},
		{"no directory", nil, users, []string{"1/Sales", "1/Elsewhere", "3/Sales", "3/Other"}},
		{"no users", dir, nil, []string{"1/Sales", "1/Callback", "3/Other"}},
	} {
		if got := refKeys(watchedQueues(watched, tc.dir, tc.users)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestACDStateMetricsFromFixture: the live series of every watched queue
// GetACDState reports, from fixture values. By hand: Sales has two
// waiting calls (40 s and 95 s: longest 95), one served, ready 2 by its
// count (the list shows one: the count wins), none locked, one in
// after-call work by its list; Other has nothing. Callback and Elsewhere
// are not in the answer and get no series. Sales is served under 1 and 3.
func TestACDStateMetricsFromFixture(t *testing.T) {
	watched, dir, users := fixtureQueues()
	state := &voxapi.ACDState{Queues: []voxapi.ACDQueueState{
		{ACDQueueID: 10, ReadyOperators: []voxapi.ACDOperatorState{{UserID: 101}}, ReadyOperatorsCount: i64(2),
			AfterServiceOperators: []voxapi.ACDOperatorState{{UserID: 102}},
			ServicingCalls:        []voxapi.ACDServicingCall{{UserID: 103}},
			WaitingCalls:          []voxapi.ACDWaitingCallState{{WaitingTime: 40}, {WaitingTime: 95}}},
		{ACDQueueID: 20},
		{ACDQueueID: 99}, // not watched
	}}
	r := acdStateMetrics(watchedQueues(watched, dir, users), state)
	queue := func(app, name, id string, waiting, longest, servicing, ready, locked, after string) string {
		l := `application="` + app + `",queue="` + name + `",queue_id="` + id + `"`
		return `voximplant_acd_queue_waiting_calls{` + l + `} ` + waiting + `
voximplant_acd_queue_longest_wait_seconds{` + l + `} ` + longest + `
voximplant_acd_queue_servicing_calls{` + l + `} ` + servicing + `
voximplant_acd_queue_ready_operators{` + l + `} ` + ready + `
voximplant_acd_queue_locked_operators{` + l + `} ` + locked + `
voximplant_acd_queue_after_service_operators{` + l + `} ` + after + "\n"
	}
	want := queue("1", "Sales", "10", "2", "95", "1", "2", "0", "1") +
		queue("3", "Sales", "10", "2", "95", "1", "2", "0", "1") +
		queue("3", "Other", "20", "0", "0", "0", "0", "0", "0")
	if err := testutil.CollectAndCompare(resultCollector{r}, strings.NewReader(withHelp(t, r, want))); err != nil {
		t.Error(err)
	}
}
