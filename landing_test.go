package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
)

// fixtureGlance has one application with an ACD queue below its target
// and short of operators, a SmartQueue queue above both, and a queue the
// pass read nothing of but its READY operators.
func fixtureGlance(queueName string) collector.Glance {
	nan := math.NaN()
	return collector.Glance{
		StatsWindow: 30 * time.Minute,
		Apps: []collector.AppGlance{{
			Application: "7",
			Operators:   []collector.StatusCount{{Status: "READY", Count: 4}, {Status: "DND", Count: 2}},
			Queues: []collector.QueueGlance{
				{Kind: collector.KindACD, ID: "11", Name: queueName, Waiting: 3, LongestWait: 125, Ready: 2,
					ServiceLevels: []collector.ServiceLevel{{Threshold: 20 * time.Second, Ratio: 0.7407}, {Threshold: time.Minute, Ratio: 0.95}},
					Required:      []collector.Required{{Threshold: 20 * time.Second, Target: 0.8, Operators: 5}, {Threshold: time.Minute, Target: 0.8, Operators: 3}},
					Predicted:     []collector.Prediction{{Threshold: 20 * time.Second, Model: "erlang_c", Ratio: 0.312}, {Threshold: time.Minute, Model: "erlang_c", Ratio: 0.9}}},
				{Kind: collector.KindSmartQueue, ID: "50", Name: "Voice", Waiting: 0, LongestWait: 0, Ready: 6,
					ServiceLevels: []collector.ServiceLevel{{Threshold: time.Minute, Ratio: 0.85}},
					Required:      []collector.Required{{Threshold: time.Minute, Target: 0.8, Operators: 6}},
					Predicted:     []collector.Prediction{{Threshold: time.Minute, Model: "erlang_a", Ratio: 0.8}, {Threshold: time.Minute, Model: "erlang_c", Ratio: 0.75}}},
				{Kind: collector.KindACD, ID: "12", Name: "Quiet", Waiting: nan, LongestWait: nan, Ready: 1},
			},
		}},
	}
}

// TestLandingGlanceView: each number is formatted and classed against
// the target by hand here: 74.1% < 80% is bad, a predicted 31.2% is bad,
// 2 READY of 5 required is bad, a 2m5s wait past a 20s threshold is bad;
// the SmartQueue queue meets all four (Erlang A's prediction, 80%, not
// Erlang C's 75%); what was not read is a dash.
func TestLandingGlanceView(t *testing.T) {
	apps := glanceView(fixtureGlance("Sales"), 0.8)
	if len(apps) != 1 || apps[0].Application != "7" {
		t.Fatalf("applications: %+v", apps)
	}
	if got := apps[0].Operators; len(got) != 2 || got[0] != (statusView{"READY", "4"}) || got[1] != (statusView{"DND", "2"}) {
		t.Errorf("operators: %+v", got)
	}
	want := []queueView{
		{Name: "Sales", Kind: "ACD", Waiting: "3", Longest: "2m5s", LongestClass: "bad",
			Level: "74.1%", LevelClass: "bad", Threshold: "20s", Predicted: "31.2%", PredictedClass: "bad", Staff: "2 / 5", StaffClass: "bad"},
		// Erlang A's 80% (at target: ok), not Erlang C's 75%.
		{Name: "Voice", Kind: "SmartQueue", Waiting: "0", Longest: "0s", LongestClass: "ok",
			Level: "85%", LevelClass: "ok", Threshold: "1m", Predicted: "80%", PredictedClass: "ok", Staff: "6 / 6", StaffClass: "ok"},
		{Name: "Quiet", Kind: "ACD", Waiting: "–", WaitingClass: "unknown", Longest: "–", LongestClass: "unknown",
			Level: "–", LevelClass: "unknown", Predicted: "–", PredictedClass: "unknown", Staff: "1 / –", StaffClass: "unknown"},
	}
	got := apps[0].Queues
	if len(got) != len(want) {
		t.Fatalf("queues: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("queue %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestLandingFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{percent(0.8), "80%"},
		{percent(0.7407407407407408), "74.1%"},
		{percent(1), "100%"},
		{percent(math.NaN()), "–"},
		{seconds(0.4), "0s"},
		{seconds(59.6), "1m"},
		{seconds(3600), "1h"},
		{seconds(3725), "1h2m5s"},
		{count(17), "17"},
		{shortDuration(30 * time.Minute), "30m"},
		{shortDuration(24 * time.Hour), "24h"},
		{shortDuration(20 * time.Second), "20s"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestLandingEscapesNames: application and queue names are user data; a
// queue named <script> is text on the page, never markup.
func TestLandingEscapesNames(t *testing.T) {
	const name = `<script>alert("queue")</script>`
	g := fixtureGlance(name)
	g.Apps[0].Application = `<img src=x onerror=alert(1)>`
	page := landingPage{Description: "d", Version: "v", MetricsPath: "/metrics", Apps: `<b>app</b>`, Collectors: "users",
		RefreshSeconds: 5, Target: "80%", Glance: glanceView(g, 0.8)}
	body, err := page.render()
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	for _, raw := range []string{"<script", "<img", "<b>app"} {
		if strings.Contains(html, raw) {
			t.Errorf("the page holds %q unescaped", raw)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(&#34;queue&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;app&lt;/b&gt;"} {
		if !strings.Contains(html, escaped) {
			t.Errorf("the page lacks the escaped name %q", escaped)
		}
	}
	if !strings.Contains(html, `<meta http-equiv="refresh" content="5">`) {
		t.Error("the page does not ask the browser to reload it")
	}
}

// TestLandingBeforeAnyPass: no glance yet says how to get one.
func TestLandingBeforeAnyPass(t *testing.T) {
	body, err := landingPage{MetricsPath: "/metrics", RefreshSeconds: 5}.render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Last API pass: none yet", `the first scrape of <a href="/metrics">/metrics</a>`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
