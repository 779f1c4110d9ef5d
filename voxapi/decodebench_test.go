package voxapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"syscall"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"
)

// pageDecoders are the GetUsers decoders compared by
// BenchmarkDecodeGetUsersPage: the libraries read the body into the pooled
// buffer and Unmarshal it, with Timestamp's fast path, into a slice of users
// made for the count asked for.
var pageDecoders = []struct {
	name string
	fn   func(r io.Reader, count int) (*GetUsersResponse, error)
}{
	{"scanner", func(r io.Reader, _ int) (*GetUsersResponse, error) { return decodeGetUsersStream(r) }},
	{"encoding-json", func(r io.Reader, count int) (*GetUsersResponse, error) {
		return decodeGetUsersWith(r, json.Unmarshal, count)
	}},
	{"goccy-go-json", func(r io.Reader, count int) (*GetUsersResponse, error) {
		return decodeGetUsersWith(r, gojson.Unmarshal, count)
	}},
	{"go-json-experiment", func(r io.Reader, count int) (*GetUsersResponse, error) {
		return decodeGetUsersWith(r, func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }, count)
	}},
}

// TestPageDecodersAgree checks that the benchmark compares decoders that
// produce the same page.
func TestPageDecodersAgree(t *testing.T) {
	for _, n := range []int{100, 1000} {
		body := simBody(t, n)
		want, err := decodeGetUsersJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for _, dec := range pageDecoders {
			got, err := dec.fn(bytes.NewReader(body), n)
			if err != nil {
				t.Fatalf("%s: %v", dec.name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d users decoded differently from encoding/json", dec.name, n)
			}
		}
	}
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
