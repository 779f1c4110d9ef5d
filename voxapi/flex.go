package voxapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The operator statistics methods type their values loosely: the reference
// says "number" for everything, its examples send ids as numbers where the
// types say strings, and counts come as plain numbers where the queue
// statistics send a list of {count, percent} (API-NOTES.md). The types
// here take every such form, so that one odd field never fails an answer
// that is otherwise whole.

// Number is a JSON number, or a string holding one ("12.5"). null leaves
// it 0.
type Number float64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(data []byte) error {
	v, err := parseNumber(data)
	if err != nil {
		return err
	}
	*n = Number(v)
	return nil
}

// parseNumber reads a number or a numeric string; null and "" are 0.
func parseNumber(data []byte) (float64, error) {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return 0, nil
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return 0, err
		}
		if s == "" {
			return 0, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		return v, nil
	}
	v, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", data)
	}
	return v, nil
}

// Count is a number of calls sent as a number, a numeric string, or a list
// of {count, percent} (as GetACDQueueStatistics sends AC): a list's counts
// are summed.
type Count float64

// UnmarshalJSON implements json.Unmarshaler.
func (c *Count) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var shares []struct {
			Count Number `json:"count"`
		}
		if err := json.Unmarshal(data, &shares); err != nil {
			return err
		}
		sum := 0.0
		for _, s := range shares {
			sum += float64(s.Count)
		}
		*c = Count(sum)
		return nil
	}
	v, err := parseNumber(data)
	if err != nil {
		return err
	}
	*c = Count(v)
	return nil
}

// FlexID is an id sent as a number (the reference's examples) or a
// string (its types); absent, null or "" leave it 0.
type FlexID int64

// UnmarshalJSON implements json.Unmarshaler.
func (id *FlexID) UnmarshalJSON(data []byte) error {
	v, err := parseNumber(data)
	if err != nil {
		return fmt.Errorf("user_id: %w", err)
	}
	if v != float64(int64(v)) {
		return fmt.Errorf("user_id %v is not a whole number", v)
	}
	*id = FlexID(v)
	return nil
}

// flexAggregate is an Aggregate whose parts may come as strings.
type flexAggregate struct {
	Min   Number `json:"min"`
	Avg   Number `json:"avg"`
	Max   Number `json:"max"`
	Count Number `json:"count"`
	Sum   Number `json:"sum"`
}

// aggregate converts a (maybe absent) flexAggregate.
func (f *flexAggregate) aggregate() *Aggregate {
	if f == nil {
		return nil
	}
	return &Aggregate{Min: float64(f.Min), Avg: float64(f.Avg), Max: float64(f.Max), Count: float64(f.Count), Sum: float64(f.Sum)}
}
