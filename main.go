// Command voximplant_exporter exports Voximplant contact centres to
// Prometheus. Each enabled collector turns Management API reads into
// metrics: the operators by ACD status, skill and queue, and per-user
// series (GetUsers, always on); the calls waiting in each queue
// (GetACDState); queue outcomes and the operators the load needs
// (GetACDQueueStatistics); SmartQueue agents and tasks (GetSQState,
// GetSmartQueueRealtimeMetrics). Some reads run on every scrape, others at
// most once per interval (README, Flags). --demo serves a simulated account.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

const exporterName = "voximplant_exporter"

// defaultListen is the exporter's port. 9873 is unused by the exporters on
// Prometheus's default port allocations page as far as we know.
const defaultListen = ":9873"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// init fills the version from the module's build info when the binary was
// built without the Makefile's ldflags (go run, go install).
func init() {
	if version.Version != "" {
		return
	}
	version.Version = "devel"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version.Version = strings.TrimPrefix(bi.Main.Version, "v")
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && (version.Revision == "" || version.Revision == "unknown") {
			version.Revision = s.Value
		}
	}
}

// run is main without os.Exit, so that start-up failures are testable. It
// returns the process exit status. It parses the command line, builds the
// exporter, and serves it until SIGINT or SIGTERM.
func run(args []string, stderr *os.File) int {
	cfg, logger, err := parse(args, stderr)
	if err != nil {
		startupError(stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	type built struct {
		srv     *http.Server
		cleanup func()
	}
	b, err := untilStopped(ctx, func() (built, error) {
		srv, cleanup, err := build(ctx, cfg, logger)
		return built{srv, cleanup}, err
	})
	if err != nil {
		startupError(stderr, err)
		return 1
	}
	defer b.cleanup()
	return serve(ctx, b.srv, cfg, logger)
}

// startupError prints a start-up failure the way kingpin prints a flag
// error, one line per problem ("voximplant_exporter: error: ..."), whether
// the flag parser, the validation or the build found it: the user reads
// one style, each line naming the flag or file and what to do.
func startupError(stderr *os.File, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		// One problem, one line: a multi-line cause (a YAML error) is
		// folded into it.
		var parts []string
		for line := range strings.SplitSeq(e.Error(), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				parts = append(parts, line)
			}
		}
		fmt.Fprintf(stderr, "%s: error: %s\n", exporterName, strings.Join(parts, " "))
	}
}

// parse reads the command line and checks it. The logger it returns is
// the one configured by the flags (or a default one when they did not
// parse).
func parse(args []string, stderr *os.File) (*config, *slog.Logger, error) {
	app := kingpin.New(exporterName, "Prometheus exporter for Voximplant contact centres: operators by ACD status, skill and queue (GetUsers), queue demand (GetACDState) and more, read through the Management API.")
	cfg := addFlags(app)
	cfg.web = kingpinflag.AddFlags(app, defaultListen)
	logConfig := &promslog.Config{}
	promslogflag.AddFlags(app, logConfig)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	app.UsageWriter(os.Stdout)
	app.ErrorWriter(stderr)
	if _, err := app.Parse(args); err != nil {
		return nil, nil, fmt.Errorf("%w, try --help", err)
	}
	logConfig.Writer = stderr
	logger := promslog.New(logConfig)
	if err := cfg.validate(); err != nil {
		return nil, logger, err
	}
	// The toolkit reads the web configuration only once serving, and its
	// errors (a YAML parse error, a missing certificate) do not name the
	// file: check it first, so that a bad one is one line naming it.
	if f := *cfg.web.WebConfigFile; f != "" {
		if err := web.Validate(f); err != nil {
			return nil, logger, fmt.Errorf("invalid web configuration file %s: %w", f, err)
		}
	}
	if cfg.demo {
		cfg.collectors.EnableAllNotGiven()
	}
	return cfg, logger, nil
}

