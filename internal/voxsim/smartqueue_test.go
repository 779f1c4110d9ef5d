package voxsim

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// The SmartQueue application of sqFixture.
const sqAppID = 40

// sqFixture adds to fixture() a SmartQueue application whose every answer
// can be worked out by hand (fixedNow is the server clock):
//   - queue 501 "Voice": agents carl (CALL only, IN_SERVICE) and zoe (CALL
//     on the custom status LUNCH, IM READY); anna is an agent too but
//     OFFLINE on her only channel, IM; bob's user is inactive. Tasks: a
//     call waiting 12.345 s for skill English >= 2, with custom data, and
//     a call carl has processed for 70.5 s after a 29.5 s wait.
//   - queue 502 "Chat": zoe; a message distributed to her 20 s after it
//     arrived.
//   - queue 503 belongs to another application.
func sqFixture() Account {
	a := fixture()
	a.Apps = append(a.Apps, Application{ID: sqAppID, Name: "smartqueue.acme.n2.voximplant.com", Modified: fixedNow.Add(-24 * time.Hour)})
	ago := func(d time.Duration) time.Time { return fixedNow.Add(-d) }
	a.SmartQueue = SmartQueue{
		Skills:         []SQSkill{{11, "English"}, {12, "Billing"}},
		CustomStatuses: []string{"LUNCH", "TRAINING"},
		Queues: []SQQueue{
			{ID: 501, Name: "Voice", ApplicationID: sqAppID},
			{ID: 502, Name: "Chat", ApplicationID: sqAppID},
			{ID: 503, Name: "Elsewhere", ApplicationID: 10},
		},
		Agents: []SQAgent{
			{UserID: 5, Queues: []int64{501, 502}, Skills: []SQSkillLevel{{11, 4}, {12, 2}},
				Channels: []SQChannel{{SQChannelCall, "LUNCH", ago(3 * time.Minute)}, {SQChannelIM, SQStatusReady, ago(30 * time.Minute)}}},
			{UserID: 1, Queues: []int64{501}, Skills: []SQSkillLevel{{11, 5}},
				Channels: []SQChannel{{SQChannelCall, SQStatusInService, ago(70500 * time.Millisecond)}}},
			{UserID: 3, Queues: []int64{501}, Channels: []SQChannel{{SQChannelIM, SQStatusOffline, ago(time.Hour)}}},
			{UserID: 9, Queues: []int64{501}, Channels: []SQChannel{{SQChannelCall, SQStatusReady, ago(time.Hour)}}},
		},
		Tasks: []SQTask{
			{ID: 1, QueueID: 501, Type: SQChannelCall, Status: SQTaskInQueue, Skills: []SQSkillLevel{{11, 2}},
				Arrived: ago(12345 * time.Millisecond), CustomData: `{"crm_id":"42"}`},
			{ID: 2, QueueID: 501, Type: SQChannelCall, Status: SQTaskInProcessing, Agent: 1,
				Arrived: ago(100 * time.Second), Started: ago(70500 * time.Millisecond)},
			{ID: 3, QueueID: 502, Type: SQChannelIM, Status: SQTaskDistributed, Agent: 5, Skills: []SQSkillLevel{{12, 1}},
				Arrived: ago(20 * time.Second)},
		},
	}
	return a
}

func sqHarness(t *testing.T, mod func(*Config)) *harness {
	return newHarness(t, func(c *Config) {
		c.Account = sqFixture()
		if mod != nil {
			mod(c)
		}
	})
}

