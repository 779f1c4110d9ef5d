package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// config holds the parsed command line.
type config struct {
	credentialsFile  string
	accountID        int64
	apiURL           string
	allowInsecureAPI bool
	appIDs           []int64
	appNames         []string
	pageSize         int
	pageConcurrency  int
	maxBytesPerUser  int
	timeout          time.Duration
	cacheTTL         time.Duration
	timeoutOffset    time.Duration
	collectors       *collector.Selection
	web              *web.FlagConfig
	demo             bool
	demoUsers        int
	demoSeed         int64
	metricsPath      string
	maxRequests      int
	shutdownGrace    time.Duration
	probe            probeFlags // /probe, /sd, --config.file (probeflags.go)
}

func addFlags(app *kingpin.Application) *config {
	c := &config{}
	app.Flag("voximplant.credentials-file", "Service-account credentials.json (required unless --demo).").
		Envar("VOXIMPLANT_CREDENTIALS").PlaceHolder("FILE").StringVar(&c.credentialsFile)
	app.Flag("voximplant.account-id", "Act on this child account (JWT iss) instead of the credentials' own account.").
		PlaceHolder("ID").SetValue(&int64Flag{name: "voximplant.account-id", dst: &c.accountID})
	app.Flag("voximplant.api-url", "Management API base URL.").
		Default(voxapi.DefaultBaseURL).StringVar(&c.apiURL)
	app.Flag("voximplant.allow-insecure-api-url", "Allow an http:// API URL to a host other than loopback (the bearer token would travel in clear).").
		BoolVar(&c.allowInsecureAPI)
	app.Flag("voximplant.application-id", "Application to watch, by id. Repeatable.").
		PlaceHolder("ID").SetValue(&int64ListFlag{name: "voximplant.application-id", dst: &c.appIDs})
	app.Flag("voximplant.application-name", "Application to watch, by name (the API matches a part of the name). Repeatable.").
		PlaceHolder("NAME").StringsVar(&c.appNames)
	app.Flag("voximplant.page-size", "GetUsers count: users asked for per page.").
		Default("100").SetValue(&intFlag{name: "voximplant.page-size", dst: &c.pageSize})
	app.Flag("voximplant.page-concurrency", "API requests in flight at once, across every collector (GetUsers pages, GetACDState, ...).").
		Default("4").SetValue(&intFlag{name: "voximplant.page-concurrency", dst: &c.pageConcurrency})
	app.Flag("voximplant.max-bytes-per-user", "Bound on a GetUsers answer: 64 KiB plus this many bytes for each user a page asks for, counted after decompression.").
		Default("16384").SetValue(&intFlag{name: "voximplant.max-bytes-per-user", dst: &c.maxBytesPerUser})
	durationVar(app.Flag("voximplant.timeout", "Bound on one scrape when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds header.").
		Default("10s"), "voximplant.timeout", &c.timeout)
	durationVar(app.Flag("voximplant.cache-ttl", "Reuse a fetched snapshot for this long (0: every scrape fetches; simultaneous scrapes always share one pass).").
		Default("0s"), "voximplant.cache-ttl", &c.cacheTTL)
	durationVar(app.Flag("web.timeout-offset", "Subtracted from X-Prometheus-Scrape-Timeout-Seconds to leave time for the answer.").
		Default("0.5s"), "web.timeout-offset", &c.timeoutOffset)
	c.collectors = collector.AddFlags(app)
	app.Flag("demo", "Serve a simulated contact centre (voxsim) in-process over loopback HTTP with real JWTs; needs no account.").
		BoolVar(&c.demo)
	app.Flag("demo.users", "Operators in the demo contact centre.").
		Default("60").Hidden().SetValue(&intFlag{name: "demo.users", dst: &c.demoUsers})
	app.Flag("demo.seed", "Seed of the demo contact centre: the same seed gives the same applications, queues and operators on every start.").
		Default("1").SetValue(&int64Flag{name: "demo.seed", dst: &c.demoSeed})
	app.Flag("web.telemetry-path", "Path under which to expose metrics.").
		Default("/metrics").StringVar(&c.metricsPath)
	app.Flag("web.max-requests", "Concurrent scrapes served at most; more get 503 at once (0: no limit).").
		Default("40").SetValue(&intFlag{name: "web.max-requests", dst: &c.maxRequests})
	durationVar(app.Flag("web.shutdown-grace", "On SIGINT/SIGTERM, how long in-flight scrapes may take to finish; then they answer with what they have. Keep it below the service manager's stop timeout.").
		Default("20s"), "web.shutdown-grace", &c.shutdownGrace)
	addProbeFlags(app, &c.probe)
	return c
}

