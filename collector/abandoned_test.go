package collector

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// slowToStop is a UserFetcher whose first read blocks until cancelled and
// then takes a while to wind down, as a pass whose requests are being torn
// down does; later reads succeed at once.
type slowToStop struct {
	calls atomic.Int32
}

func (f *slowToStop) GetAllUsers(ctx context.Context, app voxapi.AppSelector, _ voxapi.PageOptions) ([]voxapi.User, voxapi.PageStats, error) {
	if f.calls.Add(1) == 1 {
		<-ctx.Done()
		time.Sleep(300 * time.Millisecond)
		return nil, voxapi.PageStats{}, context.Cause(ctx)
	}
	return []voxapi.User{{UserID: 1, UserName: "ann", ACDStatus: voxapi.StatusReady}}, voxapi.PageStats{TotalCount: 1}, nil
}

// TestFaultNewScrapeDoesNotJoinAbandonedPass: when every scraper of a pass
// has given up, the pass is cancelled; a scrape that arrives while it winds
// down must start afresh rather than report the abandoned pass's failure.
func TestFaultNewScrapeDoesNotJoinAbandonedPass(t *testing.T) {
	f := &slowToStop{}
	exp := NewExporter(NewSource(f, SourceOptions{Apps: []voxapi.AppSelector{{ID: 1}}}), Options{})
	up := func(timeout time.Duration) float64 {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return testutilUp(t, exp.Collector(ctx))
	}
	if got := up(50 * time.Millisecond); got != 0 {
		t.Fatalf("up %v from a pass past its deadline", got)
	}
	if got := up(5 * time.Second); got != 1 {
		t.Errorf("up %v: the scrape after the deadline joined the abandoned pass", got)
	}
}

func testutilUp(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "voximplant_up" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no voximplant_up")
	return -1
}
