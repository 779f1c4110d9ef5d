// Package collector is the Prometheus side of the exporter. A scrape is one
// shared pass over the Voximplant Management API in which every enabled
// Collector reads its own source (GetUsers, GetACDState, ...) in parallel
// with the others; the Exporter then writes one exposition of what they
// read, with each collector's success and duration beside it.
//
// A new collector is a file here: a type implementing Collector and an init
// that registers it (its --[no-]collector.<flag> switch, its own flags, its
// constructor and the API methods it calls), plus, if it reads a source no
// collector reads yet, that read declared in reads.go. The pass, the
// exposition and the other collectors do not change.
package collector

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector turns one API source into metrics for a pass. It reads
// through the pass (Pass.Users, Pass.Directory, ...), which makes every
// request and keeps every value between passes; the collector keeps no
// goroutine, lock or cache of its own.
type Collector interface {
	// Name is the collector's value of the collector label
	// (voximplant_scrape_collector_success{collector="..."}).
	Name() string
	// Update reads the source within ctx, the pass's deadline, and returns
	// what to serve. An error means none of the collector's series are
	// served in this scrape: a half-read source is never published.
	Update(ctx context.Context, p *Pass) (*Result, error)
}

// Result is what one collector serves for one pass. It is immutable once
// returned: several scrapes may serve it at once.
type Result struct {
	// Collect sends the result's series as const metrics, made afresh on
	// each call.
	Collect func(ch chan<- prometheus.Metric)
	// Streams are families too large to build as const metrics (several
	// series per user): the exposition streams them.
	Streams []*StreamFamily
}

// Settings are what every collector's constructor gets.
type Settings struct {
	Logger *slog.Logger
	// Now is the clock of windows; default time.Now.
	Now func() time.Time
	// PerUser enables the per-user (and per-agent) families:
	// --[no-]collector.users.
	PerUser bool
	// Staffing is the statistics window and staffing targets of the
	// collectors that read queue statistics; zero fields take
	// DefaultStaffing's.
	Staffing StaffingOptions
	// Registerer takes a collector's process-wide metrics (counters that
	// outlive passes); nil keeps them unregistered.
	Registerer prometheus.Registerer
}

func (s Settings) withDefaults() Settings {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.Staffing = s.Staffing.withDefaults()
	return s
}

func (s Settings) forCollector(name string) Settings {
	s = s.withDefaults()
	s.Logger = s.Logger.With("collector", name)
	return s
}

// spec is one registered collector.
type spec struct {
	name      string // the collector label value
	flag      string // --collector.<flag>; "" for users, which is always on
	defaultOn bool
	help      string
	// methods are the API methods the collector calls, so that their
	// request counters start at zero instead of appearing on the first
	// request.
	methods []string
	// up, when set, is a legacy health gauge of the collector's own
	// (voximplant_up for users), served 1 or 0 with its success whether
	// or not its other series are.
	up *prometheus.Desc
	// define adds the collector's own flags, if any, and returns its
	// constructor over their parsed values.
	define func(app *kingpin.Application) func(Settings) (Collector, error)
}

var specs []spec

// register adds a collector; each collector file calls it from init.
func register(s spec) {
	if s.define == nil {
		panic("collector: " + s.name + " registered without a constructor")
	}
	specs = append(specs, s)
	slices.SortFunc(specs, func(a, b spec) int { return strings.Compare(a.name, b.name) })
}

func specOf(name string) (spec, bool) {
	i := slices.IndexFunc(specs, func(s spec) bool { return s.name == name })
	if i < 0 {
		return spec{}, false
	}
	return specs[i], true
}

// Methods lists the API methods the named collector calls.
func Methods(name string) []string {
	s, _ := specOf(name)
	return slices.Clone(s.methods)
}

// upDescOf is the named collector's legacy health gauge, or nil.
func upDescOf(name string) *prometheus.Desc {
	s, _ := specOf(name)
	return s.up
}
