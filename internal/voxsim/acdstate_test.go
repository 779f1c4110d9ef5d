package voxsim

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

// acdFixture is fixture() plus eve (8, READY in Support L1 and Sales) and
// finn (6, AFTER_SERVICE in Support L2), with calls: 11 answered by anna in
// Support L1, 12 waiting there, 13 waiting in Sales and ringing eve.
func acdFixture() (Account, []Call) {
	a := fixture()
	l1, l2, sq := a.Queues[0], a.Queues[1], a.Queues[2]
	a.Users = append(a.Users,
		User{ID: 8, Name: "eve", DisplayName: "Eve Ng", Active: true, ParentAccounting: true, Apps: []int64{10, 20},
			Queues: []Queue{l1.binding(false), sq.binding(true)}, Status: StatusReady, StatusChange: fixedNow.Add(-5 * time.Second)},
		User{ID: 6, Name: "finn", DisplayName: "Finn Berg", Active: true, ParentAccounting: true, Apps: []int64{10},
			Queues: []Queue{l2.binding(false)}, Status: StatusAfterService, StatusChange: fixedNow.Add(-20 * time.Second)},
	)
	calls := []Call{
		{ID: 11, QueueID: 100, Priority: 50, Arrived: fixedNow.Add(-150 * time.Second), Operator: 3, Answered: fixedNow.Add(-120 * time.Second), CallerID: "+12025550101"},
		{ID: 12, QueueID: 100, Priority: 50, Arrived: fixedNow.Add(-30 * time.Second)},
		{ID: 13, QueueID: 300, Priority: 1, Arrived: fixedNow.Add(-10 * time.Second), Offered: 8, CallerID: "+12025550102"},
	}
	return a, calls
}

func TestGetACDStateExactAnswer(t *testing.T) {
	h := newHarness(t, nil)
	a, calls := acdFixture()
	h.srv.SetAccount(a)
	h.srv.SetCalls(calls)
	got := h.call("GetACDState", vals("acd_queue_id", "100;300; 999 ;100"))
	want := decode(t, []byte(`{"result": {"acd_queues": [
	  {"acd_queue_id": 100,
	   "ready_operators": [{"user_id": 5, "user_name": "zoe", "user_display_name": "Zoë Müller", "idle_duration": 60}],
	   "ready_operators_count": 1,
	   "locked_operators": [{"user_id": 8, "user_name": "eve", "user_display_name": "Eve Ng", "status": "READY"}],
	   "locked_operators_count": 1,
	   "after_service_operators": [],
	   "after_service_operator_count": 0,
	   "servicing_calls": [{"acd_session_history_id": 11, "user_id": 3, "user_name": "anna", "user_display_name": "Анна Петрова",
	      "begin_time": "2025-03-14 15:06:56", "waiting_time": 30, "priority": 50, "callerid": "+12025550101"}],
	   "waiting_calls": [{"acd_session_history_id": 12, "begin_time": "2025-03-14 15:08:56", "waiting_time": 30, "priority": 50, "minutes_to_submit": 0}]},
	  {"acd_queue_id": 300,
	   "ready_operators": [], "ready_operators_count": 0,
	   "locked_operators": [{"user_id": 8, "user_name": "eve", "user_display_name": "Eve Ng", "status": "READY"}],
	   "locked_operators_count": 1,
	   "after_service_operators": [], "after_service_operator_count": 0,
	   "servicing_calls": [],
	   "waiting_calls": [{"acd_session_history_id": 13, "begin_time": "2025-03-14 15:09:16", "waiting_time": 10, "priority": 1,
	      "minutes_to_submit": 0, "callerid": "+12025550102", "user_id": 8, "user_name": "eve", "user_display_name": "Eve Ng"}]}
	]}}`))
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("GetACDState answer:\n%s", g)
	}

	// Support L2: finn after service, carl (DND) nowhere.
	got = h.call("GetACDState", vals("acd_queue_id", "200"))
	q := got["result"].(map[string]any)["acd_queues"].([]any)[0].(map[string]any)
	if q["after_service_operator_count"] != 1.0 || len(q["after_service_operators"].([]any)) != 1 ||
		q["ready_operators_count"] != 0.0 || q["locked_operators_count"] != 0.0 {
		t.Errorf("queue 200: %v", q)
	}
	if _, ok := q["after_service_operators_count"]; ok {
		t.Error("after_service_operators_count: the API spells it after_service_operator_count")
	}
}

