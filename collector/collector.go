package collector

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// Options select what the collector emits.
type Options struct {
	// Users enables the per-user families (one series or more per user).
	Users bool
}

// Exporter serves metrics from a Source. It holds no metric state: every
// scrape builds its const metrics afresh from a snapshot.
type Exporter struct {
	src  *Source
	opts Options
}

// NewExporter builds an Exporter over src.
func NewExporter(src *Source, opts Options) *Exporter {
	return &Exporter{src: src, opts: opts}
}

// Collector returns a prometheus.Collector bound to one scrape's context,
// for a registry built per request: the scrape's deadline bounds the API
// pass it waits for.
func (e *Exporter) Collector(ctx context.Context) prometheus.Collector {
	return &scrape{ctx: ctx, e: e, users: e.opts.Users}
}

type scrape struct {
	ctx context.Context
	e   *Exporter
	// users emits the per-user families as const metrics (Collector);
	// a Scrape streams them instead and shares its snapshot.
	users    bool
	snapshot func() *Snapshot // nil: a fresh one from the source per Collect
}

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{upDesc, scrapeDurationDesc, snapshotTimestampDesc,
		operatorsDesc, skillOperatorsDesc, queueOperatorsDesc, oldestChangeDesc} {
		ch <- d
	}
	if s.e.src.acd != nil {
		for _, d := range []*prometheus.Desc{acdStateUpDesc, queueWaitingDesc, queueLongestWaitDesc,
			queueServicingDesc, queueReadyDesc, queueLockedDesc, queueAfterServiceDesc} {
			ch <- d
		}
	}
	if s.users {
		for _, d := range []*prometheus.Desc{userInfoDesc, userStatusDesc, userStatusChangeDesc,
			userLiveBalanceDesc, userFixedBalanceDesc, userQueueInfoDesc, userSkillInfoDesc, userActiveDesc} {
			ch <- d
		}
	}
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	var snap *Snapshot
	if s.snapshot != nil {
		snap = s.snapshot()
	} else {
		snap = s.e.src.Snapshot(s.ctx)
	}
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, snap.Duration.Seconds())
	if snap.ACD != nil {
		collectACD(ch, snap.ACD)
	}
	if snap.Err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(snapshotTimestampDesc, prometheus.GaugeValue, unixSeconds(snap.FetchedAt))

	for _, au := range snap.Apps {
		collectAggregate(ch, aggregate(au.App.String(), au.Users))
	}
	if s.users {
		collectUsers(ch, snap.Apps)
	}
}

func collectAggregate(ch chan<- prometheus.Metric, a *appAggregate) {
	for st, n := range a.counts {
		ch <- prometheus.MustNewConstMetric(operatorsDesc, prometheus.GaugeValue, float64(n), a.app, st)
	}
	for _, g := range a.skills {
		id := strconv.FormatInt(g.id, 10)
		for st, n := range g.counts {
			ch <- prometheus.MustNewConstMetric(skillOperatorsDesc, prometheus.GaugeValue, float64(n), a.app, id, g.name, st)
		}
	}
	for _, g := range a.queues {
		id := strconv.FormatInt(g.id, 10)
		for st, n := range g.counts {
			ch <- prometheus.MustNewConstMetric(queueOperatorsDesc, prometheus.GaugeValue, float64(n), a.app, id, g.name, st)
		}
	}
	for st, t := range a.oldest {
		ch <- prometheus.MustNewConstMetric(oldestChangeDesc, prometheus.GaugeValue, unixSeconds(t), a.app, st)
	}
}

func isDocumented(status string) bool {
	for _, s := range voxapi.Statuses {
		if s == status {
			return true
		}
	}
	return false
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
