package voxapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
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

// setApp puts app into v as application_id or application_name: exactly
// one, as the SmartQueue and queue methods want (error 458 for both).
func setApp(v url.Values, app AppSelector) error {
	if (app.ID != 0) == (app.Name != "") {
		return ErrApplicationSelector
	}
	if app.ID != 0 {
		v.Set("application_id", strconv.FormatInt(app.ID, 10))
	} else {
		v.Set("application_name", app.Name)
	}
	return nil
}

// setRange sets from_date and to_date, in UTC in the API's format, for the
// ends that are not zero, and refuses a range that ends before it starts
// (the API would answer 123).
func setRange(v url.Values, method string, from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return fmt.Errorf("voxapi: %s to date %s is before from date %s",
			method, to.UTC().Format(TimeLayout), from.UTC().Format(TimeLayout))
	}
	if !from.IsZero() {
		v.Set("from_date", from.UTC().Format(TimeLayout))
	}
	if !to.IsZero() {
		v.Set("to_date", to.UTC().Format(TimeLayout))
	}
	return nil
}

// nameList joins names with ";", refusing an empty name or one that holds
// the separator: it would send other names than the caller meant.
func nameList(method, what string, names []string) (string, error) {
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, "; ") {
			return "", fmt.Errorf("voxapi: %s %s %q is not a %s name", method, what, n, what)
		}
	}
	return strings.Join(names, ";"), nil
}

// listOf joins free-text names (queue names may hold spaces) with ";",
// refusing an empty name or one that holds the separator, which would
// split into names the caller did not mean.
func listOf(method, what string, names []string) (string, error) {
	for _, n := range names {
		if strings.TrimSpace(n) == "" || strings.Contains(n, ";") {
			return "", fmt.Errorf("voxapi: %s %s %q cannot be sent: it is empty or holds ';', the API's list separator", method, what, n)
		}
	}
	return strings.Join(names, ";"), nil
}
