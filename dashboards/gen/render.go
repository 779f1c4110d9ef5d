package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// boards lists every dashboard this package writes, by file name in
// dashboards/.
var boards = []struct {
	file  string
	build func() *dashboard.DashboardBuilder
}{
	{"overview.json", overview},
	{"operators.json", operators},
	{"wallboard.json", wallboard},
}

// schemaVersion is the classic dashboard schema version the hand-written
// boards declared. Grafana migrates a board of an older version on import,
// not one of a newer: the SDK's own default (42) would ask for a recent
// Grafana for nothing the boards use.
const schemaVersion = 39

// render builds a board and writes it as Grafana's dashboard JSON, indented
// by two spaces, with a final newline.
func render(b *dashboard.DashboardBuilder) ([]byte, error) {
	d, err := b.Build()
	if err := sdkError(err); err != nil {
		return nil, fmt.Errorf("build dashboard: %w", err)
	}
	d.SchemaVersion = schemaVersion
	dropSDKDefaults(&d)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode dashboard %q: %w", *d.Title, err)
	}
	return buf.Bytes(), nil
}

// sdkError turns the SDK's empty error list into nil: its generated code
// returns a nil cog.BuildErrors as an error, a non-nil interface holding no
// error at all.
func sdkError(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

// dropSDKDefaults removes what the SDK sets by default and Grafana would
// read differently from the boards' intent: links and the annotation
// toggle moved into the controls menu (Grafana 12), interval-variable
// fields on query variables, allowCustomValue (true, Grafana's default), a repeat direction on panels that do not
// repeat. The datasource variable refreshes on load, as Grafana's own.
func dropSDKDefaults(d *dashboard.Dashboard) {
	for i := range d.Links {
		d.Links[i].Placement = nil
	}
	for i := range d.Annotations.List {
		d.Annotations.List[i].Placement = nil
	}
	for i := range d.Templating.List {
		v := &d.Templating.List[i]
		v.Auto, v.AutoMin, v.AutoCount, v.AllowCustomValue = nil, nil, nil, nil
		if v.Type == "datasource" {
			v.Refresh = ptr(dashboard.VariableRefreshOnDashboardLoad)
		}
	}
	for _, p := range d.Panels {
		if p.Panel != nil && p.Panel.Repeat == nil {
			p.Panel.RepeatDirection = nil
		}
	}
}
