package voxsim

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a simulated account and its API.
type Config struct {
	// Credentials is the account's service-account key: tokens are verified
	// with its public key, KeyID and AccountID. Without it every request
	// fails authentication.
	Credentials *Credentials
	// ExtraAccounts are child account ids the key may act on by putting
	// them in iss.
	ExtraAccounts []int64
	// Account is the initial state. Its ID is informational; auth uses
	// Credentials.AccountID.
	Account Account
	// MaxCount caps GetUsers' count server-side, as the real service may
	// return fewer records than asked. 0 means no cap.
	MaxCount int
	// Latency is added before every answer, to simulate the round trip. It
	// ends early when the client gives up or the server closes.
	Latency time.Duration
	// Now is the server's clock (token times, RunEvolution); default
	// time.Now. Skew tests set it apart from the client's clock.
	Now func() time.Time
	// MaxSkew is how far in the future iat may be before 455; default
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// Seed drives Evolve's randomness; the same seed, initial account and
	// sequence of Evolve times give the same states. Default 1.
	Seed int64
	// Logger receives one debug line per request; default discards.
	Logger *slog.Logger

	// CallsPerHour is the simulated call arrival rate of every queue
	// without its own Queue.CallsPerHour. 0 (the default) gives no calls
	// there; see Evolve.
	CallsPerHour float64
	// Patience is the mean patience of the callers of every queue without
	// its own Queue.Patience: callers hang up after an exponential time
	// with this mean if nobody has answered them (the M/M/N+M model's
	// callers). 0 (the default) means 3 minutes.
	Patience time.Duration

	// Roles are the service account's roles (RoleOwner, RoleSupervisor...).
	// A method none of them allows answers 104, as the real service does
	// for a role-restricted account (see MethodRoles). Empty means Owner:
	// everything is allowed.
	Roles []string
	// ForbiddenMethods answer 104 whatever Roles say, for tests that only
	// want one method refused.
	ForbiddenMethods []string

	// Children, when set, are the account's child accounts as
	// GetChildrenAccounts reports them (StartFamily sets it).
	Children func() []ChildAccount
}

// DefaultMaxSkew is the iat tolerance when Config.MaxSkew is zero. The real
// tolerance is undocumented but small; the official clients back-date iat
// by 5 s, which this accepts.
const DefaultMaxSkew = 5 * time.Second

// closeWait bounds how long Close waits for handlers. Every wait in a
// handler also watches the close signal, so this is only a backstop.
const closeWait = 5 * time.Second

// maxBodyBytes bounds a request body; real parameters are tiny.
const maxBodyBytes = 1 << 20

// methodFunc answers one API method. It returns the whole JSON body
// (marshalled by the caller) or an API error.
type methodFunc func(s *Server, p *paramReader) (any, *apiError)

// methods is the routing table, by case-sensitive method name.
var methods = map[string]methodFunc{
	"GetUsers":    (*Server).getUsers,
	"GetQueues":   (*Server).getQueues,
	"GetACDState": (*Server).getACDState,

	"GetACDQueueStatistics": (*Server).getACDQueueStatistics,
	"GetApplications":       (*Server).getApplications,
	// SmartQueue (ACD v2), smartqueue*.go.
	"GetSQState":                   (*Server).getSQState,
	"GetSmartQueueRealtimeMetrics": (*Server).getSQMetrics,
}

// Server is the simulated Management API. It is an http.Handler; Start
// serves it on loopback.
type Server struct {
	cfg Config
	log *slog.Logger

	mu   sync.Mutex // guards acct, evo and claimedTotal
	acct Account
	evo  *evolver
	// claimedTotal, when positive, is the total_count GetUsers reports
	// whatever it matched: a server whose count lies (ClaimTotalCount).
	claimedTotal int

	faults faultQueue
	stats  statsRecorder
	track  tracker

	gate atomic.Pointer[chan struct{}] // SetGate's channel, or nil

	done      chan struct{} // closed by Close: wakes every waiting handler
	closeOnce sync.Once
	httpSrv   *http.Server
	served    chan struct{} // closed when httpSrv.Serve returns
	url       string
}

