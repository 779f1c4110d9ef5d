package collector

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Glance is the contact centre at a glance in one pass, for the landing
// page: per watched application its operators by status and per queue the
// live demand, the service level and the staffing. It holds aggregate
// numbers only, never a user, so that keeping the last one costs little
// (the pass's results themselves are not kept). It is read from the series
// the pass serves, so the page and /metrics never disagree.
type Glance struct {
	Apps []AppGlance // by application label
	// StatsWindow is the span the queue statistics cover; 0 when none
	// were read.
	StatsWindow time.Duration
}

// AppGlance is one watched application.
type AppGlance struct {
	Application string // the application label
	// Operators are the application's operators by ACD status, in
	// StatusOrder; empty when the users collector failed.
	Operators []StatusCount
	Queues    []QueueGlance // ACD queues, then SmartQueue queues, by name
}

// StatusCount is how many operators are in a status.
type StatusCount struct {
	Status string
	Count  float64
}

// QueueKind says which contact-centre product a queue belongs to.
type QueueKind string

// The queue kinds.
const (
	KindACD        QueueKind = "ACD"
	KindSmartQueue QueueKind = "SmartQueue"
)

// QueueGlance is one queue. A number the pass did not read (its collector
// is off or failed, or the queue had no calls) is NaN.
type QueueGlance struct {
	Kind     QueueKind
	ID, Name string
	// Waiting are the calls waiting now, and LongestWait the longest of
	// their waits (SmartQueue: call tasks in the queue).
	Waiting, LongestWait float64
	// Ready are the READY operators of the queue (SmartQueue: agents READY
	// on the call channel).
	Ready float64
	// ServiceLevels are the ratios over the statistics window, one per
	// threshold, and Required the operators each threshold and target
	// need; both by threshold, then target.
	ServiceLevels []ServiceLevel
	Required      []Required
	// Predicted are the service levels the operators now staffed on the
	// queue will deliver at the window's load, by threshold, then model.
	Predicted []Prediction
}

// Prediction is the share of calls the operators now staffed will answer
// within Threshold, by Model (erlang_c or erlang_a).
type Prediction struct {
	Threshold time.Duration
	Model     string
	Ratio     float64
}

// PredictedLevel is the service level the operators now staffed will
// deliver within threshold, by Erlang A where the queue has it, else
// Erlang C (the model the staffing alerts use); NaN when the pass has
// none.
func (q QueueGlance) PredictedLevel(threshold time.Duration) float64 {
	level, model := math.NaN(), ""
	for _, p := range q.Predicted {
		if p.Threshold == threshold && (model == "" || p.Model == modelErlangA) {
			level, model = p.Ratio, p.Model
		}
	}
	return level
}

// ServiceLevel is the share of calls answered within Threshold.
type ServiceLevel struct {
	Threshold time.Duration
	Ratio     float64
}

// Required is the operators a queue's load needs to answer Target of calls
// within Threshold.
type Required struct {
	Threshold time.Duration
	Target    float64
	Model     string // erlang_c or erlang_a
	Operators float64
}

// Staffing is the queue's service level and required operators (by Erlang
// A where the queue has it, else Erlang C) at its shortest threshold (the
// strictest promise it makes) for target;
// threshold is 0 and the numbers NaN when the pass read none.
func (q QueueGlance) Staffing(target float64) (threshold time.Duration, level, required float64) {
	level, required = math.NaN(), math.NaN()
	for _, s := range q.ServiceLevels {
		if threshold == 0 || s.Threshold < threshold {
			threshold = s.Threshold
		}
	}
	for _, r := range q.Required {
		if r.Target == target && (threshold == 0 || r.Threshold < threshold) {
			threshold = r.Threshold
		}
	}
	for _, s := range q.ServiceLevels {
		if s.Threshold == threshold {
			level = s.Ratio
		}
	}
	// Erlang A where the queue has it, Erlang C elsewhere: the model the
	// staffing alert uses.
	model := ""
	for _, r := range q.Required {
		if r.Threshold == threshold && r.Target == target && (model == "" || r.Model == modelErlangA) {
			required, model = r.Operators, r.Model
		}
	}
	return threshold, level, required
}

