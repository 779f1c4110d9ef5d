package e2e

import (
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// TestMain fails the package when a test leaves a goroutine running.
func TestMain(m *testing.M) { testkit.VerifyTestMain(m) }
