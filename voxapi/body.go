package voxapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Reading an answer's body: the size bound counted after decompression,
// the gzip the client asks for itself, and what a body that does not read
// is called.

// DecodeError is a 2xx answer whose body could not be read as the method's
// JSON (truncated, malformed, HTML from a proxy, too large).
type DecodeError struct {
	Method   string
	TooLarge bool
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("voximplant %s: unreadable answer: %v", e.Method, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// errBodyTooLarge is returned once the body passes MaxResponseBytes.
var errBodyTooLarge = errors.New("answer larger than the response size limit")

// limitedReader fails, rather than truncating silently, past its limit.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// decodedBody is resp's body as sent before any Content-Encoding: gzip is
// inflated here, under the caller's limit; identity passes through.
func decodedBody(resp *http.Response) (io.Reader, error) {
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return resp.Body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip answer: %w", err)
		}
		return zr, nil
	default:
		return nil, fmt.Errorf("answer in an encoding not asked for: %q", enc)
	}
}

// redactURLError keeps the error's cause but not its URL, which is harmless
// today but may one day carry a query string.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// isTransport reports a failure to read the body off the connection (reset,
// unexpected EOF), as opposed to a body that arrived but does not parse.
func isTransport(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return false // truncated JSON reads as this; it is a decode problem
	}
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) || strings.Contains(err.Error(), "connection reset")
}
