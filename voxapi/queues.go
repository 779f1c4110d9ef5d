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

// DecodeGetQueues reads one GetQueues answer.
func DecodeGetQueues(r io.Reader) ([]QueueInfo, int64, error) { return decodePage[QueueInfo](r) }

// pageWire is a paged list answer as it arrives.
type pageWire[T any] struct {
	envelope
	Result     *[]T   `json:"result"`
	TotalCount *int64 `json:"total_count"`
}

// decodePage reads one page of a paged list method: its records and
// total_count (the page's length when the answer leaves it out).
func decodePage[T any](r io.Reader) ([]T, int64, error) {
	var w pageWire[T]
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

// ErrQueuesNeedApplicationID is returned for a GetQueues of an application
// known only by name: the method has no application_name (no official
// client declares one, and the server may ignore it and list every queue of
// the account), so a name must first be resolved to its id (GetApplications).
var ErrQueuesNeedApplicationID = errors.New("voxapi: GetQueues selects an application by id only (it has no application_name parameter): resolve the name to its id first, or configure --voximplant.application-id")

// GetQueues lists the ACD queues of the application of applicationID, or
// of every application of the account when it is 0, paging by the records
// actually returned. It sends application_id only, the one application
// parameter the method has.
func (c *Client) GetQueues(ctx context.Context, applicationID int64) ([]QueueInfo, error) {
	base := url.Values{}
	if applicationID != 0 {
		base.Set("application_id", strconv.FormatInt(applicationID, 10))
	}
	return pageAll(ctx, c, "GetQueues", base, queuesPage, DecodeGetQueues,
		func(q QueueInfo) int64 { return q.ACDQueueID })
}

// pageAll reads every page of a paged list method (count/offset, with
// total_count in the answer): by the records actually returned, until
// total_count is reached, a page comes back empty, or DefaultMaxUsers
// records were read (a bound against a server that never says it is done).
// Records are deduplicated by key, as a list can shift between pages.
func pageAll[T any](ctx context.Context, c *Client, method string, base url.Values, pageSize int,
	decode func(io.Reader) ([]T, int64, error), key func(T) int64) ([]T, error) {
	var all []T
	seen := map[int64]bool{}
	for offset := 0; ; {
		v := maps.Clone(base)
		v.Set("count", strconv.Itoa(pageSize))
		v.Set("offset", strconv.Itoa(offset))
		var page []T
		var total int64
		err := c.call(ctx, method, v, 0, func(r io.Reader) error {
			var derr error
			page, total, derr = decode(r)
			return derr
		})
		if err != nil {
			return nil, err
		}
		for _, rec := range page {
			if k := key(rec); !seen[k] {
				seen[k] = true
				all = append(all, rec)
			}
		}
		offset += len(page)
		if len(page) == 0 || int64(offset) >= total || offset > DefaultMaxUsers {
			return all, nil
		}
	}
}
