package main

import (
	"os/exec"
	"testing"
)

// TestAccountsExampleIsValidPrometheusConfig: promtool accepts
// examples/prometheus-accounts.yml, the http_sd and relabelling example of
// /sd and /probe.
func TestAccountsExampleIsValidPrometheusConfig(t *testing.T) {
	promtool := requireTool(t, "promtool")
	out, err := exec.Command(promtool, "check", "config", "--syntax-only", "examples/prometheus-accounts.yml").CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
}
