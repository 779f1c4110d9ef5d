// Package e2e holds the tests that prove the dashboards, the Prometheus
// rules and the example configuration work with real tools: promtool and
// amtool checks, promtool rule unit tests, and an end-to-end test that runs
// the exporter in demo mode under Debian's prometheus binary and evaluates
// every dashboard query and every rule through Prometheus's HTTP API.
//
// Tests that need prometheus, promtool or amtool skip loudly when a tool is
// missing; with REQUIRE_TOOLS=1 (set by .ci/run) they fail instead.
// VOXIMPLANT_EXPORTER_BINARY, when set, is used instead of building the
// exporter from the repository root.
package e2e
