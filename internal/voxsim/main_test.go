package voxsim

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package if any goroutine is still running voxsim code
// after every test has closed its server: hangs, latency and evolution must
// all end with Close or the client's context.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leak := voxsimGoroutines(5 * time.Second); leak != "" {
			fmt.Fprintf(os.Stderr, "goroutines left running voxsim code:\n%s\n", leak)
			code = 1
		}
	}
	os.Exit(code)
}

func voxsimGoroutines(wait time.Duration) string {
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaks []string
		for g := range strings.SplitSeq(string(buf), "\n\n") {
			if strings.Contains(g, "voxsim.(*Server)") && !strings.Contains(g, "voxsimGoroutines") {
				leaks = append(leaks, g)
			}
		}
		if len(leaks) == 0 || time.Now().After(deadline) {
			return strings.Join(leaks, "\n\n")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
