package collector

import (
	"log/slog"
	"sync"
	"time"
)

// unixSeconds is t as fractional Unix seconds, the unit of every
// *_timestamp_seconds metric. It goes through Unix, not UnixNano, which
// wraps outside the years 1678–2262 (9999-12-31 read as 1816).
func unixSeconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// earliestStatusChange: an ACD status change before this is a placeholder
// (1970-01-01 00:00:00 for "never", 0001-01-01 for a zero value), not a
// time an operator has been in a status since.
var earliestStatusChange = time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC)

// statusChangeFutureSlack is how far past the read a status change may lie
// (clock skew); beyond it, 9999-12-31 and the like, it is a placeholder.
const statusChangeFutureSlack = 24 * time.Hour

// plausibleStatusChange reports whether t can be a real status change seen
// by a read at now. Implausible times are unknown: they give no series,
// since time() minus them would read as centuries in a status.
func plausibleStatusChange(t, now time.Time) bool {
	return !t.Before(earliestStatusChange) && !t.After(now.Add(statusChangeFutureSlack))
}

// implausibleTimes logs each user whose status change time is implausible
// once, not on every scrape: again only after the time changes, or after
// the user has been read with a plausible time (or not at all) in between.
type implausibleTimes struct {
	mu     sync.Mutex
	logged map[int64]time.Time // user_id → the implausible time logged
}

// note is called once per read with every user whose time is implausible;
// users absent from bad are forgotten.
func (l *implausibleTimes) note(log *slog.Logger, bad map[int64]implausible, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := make(map[int64]time.Time, len(bad))
	for id, b := range bad {
		if prev, ok := l.logged[id]; !ok || !prev.Equal(b.t) {
			log.Warn("ignoring an implausible ACD status change time; the user's status age is unknown",
				"user_id", id, "user_name", b.name, "acd_status_change_time", b.t.Format(time.DateTime),
				"read_at", now.UTC().Format(time.DateTime))
		}
		next[id] = b.t
	}
	l.logged = next
}

// implausible is one user's implausible status change time.
type implausible struct {
	name string
	t    time.Time
}