// NewServer returns a Server for cfg without listening; use it as an
// http.Handler (URL is then "") or call Start instead.
func NewServer(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = DefaultMaxSkew
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:  cfg,
		log:  logger,
		acct: cfg.Account.clone(),
		done: make(chan struct{}),
	}
	s.stats.reset()
	return s
}

// Start serves a new Server on 127.0.0.1 with an ephemeral port, like
// httptest.NewServer. Close it when done.
func Start(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("voxsim: listen on loopback: %w", err)
	}
	s := NewServer(cfg)
	s.httpSrv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.served = make(chan struct{})
	s.url = "http://" + ln.Addr().String() + "/platform_api/"
	go func() {
		defer close(s.served)
		_ = s.httpSrv.Serve(ln) // returns ErrServerClosed on Close
	}()
	return s, nil
}

// URL is the base URL, ending in "/platform_api/", to which a client
// appends the method name. It is "" for a Server made by NewServer.
func (s *Server) URL() string { return s.url }

// Close stops the listener, drops open connections, releases hung and
// delayed handlers and stops evolution. It waits for them, but never longer
// than a few seconds, so a misbehaving handler cannot wedge a test. Safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.httpSrv != nil {
			_ = s.httpSrv.Close()
			<-s.served
		}
		if !s.track.closeAndWait(closeWait) {
			s.log.Warn("voxsim: handlers still running after close", "wait", closeWait)
		}
	})
}

// now is the server clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// SetAccount replaces the whole account state.
func (s *Server) SetAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acct = a.clone()
	s.evo = nil // new population: evolution restarts from the new state
}

// Account returns a deep copy of the current account state.
func (s *Server) Account() Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct.clone()
}

// UpdateUsers lets a test mutate the users atomically (add, remove, rename
// between pages). fn gets the live slice under the server's lock and must
// not retain it; the slice it returns becomes the new user list.
func (s *Server) UpdateUsers(fn func(users []User) []User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acct.Users = cloneUsers(fn(s.acct.Users))
}

// ClaimTotalCount makes GetUsers report n as total_count whatever it
// matched, as a server with a wrong count would; 0 reports the truth again.
func (s *Server) ClaimTotalCount(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claimedTotal = n
}

// SetCalls replaces the calls in the queues, e.g. to build an exact
// GetACDState answer. They are taken verbatim; Evolve then animates them
// (and drops links that contradict the users' statuses, see Evolve).
func (s *Server) SetCalls(calls []Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acct.Calls = slices.Clone(calls)
	if s.evo != nil {
		s.evo.forgetCalls()
	}
}

// Calls returns a copy of the calls in the queues now.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acct.Calls)
}

// response is a complete answer, built before anything is written so that
// faults can truncate or replace it.
type response struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

const jsonType = "application/json; charset=utf-8"

func jsonResponse(body []byte) response {
	return response{status: http.StatusOK, contentType: jsonType, body: body}
}

// errorResponse is the API's error envelope, which comes with HTTP 200.
func errorResponse(e *apiError) response { return jsonResponse(e.envelope(true)) }

// ServeHTTP routes the API's two request forms: POST
// .../platform_api/<Method> (the Go, PHP, Java and .NET clients), and POST
// .../platform_api (or .../platform_api/) with the method name in a cmd
// parameter (the Python client's urlencoded body, the Node.js client's
// multipart body; the query string works too). When both are given the
// path wins. Paths outside /platform_api get a plain 404: they are not the
// API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.track.enter(false) {
		http.Error(w, "voxsim: server closed", http.StatusServiceUnavailable)
		return
	}
	defer s.track.leave(false)

	req := s.readRequest(w, r)
	s.stats.record(req)

	method := req.Method
	_, routed := apiMethod(r.URL.Path)
	switch {
	case !routed:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodPost:
		// The API is POST only.
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}

	f := s.faults.take(req)
	if f != nil {
		s.stats.fault()
	}
	delay := s.cfg.Latency
	if f != nil {
		delay += f.Latency
	}
	if !s.sleep(r.Context(), delay) || !s.passGate(r.Context()) {
		s.abandon(w, r)
		return
	}
	if f != nil && f.Hang {
		s.hang(w, r)
		return
	}

	var resp response
	switch {
	case f != nil && f.replacesAnswer():
		resp = f.response()
	case req.parseErr != nil:
		resp = errorResponse(req.parseErr)
	default:
		resp = s.answer(r, method, req)
	}
	s.log.Debug("voxsim request", "method", method, "status", resp.status, "fault", f != nil)
	if f != nil && f.ResetMidBody {
		resetMidBody(w, resp)
		return
	}
	writeResponse(w, resp)
}