// validate checks the flags together. Each error names the flag.
func (c *config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !c.demo && c.credentialsFile == "" {
		bad("--voximplant.credentials-file (or VOXIMPLANT_CREDENTIALS) is required unless --demo is given")
	}
	if c.accountID < 0 {
		bad("--voximplant.account-id must be a positive account id, got %d", c.accountID)
	}
	if !c.demo {
		if len(c.appIDs) == 0 && len(c.appNames) == 0 {
			bad("at least one --voximplant.application-id or --voximplant.application-name is required")
		}
		if err := checkAPIURL(c.apiURL, c.allowInsecureAPI); err != nil {
			errs = append(errs, err)
		}
	}
	for _, id := range c.appIDs {
		if id <= 0 {
			bad("--voximplant.application-id must be a positive id, got %d", id)
		}
	}
	seen := map[string]bool{}
	for _, n := range c.appNames {
		if strings.TrimSpace(n) == "" {
			bad("--voximplant.application-name must not be empty")
		}
		if seen[n] {
			bad("--voximplant.application-name %q is given twice", n)
		}
		seen[n] = true
	}
	if err := checkLabelCollisions(c.appIDs, c.appNames); err != nil {
		errs = append(errs, err)
	}
	if c.pageSize < 1 || c.pageSize > 10000 {
		bad("--voximplant.page-size must be between 1 and 10000, got %d", c.pageSize)
	}
	if c.pageConcurrency < 1 || c.pageConcurrency > 64 {
		bad("--voximplant.page-concurrency must be between 1 and 64, got %d", c.pageConcurrency)
	}
	if c.maxBytesPerUser < 1<<10 || c.maxBytesPerUser > 1<<20 {
		bad("--voximplant.max-bytes-per-user must be between 1024 and 1048576, got %d", c.maxBytesPerUser)
	}
	if c.timeout <= 0 {
		bad("--voximplant.timeout must be positive, got %s", c.timeout)
	}
	if c.cacheTTL < 0 {
		bad("--voximplant.cache-ttl must not be negative, got %s", c.cacheTTL)
	}
	if c.timeoutOffset < 0 {
		bad("--web.timeout-offset must not be negative, got %s", c.timeoutOffset)
	}
	if !strings.HasPrefix(c.metricsPath, "/") {
		bad("--web.telemetry-path must start with /, got %q", c.metricsPath)
	}
	if c.maxRequests < 0 {
		bad("--web.max-requests must not be negative, got %d", c.maxRequests)
	}
	if c.demo && (c.demoUsers < 1 || c.demoUsers > 100000) {
		bad("--demo.users must be between 1 and 100000, got %d", c.demoUsers)
	}
	errs = append(errs, c.probe.validate()...)
	return errors.Join(errs...)
}

// checkLabelCollisions refuses an application id and a name that would
// carry the same application label (--voximplant.application-id=1 and
// --voximplant.application-name=1): their series would collide, and one
// application's numbers be dropped on every scrape. The label is the
// selector's String, as the collectors write it.
func checkLabelCollisions(ids []int64, names []string) error {
	byLabel := map[string]string{}
	for _, id := range ids {
		byLabel[voxapi.AppSelector{ID: id}.String()] = fmt.Sprintf("--voximplant.application-id=%d", id)
	}
	for _, n := range names {
		label := voxapi.AppSelector{Name: n}.String()
		if prev, ok := byLabel[label]; ok {
			return fmt.Errorf("%s and --voximplant.application-name=%q would both be labelled application=%q: watch the application by id or by name, not both", prev, n, label)
		}
	}
	return nil
}

// checkAPIURL refuses a URL that is not absolute http(s), and plain http to
// anything but loopback unless allowed: every request carries a bearer token
// that reads the whole account.
func checkAPIURL(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("--voximplant.api-url %q is not an absolute http(s) URL", raw)
	}
	if u.User != nil {
		return errors.New("--voximplant.api-url must not contain user information")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--voximplant.api-url must not have a query or fragment")
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return fmt.Errorf("--voximplant.api-url %q uses plain http to a non-loopback host: the bearer token would travel in clear; use https or pass --voximplant.allow-insecure-api-url", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apps lists the watched applications as configured: ids first, then names.
func (c *config) apps() []voxapi.AppSelector {
	var out []voxapi.AppSelector
	seen := map[int64]bool{}
	for _, id := range c.appIDs {
		if !seen[id] {
			seen[id] = true
			out = append(out, voxapi.AppSelector{ID: id})
		}
	}
	for _, n := range c.appNames {
		out = append(out, voxapi.AppSelector{Name: n})
	}
	return out
}

// loadCredentials reads the credentials file (voxapi.LoadCredentials
// refuses directories, FIFOs, devices and files over 64 KiB).
func (c *config) loadCredentials() (*voxapi.Credentials, error) {
	return voxapi.LoadCredentials(c.credentialsFile)
}

// ignoredByDemo lists the flags given that --demo does not use: it serves
// its own API with its own key.
func (c *config) ignoredByDemo() []string {
	var out []string
	if c.credentialsFile != "" {
		out = append(out, "--voximplant.credentials-file (or VOXIMPLANT_CREDENTIALS)")
	}
	if c.apiURL != voxapi.DefaultBaseURL {
		out = append(out, "--voximplant.api-url")
	}
	if c.accountID != 0 {
		out = append(out, "--voximplant.account-id")
	}
	if c.allowInsecureAPI {
		out = append(out, "--voximplant.allow-insecure-api-url")
	}
	return out
}

// credentialsPath resolves a bare file name against $CREDENTIALS_DIRECTORY,
// where systemd's LoadCredential= puts the credentials it passes, when the
// file is there.
func credentialsPath(path string) string {
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" || path == "" || strings.ContainsRune(path, os.PathSeparator) {
		return path
	}
	if p := filepath.Join(dir, path); fileExists(p) {
		return p
	}
	return path
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// checkListen tries every --web.listen-address before anything starts, so
// that a port in use is one line naming the flag, and comes first.
func checkListen(c *config) error {
	if c.web == nil || (c.web.WebSystemdSocket != nil && *c.web.WebSystemdSocket) || c.web.WebListenAddresses == nil {
		return nil
	}
	for _, addr := range *c.web.WebListenAddresses {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("--web.listen-address=%s: cannot listen there: %w (another process may hold the port: choose another address)", addr, unwrapOpError(err))
		}
		l.Close()
	}
	return nil
}

// unwrapOpError drops net.OpError's repetition of the address.
func unwrapOpError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}
