package voxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// decodeGetUsersStd is DecodeGetUsers with encoding/json, the reference the
// library is held to: plainly, with no pooled buffer and no presized page.
func decodeGetUsersStd(r io.Reader) (*GetUsersResponse, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty body")
	}
	var w getUsersWire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, err
	}
	if ae := w.apiError(); ae != nil {
		return nil, ae
	}
	return w.response()
}

// sameDecode fails t unless DecodeGetUsers (reading r) and encoding/json
// (on data) agree: both fail (with the same API error, if either gives one)
// or both succeed with deeply equal answers.
func sameDecode(t *testing.T, data []byte, r io.Reader) {
	t.Helper()
	sameDecodeAs(t, data, r, 0)
}

// sameDecodeAs is sameDecode for a page asked for with count, which the
// library's slice of users is made for.
func sameDecodeAs(t *testing.T, data []byte, r io.Reader, count int) {
	t.Helper()
	want, wantErr := decodeGetUsersStd(bytes.NewReader(data))
	got, gotErr := decodeGetUsersPage(r, count, false) // the library against encoding/json, without the balance alias
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("input %q:\ngoccy/go-json err: %v\nencoding/json err: %v", data, gotErr, wantErr)
	}
	var wantAE, gotAE *APIError
	if errors.As(wantErr, &wantAE) != errors.As(gotErr, &gotAE) {
		t.Fatalf("input %q: APIError mismatch:\ngoccy/go-json err: %v\nencoding/json err: %v", data, gotErr, wantErr)
	}
	if wantAE != nil && *wantAE != *gotAE {
		t.Fatalf("input %q: API error %+v, encoding/json %+v", data, *gotAE, *wantAE)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("input %q:\ngoccy/go-json: %+v\nencoding/json: %+v", data, got, want)
	}
}

