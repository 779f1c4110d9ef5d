package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

const (
	mtParent = 7001
	mtRetail = 7002
	mtFrozen = 7003
)

// mtRig is a voxsim family (a parent and two children, one frozen) behind
// the /probe and /sd handlers made from the flags.
type mtRig struct {
	creds *voxsim.Credentials
	fam   *voxsim.Family
	mt    *multiTarget
	srv   *httptest.Server
	logs  *testkit.LockedBuffer
}

func newMTRig(t *testing.T, roles ...string) *mtRig {
	t.Helper()
	creds := voxsim.NewTestCredentials(mtParent)
	gen := func(id int64, info voxsim.AccountInfo) voxsim.Account {
		a := voxsim.Generate(voxsim.GenConfig{Users: 6, Apps: 1, Seed: id})
		a.ID, a.Info = id, info
		a.Apps[0].Name = "support.example.voximplant.com" // one name in every account
		return a
	}
	fam, err := voxsim.StartFamily(voxsim.Config{Credentials: creds, Roles: roles, Account: gen(mtParent, voxsim.AccountInfo{Name: "parent", Balance: 10})},
		[]voxsim.Account{gen(mtRetail, voxsim.AccountInfo{Name: "retail", Balance: 77.5, Currency: "EUR"}), gen(mtFrozen, voxsim.AccountInfo{Name: "stuck", Frozen: true})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fam.Close)
	return startMT(t, creds, fam, "--no-collector.queue-stats")
}

// startMT serves /probe and /sd from the flags (the application named
// "support", and args) over fam, whose parent's key is creds.
func startMT(t testing.TB, creds *voxsim.Credentials, fam *voxsim.Family, args ...string) *mtRig {
	t.Helper()
	cfg, _, err := parse(append([]string{"--voximplant.credentials-file=unused.json", "--voximplant.application-name=support"}, args...), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := voxapi.ParseCredentials(creds.JSON(), "test credentials")
	if err != nil {
		t.Fatal(err)
	}
	logs := &testkit.LockedBuffer{}
	cs, err := cfg.collectors.Build(collector.Settings{Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := newMultiTarget(cfg, multiTargetDeps{apiURL: fam.URL(), creds: c, apps: cfg.apps(), collectors: cs}, logs.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mt.Close)
	mux := http.NewServeMux()
	mt.handle(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &mtRig{creds: creds, fam: fam, mt: mt, srv: srv, logs: logs}
}

func (r *mtRig) get(t testing.TB, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// probeUp scrapes path, which must answer 200 with voximplant_up 1.
func (r *mtRig) probeUp(t *testing.T, path string) (testkit.Families, string) {
	t.Helper()
	code, body := r.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	fams := testkit.ParseText(t, []byte(body))
	if fams.Up() != 1 {
		t.Fatalf("up 0:\n%s", r.logs)
	}
	return fams, body
}

// operators sums voximplant_acd_operators: every operator once per
// application (one application in the rig's accounts).
func operators(f testkit.Families) float64 {
	var n float64
	for _, m := range f["voximplant_acd_operators"].GetMetric() {
		n += m.GetGauge().GetValue()
	}
	return n
}

// requests is every request the family's servers have had.
func (r *mtRig) requests() int {
	n := r.fam.Parent().Stats().Requests
	for _, id := range r.fam.ChildIDs() {
		n += r.fam.Child(id).Stats().Requests
	}
	return n
}

// TestSDListsTheParentAndItsChildren: /sd serves the http_sd JSON of the
// auth module's own account and each child, with the labels that make the
// /probe URL and the account's name and state, and no key.
func TestSDListsTheParentAndItsChildren(t *testing.T) {
	r := newMTRig(t)
	code, body := r.get(t, "/sd?auth_module=default&module=default")
	if code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	var groups []sdGroup
	if err := json.Unmarshal([]byte(body), &groups); err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{"7001": {"parent", "true", "false"}, "7002": {"retail", "true", "false"}, "7003": {"stuck", "true", "true"}}
	if len(groups) != len(want) {
		t.Fatalf("%d groups, want %d: %s", len(groups), len(want), body)
	}
	host := strings.TrimPrefix(r.srv.URL, "http://")
	for _, g := range groups {
		l := g.Labels
		w, ok := want[l["__param_target"]]
		if !ok || l["account_id"] != l["__param_target"] || l["account_name"] != w[0] || l["account_active"] != w[1] || l["account_frozen"] != w[2] {
			t.Errorf("group %v, want %v", l, w)
		}
		if l["__metrics_path__"] != "/probe" || l["__param_auth_module"] != "default" || l["__param_module"] != "default" || len(g.Targets) != 1 || g.Targets[0] != host {
			t.Errorf("group %+v does not scrape /probe on %s", g, host)
		}
	}
	for _, id := range []int64{mtRetail, mtFrozen} {
		if strings.Contains(body, voxsim.ChildAPIKey(id)) || strings.Contains(r.logs.String(), voxsim.ChildAPIKey(id)) {
			t.Error("a child's api_key leaked")
		}
	}
	for _, req := range r.fam.Parent().Requests() {
		if req.Method == "GetChildrenAccounts" && req.Params.Get("medium_output") != "true" {
			t.Errorf("GetChildrenAccounts asked for more than medium_output: %v", req.Params)
		}
	}
}

// TestProbeScrapesOneChild: /probe of a child serves that child's
// numbers (its balance, its operators), with no account label of its own.
func TestProbeScrapesOneChild(t *testing.T) {
	r := newMTRig(t)
	fams, body := r.probeUp(t, "/probe?target=7002&auth_module=default&module=default")
	if got := fams.MustValue(t, "voximplant_account_balance", "currency", "EUR"); got != 77.5 {
		t.Errorf("balance %v, want the child's 77.5", got)
	}
	if ops := operators(fams); ops != 6 {
		t.Errorf("%v operators, want the child's 6", ops)
	}
	if strings.Contains(body, "account_id=") || strings.Contains(body, `account="`) {
		t.Error("a probe added an account label")
	}
	if n := r.fam.Child(mtRetail).Stats().ByMethod["GetUsers"]; n == 0 {
		t.Error("the child's server had no GetUsers: the probe read another account")
	}
}

// TestProbeRefusesATargetBeforeAnyRequest: a target that is neither the
// auth module's account nor a child, a bad target, an unknown module or
// auth module: HTTP 400 with a clear line, and no request on its behalf.
func TestProbeRefusesATargetBeforeAnyRequest(t *testing.T) {
	r := newMTRig(t)
	if code, body := r.get(t, "/sd"); code != http.StatusOK { // the listing, read once
		t.Fatalf("HTTP %d: %s", code, body)
	}
	before := r.requests()
	for path, want := range map[string]string{
		"/probe?target=9999":                    "may not act on account 9999",
		"/probe?target=-3":                      "not an account id",
		"/probe":                                "target parameter is missing",
		"/probe?target=7002&module=nope":        `unknown module "nope"`,
		"/probe?target=7002&auth_module=nope":   `unknown auth_module "nope"`,
		"/probe?target=7002abc&auth_module=nop": `unknown auth_module`,
	} {
		code, body := r.get(t, path)
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("%s: HTTP %d %q, want 400 saying %q", path, code, body, want)
		}
	}
	if n := r.requests() - before; n != 0 {
		t.Errorf("%d API requests for refused probes, want 0", n)
	}
}

// TestProbeWithoutOwnerRoleFailsClearly: a key that may not list children
// gets 503 naming the role, and the log says what to do.
func TestProbeWithoutOwnerRoleFailsClearly(t *testing.T) {
	r := newMTRig(t, voxsim.RoleSupervisor)
	code, body := r.get(t, "/probe?target=7002")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Owner") {
		t.Errorf("HTTP %d %q, want 503 naming the Owner role", code, body)
	}
	if code, _ := r.get(t, "/probe?target=7001"); code != http.StatusOK {
		t.Errorf("the module's own account: HTTP %d, want 200 without any listing", code)
	}
	if !strings.Contains(r.logs.String(), "children") {
		t.Errorf("the log does not say the children may be listed in the configuration:\n%s", r.logs)
	}
}

// TestProbeConfiguredChildrenNeedNoListing: an auth module that lists its
// children needs no GetChildrenAccounts: /sd serves the list and /probe
// takes those targets.
func TestProbeConfiguredChildrenNeedNoListing(t *testing.T) {
	r := newMTRig(t, voxsim.RoleSupervisor)
	set := r.mt.set.Load()
	am, err := newAuthModule(context.Background(), "least", set.auths[defaultName].creds, []int64{mtRetail}, r.mt)
	if err != nil {
		t.Fatal(err)
	}
	set.auths["least"] = am
	code, body := r.get(t, "/sd?auth_module=least")
	if code != http.StatusOK || !strings.Contains(body, `"__param_target":"7002"`) || strings.Contains(body, "7003") {
		t.Errorf("HTTP %d %s, want the configured child alone", code, body)
	}
	if code, body := r.get(t, "/probe?target=7002&auth_module=least"); code != http.StatusOK {
		t.Errorf("HTTP %d %s", code, body)
	}
	if code, _ := r.get(t, "/probe?target=7003&auth_module=least"); code != http.StatusBadRequest {
		t.Errorf("an unlisted child: HTTP %d, want 400", code)
	}
	if n := r.fam.Parent().Stats().ByMethod["GetChildrenAccounts"]; n != 0 {
		t.Errorf("%d GetChildrenAccounts with configured children", n)
	}
}

// TestIdleTargetsAreDropped: a target nobody scrapes for the idle timeout
// loses its state when another is scraped.
func TestIdleTargetsAreDropped(t *testing.T) {
	r := newMTRig(t)
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.mt.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r.get(t, "/probe?target=7002")
	r.get(t, "/probe?target=7003")
	if n := r.mt.set.Load().targetsHeld(); n != 2 {
		t.Fatalf("%d targets held, want 2", n)
	}
	advance(r.mt.flags.idleTimeout - time.Second)
	r.get(t, "/probe?target=7002") // 7003 is idle, not yet for long enough
	if n := r.mt.set.Load().targetsHeld(); n != 2 {
		t.Fatalf("%d targets held before the idle timeout, want 2", n)
	}
	advance(2 * time.Second)
	r.get(t, "/probe?target=7002")
	if n := r.mt.set.Load().targetsHeld(); n != 1 {
		t.Errorf("%d targets held after 7003's idle timeout, want 1", n)
	}
}

// blockingRT answers once released, and says when a request reached it.
type blockingRT struct {
	entered chan struct{}
}

func (b *blockingRT) RoundTrip(*http.Request) (*http.Response, error) {
	b.entered <- struct{}{}
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok"))}, nil
}

// TestLimitTransportBoundsRequestsInFlight: with every slot held, a
// request waits (and gives up with its context); closing a body frees a
// slot.
func TestLimitTransportBoundsRequestsInFlight(t *testing.T) {
	rt := &blockingRT{entered: make(chan struct{}, 8)}
	l := newLimitTransport(2, rt)
	req := func(ctx context.Context) (*http.Response, error) {
		r, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://x/", nil)
		return l.RoundTrip(r)
	}
	a, err := req(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := req(context.Background()); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := req(cancelled); err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("a third request with both slots held: err %v, want it to wait until cancelled", err)
	}
	a.Body.Close()
	a.Body.Close() // a second close frees nothing more
	if _, err := req(context.Background()); err != nil {
		t.Fatalf("a slot was not freed by the close: %v", err)
	}
	if _, err := req(cancelled); err == nil {
		t.Fatal("a double close freed two slots")
	}
}
