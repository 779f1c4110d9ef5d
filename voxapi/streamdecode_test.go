package voxapi

import (
	"bytes"
	"context"
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

// sameDecode fails t unless the streaming decoder and encoding/json agree on
// data: both fail (with the same API error, if either gives one) or both
// succeed with deeply equal answers.
func sameDecode(t *testing.T, data []byte, r io.Reader) {
	t.Helper()
	want, wantErr := decodeGetUsersJSON(bytes.NewReader(data))
	got, gotErr := decodeGetUsersStream(r)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("input %q:\nstream err: %v\nencoding/json err: %v", data, gotErr, wantErr)
	}
	var wantAE, gotAE *APIError
	if errors.As(wantErr, &wantAE) != errors.As(gotErr, &gotAE) {
		t.Fatalf("input %q: APIError mismatch:\nstream err: %v\nencoding/json err: %v", data, gotErr, wantErr)
	}
	if wantAE != nil && *wantAE != *gotAE {
		t.Fatalf("input %q: API error %+v, encoding/json %+v", data, *gotAE, *wantAE)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("input %q:\nstream:        %+v\nencoding/json: %+v", data, got, want)
	}
}

// decodeCorpus covers the semantics the streaming decoder must share with
// encoding/json; it seeds the fuzz test and runs as a plain test.
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
	`"\0\"`, // an escape at the end of the buffer after a refill moved the string
	`{"result":[],"total_count":0}` + "\x00",
	`{"\u0072esult":[],"total_count":0}`,
	`{"result":[],"total_count":0,"count":"2"}`,
	`{"result":[],"total_count":0,"count":2}`,
}

func TestStreamDecoderMatchesEncodingJSON(t *testing.T) {
	for _, in := range decodeCorpus {
		sameDecode(t, []byte(in), strings.NewReader(in))
		// The same byte by byte, so that every token straddles a refill.
		sameDecode(t, []byte(in), iotest.OneByteReader(strings.NewReader(in)))
		sameDecode(t, []byte(in), iotest.DataErrReader(strings.NewReader(in)))
	}
}

func TestStreamDecoderNestingLimit(t *testing.T) {
	for _, depth := range []int{9998, 9999, 10000} {
		in := `{"result":[],"total_count":0,"x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
		sameDecode(t, []byte(in), strings.NewReader(in))
	}
}

func TestStreamDecoderLongTokens(t *testing.T) {
	long := strings.Repeat("é", 3*decodeBufSize)
	in := fmt.Sprintf(`{"result":[{"user_id":1,"user_name":%q,"user_display_name":"%s\n"}],"total_count":1,"count":%s}`,
		long, strings.Repeat(`\u00e9`, decodeBufSize), "1"+strings.Repeat("0", 17))
	sameDecode(t, []byte(in), strings.NewReader(in))
	sameDecode(t, []byte(in), iotest.HalfReader(strings.NewReader(in)))
}

// TestStreamDecoderReadErrors: a failing body surfaces the reader's error,
// so that the client can tell a too-large or broken body from bad JSON.
func TestStreamDecoderReadErrors(t *testing.T) {
	body := `{"result":[{"user_id":1,"user_name":"ann"}],"total_count":1}   `
	for n := 0; n <= len(body); n++ {
		lr := &limitedReader{r: strings.NewReader(body), left: int64(n)}
		_, err := decodeGetUsersStream(lr)
		if n <= len(body) && !errors.Is(err, errBodyTooLarge) {
			// Reading stops at EOF; the limit only trips if EOF is not
			// reached within it, which is the case for every n <= len.
			t.Fatalf("limit %d: err = %v, want errBodyTooLarge", n, err)
		}
	}
	boom := errors.New("connection reset by peer")
	_, err := decodeGetUsersStream(io.MultiReader(strings.NewReader(body), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v after the answer, want the read error", err)
	}
}

// FuzzDecodeGetUsersDifferential holds the streaming decoder to
// encoding/json on any input.
func FuzzDecodeGetUsersDifferential(f *testing.F) {
	for _, in := range decodeCorpus {
		f.Add([]byte(in))
	}
	f.Add(simBody(f, 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode(t, data, bytes.NewReader(data))
		sameDecode(t, data, iotest.OneByteReader(bytes.NewReader(data)))
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

func TestStreamDecoderOnSimulatorAnswers(t *testing.T) {
	for _, n := range []int{1, 100, 1000} {
		body := simBody(t, n)
		sameDecode(t, body, bytes.NewReader(body))
		sameDecode(t, body, iotest.HalfReader(bytes.NewReader(body)))
	}
}

// BenchmarkDecodeGetUsers compares encoding/json with the streaming
// decoder on voxsim's answers (one page holding every user).
func BenchmarkDecodeGetUsers(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		body := simBody(b, n)
		for _, dec := range []struct {
			name string
			fn   func(io.Reader) (*GetUsersResponse, error)
		}{{"encoding-json", decodeGetUsersJSON}, {"stream", decodeGetUsersStream}} {
			b.Run(fmt.Sprintf("users=%d/%s", n, dec.name), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := dec.fn(bytes.NewReader(body)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
