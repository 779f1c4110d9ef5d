package voxapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"syscall"
	"testing"
)

// pageDecoders are the GetUsers decoders compared by
// BenchmarkDecodeGetUsersPage: the library DecodeGetUsers uses, and
// encoding/json for reference, each reading the body into the pooled buffer,
// with Timestamp's fast path, and the slice of users made for the count
// asked for. The comparison with the hand-written scanner
// and go-json-experiment/json that chose the library is in BENCHMARKS.md.
var pageDecoders = []struct {
	name string
	fn   func(r io.Reader, count int) (*GetUsersResponse, error)
}{
	{"encoding-json", func(r io.Reader, count int) (*GetUsersResponse, error) {
		return decodeGetUsersWith(r, json.Unmarshal, count)
	}},
	{"goccy-go-json", func(r io.Reader, count int) (*GetUsersResponse, error) {
		return decodeGetUsersPage(r, count, true)
	}},
}

// BenchmarkDecodeGetUsersPage decodes one voxsim GetUsers answer of 100
// users (a page at the server's cap) and of 1,000 users with each decoder.
// cpu-ns/op (the process's CPU, GC included) is the figure to compare on a
// shared machine, where wall time also counts the waits for a core.
func BenchmarkDecodeGetUsersPage(b *testing.B) {
	for _, n := range []int{100, 1000} {
		body := simBody(b, n)
		for _, dec := range pageDecoders {
			b.Run(fmt.Sprintf("users=%d/dec=%s", n, dec.name), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				cpu0 := processCPU()
				for b.Loop() {
					if _, err := dec.fn(bytes.NewReader(body), n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// processCPU is the process's user and system CPU time so far, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
