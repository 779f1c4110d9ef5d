package voxsim

import (
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// TestMain fails the package if any goroutine is still running after every
// test has closed its server: hangs, latency and evolution must all end
// with Close or the client's context.
func TestMain(m *testing.M) { testkit.VerifyTestMain(m) }
