package voxapi

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestGetUsersParamsValues(t *testing.T) {
	yes, no := true, false
	p := GetUsersParams{
		ApplicationID: 12, SkillID: 3, ExcludedSkillID: 4, ACDQueueID: 5, ExcludedACDQueueID: 6,
		UserID: 7, UserName: "an", UserActive: &yes, UserDisplayName: "A n", WithSkills: true, WithQueues: true,
		ACDStatus: []string{"READY", "DND"}, ShowingSkillID: 8, Count: 50, Offset: 100, OrderBy: "user_id",
		ReturnLiveBalance: &no,
	}
	v, err := p.Values()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"application_id": "12", "skill_id": "3", "excluded_skill_id": "4", "acd_queue_id": "5",
		"excluded_acd_queue_id": "6", "user_id": "7", "user_name": "an", "user_active": "true",
		"user_display_name": "A n", "with_skills": "true", "with_queues": "true", "acd_status": "READY;DND",
		"showing_skill_id": "8", "count": "50", "offset": "100", "order_by": "user_id", "return_live_balance": "false",
	}
	for k, w := range want {
		if got := v.Get(k); got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
	if len(v) != len(want) {
		t.Errorf("sent %d parameters, want %d: %v", len(v), len(want), v)
	}
	if got := v.Encode(); got == "" || !contains(got, "acd_status=READY%3BDND") {
		t.Errorf("encoded body %q", got)
	}

	minimal, _ := (&GetUsersParams{ApplicationName: "support"}).Values()
	if len(minimal) != 1 || minimal.Get("application_name") != "support" {
		t.Errorf("zero values were sent: %v", minimal)
	}
	for _, bad := range []GetUsersParams{{}, {ApplicationID: 1, ApplicationName: "x"}} {
		if _, err := bad.Values(); !errors.Is(err, ErrApplicationSelector) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestAPIErrorRetryable(t *testing.T) {
	retry := []int{1, 2, 4, 162, 314, 340, 416, 484}
	fail := []int{100, 101, 104, 115, 116, 117, 134, 227, 433, 447, 454, 455, 456, 458}
	for _, c := range retry {
		if !(&APIError{Code: c}).Retryable() {
			t.Errorf("code %d should be retryable", c)
		}
	}
	for _, c := range fail {
		if (&APIError{Code: c}).Retryable() {
			t.Errorf("code %d should not be retryable", c)
		}
	}
	for _, s := range []int{429, 500, 502, 503, 504} {
		if !(&APIError{HTTPStatus: s}).Retryable() {
			t.Errorf("HTTP %d should be retryable", s)
		}
	}
	for _, s := range []int{400, 401, 403, 404} {
		if (&APIError{HTTPStatus: s}).Retryable() {
			t.Errorf("HTTP %d should not be retryable", s)
		}
	}
	for _, c := range []int{100, 455, 456} {
		if !(&APIError{Code: c}).IsAuth() {
			t.Errorf("code %d should re-mint the token", c)
		}
	}
	if h := (&APIError{Code: 104}).Hint(); !contains(h, "role") {
		t.Errorf("104 hint %q does not mention the role", h)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v      string
		want   time.Duration
		capped bool
	}{
		{"7", 7 * time.Second, false},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, false},
		{"soon", 0, false},
		{"-5", 0, false},
		{"3600", time.Hour, false},
		{"3601", MaxRetryAfter, true},
		{"9223372037", MaxRetryAfter, true}, // × 1e9 overflows int64
		{"18446744073709551616", MaxRetryAfter, true},
		{now.AddDate(300, 0, 0).Format(http.TimeFormat), MaxRetryAfter, true},
	} {
		d, capped := parseRetryAfter(tc.v, now)
		if d != tc.want || capped != tc.capped {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.v, d, capped, tc.want, tc.capped)
		}
	}
	if d := repeatAfter("Please repeat the request after 2 seconds"); d != 2*time.Second {
		t.Errorf("416 message: %v", d)
	}
	if d := repeatAfter("Repeat later"); d != time.Second {
		t.Errorf("416 without number: %v", d)
	}
}

// TestForbiddenHintNamesTheMethodsRoles: a 104 says which roles may call
// the method that was refused, not GetUsers' for every method.
func TestForbiddenHintNamesTheMethodsRoles(t *testing.T) {
	for method, want := range map[string]string{
		"GetUsers":                     "Supervisor",
		"GetACDState":                  "Developer",
		"GetACDQueueStatistics":        "--collector.queue-stats",
		"GetSQState":                   "does not document",
		"GetSmartQueueRealtimeMetrics": "--collector.smartqueue",
	} {
		if h := (&APIError{Method: method, Code: CodeForbidden}).Hint(); !contains(h, want) {
			t.Errorf("%s: hint %q lacks %q", method, h, want)
		}
	}
}
