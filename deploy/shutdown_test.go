package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// shutdownBound is the longest the exporter takes to exit after SIGTERM:
// --web.shutdown-grace's default as the README's flag table gives it, plus
// the 2 s the README gives scrapes to answer once the grace is over.
func shutdownBound(t *testing.T) time.Duration {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^\\| `--web.shutdown-grace` \\| \\| ([0-9a-z.]+) \\|").FindSubmatch(data)
	if m == nil {
		t.Fatal("README.md's flag table has no --web.shutdown-grace row with a default")
	}
	grace, err := time.ParseDuration(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return grace + 2*time.Second
}

// TestStopTimeoutsAboveShutdownGrace: systemd's TimeoutStopSec, the pod's
// terminationGracePeriodSeconds and compose's stop_grace_period leave the exporter its whole grace
// and answer margin, so that SIGKILL never cuts an orderly shutdown short.
func TestStopTimeoutsAboveShutdownGrace(t *testing.T) {
	bound := shutdownBound(t)
	stop := parseUnit(t, unitPath)["Service"]["TimeoutStopSec"]
	if len(stop) == 0 {
		t.Fatal("the systemd unit sets no TimeoutStopSec (the default, 90s, is not the kit's choice)")
	}
	if d, err := time.ParseDuration(stop[len(stop)-1]); err != nil || d <= bound {
		t.Errorf("TimeoutStopSec=%s, want more than the exporter's %s", stop[len(stop)-1], bound)
	}
	p := deployment(t).Spec.Template.Spec.TerminationGracePeriodSeconds
	if p == nil || time.Duration(*p)*time.Second <= bound {
		t.Errorf("terminationGracePeriodSeconds = %v, want set above the exporter's %s", p, bound)
	}
	svc, err := composeProject(t).GetService("exporter")
	if err != nil {
		t.Fatal(err)
	}
	if g := svc.StopGracePeriod; g == nil || time.Duration(*g) <= bound {
		t.Errorf("compose stop_grace_period = %v, want set above the exporter's %s", g, bound)
	}
}