func TestGetACDStateQueueSelection(t *testing.T) {
	h := newHarness(t, nil)
	ids := func(m map[string]any) []int64 {
		t.Helper()
		res, ok := m["result"].(map[string]any)
		if !ok {
			t.Fatalf("result is not an object: %v", m)
		}
		out := []int64{}
		for _, q := range res["acd_queues"].([]any) {
			out = append(out, int64(q.(map[string]any)["acd_queue_id"].(float64)))
		}
		return out
	}
	for _, tc := range []struct {
		param string
		want  []int64
	}{
		{"all", []int64{100, 200, 300}},
		{"ALL", []int64{100, 200, 300}},
		{"300;100", []int64{300, 100}},
		{"300;;100;", []int64{300, 100}},
		{"999", []int64{}},
		{"200;999", []int64{200}},
	} {
		if got := ids(h.call("GetACDState", vals("acd_queue_id", tc.param))); !slices.Equal(got, tc.want) {
			t.Errorf("acd_queue_id=%q: queues %v, want %v", tc.param, got, tc.want)
		}
	}
	for _, tc := range []struct {
		params map[string]string
		code   int
	}{
		{nil, CodeRequiredParamEmpty},
		{map[string]string{"acd_queue_id": ""}, CodeRequiredParamEmpty},
		{map[string]string{"acd_queue_id": " ; "}, CodeRequiredParamEmpty},
		{map[string]string{"acd_queue_id": "sales"}, CodeInvalidArgument},
		{map[string]string{"acd_queue_id": "100;x"}, CodeInvalidArgument},
		{map[string]string{"acd_queue_id": "all;100"}, CodeInvalidArgument},
		{map[string]string{"acd_queue_id": "1.5"}, CodeInvalidArgument},
	} {
		v := vals()
		for k, x := range tc.params {
			v.Set(k, x)
		}
		if code := errorCode(t, h.call("GetACDState", v)); code != tc.code {
			t.Errorf("%v: code %d, want %d", tc.params, code, tc.code)
		}
	}

	// Queues known only from users' bindings exist too: "all" lists them
	// after the catalogue, by id.
	a := fixture()
	a.Queues = a.Queues[:1]
	a.Users = append(a.Users, User{ID: 50, Name: "x", Active: true, Apps: []int64{10}, Queues: []Queue{{ID: 77, Name: "Hidden"}}, Status: StatusReady})
	h.srv.SetAccount(a)
	if got := ids(h.call("GetACDState", vals("acd_queue_id", "all"))); !slices.Equal(got, []int64{100, 77, 200, 300}) {
		t.Errorf("binding-only queues: %v, want [100 77 200 300]", got)
	}
}

func TestForbiddenMethods(t *testing.T) {
	type call struct {
		method string
		params []string
	}
	users := call{"GetUsers", []string{"application_id", "10"}}
	queues := call{"GetQueues", []string{"application_id", "10"}}
	state := call{"GetACDState", []string{"acd_queue_id", "all"}}
	stats := call{"GetACDQueueStatistics", []string{"from_date", "2025-03-14 00:00:00"}}
	for _, tc := range []struct {
		name    string
		mod     func(*Config)
		allowed []call
		denied  []call
	}{
		{"owner by default", nil, []call{users, queues, state, stats}, nil},
		{"forbidden method", func(c *Config) { c.ForbiddenMethods = []string{"GetACDState", "GetACDQueueStatistics"} }, []call{users, queues}, []call{state, stats}},
		{"supervisor", func(c *Config) { c.Roles = []string{RoleSupervisor} }, []call{users, queues, stats}, []call{state}},
		{"user manager", func(c *Config) { c.Roles = []string{"user manager"} }, []call{users, stats}, []call{queues, state}},
		{"developer", func(c *Config) { c.Roles = []string{RoleDeveloper} }, []call{users, queues, state, stats}, nil},
		{"admin", func(c *Config) { c.Roles = []string{RoleAdmin} }, []call{users, queues, state, stats}, nil},
		{"supervisor and developer", func(c *Config) { c.Roles = []string{RoleSupervisor, RoleDeveloper} }, []call{users, queues, state}, nil},
		{"developer but forbidden", func(c *Config) {
			c.Roles = []string{RoleDeveloper}
			c.ForbiddenMethods = []string{"GetUsers"}
		}, []call{queues, state}, []call{users}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.mod)
			for _, c := range tc.allowed {
				if code := errorCode(t, h.call(c.method, vals(c.params...))); code != 0 {
					t.Errorf("%s: code %d, want an answer", c.method, code)
				}
			}
			for _, c := range tc.denied {
				m := h.call(c.method, vals(c.params...))
				if code := errorCode(t, m); code != CodeForbidden {
					t.Errorf("%s: code %d, want 104", c.method, code)
				}
				// Authentication comes first.
				_, body, err := h.post(t.Context(), c.method, vals(c.params...), "")
				if err != nil {
					t.Fatal(err)
				}
				if code := errorCode(t, decode(t, body)); code == CodeForbidden || code == 0 {
					t.Errorf("%s without a token: code %d, want an auth error", c.method, code)
				}
			}
		})
	}
}

