// Command bench measures the exporter against voxsim on loopback with an
// injected round-trip latency and a server cap on page size, and prints
// Markdown tables for BENCHMARKS.md:
//
//   - latency: scrape latency of three pagers side by side in one run
//     (sequential with a fresh token per request, page 1 then the rest,
//     and the exporter's /metrics end to end), median and p99, as
//     multiples of the round trip; API requests and tokens per scrape;
//   - rss: the exporter binary's peak RSS under repeated scrapes, per-user
//     series on and off;
//   - load: concurrent scrapers for a while: p50/p99, errors, API requests
//     per served scrape;
//   - ha: two scrapers (an HA pair) with a cache TTL: API requests per
//     scrape.
//
// The exporter runs as its own process (the binary given with -binary),
// pointed at the driver's voxsim through a credentials file, so that its
// RSS is its own. Run it with `make bench`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

var (
	binary      = flag.String("binary", "./voximplant_exporter", "exporter binary to measure")
	latency     = flag.Duration("latency", 50*time.Millisecond, "injected API round trip")
	pageCap     = flag.Int("cap", 100, "server cap on GetUsers count")
	queues      = flag.Int("queues", 4, "ACD queues in the generated account (each costs a statistics request per refresh with queue_stats on)")
	sizesFlag   = flag.String("sizes", "100,1000,10000", "account sizes (users)")
	scrapes     = flag.Int("scrapes", 40, "scrapes per pager and size for latency")
	seqScrapes  = flag.Int("seq-scrapes", 10, "scrapes of the sequential pager at sizes of 5,000 users or more (each takes pages x round trip)")
	concurrency = flag.Int("page-concurrency", 10, "--voximplant.page-concurrency for the exporter, and the two-round-trip pager's concurrency")
	loadUsers   = flag.Int("load-users", 1000, "account size for the load test")
	loadClients = flag.Int("load-scrapers", 50, "concurrent scrapers in the load test")
	loadFor     = flag.Duration("load-duration", 30*time.Second, "load test duration")
	maxRequests = flag.Int("max-requests", 100, "--web.max-requests for the load test (the default 40 would turn 10 of 50 scrapers away with 503)")
	rssUsers    = flag.Int("rss-users", 10000, "account size for the RSS measurement")
	rssScrapes  = flag.Int("rss-scrapes", 30, "scrapes per RSS measurement")
	haInterval  = flag.Duration("ha-interval", 15*time.Second, "scrape interval of each HA scraper")
	haFor       = flag.Duration("ha-duration", 60*time.Second, "HA test duration")
	haTTL       = flag.Duration("ha-cache-ttl", 10*time.Second, "--voximplant.cache-ttl for the HA test")
	useGzip     = flag.Bool("gzip", true, "scrape with Accept-Encoding: gzip, as Prometheus does")
	extraFlags  = flag.String("exporter-flags", "", "extra flags for the exporter in the latency run, space-separated")
	only        = flag.String("only", "latency,rss,load,ha", "which measurements to run")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %w", err)
		}
		sizes = append(sizes, n)
	}
	want := func(what string) bool { return slices.Contains(strings.Split(*only, ","), what) }
	fmt.Printf("Round trip %s, server cap %d records per page, exporter --voximplant.page-concurrency=%d.\n\n", *latency, *pageCap, *concurrency)
	if want("latency") {
		if err := latencyRun(sizes); err != nil {
			return err
		}
	}
	if want("rss") {
		if err := rssRun(); err != nil {
			return err
		}
	}
	if want("load") {
		if err := loadRun(); err != nil {
			return err
		}
	}
	if want("ha") {
		if err := haRun(); err != nil {
			return err
		}
	}
	return nil
}

// sim is a voxsim account with its credentials.
type sim struct {
	srv       *voxsim.Server
	creds     *voxapi.Credentials
	credsFile string
	app       int64
}

