package voxsim

import (
	"cmp"
	"slices"
	"strings"
)

// queueInfoJSON is QueueInfoType, GetQueues' result item. The fields the
// reference marks optional are left out when the simulator has no value;
// skills and operatorcount appear only when asked for (with_skills,
// with_operatorcount).
type queueInfoJSON struct {
	ACDQueueID         int64       `json:"acd_queue_id"`
	ACDQueueName       string      `json:"acd_queue_name"`
	ApplicationID      int64       `json:"application_id"`
	ACDQueuePriority   int         `json:"acd_queue_priority"`
	AutoBinding        bool        `json:"auto_binding"`
	ServiceProbability float64     `json:"service_probability"`
	MaxQueueSize       int         `json:"max_queue_size,omitempty"`
	MaxWaitingTime     int         `json:"max_waiting_time,omitempty"`
	AverageServiceTime int         `json:"average_service_time"`
	SLThresholds       []int       `json:"sl_thresholds"`
	Created            string      `json:"created,omitempty"`
	Modified           string      `json:"modified,omitempty"`
	Skills             []skillJSON `json:"skills,omitzero"`
	OperatorCount      *int        `json:"operatorcount,omitempty"`
}

// pagedJSON is the answer of a paged list method (GetQueues,
// GetApplications, like GetUsers'): one page of the records, the number of
// all that matched, and the number on the page.
type pagedJSON[T any] struct {
	Result     []T `json:"result"`
	TotalCount int `json:"total_count"`
	Count      int `json:"count"`
}

// pageOf is the page of matched (already in the method's order) that
// offset and count ask for, and the answer's head for it, with room for
// the page's records.
func pageOf[M, T any](matched []M, offset, count int) ([]M, pagedJSON[T]) {
	page := matched[min(offset, len(matched)):]
	page = page[:min(count, len(page))]
	return page, pagedJSON[T]{Result: make([]T, 0, len(page)), TotalCount: len(matched), Count: len(page)}
}

// getQueues implements GetQueues: the queues of the account, or of the
// application of application_id (optional; no official client has
// application_name for this method, so it is refused as unknown),
// optionally one acd_queue_id or queues whose name contains
// acd_queue_name (case-insensitively), queues bound to any of the skills
// of the ';'-list skill_id and to none of excluded_skill_id, ordered by
// acd_queue_id, paged by count (default 20) and offset. Queues users are
// bound to without a catalogue entry are listed with their binding's
// ApplicationID (and no skills). with_skills adds each queue's skills
// ([] when none; only showing_skill_id when given, as the reference's
// GetQueuesRequest has it), with_operatorcount its operatorcount: the
// active users bound to it. The reference types skill_id and
// excluded_skill_id as one number; a ';'-list is accepted too.
func (s *Server) getQueues(p *paramReader) (any, *apiError) {
	appID, hasAppID := p.int64("application_id")
	queueID, hasQueue := p.int64("acd_queue_id")
	queueName := strings.ToLower(p.str("acd_queue_name"))
	skills := p.int64List("skill_id")
	exSkills := p.int64List("excluded_skill_id")
	withSkills, _ := p.bool("with_skills", false)
	withOperators, _ := p.bool("with_operatorcount", false)
	showingSkill, _ := p.int64("showing_skill_id")
	count, offset := p.paging()
	if p.err != nil {
		return nil, p.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := &s.acct
	if _, ok := acct.app(appID); hasAppID && !ok {
		return nil, errorf(CodeInvalidApplicationID, "Invalid application id %d", appID)
	}
	var matched []Queue
	for _, q := range acct.knownQueues() {
		switch {
		case hasAppID && q.ApplicationID != appID:
		case hasQueue && q.ID != queueID:
		case queueName != "" && !strings.Contains(strings.ToLower(q.Name), queueName):
		case len(skills) > 0 && !queueHasAnySkill(q, skills):
		case len(exSkills) > 0 && queueHasAnySkill(q, exSkills):
		default:
			matched = append(matched, q)
		}
	}
	slices.SortStableFunc(matched, func(a, b Queue) int { return cmp.Compare(a.ID, b.ID) })
	page, out := pageOf[Queue, queueInfoJSON](matched, offset, count)
	for _, q := range page {
		j := encodeQueueInfo(q)
		if withSkills {
			j.Skills = []skillJSON{}
			for _, sk := range q.Skills {
				if showingSkill == 0 || sk.ID == showingSkill {
					j.Skills = append(j.Skills, skillJSON{SkillID: sk.ID, SkillName: sk.Name})
				}
			}
		}
		if withOperators {
			n := 0
			for i := range acct.Users {
				if u := &acct.Users[i]; u.Active && hasQueueID(u, q.ID) {
					n++
				}
			}
			j.OperatorCount = &n
		}
		out.Result = append(out.Result, j)
	}
	return out, nil
}

func queueHasAnySkill(q Queue, ids []int64) bool {
	return slices.ContainsFunc(q.Skills, func(s Skill) bool { return slices.Contains(ids, s.ID) })
}

func encodeQueueInfo(q Queue) queueInfoJSON {
	j := queueInfoJSON{
		ACDQueueID:         q.ID,
		ACDQueueName:       q.Name,
		ApplicationID:      q.ApplicationID,
		ACDQueuePriority:   q.Priority,
		AutoBinding:        q.AutoBinding,
		ServiceProbability: q.ServiceProbability,
		MaxQueueSize:       q.MaxQueueSize,
		MaxWaitingTime:     q.MaxWaitingTime,
		AverageServiceTime: q.AverageServiceTime,
		SLThresholds:       slices.Clone(q.slThresholds()),
	}
	if j.ServiceProbability == 0 {
		j.ServiceProbability = 1
	}
	if !q.Created.IsZero() {
		j.Created = formatTime(q.Created)
	}
	if !q.Modified.IsZero() {
		j.Modified = formatTime(q.Modified)
	}
	return j
}

// appSet resolves the application parameters to the set of application
// ids they select: an unknown application_id is 116; application_name
// selects every application whose name contains it (case-insensitively),
// possibly none.
func (a *Account) appSet(byID bool, id int64, name string) (map[int64]bool, *apiError) {
	apps := map[int64]bool{}
	if byID {
		if _, ok := a.app(id); !ok {
			return nil, errorf(CodeInvalidApplicationID, "Invalid application id %d", id)
		}
		apps[id] = true
		return apps, nil
	}
	needle := strings.ToLower(name)
	for _, app := range a.Apps {
		if strings.Contains(strings.ToLower(app.Name), needle) {
			apps[app.ID] = true
		}
	}
	return apps, nil
}
