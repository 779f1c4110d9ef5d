package collector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/kingpin/v2"
)

// Selection is the parsed --[no-]collector.* flags and the read intervals.
type Selection struct {
	perUser  bool
	staffing StaffingOptions
	reads    ReadOptions
	on       map[string]*bool
	given    map[string]*bool
	build    map[string]func(Settings) (Collector, error)
}

// AddFlags adds --[no-]collector.<flag> for every optional collector, each
// collector's own flags, the read intervals, and --[no-]collector.users,
// which switches the per-user series of every collector.
func AddFlags(app *kingpin.Application) *Selection {
	sel := &Selection{
		on:    map[string]*bool{},
		given: map[string]*bool{},
		build: map[string]func(Settings) (Collector, error){},
	}
	app.Flag("collector.users", "Per-user series (voximplant_user_*, voximplant_sq_agent_*): several series per user. The users collector itself (GetUsers, voximplant_up) is always on (default: on).").
		Default("true").BoolVar(&sel.perUser)
	addStaffingFlags(app, &sel.staffing)
	addReadFlags(app, &sel.reads)
	for _, s := range specs {
		sel.build[s.name] = s.define(app)
		if s.flag == "" {
			continue // always on
		}
		state := "off"
		if s.defaultOn {
			state = "on"
		}
		on, given := new(bool), new(bool)
		app.Flag("collector."+s.flag, fmt.Sprintf("%s (default: %s).", s.help, state)).
			Default(fmt.Sprint(s.defaultOn)).IsSetByUser(given).BoolVar(on)
		sel.on[s.name], sel.given[s.name] = on, given
	}
	return sel
}

// addReadFlags adds the intervals of the reads made at most once per
// interval, each named for what it reads.
func addReadFlags(app *kingpin.Application, o *ReadOptions) {
	d := DefaultReadOptions
	app.Flag("voximplant.directory-refresh", "Read the queue directory (GetQueues: queue names and settings) at most this often; scrapes in between serve the last read.").
		Default(d.DirectoryRefresh.String()).DurationVar(&o.DirectoryRefresh)
	app.Flag("collector.queue-stats.refresh", "Read queue statistics (GetACDQueueStatistics) at most this often; scrapes in between serve the last read.").
		Default(d.QueueStatsRefresh.String()).DurationVar(&o.QueueStatsRefresh)
	app.Flag("collector.smartqueue.refresh", "Read SmartQueue realtime metrics (GetSmartQueueRealtimeMetrics) at most this often; scrapes in between serve the last read.").
		Default(d.SmartQueueRefresh.String()).DurationVar(&o.SmartQueueRefresh)
	app.Flag("collector.operator-stats.refresh", "Read operator statistics (GetACDOperatorStatusStatistics, GetACDOperatorStatistics) at most this often; scrapes in between serve the last read.").
		Default(d.OperatorStatsRefresh.String()).DurationVar(&o.OperatorStatsRefresh)
	app.Flag("collector.account.refresh", "Read the account's balance and state (GetAccountInfo) at most this often; scrapes in between serve the last read.").
		Default(d.AccountRefresh.String()).DurationVar(&o.AccountRefresh)
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
		if on := s.on[sp.name]; on != nil && *on {
			out = append(out, sp.name)
		}
	}
	return out
}

// Reads are the read intervals as given.
func (s *Selection) Reads() ReadOptions { return s.reads }

// Build constructs the users collector and the enabled optional ones.
// Each checks its own flags: an error names the flag.
func (s *Selection) Build(st Settings) ([]Collector, error) {
	if err := s.staffing.validate(); err != nil {
		return nil, err
	}
	if err := s.reads.validate(); err != nil {
		return nil, err
	}
	st.PerUser, st.Staffing = s.perUser, s.staffing
	st = st.withDefaults()
	var out []Collector
	for _, name := range s.Enabled() {
		c, err := s.build[name](st.forCollector(name))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ServiceLevelTarget is the first --collector.queue-stats.service-level-target:
// the target the landing page holds service levels against, since the
// exporter does not know the per-queue targets kept in Prometheus.
func (s *Selection) ServiceLevelTarget() float64 { return s.staffing.withDefaults().Targets[0] }

// BuildOnly constructs the users collector and the named ones, whatever
// their switches, with the flags' settings (and perUser, when set, for
// --collector.users): a module of --config.file names the collectors it
// turns on. An unknown name is an error listing the known ones.
func (s *Selection) BuildOnly(st Settings, names []string, perUser *bool) ([]Collector, error) {
	if err := s.staffing.validate(); err != nil {
		return nil, err
	}
	st.PerUser, st.Staffing = s.perUser, s.staffing
	if perUser != nil {
		st.PerUser = *perUser
	}
	want := []string{UsersCollector}
	for _, n := range names {
		if _, ok := s.build[n]; !ok {
			return nil, fmt.Errorf("unknown collector %q: the collectors are %s", n, strings.Join(s.known(), ", "))
		}
		if !slices.Contains(want, n) {
			want = append(want, n)
		}
	}
	var out []Collector
	for _, name := range want {
		c, err := s.build[name](st.forCollector(name))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// known lists every collector's name, users first.
func (s *Selection) known() []string {
	out := []string{UsersCollector}
	for _, sp := range specs {
		if sp.name != UsersCollector {
			out = append(out, sp.name)
		}
	}
	return out
}