func startSim(users int, dir string) (*sim, error) {
	vc, err := voxsim.NewCredentials(4242)
	if err != nil {
		return nil, err
	}
	acct := voxsim.Generate(voxsim.GenConfig{Users: users, Apps: 1, Skills: 5, Queues: *queues, Seed: 1, Now: time.Now()})
	srv, err := voxsim.Start(voxsim.Config{Credentials: vc, Account: acct, MaxCount: *pageCap, Latency: *latency})
	if err != nil {
		return nil, err
	}
	creds, err := voxapi.ParseCredentials(vc.JSON(), "bench")
	if err != nil {
		srv.Close()
		return nil, err
	}
	path, err := vc.WriteFile(dir)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &sim{srv: srv, creds: creds, credsFile: path, app: acct.Apps[0].ID}, nil
}

// apiHTTPClient is the pagers' transport, with as many idle connections
// per host as pages in flight, as the exporter's own.
func apiHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

// sequential reads every page one at a time with a fresh client (so a
// fresh token) per request, as the official clients lead people to write.
func (s *sim) sequential(ctx context.Context, hc *http.Client) (int, error) {
	n, off := 0, 0
	for {
		c, err := voxapi.NewClient(voxapi.Options{BaseURL: s.srv.URL(), Credentials: s.creds, HTTPClient: hc, MaxRetries: -1})
		if err != nil {
			return 0, err
		}
		resp, err := c.GetUsers(ctx, voxapi.GetUsersParams{ApplicationID: s.app, WithSkills: true, WithQueues: true,
			OrderBy: "user_id", Count: 100, Offset: off})
		if err != nil {
			return 0, err
		}
		got := len(resp.Result)
		n += got
		off += got
		if got == 0 || off >= int(resp.TotalCount) {
			return n, nil
		}
	}
}

// twoRoundTrips reads page 1, then the rest concurrently: GetAllUsers
// without a hint.
func (s *sim) twoRoundTrips(ctx context.Context, c *voxapi.Client) (int, error) {
	c.ForgetPagePlans() // the client would otherwise plan every page at once
	users, _, err := c.GetAllUsers(ctx, voxapi.AppSelector{ID: s.app}, voxapi.PageOptions{PageSize: 100, Concurrency: *concurrency})
	return len(users), err
}

// exporter is a running exporter binary.
type exporter struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
}

func startExporter(s *sim, dir string, extra ...string) (*exporter, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	args := append([]string{
		"--voximplant.credentials-file=" + s.credsFile,
		"--voximplant.api-url=" + s.srv.URL(),
		"--voximplant.application-id=" + strconv.FormatInt(s.app, 10),
		"--voximplant.page-concurrency=" + strconv.Itoa(*concurrency),
		"--web.listen-address=" + addr,
		"--log.level=warn",
	}, extra...)
	logf, err := os.CreateTemp(dir, "exporter-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(*binary, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	e := &exporter{cmd: cmd, base: "http://" + addr, log: logf}
	for range 200 {
		if resp, err := http.Get(e.base + "/-/healthy"); err == nil {
			resp.Body.Close()
			return e, nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	e.stop()
	return nil, errors.New("exporter did not start; see " + logf.Name())
}

func (e *exporter) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		<-done
	}
	e.log.Close()
}

// promAccept is Prometheus 3's default Accept header.
const promAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"

// scrape GETs /metrics as Prometheus does (gzip, its Accept header) and
// checks the answer is whole.
func (e *exporter) scrape(hc *http.Client) error {
	req, _ := http.NewRequest(http.MethodGet, e.base+"/metrics", nil)
	req.Header.Set("Accept", promAccept)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
	if !*useGzip {
		req.Header.Set("Accept-Encoding", "identity") // the transport then neither asks for nor inflates gzip
	}
	resp, err := hc.Do(req) // the transport asks for gzip and inflates
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if !strings.Contains(string(body), "\nvoximplant_up 1\n") && !strings.Contains(string(body), "\nvoximplant_up 1.0\n") {
		return errors.New("voximplant_up is not 1")
	}
	return nil
}

// rssKiB reads the process's peak (VmHWM) and current (VmRSS) RSS.
func rssKiB(pid int) (peak, cur int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmHWM:":
			peak, _ = strconv.Atoi(f[1])
		case "VmRSS:":
			cur, _ = strconv.Atoi(f[1])
		}
	}
	return peak, cur, nil
}

type stats struct{ d []time.Duration }

func (s *stats) add(d time.Duration) { s.d = append(s.d, d) }

