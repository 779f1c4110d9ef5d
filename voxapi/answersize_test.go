package voxapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// usersPage is a valid GetUsers answer of n users whose names pad it to
// about bytes in all.
func usersPage(n, bytes int) []byte {
	var b strings.Builder
	b.WriteString(`{"result":[`)
	pad := strings.Repeat("x", max(0, bytes/n-40))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"user_id":%d,"user_name":"%s"}`, 1001+i, pad)
	}
	fmt.Fprintf(&b, `],"total_count":%d,"count":%d}`, n, n)
	return []byte(b.String())
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// answering serves body (gzip-encoded when gz) to every request, and
// counts the requests and those that asked for gzip.
func answering(t *testing.T, body []byte, gz bool, mod func(*Options)) (*Client, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	var requests, askedGzip atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Accept-Encoding") == "gzip" {
			askedGzip.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		if gz {
			w.Header().Set("Content-Encoding", "gzip")
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return newClientFor(t, srv.URL+"/", voxsim.NewTestCredentials(simAccount).JSON(), mod), &requests, &askedGzip
}

// TestPageLimitFollowsPageSize: a GetUsers answer may hold 64 KiB plus
// MaxBytesPerUser for each user asked for, not MaxResponseBytes (64 MiB):
// the same 200 kB answer is too large for a page of 10 and fine for one of
// 100, and a too-large answer is not retried.
func TestPageLimitFollowsPageSize(t *testing.T) {
	page := usersPage(10, 200<<10)
	c, requests, _ := answering(t, page, false, func(o *Options) { o.MaxBytesPerUser = 2 << 10 })
	_, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, Count: 10}) // limit 84 KiB
	var de *DecodeError
	if !errors.As(err, &de) || !de.TooLarge {
		t.Fatalf("200 kB for a page of 10: err %v, want too large", err)
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests, want the too-large answer not retried", requests.Load())
	}
	if resp, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, Count: 100}); err != nil || len(resp.Result) != 10 { // limit 264 KiB
		t.Errorf("200 kB for a page of 100: %v", err)
	}
}

// TestGzipAskedAndBounded: the client asks for gzip and inflates it
// itself; the limit counts inflated bytes, so a small bomb that inflates
// to 8 MiB (five times a page of 100's limit, an eighth of the former
// 64 MiB bound) is refused for its size, not read whole.
func TestGzipAskedAndBounded(t *testing.T) {
	page := usersPage(5, 4<<10)
	c, _, asked := answering(t, gzipped(t, page), true, nil)
	resp, err := c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, Count: 5})
	if err != nil || len(resp.Result) != 5 || resp.Result[4].UserID != 1005 {
		t.Fatalf("gzip answer: %v", err)
	}
	if asked.Load() != 1 {
		t.Errorf("the request did not send Accept-Encoding: gzip")
	}

	bomb := append([]byte(`{"result":[`), bytes.Repeat([]byte(" "), 8<<20)...)
	z := gzipped(t, bomb)
	if len(z) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed", len(z))
	}
	c, requests, _ := answering(t, z, true, nil)
	_, err = c.GetUsers(context.Background(), GetUsersParams{ApplicationID: 1, Count: 100})
	var de *DecodeError
	if !errors.As(err, &de) || !de.TooLarge {
		t.Fatalf("gzip bomb: err %v, want too large", err)
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests, want the bomb not retried", requests.Load())
	}
}
