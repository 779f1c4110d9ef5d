package voxapi

import (
	"strconv"
	"strings"
)

// idList is a list parameter of ids as the API takes it: joined with ";",
// or "all" when there are none.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "all"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ";")
}
