package voxsim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// GenConfig sizes a generated contact centre. Zero fields take the demo
// defaults: 60 operators, 2 applications, 5 skills, 4 queues.
type GenConfig struct {
	Users, Apps, Skills, Queues int
	// Seed makes the account reproducible: equal configs give equal
	// accounts.
	Seed int64
	// Now anchors every timestamp; zero means time.Now().
	Now time.Time
	// AccountID names the account (Account.ID); default 1000001. Auth
	// still follows Config.Credentials.
	AccountID int64
	// SmartQueues, when above 0, adds that many SmartQueue queues under
	// an extra application "smartqueue" (see generateSmartQueue).
	SmartQueues int
}

// newRand returns the generator's deterministic source for seed.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// person is a name pool entry: the display form (often non-ASCII, as real
// operators' names are) and the ASCII form logins are made of.
type person struct{ display, ascii string }

var (
	firstNames = []person{
		{"Anna", "anna"}, {"Анна", "anna"}, {"Дмитрий", "dmitry"}, {"Ольга", "olga"}, {"José", "jose"},
		{"María", "maria"}, {"Zoë", "zoe"}, {"Jürgen", "juergen"}, {"Søren", "soeren"}, {"Chloé", "chloe"},
		{"Łukasz", "lukasz"}, {"Aylin", "aylin"}, {"Mehmet", "mehmet"}, {"李", "li"}, {"Yuki", "yuki"},
		{"Priya", "priya"}, {"John", "john"}, {"Emma", "emma"}, {"Liam", "liam"}, {"Olivia", "olivia"},
		{"Noah", "noah"}, {"Fatima", "fatima"}, {"Omar", "omar"}, {"Kateřina", "katerina"}, {"Ivan", "ivan"},
		{"Sofia", "sofia"}, {"Mateo", "mateo"}, {"Aoife", "aoife"}, {"Björn", "bjoern"}, {"Elena", "elena"},
	}
	lastNames = []person{
		{"Petrova", "petrova"}, {"Иванов", "ivanov"}, {"Смирнова", "smirnova"}, {"García", "garcia"},
		{"Müller", "mueller"}, {"Ødegaard", "odegaard"}, {"Nowak", "nowak"}, {"Yılmaz", "yilmaz"},
		{"Wang", "wang"}, {"Tanaka", "tanaka"}, {"Sharma", "sharma"}, {"Smith", "smith"}, {"Jones", "jones"},
		{"Brown", "brown"}, {"Dubois", "dubois"}, {"Rossi", "rossi"}, {"Novák", "novak"}, {"Haddad", "haddad"},
		{"O'Brien", "obrien"}, {"Kowalski", "kowalski"}, {"Silva", "silva"}, {"Lindqvist", "lindqvist"},
	}
	appNames   = []string{"support", "sales", "billing", "retention", "callback", "vip"}
	skillNames = []string{"English", "Spanish", "German", "Billing", "Technical support", "Sales", "VIP", "Retention", "Русский", "Français"}
	queueNames = []string{"Support L1", "Sales", "Billing", "Support L2", "Callbacks", "VIP line", "Retention", "Overflow"}
	teams      = []string{"north", "south", "night", "escalations"}

	// initialMix is the generated status mix, in per mille: most staffed
	// operators are on calls or ready, a few on breaks, a handful banned.
	initialMix = []weighted{
		{StatusReady, 250}, {StatusInService, 300}, {StatusAfterService, 100}, {StatusOnline, 70},
		{StatusDND, 50}, {StatusTimeout, 70}, {StatusOffline, 140}, {StatusBanned, 20},
	}
)

