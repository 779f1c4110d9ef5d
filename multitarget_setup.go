package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// defaultName is the auth module and module that /probe and /sd use when
// the request names none, and the ones the flags make without
// --config.file: the flags' credentials, applications and collectors.
const defaultName = "default"

// multiTargetDeps are what build has made that /probe and /sd share with
// /metrics.
type multiTargetDeps struct {
	apiURL     string
	creds      *voxapi.Credentials // the flags' (or the demo's)
	apps       []voxapi.AppSelector
	collectors []collector.Collector
	observer   voxapi.RequestObserver
}

// newMultiTarget makes /probe and /sd from the flags: the auth module and
// module "default".
func newMultiTarget(cfg *config, d multiTargetDeps, logger *slog.Logger) (*multiTarget, error) {
	tr := newAPIHTTPClient(cfg.probe.apiConcurrency)
	mt := &multiTarget{
		cfg: cfg, flags: cfg.probe, apiURL: d.apiURL, observer: d.observer, now: time.Now,
		log: logger.With("component", "probe"), base: logger,
		http: &http.Client{Transport: newLimitTransport(cfg.probe.apiConcurrency, tr.Transport)},
	}
	if f := cfg.probe.configFile; f != "" {
		set, err := mt.loadConfigFile(f)
		if err != nil {
			return nil, err
		}
		mt.swap(set)
		mt.stop = make(chan struct{})
		mt.watchSIGHUP(mt.stop)
		mt.log.Info("/probe and /sd serve the configuration file", "file", f, "auth_modules", len(set.auths), "modules", len(set.modules))
		return mt, nil
	}
	set, err := mt.flagSet(d)
	if err != nil {
		return nil, err
	}
	mt.swap(set)
	return mt, nil
}

// flagSet is the target set the flags make.
func (mt *multiTarget) flagSet(d multiTargetDeps) (*targetSet, error) {
	life, cancel := context.WithCancel(context.Background())
	set := &targetSet{source: "the command line", close: cancel, targets: map[probeKey]*probeTarget{},
		modules: map[string]*probeModule{defaultName: {apps: d.apps, collectors: d.collectors, reads: mt.cfg.collectors.Reads()}}}
	am, err := newAuthModule(life, defaultName, d.creds, nil, mt)
	if err != nil {
		cancel()
		return nil, err
	}
	set.auths = map[string]*authModule{defaultName: am}
	return set, nil
}

// handle adds /probe and /sd to mux.
// /probe shares --web.max-requests' bound with nothing else: each
// endpoint has its own.
func (mt *multiTarget) handle(mux *http.ServeMux) {
	if p := mt.cfg.metricsPath; p == "/probe" || p == "/sd" {
		mt.log.Warn("--web.telemetry-path takes the path of a many-accounts endpoint: /probe and /sd are not served", "path", p)
		return
	}
	mux.Handle("/probe", gzhttp.GzipHandler(bounded(http.HandlerFunc(mt.serveProbe), mt.cfg.maxRequests)))
	mux.HandleFunc("/sd", mt.serveSD)
	mux.HandleFunc("/-/reload", mt.serveReload)
}

// Close ends every target's reads.
func (mt *multiTarget) Close() {
	if mt.stop != nil {
		close(mt.stop)
		mt.stop = nil
	}
	if set := mt.set.Swap(nil); set != nil {
		set.shutdown()
	}
}
