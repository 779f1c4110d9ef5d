package voxapi

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDecodeGetUsersReferenceExample decodes the reference page's published
// GetUsers answer verbatim (testdata/reference/README.md): balance alone
// stands for the live balance, and parent_accounting, which it leaves out,
// stays unknown instead of reading as false.
func TestDecodeGetUsersReferenceExample(t *testing.T) {
	f, err := os.Open("testdata/reference/GetUsers-reference.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	resp, err := DecodeGetUsers(f)
	if err != nil {
		t.Fatalf("the reference's example does not decode: %v", err)
	}
	if resp.TotalCount != 2 || resp.Count != 2 || len(resp.Result) != 2 {
		t.Fatalf("total %d count %d users %d, want 2 2 2", resp.TotalCount, resp.Count, len(resp.Result))
	}
	want := []struct {
		id         int64
		name, disp string
		balance    float64
		modified   time.Time
	}{
		{101, "jdoe", "John Doe", 15.75, time.Date(2024, 4, 20, 9, 15, 42, 0, time.UTC)},
		{102, "asmith", "Alice Smith", 8.5, time.Date(2024, 4, 19, 16, 47, 10, 0, time.UTC)},
	}
	for i, w := range want {
		u := resp.Result[i]
		if u.UserID != w.id || u.UserName != w.name || u.UserDisplayName != w.disp || !u.UserActive {
			t.Errorf("user %d = %+v, want id %d %s %q active", i, u, w.id, w.name, w.disp)
		}
		if u.LiveBalance == nil || *u.LiveBalance != w.balance {
			t.Errorf("user %d live balance %v, want balance %v standing for it", w.id, u.LiveBalance, w.balance)
		}
		if u.ParentAccounting != nil {
			t.Errorf("user %d parent_accounting %v, want unknown (absent in the answer)", w.id, *u.ParentAccounting)
		}
		if u.ACDStatus != "" || u.ACDStatusChangeTime.Valid || u.FixedBalance != nil {
			t.Errorf("user %d: status %q, change time %+v, fixed %v: all absent in the answer", w.id, u.ACDStatus, u.ACDStatusChangeTime, u.FixedBalance)
		}
		if !u.Modified.Valid || !u.Modified.Time.Equal(w.modified) {
			t.Errorf("user %d modified %+v, want %v", w.id, u.Modified, w.modified)
		}
		if u.Frozen == nil || *u.Frozen {
			t.Errorf("user %d frozen %v, want false", w.id, u.Frozen)
		}
	}
}

// TestBalanceStandsForLiveBalance: balance is the live balance only when
// live_balance is absent and the request left return_live_balance true;
// after return_live_balance=false it is the fixed balance and must not be
// served as live.
func TestBalanceStandsForLiveBalance(t *testing.T) {
	body := `{"result":[{"user_id":1,"balance":3.5},{"user_id":2,"balance":3.5,"live_balance":4.25},{"user_id":3}],"total_count":3}`
	for _, tc := range []struct {
		balanceIsLive bool
		want          [3]string
	}{
		{true, [3]string{"3.5", "4.25", "<nil>"}},
		{false, [3]string{"<nil>", "4.25", "<nil>"}},
	} {
		resp, err := decodeGetUsersPage(strings.NewReader(body), 3, tc.balanceIsLive)
		if err != nil {
			t.Fatal(err)
		}
		for i, u := range resp.Result {
			got := "<nil>"
			if u.LiveBalance != nil {
				got = strconv.FormatFloat(*u.LiveBalance, 'g', -1, 64)
			}
			if got != tc.want[i] {
				t.Errorf("balanceIsLive %v: user %d live balance %s, want %s", tc.balanceIsLive, u.UserID, got, tc.want[i])
			}
		}
	}
}
