package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

// kingpin's own value parsers report "strconv.ParseInt: parsing "abc"" with
// no flag name. These name the flag and what it takes, so that a bad value
// gives one line that says which flag to fix.

type durationFlag struct {
	name string
	dst  *time.Duration
}

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("--%s=%q is not a duration (use e.g. 10s, 500ms, 1m)", f.name, s)
	}
	*f.dst = d
	return nil
}

func (f *durationFlag) String() string { return f.dst.String() }

type intFlag struct {
	name string
	dst  *int
}

func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("--%s=%q is not a whole number", f.name, s)
	}
	*f.dst = n
	return nil
}

func (f *intFlag) String() string { return strconv.Itoa(*f.dst) }

type int64Flag struct {
	name string
	dst  *int64
}

func (f *int64Flag) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("--%s=%q is not a numeric id", f.name, s)
	}
	*f.dst = n
	return nil
}

func (f *int64Flag) String() string { return strconv.FormatInt(*f.dst, 10) }

type int64ListFlag struct {
	name string
	dst  *[]int64
}

func (f *int64ListFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("--%s=%q is not a numeric id", f.name, s)
	}
	*f.dst = append(*f.dst, n)
	return nil
}

func (f *int64ListFlag) String() string { return fmt.Sprint(*f.dst) }

// IsCumulative makes the flag repeatable.
func (f *int64ListFlag) IsCumulative() bool { return true }

func durationVar(c *kingpin.FlagClause, name string, dst *time.Duration) {
	c.SetValue(&durationFlag{name: name, dst: dst})
}
