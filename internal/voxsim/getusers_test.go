package voxsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestGetUsersFilters(t *testing.T) {
	h := newHarness(t, nil)
	all := []int64{3, 9, 1, 7, 5} // by user_name: anna bob carl dana zoe
	cases := []struct {
		name   string
		params url.Values
		want   []int64
		total  int
	}{
		{"application_id", vals("application_id", "10"), []int64{3, 1, 5}, 3},
		{"application_name case-insensitive part", vals("application_name", "SALES"), []int64{3, 9}, 2},
		{"application_name matching all", vals("application_name", "acme"), all, 5},
		{"application_name matching none", vals("application_name", "nomatch"), []int64{}, 0},
		{"skill_id", vals("application_name", "acme", "skill_id", "1"), []int64{1, 5}, 2},
		{"excluded_skill_id", vals("application_name", "acme", "excluded_skill_id", "1"), []int64{3, 9, 7}, 3},
		{"skill_id unknown", vals("application_name", "acme", "skill_id", "99"), []int64{}, 0},
		{"acd_queue_id", vals("application_name", "acme", "acd_queue_id", "100"), []int64{3, 5}, 2},
		{"excluded_acd_queue_id", vals("application_name", "acme", "excluded_acd_queue_id", "100"), []int64{9, 1, 7}, 3},
		{"user_id", vals("application_name", "acme", "user_id", "5"), []int64{5}, 1},
		{"user_id outside app", vals("application_id", "20", "user_id", "5"), []int64{}, 0},
		{"user_name part", vals("application_name", "acme", "user_name", "AR"), []int64{1}, 1},
		{"user_display_name non-ASCII part", vals("application_name", "acme", "user_display_name", "ПЕТР"), []int64{3}, 1},
		{"user_active false", vals("application_name", "acme", "user_active", "false"), []int64{9}, 1},
		{"user_active true", vals("application_name", "acme", "user_active", "true"), []int64{3, 1, 7, 5}, 4},
		{"acd_status list", vals("application_name", "acme", "acd_status", "READY;DND"), []int64{1, 5}, 2},
		{"acd_status with empty items", vals("application_name", "acme", "acd_status", ";IN_SERVICE;"), []int64{3}, 1},
		{"order_by user_id", vals("application_name", "acme", "order_by", "user_id"), []int64{1, 3, 5, 7, 9}, 5},
		{"order_by user_display_name", vals("application_name", "acme", "order_by", "user_display_name"), []int64{9, 1, 7, 5, 3}, 5},
		{"order_by user_name explicit", vals("application_name", "acme", "order_by", "user_name"), all, 5},
		{"count", vals("application_name", "acme", "count", "2"), []int64{3, 9}, 5},
		{"count and offset", vals("application_name", "acme", "count", "2", "offset", "2"), []int64{1, 7}, 5},
		{"offset near end", vals("application_name", "acme", "offset", "4"), []int64{5}, 5},
		{"offset past end", vals("application_name", "acme", "offset", "10"), []int64{}, 5},
		{"count zero", vals("application_name", "acme", "count", "0"), []int64{}, 5},
		{"empty value is absent", vals("application_name", "acme", "skill_id", ""), all, 5},
		{"combined", vals("application_id", "10", "user_active", "true", "excluded_skill_id", "3", "order_by", "user_id"), []int64{1, 3}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := h.call("GetUsers", tc.params)
			if code := errorCode(t, m); code != 0 {
				t.Fatalf("error %d: %v", code, m)
			}
			if got := userIDs(t, m); !slices.Equal(got, tc.want) {
				t.Errorf("ids %v, want %v", got, tc.want)
			}
			if got := int(m["total_count"].(float64)); got != tc.total {
				t.Errorf("total_count %d, want %d", got, tc.total)
			}
			if got := int(m["count"].(float64)); got != len(tc.want) {
				t.Errorf("count %d, want %d", got, len(tc.want))
			}
		})
	}
}

