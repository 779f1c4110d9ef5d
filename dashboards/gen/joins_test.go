package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// boardExprs lists every query of every generated board, by "file: panel".
func boardExprs(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, b := range boards {
		raw, err := render(b.build())
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				out[b.file+": "+p.Title] = append(out[b.file+": "+p.Title], tg.Expr)
			}
		}
	}
	return out
}

// TestTargetJoins: a series with a threshold_seconds label is never shown
// on its own: every selector of a service level is joined with the target
// in force (its threshold), every Erlang C figure with the staffing
// objective in force, as the alerts judge them. A panel that skipped the
// helper would show every threshold's figure at once.
func TestTargetJoins(t *testing.T) {
	joins := map[string]string{
		"voximplant_acd_queue_stats_service_level_ratio":             acdQueues.atTargetThreshold(""),
		"voximplant_acd_queue_stats_answered_within_threshold_calls": acdQueues.atTargetThreshold(""),
		"voximplant_sq_queue_service_level_ratio":                    sqQueues.atTargetThreshold(""),
		"voximplant_acd_queue_required_operators":                    acdQueues.atObjective(""),
		"voximplant_sq_queue_required_agents":                        sqQueues.atObjective(""),
	}
	seen := map[string]int{}
	for panel, exprs := range boardExprs(t) {
		for _, e := range exprs {
			for metric, join := range joins {
				re := regexp.MustCompile(regexp.QuoteMeta(metric) + `\{[^}]*\}`)
				for _, loc := range re.FindAllStringIndex(e, -1) {
					seen[metric]++
					if strings.Contains(e[loc[0]:loc[1]], `model="`) {
						// One model's figure, chosen by the selector: at the
						// staffing objective, whatever model is in force.
						fam := acdQueues
						if strings.HasPrefix(metric, "voximplant_sq_") {
							fam = sqQueues
						}
						if !strings.HasPrefix(e[loc[1]:], fam.atStaffingObjective("")) {
							t.Errorf("%s: %s of one model is not joined with%s\n  expr: %s", panel, metric, fam.atStaffingObjective(""), e)
						}
						continue
					}
					if !strings.HasPrefix(e[loc[1]:], join) {
						t.Errorf("%s: %s is not joined with%s\n  expr: %s", panel, metric, join, e)
					}
				}
			}
		}
	}
	for metric := range joins {
		if seen[metric] == 0 {
			t.Errorf("no board reads %s: the test checks nothing for it", metric)
		}
	}
}
