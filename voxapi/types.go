package voxapi

import (
	"bytes"
	"encoding/json"
	"time"
)

// The documented ACD v1 operator statuses (API-NOTES.md). The API may return
// others; callers must not fail on an unknown one.
const (
	StatusOffline      = "OFFLINE"
	StatusOnline       = "ONLINE"
	StatusReady        = "READY"
	StatusBanned       = "BANNED"
	StatusInService    = "IN_SERVICE"
	StatusAfterService = "AFTER_SERVICE"
	StatusTimeout      = "TIMEOUT"
	StatusDND          = "DND"
)

// Statuses lists the documented statuses in a fixed order.
var Statuses = []string{
	StatusOffline, StatusOnline, StatusReady, StatusBanned,
	StatusInService, StatusAfterService, StatusTimeout, StatusDND,
}

// User is one UserInfoType record of GetUsers, field for field as the
// reference page gives it. Fields that may be absent are pointers or have a
// zero value that means "not returned".
type User struct {
	UserID          int64  `json:"user_id"`
	UserName        string `json:"user_name"`
	UserDisplayName string `json:"user_display_name"`
	UserActive      bool   `json:"user_active"`
	// ParentAccounting is nil when the API leaves it out (the reference's
	// own example answer does): unknown, not false.
	ParentAccounting *bool `json:"parent_accounting,omitempty"`
	// LiveBalance is live_balance, or balance when the answer has only that
	// and return_live_balance was not false: the API makes balance an alias
	// of live_balance then (API-NOTES.md), and the reference's example
	// answer carries balance alone.
	LiveBalance    *float64 `json:"live_balance,omitempty"`
	Balance        *float64 `json:"balance,omitempty"`
	FixedBalance   *float64 `json:"fixed_balance,omitempty"`
	UserCustomData *string  `json:"user_custom_data,omitempty"`
	// Applications, Skills and ACDQueues are nil when the API did not return
	// them (skills and queues need with_skills / with_queues).
	Applications        []Application      `json:"applications,omitempty"`
	Skills              []Skill            `json:"skills,omitempty"`
	ACDQueues           []ACDQueueOperator `json:"acd_queues,omitempty"`
	ACDStatus           string             `json:"acd_status,omitempty"` // "" when absent
	ACDStatusChangeTime Timestamp          `json:"acd_status_change_time"`
	Created             Timestamp          `json:"created"`
	Modified            Timestamp          `json:"modified"`
	Frozen              *bool              `json:"frozen,omitempty"`
}

// Application is an ApplicationInfoType record.
type Application struct {
	ApplicationID       int64     `json:"application_id"`
	ApplicationName     string    `json:"application_name"`
	Modified            Timestamp `json:"modified"`
	SecureRecordStorage *bool     `json:"secure_record_storage,omitempty"`
}

// Skill is a SkillInfoType record.
type Skill struct {
	SkillID   int64  `json:"skill_id"`
	SkillName string `json:"skill_name"`
}

// ACDQueueOperator is an element of a user's acd_queues.
type ACDQueueOperator struct {
	ACDQueueID   int64  `json:"acd_queue_id"`
	ACDQueueName string `json:"acd_queue_name"`
	AutoLink     *bool  `json:"auto_link,omitempty"`
}

// GetUsersResponse is one page of GetUsers.
type GetUsersResponse struct {
	Result     []User `json:"result"`
	TotalCount int64  `json:"total_count"`
	Count      int64  `json:"count"`
}

// TimeLayout is the API's timestamp format: UTC without a zone marker.
const TimeLayout = "2006-01-02 15:04:05"

// Timestamp is an API timestamp ("YYYY-MM-DD HH:mm:ss", UTC). The API
// returns "" for unknown times, and a field may be null or absent; all three
// leave Valid false. A malformed value also leaves Valid false instead of
// failing the whole page: one odd record must not hide every operator.
type Timestamp struct {
	Time  time.Time
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	*t = Timestamp{}
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '"' {
		return nil // null, a number, anything else: unknown
	}
	// Fast path, nearly every timestamp: a string without escapes is its
	// bytes between the quotes (the decoder has checked the JSON syntax), so
	// it needs no JSON decoding. An invalid UTF-8 byte there cannot be a
	// timestamp either way: ParseTimestamp takes ASCII only.
	if inner := data[1 : len(data)-1]; data[len(data)-1] == '"' && bytes.IndexByte(inner, '\\') < 0 {
		*t, _ = parseTimestamp(inner)
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return nil
	}
	*t, _ = ParseTimestamp(s)
	return nil
}

// MarshalJSON writes the API's format, or "" when unknown.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if !t.Valid {
		return []byte(`""`), nil
	}
	return []byte(`"` + t.Time.UTC().Format(TimeLayout) + `"`), nil
}

// ParseTimestamp parses the API's timestamp format as UTC. It reports false
// for "" and for malformed input, including forms time.Parse would accept
// but the API never sends (a one-digit or space-padded hour,
// "2026-11-28 9:05:07"): only the canonical form is a timestamp.
func ParseTimestamp(s string) (Timestamp, bool) { return parseTimestamp(s) }

// parseTimestamp reads the canonical form digit by digit, with the range
// checks of time.Parse: it accepts exactly what time.ParseInLocation accepts
// and formats back unchanged (FuzzParseTimestamp holds it to that), without
// the cost of time.Parse and Format, which was a third of a page's decoding.
func parseTimestamp[S string | []byte](s S) (Timestamp, bool) {
	if len(s) != len(TimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return Timestamp{}, false
	}
	var n [6]int // year, month, day, hour, minute, second
	for i, field := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		for j := field[0]; j < field[1]; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return Timestamp{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return Timestamp{}, false
	}
	tm := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if tm.Day() != n[2] { // 31 April, 29 February of a common year
		return Timestamp{}, false
	}
	return Timestamp{Time: tm, Valid: true}, true
}
