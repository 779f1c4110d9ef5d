// Package voxapi is a small client for the Voximplant Management API: it
// signs requests with a service-account JWT, retries what is worth retrying
// within the caller's deadline, and reads every page of GetUsers without
// ever returning a partial result.
package voxapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"
)

// DefaultBaseURL is the Management API endpoint; methods are appended to it.
const DefaultBaseURL = "https://api.voximplant.com/platform_api/"

// Defaults for Options fields left zero.
const (
	DefaultMaxRetries       = 3
	DefaultBackoffBase      = 250 * time.Millisecond
	DefaultBackoffMax       = 5 * time.Second
	DefaultMaxResponseBytes = 64 << 20
	// DefaultMaxBytesPerUser bounds a GetUsers answer per user asked for.
	// A user with a few skills and queues is under 1 kB; 16 KiB leaves room
	// for long names and many bindings, and keeps a page of 100 at 1.6 MiB.
	DefaultMaxBytesPerUser = 16 << 10
	// pageEnvelopeBytes is what a GetUsers answer may hold besides its users.
	pageEnvelopeBytes = 64 << 10
)

// RequestObserver is told about every HTTP request the client makes,
// retries included, so that the exporter can count and time them. code is
// the API error code, or 0.
type RequestObserver interface {
	ObserveRequest(method string, outcome Outcome, code int, d time.Duration)
}

// Options configure a Client. Credentials is required.
type Options struct {
	BaseURL     string // default DefaultBaseURL
	Credentials *Credentials
	// AccountID, when set, goes into the token's iss so that a parent
	// account's key acts on a child account.
	AccountID  int64
	HTTPClient *http.Client // default: a client with no overall timeout; contexts bound each call
	UserAgent  string       // default "voximplant_exporter"
	Logger     *slog.Logger // default: discard
	Observer   RequestObserver

	MaxRetries       int           // retries after the first attempt for retryable errors; default 3, <0 for none
	BackoffBase      time.Duration // first back-off; doubles per retry, with full jitter
	BackoffMax       time.Duration // cap on one back-off (a server's Retry-After may exceed it)
	MaxResponseBytes int64         // a larger body (after decompression) is an error, and is not read further
	// MaxBytesPerUser bounds a GetUsers answer instead: 64 KiB plus this
	// for every user the page asks for, after decompression; default
	// DefaultMaxBytesPerUser. Memory per page is then bounded by the page
	// size, not by MaxResponseBytes.
	MaxBytesPerUser int64

	// MaxConcurrentRequests bounds the HTTP requests in flight at once,
	// across every method and caller of the client; default
	// DefaultPageConcurrency. A request holds its slot for one attempt,
	// not while it backs off.
	MaxConcurrentRequests int

	// Now is the clock used for tokens; tests replace it.
	Now func() time.Time
	// Sleep waits d between retries, or returns ctx's cause if ctx ends
	// first; default a timer. Tests replace it so that a server's
	// Retry-After is checked without waiting it out in real time.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls the Management API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	http      *http.Client
	userAgent string
	log       *slog.Logger
	observer  RequestObserver
	tokens    *tokenSource
	inflight  *semaphore.Weighted
	// maxInflight is inflight's bound: the workers of one GetAllUsers.
	maxInflight int
	plans       pagePlans
	// disagreements: total_counts the pages did not bear out, by application.
	disagreements countDisagreements

	maxRetries  int
	backoffBase time.Duration
	backoffMax  time.Duration
	maxBody     int64
	perUser     int64
	sleep       func(context.Context, time.Duration) error
}

