package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// limitTransport bounds the API requests in flight across every /probe
// target: each target's client has its own share (its own bound, so that
// one slow account cannot take every slot), and all of them together
// hold at most cap(slots). A request holds its slot until its answer's
// body is closed, which the client always does.
type limitTransport struct {
	slots chan struct{}
	next  http.RoundTripper
}

func newLimitTransport(n int, next http.RoundTripper) *limitTransport {
	return &limitTransport{slots: make(chan struct{}, n), next: next}
}

func (l *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case l.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, fmt.Errorf("waiting for one of the %d API request slots shared by every /probe target: %w", cap(l.slots), context.Cause(req.Context()))
	}
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		<-l.slots
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { <-l.slots }}
	return resp, nil
}

// releasingBody gives its slot back when closed, once.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
