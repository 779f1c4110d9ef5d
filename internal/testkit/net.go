package testkit

import (
	"net"
	"testing"
)

// FreeAddr returns a loopback address nothing listens on now, for a
// process that will listen on it.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// ClosedPort returns a loopback address that refuses connections.
func ClosedPort(t testing.TB) string { return FreeAddr(t) }
