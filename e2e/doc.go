// Package e2e holds the tests that prove the dashboards, the Prometheus
// rules and the example configuration work with real tools: promtool and
// amtool checks, promtool rule unit tests, and an end-to-end test that runs
// the exporter in demo mode under a real prometheus binary and evaluates
// every dashboard query and every rule through Prometheus's HTTP API.
//
// make test runs them against Debian's tools (Prometheus 2.42, the oldest
// supported) found on PATH, then make test-prom3 runs them again against
// Prometheus 3.16 and Alertmanager 0.35 built by make tools, named by
// PROMETHEUS_BIN, PROMTOOL_BIN and AMTOOL_BIN (internal/testtools). Tests
// that need a tool skip loudly when it is missing; with REQUIRE_TOOLS=1 (set
// by .ci/run) they fail instead.
//
// The exporter binary is the one every test package shares
// (testkit.ExporterBinary); VOXIMPLANT_EXPORTER_BINARY, when set, is used
// instead of building it from the repository's sources.
package e2e
