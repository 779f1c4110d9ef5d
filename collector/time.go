package collector

import "time"

// unixSeconds is t as fractional Unix seconds, the unit of every
// *_timestamp_seconds metric.
func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}