func TestGetSQStateExactAnswer(t *testing.T) {
	h := sqHarness(t, nil)
	m := h.call("GetSQState", vals("application_id", "40", "sq_queue_id", "all"))
	// zoe serves both queues: on CALL in a custom status, on IM READY.
	zoe := `{"user_id": 5, "user_name": "zoe", "user_display_name": "Zoë Müller",
	    "sq_skills": [{"sq_skill_id": 11, "sq_skill_name": "English", "sq_skill_level": 4},
	                  {"sq_skill_id": 12, "sq_skill_name": "Billing", "sq_skill_level": 2}],
	    "sq_statuses": [{"CALL": {"sq_status_name": "LUNCH", "from_date": "2025-03-14 15:06:26"},
	                     "IM": {"sq_status_name": "READY", "from_date": "2025-03-14 14:39:26"}}]}`
	want := `[
	 {"sq_queue_id": 501, "sq_queue_name": "Voice",
	  "sq_agents": [
	   {"user_id": 1, "user_name": "carl", "user_display_name": "Carl Zeiss",
	    "sq_skills": [{"sq_skill_id": 11, "sq_skill_name": "English", "sq_skill_level": 5}],
	    "sq_statuses": [{"CALL": {"sq_status_name": "IN_SERVICE", "from_date": "2025-03-14 15:08:15"}}]},
` + zoe + `],
	  "tasks": [
	   {"task_type": "CALL", "status": "IN_PROCESSING", "user_id": 1, "sq_skills": [],
	    "waiting_time": 29500, "processing_time": 70500},
	   {"task_type": "CALL", "status": "IN_QUEUE",
	    "sq_skills": [{"sq_skill_id": 11, "sq_skill_name": "English", "sq_skill_level": 2}],
	    "waiting_time": 12345, "processing_time": 0, "custom_data": "{\"crm_id\":\"42\"}"}]},
	 {"sq_queue_id": 502, "sq_queue_name": "Chat",
	  "sq_agents": [
` + zoe + `],
	  "tasks": [
	   {"task_type": "IM", "status": "DISTRIBUTED", "user_id": 5,
	    "sq_skills": [{"sq_skill_id": 12, "sq_skill_name": "Billing", "sq_skill_level": 1}],
	    "waiting_time": 20000, "processing_time": 0}]}]`
	if !jsonEqual(t, m["result"], want) {
		t.Errorf("GetSQState:\n got %s\nwant %s", mustJSON(m["result"]), want)
	}
	if ks := keys(m); !slices.Equal(ks, []string{"result"}) {
		t.Errorf("top-level keys %v, want [result]", ks)
	}
}

// TestGetSQStateKeys checks the key names one by one, so that a renamed
// field fails with its name.
func TestGetSQStateKeys(t *testing.T) {
	h := sqHarness(t, nil)
	m := h.call("GetSQState", vals("application_name", "smartqueue", "sq_queue_id", "501"))
	res := m["result"].([]any)
	if len(res) != 1 {
		t.Fatalf("%d queues, want 1", len(res))
	}
	q := res[0].(map[string]any)
	checkKeys(t, "queue", q, "sq_agents", "sq_queue_id", "sq_queue_name", "tasks")
	for _, a := range q["sq_agents"].([]any) {
		a := a.(map[string]any)
		checkKeys(t, "agent", a, "sq_skills", "sq_statuses", "user_display_name", "user_id", "user_name")
		for _, s := range a["sq_skills"].([]any) {
			checkKeys(t, "skill", s.(map[string]any), "sq_skill_id", "sq_skill_level", "sq_skill_name")
		}
		sts := a["sq_statuses"].([]any)
		if len(sts) != 1 {
			t.Fatalf("sq_statuses has %d items, want one object keyed by channel", len(sts))
		}
		for ch, st := range sts[0].(map[string]any) {
			if ch != "CALL" && ch != "IM" {
				t.Errorf("channel key %q", ch)
			}
			checkKeys(t, "status", st.(map[string]any), "from_date", "sq_status_name")
		}
	}
	var withAgent, withoutAgent int
	for _, k := range q["tasks"].([]any) {
		k := k.(map[string]any)
		if _, ok := k["user_id"]; ok {
			withAgent++
			checkKeys(t, "task", k, "processing_time", "sq_skills", "status", "task_type", "user_id", "waiting_time")
			continue
		}
		withoutAgent++
		if k["status"] != SQTaskInQueue {
			t.Errorf("task %v has no user_id but is %v", k, k["status"])
		}
		checkKeys(t, "waiting task", k, "custom_data", "processing_time", "sq_skills", "status", "task_type", "waiting_time")
	}
	if withAgent != 1 || withoutAgent != 1 {
		t.Errorf("%d tasks with an agent, %d without; want 1 and 1", withAgent, withoutAgent)
	}
}

func checkKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
}

// idList lists the key of each item of list, in order.
func idList(t *testing.T, list any, key string) []int64 {
	t.Helper()
	items, ok := list.([]any)
	if !ok {
		t.Fatalf("not an array: %v", list)
	}
	ids := []int64{}
	for _, x := range items {
		ids = append(ids, int64(x.(map[string]any)[key].(float64)))
	}
	return ids
}

