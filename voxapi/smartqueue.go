package voxapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// SmartQueue (ACD v2) keeps agent status per channel, apart from GetUsers'
// acd_status, and reports tasks instead of waiting calls. The methods here
// ask for every time in Etc/GMT, so that the API's zone-less timestamps are
// UTC and read as the rest of the API's.

// sqTimezone is the timezone sent with every SmartQueue request.
const sqTimezone = "Etc/GMT"

// SmartQueue channels: the keys of an agent's statuses and a task's type.
const (
	SQChannelCall = "CALL"
	SQChannelIM   = "IM"
)

// SQChannels lists the channels in a fixed order.
var SQChannels = []string{SQChannelCall, SQChannelIM}

// SQStatusDialing is the SmartQueue system status of an agent being dialled;
// the other documented statuses share the ACD v1 names (StatusOffline, ...).
const SQStatusDialing = "DIALING"

// SQAgentStatuses lists the documented SmartQueue agent statuses in a fixed
// order. There is no TIMEOUT, and an account may define up to ten custom
// statuses whose wire names are undocumented: callers must keep an unknown
// status as it comes rather than fail.
var SQAgentStatuses = []string{
	StatusOffline, StatusOnline, StatusReady, StatusInService,
	StatusAfterService, StatusDND, SQStatusDialing, StatusBanned,
}

// SmartQueue task statuses.
const (
	SQTaskInQueue      = "IN_QUEUE"
	SQTaskDistributed  = "DISTRIBUTED"
	SQTaskInProcessing = "IN_PROCESSING"
)

// SQTaskStatuses lists the documented task statuses in a fixed order. The
// API may send others; they are kept as they come.
var SQTaskStatuses = []string{SQTaskInQueue, SQTaskDistributed, SQTaskInProcessing}

// SQStateParams are the parameters of GetSQState.
type SQStateParams struct {
	App AppSelector // exactly one of id and name
	// QueueIDs are the SmartQueues to read; none means all.
	QueueIDs []int64
}

// Values encodes the parameters for the request body.
func (p *SQStateParams) Values() (url.Values, error) {
	v := url.Values{"sq_queue_id": {idList(p.QueueIDs)}, "timezone": {sqTimezone}}
	if err := setApp(v, p.App); err != nil {
		return nil, err
	}
	return v, nil
}

// SQSkill is a skill of an agent or one a task requires.
type SQSkill struct {
	SQSkillID    int64   `json:"sq_skill_id"`
	SQSkillName  string  `json:"sq_skill_name"`
	SQSkillLevel float64 `json:"sq_skill_level"`
}

// SQChannelStatus is an agent's status on one channel, and since when.
type SQChannelStatus struct {
	Status string `json:"sq_status_name"` // kept as sent, custom statuses too
	// FromDate is when the agent entered Status. "", null, absent and
	// malformed values leave it not Valid rather than failing the answer.
	FromDate Timestamp `json:"from_date"`
}

// SQAgent is a logged-in agent of a SmartQueue.
type SQAgent struct {
	UserID          int64     `json:"user_id"`
	UserName        string    `json:"user_name"`
	UserDisplayName string    `json:"user_display_name"`
	Skills          []SQSkill `json:"sq_skills"`
	// Statuses is the agent's status per channel (SQChannelCall,
	// SQChannelIM). A channel the API leaves out is not in the map. The API
	// sends a list of objects keyed by channel; they are merged here, a later
	// element's channel replacing an earlier one's.
	Statuses map[string]SQChannelStatus `json:"-"`
}

// SQTask is a task (a call or a chat) of a SmartQueue.
type SQTask struct {
	TaskType string `json:"task_type"` // SQChannelCall or SQChannelIM
	Status   string `json:"status"`    // one of SQTaskStatuses, or as sent
	// UserID is the agent the task is distributed to, nil while queued.
	UserID *int64    `json:"user_id,omitempty"`
	Skills []SQSkill `json:"sq_skills"`
	// WaitingTime and ProcessingTime are in MILLISECONDS, as the API sends
	// them; WaitingSeconds and ProcessingSeconds convert.
	WaitingTime    float64 `json:"waiting_time"`
	ProcessingTime float64 `json:"processing_time"`
	// CustomData is whatever the application attached, decoded generically.
	CustomData any `json:"custom_data,omitempty"`
}