// Generate builds a realistic contact centre: named operators (some
// non-ASCII), each in 1..2 applications with 1..3 skills and 1..2 queues of
// those applications, a plausible mix of ACD statuses changed in the recent
// past, a few inactive users and users without an ACD status, and some users
// with their own balance. Queues have settings and a call rate matched to
// their operators, with surges, so Evolve's queues mostly keep up and
// sometimes build up, and the busiest queue has a scheduled busy period
// 1-2 minutes after Now (see scheduleBusyPeriod) so that a demo shows one
// within minutes; every IN_SERVICE operator is on a call. The same
// GenConfig always gives the same Account, and the same Seed the same ids,
// names and bindings whatever Now is.
func Generate(cfg GenConfig) Account {
	cfg.Users = cmpOr(cfg.Users, 60)
	cfg.Apps = max(cmpOr(cfg.Apps, 2), 1)
	cfg.Skills = max(cmpOr(cfg.Skills, 5), 1)
	cfg.Queues = max(cmpOr(cfg.Queues, 4), 1)
	cfg.AccountID = cmpOr(cfg.AccountID, 1000001)
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	now := cfg.Now.UTC().Truncate(time.Second)
	rng := newRand(cfg.Seed, 0x6765_6e65_7261_7465) // "generate"
	ago := func(lo, hi time.Duration) time.Time {
		return now.Add(-lo - time.Duration(rng.Int64N(int64(hi-lo)+1))).Truncate(time.Second)
	}

	acct := Account{ID: cfg.AccountID}
	for i := range cfg.Apps {
		name := appNames[i%len(appNames)]
		if i >= len(appNames) {
			name = fmt.Sprintf("%s%d", name, i/len(appNames)+1)
		}
		acct.Apps = append(acct.Apps, Application{
			ID:                  10_500_000 + int64(i)*17 + rng.Int64N(17),
			Name:                name + ".acme-demo.n2.voximplant.com",
			Modified:            ago(24*time.Hour, 400*24*time.Hour),
			SecureRecordStorage: rng.IntN(4) == 0,
		})
	}
	for i := range cfg.Skills {
		acct.Skills = append(acct.Skills, Skill{ID: 300 + int64(i), Name: poolName(skillNames, i)})
	}
	for i := range cfg.Queues {
		acct.Queues = append(acct.Queues, Queue{
			ID:            8_000 + int64(i),
			Name:          poolName(queueNames, i),
			ApplicationID: acct.Apps[i%len(acct.Apps)].ID,
		})
	}

	logins := map[string]bool{}
	nextID := int64(2_400_000)
	for range cfg.Users {
		nextID += 1 + rng.Int64N(7) // real ids have gaps
		first, last := pick(rng, firstNames), pick(rng, lastNames)
		login := first.ascii + "." + last.ascii
		for n := 2; logins[login]; n++ {
			login = fmt.Sprintf("%s.%s%d", first.ascii, last.ascii, n)
		}
		logins[login] = true

		created := ago(30*24*time.Hour, 3*365*24*time.Hour)
		u := User{
			ID:               nextID,
			Name:             login,
			DisplayName:      first.display + " " + last.display,
			Active:           rng.IntN(100) >= 3,
			ParentAccounting: rng.IntN(100) >= 15,
			Created:          created,
			Modified:         created.Add(time.Duration(rng.Int64N(int64(now.Sub(created)) + 1))).Truncate(time.Second),
		}
		if rng.IntN(10) > 0 {
			u.Frozen = new(bool)
		}
		if rng.IntN(5) == 0 {
			u.CustomData = fmt.Sprintf(`{"team":%q}`, pick(rng, teams))
		}
		if !u.ParentAccounting {
			u.LiveBalance = round4(5 + rng.Float64()*245)
			u.FixedBalance = round4(u.LiveBalance + rng.Float64()*2)
		}
		u.Apps = pickApps(rng, acct.Apps)
		u.Skills = pickN(rng, acct.Skills, 1+rng.IntN(3))
		u.Queues = pickQueues(rng, acct.Queues, u.Apps)

		switch {
		case !u.Active:
			u.Status = StatusOffline
		case rng.IntN(100) == 0:
			// Not an ACD operator: acd_status is absent.
		default:
			u.Status = pickWeighted(rng, initialMix)
		}
		if u.Status != "" {
			hi := agentModel[u.Status].dwell[1]
			u.StatusChange = ago(0, hi)
		}
		acct.Users = append(acct.Users, u)
	}
	// Queue settings and calls come from their own stream, so that the
	// users are what they were before queues had demand.
	qrng := newRand(cfg.Seed, 0x71_7565_7565_7300) // "queues"
	for i := range acct.Queues {
		setQueueDemand(qrng, &acct.Queues[i], acct.Users, now)
	}
	// Service-level thresholds and queue skills: a third stream again, so
	// adding them changed nothing drawn before.
	srng := newRand(cfg.Seed, 0x736c_736b_696c_6c73) // "slskills"
	for i := range acct.Queues {
		q := &acct.Queues[i]
		q.SLThresholds = [][]int{{20}, {20, 60}, {30}, {20, 60}}[srng.IntN(4)]
		q.Skills = pickN(srng, acct.Skills, 1+srng.IntN(2))
	}
	scheduleBusyPeriod(srng, acct.Queues, now)
	acct.Calls = servedCalls(qrng, acct, now)
	generateSmartQueue(&acct, cfg.SmartQueues, cfg.Seed, now)
	return acct
}

// callsPerOperatorHour is the generated demand per operator: with the
// service times below it keeps about a third of the operators on calls, as
// the timer model did, so queues mostly keep up and build up in surges.
const callsPerOperatorHour = 4.6