func TestGetSQStateSelection(t *testing.T) {
	h := sqHarness(t, nil)
	for _, tc := range []struct {
		params []string
		want   []int64
	}{
		{[]string{"application_id", "40", "sq_queue_id", "all"}, []int64{501, 502}},
		{[]string{"application_id", "40", "sq_queue_id", "ALL"}, []int64{501, 502}},
		{[]string{"application_id", "40", "sq_queue_id", "502;501;502"}, []int64{502, 501}},
		{[]string{"application_id", "40", "sq_queue_id", "501;999;503"}, []int64{501}}, // unknown and other app's queues left out
		{[]string{"application_id", "40", "sq_queue_name", "Chat"}, []int64{502}},
		{[]string{"application_id", "40", "sq_queue_name", "chat"}, []int64{}},
		{[]string{"application_name", "smartqueue.acme.n2.voximplant.com", "sq_queue_id", "all"}, []int64{501, 502}},
		{[]string{"application_name", "SmartQueue", "sq_queue_id", "all"}, []int64{501, 502}},
		{[]string{"application_id", "10", "sq_queue_id", "all"}, []int64{503}},
	} {
		m := h.call("GetSQState", vals(tc.params...))
		if code := errorCode(t, m); code != 0 {
			t.Errorf("%v: error %d", tc.params, code)
			continue
		}
		if got := idList(t, m["result"], "sq_queue_id"); !slices.Equal(got, tc.want) {
			t.Errorf("%v: queues %v, want %v", tc.params, got, tc.want)
		}
	}
}

// TestGetSQStateTimezone: from_date is written in the timezone asked for;
// waiting times do not depend on it.
func TestGetSQStateTimezone(t *testing.T) {
	h := sqHarness(t, nil)
	carlSince := func(zone string) string {
		t.Helper()
		p := vals("application_id", "40", "sq_queue_id", "501")
		if zone != "" {
			p.Set("timezone", zone)
		}
		m := h.call("GetSQState", p)
		if code := errorCode(t, m); code != 0 {
			t.Fatalf("timezone %q: error %d", zone, code)
		}
		q := m["result"].([]any)[0].(map[string]any)
		a := q["sq_agents"].([]any)[0].(map[string]any)
		return a["sq_statuses"].([]any)[0].(map[string]any)["CALL"].(map[string]any)["from_date"].(string)
	}
	for _, zone := range []string{"", "UTC", "Etc/GMT", "Etc/UTC", "GMT", "auto"} {
		if got := carlSince(zone); got != "2025-03-14 15:08:15" {
			t.Errorf("timezone %q: from_date %q, want UTC 2025-03-14 15:08:15", zone, got)
		}
	}
	needZone(t, "Asia/Tokyo")
	if got := carlSince("Asia/Tokyo"); got != "2025-03-15 00:08:15" {
		t.Errorf("Asia/Tokyo: from_date %q, want 2025-03-15 00:08:15", got)
	}
	if got := carlSince("America/New_York"); got != "2025-03-14 11:08:15" { // EDT since 9 March
		t.Errorf("America/New_York: from_date %q, want 2025-03-14 11:08:15", got)
	}

	// The account's zone is the default.
	h = newHarness(t, func(c *Config) {
		c.Account = sqFixture()
		c.Account.SmartQueue.Timezone = "Asia/Tokyo"
	})
	for _, zone := range []string{"", "auto"} {
		if got := carlSince(zone); got != "2025-03-15 00:08:15" {
			t.Errorf("account zone Asia/Tokyo, timezone %q: from_date %q, want 2025-03-15 00:08:15", zone, got)
		}
	}
	if got := carlSince("Etc/GMT"); got != "2025-03-14 15:08:15" {
		t.Errorf("account zone Asia/Tokyo, timezone Etc/GMT: from_date %q, want UTC", got)
	}
}

// sqAppErrors are the application parameters' errors, common to both
// SmartQueue methods; base holds the other parameters a valid call needs.
func checkSQAppErrors(t *testing.T, h *harness, method string, base ...string) {
	t.Helper()
	for _, tc := range []struct {
		params []string
		code   int
	}{
		{nil, CodeRequiredParamEmpty},
		{[]string{"application_id", "40", "application_name", "smartqueue"}, CodeOnlyOneParam},
		{[]string{"application_id", "41"}, CodeInvalidApplicationID},
		{[]string{"application_name", "nosuchapp"}, CodeInvalidApplicationID},
		{[]string{"application_name", "smart"}, CodeInvalidApplicationID}, // not a substring match
		{[]string{"application_id", "forty"}, CodeInvalidArgument},
	} {
		p := vals(append(slices.Clone(base), tc.params...)...)
		if code := errorCode(t, h.call(method, p)); code != tc.code {
			t.Errorf("%s %v: code %d, want %d", method, tc.params, code, tc.code)
		}
	}
}