// StatusOrder is the order operators' statuses are listed in: the working
// day's, then any other status by name.
var StatusOrder = []string{"READY", "IN_SERVICE", "AFTER_SERVICE", "DIALING", "DND", "TIMEOUT", "BANNED", "ONLINE", "OFFLINE", StatusUnknown}

// glanceFamily is what the glance takes of a family: the kind of queue
// its series are of ("" for an application's), which number they give,
// and the label values a series must have to be taken.
type glanceFamily struct {
	kind QueueKind
	what glanceWhat
	only map[string]string
}

// glanceWhat is a number of the glance.
type glanceWhat int

const (
	wOperators glanceWhat = iota
	wWindow
	wReady
	wWaiting
	wLongestWait
	wServiceLevel
	wRequired
	wPredicted
)

// glanceFamilies maps the descriptors the collectors build their series
// from to what the glance takes of them. Matching the descriptor itself
// rather than its name: a renamed family still reaches the page. Of a
// queue's operators only READY ones are taken, and of SmartQueue only the
// call channel and call tasks waiting.
var glanceFamilies = map[*prometheus.Desc]glanceFamily{
	operatorsDesc:        {what: wOperators},
	qsWindowDesc:         {what: wWindow},
	queueOperatorsDesc:   {kind: KindACD, what: wReady, only: map[string]string{"acd_status": "READY"}},
	queueWaitingDesc:     {kind: KindACD, what: wWaiting},
	queueLongestWaitDesc: {kind: KindACD, what: wLongestWait},
	qsServiceLevelDesc:   {kind: KindACD, what: wServiceLevel},
	qsRequiredDesc:       {kind: KindACD, what: wRequired},
	qsPredictedSLDesc:    {kind: KindACD, what: wPredicted},
	sqAgentsDesc:         {kind: KindSmartQueue, what: wReady, only: map[string]string{"channel": "call", "sq_status": "READY"}},
	sqTasksDesc:          {kind: KindSmartQueue, what: wWaiting, only: map[string]string{"task_type": "call", "status": "in_queue"}},
	sqLongestWaitDesc:    {kind: KindSmartQueue, what: wLongestWait, only: map[string]string{"task_type": "call"}},
	sqServiceLevelDesc:   {kind: KindSmartQueue, what: wServiceLevel},
	sqRequiredDesc:       {kind: KindSmartQueue, what: wRequired},
	sqPredictedSLDesc:    {kind: KindSmartQueue, what: wPredicted},
}

// glanceSample is one series the glance uses: its family, its labels by
// name and its value.
type glanceSample struct {
	family glanceFamily
	labels map[string]string
	value  float64
}

// glanceSamples collects res once and keeps the series the glance uses,
// dropping the others (and every per-user one) as they come. It runs in
// the collector's own goroutine of the pass, outside every lock.
func glanceSamples(res *Result) []glanceSample {
	if res == nil || res.Collect == nil {
		return nil
	}
	ch := make(chan prometheus.Metric, 64)
	go func() {
		defer close(ch)
		res.Collect(ch)
	}()
	var out []glanceSample
	for m := range ch {
		fam, ok := glanceFamilies[m.Desc()]
		if !ok {
			continue
		}
		var pb dto.Metric
		if err := m.Write(&pb); err != nil || pb.GetGauge() == nil {
			continue
		}
		s := glanceSample{family: fam, value: pb.GetGauge().GetValue(), labels: make(map[string]string, len(pb.GetLabel()))}
		for _, l := range pb.GetLabel() {
			s.labels[l.GetName()] = l.GetValue()
		}
		if s.taken() {
			out = append(out, s)
		}
	}
	return out
}

// taken reports whether the series has the label values its family asks.
func (s glanceSample) taken() bool {
	for k, v := range s.family.only {
		if s.labels[k] != v {
			return false
		}
	}
	return true
}

// lazyGlance builds a pass's glance from its samples the first time it is
// asked for, outside the pass group's lock.
type lazyGlance struct {
	get func() Glance
}

func newLazyGlance(samples [][]glanceSample) *lazyGlance {
	return &lazyGlance{get: sync.OnceValue(func() Glance { return buildGlance(slices.Concat(samples...)) })}
}

