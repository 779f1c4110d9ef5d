package voxsim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault makes matching requests misbehave, so client tests can exercise
// every failure the real service shows. Fields combine: Latency delays
// whatever follows; Hang never answers; Code, HTTPStatus and Body replace
// the answer; ResetMidBody truncates whichever answer is sent.
type Fault struct {
	// Method restricts the fault to one API method; "" matches any.
	Method string
	// Code and Msg answer with the API error envelope {"error":{...}}
	// (without the "errors" array the simulator's own errors carry), with
	// HTTP 200 unless HTTPStatus says otherwise.
	Code int
	Msg  string
	// HTTPStatus answers with a non-2xx status (429, 503...). The body is
	// Body if set, else the envelope if Code is set, else a small HTML
	// page, as a proxy or load balancer would send.
	HTTPStatus int
	// RetryAfter, if set, is sent as the Retry-After header.
	RetryAfter string
	// Body is sent raw instead of the answer: malformed or truncated JSON,
	// HTML, anything. It is labelled application/json (as a truncated API
	// answer would be) unless it looks like HTML or ContentType says
	// otherwise.
	Body        []byte
	ContentType string
	// Latency is extra delay before answering (on top of Config.Latency);
	// it ends early when the client gives up or the server closes.
	Latency time.Duration
	// Hang never answers: the handler blocks until the client's request
	// context is done or the server closes, then drops the connection.
	Hang bool
	// ResetMidBody announces the full answer, sends half of it and closes
	// the connection.
	ResetMidBody bool
	// Times is how many matching requests the fault applies to: 0 means
	// once, -1 forever.
	Times int
	// Match, if set, further restricts the requests (e.g. offset == 200).
	// It is called with the server's fault lock held: keep it simple.
	Match func(r *Request) bool
}

// replacesAnswer reports whether the fault sends its own answer instead of
// the method's.
func (f *Fault) replacesAnswer() bool {
	return f.Code != 0 || f.HTTPStatus != 0 || f.Body != nil
}

func (f *Fault) response() response {
	resp := response{status: http.StatusOK, contentType: jsonType, header: http.Header{}}
	if f.HTTPStatus != 0 {
		resp.status = f.HTTPStatus
	}
	if f.RetryAfter != "" {
		resp.header.Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Body != nil:
		resp.body = f.Body
		if strings.HasPrefix(http.DetectContentType(f.Body), "text/html") {
			resp.contentType = "text/html; charset=utf-8"
		}
	case f.Code != 0:
		msg := f.Msg
		if msg == "" {
			msg = fmt.Sprintf("Injected error %d", f.Code)
		}
		resp.body = (&apiError{Code: f.Code, Msg: msg}).envelope(false)
	default:
		resp.contentType = "text/html; charset=utf-8"
		text := http.StatusText(resp.status)
		resp.body = fmt.Appendf(nil, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n</body>\r\n</html>\r\n",
			resp.status, text, resp.status, text)
	}
	if f.ContentType != "" {
		resp.contentType = f.ContentType
	}
	return resp
}

// faultQueue holds injected faults in FIFO order.
type faultQueue struct {
	mu     sync.Mutex
	faults []*Fault
}

// Inject adds a fault. Each request takes the first fault, in injection
// order, whose Method and Match fit and which has Times left.
func (s *Server) Inject(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, &f)
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
}

// take returns the fault for req, using up one of its Times, or nil.
func (q *faultQueue) take(req *Request) *Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.faults {
		if f.Method != "" && f.Method != req.Method {
			continue
		}
		if f.Match != nil && !f.Match(req) {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				q.faults = append(q.faults[:i:i], q.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}
