package main

import (
	"context"
	"errors"
	"testing"
)

// TestUntilStoppedEndsBlockedStartup: a signal (the context ending) while
// a start-up step blocks forever ends start-up at once with
// errStartupInterrupted; a step that finishes returns its own result.
func TestUntilStoppedEndsBlockedStartup(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	block := make(chan struct{})
	defer close(block)
	started := make(chan struct{})
	res := make(chan error, 1)
	go func() {
		_, err := untilStopped(ctx, func() (int, error) { close(started); <-block; return 1, nil })
		res <- err
	}()
	<-started
	stop()
	if err := <-res; !errors.Is(err, errStartupInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want start-up interrupted", err)
	}

	want := errors.New("bad flag")
	if v, err := untilStopped(context.Background(), func() (int, error) { return 7, want }); v != 7 || err != want {
		t.Errorf("got %d, %v; want f's own 7, %v", v, err, want)
	}
}
