package collector

import (
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// TestUserInfoParentAccountingUnknown: a user whose answer leaves out
// parent_accounting (the reference's own example does) is labelled "",
// never "false" as if the API had said so; a sent value is kept.
func TestUserInfoParentAccountingUnknown(t *testing.T) {
	var info *userFamily
	for _, f := range userFamilies {
		if f.name == "voximplant_user_info" {
			info = f
		}
	}
	if info == nil || info.labels[3] != "parent_accounting" {
		t.Fatal("voximplant_user_info with parent_accounting as its fourth label not found")
	}
	yes, no := true, false
	for _, tc := range []struct {
		in   *bool
		want string
	}{{nil, ""}, {&yes, "true"}, {&no, "false"}} {
		var got []string
		l := &userList{users: []*voxapi.User{{UserID: 1, UserName: "u", ParentAccounting: tc.in}}, ids: []string{"1"}}
		info.series(l, 0, func(_ float64, _, _, _, d string) {
			got = append(got, d)
		})
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("parent_accounting %v: label %q, want [%q]", tc.in, got, tc.want)
		}
	}
}
