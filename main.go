// Command voximplant_exporter exports the operators of Voximplant contact
// centres to Prometheus: on each scrape it pages through the Management API
// method GetUsers and serves gauges by ACD status, skill and queue, and
// per-user series.
package main

import (
	"context"
	"errors"
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
// returns the process exit status.
func run(args []string, stderr *os.File) int {
	app := kingpin.New(exporterName, "Prometheus exporter for Voximplant contact centres: operators by ACD status, skill and queue, read through the Management API method GetUsers.")
	cfg := addFlags(app)
	toolkitFlags := kingpinflag.AddFlags(app, defaultListen)
	logConfig := &promslog.Config{}
	promslogflag.AddFlags(app, logConfig)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	app.UsageWriter(os.Stdout)
	app.ErrorWriter(stderr)
	if _, err := app.Parse(args); err != nil {
		fmt.Fprintf(stderr, "%s: error: %v, try --help\n", exporterName, err)
		return 1
	}
	logConfig.Writer = stderr
	logger := promslog.New(logConfig)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := cfg.validate(); err != nil {
		logger.Error("invalid configuration", "err", err)
		return 1
	}
	// The toolkit reads the web configuration only once serving, and its
	// errors (a YAML parse error, a missing certificate) do not name the
	// file: check it first, so that a bad one is one line naming it.
	if f := *toolkitFlags.WebConfigFile; f != "" {
		if err := web.Validate(f); err != nil {
			logger.Error("invalid web configuration file", "file", f, "err", err)
			return 1
		}
	}

	logger.Info("starting "+exporterName, "version", version.Info(), "build_context", version.BuildContext())

	var demo *demoAPI
	if cfg.demo {
		var err error
		demo, err = startDemo(ctx, cfg, logger)
		if err != nil {
			logger.Error("cannot start the demo contact centre", "err", err)
			return 1
		}
		defer demo.Close()
	} else {
		warnLoosePermissions(cfg.credentialsFile, logger)
	}

	creds, err := cfg.loadCredentials(demo)
	if err != nil {
		logger.Error("cannot load credentials", "err", err)
		return 1
	}

	globalReg := prometheus.NewRegistry()
	globalReg.MustRegister(
		versioncollector.NewCollector(exporterName),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	apiMetrics := collector.NewAPIMetrics(globalReg)
	apiMetrics.Init("GetUsers")
	if cfg.acdStateCollector {
		apiMetrics.Init("GetACDState")
		apiMetrics.Init("GetQueues")
	}

	client, err := voxapi.NewClient(voxapi.Options{
		BaseURL:     cfg.apiURL,
		Credentials: creds,
		AccountID:   cfg.accountID,
		UserAgent:   exporterName + "/" + version.Version,
		Logger:      logger.With("component", "voxapi"),
		Observer:    apiMetrics,
		HTTPClient:  newAPIHTTPClient(cfg.pageConcurrency),
	})
	if err != nil {
		logger.Error("invalid API configuration", "err", err)
		return 1
	}
	src := collector.NewSource(client, collector.SourceOptions{
		Apps:            cfg.apps(),
		PageSize:        cfg.pageSize,
		PageConcurrency: cfg.pageConcurrency,
		CacheTTL:        cfg.cacheTTL,
		PassTimeout:     cfg.timeout,
		ACDState:        cfg.acdStateCollector,
		Logger:          logger.With("component", "collector"),
	})
	exp := collector.NewExporter(src, collector.Options{Users: cfg.usersCollector})

	mux := http.NewServeMux()
	mux.Handle(cfg.metricsPath, newMetricsHandler(exp, globalReg, cfg, logger))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("Healthy\n"))
	})
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("Ready\n"))
	})
	if cfg.metricsPath != "/" {
		landing, err := web.NewLandingPage(landingConfig(cfg))
		if err != nil {
			logger.Error("cannot build the landing page", "err", err)
			return 1
		}
		mux.Handle("/", landing)
	}

	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.ListenAndServe(srv, toolkitFlags, logger) }()

	select {
	case err := <-serveErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("cannot serve", "err", err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	logger.Info("shutting down: letting in-flight scrapes finish", "grace", cfg.shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Error("shutdown did not finish in time", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

func landingConfig(cfg *config) web.LandingConfig {
	desc := "Prometheus exporter for Voximplant contact centres"
	if cfg.demo {
		desc += " (demo mode: a simulated contact centre)"
	}
	return web.LandingConfig{
		Name:        "Voximplant Exporter",
		Description: desc,
		Version:     version.Info(),
		Links: []web.LandingLinks{
			{Address: cfg.metricsPath, Text: "Metrics"},
			{Address: "/-/healthy", Text: "Health"},
		},
	}
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
	if err != nil {
		return // the load reports it
	}
	if fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("credentials file is readable by other users; restrict it with chmod 600",
			"file", path, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
}