// apiMethod extracts <Method> from .../platform_api/<Method>. routed is
// false for a path that is not the API's; a path ending in /platform_api
// or /platform_api/ is routed with method "" (the method is then in cmd).
func apiMethod(path string) (method string, routed bool) {
	const marker = "/platform_api"
	i := strings.LastIndex(path, marker)
	if i < 0 {
		return "", false
	}
	rest := path[i+len(marker):]
	if rest == "" {
		return "", true
	}
	m, ok := strings.CutPrefix(rest, "/")
	return m, ok && !strings.Contains(m, "/")
}

// answer authenticates and dispatches a request that no fault replaced.
// An unknown method is reported before authentication: the Ruby client
// treats 103 as "no such method", and it is the more useful error. A
// request naming no method at all (neither in the path nor in cmd) gets
// 103 too: the real service's answer to it is undocumented, and "no such
// method" is what a client that forgot cmd needs to hear.
func (s *Server) answer(r *http.Request, method string, req *Request) response {
	if method == "" {
		return errorResponse(errorf(CodeUnknownMethod, "No method given: name it in the path (/platform_api/<Method>) or in the 'cmd' parameter"))
	}
	fn, ok := methods[method]
	if !ok {
		return errorResponse(errorf(CodeUnknownMethod, "Unknown method '%s'", method))
	}
	if err := s.authenticate(req.Token); err != nil {
		s.stats.authFailure()
		return errorResponse(err)
	}
	if err := s.authorize(method); err != nil {
		return errorResponse(err)
	}
	params := &paramReader{v: req.Params}
	if err := checkParams(method, params); err != nil {
		return errorResponse(err)
	}
	body, apiErr := fn(s, params)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	return jsonResponse(mustJSON(body))
}

