package main

import "testing"

// TestLabelCollisions: only an id and a name whose application labels are
// the same text collide; distinct texts ("01", " 1") do not.
func TestLabelCollisions(t *testing.T) {
	for _, tc := range []struct {
		ids     []int64
		names   []string
		collide bool
	}{
		{[]int64{1}, []string{"1"}, true},
		{[]int64{5, 1}, []string{"sales", "1"}, true},
		{[]int64{1}, []string{"01"}, false},
		{[]int64{1}, []string{" 1"}, false},
		{[]int64{1, 2}, []string{"sales", "support"}, false},
		{nil, []string{"1"}, false},
	} {
		if err := checkLabelCollisions(tc.ids, tc.names); (err != nil) != tc.collide {
			t.Errorf("ids %v names %q: err %v, want collision %v", tc.ids, tc.names, err, tc.collide)
		}
	}
}
