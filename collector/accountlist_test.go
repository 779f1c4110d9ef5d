package collector

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// fakeLister answers from fixture values and counts its calls.
type fakeLister struct {
	calls    atomic.Int32
	fail     error
	children []voxapi.ChildAccount
	frozen   map[int64]bool
	inactive map[int64]bool
}

func (f *fakeLister) GetAccountInfo(context.Context) (*voxapi.AccountInfo, error) {
	f.calls.Add(1)
	if f.fail != nil {
		return nil, f.fail
	}
	return &voxapi.AccountInfo{AccountID: 1, AccountName: "parent", Active: true}, nil
}

func (f *fakeLister) GetChildrenAccounts(_ context.Context, flt voxapi.ChildrenFilter) ([]voxapi.ChildAccount, error) {
	f.calls.Add(1)
	var out []voxapi.ChildAccount
	for _, c := range f.children {
		switch {
		case flt.Frozen != nil && *flt.Frozen != f.frozen[c.AccountID]:
		case flt.Active != nil && *flt.Active == f.inactive[c.AccountID]:
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// TestAccountListMergesTheFilteredListings: the own account first, then
// the children by id, frozen and inactive as the filtered listings say,
// read once per interval (four requests: the own account and three
// listings).
func TestAccountListMergesTheFilteredListings(t *testing.T) {
	f := &fakeLister{
		children: []voxapi.ChildAccount{{AccountID: 30, AccountName: "c"}, {AccountID: 20, AccountName: "b"}, {AccountID: 10, AccountName: "a"}},
		frozen:   map[int64]bool{20: true},
		inactive: map[int64]bool{30: true},
	}
	l := NewAccountList(context.Background(), f, time.Hour)
	want := []ListedAccount{
		{ID: 1, Name: "parent", Own: true, Active: true},
		{ID: 10, Name: "a", Active: true},
		{ID: 20, Name: "b", Active: true, Frozen: true},
		{ID: 30, Name: "c", Active: false},
	}
	for range 3 {
		got, err := l.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	}
	if n := f.calls.Load(); n != 4 {
		t.Errorf("%d requests for three gets within the interval, want 4", n)
	}
}

func TestAccountListFailureIsReported(t *testing.T) {
	boom := errors.New("boom")
	l := NewAccountList(context.Background(), &fakeLister{fail: boom}, time.Hour)
	if _, err := l.Get(context.Background()); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the API's", err)
	}
}
