package voxapi

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/url"
	"strconv"
)

// QueueInfo is one ACD queue of GetQueues, as far as the exporter needs it:
// its name, and the settings a staffing or service-level estimate needs.
// The settings are numbers the API may send fractional, so they decode as
// float64; a setting the API leaves out (or sends as null) is nil, not zero,
// because zero is a meaningful value for some of them.
type QueueInfo struct {
	ACDQueueID    int64  `json:"acd_queue_id"`
	ACDQueueName  string `json:"acd_queue_name"`
	ApplicationID int64  `json:"application_id"`

	// SLThresholds are the queue's service-level thresholds, in seconds.
	SLThresholds []float64 `json:"sl_thresholds,omitempty"`
	// AverageServiceTime is the configured average service time, seconds.
	AverageServiceTime *float64 `json:"average_service_time,omitempty"`
	// ServiceProbability is the target probability of service (0.5-1.0).
	ServiceProbability *float64 `json:"service_probability,omitempty"`
	// MaxWaitingTime is the longest a call may wait, in MINUTES as the API
	// sends it; MaxWaitingSeconds converts.
	MaxWaitingTime *float64 `json:"max_waiting_time,omitempty"`
	// MaxQueueSize is the most calls the queue holds.
	MaxQueueSize *float64 `json:"max_queue_size,omitempty"`
}

// MaxWaitingSeconds is max_waiting_time in seconds, and false when the API
// did not send it.
func (q *QueueInfo) MaxWaitingSeconds() (float64, bool) {
	if q.MaxWaitingTime == nil {
		return 0, false
	}
	return *q.MaxWaitingTime * 60, true
}

type getQueuesWire struct {
	envelope
	Result     *[]QueueInfo `json:"result"`
	TotalCount *int64       `json:"total_count"`
}

// DecodeGetQueues reads one GetQueues answer.
func DecodeGetQueues(r io.Reader) ([]QueueInfo, int64, error) {
	var w getQueuesWire
	if err := decodeAnswer(r, &w); err != nil {
		return nil, 0, err
	}
	if w.Result == nil {
		return nil, 0, errors.New(`answer has no "result"`)
	}
	total := int64(len(*w.Result))
	if w.TotalCount != nil {
		total = *w.TotalCount
	}
	return *w.Result, total, nil
}

// queuesPage is the page size for GetQueues: applications have few queues.
const queuesPage = 100

// GetQueues lists every ACD queue of one application, paging by the records
// actually returned.
func (c *Client) GetQueues(ctx context.Context, app AppSelector) ([]QueueInfo, error) {
	base := url.Values{}
	if err := setApp(base, app); err != nil {
		return nil, err
	}
	var all []QueueInfo
	seen := map[int64]bool{}
	for offset := 0; ; {
		v := maps.Clone(base)
		v.Set("count", strconv.Itoa(queuesPage))
		v.Set("offset", strconv.Itoa(offset))
		var page []QueueInfo
		var total int64
		err := c.call(ctx, "GetQueues", v, 0, func(r io.Reader) error {
			var derr error
			page, total, derr = DecodeGetQueues(r)
			return derr
		})
		if err != nil {
			return nil, err
		}
		for _, q := range page {
			if !seen[q.ACDQueueID] {
				seen[q.ACDQueueID] = true
				all = append(all, q)
			}
		}
		offset += len(page)
		if len(page) == 0 || int64(offset) >= total || offset > DefaultMaxUsers {
			return all, nil
		}
	}
}