func writeResponse(w http.ResponseWriter, resp response) {
	for k, vs := range resp.header {
		w.Header()[k] = vs
	}
	if resp.contentType != "" {
		w.Header().Set("Content-Type", resp.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// readRequest records what the client sent. Parameters come from the query
// string, an urlencoded body or a multipart body, as the API accepts all
// three, merged with the body's values first so that a parameter in both
// takes the body's value; a body that cannot be parsed is kept as parseErr
// (code 101). The method is the path's, else the cmd parameter's.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) *Request {
	method, routed := apiMethod(r.URL.Path)
	req := &Request{
		HTTPMethod:  r.Method,
		Query:       r.URL.Query(),
		ContentType: r.Header.Get("Content-Type"),
		UserAgent:   r.UserAgent(),
		Time:        s.now(),
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		req.Token = strings.TrimSpace(tok)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	var err error
	if mt, _, _ := mime.ParseMediaType(req.ContentType); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		req.parseErr = errorf(CodeInvalidArgument, "Invalid request body: %v", err)
	}
	// r.Form puts urlencoded body values before the query's but multipart
	// values after them, so merge by hand: body (r.PostForm holds both
	// kinds) first, then the query.
	params := url.Values{}
	for k, vs := range r.PostForm {
		params[k] = append(params[k], vs...)
	}
	for k, vs := range req.Query {
		params[k] = append(params[k], vs...)
	}
	req.Params = params
	p := paramReader{v: params}
	if routed {
		req.Method = cmp.Or(method, p.str("cmd"))
	}
	req.Offset = intOr(p.str("offset"), 0)
	req.Count = intOr(p.str("count"), 20)
	return req
}

// intOr parses s, giving def when absent and -1 when unparsable so a test
// can see the client sent garbage.
func intOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// sleep waits d, or less if the client gives up or the server closes; it
// reports whether the full delay passed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// hang blocks until the client's context is done or the server closes.
func (s *Server) hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
	s.abandon(w, r)
}

// abandon drops the connection without an answer, as a server that died
// mid-request would. Without a hijackable connection (a ResponseRecorder)
// nothing is written and the recorder shows an empty 200.
func (s *Server) abandon(w http.ResponseWriter, r *http.Request) {
	if r.Context().Err() != nil {
		return // the client is gone already
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
}

// resetMidBody announces the full body, sends half of it and closes the
// connection, so the client sees an unexpected EOF while reading.
func resetMidBody(w http.ResponseWriter, resp response) {
	body := resp.body
	if len(body) < 2 {
		body = []byte(`{"result":[]}`)
	}
	half := body[:len(body)/2]
	hj, ok := w.(http.Hijacker)
	if !ok {
		// Declaring more than we write also makes net/http close the
		// connection; a ResponseRecorder simply shows the truncated body.
		w.Header().Set("Content-Type", resp.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(half)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeRawHead(buf, resp, len(body))
	_, _ = buf.Write(half)
	_ = buf.Flush()
}

func writeRawHead(buf *bufio.ReadWriter, resp response, length int) {
	fmt.Fprintf(buf.Writer, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	if resp.contentType != "" {
		fmt.Fprintf(buf.Writer, "Content-Type: %s\r\n", resp.contentType)
	}
	for k, vs := range resp.header {
		for _, v := range vs {
			fmt.Fprintf(buf.Writer, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf.Writer, "Content-Length: %d\r\nConnection: close\r\n\r\n", length)
}

// tracker counts running handlers and background loops so Close can wait
// for them, and refuses new ones once closed. Background loops do not count
// towards the in-flight request figures.
type tracker struct {
	mu          sync.Mutex
	requests    int
	background  int
	maxInFlight int
	closed      bool
	idle        chan struct{} // made by closeAndWait, closed when all is done
}

// enter registers a request (or, with background, a loop); false means the
// server is closed.
func (t *tracker) enter(background bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	if background {
		t.background++
	} else {
		t.requests++
		t.maxInFlight = max(t.maxInFlight, t.requests)
	}
	return true
}

func (t *tracker) leave(background bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if background {
		t.background--
	} else {
		t.requests--
	}
	t.signalIdle()
}

// signalIdle closes idle once closed and nothing runs; t.mu must be held.
func (t *tracker) signalIdle() {
	if t.idle == nil || t.requests+t.background > 0 {
		return
	}
	select {
	case <-t.idle:
	default:
		close(t.idle)
	}
}

func (t *tracker) inFlight() (now, maxSeen int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.requests, t.maxInFlight
}

func (t *tracker) resetMax() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.maxInFlight = t.requests
}

// closeAndWait refuses new work and waits up to d for running work to
// finish; it reports whether everything finished.
func (t *tracker) closeAndWait(d time.Duration) bool {
	t.mu.Lock()
	t.closed = true
	t.idle = make(chan struct{})
	t.signalIdle()
	idle := t.idle
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
		return true
	case <-timer.C:
		return false
	}
}

// SetGate makes every request that arrives from now on wait, before it is
// answered, until gate is closed (or the client gives up, or the server
// closes). Tests use it to hold a pass open until something has happened,
// instead of hoping a latency is long enough; nil removes the gate.
func (s *Server) SetGate(gate chan struct{}) {
	if gate == nil {
		s.gate.Store(nil)
		return
	}
	s.gate.Store(&gate)
}

// passGate waits for the gate, if any; false when the wait was cut short.
func (s *Server) passGate(ctx context.Context) bool {
	g := s.gate.Load()
	if g == nil {
		return true
	}
	select {
	case <-*g:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
