package voxapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

func TestTimestamp(t *testing.T) {
	want := time.Date(2026, 11, 28, 9, 5, 7, 0, time.UTC)
	cases := []struct {
		in    string
		valid bool
	}{
		{`"2026-11-28 09:05:07"`, true},
		{`""`, false},
		{`null`, false},
		{`"2026-11-28T09:05:07Z"`, false},
		{`"yesterday"`, false},
		{`"2026-13-40 99:00:00"`, false},
		{`12345`, false},
		{`"2026-11-28 09:05:07 "`, false},
		// Escapes take the slow path, through encoding/json.
		{`"2026\u002d11-28 09:05:07"`, true},
		{`"2026-11-28\u002009:05:07"`, true},
		{`"2026-11-28 09:05:07\""`, false},
		{`"\u0032026-11-28 09:05:0"`, false},
		{` "2026-11-28 09:05:07" `, true},
		{`"2026-11-28 09:05:07`, false},
		{`"`, false},
	}
	for _, tc := range cases {
		var ts Timestamp
		if err := ts.UnmarshalJSON([]byte(tc.in)); err != nil {
			t.Errorf("%s: error %v; a bad timestamp must not fail the page", tc.in, err)
		}
		if ts.Valid != tc.valid {
			t.Errorf("%s: valid = %v, want %v", tc.in, ts.Valid, tc.valid)
		}
		if tc.valid && !ts.Time.Equal(want) {
			t.Errorf("%s: time = %v, want %v", tc.in, ts.Time, want)
		}
	}
}

func TestDecodeGetUsers(t *testing.T) {
	body := `{"result":[{"user_id":7,"user_name":"ann","user_display_name":"Ann \"A\" O'Neil","user_active":true,
	  "parent_accounting":false,"live_balance":12.3456,"balance":12.3456,"fixed_balance":10,
	  "applications":[{"application_id":1,"application_name":"support.acme.voximplant.com","modified":"2026-01-01 00:00:00"}],
	  "skills":[{"skill_id":3,"skill_name":"English"}],
	  "acd_queues":[{"acd_queue_id":9,"acd_queue_name":"Sales","auto_link":true}],
	  "acd_status":"READY","acd_status_change_time":"2026-11-28 09:05:07","created":"","frozen":false},
	  {"user_id":8,"user_name":"bob","acd_status_change_time":null,"created":"2026-11-28 9:05:07","modified":12345,
	   "applications":[{"application_id":1,"modified":{"a":1}}]}],
	  "total_count":12,"count":2}`
	resp, err := DecodeGetUsers(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.TotalCount != 12 || resp.Count != 2 || len(resp.Result) != 2 {
		t.Fatalf("counts: total %d count %d len %d", resp.TotalCount, resp.Count, len(resp.Result))
	}
	a, b := resp.Result[0], resp.Result[1]
	if a.UserID != 7 || a.UserDisplayName != `Ann "A" O'Neil` || !a.UserActive || a.ParentAccounting == nil || *a.ParentAccounting {
		t.Errorf("user a = %+v", a)
	}
	if a.LiveBalance == nil || *a.LiveBalance != 12.3456 || a.FixedBalance == nil || *a.FixedBalance != 10 {
		t.Errorf("balances: %v %v", a.LiveBalance, a.FixedBalance)
	}
	if len(a.Skills) != 1 || a.Skills[0].SkillName != "English" || len(a.ACDQueues) != 1 || a.ACDQueues[0].ACDQueueID != 9 {
		t.Errorf("skills/queues: %+v %+v", a.Skills, a.ACDQueues)
	}
	if a.ACDStatus != StatusReady || !a.ACDStatusChangeTime.Valid || a.Created.Valid {
		t.Errorf("status/time: %q %+v %+v", a.ACDStatus, a.ACDStatusChangeTime, a.Created)
	}
	if b.ACDStatus != "" || b.ACDStatusChangeTime.Valid || b.LiveBalance != nil || b.Skills != nil {
		t.Errorf("user b should have unknowns: %+v", b)
	}
	// Malformed timestamps are unknown, and do not fail the page.
	if b.Created.Valid || b.Modified.Valid || len(b.Applications) != 1 || b.Applications[0].Modified.Valid {
		t.Errorf("user b's malformed timestamps: %+v %+v %+v", b.Created, b.Modified, b.Applications)
	}
	if !a.Applications[0].Modified.Valid || a.Modified.Valid {
		t.Errorf("user a's application modified %+v, modified (absent) %+v", a.Applications[0].Modified, a.Modified)
	}
}

func TestDecodeGetUsersErrors(t *testing.T) {
	cases := []struct {
		name, body string
		code       int
	}{
		{"error envelope", `{"error":{"code":104,"msg":"Forbidden"}}`, 104},
		{"errors array only", `{"errors":[{"code":100,"msg":"Authorization failed"}]}`, 100},
		{"both", `{"error":{"code":456,"msg":"expired"},"errors":[{"code":456,"msg":"expired"}]}`, 456},
		{"empty body", ``, 0},
		{"truncated", `{"result":[{"user_id":1`, 0},
		{"html", `<html><body>502 Bad Gateway</body></html>`, 0},
		{"wrong type", `{"result":[{"user_id":"one"}],"total_count":1}`, 0},
		{"no result", `{"total_count":1}`, 0},
		{"no total", `{"result":[]}`, 0},
		{"two answers", `{"result":[],"total_count":0}{"result":[],"total_count":0}`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeGetUsers(strings.NewReader(tc.body))
			if err == nil {
				t.Fatal("decoded bad input without error")
			}
			var ae *APIError
			if got := errors.As(err, &ae); got != (tc.code != 0) {
				t.Fatalf("APIError = %v for %v", got, err)
			}
			if tc.code != 0 && ae.Code != tc.code {
				t.Errorf("code = %d, want %d", ae.Code, tc.code)
			}
		})
	}
}

