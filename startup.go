package main

import (
	"context"
	"errors"
	"fmt"
)

// errStartupInterrupted is start-up abandoned because SIGINT or SIGTERM
// arrived before it was done.
var errStartupInterrupted = errors.New("interrupted by a signal during start-up")

// untilStopped runs f and returns its result, unless ctx (the signal
// context) ends first: then it returns at once, leaving f to be ended with
// the process. SIGINT and SIGTERM are caught from the moment the signal
// context exists, so without this a start-up step that blocks (a read that
// never returns) would ignore them forever.
func untilStopped[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("%w (%w)", errStartupInterrupted, context.Cause(ctx))
	}
}
