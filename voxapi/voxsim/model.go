package voxsim

import (
	"slices"
	"time"
)

// Application is a Voximplant application of the simulated account.
type Application struct {
	ID                  int64
	Name                string // full name, e.g. "support.acme.n2.voximplant.com"
	Modified            time.Time
	SecureRecordStorage bool
}

// Skill is an ACD skill, both as the account's catalogue entry and as a
// user's binding.
type Skill struct {
	ID   int64
	Name string
}

// Queue is an ACD queue. As a user's binding AutoLink tells whether the user
// was bound automatically (by skill) or by hand. ApplicationID is only used
// in the account's catalogue (Account.Queues): queues belong to an
// application, which GetACDState/GetQueues will need.
type Queue struct {
	ID            int64
	Name          string
	AutoLink      bool
	ApplicationID int64
}

// TimeEncoding says how a user's unknown (zero) timestamps are written, since
// the real API sends them absent, as "" and as null, and clients must cope
// with all three plus malformed values.
type TimeEncoding int

const (
	// TimeAbsent leaves the field out of the JSON (the default).
	TimeAbsent TimeEncoding = iota
	// TimeEmpty writes "".
	TimeEmpty
	// TimeNull writes null.
	TimeNull
	// TimeRaw writes User.RawStatusChange as a JSON string, verbatim, for
	// malformed-timestamp tests (e.g. "2024-13-45 99:99:99" or "yesterday").
	TimeRaw
	// TimeRawJSON writes User.RawStatusChange as a raw JSON value (e.g. 0,
	// {} or 1700000000) when it is valid JSON, else as a string.
	TimeRawJSON
)

// User is an operator of the simulated account. Zero values mean what the
// API would mean by leaving the field out, where the API can leave it out.
type User struct {
	ID               int64
	Name             string
	DisplayName      string
	Active           bool
	ParentAccounting bool
	LiveBalance      float64
	FixedBalance     float64
	CustomData       string
	Frozen           *bool // nil => "frozen" absent

	Apps   []int64 // ids of the applications the user is bound to
	Skills []Skill
	Queues []Queue

	// Status is the ACD status; "" leaves acd_status out of the JSON.
	Status string
	// StatusChange is when Status last changed. A zero value is written as
	// TimeEncoding says; TimeRaw/TimeRawJSON write RawStatusChange instead
	// even when StatusChange is set.
	StatusChange    time.Time
	TimeEncoding    TimeEncoding
	RawStatusChange string

	// Created and Modified: a zero value is written as TimeEncoding says
	// (TimeRaw and TimeRawJSON fall back to absent for these two).
	Created, Modified time.Time
}

// Account is the whole simulated account. Skills and Queues are the
// account's catalogues; GetUsers does not need them (it reports a user's
// bindings) but the generator fills them and GetACDState will need Queues.
type Account struct {
	ID     int64
	Apps   []Application
	Users  []User
	Skills []Skill
	Queues []Queue
}

// ACD statuses as documented. Clients must tolerate others; the simulator
// only produces (and accepts as filters) these.
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

// Statuses lists the documented ACD statuses in the reference page's order.
var Statuses = []string{
	StatusOffline, StatusOnline, StatusReady, StatusBanned,
	StatusInService, StatusAfterService, StatusTimeout, StatusDND,
}

func knownStatus(s string) bool { return slices.Contains(Statuses, s) }

// clone returns a deep copy, so callers never share slices with the
// server's state.
func (u User) clone() User {
	u.Apps = slices.Clone(u.Apps)
	u.Skills = slices.Clone(u.Skills)
	u.Queues = slices.Clone(u.Queues)
	if u.Frozen != nil {
		f := *u.Frozen
		u.Frozen = &f
	}
	return u
}

func cloneUsers(us []User) []User {
	if us == nil {
		return nil
	}
	out := make([]User, len(us))
	for i, u := range us {
		out[i] = u.clone()
	}
	return out
}

func (a Account) clone() Account {
	a.Apps = slices.Clone(a.Apps)
	a.Users = cloneUsers(a.Users)
	a.Skills = slices.Clone(a.Skills)
	a.Queues = slices.Clone(a.Queues)
	return a
}