// WaitingSeconds is waiting_time in seconds.
func (t *SQTask) WaitingSeconds() float64 { return MillisToSeconds(t.WaitingTime) }

// ProcessingSeconds is processing_time in seconds.
func (t *SQTask) ProcessingSeconds() float64 { return MillisToSeconds(t.ProcessingTime) }

// MillisToSeconds converts the SmartQueue's milliseconds to seconds, the
// base unit of the exporter's metrics.
func MillisToSeconds(ms float64) float64 { return ms / 1000 }

// SQQueueState is one SmartQueue of GetSQState.
type SQQueueState struct {
	SQQueueID   int64     `json:"sq_queue_id"`
	SQQueueName string    `json:"sq_queue_name"`
	Agents      []SQAgent `json:"-"` // sq_agents: logged-in agents
	Tasks       []SQTask  `json:"tasks"`
}

// sqAgentWire is an agent as it arrives, with sq_statuses as the API's list.
type sqAgentWire struct {
	SQAgent
	SQStatuses []map[string]*SQChannelStatus `json:"sq_statuses"`
}

type sqQueueWire struct {
	SQQueueState
	SQAgents []sqAgentWire `json:"sq_agents"`
}

// DecodeGetSQState reads one GetSQState answer. An error envelope becomes an
// *APIError; an answer without result is an error.
func DecodeGetSQState(r io.Reader) ([]SQQueueState, error) {
	wire, err := decodeResult[[]sqQueueWire](r)
	if err != nil {
		return nil, err
	}
	out := make([]SQQueueState, len(wire))
	for i, qw := range wire {
		q := qw.SQQueueState
		q.Agents = make([]SQAgent, len(qw.SQAgents))
		for j, aw := range qw.SQAgents {
			a := aw.SQAgent
			a.Statuses = map[string]SQChannelStatus{}
			for _, byChannel := range aw.SQStatuses {
				for ch, st := range byChannel {
					if st != nil {
						a.Statuses[ch] = *st
					}
				}
			}
			q.Agents[j] = a
		}
		out[i] = q
	}
	return out, nil
}

// GetSQState reads the live state of SmartQueues: their logged-in agents
// with per-channel statuses, and their tasks.
func (c *Client) GetSQState(ctx context.Context, p SQStateParams) ([]SQQueueState, error) {
	return callParams(ctx, c, "GetSQState", &p, DecodeGetSQState)
}

// MaxSQMetricsQueues is the most SmartQueues one realtime-metrics request
// may name (sq_queue_name).
const MaxSQMetricsQueues = 5

// SmartQueue metrics groupings.
const (
	SQGroupByQueue = "queue"
	SQGroupByAgent = "agent"
)

// SQReportServiceLevel is the report type that needs MaxWaitingSec.
const SQReportServiceLevel = "service_level"

// SQAgentReportTypes are the report types agent grouping allows (the
// reference, GetSmartQueueDayHistory group_by; the Go client says the same
// for the realtime method). The custom status times
// (sum_agents_custom_N_time) are not among them.
var SQAgentReportTypes = []string{
	"occupancy_rate", "sum_agents_online_time", "sum_agents_ready_time", "sum_agents_dialing_time",
	"sum_agents_in_service_time", "sum_agents_afterservice_time", "sum_agents_dnd_time", "sum_agents_banned_time",
	"min_handle_time", "max_handle_time", "average_handle_time", "count_handled_calls",
	"min_after_call_worktime", "max_after_call_worktime", "average_after_call_worktime",
}

// SQMetricsParams are the parameters of GetSmartQueueRealtimeMetrics.
type SQMetricsParams struct {
	App AppSelector // exactly one of id and name
	// SQQueueNames are the SmartQueues to report on, by name, at most
	// MaxSQMetricsQueues; none sends no queue filter, and the answer then
	// holds every SmartQueue of the application. There is no filter by id:
	// the official clients removed sq_queue_id for this method on
	// 2024-12-12 (API-NOTES.md). The answer's groups carry both
	// sq_queue_id and sq_queue_name; match them to the queues wanted there.
	SQQueueNames []string
	// From and To bound the report; zero leaves the API's default (the last
	// 30 minutes). They are sent in UTC, with timezone Etc/GMT.
	From, To time.Time
	// ReportTypes are required (service_level, average_handle_time, ...).
	ReportTypes []string
	// GroupBy is SQGroupByQueue (the default when "") or SQGroupByAgent.
	// Agent grouping takes exactly one queue name (the API allows it "only
	// for 1 queue") and the agent report types alone (SQAgentReportTypes);
	// it asks for every agent (user_id=all).
	GroupBy string
	// MaxWaitingSec is the service-level threshold in seconds, required (>0)
	// when ReportTypes has service_level, and sent whenever set.
	MaxWaitingSec int
}