func FuzzDecodeGetUsers(f *testing.F) {
	f.Add([]byte(`{"result":[{"user_id":1,"acd_status":"READY","acd_status_change_time":"2026-01-01 00:00:00"}],"total_count":1,"count":1}`))
	f.Add([]byte(`{"error":{"code":100,"msg":"x"}}`))
	f.Add([]byte(`{"result":[{"user_id":1,"skills":[{"skill_id":1}],"acd_queues":null}],"total_count":-5}`))
	f.Add([]byte(`{"result":[],"total_count":0`))
	f.Fuzz(func(t *testing.T, data []byte) {
		resp, err := DecodeGetUsers(strings.NewReader(string(data)))
		if err == nil && resp == nil {
			t.Fatal("nil response without error")
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-11-28 09:05:07", "", "0000-00-00 00:00:00", "2026-02-30 25:61:61", "9999-12-31 23:59:59",
		"2024-02-29 12:00:00", "2100-02-29 12:00:00", "2000-02-29 12:00:00", "2026-04-31 00:00:00", "2026-11-28 24:00:00",
		"0000-01-01 00:00:00", "2026-11-28 9:05:07", "+026-11-28 09:05:07", "2026-1a-28 09:05:07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, ok := ParseTimestamp(s)
		if ok != ts.Valid {
			t.Fatal("ok and Valid disagree")
		}
		if ok && ts.Time.Format(TimeLayout) != s {
			t.Fatalf("%q parsed but formats back as %q", s, ts.Time.Format(TimeLayout))
		}
		// The reference: what time.Parse accepts and formats back unchanged.
		ref, err := time.ParseInLocation(TimeLayout, s, time.UTC)
		refOK := err == nil && ref.Format(TimeLayout) == s
		if ok != refOK || (ok && !ts.Time.Equal(ref)) {
			t.Fatalf("%q: parsed %v (%v), time.Parse %v (%v)", s, ts.Time, ok, ref, refOK)
		}
		if ts.Valid && ts.Time.Location() != time.UTC {
			t.Fatalf("%q: location %v, want UTC", s, ts.Time.Location())
		}
	})
}

// TestGetUsersDecodeFailuresThroughClient: what each kind of bad 200 answer
// becomes at the client. A value of the wrong type fails the page with a
// *DecodeError that names the field; the error envelope is an *APIError;
// a truncated body, or one reset mid-way, fails the page; a body past the
// size limit is a too-large *DecodeError (TestBodyTooLargeIsNotRetried).
func TestGetUsersDecodeFailuresThroughClient(t *testing.T) {
	cases := []struct {
		name  string
		fault voxsim.Fault
		field string // in the *DecodeError's message; "" for no *DecodeError
		code  int    // the *APIError's code; 0 for none
	}{
		{"user_id a string", voxsim.Fault{Body: []byte(`{"result":[{"user_id":"abc"}],"total_count":1}`)}, "result.0.user_id", 0},
		{"result an object", voxsim.Fault{Body: []byte(`{"result":{},"total_count":1}`)}, "result", 0},
		{"total_count a string", voxsim.Fault{Body: []byte(`{"result":[],"total_count":"1"}`)}, "total_count", 0},
		{"skill_id a string", voxsim.Fault{Body: []byte(`{"result":[{"user_id":1,"skills":[{"skill_id":"x"}]}],"total_count":1}`)}, "skills.0.skill_id", 0},
		{"truncated", voxsim.Fault{Body: []byte(`{"result":[{"user_id":1,"user_name":"a`)}, "unexpected end of JSON input", 0},
		{"html", voxsim.Fault{Body: []byte(`<html><body>502 Bad Gateway</body></html>`), ContentType: "application/json"}, "invalid character '<'", 0},
		{"error envelope in a 200", voxsim.Fault{Code: CodeForbidden, Msg: "Forbidden"}, "", CodeForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(2))}, func(o *Options) { o.MaxRetries = -1 })
			tc.fault.Method, tc.fault.Times = "GetUsers", -1
			srv.Inject(tc.fault)
			_, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1})
			if err == nil {
				t.Fatal("bad answer accepted")
			}
			var de *DecodeError
			if got := errors.As(err, &de); got != (tc.field != "") {
				t.Fatalf("DecodeError = %v for %v", got, err)
			}
			if de != nil && (!strings.Contains(err.Error(), tc.field) || de.TooLarge) {
				t.Errorf("error %q does not name %q", err, tc.field)
			}
			if ErrorCode(err) != tc.code {
				t.Errorf("API code %d, want %d (%v)", ErrorCode(err), tc.code, err)
			}
		})
	}
	t.Run("reset mid-body", func(t *testing.T) {
		srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(simUsers(50))}, func(o *Options) { o.MaxRetries = -1 })
		srv.Inject(voxsim.Fault{Method: "GetUsers", ResetMidBody: true, Times: -1})
		if resp, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, Count: 50}); err == nil {
			t.Fatalf("half an answer accepted: %d users", len(resp.Result))
		}
	})
}
