// Package testkit holds the helpers the project's tests share: free and
// closed loopback ports, a buffer safe to read while another goroutine
// writes, polling for a condition of an outside process, finding external
// tools, certificates, reading samples out of an exposition, building and
// starting the exporter binary, and one voxsim + client harness. It is for
// tests only.
package testkit
