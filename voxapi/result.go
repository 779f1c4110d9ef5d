package voxapi

import (
	"context"
	"errors"
	"io"
	"net/url"
)

// resultAnswer is an answer that carries nothing but its result (and maybe
// an error envelope).
type resultAnswer[T any] struct {
	envelope
	Result *T `json:"result"`
}

// decodeResult reads such an answer: an error envelope becomes an
// *APIError, and an answer without result is an error, since an absent
// result cannot be told from an empty one.
func decodeResult[T any](r io.Reader) (T, error) {
	var w resultAnswer[T]
	if err := decodeAnswer(r, &w); err != nil {
		var zero T
		return zero, err
	}
	if w.Result == nil {
		var zero T
		return zero, errors.New(`answer has no "result"`)
	}
	return *w.Result, nil
}

// valuer is a method's parameters that check and encode themselves.
type valuer interface{ Values() (url.Values, error) }

// callParams is callFor for such parameters: a mistake Values finds is
// returned before anything is sent.
func callParams[T any](ctx context.Context, c *Client, method string, p valuer, decode func(io.Reader) (T, error)) (T, error) {
	v, err := p.Values()
	if err != nil {
		var zero T
		return zero, err
	}
	return callFor(ctx, c, method, v, decode)
}
