package voxapi

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// TestGetAllUsersRemovalBeforeOffsetIsReRead: a user removed from an
// earlier page while the pager reads shifts every later user one place
// down, so offset paging skips a user present throughout. The pages'
// total_count disagree; the pager must read again rather than return an
// account one operator short.
func TestGetAllUsersRemovalBeforeOffsetIsReRead(t *testing.T) {
	_, c := hookServer(t, voxsim.Config{Account: simAccountWith(simUsers(60))}, func(n int, sim *voxsim.Server) {
		if n == 2 { // after page 1: its first user leaves
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User { return us[1:] })
		}
	})
	users, st, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 20, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantIDs(1002, 59); !slices.Equal(userIDs(users), want) || st.TotalCount != 59 {
		t.Fatalf("got %d users %v (total %d), want the 59 left", len(users), userIDs(users), st.TotalCount)
	}
}

// TestGetAllUsersNeverConsistentFails: an account that changes under every
// read is not published: after the re-reads the read fails.
func TestGetAllUsersNeverConsistentFails(t *testing.T) {
	next := int64(5000)
	_, c := hookServer(t, voxsim.Config{Account: simAccountWith(simUsers(60))}, func(n int, sim *voxsim.Server) {
		if n%2 == 0 { // someone joins between every two pages
			u := simUsers(1)[0]
			u.ID, next = next, next+1
			sim.UpdateUsers(func(us []voxsim.User) []voxsim.User { return append(us, u) })
		}
	})
	users, _, err := c.GetAllUsers(context.Background(), AppSelector{ID: 1}, PageOptions{PageSize: 20, Concurrency: 1})
	if err == nil || users != nil {
		t.Fatalf("%d users, err %v: want no users and ErrUsersChanged", len(users), err)
	}
	if !errors.Is(err, ErrUsersChanged) {
		t.Errorf("err %v is not ErrUsersChanged", err)
	}
}
