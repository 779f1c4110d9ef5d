package collector

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// hintRecorder is a UserFetcher that records the hint of every read and
// fails while failing is set.
type hintRecorder struct {
	mu      sync.Mutex
	hints   []voxapi.PageStats
	failing bool
}

func (h *hintRecorder) GetAllUsers(_ context.Context, _ voxapi.AppSelector, opts voxapi.PageOptions) ([]voxapi.User, voxapi.PageStats, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hints = append(h.hints, opts.Hint)
	if h.failing {
		return nil, voxapi.PageStats{}, errors.New("page 3 failed")
	}
	return []voxapi.User{{UserID: 1}}, voxapi.PageStats{TotalCount: 230, PageCap: 50, Requests: 5}, nil
}

func (h *hintRecorder) last() voxapi.PageStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hints[len(h.hints)-1]
}

// TestSourcePassesHintsAndForgetsThemOnFailure: the first pass has no hint
// (page 1 first), the next gets the previous total and cap, and a pass
// after a failure reads page 1 first again.
func TestSourcePassesHintsAndForgetsThemOnFailure(t *testing.T) {
	f := &hintRecorder{}
	src := NewSource(f, SourceOptions{Apps: []voxapi.AppSelector{{ID: 1}}})
	ctx := context.Background()
	want := voxapi.PageStats{TotalCount: 230, PageCap: 50, Requests: 5}

	if snap := src.Snapshot(ctx); snap.Err != nil || f.last() != (voxapi.PageStats{}) {
		t.Fatalf("first pass: err %v, hint %+v, want none", snap.Err, f.last())
	}
	if src.Snapshot(ctx); f.last() != want {
		t.Fatalf("second pass hint %+v, want %+v", f.last(), want)
	}
	f.mu.Lock()
	f.failing = true
	f.mu.Unlock()
	if snap := src.Snapshot(ctx); snap.Err == nil || f.last() != want {
		t.Fatalf("failing pass: err %v, hint %+v", snap.Err, f.last())
	}
	f.mu.Lock()
	f.failing = false
	f.mu.Unlock()
	if snap := src.Snapshot(ctx); snap.Err != nil || f.last() != (voxapi.PageStats{}) {
		t.Fatalf("pass after a failure: err %v, hint %+v, want none (page 1 first)", snap.Err, f.last())
	}
	if src.Snapshot(ctx); f.last() != want {
		t.Fatalf("pass after recovery: hint %+v, want %+v", f.last(), want)
	}
}
