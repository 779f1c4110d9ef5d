package testkit

import (
	"testing"
	"time"
)

// WaitFor polls cond until it holds or timeout passes, then fails the test
// with msg. It is for conditions of another process (a server coming up,
// a file appearing), which give no signal to wait on; within one process,
// wait on a channel or a hook instead.
func WaitFor(t testing.TB, timeout time.Duration, msg string, cond func() bool) {
	t.Helper()
	Poll(t, timeout, msg, func() (bool, string) { return cond(), "" })
}

// Poll is WaitFor for a condition that can say why it does not hold yet:
// the last reason is in the failure. cond may fail the test itself (a
// process it waits on has exited). The first polls come quickly, then
// every 100 ms, so that a slow peer is not flooded.
func Poll(t testing.TB, timeout time.Duration, msg string, cond func() (ok bool, why string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			if why != "" {
				why = ": " + why
			}
			t.Fatalf("timed out after %s: %s%s", timeout, msg, why)
		}
		time.Sleep(pause)
	}
}
