//go:build soak

// Command soak scrapes the exporter's collector 20,000 times against voxsim
// with a fault injected into 10% of API requests, and reports heap and
// goroutines at the start and the end, and the scrapes whose voximplant_up
// was 1 but whose numbers were wrong (which must be none). The account is
// static, so the right numbers are known. Run it with `make soak`.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

func main() {
	scrapes := flag.Int("scrapes", 20000, "scrapes to make")
	faultRate := flag.Float64("fault-rate", 0.10, "share of API requests given a fault")
	users := flag.Int("users", 150, "operators in the simulated account")
	timeout := flag.Duration("scrape-timeout", 2*time.Second, "deadline of one scrape")
	seed := flag.Uint64("seed", 6, "seed of the fault draw")
	flag.Parse()
	os.Exit(run(*scrapes, *faultRate, *users, *timeout, *seed))
}

// faults are drawn from uniformly for a faulted request.
var faults = []voxsim.Fault{
	{Method: "GetUsers", Code: voxapi.CodeInternal},        // retryable
	{Method: "GetUsers", Code: voxapi.CodeTryLater},        // retryable
	{Method: "GetUsers", Code: voxapi.CodeForbidden},       // fails the scrape
	{Method: "GetUsers", Code: voxapi.CodeAuthFailed},      // re-mint once
	{Method: "GetUsers", Code: voxapi.CodeTokenExpired},    // re-mint once
	{Method: "GetUsers", HTTPStatus: 503},                  // proxy HTML
	{Method: "GetUsers", HTTPStatus: 429, RetryAfter: "0"}, // throttled
	{Method: "GetUsers", ResetMidBody: true},               // connection dropped
	{Method: "GetUsers", Body: []byte(`{"result":[{"user_id":1,`)},
	{Method: "GetUsers", Body: []byte(`<html><body>Bad Gateway</body></html>`)},
	{Method: "GetUsers", Body: []byte(`{"result":[{"user_id":"x"}],"total_count":1}`)},
	{Method: "GetUsers", Latency: 20 * time.Millisecond},
}

type memPoint struct {
	heapAlloc, heapInuse, sys uint64
	goroutines                int
}

func measure() memPoint {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memPoint{ms.HeapAlloc, ms.HeapInuse, ms.Sys, runtime.NumGoroutine()}
}

