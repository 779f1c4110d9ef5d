package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// BenchmarkProbeFiftyAccounts: one exporter, one parent key, 50 child
// accounts of 200 operators each (voxsim over loopback, no latency), the
// default collectors (users, account, queue_stats). One op is a round of
// Prometheus scraping all 50 children through /probe at once, as it does
// every scrape interval. Reported: the time per target, the API requests
// per round once the interval reads are warm (GetUsers pages, the rest
// served from the reads until their refresh), and the process's resident
// set after the rounds, with every target's state held.
func BenchmarkProbeFiftyAccounts(b *testing.B) {
	const children, users = 50, 200
	creds := voxsim.NewTestCredentials(mtParent)
	gen := func(id int64) voxsim.Account {
		a := voxsim.Generate(voxsim.GenConfig{Users: users, Apps: 1, Skills: 5, Queues: 4, Seed: id})
		a.ID, a.Info = id, voxsim.AccountInfo{Name: "acct" + strconv.FormatInt(id, 10), Balance: 100}
		a.Apps[0].Name = "support.example.voximplant.com"
		return a
	}
	var kids []voxsim.Account
	for i := range children {
		kids = append(kids, gen(int64(9000+i)))
	}
	fam, err := voxsim.StartFamily(voxsim.Config{Credentials: creds, Account: gen(mtParent), MaxCount: 100}, kids)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(fam.Close)
	r := startMT(b, creds, fam, "--web.max-requests=64") // all 50 at once; Prometheus spreads them
	round := func() {
		var wg sync.WaitGroup
		for _, id := range fam.ChildIDs() {
			wg.Go(func() {
				code, body := r.get(b, fmt.Sprintf("/probe?target=%d", id))
				if code != 200 || !strings.Contains(body, "voximplant_up 1") {
					b.Errorf("target %d: HTTP %d", id, code)
				}
			})
		}
		wg.Wait()
	}
	round() // warm: tokens, the listing, the directory, statistics, accounts
	before := r.requests()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*children)/1e6, "ms/target")
	b.ReportMetric(float64(r.requests()-before)/float64(b.N), "requests/round")
	b.ReportMetric(float64(r.mt.set.Load().targetsHeld()), "targets")
	runtime.GC()
	b.ReportMetric(rssMiB(), "RSS-MiB")
	held := heapMiB()
	// Every target idle past --probe.idle-timeout; one scrape drops the
	// others' state.
	idle := time.Now().Add(r.mt.flags.idleTimeout + time.Minute)
	r.mt.now = func() time.Time { return idle }
	r.get(b, fmt.Sprintf("/probe?target=%d", fam.ChildIDs()[0]))
	if n := r.mt.set.Load().targetsHeld(); n != 1 {
		b.Errorf("%d targets held after the idle timeout, want 1", n)
	}
	b.ReportMetric(held-heapMiB(), "heap-MiB-before-minus-after-idle-drop")
}

// heapMiB is the live heap after a collection.
func heapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// rssMiB is this process's resident set (Linux), 0 elsewhere.
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
