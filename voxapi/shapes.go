package voxapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// The statistics methods do not always send an item in the shape their
// types give: GetACDQueueStatistics' types make AC a list of {count,
// percent}, GetACDOperatorStatistics' published example makes it a plain
// number, and numbers may come quoted. The decoders here take every shape
// seen documented anywhere, and an item in any other shape becomes a
// BadShape on its record instead of failing the whole answer: one odd item
// must not hide every other figure.

// BadShape is one statistics item that arrived in a shape nobody
// documented. Its value is left out of the record (nil), as if the API had
// sent no data for it, so that a caller serves no series for it and says
// once what came.
type BadShape struct {
	Item  string // the item as the API names it (AC, TotalCalls, a report type)
	Shape string // what came instead: its JSON kind and the start of its text
}

// String is "item: shape".
func (b BadShape) String() string { return b.Item + ": " + b.Shape }

// errShape is the error an undocumented shape decodes to inside this
// package; the decoders turn it into a BadShape.
var errShape = errors.New("undocumented shape")

// maxShapeText bounds how much of an odd value a BadShape quotes.
const maxShapeText = 40

// shapeOf describes a JSON value for a log line: its kind and, cut short,
// its text.
func shapeOf(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	kind := "invalid JSON"
	if len(raw) > 0 {
		switch c := raw[0]; {
		case c == '{':
			kind = "object"
		case c == '[':
			kind = "list"
		case c == '"':
			kind = "string"
		case c == 't' || c == 'f':
			kind = "boolean"
		case c == 'n':
			kind = "null"
		case c == '-' || (c >= '0' && c <= '9'):
			kind = "number"
		}
	}
	text := string(raw)
	if len(text) > maxShapeText {
		text = strings.ToValidUTF8(text[:maxShapeText], "") + "..."
	}
	return kind + " " + text
}

// flexFloat is a number sent as a JSON number or as a JSON string holding
// one ("12.5"); null leaves it alone. Anything else, and NaN or an infinity
// in a string, is errShape.
type flexFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return errShape
		}
		data = []byte(strings.TrimSpace(s))
	}
	// Only a JSON number: strconv would also take "NaN", "Inf" and "0x1p3".
	if len(data) == 0 || (data[0] != '-' && (data[0] < '0' || data[0] > '9')) {
		return errShape
	}
	var n float64
	if err := json.Unmarshal(data, &n); err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return errShape
	}
	*f = flexFloat(n)
	return nil
}

// decodeNumber reads a number item: a number or a numeric string.
func decodeNumber(raw []byte) (float64, error) {
	var f flexFloat
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, errShape
	}
	return float64(f), nil
}

// decodeShares reads a count item that the API sends as a list of
// {count, percent} or as a plain count (a number or numeric string); a
// plain count becomes one share with CountOnly set.
func decodeShares(raw []byte) ([]CallShare, error) {
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var shares []CallShare
		if err := json.Unmarshal(t, &shares); err != nil {
			return nil, errShape
		}
		return shares, nil
	}
	n, err := decodeNumber(raw)
	if err != nil {
		return nil, err
	}
	return []CallShare{{Count: n, CountOnly: true}}, nil
}

// decodeCount reads a count: a plain count, or a list of {count, percent}
// whose counts are summed.
func decodeCount(raw []byte) (float64, error) {
	shares, err := decodeShares(raw)
	if err != nil {
		return 0, err
	}
	n := 0.0
	for _, s := range shares {
		n += s.Count
	}
	return n, nil
}

// unmarshalStrict decodes raw into v and turns any failure into errShape.
func unmarshalStrict(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: %v", errShape, err)
	}
	return nil
}