// NewClient checks opts and builds a Client.
func NewClient(opts Options) (*Client, error) {
	if opts.Credentials == nil || opts.Credentials.PrivateKey == nil {
		return nil, errors.New("voxapi: no credentials")
	}
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("voxapi: API URL %q is not an absolute http(s) URL", raw)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	c := &Client{
		base:        base,
		http:        opts.HTTPClient,
		userAgent:   opts.UserAgent,
		log:         opts.Logger,
		observer:    opts.Observer,
		maxRetries:  opts.MaxRetries,
		backoffBase: opts.BackoffBase,
		backoffMax:  opts.BackoffMax,
		maxBody:     opts.MaxResponseBytes,
		perUser:     opts.MaxBytesPerUser,
		sleep:       opts.Sleep,
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.userAgent == "" {
		c.userAgent = "voximplant_exporter"
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.backoffBase <= 0 {
		c.backoffBase = DefaultBackoffBase
	}
	if c.backoffMax <= 0 {
		c.backoffMax = DefaultBackoffMax
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.perUser <= 0 {
		c.perUser = DefaultMaxBytesPerUser
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	c.tokens = newTokenSource(opts.Credentials, opts.AccountID, now)
	n := opts.MaxConcurrentRequests
	if n <= 0 {
		n = DefaultPageConcurrency
	}
	c.inflight = semaphore.NewWeighted(int64(n))
	c.maxInflight = n
	return c, nil
}

// TokensMinted reports how many tokens the client has signed.
func (c *Client) TokensMinted() int { return c.tokens.Mints() }

// call POSTs params to method and decodes the answer with decode. It retries
// retryable failures with exponential back-off and jitter, honours
// Retry-After and code 416, re-mints the token once on 100/455/456, and never
// sleeps past ctx's deadline: when the next wait would outlive it, the last
// error is returned at once.
//
// limit bounds the answer's body after decompression; 0 means
// MaxResponseBytes.
func (c *Client) call(ctx context.Context, method string, params url.Values, limit int64, decode func(io.Reader) error) error {
	if limit <= 0 || limit > c.maxBody {
		limit = c.maxBody
	}
	body := params.Encode()
	authRetried := false
	for attempt := 0; ; attempt++ {
		token, gen, err := c.tokens.Token()
		if err != nil {
			return err
		}
		err = c.do(ctx, method, body, token, limit, decode)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("voximplant %s: %w (last error: %w)", method, context.Cause(ctx), err)
		}
		var ae *APIError
		isAPI := errors.As(err, &ae)
		if isAPI && ae.IsAuth() {
			if authRetried {
				return err
			}
			authRetried = true
			c.tokens.Invalidate(gen, ae.Code == CodeTokenFromFuture)
			c.log.Debug("token rejected, minting a new one", "method", method, "code", ae.Code)
			attempt-- // the auth retry does not use up a back-off retry
			continue
		}
		if !retryable(err) || attempt >= c.maxRetries {
			return err
		}
		wait := c.backoff(attempt)
		if isAPI && ae.RetryAfter > wait {
			wait = ae.RetryAfter
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("voximplant %s: no time left for a retry in %s before the deadline: %w", method, wait.Round(time.Millisecond), err)
		}
		c.log.Debug("retrying API request", "method", method, "attempt", attempt+1, "wait", wait, "err", err)
		if serr := c.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("voximplant %s: %w (last error: %w)", method, serr, err)
		}
	}
}

// callFor is call for a method whose answer decode turns into a T, within
// MaxResponseBytes.
func callFor[T any](ctx context.Context, c *Client, method string, params url.Values, decode func(io.Reader) (T, error)) (T, error) {
	return callForLimit(ctx, c, method, params, 0, decode)
}

// callForLimit is callFor with a bound on the answer (see call).
func callForLimit[T any](ctx context.Context, c *Client, method string, params url.Values, limit int64, decode func(io.Reader) (T, error)) (T, error) {
	var out T
	err := c.call(ctx, method, params, limit, func(r io.Reader) error {
		var derr error
		out, derr = decode(r)
		return derr
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// do makes one HTTP request and classifies its result. It asks for gzip
// itself, so that the transport does not inflate the answer unseen: the
// limit counts the bytes decoded, however small the compressed body.
func (c *Client) do(ctx context.Context, method, body, token string, limit int64, decode func(io.Reader) error) (err error) {
	if err := c.inflight.Acquire(ctx, 1); err != nil {
		return fmt.Errorf("voximplant %s: waiting for a free request slot: %w", method, context.Cause(ctx))
	}
	defer c.inflight.Release(1)
	start := time.Now()
	outcome, code := OutcomeSuccess, 0
	defer func() {
		d := time.Since(start)
		if c.observer != nil {
			c.observer.ObserveRequest(method, outcome, code, d)
		}
		c.log.Debug("API request", "method", method, "outcome", string(outcome), "code", code, "duration", d)
	}()

	u := c.base.JoinPath(method)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		outcome = OutcomeNetworkError
		return fmt.Errorf("voximplant %s: build request: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Authorization", "Bearer "+token)

	resp, err := c.http.Do(req)
	if err != nil {
		outcome = OutcomeNetworkError
		return fmt.Errorf("voximplant %s: %w", method, redactURLError(err))
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()

	answer, err := decodedBody(resp)
	if err != nil {
		outcome = OutcomeHTTPError
		return &DecodeError{Method: method, Err: err}
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		outcome = OutcomeHTTPError
		ra, capped := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if capped {
			c.log.Warn("server's Retry-After is implausibly long; capped", "method", method,
				"retry_after", resp.Header.Get("Retry-After"), "cap", MaxRetryAfter)
		}
		ae := &APIError{Method: method, HTTPStatus: resp.StatusCode, RetryAfter: ra}
		// The body of an error status may still carry the API's envelope.
		if env, ok := sniffErrorEnvelope(io.LimitReader(answer, 64<<10)); ok {
			outcome = OutcomeAPIError
			ae.Code, ae.Message = env.Code, env.Msg
			code = env.Code
			if env.Code == CodeRepeatAfter {
				ae.RetryAfter = max(ae.RetryAfter, repeatAfter(env.Msg))
			}
		}
		return ae
	}

	lr := &limitedReader{r: answer, left: limit}
	if err := decode(lr); err != nil {
		if ctx.Err() != nil {
			// Cancelled mid-body. The body read may report the context's
			// cause, which can wrap another request's *APIError (the pager
			// cancels its pages with the first failure): it is not this
			// request's answer, and must not be taken, or written to, as one.
			outcome = OutcomeNetworkError
			return fmt.Errorf("voximplant %s: reading answer: %w", method, ctx.Err())
		}
		var decoded *APIError
		if errors.As(err, &decoded) {
			ae := *decoded // a copy: the decoder's value is not ours to change
			outcome, code = OutcomeAPIError, ae.Code
			ae.Method, ae.HTTPStatus = method, resp.StatusCode
			if ae.Code == CodeRepeatAfter {
				ae.RetryAfter = max(ae.RetryAfter, repeatAfter(ae.Message))
			}
			return &ae
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isTransport(err) {
			outcome = OutcomeNetworkError
			return fmt.Errorf("voximplant %s: reading answer: %w", method, err)
		}
		outcome = OutcomeHTTPError
		return &DecodeError{Method: method, TooLarge: errors.Is(err, errBodyTooLarge), Err: err}
	}
	return nil
}
