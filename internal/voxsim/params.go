package voxsim

import (
	"net/url"
	"strconv"
	"strings"
)

// paramReader reads typed API parameters, keeping the first error so a
// handler can read everything and check once, as the API reports one error
// per request.
type paramReader struct {
	v   url.Values
	err *apiError
}

// str returns the parameter, "" when absent. The API treats an empty value
// like an absent one.
func (p *paramReader) str(name string) string { return strings.TrimSpace(p.v.Get(name)) }

func (p *paramReader) has(name string) bool { return p.str(name) != "" }

// int64 parses a decimal integer; ok is false when absent or invalid.
func (p *paramReader) int64(name string) (n int64, ok bool) {
	s := p.str(name)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.fail(errorf(CodeInvalidArgument, "Invalid argument '%s': %q is not an integer", name, s))
		return 0, false
	}
	return n, true
}

// nonNegInt parses an int that must be >= 0, with a default when absent.
func (p *paramReader) nonNegInt(name string, def int) int {
	n, ok := p.int64(name)
	if !ok {
		return def
	}
	if n < 0 || n > 1<<31-1 {
		p.fail(errorf(CodeInvalidArgument, "Invalid argument '%s': %d is out of range", name, n))
		return def
	}
	return int(n)
}

// paging reads a list method's count (default 20) and offset (default 0).
func (p *paramReader) paging() (count, offset int) {
	return p.nonNegInt("count", 20), p.nonNegInt("offset", 0)
}

// bool parses the API's booleans: "true"/"false" in any case, and 1/0.
func (p *paramReader) bool(name string, def bool) (v bool, set bool) {
	s := p.str(name)
	switch strings.ToLower(s) {
	case "":
		return def, false
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	p.fail(errorf(CodeInvalidArgument, "Invalid argument '%s': %q is not a boolean", name, s))
	return def, false
}

// list splits a ';'-joined list, dropping empty items.
func (p *paramReader) list(name string) []string {
	var out []string
	for item := range strings.SplitSeq(p.str(name), ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// int64List parses a ';'-joined list of integers (nil when absent).
func (p *paramReader) int64List(name string) []int64 {
	var out []int64
	for _, item := range p.list(name) {
		n, err := strconv.ParseInt(item, 10, 64)
		if err != nil {
			p.fail(errorf(CodeInvalidArgument, "Invalid argument '%s': %q is not an integer", name, item))
			return nil
		}
		out = append(out, n)
	}
	return out
}

func (p *paramReader) fail(e *apiError) {
	if p.err == nil {
		p.err = e
	}
}