func TestGetQueues(t *testing.T) {
	h := newHarness(t, nil)
	a := fixture()
	a.Queues[0].Priority = 10
	a.Queues[0].AutoBinding = true
	a.Queues[0].ServiceProbability = 0.75
	a.Queues[0].MaxQueueSize = 25
	a.Queues[0].MaxWaitingTime = 15
	a.Queues[0].AverageServiceTime = 200
	a.Queues[0].SLThresholds = []int{20, 60}
	a.Queues[0].Skills = []Skill{{1, "English"}, {3, "VIP"}}
	a.Queues[1].Skills = []Skill{{2, "Spanish"}}
	a.Queues[2].Skills = []Skill{{1, "English"}}
	a.Queues[0].Created = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	a.Queues[0].Modified = time.Date(2024, 6, 7, 8, 9, 10, 0, time.UTC)
	a.Queues[0].CallsPerHour = 30 // simulation only: not in the answer
	h.srv.SetAccount(a)

	got := h.call("GetQueues", vals("application_id", "10"))
	want := decode(t, []byte(`{"result": [
	  {"acd_queue_id": 100, "acd_queue_name": "Support L1", "application_id": 10, "acd_queue_priority": 10,
	   "auto_binding": true, "service_probability": 0.75, "max_queue_size": 25, "max_waiting_time": 15,
	   "average_service_time": 200, "sl_thresholds": [20, 60],
	   "created": "2024-05-06 07:08:09", "modified": "2024-06-07 08:09:10"},
	  {"acd_queue_id": 200, "acd_queue_name": "Support L2", "application_id": 10, "acd_queue_priority": 0,
	   "auto_binding": false, "service_probability": 1, "average_service_time": 0, "sl_thresholds": [20]}
	], "total_count": 2, "count": 2}`))
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("GetQueues answer:\n%s", g)
	}

	queueIDs := func(m map[string]any) []int64 {
		t.Helper()
		out := []int64{}
		for _, q := range m["result"].([]any) {
			out = append(out, int64(q.(map[string]any)["acd_queue_id"].(float64)))
		}
		return out
	}
	for _, tc := range []struct {
		params      []string
		want        []int64
		total, text int
	}{
		{[]string{"application_id", "20"}, []int64{300}, 1, 0},
		{nil, []int64{100, 200, 300}, 3, 0}, // no application: every queue of the account
		{[]string{"application_id", "10", "acd_queue_id", "200"}, []int64{200}, 1, 0},
		{[]string{"application_id", "10", "acd_queue_id", "300"}, []int64{}, 0, 0},
		{[]string{"application_id", "10", "acd_queue_name", "l2"}, []int64{200}, 1, 0},
		{[]string{"count", "2"}, []int64{100, 200}, 3, 0},
		{[]string{"count", "2", "offset", "2"}, []int64{300}, 3, 0},
		{[]string{"application_id", "30"}, []int64{}, 0, 0},
		{[]string{"skill_id", "1"}, []int64{100, 300}, 2, 0},
		{[]string{"skill_id", "2;3"}, []int64{100, 200}, 2, 0},
		{[]string{"skill_id", "99"}, []int64{}, 0, 0},
		{[]string{"excluded_skill_id", "1"}, []int64{200}, 1, 0},
		{[]string{"excluded_skill_id", "2;3"}, []int64{300}, 1, 0},
		{[]string{"skill_id", "1", "excluded_skill_id", "3"}, []int64{300}, 1, 0},
		{[]string{"acd_queue_name", "SUPPORT"}, []int64{100, 200}, 2, 0},
	} {
		m := h.call("GetQueues", vals(tc.params...))
		if got := queueIDs(m); !slices.Equal(got, tc.want) || m["total_count"] != float64(tc.total) || m["count"] != float64(len(tc.want)) {
			t.Errorf("%v: %v total %v count %v, want %v total %d", tc.params, got, m["total_count"], m["count"], tc.want, tc.total)
		}
	}
	for _, tc := range []struct {
		params []string
		code   int
	}{
		// No official client has application_name for GetQueues.
		{[]string{"application_name", "support"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "application_name", "support"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "with_users", "true"}, CodeInvalidArgument},
		{[]string{"application_id", "99"}, CodeInvalidApplicationID},
		{[]string{"application_id", "ten"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "count", "many"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "offset", "-1"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "acd_queue_id", "x"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "skill_id", "1;x"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "excluded_skill_id", "y"}, CodeInvalidArgument},
		{[]string{"application_id", "10", "with_skills", "maybe"}, CodeInvalidArgument},
	} {
		if code := errorCode(t, h.call("GetQueues", vals(tc.params...))); code != tc.code {
			t.Errorf("%v: code %d, want %d", tc.params, code, tc.code)
		}
	}
}