func TestGetUsersErrors(t *testing.T) {
	h := newHarness(t, nil)
	cases := []struct {
		name   string
		params url.Values
		want   int
	}{
		{"both application params", vals("application_id", "10", "application_name", "sales"), CodeOnlyOneParam},
		{"neither application param", vals("user_id", "5"), CodeRequiredParamEmpty},
		{"both empty", vals("application_id", "", "application_name", ""), CodeRequiredParamEmpty},
		{"unknown application_id", vals("application_id", "999"), CodeInvalidApplicationID},
		{"application_id not an int", vals("application_id", "ten"), CodeInvalidArgument},
		{"skill_id not an int", vals("application_id", "10", "skill_id", "1.5"), CodeInvalidArgument},
		{"user_active not a bool", vals("application_id", "10", "user_active", "maybe"), CodeInvalidArgument},
		{"with_skills not a bool", vals("application_id", "10", "with_skills", "yes"), CodeInvalidArgument},
		{"count not an int", vals("application_id", "10", "count", "abc"), CodeInvalidArgument},
		{"negative count", vals("application_id", "10", "count", "-1"), CodeInvalidArgument},
		{"negative offset", vals("application_id", "10", "offset", "-1"), CodeInvalidArgument},
		{"bad order_by", vals("application_id", "10", "order_by", "created"), CodeInvalidArgument},
		{"order_by is case-sensitive", vals("application_id", "10", "order_by", "USER_ID"), CodeInvalidArgument},
		{"unknown acd_status", vals("application_id", "10", "acd_status", "READY;BOGUS"), CodeInvalidACDStatus},
		{"lower-case acd_status", vals("application_id", "10", "acd_status", "ready"), CodeInvalidACDStatus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := h.call("GetUsers", tc.params)
			if got := errorCode(t, m); got != tc.want {
				t.Fatalf("code %d, want %d: %v", got, tc.want, m)
			}
			if _, ok := m["result"]; ok {
				t.Errorf("error answer carries a result: %v", m)
			}
		})
	}
}

func TestGetUsersBooleanSpellings(t *testing.T) {
	h := newHarness(t, nil)
	for _, v := range []string{"true", "TRUE", "1"} {
		m := h.call("GetUsers", vals("application_id", "10", "with_skills", v))
		if _, ok := m["result"].([]any)[0].(map[string]any)["skills"]; !ok {
			t.Errorf("with_skills=%s: skills absent", v)
		}
	}
}

func TestGetUsersCountCap(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxCount = 2 })
	m := h.call("GetUsers", vals("application_name", "acme", "count", "100", "order_by", "user_id"))
	if got := userIDs(t, m); !slices.Equal(got, []int64{1, 3}) {
		t.Errorf("capped page %v, want [1 3]", got)
	}
	if total, count := m["total_count"].(float64), m["count"].(float64); total != 5 || count != 2 {
		t.Errorf("total_count %v count %v, want 5 and 2", total, count)
	}
	m = h.call("GetUsers", vals("application_name", "acme", "count", "1", "offset", "4", "order_by", "user_id"))
	if got := userIDs(t, m); !slices.Equal(got, []int64{9}) {
		t.Errorf("below the cap: %v, want [9]", got)
	}
	// Without an explicit count the default (20) is capped too.
	m = h.call("GetUsers", vals("application_name", "acme"))
	if got := len(userIDs(t, m)); got != 2 {
		t.Errorf("default count under cap 2 gave %d records", got)
	}
}

func TestGetUsersDefaultCount(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.UpdateUsers(func([]User) []User {
		var us []User
		for i := range 45 {
			us = append(us, User{ID: int64(i + 1), Name: fmt.Sprintf("op%02d", i), Apps: []int64{10}})
		}
		return us
	})
	m := h.call("GetUsers", vals("application_id", "10"))
	if got := len(userIDs(t, m)); got != 20 {
		t.Errorf("default page has %d records, want 20", got)
	}
	if got := m["total_count"].(float64); got != 45 {
		t.Errorf("total_count %v, want 45", got)
	}
}