// Values encodes the parameters for the request body, or says which one is
// wrong before anything is sent.
func (p *SQMetricsParams) Values() (url.Values, error) {
	v := url.Values{"timezone": {sqTimezone}}
	if err := setApp(v, p.App); err != nil {
		return nil, err
	}
	if n := len(p.SQQueueNames); n > MaxSQMetricsQueues {
		return nil, fmt.Errorf("voxapi: GetSmartQueueRealtimeMetrics takes at most %d SmartQueue names a request, got %d: split the request", MaxSQMetricsQueues, n)
	}
	if len(p.SQQueueNames) > 0 {
		names, err := listOf("GetSmartQueueRealtimeMetrics", "SmartQueue name", p.SQQueueNames)
		if err != nil {
			return nil, err
		}
		v.Set("sq_queue_name", names)
	}
	if err := setRange(v, "GetSmartQueueRealtimeMetrics", p.From, p.To); err != nil {
		return nil, err
	}
	if len(p.ReportTypes) == 0 {
		return nil, errors.New("voxapi: GetSmartQueueRealtimeMetrics needs at least one report type")
	}
	reports, err := nameList("GetSmartQueueRealtimeMetrics", "report type", p.ReportTypes)
	if err != nil {
		return nil, err
	}
	v.Set("report_type", reports)
	switch p.GroupBy {
	case "":
		v.Set("group_by", SQGroupByQueue)
	case SQGroupByQueue:
		v.Set("group_by", p.GroupBy)
	case SQGroupByAgent:
		if n := len(p.SQQueueNames); n != 1 {
			return nil, fmt.Errorf("voxapi: GetSmartQueueRealtimeMetrics grouped by agent takes exactly one SmartQueue name (the API allows agent grouping for one queue only), got %d", n)
		}
		for _, r := range p.ReportTypes {
			if !slices.Contains(SQAgentReportTypes, r) {
				return nil, fmt.Errorf("voxapi: GetSmartQueueRealtimeMetrics grouped by agent does not allow report type %q (see SQAgentReportTypes)", r)
			}
		}
		v.Set("group_by", p.GroupBy)
		v.Set("user_id", "all")
	default:
		return nil, fmt.Errorf("voxapi: GetSmartQueueRealtimeMetrics group_by %q is not queue or agent", p.GroupBy)
	}
	if p.MaxWaitingSec < 0 {
		return nil, fmt.Errorf("voxapi: GetSmartQueueRealtimeMetrics max waiting seconds %d is negative", p.MaxWaitingSec)
	}
	if p.MaxWaitingSec > 0 {
		v.Set("max_waiting_sec", strconv.Itoa(p.MaxWaitingSec))
	} else if slices.Contains(p.ReportTypes, SQReportServiceLevel) {
		return nil, errors.New("voxapi: GetSmartQueueRealtimeMetrics service_level needs max waiting seconds (the service-level threshold)")
	}
	return v, nil
}

// SQMetrics is the answer of GetSmartQueueRealtimeMetrics.
type SQMetrics struct {
	Reports []SQMetricReport `json:"result"`
	// Timezone is the zone the API says its dates are in; Etc/GMT as asked.
	Timezone string `json:"timezone"`
}

// SQMetricReport is one report type's figures.
type SQMetricReport struct {
	ReportType string          `json:"report_type"`
	Groups     []SQMetricGroup `json:"groups"`
}

// SQMetricGroup is one queue's (or, grouped by agent, one agent's) series.
type SQMetricGroup struct {
	SQQueueID   int64  `json:"sq_queue_id,omitempty"`
	SQQueueName string `json:"sq_queue_name,omitempty"`
	// Set when grouped by agent. The reference gives user_id as a number;
	// a numeric string is read too, as the API sends ids both ways
	// elsewhere (FlexID).
	UserID          FlexID `json:"user_id,omitempty"`
	UserName        string `json:"user_name,omitempty"`
	UserDisplayName string `json:"user_display_name,omitempty"`

	Values []SQMetricValue `json:"values"`
}