// TestGetQueuesOptionalParts: skills and operatorcount appear only with
// their flags; operatorcount counts the active users bound to the queue.
func TestGetQueuesOptionalParts(t *testing.T) {
	h := newHarness(t, nil)
	a := fixture()
	a.Queues[0].Skills = []Skill{{1, "English"}, {3, "VIP"}}
	h.srv.SetAccount(a)
	byID := func(m map[string]any) map[int64]map[string]any {
		t.Helper()
		out := map[int64]map[string]any{}
		for _, q := range m["result"].([]any) {
			qm := q.(map[string]any)
			out[int64(qm["acd_queue_id"].(float64))] = qm
		}
		return out
	}
	plain := byID(h.call("GetQueues", vals()))
	for id, q := range plain {
		if _, ok := q["skills"]; ok {
			t.Errorf("queue %d: skills without with_skills", id)
		}
		if _, ok := q["operatorcount"]; ok {
			t.Errorf("queue %d: operatorcount without with_operatorcount", id)
		}
	}
	full := byID(h.call("GetQueues", vals("with_skills", "true", "with_operatorcount", "true")))
	// Fixture bindings: l1 (100): zoe, anna; l2 (200): carl; sales (300): anna.
	for id, want := range map[int64]struct {
		skills    string
		operators float64
	}{
		100: {`[{"skill_id":1,"skill_name":"English"},{"skill_id":3,"skill_name":"VIP"}]`, 2},
		200: {`[]`, 1},
		300: {`[]`, 1},
	} {
		q := full[id]
		if !jsonEqual(t, q["skills"], want.skills) {
			t.Errorf("queue %d: skills %v, want %s", id, q["skills"], want.skills)
		}
		if q["operatorcount"] != want.operators {
			t.Errorf("queue %d: operatorcount %v, want %v", id, q["operatorcount"], want.operators)
		}
	}
	// showing_skill_id narrows the skills shown, not the queues.
	shown := byID(h.call("GetQueues", vals("with_skills", "true", "showing_skill_id", "3")))
	if len(shown) != 3 || !jsonEqual(t, shown[100]["skills"], `[{"skill_id":3,"skill_name":"VIP"}]`) || !jsonEqual(t, shown[200]["skills"], `[]`) {
		t.Errorf("showing_skill_id=3: %v", shown)
	}
	// An inactive user bound to a queue is not an operator of it.
	h.srv.UpdateUsers(func(us []User) []User {
		for i := range us {
			if us[i].ID == 5 {
				us[i].Active = false
			}
		}
		return us
	})
	if got := byID(h.call("GetQueues", vals("application_id", "10", "with_operatorcount", "1")))[100]["operatorcount"]; got != 1.0 {
		t.Errorf("queue 100 with zoe inactive: operatorcount %v, want 1", got)
	}
}
