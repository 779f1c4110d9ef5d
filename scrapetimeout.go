package main

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// scrapeTimeoutHeader is how Prometheus tells a target its scrape timeout.
const scrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// minScrapeTimeout is the least a scrape is given whatever the header says:
// a pass given less (1e-300 s read as 0) would start and be abandoned at
// once, costing API requests and answering nothing.
const minScrapeTimeout = 250 * time.Millisecond

// maxScrapeTimeoutHeader bounds the header's value; larger values are not a
// scrape timeout Prometheus would send and are treated as absent.
const maxScrapeTimeoutHeader = 24 * time.Hour

// scrapeTimeout is the time a scrape may spend: Prometheus's own timeout
// from X-Prometheus-Scrape-Timeout-Seconds less the offset (at least
// minScrapeTimeout), or the fallback when the header is absent or unusable.
func scrapeTimeout(r *http.Request, fallback, offset time.Duration) time.Duration {
	t, ok := parseScrapeTimeoutHeader(r.Header.Get(scrapeTimeoutHeader))
	if !ok {
		return fallback
	}
	if t-offset > 0 {
		t -= offset
	} else {
		t /= 2 // an offset larger than the timeout would leave nothing: keep half
	}
	return max(t, minScrapeTimeout)
}

// parseScrapeTimeoutHeader reads the header's seconds. Only a finite number
// above zero and at most maxScrapeTimeoutHeader is usable: NaN passes every
// comparison and used to become a deadline of 292 years.
func parseScrapeTimeoutHeader(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs <= 0 || secs > maxScrapeTimeoutHeader.Seconds() {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}