func run(scrapes int, faultRate float64, nUsers int, timeout time.Duration, seed uint64) int {
	acct := voxsim.Generate(voxsim.GenConfig{Users: nUsers, Apps: 2, Skills: 5, Queues: 4, Seed: 11,
		Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	creds := voxsim.NewTestCredentials(4242)
	sim := voxsim.NewServer(voxsim.Config{Credentials: creds, Account: acct, MaxCount: 50})
	defer sim.Close()
	rng := rand.New(rand.NewPCG(seed, 1))
	var rngMu sync.Mutex
	var requests, injected atomic.Int64
	var faulting atomic.Bool
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if faulting.Load() {
			rngMu.Lock()
			hit, k := rng.Float64() < faultRate, rng.IntN(len(faults))
			rngMu.Unlock()
			if hit {
				// The fault goes to the next request voxsim takes: this one,
				// or one running beside it; either way one in ten.
				injected.Add(1)
				sim.Inject(faults[k])
			}
		}
		sim.ServeHTTP(w, r)
	}))
	defer front.Close()

	c, err := voxapi.ParseCredentials(creds.JSON(), "soak")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	reg := prometheus.NewRegistry()
	apiMetrics := collector.NewAPIMetrics(reg)
	client, err := voxapi.NewClient(voxapi.Options{
		BaseURL: front.URL + "/platform_api/", Credentials: c, HTTPClient: &http.Client{Transport: tr},
		Observer: apiMetrics, BackoffBase: 2 * time.Millisecond, BackoffMax: 10 * time.Millisecond,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var apps []voxapi.AppSelector
	for _, a := range acct.Apps {
		apps = append(apps, voxapi.AppSelector{ID: a.ID})
	}
	src := collector.NewSource(client, collector.SourceOptions{Apps: apps, PageSize: 100, PageConcurrency: 4,
		Logger: slog.New(slog.DiscardHandler)})
	exp := collector.NewExporter(src, collector.Options{Users: true})
	want := expected(acct, apps)

	scrape := func() (up float64, ok bool) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r := prometheus.NewRegistry()
		r.MustRegister(exp.Collector(ctx))
		mfs, err := r.Gather()
		if err != nil {
			return -1, false
		}
		got := map[string]float64{}
		for _, mf := range mfs {
			switch mf.GetName() {
			case "voximplant_up":
				up = mf.GetMetric()[0].GetGauge().GetValue()
			case "voximplant_acd_operators":
				for _, m := range mf.GetMetric() {
					got["ops/"+label(m, "application")+"/"+label(m, "acd_status")] = m.GetGauge().GetValue()
				}
			case "voximplant_user_acd_status":
				for _, m := range mf.GetMetric() {
					if m.GetGauge().GetValue() == 1 {
						got["user/"+label(m, "user_id")+"/"+label(m, "acd_status")] = 1
					}
				}
			}
		}
		if up != 1 {
			return up, len(got) == 0 // a failed scrape must carry no data at all
		}
		return up, fmt.Sprint(got) == fmt.Sprint(want)
	}

	// Warm up without faults (token, connections, hints), then measure.
	if up, ok := scrape(); up != 1 || !ok {
		fmt.Fprintln(os.Stderr, "soak: the warm-up scrape was not whole and right")
		return 2
	}
	// Baseline and end alike: idle API connections closed, and voxsim's
	// request log (up to 20,000 records, the simulator's not the
	// exporter's) emptied.
	settle := func() memPoint {
		tr.CloseIdleConnections()
		time.Sleep(200 * time.Millisecond) // closed connections' goroutines exit
		sim.ResetStats()
		return measure()
	}
	start := settle()
	faulting.Store(true)
	requests.Store(0)
	injected.Store(0)
	began := time.Now()

	var up1, up0, wrongUp1, dataOnUp0 int
	for i := range scrapes {
		up, ok := scrape()
		switch {
		case up == 1 && ok:
			up1++
		case up == 1:
			wrongUp1++
		case ok:
			up0++
		default:
			dataOnUp0++
		}
		if (i+1)%5000 == 0 {
			fmt.Fprintf(os.Stderr, "soak: %d scrapes, %d up 0, %d wrong\n", i+1, up0, wrongUp1+dataOnUp0)
		}
	}
	elapsed := time.Since(began)
	faulting.Store(false)
	sim.ClearFaults()
	final, finalOK := scrape()
	end := settle()

	mib := func(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
	fmt.Printf("soak: %d scrapes in %s (%.0f/s), %d API requests, fault injected in %d (%.1f%%)\n",
		scrapes, elapsed.Round(time.Second), float64(scrapes)/elapsed.Seconds(), requests.Load(), injected.Load(),
		100*float64(injected.Load())/float64(max(requests.Load(), 1)))
	fmt.Printf("account: %d operators in %d applications, page cap 50, page size 100, scrape deadline %s\n", len(acct.Users), len(apps), timeout)
	fmt.Printf("scrapes: up 1 and right %d, up 0 with no data %d, up 1 but wrong %d, up 0 with data %d\n", up1, up0, wrongUp1, dataOnUp0)
	fmt.Printf("heap alloc: start %s, end %s; heap in use: start %s, end %s; sys: start %s, end %s\n",
		mib(start.heapAlloc), mib(end.heapAlloc), mib(start.heapInuse), mib(end.heapInuse), mib(start.sys), mib(end.sys))
	fmt.Printf("goroutines: start %d, end %d\n", start.goroutines, end.goroutines)
	fmt.Printf("after the soak: up %v, right %v\n", final, finalOK)

	bad := wrongUp1 > 0 || dataOnUp0 > 0 || final != 1 || !finalOK || end.goroutines > start.goroutines+2 ||
		end.heapInuse > 2*start.heapInuse+8<<20
	if bad {
		fmt.Println("soak: FAILED")
		return 1
	}
	fmt.Println("soak: OK")
	return 0
}

// expected is what a right scrape shows: operators per application and
// status, and each user's status.
func expected(acct voxsim.Account, apps []voxapi.AppSelector) map[string]float64 {
	want := map[string]float64{}
	for _, app := range apps {
		for _, st := range voxapi.Statuses {
			want["ops/"+app.String()+"/"+st] = 0
		}
		for _, u := range acct.Users {
			if !slices.Contains(u.Apps, app.ID) {
				continue
			}
			st := u.Status
			if st == "" {
				st = collector.StatusUnknown
			}
			want["ops/"+app.String()+"/"+st]++
			want["user/"+strconv.FormatInt(u.ID, 10)+"/"+st] = 1
		}
	}
	return want
}

func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}
