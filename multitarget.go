package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/version"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// multiTarget serves many accounts from one exporter: /probe scrapes one
// account per request, /sd lists the accounts an auth module may act on.
// Its auth modules and modules are one targetSet, replaced whole when the
// configuration file is reloaded.
type multiTarget struct {
	cfg      *config
	flags    probeFlags
	apiURL   string
	log      *slog.Logger // component=probe
	base     *slog.Logger // the exporter's, for the targets' clients and collectors
	observer voxapi.RequestObserver
	http     *http.Client // every /probe target's: one shared bound on requests in flight
	now      func() time.Time
	stop     chan struct{} // ends the SIGHUP watch; nil without --config.file

	set atomic.Pointer[targetSet]
}

// targetSet is one configuration's auth modules and modules, and the
// per-target exporters made under it.
type targetSet struct {
	auths   map[string]*authModule
	modules map[string]*probeModule
	source  string // where it came from, for the log: the file, or "the flags"
	close   context.CancelFunc

	mu      sync.Mutex
	targets map[probeKey]*probeTarget
	closed  bool
}

// probeModule is what a /probe of a module reads: the applications and the
// collectors.
type probeModule struct {
	apps       []voxapi.AppSelector
	all        bool // every application of the target (GetApplications), not apps
	collectors []collector.Collector
	reads      collector.ReadOptions
}

type probeKey struct {
	auth, module string
	target       int64
}

// probeTarget is one account's exporter: its own passes, caches, reads
// and token.
type probeTarget struct {
	exp      *collector.Exporter
	lastUsed time.Time
	inUse    int
}

// client is a client of creds acting on account (0: the credentials' own),
// with its own share of the requests in flight.
func (mt *multiTarget) client(creds *voxapi.Credentials, account int64) (*voxapi.Client, error) {
	return voxapi.NewClient(voxapi.Options{
		BaseURL:               mt.apiURL,
		Credentials:           creds,
		AccountID:             account,
		UserAgent:             exporterName + "/" + version.Version,
		Logger:                mt.base.With("component", "voxapi"),
		Observer:              mt.observer,
		HTTPClient:            mt.http,
		MaxConcurrentRequests: mt.cfg.pageConcurrency,
	})
}

// acquire returns the exporter of one target, made on first use, and a
// release to call when the scrape is done. Targets nobody has scraped for
// --probe.idle-timeout are dropped first, so that memory follows the
// accounts scraped, not every account ever scraped. A module watching
// every application reads the target's (GetApplications) when it makes
// its exporter, within ctx; two first scrapes at once may both read them,
// and one exporter is kept.
func (mt *multiTarget) acquire(ctx context.Context, set *targetSet, key probeKey, am *authModule, m *probeModule) (*collector.Exporter, func(), error) {
	t, err := mt.held(set, key)
	if err != nil {
		return nil, nil, err
	}
	if t == nil {
		exp, err := mt.newTargetExporter(ctx, key, am, m)
		if err != nil {
			return nil, nil, err
		}
		set.mu.Lock()
		switch t = set.targets[key]; {
		case set.closed:
			set.mu.Unlock()
			exp.Close()
			return nil, nil, errReloaded
		case t != nil:
			exp.Close() // another scrape made it first
		default:
			t = &probeTarget{exp: exp}
			set.targets[key] = t
		}
		t.inUse++
		set.mu.Unlock()
	}
	return t.exp, func() {
		set.mu.Lock()
		defer set.mu.Unlock()
		t.inUse--
		t.lastUsed = mt.now()
	}, nil
}

var errReloaded = errors.New("the configuration was reloaded during the request: scrape again")

// held drops the idle targets and returns key's, in use, or nil.
func (mt *multiTarget) held(set *targetSet, key probeKey) (*probeTarget, error) {
	now := mt.now()
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.closed {
		return nil, errReloaded
	}
	for k, t := range set.targets {
		if t.inUse == 0 && now.Sub(t.lastUsed) > mt.flags.idleTimeout {
			t.exp.Close()
			delete(set.targets, k)
		}
	}
	t := set.targets[key]
	if t != nil {
		t.inUse++
	}
	return t, nil
}

// newTargetExporter makes one target's exporter: its client (acting on
// the target with the auth module's key) and, for a module of every
// application, the target's applications.
func (mt *multiTarget) newTargetExporter(ctx context.Context, key probeKey, am *authModule, m *probeModule) (*collector.Exporter, error) {
	acting := key.target
	if acting == am.ownID() {
		acting = 0
	}
	client, err := mt.client(am.creds, acting)
	if err != nil {
		return nil, err
	}
	apps := m.apps
	if m.all {
		found, err := client.GetApplications(ctx, voxapi.GetApplicationsParams{})
		if err != nil {
			return nil, fmt.Errorf("module %s watches every application, and those of account %d could not be read: %w", key.module, key.target, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("module %s watches every application, and account %d has none", key.module, key.target)
		}
		apps = nil
		for _, a := range found {
			apps = append(apps, voxapi.AppSelector{ID: a.ApplicationID})
		}
	}
	return collector.New(collector.Config{
		API:         client,
		Apps:        apps,
		Collectors:  m.collectors,
		PageSize:    mt.cfg.pageSize,
		Reads:       m.reads,
		CacheTTL:    mt.cfg.cacheTTL,
		PassTimeout: mt.cfg.timeout,
		Logger:      mt.base.With("component", "collector", "auth_module", key.auth, "module", key.module, "target", key.target),
	})
}

// targetsHeld is how many targets have state (tests and the landing page).
func (set *targetSet) targetsHeld() int {
	set.mu.Lock()
	defer set.mu.Unlock()
	return len(set.targets)
}

// shutdown ends every target's reads and the auth modules' listings.
func (set *targetSet) shutdown() {
	set.mu.Lock()
	defer set.mu.Unlock()
	set.closed = true
	for k, t := range set.targets {
		t.exp.Close()
		delete(set.targets, k)
	}
	set.close()
}

// swap installs a new set and shuts the old one down.
func (mt *multiTarget) swap(set *targetSet) {
	if old := mt.set.Swap(set); old != nil {
		old.shutdown()
	}
}
