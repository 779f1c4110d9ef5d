//go:build soak

// Command soak runs the exporter binary against voxsim, scrapes its
// /metrics over HTTP 20,000 times (the path Prometheus uses, gzip and the
// scrape-timeout header included) with a fault injected into 10% of API
// requests, and reports the exporter's heap and goroutines at the start and
// the end (from its own go_* series), and the scrapes whose voximplant_up
// was 1 but whose numbers were wrong (which must be none). The account is
// static, so the right numbers are known. Run it with `make soak`.
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit/exporterbin"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func main() {
	scrapes := flag.Int("scrapes", 20000, "scrapes to make")
	faultRate := flag.Float64("fault-rate", 0.10, "share of API requests given a fault")
	users := flag.Int("users", 150, "operators in the simulated account")
	timeout := flag.Duration("scrape-timeout", 2*time.Second, "deadline of one scrape")
	seed := flag.Uint64("seed", 6, "seed of the fault draw")
	binary := flag.String("binary", "", "exporter binary to soak (default: the module's sources, built as the tests build them)")
	flag.Parse()
	os.Exit(run(*binary, *scrapes, *faultRate, *users, *timeout, *seed))
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

// memPoint is the exporter's own account of its memory and goroutines, as
// its /metrics reports them.
type memPoint struct {
	heapAlloc, heapInuse, rss float64
	goroutines                float64
}

func pointOf(fams map[string]*dto.MetricFamily) memPoint {
	v := func(name string) float64 {
		if mf := fams[name]; mf != nil && len(mf.GetMetric()) > 0 {
			m := mf.GetMetric()[0]
			if m.Gauge != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetUntyped().GetValue()
		}
		return -1
	}
	return memPoint{v("go_memstats_heap_alloc_bytes"), v("go_memstats_heap_inuse_bytes"),
		v("process_resident_memory_bytes"), v("go_goroutines")}
}

func run(binary string, scrapes int, faultRate float64, nUsers int, timeout time.Duration, seed uint64) int {
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

	dir, err := os.MkdirTemp("", "voximplant_soak")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	if binary == "" {
		if binary, err = exporterbin.Path(); err != nil {
			fmt.Fprintf(os.Stderr, "soak: %v\n", err)
			return 2
		}
	}
	credsFile := filepath.Join(dir, "credentials.json")
	if err := os.WriteFile(credsFile, creds.JSON(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var apps []voxapi.AppSelector
	for _, a := range acct.Apps {
		apps = append(apps, voxapi.AppSelector{ID: a.ID})
	}
	addr, err := freeAddr()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	args := []string{"--web.listen-address=" + addr, "--voximplant.credentials-file=" + credsFile,
		"--voximplant.api-url=" + front.URL + "/platform_api/", "--voximplant.page-size=100",
		"--voximplant.timeout=" + timeout.String(), "--log.level=error"}
	for _, a := range apps {
		args = append(args, "--voximplant.application-id="+a.String())
	}
	exporter := exec.Command(binary, args...)
	// Each failed pass logs an error line: keep them out of the report.
	exporter.Stderr = io.Discard
	if err := exporter.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer func() {
		_ = exporter.Process.Signal(os.Interrupt)
		_ = exporter.Wait()
	}()
	metricsURL := "http://" + addr + "/metrics"
	if !waitHealthy("http://" + addr + "/-/healthy") {
		fmt.Fprintln(os.Stderr, "soak: the exporter did not become healthy")
		return 2
	}
	want := expected(acct, apps)
	// Prometheus's own client settings: gzip, the scrape timeout header
	// (the exporter's deadline is it less --web.timeout-offset).
	httpClient := &http.Client{Timeout: timeout + 5*time.Second}
	var last memPoint

	scrape := func() (up float64, ok bool) {
		req, err := http.NewRequest(http.MethodGet, metricsURL, nil)
		if err != nil {
			return -1, false
		}
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat((timeout+500*time.Millisecond).Seconds(), 'f', -1, 64))
		resp, err := httpClient.Do(req)
		if err != nil {
			return -1, false
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return -1, false
		}
		body := io.Reader(resp.Body)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				return -1, false
			}
			body = zr
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(body)
		if err != nil {
			return -1, false
		}
		last = pointOf(fams)
		got := map[string]float64{}
		for _, mf := range fams {
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
	// Baseline and end alike: the exporter's own figures as the scrape
	// reports them, with voxsim's request log (up to 20,000 records, the
	// simulator's not the exporter's) emptied.
	settle := func() memPoint {
		sim.ResetStats()
		scrape()
		return last
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

	mib := func(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
	fmt.Printf("soak: %d scrapes in %s (%.0f/s), %d API requests, fault injected in %d (%.1f%%)\n",
		scrapes, elapsed.Round(time.Second), float64(scrapes)/elapsed.Seconds(), requests.Load(), injected.Load(),
		100*float64(injected.Load())/float64(max(requests.Load(), 1)))
	fmt.Printf("account: %d operators in %d applications, page cap 50, page size 100, scrape deadline %s\n", len(acct.Users), len(apps), timeout)
	fmt.Printf("scrapes: up 1 and right %d, up 0 with no data %d, up 1 but wrong %d, up 0 with data %d\n", up1, up0, wrongUp1, dataOnUp0)
	fmt.Printf("exporter heap alloc: start %s, end %s; heap in use: start %s, end %s; RSS: start %s, end %s\n",
		mib(start.heapAlloc), mib(end.heapAlloc), mib(start.heapInuse), mib(end.heapInuse), mib(start.rss), mib(end.rss))
	fmt.Printf("exporter goroutines: start %.0f, end %.0f\n", start.goroutines, end.goroutines)
	fmt.Printf("after the soak: up %v, right %v\n", final, finalOK)

	bad := wrongUp1 > 0 || dataOnUp0 > 0 || final != 1 || !finalOK || start.goroutines < 0 ||
		end.goroutines > start.goroutines+2 || end.heapInuse > 2*start.heapInuse+8<<20
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

// freeAddr is a loopback address nothing listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHealthy polls the exporter's health endpoint until it answers or
// twenty seconds pass: a separate process gives no other signal.
func waitHealthy(url string) bool {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
	}
	return false
}

func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}