func TestGetSQStateErrors(t *testing.T) {
	h := sqHarness(t, nil)
	checkSQAppErrors(t, h, "GetSQState", "sq_queue_id", "all")
	for _, tc := range []struct {
		params []string
		code   int
	}{
		{[]string{"application_id", "40"}, CodeRequiredParamEmpty},
		{[]string{"application_id", "40", "sq_queue_id", ";"}, CodeRequiredParamEmpty},
		{[]string{"application_id", "40", "sq_queue_id", "501", "sq_queue_name", "Voice"}, CodeOnlyOneParam},
		{[]string{"application_id", "40", "sq_queue_id", "501;x"}, CodeInvalidArgument},
		{[]string{"application_id", "40", "sq_queue_id", "all", "timezone", "Mars/Olympus_Mons"}, CodeInvalidArgument},
	} {
		m := h.call("GetSQState", vals(tc.params...))
		if code := errorCode(t, m); code != tc.code {
			t.Errorf("%v: code %d, want %d", tc.params, code, tc.code)
		}
		if tc.code != 0 {
			checkKeys(t, "error envelope", m, "error", "errors")
		}
	}
}

func TestSmartQueueForbidden(t *testing.T) {
	state := []string{"application_id", "40", "sq_queue_id", "all"}
	metrics := []string{"application_id", "40", "sq_queue_id", "501", "report_type", "count_handled_calls"}
	h := sqHarness(t, func(c *Config) { c.ForbiddenMethods = []string{"GetSQState", "GetSmartQueueRealtimeMetrics"} })
	for method, p := range map[string][]string{"GetSQState": state, "GetSmartQueueRealtimeMetrics": metrics} {
		if code := errorCode(t, h.call(method, vals(p...))); code != CodeForbidden {
			t.Errorf("%s forbidden: code %d, want 104", method, code)
		}
		if code := errorCode(t, h.call("GetUsers", vals("application_id", "40"))); code != 0 {
			t.Errorf("GetUsers beside a forbidden %s: code %d", method, code)
		}
	}
	h = sqHarness(t, func(c *Config) { c.ForbiddenMethods = []string{"GetSmartQueueRealtimeMetrics"} })
	if code := errorCode(t, h.call("GetSQState", vals(state...))); code != 0 {
		t.Errorf("GetSQState with only the metrics forbidden: code %d", code)
	}
	if code := errorCode(t, h.call("GetSmartQueueRealtimeMetrics", vals(metrics...))); code != CodeForbidden {
		t.Errorf("metrics forbidden alone: code %d, want 104", code)
	}
}

func TestSmartQueueAccountCopied(t *testing.T) {
	a := sqFixture()
	s := NewServer(Config{Account: a})
	defer s.Close()
	got := s.Account()
	if !reflect.DeepEqual(got.SmartQueue, a.SmartQueue) {
		t.Fatal("Account() does not return the SmartQueue it was given")
	}
	got.SmartQueue.Agents[0].Channels[0].Status = "CHANGED"
	got.SmartQueue.Tasks[0].Skills[0].Level = 99
	got.SmartQueue.Queues[0].Name = "changed"
	a.SmartQueue.Agents[0].Skills[0].Level = 99
	again := s.Account().SmartQueue
	if again.Agents[0].Channels[0].Status != "LUNCH" || again.Tasks[0].Skills[0].Level != 2 ||
		again.Queues[0].Name != "Voice" || again.Agents[0].Skills[0].Level != 4 {
		t.Error("the server's SmartQueue shares memory with a copy")
	}
}

// TestGetSQStateLoggedIn: an agent is listed while some channel is not
// OFFLINE, and not once every channel is.
func TestGetSQStateLoggedIn(t *testing.T) {
	a := sqFixture()
	a.SmartQueue.Agents[1].Channels[0].Status = SQStatusOffline // carl
	a.SmartQueue.Agents[2].Channels[0].Status = SQStatusOnline  // anna, IM only
	h := newHarness(t, func(c *Config) { c.Account = a })
	m := h.call("GetSQState", vals("application_id", "40", "sq_queue_id", "501"))
	agents := m["result"].([]any)[0].(map[string]any)["sq_agents"]
	ids := idList(t, agents, "user_id")
	if st := agents.([]any)[0].(map[string]any)["sq_statuses"]; !jsonEqual(t, st, `[{"IM":{"sq_status_name":"ONLINE","from_date":"2025-03-14 14:09:26"}}]`) {
		t.Errorf("anna's statuses %v, want IM only, ONLINE", st)
	}
	if !slices.Equal(ids, []int64{3, 5}) {
		t.Errorf("agents %v, want [3 5] (anna logged in on IM only, carl logged out)", ids)
	}
}
