package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// replay answers GetUsers from answers recorded off voxsim, by offset, so
// that a benchmark measures the exporter alone: the real client, pager,
// decoder, aggregation and exposition, with no simulator and no network.
type replay struct {
	pages map[int][]byte
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	off, _ := strconv.Atoi(v.Get("offset"))
	page, ok := r.pages[off]
	if !ok {
		return nil, fmt.Errorf("no recorded page at offset %d", off)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(page)), Request: req}, nil
}

// recordTransport keeps every answer's body by the request's offset.
type recordTransport struct {
	mu    sync.Mutex
	pages map[int][]byte
}

func (t *recordTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	v, _ := url.ParseQuery(string(body))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	off, _ := strconv.Atoi(v.Get("offset"))
	t.mu.Lock()
	t.pages[off] = page
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(page))
	return resp, err
}

var recorded sync.Map // users -> *benchAccount

type benchAccount struct {
	pages map[int][]byte
	app   voxapi.AppSelector
	creds *voxapi.Credentials
}

// recordAccount records one full read of a generated account of n users
// (one application, 5 skills, 4 queues) at pages of 100, the server cap.
func recordAccount(b *testing.B, n int) *benchAccount {
	if a, ok := recorded.Load(n); ok {
		return a.(*benchAccount)
	}
	creds := voxsim.NewTestCredentials(4242)
	acct := voxsim.Generate(voxsim.GenConfig{Users: n, Apps: 1, Skills: 5, Queues: 4, Seed: 1,
		Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	sim, err := voxsim.Start(voxsim.Config{Credentials: creds, Account: acct, MaxCount: 100})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	c, err := voxapi.ParseCredentials(creds.JSON(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	rec := &recordTransport{pages: map[int][]byte{}}
	client, err := voxapi.NewClient(voxapi.Options{BaseURL: sim.URL(), Credentials: c, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		b.Fatal(err)
	}
	app := voxapi.AppSelector{ID: acct.Apps[0].ID}
	// With the total known, every page is recorded at its planned offset.
	users, _, err := client.GetAllUsers(context.Background(), app, voxapi.PageOptions{PageSize: 100, Concurrency: 10,
		Hint: voxapi.PageStats{TotalCount: n}})
	if err != nil || len(users) != n {
		b.Fatalf("recording %d users: %d, %v", n, len(users), err)
	}
	a := &benchAccount{pages: rec.pages, app: app, creds: c}
	recorded.Store(n, a)
	return a
}

// BenchmarkScrape is the exporter's CPU and memory per scrape, from API
// answers to exposition text: a steady-state pass (planned paging, token
// cached) of the client, pager and decoder over recorded voxsim answers,
// aggregation, and the text exposition exactly as /metrics writes it
// (Exporter.WriteTo: the aggregates through a registry, per-user families
// streamed).
func BenchmarkScrape(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		a := recordAccount(b, n)
		for _, mode := range []struct {
			name  string
			users bool
		}{
			{"users=off", false},
			{"users=on", true},
		} {
			b.Run(fmt.Sprintf("accounts=%d/%s", n, mode.name), func(b *testing.B) {
				client, err := voxapi.NewClient(voxapi.Options{BaseURL: "http://replay.invalid/", Credentials: a.creds,
					HTTPClient: &http.Client{Transport: &replay{pages: a.pages}}, MaxConcurrentRequests: 10})
				if err != nil {
					b.Fatal(err)
				}
				exp, err := New(Config{API: client, Apps: []voxapi.AppSelector{a.app}, PageSize: 100,
					Collectors: []Collector{NewUsers(Settings{PerUser: mode.users})}})
				if err != nil {
					b.Fatal(err)
				}
				var out countingWriter
				scrape := func() {
					if err := exp.WriteTo(context.Background(), &out, expfmt.FmtText); err != nil {
						b.Fatal(err)
					}
				}
				scrape() // first pass: learn the total and cap, mint the token
				out.n = 0
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := processCPU()
				for b.Loop() {
					scrape()
				}
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(out.n)/float64(b.N), "text-B/op")
			})
		}
	}
}

// processCPU is the process's user and system CPU time so far, in ns: with
// pages decoded in parallel (and the GC), CPU per scrape exceeds its wall
// time on a multi-core machine.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
