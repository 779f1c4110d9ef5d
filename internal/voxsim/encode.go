package voxsim

import (
	"encoding/json"
	"math"
	"time"
)

// timeLayout is the API's timestamp format: UTC, no zone marker.
const timeLayout = "2006-01-02 15:04:05"

// The JSON types below follow the reference page's field names exactly.
// They are voxsim's own, never the client's.

type applicationJSON struct {
	ApplicationID       int64  `json:"application_id"`
	ApplicationName     string `json:"application_name"`
	Modified            string `json:"modified"`
	SecureRecordStorage bool   `json:"secure_record_storage"`
}

// appJSON is app as ApplicationInfoType (GetUsers' applications, and
// GetApplications' result).
func appJSON(app Application) applicationJSON {
	return applicationJSON{
		ApplicationID:       app.ID,
		ApplicationName:     app.Name,
		Modified:            formatTime(app.Modified),
		SecureRecordStorage: app.SecureRecordStorage,
	}
}

type skillJSON struct {
	SkillID   int64  `json:"skill_id"`
	SkillName string `json:"skill_name"`
}

type queueJSON struct {
	ACDQueueID   int64  `json:"acd_queue_id"`
	ACDQueueName string `json:"acd_queue_name"`
	AutoLink     bool   `json:"auto_link"`
}

// userJSON is UserInfoType. Skills and ACDQueues use omitzero: a nil slice
// (not asked for) is absent, an empty one (asked for, none bound) is [].
type userJSON struct {
	UserID              int64             `json:"user_id"`
	UserName            string            `json:"user_name"`
	UserDisplayName     string            `json:"user_display_name"`
	UserActive          bool              `json:"user_active"`
	ParentAccounting    bool              `json:"parent_accounting"`
	LiveBalance         float64           `json:"live_balance"`
	Balance             float64           `json:"balance"`
	FixedBalance        float64           `json:"fixed_balance"`
	UserCustomData      string            `json:"user_custom_data"`
	Applications        []applicationJSON `json:"applications"`
	Skills              []skillJSON       `json:"skills,omitzero"`
	ACDQueues           []queueJSON       `json:"acd_queues,omitzero"`
	ACDStatus           string            `json:"acd_status,omitempty"`
	ACDStatusChangeTime json.RawMessage   `json:"acd_status_change_time,omitempty"`
	Created             json.RawMessage   `json:"created,omitempty"`
	Modified            json.RawMessage   `json:"modified,omitempty"`
	Frozen              *bool             `json:"frozen,omitempty"`
}

// getUsersJSON is users_GetUsers_Response_200.
type getUsersJSON struct {
	Result     []userJSON `json:"result"`
	TotalCount int        `json:"total_count"`
	Count      int        `json:"count"`
}

// formatTime renders a known timestamp the API's way.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// encodeTime renders a timestamp field; nil means "leave the field out".
func encodeTime(t time.Time, enc TimeEncoding, raw string, rawAllowed bool) json.RawMessage {
	if rawAllowed {
		switch enc {
		case TimeRaw:
			return mustJSON(raw)
		case TimeRawJSON:
			if json.Valid([]byte(raw)) {
				return json.RawMessage(raw)
			}
			return mustJSON(raw)
		}
	}
	if !t.IsZero() {
		return mustJSON(formatTime(t))
	}
	switch enc {
	case TimeEmpty:
		return json.RawMessage(`""`)
	case TimeNull:
		return json.RawMessage(`null`)
	}
	return nil
}

// round4 rounds a balance to 4 decimal places, as the API does.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// usersView says which optional parts of a user GetUsers shows.
type usersView struct {
	withSkills, withQueues bool
	showingSkill           int64 // 0: all bound skills
	liveBalance            bool  // balance aliases live_balance (else fixed)
}

func (a *Account) encodeUser(u *User, v usersView) userJSON {
	j := userJSON{
		UserID:              u.ID,
		UserName:            u.Name,
		UserDisplayName:     u.DisplayName,
		UserActive:          u.Active,
		ParentAccounting:    u.ParentAccounting,
		LiveBalance:         round4(u.LiveBalance),
		FixedBalance:        round4(u.FixedBalance),
		UserCustomData:      u.CustomData,
		Applications:        []applicationJSON{},
		ACDStatus:           u.Status,
		ACDStatusChangeTime: encodeTime(u.StatusChange, u.TimeEncoding, u.RawStatusChange, true),
		Created:             encodeTime(u.Created, u.TimeEncoding, "", false),
		Modified:            encodeTime(u.Modified, u.TimeEncoding, "", false),
		Frozen:              u.Frozen,
	}
	j.Balance = j.LiveBalance
	if !v.liveBalance {
		j.Balance = j.FixedBalance
	}
	for _, id := range u.Apps {
		if app, ok := a.app(id); ok {
			j.Applications = append(j.Applications, appJSON(app))
		}
	}
	if v.withSkills {
		j.Skills = []skillJSON{}
		for _, sk := range u.Skills {
			if v.showingSkill == 0 || sk.ID == v.showingSkill {
				j.Skills = append(j.Skills, skillJSON{SkillID: sk.ID, SkillName: sk.Name})
			}
		}
	}
	if v.withQueues {
		j.ACDQueues = []queueJSON{}
		for _, q := range u.Queues {
			j.ACDQueues = append(j.ACDQueues, queueJSON{ACDQueueID: q.ID, ACDQueueName: q.Name, AutoLink: q.AutoLink})
		}
	}
	return j
}

func (a *Account) app(id int64) (Application, bool) {
	for _, app := range a.Apps {
		if app.ID == id {
			return app, true
		}
	}
	return Application{}, false
}
