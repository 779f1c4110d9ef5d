package testkit

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakGrace is how long goroutines the tests started may take to end
// after the last test. goleak.VerifyTestMain's own retries last about half
// a second, which a loaded machine (make test runs packages in parallel)
// can exceed for a handler a test has already closed; a real leak outlives
// any grace.
const leakGrace = 10 * time.Second

// VerifyTestMain is goleak.VerifyTestMain with a longer grace: it runs the
// package's tests and, when they passed, fails the package if a goroutine
// other than the ones opts ignore is still running leakGrace later.
func VerifyTestMain(m *testing.M, opts ...goleak.Option) {
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(leakGrace)
		err := goleak.Find(opts...)
		for err != nil && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			err = goleak.Find(opts...)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "goleak: goroutines left running after the tests passed: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
