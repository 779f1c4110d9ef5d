package collector

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func TestExpositionFailedPageHasNoUserSeries(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	h.sim.Inject(voxsim.Fault{Method: "GetUsers", Code: voxapi.CodeForbidden, Msg: "Forbidden", Times: -1,
		Match: func(r *voxsim.Request) bool { return r.Offset >= 2 }})
	exp := h.exporter(t, expOpts{perUser: true})
	if text := expose(t, exp, context.Background(), expfmt.FmtText); bytes.Contains(text, []byte("voximplant_user_")) {
		t.Errorf("per-user series on a failed scrape:\n%s", text)
	}
}

// TestExpositionMergesInNameOrder: the streamed families slot in among the
// gathered ones, so the whole exposition is in name order, as a registry's.
func TestExpositionMergesInNameOrder(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	chunkSeries = 2
	defer func() { chunkSeries = 1024 }()
	text := expose(t, h.exporter(t, expOpts{perUser: true}), context.Background(), expfmt.FmtText)
	var names []string
	for line := range strings.Lines(string(text)) {
		if strings.HasPrefix(line, "# TYPE ") {
			names = append(names, strings.Fields(line)[2])
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("family %s after %s", names[i], names[i-1])
		}
	}
	// aggregates; up, pass duration, snapshot time, collector success and
	// duration; per-user.
	if want := 4 + 5 + len(userFamilies); len(names) != want {
		t.Errorf("%d families, want %d: %v", len(names), want, names)
	}
}

func TestExpositionOpenMetrics(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil)
	chunkSeries = 2
	defer func() { chunkSeries = 1024 }()
	text := string(expose(t, h.exporter(t, expOpts{perUser: true}), context.Background(), expfmt.FmtOpenMetrics_1_0_0))
	if !strings.HasSuffix(text, "\n# EOF\n") || strings.Count(text, "# EOF") != 1 {
		t.Errorf("OpenMetrics exposition does not end with one # EOF:\n%s", text)
	}
	assertFamiliesOnce(t, []byte(text))
	if !strings.Contains(text, `voximplant_user_info{parent_accounting="true",user_display_name="Zoë \"Z\" O'Brien \\ ☎\nnight shift",user_id="102",user_name="zoe"} 1.0`) {
		t.Errorf("escaped user_info line missing:\n%s", text)
	}
}

// TestScrapeReadsOnePass: the const families and the streamed ones of one
// scrape come from the same pass.
func TestScrapeReadsOnePass(t *testing.T) {
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	expose(t, h.exporter(t, expOpts{perUser: true}), context.Background(), expfmt.FmtText)
	// Application 1 has 4 users at page size 2: one pass is 2 pages.
	if got := h.sim.Stats().ByMethod["GetUsers"]; got != 2 {
		t.Errorf("one scrape made %d GetUsers requests, want 2 (one pass)", got)
	}
}

// TestStreamedFamilyCannotShadowAGatheredOne: a family both streamed and
// gathered would be written twice; the exposition refuses it.
func TestStreamedFamilyCannotShadowAGatheredOne(t *testing.T) {
	var b bytes.Buffer
	h := newHarness(t, goldenAccount(), nil, voxapi.AppSelector{ID: 1})
	exp := h.exporter(t, expOpts{extra: []Collector{shadowing{}}})
	err := exp.WriteTo(context.Background(), &b, expfmt.FmtText)
	if err == nil || !strings.Contains(err.Error(), "voximplant_up") {
		t.Errorf("err = %v, want one naming voximplant_up", err)
	}
}

// shadowing streams a family named like a gathered one.
type shadowing struct{}

func (shadowing) Name() string { return "shadowing" }
func (shadowing) Update(context.Context, *Pass) (*Result, error) {
	return &Result{Streams: []*StreamFamily{{Name: "voximplant_up", Help: "x", Each: func(emit EmitFunc) { emit(1, "", "", "", "") }}}}, nil
}
