package main

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

// TestLandingPageInChromium: what a newcomer sees of `--demo` at / once a
// scrape has made a pass, rendered by a real browser. The layout is
// compared, not the pixels: the DOM Chromium built has one section per
// watched application, each with its operators by status and one row of
// six cells per queue (as many queues as /metrics serves), and the
// screenshot is the window's size, has the orange header along its top and
// ink on many rows, with the green and red cells of queues meeting and
// missing their targets.
func TestLandingPageInChromium(t *testing.T) {
	chromium := testtools.Need(t, testtools.Chromium)
	e := startExporter(t, "--demo")
	_, metrics := get(t, e.Base+"/metrics", nil)
	f := testkit.ParseText(t, []byte(metrics))

	// What the page should show, from the exposition.
	apps := map[string]bool{}
	queues := map[string]int{} // per application
	for _, name := range []string{"voximplant_acd_queue_operators", "voximplant_sq_agents"} {
		seen := map[string]bool{}
		for _, m := range f[name].GetMetric() {
			app := testkit.Label(m, "application")
			q := testkit.Label(m, "queue_id") + testkit.Label(m, "sq_queue_id")
			if !seen[app+"/"+q] {
				seen[app+"/"+q] = true
				queues[app]++
			}
		}
	}
	for _, m := range f["voximplant_acd_operators"].GetMetric() {
		apps[testkit.Label(m, "application")] = true
	}
	if len(apps) == 0 || len(queues) == 0 {
		t.Fatalf("the demo's exposition has no applications or queues:\n%s", metrics)
	}

	dom := runChromium(t, chromium, "--dump-dom", e.Base+"/")
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("Chromium's DOM does not parse: %v", err)
	}
	var refresh bool
	for _, m := range findAll(doc, "meta") {
		refresh = refresh || attr(m, "http-equiv") == "refresh" && attr(m, "content") == "5"
	}
	if !refresh {
		t.Error("no <meta http-equiv=refresh content=5> in the page Chromium loaded")
	}
	if n := len(findAll(doc, "script")); n != 0 {
		t.Errorf("the page has %d scripts; it is meant to need none", n)
	}
	sections := findAll(doc, "section")
	if len(sections) != len(apps) {
		t.Fatalf("%d application sections, want %d (one per application in /metrics)", len(sections), len(apps))
	}
	for _, s := range sections {
		app := strings.TrimPrefix(text(findAll(s, "h3")[0]), "Application ")
		if !apps[app] {
			t.Errorf("section for %q, which /metrics does not serve", app)
		}
		tables := findAll(s, "table")
		if len(tables) != 2 || attr(tables[0], "class") != "operators" || attr(tables[1], "class") != "queues" {
			t.Errorf("application %s: want an operators table and a queues table", app)
			continue
		}
		ops := findAll(tables[0], "tr")
		if len(ops) != 2 || len(findAll(ops[0], "th")) != len(findAll(ops[1], "td")) || len(findAll(ops[0], "th")) < 2 {
			t.Errorf("application %s: operators table is not one row of statuses over one row of counts", app)
		}
		rows := findAll(tables[1], "tr")
		if len(rows)-1 != queues[app] {
			t.Errorf("application %s: %d queue rows, want %d", app, len(rows)-1, queues[app])
		}
		if hs := findAll(rows[0], "th"); len(hs) != 7 || text(hs[4]) != "Service level" || text(hs[5]) != "Predicted" || text(hs[6]) != "READY / required" {
			t.Errorf("application %s: queue table header %d cells", app, len(hs))
		}
		for _, r := range rows[1:] {
			if n := len(findAll(r, "td")); n != 7 {
				t.Errorf("application %s: a queue row has %d cells, want 7", app, n)
			}
		}
	}

	shot := filepath.Join(t.TempDir(), "landing.png")
	runChromium(t, chromium, "--screenshot="+shot, "--window-size=1280,900", "--hide-scrollbars", e.Base+"/")
	checkScreenshot(t, shot, 1280, 900)
}

// runChromium runs headless Chromium with args and a profile of its own,
// and returns its standard output.
func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + t.TempDir()}, args...)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// checkScreenshot checks the layout of the PNG at path: its size, the
// header band along the top, ink on a good share of the rows, and cells of
// both verdicts.
func checkScreenshot(t *testing.T, path string, width, height int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != width || b.Dy() != height {
		t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	header := color.RGBA{0xe6, 0x52, 0x2c, 0xff}
	ok, bad := color.RGBA{0xda, 0xfb, 0xe1, 0xff}, color.RGBA{0xff, 0xd7, 0xd5, 0xff}
	var inked, headerRows, okPixels, badPixels int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		var ink, head int
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			switch {
			case near(c, header):
				head++
			case near(c, ok):
				okPixels++
			case near(c, bad):
				badPixels++
			}
			if !near(c, color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				ink++
			}
		}
		if ink > 0 {
			inked++
		}
		if head > width*9/10 && y < height/10 {
			headerRows++
		}
	}
	if headerRows < 20 {
		t.Errorf("only %d rows of the header colour across the top, want the header band (at least 20)", headerRows)
	}
	if inked < height/2 {
		t.Errorf("only %d of %d rows have anything drawn on them: the page looks blank", inked, height)
	}
	if okPixels == 0 || badPixels == 0 {
		t.Errorf("cells meeting (%d px) and missing (%d px) their targets: want both coloured", okPixels, badPixels)
	}
}

// near reports whether two colours differ by at most 6 per channel.
func near(a, b color.RGBA) bool {
	d := func(x, y uint8) bool { return x-y <= 6 || y-x <= 6 }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// findAll returns the elements named tag under n, in document order.
func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// text is the text under n, trimmed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