// setQueueDemand gives a generated queue plausible settings and a call
// rate matched to the operators bound to it (an operator bound to two
// queues counts half in each), with surges that outrun them.
func setQueueDemand(rng *rand.Rand, q *Queue, users []User, now time.Time) {
	staff := 0.0
	for i := range users {
		if u := &users[i]; u.Active && u.Status != "" && hasQueueID(u, q.ID) {
			staff += 1 / float64(len(u.Queues))
		}
	}
	q.Priority = []int{0, 10, 50, 100}[rng.IntN(4)]
	q.AutoBinding = rng.IntN(3) > 0
	q.ServiceProbability = []float64{1, 1, 0.9, 0.75}[rng.IntN(4)]
	q.MaxQueueSize = 20 + 5*rng.IntN(7)
	q.MaxWaitingTime = 10 + 5*rng.IntN(5)
	q.AverageServiceTime = 120 + 10*rng.IntN(19) // 120-300 s
	q.Created = now.Add(-time.Duration(30+rng.IntN(700)) * 24 * time.Hour).Truncate(time.Second)
	q.Modified = q.Created.Add(time.Duration(rng.Int64N(int64(now.Sub(q.Created)) + 1))).Truncate(time.Second)
	q.CallsPerHour = math.Round(staff*callsPerOperatorHour*(0.9+0.2*rng.Float64())*10) / 10
	if q.CallsPerHour == 0 {
		q.CallsPerHour = 1 // no operator: callers still come, and wait
	}
	q.Surge = math.Round((2.5+rng.Float64())*10) / 10
	// Mean patience 3-6 minutes (exponential, as Evolve draws it): enough
	// callers hang up over the demo's first half hour for the exporter to
	// measure the patience (Erlang A needs at least 5 abandoned calls in
	// the window) while the service stays mostly in target; 5-10 minutes
	// left the demo's queues with about 4% abandoned and no estimate, 2-4
	// minutes lost a quarter of the busy period's callers.
	q.Patience = time.Duration(72+rng.IntN(73)) * 2500 * time.Millisecond
}

// The generated busy period: the busiest queue's demand multiplies by
// busySurge from 60-120 s after the snapshot for busyFor, so that the demo
// shows, within its first ten minutes, callers piling up, the service
// level falling below its target and more operators needed than are READY.
const (
	busySurge   = 5.0
	busyFor     = 6 * time.Minute
	busyDelayLo = 60 * time.Second
)

// scheduleBusyPeriod gives the queue with the highest call rate (the
// first of equals) a busy period soon after now.
func scheduleBusyPeriod(rng *rand.Rand, queues []Queue, now time.Time) {
	busiest := -1
	for i, q := range queues {
		if busiest < 0 || q.CallsPerHour > queues[busiest].CallsPerHour {
			busiest = i
		}
	}
	delay := busyDelayLo + time.Duration(rng.IntN(61))*time.Second
	if busiest < 0 {
		return
	}
	q := &queues[busiest]
	q.Surge = max(q.Surge, busySurge)
	q.BusyAt, q.BusyFor = now.Add(delay), busyFor
}

// servedCalls gives every generated IN_SERVICE operator the call they are
// on, in one of their queues, answered when their status changed.
func servedCalls(rng *rand.Rand, acct Account, now time.Time) []Call {
	var calls []Call
	id := int64(70_000_000)
	for _, u := range acct.Users {
		if u.Status != StatusInService || !u.Active || len(u.Queues) == 0 {
			continue
		}
		id += 1 + rng.Int64N(40)
		calls = append(calls, Call{
			ID:       id,
			QueueID:  pick(rng, u.Queues).ID,
			Priority: []int{50, 50, 50, 50, 50, 50, 50, 50, 20, 1}[rng.IntN(10)],
			Arrived:  u.StatusChange.Add(-time.Duration(rng.IntN(90)) * time.Second),
			CallerID: fmt.Sprintf("+1%d%09d", 2+rng.IntN(8), rng.Int64N(1_000_000_000)),
			Operator: u.ID,
			Answered: u.StatusChange,
		})
	}
	return calls
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// poolName takes the i-th name of a pool, numbering repeats.
func poolName(pool []string, i int) string {
	if i < len(pool) {
		return pool[i]
	}
	return fmt.Sprintf("%s %d", pool[i%len(pool)], i/len(pool)+1)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// pickN returns n distinct elements (fewer if xs is shorter), in pool order.
func pickN[T any](rng *rand.Rand, xs []T, n int) []T {
	idx := rng.Perm(len(xs))[:min(n, len(xs))]
	slices.Sort(idx)
	out := make([]T, 0, len(idx))
	for _, i := range idx {
		out = append(out, xs[i])
	}
	return out
}

// pickApps binds most users to one application, some to two.
func pickApps(rng *rand.Rand, apps []Application) []int64 {
	n := 1
	if rng.IntN(10) < 3 {
		n = 2
	}
	var ids []int64
	for _, a := range pickN(rng, apps, n) {
		ids = append(ids, a.ID)
	}
	return ids
}

// pickQueues binds 1..2 queues of the user's applications (any queue when
// those applications have none), each auto-linked or manual.
func pickQueues(rng *rand.Rand, queues []Queue, apps []int64) []Queue {
	var mine []Queue
	for _, q := range queues {
		if slices.Contains(apps, q.ApplicationID) {
			mine = append(mine, q)
		}
	}
	if len(mine) == 0 {
		mine = queues
	}
	out := pickN(rng, mine, 1+rng.IntN(2))
	for i := range out {
		out[i] = out[i].binding(rng.IntN(2) == 0) // a binding, not the catalogue entry
	}
	return out
}

// weighted is one outcome of a random choice.
type weighted struct {
	status string
	weight int
}

func pickWeighted(rng *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := rng.IntN(total)
	for _, w := range ws {
		if n < w.weight {
			return w.status
		}
		n -= w.weight
	}
	return ws[len(ws)-1].status
}
