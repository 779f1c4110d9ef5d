package voxapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// When to try a request again, and how long to wait first: the back-off,
// the server's Retry-After (capped), code 416's "repeat after N seconds".

// sleepCtx waits d, or until ctx ends, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// backoff is the full-jitter exponential back-off for the given retry.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.backoffBase << attempt
	if d <= 0 || d > c.backoffMax {
		d = c.backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Retryable()
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return !de.TooLarge
	}
	return true // transport errors: refused, reset, timeouts of one attempt
}

// MaxRetryAfter caps the wait a server's Retry-After can ask for. Larger
// values (up to overflowing time.Duration) are read as this cap, which is
// longer than any scrape deadline, so the call fails at once with "no time
// left" instead of ignoring the header or sleeping for years.
const MaxRetryAfter = time.Hour

// parseRetryAfter reads a Retry-After header: delta seconds or an HTTP date.
// capped reports a value above MaxRetryAfter, which is returned as the cap.
func parseRetryAfter(v string, now time.Time) (d time.Duration, capped bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		if s > uint64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		return time.Duration(s) * time.Second, false
	} else if errors.Is(err, strconv.ErrRange) {
		return MaxRetryAfter, true // all digits, beyond uint64
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		if t.Sub(now) > MaxRetryAfter { // Sub saturates rather than wraps
			return MaxRetryAfter, true
		}
		return t.Sub(now), false
	}
	return 0, false
}

// repeatAfter extracts N from code 416's "repeat after N seconds" message;
// without a number it asks for one second.
func repeatAfter(msg string) time.Duration {
	for f := range strings.FieldsFuncSeq(msg, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(f); err == nil && n > 0 && n < 3600 {
			return time.Duration(n) * time.Second
		}
	}
	return time.Second
}
