package voxsim

import (
	"maps"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Request is what the server received, recorded for tests to assert on.
type Request struct {
	Method      string     // API method from the path or the cmd parameter ("GetUsers")
	HTTPMethod  string     // "POST" for well-behaved clients
	Params      url.Values // query and body parameters merged
	Query       url.Values // query-string parameters only (should be empty: body keeps them out of logs)
	ContentType string
	UserAgent   string
	Token       string // the bearer token, "" if none
	// Offset and Count are the parsed paging parameters: the defaults (0,
	// 20) when absent, -1 when unparsable.
	Offset, Count int
	Time          time.Time // server clock at arrival

	parseErr *apiError
}

// Stats counts what the server served, so tests can assert how a client
// behaved (retries, token reuse, concurrency bound).
type Stats struct {
	Requests     int            // every request, whatever its fate
	ByMethod     map[string]int // by API method name ("" when the path has none)
	Tokens       int            // distinct bearer tokens seen
	TokenSet     []string       // those tokens, in first-seen order (for leak scans)
	AuthFailures int            // requests answered with an auth error
	Faults       int            // requests a fault applied to
	InFlight     int            // requests being handled now
	MaxInFlight  int            // the most handled at once since start/ResetStats
}

// maxLoggedRequests bounds the Requests log; the oldest are dropped.
const maxLoggedRequests = 10000

type statsRecorder struct {
	mu       sync.Mutex
	s        Stats
	seen     map[string]bool
	requests []Request
}

func (r *statsRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s = Stats{ByMethod: map[string]int{}}
	r.seen = map[string]bool{}
	r.requests = nil
}

func (r *statsRecorder) record(req *Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Requests++
	r.s.ByMethod[req.Method]++
	if req.Token != "" && !r.seen[req.Token] {
		r.seen[req.Token] = true
		r.s.Tokens++
		r.s.TokenSet = append(r.s.TokenSet, req.Token)
	}
	if len(r.requests) >= 2*maxLoggedRequests {
		// Trim in bulk so recording stays O(1) amortised under load.
		r.requests = slices.Clone(r.requests[len(r.requests)-maxLoggedRequests:])
	}
	c := *req
	c.Params = cloneValues(req.Params)
	c.Query = cloneValues(req.Query)
	r.requests = append(r.requests, c)
}

func (r *statsRecorder) authFailure() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.AuthFailures++
}

func (r *statsRecorder) fault() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Faults++
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	st := s.stats.s
	st.ByMethod = maps.Clone(st.ByMethod)
	st.TokenSet = slices.Clone(st.TokenSet)
	s.stats.mu.Unlock()
	st.InFlight, st.MaxInFlight = s.track.inFlight()
	return st
}

// Requests returns the most recent requests (at most 10000), oldest first.
func (s *Server) Requests() []Request {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	log := s.stats.requests
	log = log[max(0, len(log)-maxLoggedRequests):]
	out := make([]Request, len(log))
	for i, req := range log {
		req.Params = cloneValues(req.Params)
		req.Query = cloneValues(req.Query)
		out[i] = req
	}
	return out
}

// ResetStats zeroes the counters and the request log, e.g. between the
// setup and the measured part of a test.
func (s *Server) ResetStats() {
	s.stats.reset()
	s.track.resetMax()
}