// decodeCorpus covers the semantics DecodeGetUsers must share with
// encoding/json (it was written for the hand-written scanner that came
// before the library); it seeds the fuzz test and runs as a plain test.
var decodeCorpus = []string{
	`{"result":[{"user_id":1,"acd_status":"READY","acd_status_change_time":"2026-01-01 00:00:00"}],"total_count":1,"count":1}`,
	`{"error":{"code":100,"msg":"x"}}`,
	`{"errors":[{"code":101,"msg":"a"},{"code":2}]}`,
	`{"error":null,"errors":[null,{"code":3}],"result":[],"total_count":0}`,
	`{"result":[{"user_id":1,"skills":[{"skill_id":1}],"acd_queues":null}],"total_count":-5}`,
	`{"result":[],"total_count":0`,
	`{"result":[],"total_count":0} `,
	"\t\r\n {\"result\":[],\"total_count\":0}\n\n",
	`{"result":[],"total_count":0}x`,
	`{"result":[],"total_count":0}{}`,
	`{"result":[],"total_count":0}]`,
	`{"RESULT":[{"USER_ID":5,"User_Name":"k"}],"Total_Count":1,"ſkills":1}`,
	`{"result":[{"user_id":1,"skillſ":[{"ſkill_id":3,"sKill_name":"\u212a"}]}],"total_count":1}`,
	`{"result":[{"user_id":1,"user_name":"a"}],"result":[{"user_id":2}],"total_count":1}`,
	`{"result":[{"user_id":1},{"user_id":2,"user_name":"b"}],"result":[{"user_id":3}],"result":[{},{}],"total_count":2}`,
	`{"result":[{"skills":[{"skill_id":1,"skill_name":"x"},{"skill_id":2}],"skills":[{"skill_id":3}],"skills":[{},{}]}],"total_count":1}`,
	`{"result":null,"total_count":1}`,
	`{"result":[],"result":null,"total_count":1}`,
	`{"result":[],"total_count":null}`,
	`{"result":[],"total_count":1,"total_count":null}`,
	`{"result":[],"total_count":1,"count":2,"count":null}`,
	`{"result":[null,{"user_id":null,"user_name":null,"user_active":null,"live_balance":null,"skills":null}],"total_count":2}`,
	`{"result":[{"user_id":1.0}],"total_count":1}`,
	`{"result":[{"user_id":1e2}],"total_count":1}`,
	`{"result":[{"user_id":-0}],"total_count":1}`,
	`{"result":[{"user_id":9223372036854775807}],"total_count":1}`,
	`{"result":[{"user_id":9223372036854775808}],"total_count":1}`,
	`{"result":[{"user_id":-9223372036854775808}],"total_count":1}`,
	`{"result":[{"user_id":"1"}],"total_count":1}`,
	`{"result":[{"user_id":01}],"total_count":1}`,
	`{"result":[{"user_id":-}],"total_count":1}`,
	`{"result":[{"user_id":1.}],"total_count":1}`,
	`{"result":[{"user_id":1e}],"total_count":1}`,
	`{"result":[{"live_balance":1e400}],"total_count":1}`,
	`{"result":[{"live_balance":1e-400,"fixed_balance":-0.0,"balance":12.3456E+2}],"total_count":1}`,
	`{"result":[{"user_active":"true"}],"total_count":1}`,
	`{"result":[{"user_active":tru}],"total_count":1}`,
	`{"result":[{"user_active":true,"parent_accounting":false,"frozen":true,"frozen":null}],"total_count":1}`,
	`{"result":[{"user_name":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00"}],"total_count":1}`,
	`{"result":[{"user_name":"\ud83d","user_display_name":"\ud83d\u0041","user_custom_data":"\udc00\ud800"}],"total_count":1}`,
	"{\"result\":[{\"user_name\":\"\xff\xfe\",\"user_display_name\":\"a\xed\xa0\x80b\"}],\"total_count\":1}",
	"{\"result\":[{\"user_name\":\"a\x01\"}],\"total_count\":1}",
	`{"result":[{"user_name":"\x"}],"total_count":1}`,
	`{"result":[{"user_name":"\u12g4"}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":""}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":"2026-02-29 00:00:00","created":"2024-02-29 23:59:59","modified":"2026-11-28 9:05:07"}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":"2026-11-28 24:00:00","created":"2026-11-28 23:60:00","modified":"2026-11-28 23:00:60"}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":"2026-11-28 09:05:07.5","created":"0000-01-01 00:00:00"}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":"2026\u002d11-28 09:05:07","created":{"a":[1,2]},"modified":[null]}],"total_count":1}`,
	`{"result":[{"acd_status_change_time":12345,"created":true}],"total_count":1}`,
	`{"result":[{"applications":[{"application_id":1,"application_name":"a","modified":"2026-01-01 00:00:00","secure_record_storage":false}]}],"total_count":1}`,
	`{"result":[{"applications":{}}],"total_count":1}`,
	`{"result":[{"acd_queues":[{"acd_queue_id":1,"acd_queue_name":"q","auto_link":true},{"auto_link":null}]}],"total_count":1}`,
	`{"result":[{"skills":[1]}],"total_count":1}`,
	`{"result":{},"total_count":1}`,
	`{"result":"x","total_count":1}`,
	`{"error":"x"}`,
	`{"error":{"code":"x"}}`,
	`{"error":{"code":1.5,"msg":"m"}}`,
	`{"error":{},"result":[],"total_count":0}`,
	`{"error":{"code":1},"error":{"msg":"m"}}`,
	`{"errors":[{"code":1,"msg":"a"}],"errors":[{"code":2}]}`,
	`{"errors":{}}`,
	`{"errors":[1]}`,
	`{"unknown":{"a":[1,{"b":null}],"c":"\u0000"},"result":[],"total_count":0}`,
	`{"unknown":[1,]}`,
	`{"result":[],}`,
	`{,}`,
	`{"a" 1}`,
	`{"a":1 "b":2}`,
	`{1:2}`,
	`[]`,
	`null`,
	`"x"`,
	`123`,
	``,
	`   `,
	`<html><body>502 Bad Gateway</body></html>`,
	`{"result":[{"user_id":1`,
	`{"result":[{"user_name":"abc`,
	`{"result":[{"user_name":"abc\`,
	`{"result":[{"user_name":"abc\u12`,
	`"\0\"`, // an escape at the very end of the input
	`{"result":[],"total_count":0}` + "\x00",
	`{"\u0072esult":[],"total_count":0}`,
	`{"result":[],"total_count":0,"count":"2"}`,
	`{"result":[],"total_count":0,"count":2}`,
}

func TestDecodeGetUsersMatchesEncodingJSON(t *testing.T) {
	for _, in := range decodeCorpus {
		sameDecode(t, []byte(in), strings.NewReader(in))
		// A body that arrives a byte at a time, or with its last bytes.
		sameDecode(t, []byte(in), iotest.OneByteReader(strings.NewReader(in)))
		sameDecode(t, []byte(in), iotest.DataErrReader(strings.NewReader(in)))
		// Into a slice made for a page of 1 and of 100 users.
		sameDecodeAs(t, []byte(in), strings.NewReader(in), 1)
		sameDecodeAs(t, []byte(in), strings.NewReader(in), 100)
	}
}

func TestDecodeGetUsersNestingLimit(t *testing.T) {
	for _, depth := range []int{9998, 9999, 10000, 10001} {
		in := `{"result":[],"total_count":0,"x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
		sameDecode(t, []byte(in), strings.NewReader(in))
	}
}

// TestDecodeGetUsersLongStrings: strings longer than the library's 64 KiB
// scratch buffer for unescaping, with and without escapes, and a number of
// 18 digits.
func TestDecodeGetUsersLongStrings(t *testing.T) {
	const n = 3 * 64 << 10
	long := strings.Repeat("é", n)
	in := fmt.Sprintf(`{"result":[{"user_id":1,"user_name":%q,"user_display_name":"%s\n","user_custom_data":"%s"}],"total_count":1,"count":%s}`,
		long, strings.Repeat(`\u00e9`, n), strings.Repeat("x", n), "1"+strings.Repeat("0", 17))
	sameDecode(t, []byte(in), strings.NewReader(in))
	sameDecode(t, []byte(in), iotest.HalfReader(strings.NewReader(in)))
	resp, err := DecodeGetUsers(strings.NewReader(in))
	if err != nil || resp.Result[0].UserName != long || resp.Count != 1e17 {
		t.Fatalf("long strings decoded wrong: %v", err)
	}
}

// TestDecodeGetUsersReadErrors: a failing body surfaces the reader's error,
// so that the client can tell a too-large or broken body from bad JSON.
func TestDecodeGetUsersReadErrors(t *testing.T) {
	body := `{"result":[{"user_id":1,"user_name":"ann"}],"total_count":1}   `
	for n := 0; n <= len(body); n++ {
		// Reading stops at EOF; the limit trips when EOF is not reached
		// within it, which is the case for every n <= len(body).
		lr := &limitedReader{r: strings.NewReader(body), left: int64(n)}
		if _, err := DecodeGetUsers(lr); !errors.Is(err, errBodyTooLarge) {
			t.Fatalf("limit %d: err = %v, want errBodyTooLarge", n, err)
		}
	}
	lr := &limitedReader{r: strings.NewReader(body), left: int64(len(body)) + 1}
	if resp, err := DecodeGetUsers(lr); err != nil || len(resp.Result) != 1 {
		t.Fatalf("within the limit: %v", err)
	}
	boom := errors.New("connection reset by peer")
	_, err := DecodeGetUsers(io.MultiReader(strings.NewReader(body), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v after the answer, want the read error", err)
	}
}

// FuzzDecodeGetUsersDifferential holds DecodeGetUsers to encoding/json on
// any input.
func FuzzDecodeGetUsersDifferential(f *testing.F) {
	for _, in := range decodeCorpus {
		f.Add([]byte(in))
	}
	f.Add(simBody(f, 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode(t, data, bytes.NewReader(data))
		sameDecode(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		sameDecodeAs(t, data, bytes.NewReader(data), 2)
	})
}

// simBodies caches voxsim's GetUsers answers by size.
var simBodies sync.Map

// simBody is one GetUsers answer of voxsim for a generated account of n
// users (one application, skills and queues), as the exporter asks for it.
func simBody(tb testing.TB, n int) []byte {
	tb.Helper()
	if b, ok := simBodies.Load(n); ok {
		return b.([]byte)
	}
	creds := voxsim.NewTestCredentials(simAccount)
	acct := voxsim.Generate(voxsim.GenConfig{Users: n, Apps: 1, Skills: 5, Queues: 4, Seed: 1,
		Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	srv, err := voxsim.Start(voxsim.Config{Credentials: creds, Account: acct})
	if err != nil {
		tb.Fatal(err)
	}
	defer srv.Close()
	c, err := ParseCredentials(creds.JSON(), "test credentials")
	if err != nil {
		tb.Fatal(err)
	}
	var body []byte
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, err
	})
	client, err := NewClient(Options{BaseURL: srv.URL(), Credentials: c, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := client.GetUsers(context.Background(), GetUsersParams{ApplicationID: acct.Apps[0].ID, WithSkills: true, WithQueues: true,
		OrderBy: "user_id", Count: n})
	if err != nil || len(resp.Result) != n {
		tb.Fatalf("voxsim answer: %v", err)
	}
	simBodies.Store(n, body)
	return body
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDecodeGetUsersOnSimulatorAnswers(t *testing.T) {
	for _, n := range []int{1, 100, 1000} {
		body := simBody(t, n)
		sameDecode(t, body, bytes.NewReader(body))
		sameDecode(t, body, iotest.HalfReader(bytes.NewReader(body)))
		sameDecodeAs(t, body, bytes.NewReader(body), n)
		sameDecodeAs(t, body, bytes.NewReader(body), 10*n)
		// A page of the size asked for fills the slice made for it; one
		// far shorter does not keep the room for the missing users.
		if resp, err := decodeGetUsersPage(bytes.NewReader(body), n, true); err != nil || cap(resp.Result) != n {
			t.Errorf("%d users asked for and got: cap %d, %v", n, cap(resp.Result), err)
		}
		if resp, err := decodeGetUsersPage(bytes.NewReader(body), 10*n, true); err != nil || cap(resp.Result) > 2*n+16 {
			t.Errorf("%d users of %d asked for: cap %d, %v", n, 10*n, cap(resp.Result), err)
		}
	}
}