// Glance is the contact centre at a glance in this pass.
func (st PassStatus) Glance() Glance {
	if st.glance == nil {
		return Glance{}
	}
	return st.glance.get()
}

// queueKey identifies a queue under an application.
type queueKey struct {
	app  string
	kind QueueKind
	id   string
}

// buildGlance groups samples by application and queue.
func buildGlance(samples []glanceSample) Glance {
	var g Glance
	ops := map[string]map[string]float64{}
	queues := map[queueKey]*QueueGlance{}
	apps := map[string]bool{}
	queue := func(s glanceSample) *QueueGlance {
		idLabel, nameLabel := "queue_id", "queue"
		if s.family.kind == KindSmartQueue {
			idLabel, nameLabel = "sq_queue_id", "sq_queue"
		}
		k := queueKey{app: s.labels["application"], kind: s.family.kind, id: s.labels[idLabel]}
		apps[k.app] = true
		q := queues[k]
		if q == nil {
			nan := math.NaN()
			q = &QueueGlance{Kind: k.kind, ID: k.id, Name: s.labels[nameLabel], Waiting: nan, LongestWait: nan, Ready: nan}
			queues[k] = q
		}
		return q
	}
	for _, s := range samples {
		threshold := labelSeconds(s.labels["threshold_seconds"])
		switch s.family.what {
		case wWindow:
			g.StatsWindow = time.Duration(s.value * float64(time.Second))
		case wOperators:
			app := s.labels["application"]
			apps[app] = true
			if ops[app] == nil {
				ops[app] = map[string]float64{}
			}
			ops[app][s.labels["acd_status"]] += s.value
		case wReady:
			queue(s).Ready = s.value
		case wWaiting:
			queue(s).Waiting = s.value
		case wLongestWait:
			queue(s).LongestWait = s.value
		case wServiceLevel:
			q := queue(s)
			q.ServiceLevels = append(q.ServiceLevels, ServiceLevel{Threshold: threshold, Ratio: s.value})
		case wRequired:
			q := queue(s)
			target, _ := strconv.ParseFloat(s.labels["target"], 64)
			q.Required = append(q.Required, Required{Threshold: threshold, Target: target, Model: s.labels["model"], Operators: s.value})
		case wPredicted:
			q := queue(s)
			q.Predicted = append(q.Predicted, Prediction{Threshold: threshold, Model: s.labels["model"], Ratio: s.value})
		}
	}
	for app := range apps {
		a := AppGlance{Application: app, Operators: orderedCounts(ops[app])}
		for k, q := range queues {
			if k.app == app {
				slices.SortFunc(q.ServiceLevels, func(x, y ServiceLevel) int { return cmp.Compare(x.Threshold, y.Threshold) })
				slices.SortFunc(q.Required, func(x, y Required) int {
					return cmp.Or(cmp.Compare(x.Threshold, y.Threshold), cmp.Compare(x.Target, y.Target), cmp.Compare(x.Model, y.Model))
				})
				slices.SortFunc(q.Predicted, func(x, y Prediction) int {
					return cmp.Or(cmp.Compare(x.Threshold, y.Threshold), cmp.Compare(x.Model, y.Model))
				})
				a.Queues = append(a.Queues, *q)
			}
		}
		slices.SortFunc(a.Queues, func(x, y QueueGlance) int {
			return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
		})
		g.Apps = append(g.Apps, a)
	}
	slices.SortFunc(g.Apps, func(x, y AppGlance) int { return cmp.Compare(x.Application, y.Application) })
	return g
}

// labelSeconds reads a threshold_seconds label; 0 when absent.
func labelSeconds(v string) time.Duration {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// orderedCounts lists counts in StatusOrder, then other statuses by name.
func orderedCounts(m map[string]float64) []StatusCount {
	out := make([]StatusCount, 0, len(m))
	for s, n := range m {
		out = append(out, StatusCount{Status: s, Count: n})
	}
	rank := func(s string) int {
		if i := slices.Index(StatusOrder, s); i >= 0 {
			return i
		}
		return len(StatusOrder)
	}
	slices.SortFunc(out, func(x, y StatusCount) int {
		return cmp.Or(cmp.Compare(rank(x.Status), rank(y.Status)), cmp.Compare(x.Status, y.Status))
	})
	return out
}