// user finds the raw JSON object of one user.
func user(t *testing.T, m map[string]any, id int64) map[string]any {
	t.Helper()
	for _, r := range m["result"].([]any) {
		u := r.(map[string]any)
		if int64(u["user_id"].(float64)) == id {
			return u
		}
	}
	t.Fatalf("user %d not in %v", id, m)
	return nil
}

func TestGetUsersSkillsAndQueuesPresence(t *testing.T) {
	h := newHarness(t, nil)
	base := vals("application_name", "acme")

	m := h.call("GetUsers", base)
	for _, r := range m["result"].([]any) {
		u := r.(map[string]any)
		for _, k := range []string{"skills", "acd_queues"} {
			if _, ok := u[k]; ok {
				t.Errorf("user %v: %q present without being asked for", u["user_id"], k)
			}
		}
	}

	p := vals("application_name", "acme", "with_skills", "true")
	m = h.call("GetUsers", p)
	if _, ok := user(t, m, 5)["acd_queues"]; ok {
		t.Error("acd_queues present with only with_skills")
	}
	if got := user(t, m, 5)["skills"]; !jsonEqual(t, got, `[{"skill_id":1,"skill_name":"English"},{"skill_id":3,"skill_name":"VIP"}]`) {
		t.Errorf("zoe's skills %v", got)
	}
	if got, ok := user(t, m, 9)["skills"]; !ok || !jsonEqual(t, got, `[]`) {
		t.Errorf("bob (no skills) with with_skills: %v present=%v, want []", got, ok)
	}

	p = vals("application_name", "acme", "with_queues", "true", "with_skills", "false")
	m = h.call("GetUsers", p)
	if _, ok := user(t, m, 3)["skills"]; ok {
		t.Error("skills present with with_skills=false")
	}
	want := `[{"acd_queue_id":100,"acd_queue_name":"Support L1","auto_link":true},{"acd_queue_id":300,"acd_queue_name":"Sales","auto_link":false}]`
	if got := user(t, m, 3)["acd_queues"]; !jsonEqual(t, got, want) {
		t.Errorf("anna's queues %v", got)
	}
	if got, ok := user(t, m, 9)["acd_queues"]; !ok || !jsonEqual(t, got, `[]`) {
		t.Errorf("bob's queues %v present=%v, want []", got, ok)
	}

	// showing_skill_id narrows the skills shown, not the users returned.
	m = h.call("GetUsers", vals("application_name", "acme", "with_skills", "true", "showing_skill_id", "3"))
	if len(userIDs(t, m)) != 5 {
		t.Errorf("showing_skill_id filtered users: %v", userIDs(t, m))
	}
	if got := user(t, m, 5)["skills"]; !jsonEqual(t, got, `[{"skill_id":3,"skill_name":"VIP"}]`) {
		t.Errorf("zoe's shown skills %v", got)
	}
	if got := user(t, m, 1)["skills"]; !jsonEqual(t, got, `[]`) {
		t.Errorf("carl's shown skills %v, want []", got)
	}
}

func jsonEqual(t *testing.T, got any, want string) bool {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(w)
	return bytes.Equal(gb, wb)
}

// Field names from the reference page (GetUsers.md, UserInfoType,
// ApplicationInfoType), copied here so the test runs without it.
var (
	refUserFields = []string{"user_id", "user_name", "user_display_name", "user_active", "parent_accounting",
		"live_balance", "balance", "fixed_balance", "user_custom_data", "applications", "skills", "acd_queues",
		"acd_status", "acd_status_change_time", "created", "modified", "frozen"}
	refAppFields      = []string{"application_id", "application_name", "modified", "secure_record_storage"}
	refTopFields      = []string{"result", "total_count", "count"}
	refRequiredFields = []string{"user_id", "user_name", "user_display_name", "user_active", "parent_accounting",
		"live_balance", "balance", "fixed_balance", "user_custom_data", "applications"}
)

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func sorted(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }

func TestGetUsersFieldNames(t *testing.T) {
	h := newHarness(t, nil)
	m := h.call("GetUsers", vals("application_id", "10", "user_id", "5", "with_skills", "true", "with_queues", "true"))
	if got := keys(m); !slices.Equal(got, sorted(refTopFields)) {
		t.Errorf("top-level fields %v, want %v", got, sorted(refTopFields))
	}
	zoe := user(t, m, 5)
	if got := keys(zoe); !slices.Equal(got, sorted(refUserFields)) {
		t.Errorf("user fields %v, want %v", got, sorted(refUserFields))
	}
	app := zoe["applications"].([]any)[0].(map[string]any)
	if got := keys(app); !slices.Equal(got, sorted(refAppFields)) {
		t.Errorf("application fields %v, want %v", got, sorted(refAppFields))
	}
	want := `[{"application_id":10,"application_name":"support.acme.n2.voximplant.com","modified":"2024-01-02 03:04:05","secure_record_storage":false}]`
	if !jsonEqual(t, zoe["applications"], want) {
		t.Errorf("applications %v", zoe["applications"])
	}
	// The sparsest user still carries the always-present fields.
	m = h.call("GetUsers", vals("application_id", "30"))
	dana := user(t, m, 7)
	for _, k := range refRequiredFields {
		if _, ok := dana[k]; !ok {
			t.Errorf("dana lacks %q", k)
		}
	}
	for _, k := range []string{"acd_status", "acd_status_change_time", "frozen"} {
		if _, ok := dana[k]; ok {
			t.Errorf("dana has %q, which should be absent", k)
		}
	}
}

func TestGetUsersMultipleApplications(t *testing.T) {
	h := newHarness(t, nil)
	m := h.call("GetUsers", vals("application_id", "20", "user_id", "3"))
	want := `[{"application_id":10,"application_name":"support.acme.n2.voximplant.com","modified":"2024-01-02 03:04:05","secure_record_storage":false},
		{"application_id":20,"application_name":"sales.acme.n2.voximplant.com","modified":"2024-02-03 04:05:06","secure_record_storage":true}]`
	if got := user(t, m, 3)["applications"]; !jsonEqual(t, got, want) {
		t.Errorf("anna's applications %v", got)
	}
}

func TestGetUsersBalances(t *testing.T) {
	h := newHarness(t, nil)
	m := h.call("GetUsers", vals("application_id", "10", "user_id", "1"))
	carl := user(t, m, 1)
	if carl["live_balance"] != 12.3457 || carl["balance"] != 12.3457 || carl["fixed_balance"] != 10.5 {
		t.Errorf("balances %v/%v/%v, want live=balance=12.3457 fixed=10.5", carl["live_balance"], carl["balance"], carl["fixed_balance"])
	}
	if carl["parent_accounting"] != false || carl["user_custom_data"] != `{"team":"A"}` {
		t.Errorf("parent_accounting %v custom %v", carl["parent_accounting"], carl["user_custom_data"])
	}
	m = h.call("GetUsers", vals("application_id", "10", "user_id", "1", "return_live_balance", "false"))
	if got := user(t, m, 1)["balance"]; got != 10.5 {
		t.Errorf("balance with return_live_balance=false: %v, want fixed 10.5", got)
	}
}