// build makes everything serve needs: the demo API when asked for, the
// client, the collectors, the exporter and the HTTP server. cleanup stops
// what it started.
func build(ctx context.Context, cfg *config, logger *slog.Logger) (srv *http.Server, cleanup func(), err error) {
	cleanup = func() {}
	// A port in use is found before anything claims to have started.
	if err := checkListen(cfg); err != nil {
		return nil, cleanup, err
	}
	logger.Info("starting "+exporterName, "version", version.Info(), "build_context", version.BuildContext())
	apiURL, apps := cfg.apiURL, cfg.apps()
	probeApps := apps // the default module of /probe (multitarget_setup.go)
	var creds *voxapi.Credentials
	if cfg.demo {
		if ignored := cfg.ignoredByDemo(); len(ignored) > 0 {
			logger.Warn("--demo serves its own simulated API: ignoring "+strings.Join(ignored, ", "), "ignored", strings.Join(ignored, ","))
		}
		demo, err := startDemo(ctx, cfg.demoUsers, cfg.demoSeed, logger)
		if err != nil {
			return nil, cleanup, fmt.Errorf("cannot start the demo contact centre: %w", err)
		}
		cleanup = demo.Close
		apiURL = demo.url
		if len(apps) == 0 {
			apps, probeApps = demo.apps, demo.probeApps
		}
		if creds, err = voxapi.ParseCredentials(demo.credentialsJSON, "demo credentials"); err != nil {
			return nil, cleanup, fmt.Errorf("demo credentials: %w", err)
		}
	} else {
		cfg.credentialsFile = credentialsPath(cfg.credentialsFile)
		if creds, err = cfg.loadCredentials(); err != nil {
			return nil, cleanup, err
		}
		warnLoosePermissions(cfg.credentialsFile, logger)
		if isExampleKey(cfg.credentialsFile) {
			logger.Warn("the credentials file is the example's fake key, attached to no account: download your own credentials.json from the Voximplant control panel", "file", cfg.credentialsFile)
		}
	}

	globalReg := prometheus.NewRegistry()
	globalReg.MustRegister(
		versioncollector.NewCollector(exporterName),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	apiMetrics := collector.NewAPIMetrics(globalReg)
	client, err := voxapi.NewClient(voxapi.Options{
		BaseURL:               apiURL,
		Credentials:           creds,
		AccountID:             cfg.accountID,
		UserAgent:             exporterName + "/" + version.Version,
		Logger:                logger.With("component", "voxapi"),
		Observer:              apiMetrics,
		HTTPClient:            newAPIHTTPClient(cfg.pageConcurrency),
		MaxConcurrentRequests: cfg.pageConcurrency,
		MaxBytesPerUser:       int64(cfg.maxBytesPerUser),
	})
	if err != nil {
		return nil, cleanup, fmt.Errorf("invalid API configuration: %w", err)
	}
	if !cfg.demo && len(apps) > 0 {
		go firstContact(ctx, client, apps[0], cfg.credentialsFile, logger)
	}
	colLogger := logger.With("component", "collector")
	cs, err := cfg.collectors.Build(collector.Settings{Logger: colLogger, Registerer: globalReg})
	if err != nil {
		return nil, cleanup, fmt.Errorf("invalid configuration: %w", err)
	}
	for _, c := range cs {
		for _, m := range collector.Methods(c.Name()) {
			apiMetrics.Init(m)
		}
	}
	exp, err := collector.New(collector.Config{
		API:         client,
		Apps:        apps,
		Collectors:  cs,
		PageSize:    cfg.pageSize,
		Reads:       cfg.collectors.Reads(),
		CacheTTL:    cfg.cacheTTL,
		PassTimeout: cfg.timeout,
		Global:      globalReg,
		Logger:      colLogger,
	})
	if err != nil {
		return nil, cleanup, err
	}
	stopDemo := cleanup
	cleanup = func() { exp.Close(); stopDemo() }
	mt, err := newMultiTarget(cfg, multiTargetDeps{apiURL: apiURL, creds: creds, apps: probeApps, collectors: cs, observer: apiMetrics}, logger)
	if err != nil {
		return nil, cleanup, err
	}
	stopExp := cleanup
	cleanup = func() { mt.Close(); stopExp() }
	logger.Info("collectors enabled", "collectors", strings.Join(cfg.collectors.Enabled(), ","), "applications", len(apps))

	metrics, err := newMetricsHandler(exp, globalReg, cfg, logger)
	if err != nil {
		return nil, cleanup, err
	}
	mux := http.NewServeMux()
	mux.Handle(cfg.metricsPath, metrics)
	mt.handle(mux) // /probe, /sd
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("Healthy\n"))
	})
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("Ready\n"))
	})
	if cfg.metricsPath != "/" {
		landing, err := newLandingPage(cfg, apps, cfg.collectors.Enabled(), exp)
		if err != nil {
			return nil, cleanup, fmt.Errorf("cannot build the landing page: %w", err)
		}
		mux.Handle("/", landing)
	}
	// The write timeout bounds every other endpoint; /metrics sets its own
	// deadline from the scrape's timeout (withWriteDeadline).
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: writeTimeout(cfg.timeout)}, cleanup, nil
}

// newAPIHTTPClient is the transport to the Management API. Each scrape's
// context bounds a call; these bound the parts of one attempt that a context
// alone would let hang.
// Every page in flight keeps an idle connection for the next scrape, so
// that a steady scrape opens none.
func newAPIHTTPClient(pagesInFlight int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(16, pagesInFlight)
	tr.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{Transport: tr}
}

// warnLoosePermissions warns when others may read the credentials file: it
// holds a key that reads every user and balance of the account.
func warnLoosePermissions(path string, logger *slog.Logger) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return // the load reports it
	}
	if fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("credentials file is readable by other users; restrict it with chmod 600",
			"file", path, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
}
