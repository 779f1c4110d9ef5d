package main

import (
	"math"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func timeoutFor(v string, fallback, offset time.Duration) time.Duration {
	r := httptest.NewRequest("GET", "/metrics", nil)
	if v != "" {
		r.Header.Set(scrapeTimeoutHeader, v)
	}
	return scrapeTimeout(r, fallback, offset)
}

// TestScrapeTimeoutHeader: only finite positive seconds are read; NaN, the
// infinities, negatives, zero and garbage mean "absent" (the fallback), and
// a tiny value is raised to minScrapeTimeout.
func TestScrapeTimeoutHeader(t *testing.T) {
	const fallback, offset = 10 * time.Second, 500 * time.Millisecond
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", fallback},
		{"NaN", fallback},
		{"nan", fallback},
		{"Inf", fallback},
		{"+Inf", fallback},
		{"-Inf", fallback},
		{"1e400", fallback}, // overflows float64 to +Inf
		{"-1", fallback},
		{"0", fallback},
		{"-0", fallback},
		{"ten", fallback},
		{"10s", fallback},
		{"86401", fallback},
		{"1e-300", minScrapeTimeout},
		{"0.3", minScrapeTimeout}, // half of 0.3 s is under the floor
		{"0.6", minScrapeTimeout}, // 0.1 s after the offset
		{"1.5", time.Second},
		{"10", 9500 * time.Millisecond},
		{"86400", 24*time.Hour - offset},
	} {
		if got := timeoutFor(tc.v, fallback, offset); got != tc.want {
			t.Errorf("header %q: timeout %v, want %v", tc.v, got, tc.want)
		}
	}
}

// FuzzScrapeTimeoutHeader: whatever the header holds, the timeout is the
// fallback unless the header is a finite number in (0, 86400], and then it
// lies between minScrapeTimeout and the header's own value (or the floor).
func FuzzScrapeTimeoutHeader(f *testing.F) {
	for _, s := range []string{"10", "1.5", "NaN", "Inf", "-Inf", "-1", "0", "1e-300", "1e400", "0x1p-2", "86400", "86400.0000001", " 10", "1_0"} {
		f.Add(s)
	}
	const fallback, offset = 7 * time.Second, 500 * time.Millisecond
	f.Fuzz(func(t *testing.T, v string) {
		got := timeoutFor(v, fallback, offset)
		secs, err := strconv.ParseFloat(v, 64)
		usable := v != "" && err == nil && secs > 0 && secs <= 86400 // NaN fails both comparisons
		if !usable {
			if got != fallback {
				t.Fatalf("header %q: timeout %v, want the fallback %v", v, got, fallback)
			}
			return
		}
		if got < minScrapeTimeout {
			t.Fatalf("header %q: timeout %v under the floor %v", v, got, minScrapeTimeout)
		}
		if limit := max(secs, minScrapeTimeout.Seconds()); got.Seconds() > limit || math.IsNaN(got.Seconds()) {
			t.Fatalf("header %q: timeout %v exceeds %v s", v, got, limit)
		}
	})
}
