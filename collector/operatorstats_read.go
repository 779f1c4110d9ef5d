package collector

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// The operator statistics methods, as the API and the request counters
// name them.
const (
	opStatusMethod = "GetACDOperatorStatusStatistics"
	opStatsMethod  = "GetACDOperatorStatistics"
)

// OperatorStatsData is one whole read of both operator statistics methods
// over the window, by user id, for every operator of the account that has
// a record in it.
type OperatorStatsData struct {
	ReadAt time.Time     // the end of the window
	Window time.Duration // the span the statistics cover
	// Status is the seconds each operator spent in each ACD status, by
	// status name (undocumented ones included as sent).
	Status map[int64]map[string]float64
	// Calls is each operator's call handling.
	Calls map[int64]OperatorCalls
}

// OperatorCalls is one operator's call handling over the window.
type OperatorCalls struct {
	Answered, Missed  float64 // AC; UAC: offered to the operator and not answered
	Handle, Talk, ACW float64 // seconds: HT, TT and ACW sums
	Handled           float64 // calls with a handling time (HT count)
}

// methodError is a failure of one of the read's methods, naming it, so
// that the collector's log line can say which method was refused.
type methodError struct {
	method string
	err    error
}

func (e *methodError) Error() string { return fmt.Sprintf("%s (user_id=all): %v", e.method, e.err) }
func (e *methodError) Unwrap() error { return e.err }

// OperatorStats is both operator statistics over [now-window, now], read at
// most once per --collector.operator-stats.refresh and served to the
// passes in between: one request per method for every operator
// (user_id=all), whatever the watched applications. The pass's users
// attribute the operators to applications (the collector's job); the read
// does not need them.
func (p *Pass) OperatorStats(now func() time.Time, window time.Duration) (*OperatorStatsData, error) {
	d, _, err := p.reads.operatorStats.get(p.ctx, func() (fetchFunc[*OperatorStatsData], error) {
		api, end := p.API(), now()
		return func(ctx context.Context) (*OperatorStatsData, error) {
			return readOperatorStats(ctx, api, end, window)
		}, nil
	})
	return d, err
}

// readOperatorStats makes both requests concurrently; either failing
// fails the read.
func readOperatorStats(ctx context.Context, api API, end time.Time, window time.Duration) (*OperatorStatsData, error) {
	rng := voxapi.OperatorStatsRange{FromDate: end.Add(-window), ToDate: end, Aggregation: voxapi.AggregationNone, Group: voxapi.GroupUser}
	var status []voxapi.OperatorGroup[voxapi.OperatorStatusRecord]
	var calls []voxapi.OperatorGroup[voxapi.OperatorStatsRecord]
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if status, err = api.GetACDOperatorStatusStatistics(gctx, voxapi.OperatorStatusParams{OperatorStatsRange: rng}); err != nil {
			return &methodError{opStatusMethod, err}
		}
		return nil
	})
	g.Go(func() (err error) {
		if calls, err = api.GetACDOperatorStatistics(gctx, voxapi.OperatorStatsParams{OperatorStatsRange: rng}); err != nil {
			return &methodError{opStatsMethod, err}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d := &OperatorStatsData{ReadAt: end, Window: window, Status: map[int64]map[string]float64{}, Calls: map[int64]OperatorCalls{}}
	// With aggregation=none an operator has one record; more (an
	// aggregating server) are summed. A record naming no operator cannot
	// be attributed and is left out.
	for _, grp := range status {
		for _, r := range grp.Records {
			if r.UserID == 0 {
				continue
			}
			byStatus := d.Status[r.UserID]
			if byStatus == nil {
				byStatus = map[string]float64{}
				d.Status[r.UserID] = byStatus
			}
			for st, a := range r.Statuses {
				byStatus[st] += a.Sum
			}
		}
	}
	for _, grp := range calls {
		for _, r := range grp.Records {
			if r.UserID == 0 {
				continue
			}
			c := d.Calls[r.UserID]
			c.Answered += deref(r.AC)
			c.Missed += deref(r.UAC)
			c.Handle += sumOr(r.HT, r.THT)
			c.Talk += sumOr(r.TT, r.TTT)
			c.ACW += sumOr(r.ACW, r.TACW)
			if r.HT != nil {
				c.Handled += r.HT.Count
			}
			d.Calls[r.UserID] = c
		}
	}
	return d, nil
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// sumOr is an item's sum, or its total when only that was sent.
func sumOr(a *voxapi.Aggregate, total *float64) float64 {
	if a != nil {
		return a.Sum
	}
	return deref(total)
}
