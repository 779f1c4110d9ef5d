// Package collector is the Prometheus side of the exporter. A scrape is one
// shared pass over the Voximplant Management API in which every enabled
// Collector reads its own source (GetUsers, GetACDState, ...) in parallel
// with the others; the Exporter then writes one exposition of what they
// read, with each collector's success and duration beside it.
//
// A new collector is one file here: a type implementing Collector, and an
// init that registers it (its --[no-]collector.<flag> switch, its own flags
// and its constructor). The pass, the exposition and the other collectors
// do not change.
package collector

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector reads one API source for a scrape.
type Collector interface {
	// Name is the collector's value of the collector label
	// (voximplant_scrape_collector_success{collector="..."}).
	Name() string
	// Update reads the source within ctx, the pass's deadline, and returns
	// what to serve. An error means none of the collector's series are
	// served in this scrape: a half-read source is never published.
	Update(ctx context.Context, p *Pass) (Result, error)
}

// Result is what one collector read in one pass. It is immutable once
// returned: several scrapes may serve it at once.
type Result interface {
	// Collect sends the result's series as const metrics.
	Collect(ch chan<- prometheus.Metric)
}

// Streamer is a Result with families too large to build as const metrics
// (several series per user): the exposition streams them.
type Streamer interface {
	StreamFamilies() []*StreamFamily
}

// UpReporter is a Collector with a legacy health gauge of its own
// (voximplant_up for users), served 1 or 0 with its success whether or not
// its other series are.
type UpReporter interface {
	UpDesc() *prometheus.Desc
}

// Settings are what every collector's constructor gets.
type Settings struct {
	Logger *slog.Logger
	// Now is the clock of caches and windows; default time.Now.
	Now func() time.Time
	// PerUser enables the per-user (and per-agent) families:
	// --[no-]collector.users.
	PerUser bool
	// Staffing is the statistics window and staffing targets of the
	// collectors that read queue statistics; zero fields take
	// DefaultStaffing's.
	Staffing StaffingOptions
}

func (s Settings) withDefaults() Settings {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	d := DefaultStaffing
	if s.Staffing.Window == 0 {
		s.Staffing.Window = d.Window
	}
	if s.Staffing.Refresh == 0 {
		s.Staffing.Refresh = d.Refresh
	}
	if s.Staffing.Threshold == 0 {
		s.Staffing.Threshold = d.Threshold
	}
	if len(s.Staffing.Targets) == 0 {
		s.Staffing.Targets = d.Targets
	}
	if s.Staffing.MaxOccupancy == 0 {
		s.Staffing.MaxOccupancy = d.MaxOccupancy
	}
	return s
}

// spec is one registered collector.
type spec struct {
	name      string // the collector label value
	flag      string // --collector.<flag>
	defaultOn bool
	help      string
	// define adds the collector's own flags, if any, and returns its
	// constructor over their parsed values.
	define func(app *kingpin.Application) func(Settings) (Collector, error)
}

var specs []spec

// register adds an optional collector; each collector file calls it from
// init. The users collector is not registered: it is always on, since
// voximplant_up is its success.
func register(s spec) {
	if s.define == nil {
		panic("collector: " + s.name + " registered without a constructor")
	}
	specs = append(specs, s)
	slices.SortFunc(specs, func(a, b spec) int { return strings.Compare(a.name, b.name) })
}

// Selection is the parsed --[no-]collector.* flags.
type Selection struct {
	perUser  bool
	staffing StaffingOptions
	on       map[string]*bool
	given    map[string]*bool
	build    map[string]func(Settings) (Collector, error)
}

// AddFlags adds --[no-]collector.<flag> for every registered collector,
// each collector's own flags, and --[no-]collector.users, which switches
// the per-user series of every collector.
func AddFlags(app *kingpin.Application) *Selection {
	sel := &Selection{
		on:    map[string]*bool{},
		given: map[string]*bool{},
		build: map[string]func(Settings) (Collector, error){},
	}
	app.Flag("collector.users", "Per-user series (voximplant_user_*, voximplant_sq_agent_*): several series per user. The users collector itself (GetUsers, voximplant_up) is always on (default: on).").
		Default("true").BoolVar(&sel.perUser)
	addStaffingFlags(app, &sel.staffing)
	for _, s := range specs {
		state := "off"
		if s.defaultOn {
			state = "on"
		}
		on, given := new(bool), new(bool)
		app.Flag("collector."+s.flag, fmt.Sprintf("%s (default: %s).", s.help, state)).
			Default(fmt.Sprint(s.defaultOn)).IsSetByUser(given).BoolVar(on)
		sel.on[s.name], sel.given[s.name] = on, given
		sel.build[s.name] = s.define(app)
	}
	return sel
}

// EnableAllNotGiven turns on every collector whose switch was not given on
// the command line, for --demo.
func (s *Selection) EnableAllNotGiven() {
	for name, on := range s.on {
		if !*s.given[name] {
			*on = true
		}
	}
}

// Enabled lists the enabled collectors by name, users first, then in
// name order.
func (s *Selection) Enabled() []string {
	out := []string{UsersCollector}
	for _, sp := range specs {
		if *s.on[sp.name] {
			out = append(out, sp.name)
		}
	}
	return out
}

// Build constructs the users collector and the enabled optional ones.
// Each checks its own flags: an error names the flag.
func (s *Selection) Build(st Settings) ([]Collector, error) {
	if err := s.staffing.validate(); err != nil {
		return nil, err
	}
	st.PerUser, st.Staffing = s.perUser, s.staffing
	st = st.withDefaults()
	out := []Collector{NewUsers(st.forCollector(UsersCollector))}
	for _, name := range s.Enabled()[1:] {
		c, err := s.build[name](st.forCollector(name))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s Settings) forCollector(name string) Settings {
	s = s.withDefaults()
	s.Logger = s.Logger.With("collector", name)
	return s
}

// Registration is one optional collector as registered.
type Registration struct {
	Name, Flag string
	DefaultOn  bool
}

// Registered lists the optional collectors in name order.
func Registered() []Registration {
	out := make([]Registration, len(specs))
	for i, s := range specs {
		out[i] = Registration{Name: s.name, Flag: s.flag, DefaultOn: s.defaultOn}
	}
	return out
}

// methodLister is a Collector that says which API methods it calls, so
// that their request counters start at zero instead of appearing on the
// first request.
type methodLister interface {
	Methods() []string
}

// Methods lists the API methods c calls, where it says.
func Methods(c Collector) []string {
	if m, ok := c.(methodLister); ok {
		return m.Methods()
	}
	return nil
}
