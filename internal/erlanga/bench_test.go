package erlanga

import (
	"fmt"
	"testing"
)

// The loads of a small queue, a large one and the largest the issue names,
// AHT 180 s, patience 120 s, 80% in 20 s, at the Erlang A requirement.
var benchLoads = []struct {
	erlangs float64
	n       int
}{{10, 12}, {100, 99}, {200, 193}}

func BenchmarkServiceLevel(b *testing.B) {
	for _, l := range benchLoads {
		b.Run(fmt.Sprintf("%gErlangs", l.erlangs), func(b *testing.B) {
			mu := 1.0 / 180
			for b.Loop() {
				q, err := Solve(l.erlangs*mu, mu, 1.0/120, l.n)
				if err != nil {
					b.Fatal(err)
				}
				q.ServiceLevel(20)
			}
		})
	}
}

func BenchmarkRequired(b *testing.B) {
	for _, l := range benchLoads {
		b.Run(fmt.Sprintf("%gErlangs", l.erlangs), func(b *testing.B) {
			mu := 1.0 / 180
			for b.Loop() {
				if _, err := Required(l.erlangs*mu, mu, 1.0/120, 0.8, 20, 0.9); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