// SQMetricValue is a report's value over one interval. The units of Value
// are not documented; this package passes it through unconverted (counts
// as counts; durations, rates and percentages as the API sends them) and
// leaves the choice of unit to the caller, which must state it. Value is nil
// when the API sends null or leaves it out: no data, not zero. A value sent
// as a numeric string is read as its number; one in any other shape is nil
// with BadShape saying what came.
type SQMetricValue struct {
	FromDate Timestamp `json:"from_date"`
	ToDate   Timestamp `json:"to_date"`
	Value    *float64  `json:"value"`
	BadShape string    `json:"-"` // "" unless value came in an undocumented shape
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *SQMetricValue) UnmarshalJSON(data []byte) error {
	var w struct {
		FromDate Timestamp       `json:"from_date"`
		ToDate   Timestamp       `json:"to_date"`
		Value    json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*v = SQMetricValue{FromDate: w.FromDate, ToDate: w.ToDate}
	if raw := bytes.TrimSpace(w.Value); len(raw) > 0 && string(raw) != "null" {
		if n, err := decodeNumber(raw); err == nil {
			v.Value = &n
		} else {
			v.BadShape = shapeOf(raw)
		}
	}
	return nil
}

// BadShape is the first value of the group that came in an undocumented
// shape, and false when none did: the group's figure for the window cannot
// be computed without it, so a caller serves none for the group.
func (g *SQMetricGroup) BadShape() (string, bool) {
	for i := range g.Values {
		if g.Values[i].BadShape != "" {
			return g.Values[i].BadShape, true
		}
	}
	return "", false
}

type getSQMetricsWire struct {
	envelope
	Result   *[]SQMetricReport `json:"result"`
	Timezone string            `json:"timezone"`
}

// DecodeGetSmartQueueRealtimeMetrics reads one GetSmartQueueRealtimeMetrics
// answer. An error envelope becomes an *APIError; an answer without result
// is an error.
func DecodeGetSmartQueueRealtimeMetrics(r io.Reader) (*SQMetrics, error) {
	var w getSQMetricsWire
	if err := decodeAnswer(r, &w); err != nil {
		return nil, err
	}
	if w.Result == nil {
		return nil, errors.New(`answer has no "result"`)
	}
	return &SQMetrics{Reports: *w.Result, Timezone: w.Timezone}, nil
}

// GetSmartQueueRealtimeMetrics reads SmartQueue metrics of the recent past.
// Parameter mistakes the client can see (too many queues, no report type,
// service_level without its threshold) are refused before sending.
func (c *Client) GetSmartQueueRealtimeMetrics(ctx context.Context, p SQMetricsParams) (*SQMetrics, error) {
	return callParams(ctx, c, "GetSmartQueueRealtimeMetrics", &p, DecodeGetSmartQueueRealtimeMetrics)
}

// SQAgentValues is one agent's values in an agent-grouped answer.
type SQAgentValues struct {
	UserID          int64
	UserName        string
	UserDisplayName string
	// Reports are the agent's values by report type, as they came.
	Reports map[string]*SQMetricGroup
}

// ByAgent gathers an agent-grouped answer by user_id, each agent once
// with its group of every report type. A group with no user_id, or an
// agent twice in one report, is an error naming the report type: the
// answer cannot be attributed.
func (m *SQMetrics) ByAgent() (map[int64]*SQAgentValues, error) {
	out := map[int64]*SQAgentValues{}
	for ri := range m.Reports {
		rep := &m.Reports[ri]
		for gi := range rep.Groups {
			g := &rep.Groups[gi]
			id := int64(g.UserID)
			if id == 0 {
				return nil, fmt.Errorf("report %s: a group without user_id in an answer grouped by agent", rep.ReportType)
			}
			a := out[id]
			if a == nil {
				a = &SQAgentValues{UserID: id, Reports: map[string]*SQMetricGroup{}}
				out[id] = a
			}
			if _, dup := a.Reports[rep.ReportType]; dup {
				return nil, fmt.Errorf("report %s: user_id %d twice", rep.ReportType, id)
			}
			a.Reports[rep.ReportType] = g
			a.UserName = cmp.Or(a.UserName, g.UserName)
			a.UserDisplayName = cmp.Or(a.UserDisplayName, g.UserDisplayName)
		}
	}
	return out, nil
}
