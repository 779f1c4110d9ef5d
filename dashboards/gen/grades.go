package main

import (
	"strconv"
	"strings"
)

// Grades colour a wall-board figure green, amber or red against the targets
// the alerts judge by, per queue: a Grafana threshold is one number for
// every queue, so the comparison with each queue's own target is made in
// PromQL. The query labels each series grade="<word>", the legend puts the
// word after the figure's name ("Longest wait over limit"), and the panel
// colours each field by the word it ends with. The words say on the TV what
// the colour says, for those who cannot tell red from green.

// grades are the words of a figure's three grades.
type grades struct{ ok, warn, bad string }

var (
	// For a figure with a target to reach (service level).
	targetGrades = grades{"ok", "near target", "below target"}
	// For a figure with a limit not to pass (waits, abandonment).
	limitGrades = grades{"ok", "near limit", "over limit"}
	// Calls waiting: none, some, some with nobody READY to take them.
	waitingGrades = grades{"none", "queued", "nobody READY"}
	// READY operators: enough, nobody free now, too few for the load.
	readyGrades = grades{"ok", "none free", "short"}

	allGrades = []grades{targetGrades, limitGrades, waitingGrades, readyGrades}
)

// graded labels each queue's figure with its grade: bad where the series
// of figure filtered by bad exist, else warn where those of warn do, else
// ok; then one series per queue name and grade. figure, warn and bad
// carry the family's labels (job, application, id, name).
func (f family) graded(figure, warn, bad string, g grades) string {
	on := " " + f.onQueue() + " "
	return agg("max", "application, "+f.name+", grade",
		withGrade(bad, g.bad)+" or"+on+withGrade(warn, g.warn)+" or"+on+withGrade(figure, g.ok))
}

func withGrade(expr, word string) string {
	return `label_replace(` + expr + `, "grade", "` + word + `", "", "")`
}

// over keeps the queues whose figure is above fraction of the rule's value
// (a limit per application and queue id); a limit of 0 is off, as in the
// alerts.
func (f family) over(figure, rule string, fraction float64) string {
	return figure + " > on (application, " + f.id + ") group_left () (" + scaled(rule, fraction) + " > 0)"
}

// under keeps the queues whose figure is below the rule's value plus margin
// (a target per application and queue id).
func (f family) under(figure, rule string, margin float64) string {
	r := rule
	if margin != 0 {
		r = paren(rule + " + " + num(margin))
	}
	return figure + " < on (application, " + f.id + ") group_left () " + r
}

func scaled(rule string, fraction float64) string {
	if fraction == 1 {
		return rule
	}
	return num(fraction) + " * " + rule
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// gradePattern is a regex of field names ending with one of the words.
func gradePattern(words []string) string {
	return ".* (" + strings.Join(words, "|") + ")$"
}

// gradeWords lists the words of one grade over every figure.
func gradeWords(pick func(grades) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range allGrades {
		if w := pick(g); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