func TestGetUsersTimestampEncodings(t *testing.T) {
	h := newHarness(t, nil)
	msk := time.FixedZone("MSK", 3*3600)
	h.srv.UpdateUsers(func(us []User) []User {
		base := us[0]
		mk := func(id int64, enc TimeEncoding, change time.Time, raw string) User {
			u := base.clone()
			u.ID, u.Name, u.TimeEncoding, u.StatusChange, u.RawStatusChange = id, "ts", enc, change, raw
			return u
		}
		return []User{
			mk(101, TimeAbsent, time.Date(2025, 3, 14, 18, 0, 1, 0, msk), ""),
			mk(102, TimeAbsent, time.Time{}, ""),
			mk(103, TimeEmpty, time.Time{}, ""),
			mk(104, TimeNull, time.Time{}, ""),
			mk(105, TimeRaw, fixedNow, "2025-13-45 99:99:99"),
			mk(106, TimeRawJSON, time.Time{}, "1700000000"),
			mk(107, TimeRawJSON, time.Time{}, "not json"),
			mk(108, TimeEmpty, fixedNow, ""),
		}
	})
	resp, body, err := h.post(context.Background(), "GetUsers", vals("application_id", "10", "order_by", "user_id"), h.token)
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err, resp)
	}
	raw := map[int64]map[string]json.RawMessage{}
	var out struct{ Result []map[string]json.RawMessage }
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	for _, u := range out.Result {
		var id int64
		_ = json.Unmarshal(u["user_id"], &id)
		raw[id] = u
	}
	cases := []struct {
		id   int64
		want string // "" => absent
	}{
		{101, `"2025-03-14 15:00:01"`}, // converted to UTC
		{102, ""},
		{103, `""`},
		{104, `null`},
		{105, `"2025-13-45 99:99:99"`},
		{106, `1700000000`},
		{107, `"not json"`},
		{108, `"2025-03-14 15:09:26"`},
	}
	for _, tc := range cases {
		got, ok := raw[tc.id]["acd_status_change_time"]
		switch {
		case tc.want == "" && ok:
			t.Errorf("user %d: acd_status_change_time = %s, want absent", tc.id, got)
		case tc.want != "" && string(got) != tc.want:
			t.Errorf("user %d: acd_status_change_time = %s, want %s", tc.id, got, tc.want)
		}
	}
	if got := string(raw[101]["created"]); got != `"2023-06-01 09:00:00"` {
		t.Errorf("created = %s", got)
	}

	// Zero created/modified follow TimeEncoding too; raw modes fall back to absent.
	h.srv.UpdateUsers(func(us []User) []User {
		for i := range us {
			us[i].Created, us[i].Modified = time.Time{}, time.Time{}
		}
		return us
	})
	_, body, _ = h.post(context.Background(), "GetUsers", vals("application_id", "10", "order_by", "user_id"), h.token)
	out.Result = nil
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"101": "", "103": `""`, "104": `null`, "105": ""}
	for _, u := range out.Result {
		id := string(u["user_id"])
		w, check := want[id]
		if !check {
			continue
		}
		got, ok := u["created"]
		if (w == "") == ok || (ok && string(got) != w) {
			t.Errorf("user %s: created = %s (present %v), want %q", id, got, ok, w)
		}
	}
}

// TestParameterTransports: the API takes parameters from the query string,
// an urlencoded body and a multipart body.
func TestParameterTransports(t *testing.T) {
	h := newHarness(t, nil)
	send := func(url, ctype string, body io.Reader) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, url, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Authorization", "Bearer "+h.token)
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return decode(t, b)
	}
	want := []int64{1, 3}
	base := h.srv.URL() + "GetUsers"

	m := send(base+"?application_id=10&count=2&order_by=user_id", "application/json", strings.NewReader("{}"))
	if got := userIDs(t, m); !slices.Equal(got, want) {
		t.Errorf("query string: %v", got)
	}
	if q := h.srv.Requests()[0].Query; q.Get("application_id") != "10" {
		t.Errorf("Request.Query = %v", q)
	}

	m = send(base, "application/x-www-form-urlencoded", strings.NewReader("application_id=10&count=2&order_by=user_id"))
	if got := userIDs(t, m); !slices.Equal(got, want) {
		t.Errorf("urlencoded body: %v", got)
	}
	if r := h.srv.Requests()[1]; len(r.Query) != 0 || r.Params.Get("count") != "2" || r.Count != 2 {
		t.Errorf("Request for body params: query %v params %v count %d", r.Query, r.Params, r.Count)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"application_id": "10", "count": "2", "order_by": "user_id"} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	m = send(base, mw.FormDataContentType(), &buf)
	if got := userIDs(t, m); !slices.Equal(got, want) {
		t.Errorf("multipart body: %v", got)
	}

	m = send(base, "multipart/form-data; boundary=x", strings.NewReader("garbage"))
	if code := errorCode(t, m); code != CodeInvalidArgument {
		t.Errorf("broken multipart: code %d, want 101", code)
	}
}

