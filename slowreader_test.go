package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// gatherAll is sv's process-wide registry, by family name.
func gatherAll(t *testing.T, sv *serving) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := sv.global.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// TestClientThatNeverReadsLosesItsSlot: with --web.max-requests=1, a client
// that asks for /metrics and never reads a page larger than the socket
// buffers held the only slot for as long as it stayed connected, and every
// other scrape got 503. The write deadline (twice the scrape timeout)
// ends its request, and the next scrape is served.
func TestClientThatNeverReadsLosesItsSlot(t *testing.T) {
	const timeout = 3 * time.Second
	sv := newTestServing(t, 6000, &config{timeout: timeout, maxRequests: 1}) // per-user series: about 25 MB of text
	srv := httptest.NewServer(sv.handler)
	t.Cleanup(srv.Close)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.(*net.TCPConn).SetReadBuffer(4 << 10); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("GET /metrics HTTP/1.1\r\nHost: exporter\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	// Never read from conn. First the stuck request takes the slot (no
	// other request is in flight yet) and holds it...
	testkit.WaitFor(t, 30*time.Second, "the non-reading client's request never arrived", func() bool {
		v, _ := testkit.Families(gatherAll(t, sv)).Value("promhttp_metric_handler_requests_in_flight")
		return v == 1
	})
	if resp, err := http.Get(srv.URL + "/metrics"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a scrape beside the stuck one: %v %v, want 503", resp, err)
	} else {
		resp.Body.Close()
	}
	held := time.Now()
	// ...then loses it to its write deadline, 2 × 3 s after it began.
	testkit.WaitFor(t, 30*time.Second, "the non-reading client kept the only slot", func() bool {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	t.Logf("slot freed %s after it was seen held", time.Since(held).Round(100*time.Millisecond))
}