func (s *stats) pct(p float64) time.Duration {
	d := slices.Clone(s.d)
	slices.Sort(d)
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d))*p+0.999999) - 1
	return d[max(0, min(i, len(d)-1))]
}

func rt(d time.Duration) string {
	return fmt.Sprintf("%.2f RT (%s)", float64(d)/float64(*latency), d.Round(100*time.Microsecond))
}

func latencyRun(sizes []int) error {
	dir, err := os.MkdirTemp("", "voxbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("### Scrape latency, three pagers side by side")
	fmt.Println()
	fmt.Println("| users | pages | pager | median | p99 | speed-up (median) | API requests / scrape | distinct tokens seen by the API / scrape |")
	fmt.Println("|---:|---:|---|---:|---:|---:|---:|---:|")
	ctx := context.Background()
	for _, n := range sizes {
		s, err := startSim(n, dir)
		if err != nil {
			return err
		}
		pages := (n + 99) / 100
		hc := apiHTTPClient()
		k := *scrapes
		seqK := k
		if n >= 5000 {
			seqK = *seqScrapes
		}
		type result struct {
			name         string
			st           stats
			reqs, tokens float64
		}
		var results []*result
		measure := func(name string, times int, fn func() error) error {
			r := &result{name: name}
			s.srv.ResetStats()
			for range times {
				t0 := time.Now()
				if err := fn(); err != nil {
					return fmt.Errorf("%s, %d users: %w", name, n, err)
				}
				r.st.add(time.Since(t0))
			}
			st := s.srv.Stats()
			r.reqs = float64(st.ByMethod["GetUsers"]) / float64(times)
			r.tokens = float64(st.Tokens) / float64(times)
			results = append(results, r)
			return nil
		}
		if err := measure("sequential, fresh token per request", seqK, func() error {
			got, err := s.sequential(ctx, hc)
			if err == nil && got != n {
				err = fmt.Errorf("%d users read", got)
			}
			return err
		}); err != nil {
			return err
		}
		c, err := voxapi.NewClient(voxapi.Options{BaseURL: s.srv.URL(), Credentials: s.creds, HTTPClient: hc,
			MaxConcurrentRequests: *concurrency})
		if err != nil {
			return err
		}
		if err := measure(fmt.Sprintf("page 1, then the rest (%d at once)", *concurrency), k, func() error {
			got, err := s.twoRoundTrips(ctx, c)
			if err == nil && got != n {
				err = fmt.Errorf("%d users read", got)
			}
			return err
		}); err != nil {
			return err
		}
		e, err := startExporter(s, dir, strings.Fields(*extraFlags)...)
		if err != nil {
			return err
		}
		sc := &http.Client{}
		for range 2 { // learn total_count and the cap
			if err := e.scrape(sc); err != nil {
				e.stop()
				return err
			}
		}
		err = measure("exporter: /metrics end to end (users on, gzip)", k, func() error { return e.scrape(sc) })
		e.stop()
		if err != nil {
			logText, _ := os.ReadFile(e.log.Name())
			return fmt.Errorf("%w\nexporter log:\n%s", err, logText)
		}
		seqMedian := results[0].st.pct(0.5)
		for _, r := range results {
			fmt.Printf("| %d | %d | %s | %s | %s | %.1f× | %.1f | %.2f |\n", n, pages, r.name, rt(r.st.pct(0.5)), rt(r.st.pct(0.99)),
				float64(seqMedian)/float64(r.st.pct(0.5)), r.reqs, r.tokens)
		}
		s.srv.Close()
	}
	fmt.Println()
	return nil
}

func rssRun() error {
	dir, err := os.MkdirTemp("", "voxbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := startSim(*rssUsers, dir)
	if err != nil {
		return err
	}
	defer s.srv.Close()
	fmt.Printf("### Peak RSS of the exporter, %d users, %d scrapes in a row\n\n", *rssUsers, *rssScrapes)
	fmt.Println("| per-user series | peak RSS (VmHWM) | RSS after the scrapes | median scrape |")
	fmt.Println("|---|---:|---:|---:|")
	for _, users := range []bool{true, false} {
		usersFlag := "--no-collector.users"
		if users {
			usersFlag = "--collector.users"
		}
		e, err := startExporter(s, dir, usersFlag)
		if err != nil {
			return err
		}
		var st stats
		sc := &http.Client{}
		for range *rssScrapes {
			t0 := time.Now()
			if err := e.scrape(sc); err != nil {
				e.stop()
				return err
			}
			st.add(time.Since(t0))
		}
		peak, cur, err := rssKiB(e.cmd.Process.Pid)
		e.stop()
		if err != nil {
			return err
		}
		onOff := "off (`--no-collector.users`)"
		if users {
			onOff = "on (default)"
		}
		fmt.Printf("| %s | %.1f MiB | %.1f MiB | %s |\n", onOff, float64(peak)/1024, float64(cur)/1024, st.pct(0.5).Round(time.Millisecond))
	}
	fmt.Println()
	return nil
}

func loadRun() error {
	dir, err := os.MkdirTemp("", "voxbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := startSim(*loadUsers, dir)
	if err != nil {
		return err
	}
	defer s.srv.Close()
	e, err := startExporter(s, dir, "--web.max-requests="+strconv.Itoa(*maxRequests))
	if err != nil {
		return err
	}
	defer e.stop()
	if err := e.scrape(&http.Client{}); err != nil {
		return err
	}
	s.srv.ResetStats()
	var mu sync.Mutex
	var st stats
	var errs atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(*loadFor)
	var wg sync.WaitGroup
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = *loadClients
	hc := &http.Client{Transport: tr}
	for range *loadClients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := e.scrape(hc)
				d := time.Since(t0)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mu.Lock()
				st.add(d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	api := s.srv.Stats()
	served := len(st.d)
	fmt.Printf("### Under load: %d concurrent scrapers for %s, %d users\n\n", *loadClients, *loadFor, *loadUsers)
	fmt.Println("| scrapes served | errors | p50 | p99 | API requests | API requests / served scrape | tokens minted |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Printf("| %d | %d | %s | %s | %d | %.3f | %d |\n", served, errs.Load(), rt(st.pct(0.5)), rt(st.pct(0.99)),
		api.ByMethod["GetUsers"], float64(api.ByMethod["GetUsers"])/float64(max(served, 1)), api.Tokens)
	if v := firstErr.Load(); v != nil {
		fmt.Printf("\nFirst error: %s\n", v)
	}
	fmt.Printf("\n(--web.max-requests=%d, --voximplant.page-concurrency=%d, no cache TTL.)\n\n", *maxRequests, *concurrency)
	return nil
}

func haRun() error {
	dir, err := os.MkdirTemp("", "voxbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("### HA pair, --voximplant.cache-ttl=%s: two scrapers every %s, half an interval apart, for %s\n\n", *haTTL, *haInterval, *haFor)
	fmt.Println("| users | pages | scrapes | API requests | API requests / scrape |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	for _, n := range []int{*loadUsers} {
		s, err := startSim(n, dir)
		if err != nil {
			return err
		}
		e, err := startExporter(s, dir, "--voximplant.cache-ttl="+haTTL.String())
		if err != nil {
			s.srv.Close()
			return err
		}
		// Warm up (first pass learns the total), then wait out the TTL.
		if err := e.scrape(&http.Client{}); err != nil {
			e.stop()
			s.srv.Close()
			return err
		}
		time.Sleep(*haTTL)
		s.srv.ResetStats()
		var scraped atomic.Int64
		var wg sync.WaitGroup
		var scrapeErr atomic.Value
		end := time.Now().Add(*haFor)
		for i := range 2 {
			wg.Go(func() {
				time.Sleep(time.Duration(i) * *haInterval / 2)
				hc := &http.Client{}
				for time.Now().Before(end) {
					if err := e.scrape(hc); err != nil {
						scrapeErr.CompareAndSwap(nil, err.Error())
					}
					scraped.Add(1)
					time.Sleep(*haInterval)
				}
			})
		}
		wg.Wait()
		reqs := s.srv.Stats().ByMethod["GetUsers"]
		e.stop()
		s.srv.Close()
		if v := scrapeErr.Load(); v != nil {
			return fmt.Errorf("HA scrape: %s", v)
		}
		fmt.Printf("| %d | %d | %d | %d | %.1f |\n", n, (n+99)/100, scraped.Load(), reqs, float64(reqs)/float64(scraped.Load()))
	}
	fmt.Println()
	return nil
}
