package voxapi

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// GetUsersParams are the parameters of GetUsers, typed as the reference page
// gives them. Zero values are not sent: ids of 0, empty strings, nil
// pointers, Count 0 (the API's default, 20).
type GetUsersParams struct {
	// Exactly one of ApplicationID and ApplicationName (a name part).
	ApplicationID   int64
	ApplicationName string

	SkillID            int64
	ExcludedSkillID    int64
	ACDQueueID         int64
	ExcludedACDQueueID int64
	UserID             int64
	UserName           string // a name part
	UserActive         *bool
	UserDisplayName    string // a name part
	WithSkills         bool
	WithQueues         bool
	ACDStatus          []string // sent ;-joined
	ShowingSkillID     int64
	Count              int
	Offset             int
	OrderBy            string // user_id, user_name or user_display_name
	ReturnLiveBalance  *bool
}

// ErrApplicationSelector is returned when a method that reads one
// application (GetUsers, GetQueues, the SmartQueue methods) is not given
// exactly one of application id and name (the API answers 458 for both).
var ErrApplicationSelector = errors.New("voxapi: exactly one of application id and application name is needed")

// Values encodes the parameters for the request body.
func (p *GetUsersParams) Values() (url.Values, error) {
	if (p.ApplicationID != 0) == (p.ApplicationName != "") {
		return nil, ErrApplicationSelector
	}
	v := url.Values{}
	setInt := func(k string, n int64) {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	setStr := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	setBool := func(k string, b *bool) {
		if b != nil {
			v.Set(k, strconv.FormatBool(*b))
		}
	}
	setInt("application_id", p.ApplicationID)
	setStr("application_name", p.ApplicationName)
	setInt("skill_id", p.SkillID)
	setInt("excluded_skill_id", p.ExcludedSkillID)
	setInt("acd_queue_id", p.ACDQueueID)
	setInt("excluded_acd_queue_id", p.ExcludedACDQueueID)
	setInt("user_id", p.UserID)
	setStr("user_name", p.UserName)
	setBool("user_active", p.UserActive)
	setStr("user_display_name", p.UserDisplayName)
	if p.WithSkills {
		v.Set("with_skills", "true")
	}
	if p.WithQueues {
		v.Set("with_queues", "true")
	}
	if len(p.ACDStatus) > 0 {
		v.Set("acd_status", strings.Join(p.ACDStatus, ";"))
	}
	setInt("showing_skill_id", p.ShowingSkillID)
	if p.Count < 0 || p.Offset < 0 {
		return nil, errors.New("voxapi: GetUsers count and offset must not be negative")
	}
	setInt("count", int64(p.Count))
	if p.Offset > 0 {
		v.Set("offset", strconv.Itoa(p.Offset))
	}
	setStr("order_by", p.OrderBy)
	setBool("return_live_balance", p.ReturnLiveBalance)
	return v, nil
}

// GetUsers fetches one page of users.
func (c *Client) GetUsers(ctx context.Context, p GetUsersParams) (*GetUsersResponse, error) {
	v, err := p.Values()
	if err != nil {
		return nil, err
	}
	count := p.Count
	if count == 0 {
		count = 20 // the API's default
	}
	limit := pageEnvelopeBytes + int64(count)*c.perUser
	return callForLimit(ctx, c, "GetUsers", v, limit, func(r io.Reader) (*GetUsersResponse, error) {
		return decodeGetUsersPage(r, count, p.ReturnLiveBalance == nil || *p.ReturnLiveBalance)
	})
}
