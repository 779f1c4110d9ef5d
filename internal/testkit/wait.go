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
	for deadline := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s: %s", timeout, msg)
		}
	}
}
