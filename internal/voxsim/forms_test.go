package voxsim

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// formRequest is one HTTP request in one of the official clients' forms.
type formRequest struct {
	name  string
	path  string // appended to the server's base (".../platform_api")
	query url.Values
	body  url.Values
	multi bool // multipart/form-data body (Node.js), else urlencoded (Python)
}

// send posts fr with token ("" for none) over real HTTP and decodes the
// answer, failing unless it is HTTP 200 with a JSON body.
func (fr formRequest) send(t *testing.T, h *harness, token string) map[string]any {
	t.Helper()
	target := strings.TrimSuffix(h.srv.URL(), "/platform_api/") + fr.path
	if len(fr.query) > 0 {
		target += "?" + fr.query.Encode()
	}
	var body io.Reader
	ctype := ""
	switch {
	case fr.multi:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range fr.body {
			for _, v := range vs {
				if err := mw.WriteField(k, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		body, ctype = &buf, mw.FormDataContentType()
	case fr.body != nil:
		body, ctype = strings.NewReader(fr.body.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(http.MethodPost, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s, want 200", fr.name, resp.StatusCode, b)
	}
	return decode(t, b)
}

// TestRequestForms: every form the official clients send reaches the
// method, with the same authentication, and body parameters win over the
// query's.
func TestRequestForms(t *testing.T) {
	h := newHarness(t, nil)
	// application 10 by user_id: 1, 3, 5. count=1 in the query, 2 in the
	// body: the body's must win where both are sent.
	params := vals("application_id", "10", "order_by", "user_id", "count", "2")
	withCmd := vals("cmd", "GetUsers", "application_id", "10", "order_by", "user_id", "count", "2")
	forms := []formRequest{
		{name: "path, urlencoded", path: "/platform_api/GetUsers", body: params},
		{name: "path, multipart", path: "/platform_api/GetUsers", body: params, multi: true},
		{name: "path, query only", path: "/platform_api/GetUsers", query: params},
		{name: "cmd, urlencoded (Python)", path: "/platform_api", body: withCmd},
		{name: "cmd, urlencoded, trailing slash", path: "/platform_api/", body: withCmd},
		{name: "cmd, multipart (Node.js)", path: "/platform_api", body: withCmd, multi: true},
		{name: "cmd, multipart, trailing slash", path: "/platform_api/", body: withCmd, multi: true},
		{name: "cmd in the query", path: "/platform_api", query: withCmd},
		{name: "cmd in the query, params in the body", path: "/platform_api", query: vals("cmd", "GetUsers"), body: params},
		{name: "urlencoded body wins over query", path: "/platform_api", query: vals("count", "1", "application_id", "99"), body: withCmd},
		{name: "multipart body wins over query", path: "/platform_api", query: vals("count", "1", "application_id", "99"), body: withCmd, multi: true},
		{name: "path wins over cmd", path: "/platform_api/GetUsers", body: vals("cmd", "GetQueues", "application_id", "10", "order_by", "user_id", "count", "2")},
	}
	for _, fr := range forms {
		m := fr.send(t, h, h.token)
		if got := userIDs(t, m); !slices.Equal(got, []int64{1, 3}) {
			t.Errorf("%s: users %v, want [1 3] (%v)", fr.name, got, m)
		}
		if got := h.srv.Requests(); got[len(got)-1].Method != "GetUsers" {
			t.Errorf("%s: recorded method %q, want GetUsers", fr.name, got[len(got)-1].Method)
		}
		// The Authorization header is verified the same way in every form.
		if code := errorCode(t, fr.send(t, h, "")); code != CodeAuthFailed {
			t.Errorf("%s without a token: code %d, want %d", fr.name, code, CodeAuthFailed)
		}
		if code := errorCode(t, fr.send(t, h, "not.a.token")); code != CodeInvalidTokenFormat {
			t.Errorf("%s with a malformed token: code %d, want %d", fr.name, code, CodeInvalidTokenFormat)
		}
	}

	// Unknown methods and requests naming none: the error envelope, HTTP
	// 200 (send fails on any other status), code 103.
	for _, fr := range []formRequest{
		{name: "unknown cmd, urlencoded", path: "/platform_api", body: vals("cmd", "GetUser")},
		{name: "unknown cmd, multipart", path: "/platform_api/", body: vals("cmd", "getusers"), multi: true},
		{name: "unknown path method", path: "/platform_api/GetUserz", body: vals("application_id", "10")},
		{name: "no method, urlencoded", path: "/platform_api", body: vals("application_id", "10")},
		{name: "no method, multipart", path: "/platform_api/", body: vals("application_id", "10"), multi: true},
		{name: "no method, no body", path: "/platform_api"},
		{name: "empty cmd", path: "/platform_api", body: vals("cmd", "")},
	} {
		m := fr.send(t, h, h.token)
		if code := errorCode(t, m); code != CodeUnknownMethod {
			t.Errorf("%s: %v, want code %d", fr.name, m, CodeUnknownMethod)
		}
		if e, _ := m["error"].(map[string]any); e["msg"] == "" || e["msg"] == nil {
			t.Errorf("%s: error without a message: %v", fr.name, m)
		}
	}
}
