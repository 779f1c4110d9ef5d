package main

import (
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// scrapeResult is a /metrics answer, or code -1 and the error.
type scrapeResult struct {
	code int
	body string
}

// heldScrape starts the binary against a voxsim whose answers are held
// behind a gate, starts a scrape, and returns once the scrape's first page
// has reached the API, with the scrape's result to come.
func heldScrape(t *testing.T, args ...string) (*testkit.Exporter, <-chan scrapeResult) {
	t.Helper()
	sim, path, _ := startSim(t, 0o600, nil)
	e := startBinary(t, "http", http.DefaultClient, nil, append([]string{"--voximplant.credentials-file=" + path,
		"--voximplant.api-url=" + sim.URL(), simApp(sim), "--voximplant.timeout=120s"}, args...)...)
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	sim.SetGate(gate)
	done := scrapeInBackground(e.Base)
	waitForScrapePage(t, sim)
	return e, done
}

// scrapeInBackground GETs base's /metrics and delivers the result.
func scrapeInBackground(base string) <-chan scrapeResult {
	done := make(chan scrapeResult, 1)
	go func() {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			done <- scrapeResult{-1, err.Error()}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			done <- scrapeResult{-1, err.Error()}
			return
		}
		done <- scrapeResult{resp.StatusCode, string(b)}
	}()
	return done
}

// waitForScrapePage waits until a scrape's GetUsers page has reached sim:
// the start-up check asks for one user, the scrape's pages for more.
// Another process gives no other signal.
func waitForScrapePage(t *testing.T, sim *voxsim.Server) {
	t.Helper()
	testkit.WaitFor(t, 10*time.Second, "the scrape never reached the API", func() bool {
		for _, r := range sim.Requests() {
			if r.Method == "GetUsers" && r.Count != 1 {
				return true
			}
		}
		return false
	})
}

// TestShutdownGraceAnswersHeldScrape: a scrape still waiting on the API
// when --web.shutdown-grace ends is answered with voximplant_up 0 (it
// used to lose its connection, EOF), and the process exits 0 (it exited
// 1): the scrape's context is ended with the grace.
func TestShutdownGraceAnswersHeldScrape(t *testing.T) {
	e, done := heldScrape(t, "--web.shutdown-grace=1s")
	if err := e.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != 200 || !strings.Contains(r.body, "voximplant_up 0") {
			t.Errorf("held scrape after the grace: %d %.300s", r.code, r.body)
		}
	case <-time.After(30 * time.Second): // a guard: the answer is due 1 s after SIGTERM
		t.Fatal("the held scrape was not answered")
	}
	requireCleanExit(t, e, 30*time.Second)
	if !strings.Contains(e.Logs.String(), "shutdown grace over") {
		t.Errorf("no log line saying the grace ended the scrape:\n%s", e.Logs)
	}
}

// TestSecondSignalExitsAtOnce: a second SIGTERM during the grace ends the
// process at once, with exit status 1, instead of waiting out a scrape
// that has a minute and a half still to run.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	e, _ := heldScrape(t, "--web.shutdown-grace=90s")
	if err := e.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 10*time.Second, "no shutdown log line", func() bool {
		return strings.Contains(e.Logs.String(), "shutting down")
	})
	if err := e.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := e.Wait(t, 20*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit after a second SIGTERM: %v, want status 1\n%s", err, e.Logs)
	}
	if !strings.Contains(e.Logs.String(), "second signal") {
		t.Errorf("no log line for the second signal:\n%s", e.Logs)
	}
}
