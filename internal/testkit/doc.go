// Package testkit holds the helpers the project's tests share, so that
// each is written once: free and closed loopback ports, a buffer safe to
// read while another goroutine or a process writes, polling for a
// condition of an outside process, certificates, reading samples out of
// an exposition, the exporter binary (built once per test run by
// subpackage exporterbin) and starting it, the repository's root, and the
// goroutine-leak check every package's TestMain runs. It is for tests only.
//
// The external tools (prometheus, promtool, amtool, systemd-analyze) are
// found by package testtools; the voxsim + client harness is subpackage
// simapi, apart so that voxsim's and voxapi's own tests can use testkit.
package testkit
