package collector

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// civilSeconds is the Unix time of a UTC civil date and time, by Howard
// Hinnant's days_from_civil: an independent computation for unixSeconds.
func civilSeconds(y, m, d, hh, mm, ss int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return days*86400 + hh*3600 + mm*60 + ss
}

// TestUnixSecondsNoWrap: UnixNano wraps outside 1678–2262; the years 0001,
// 1970, 2262 (past the wrap), 2263 and 9999 convert exactly.
func TestUnixSecondsNoWrap(t *testing.T) {
	for _, tc := range [][6]int64{
		{1, 1, 1, 0, 0, 0},
		{1970, 1, 1, 0, 0, 0},
		{1970, 1, 1, 0, 0, 1},
		{2026, 11, 28, 9, 0, 0},
		{2262, 4, 11, 23, 47, 16},
		{2262, 4, 11, 23, 47, 17}, // the first second UnixNano cannot hold
		{2262, 12, 31, 23, 59, 59},
		{2263, 1, 1, 0, 0, 0},
		{9999, 12, 31, 23, 59, 59},
	} {
		tm := time.Date(int(tc[0]), time.Month(tc[1]), int(tc[2]), int(tc[3]), int(tc[4]), int(tc[5]), 500_000_000, time.UTC)
		want := float64(civilSeconds(tc[0], tc[1], tc[2], tc[3], tc[4], tc[5])) + 0.5
		if got := unixSeconds(tm); got != want {
			t.Errorf("%s: %v, want %v", tm.Format(time.DateTime), got, want)
		}
	}
}

// TestImplausibleStatusChangeIsUnknown: status change times before 1971
// or more than a day after the read are placeholders: no per-user series,
// not the application's oldest, and one warning per user, not per scrape.
// A time beyond UnixNano's range that is plausible for the read (the
// clock set in 2262) is served exactly.
func TestImplausibleStatusChangeIsUnknown(t *testing.T) {
	raw := func(id int64, ts string) voxsim.User {
		return voxsim.User{ID: id, Name: "op" + ts[:4], Active: true, Apps: []int64{1}, Status: voxsim.StatusReady,
			TimeEncoding: voxsim.TimeRaw, RawStatusChange: ts}
	}
	acct := voxsim.Account{ID: 4242, Apps: []voxsim.Application{{ID: 1, Name: "support"}}, Users: []voxsim.User{
		raw(1, "0001-01-01 00:00:00"),
		raw(2, "1970-01-01 00:00:00"),
		raw(3, "2262-05-31 12:00:00"),
		raw(4, "2263-01-01 00:00:00"),
		raw(5, "9999-12-31 23:59:59"),
	}}
	h := newHarness(t, acct, nil, voxapi.AppSelector{ID: 1})
	var mu sync.Mutex
	now := time.Date(2262, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	exp := h.exporter(t, expOpts{perUser: true, now: clock})

	const change = "voximplant_user_acd_status_change_timestamp_seconds"
	check := func(plausible map[string]int64) {
		t.Helper()
		f := scrape(t, exp)
		if f.Up() != 1 {
			t.Fatalf("voximplant_up %v", f.Up())
		}
		if n := len(f[change].GetMetric()); n != len(plausible) {
			t.Errorf("%d %s series, want %d:\n%s", n, change, len(plausible), f.Text())
		}
		oldest := int64(0)
		for id, secs := range plausible {
			if got := f.MustValue(t, change, "user_id", id); got != float64(secs) {
				t.Errorf("user %s: %v, want %d", id, got, secs)
			}
			if oldest == 0 || secs < oldest {
				oldest = secs
			}
		}
		if got := f.MustValue(t, "voximplant_acd_oldest_status_change_timestamp_seconds", "application", "1", "acd_status", voxsim.StatusReady); got != float64(oldest) {
			t.Errorf("oldest READY change %v, want %d", got, oldest)
		}
	}
	warnings := func() int { return strings.Count(h.logs.String(), "implausible ACD status change time") }

	check(map[string]int64{"3": civilSeconds(2262, 5, 31, 12, 0, 0)})
	check(map[string]int64{"3": civilSeconds(2262, 5, 31, 12, 0, 0)})
	if n := warnings(); n != 4 {
		t.Errorf("%d warnings over two scrapes, want one for each of the 4 implausible users:\n%s", n, h.logs.String())
	}
	for _, id := range []string{`"user_id":1,`, `"user_id":2,`, `"user_id":4,`, `"user_id":5,`} {
		if !strings.Contains(h.logs.String(), id) {
			t.Errorf("no warning for %s", id)
		}
	}

	// A year later 2263-01-01 is plausible, and served; the others are
	// not logged again.
	mu.Lock()
	now = time.Date(2263, 6, 1, 0, 0, 0, 0, time.UTC)
	mu.Unlock()
	check(map[string]int64{"3": civilSeconds(2262, 5, 31, 12, 0, 0), "4": civilSeconds(2263, 1, 1, 0, 0, 0)})
	if n := warnings(); n != 4 {
		t.Errorf("%d warnings after a third scrape, want still 4", n)
	}
}