func TestRouting(t *testing.T) {
	h := newHarness(t, nil)
	for _, method := range []string{"GetUser", "getusers", "GetACDStates", "getacdstate"} {
		resp, body, err := h.post(context.Background(), method, vals("application_id", "10"), h.token)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || errorCode(t, decode(t, body)) != CodeUnknownMethod {
			t.Errorf("%s: HTTP %d %s, want 200 with code 103", method, resp.StatusCode, body)
		}
	}
	// Unknown method is reported even without a token.
	if _, body, _ := h.post(context.Background(), "Nope", nil, ""); errorCode(t, decode(t, body)) != CodeUnknownMethod {
		t.Errorf("unknown method without token: %s", body)
	}
	resp, err := testClient.Get(h.srv.URL() + "GetUsers?application_id=10")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: HTTP %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	base := strings.TrimSuffix(h.srv.URL(), "/platform_api/")
	resp, err = testClient.Post(base+"/other/GetUsers", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("path outside platform_api: HTTP %d, want 404", resp.StatusCode)
	}
	if got := h.srv.Stats().Requests; got != 7 {
		t.Errorf("Stats.Requests = %d, want 7 (every request counts)", got)
	}
}

// TestHandlerWithoutStart: NewServer is a plain http.Handler.
func TestHandlerWithoutStart(t *testing.T) {
	creds := NewTestCredentials(testAccountID)
	srv := NewServer(Config{Credentials: creds, Account: fixture()})
	defer srv.Close()
	if srv.URL() != "" {
		t.Errorf("URL() = %q for an unstarted server", srv.URL())
	}
	tok, err := creds.MintToken(time.Now().Add(-5*time.Second), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/platform_api/GetUsers", strings.NewReader("application_id=10&order_by=user_id"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if got := userIDs(t, decode(t, rec.Body.Bytes())); !slices.Equal(got, []int64{1, 3, 5}) {
		t.Errorf("ids %v", got)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestAccountAccessorsCopy(t *testing.T) {
	h := newHarness(t, nil)
	a := h.srv.Account()
	a.Users[0].Name = "mallory"
	a.Users[0].Skills[0].Name = "changed"
	*a.Users[0].Frozen = true
	b := h.srv.Account()
	if b.Users[0].Name != "zoe" || b.Users[0].Skills[0].Name != "English" || *b.Users[0].Frozen {
		t.Error("Account() shares state with the server")
	}
	in := fixture()
	h.srv.SetAccount(in)
	in.Users[0].Apps[0] = 99
	if h.srv.Account().Users[0].Apps[0] != 10 {
		t.Error("SetAccount keeps the caller's slices")
	}
	// Users removed and added between pages are what the next page sees.
	h.srv.UpdateUsers(func(us []User) []User {
		us = slices.DeleteFunc(us, func(u User) bool { return u.ID == 1 })
		return append(us, User{ID: 2, Name: "aaron", Apps: []int64{10}})
	})
	m := h.call("GetUsers", vals("application_id", "10", "order_by", "user_id"))
	if got := userIDs(t, m); !slices.Equal(got, []int64{2, 3, 5}) {
		t.Errorf("after UpdateUsers: %v, want [2 3 5]", got)
	}
}

// TestClaimTotalCount: a claimed total_count replaces the true one on
// every page, records unchanged; 0 restores the truth.
func TestClaimTotalCount(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.ClaimTotalCount(1_000_000)
	m := h.call("GetUsers", vals("application_name", "acme", "count", "2", "offset", "2"))
	if got := int(m["total_count"].(float64)); got != 1_000_000 || !slices.Equal(userIDs(t, m), []int64{1, 7}) {
		t.Errorf("total_count %d ids %v, want the claim over the true page", got, userIDs(t, m))
	}
	h.srv.ClaimTotalCount(0)
	if m := h.call("GetUsers", vals("application_name", "acme")); int(m["total_count"].(float64)) != 5 {
		t.Errorf("total_count %v after the claim ended, want 5", m["total_count"])
	}
}
