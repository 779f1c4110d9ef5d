package voxapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sync"

	gojson "github.com/goccy/go-json"
)

// wireError is the API's error object: {"code": N, "msg": "..."}.
type wireError struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

// envelope carries the error object that any method's answer may hold
// instead of (or beside) its result. Response decoders embed it.
type envelope struct {
	Error  *wireError  `json:"error"`
	Errors []wireError `json:"errors"`
}

// apiError turns an envelope's error into an *APIError, or nil. Some answers
// carry only the errors array; the first entry then stands for the call.
func (e *envelope) apiError() *APIError {
	w := e.Error
	if w == nil && len(e.Errors) > 0 {
		w = &e.Errors[0]
	}
	if w == nil {
		return nil
	}
	return &APIError{Code: w.Code, Message: w.Msg}
}

// decodeJSON decodes one JSON answer from r into v with goccy/go-json and
// rejects trailing data other than white space, so that two concatenated
// answers are not taken for one. The library decodes as encoding/json does
// (case-insensitive keys, null leaving a value alone, a value of the wrong
// type failing the answer once the rest is known to be valid JSON) at about
// the speed of the hand-written scanner it replaced: the figures are in
// BENCHMARKS.md, "GetUsers decoding: library choice".
func decodeJSON(r io.Reader, v any) error {
	return decodeJSONWith(r, v, gojson.Unmarshal)
}

// unmarshalFunc is a JSON library's Unmarshal: it decodes exactly one JSON
// value, with nothing but white space after it.
type unmarshalFunc func(data []byte, v any) error

// maxPooledBody is the largest body buffer kept for reuse. A page at the
// server's cap of 100 users is about 75 kB; a rare far larger answer (up to
// the client's response size limit, which bounds every read) is not kept
// alive by the pool after it has been decoded.
const maxPooledBody = 4 << 20

// bodyPool holds the buffers that answers are read into: the library
// decodes from memory, and a scrape reads many pages of about the same size.
// Nothing decoded refers to a buffer (the library copies its input and every
// string), so a buffer is reused as soon as its answer is decoded.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decodeJSONWith reads all of r into a pooled buffer and decodes it into v
// with unmarshal.
func decodeJSONWith(r io.Reader, v any, unmarshal unmarshalFunc) error {
	buf := bodyPool.Get().(*bytes.Buffer)
	defer putBody(buf)
	return readAndUnmarshal(r, buf, v, unmarshal)
}

// readAndUnmarshal reads all of r into buf and decodes it into v with
// unmarshal. A read error (the response size limit, a reset) is returned as
// it is, so that the client can tell it from bad JSON.
func readAndUnmarshal(r io.Reader, buf *bytes.Buffer, v any, unmarshal unmarshalFunc) error {
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return errors.New("empty body")
	}
	return unmarshal(buf.Bytes(), v)
}

// putBody returns buf to the pool unless an answer far larger than a page
// grew it.
func putBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		buf.Reset()
		bodyPool.Put(buf)
	}
}

// decodeAnswer decodes one answer into w and returns the API error its
// envelope carries, if any: the part every method's decoder shares.
func decodeAnswer(r io.Reader, w interface{ apiError() *APIError }) error {
	if err := decodeJSON(r, w); err != nil {
		return err
	}
	if ae := w.apiError(); ae != nil {
		return ae
	}
	return nil
}

// sniffErrorEnvelope reads an error-status body and reports the API error
// it carries, if it is the API's envelope at all (it may be HTML from a
// proxy).
func sniffErrorEnvelope(r io.Reader) (wireError, bool) {
	var env envelope
	if json.NewDecoder(r).Decode(&env) != nil {
		return wireError{}, false
	}
	if ae := env.apiError(); ae != nil {
		return wireError{Code: ae.Code, Msg: ae.Message}, true
	}
	return wireError{}, false
}

// getUsersWire is GetUsers' answer as it arrives.
type getUsersWire struct {
	envelope
	Result     *[]User `json:"result"`
	TotalCount *int64  `json:"total_count"`
	Count      *int64  `json:"count"`
}

// DecodeGetUsers reads one GetUsers answer. An error envelope becomes an
// *APIError; an answer without result or total_count is an error, since a
// page that cannot say how many users exist cannot be paged safely.
//
// It reads the answer to a request that left return_live_balance at its
// default (true), so balance stands for live_balance where that is absent.
func DecodeGetUsers(r io.Reader) (*GetUsersResponse, error) {
	return decodeGetUsersPage(r, 0, true)
}

// decodeGetUsersPage is DecodeGetUsers for a page asked for with count;
// balanceIsLive says the request did not send return_live_balance=false.
func decodeGetUsersPage(r io.Reader, count int, balanceIsLive bool) (*GetUsersResponse, error) {
	resp, err := decodeGetUsersWith(r, gojson.Unmarshal, count)
	if err == nil && balanceIsLive {
		balanceAsLive(resp.Result)
	}
	return resp, err
}

// balanceAsLive gives each user without live_balance its balance as the
// live balance: balance is an alias of live_balance unless the request
// sent return_live_balance=false (API-NOTES.md, "GetUsers specifics").
func balanceAsLive(users []User) {
	for i := range users {
		if u := &users[i]; u.LiveBalance == nil && u.Balance != nil {
			u.LiveBalance = u.Balance
		}
	}
}

// maxPresizedUsers bounds the users a page's slice is allocated for before
// it is decoded, whatever count was asked for.
const maxPresizedUsers = 1000

// decodeGetUsersWith is DecodeGetUsers with a JSON library's Unmarshal, for
// a page asked for with count (0 when unknown). The users are decoded into a
// slice made for count of them: a library grows a slice of unknown length by
// doubling, which for pages of 100 users was about a quarter of the bytes
// allocated per scrape (BENCHMARKS.md, "GetUsers decoding: library choice").
func decodeGetUsersWith(r io.Reader, unmarshal unmarshalFunc, count int) (*GetUsersResponse, error) {
	var w getUsersWire
	if count > 0 {
		users := make([]User, 0, min(count, maxPresizedUsers))
		w.Result = &users
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	defer putBody(buf)
	if err := readAndUnmarshal(r, buf, &w, unmarshal); err != nil {
		return nil, err
	}
	if w.Result != nil && len(*w.Result) == 0 && count > 0 {
		// "result":[] and no "result" at all both leave the presized slice
		// empty: decode the answer again without it to tell them apart.
		w = getUsersWire{}
		if err := unmarshal(buf.Bytes(), &w); err != nil {
			return nil, err
		}
	}
	if ae := w.apiError(); ae != nil {
		return nil, ae
	}
	if w.Result != nil && cap(*w.Result) > 2*len(*w.Result)+16 {
		// A short last page: the users stay in the snapshot, the room for
		// the missing ones need not.
		*w.Result = slices.Clone(*w.Result)
	}
	return w.response()
}

// response checks that a decoded answer says what a page must say.
func (w *getUsersWire) response() (*GetUsersResponse, error) {
	if w.Result == nil {
		return nil, errors.New(`answer has no "result"`)
	}
	if w.TotalCount == nil {
		return nil, errors.New(`answer has no "total_count"`)
	}
	resp := &GetUsersResponse{Result: *w.Result, TotalCount: *w.TotalCount}
	resp.Count = int64(len(resp.Result))
	if w.Count != nil {
		resp.Count = *w.Count
	}
	return resp, nil
}
