package collector

import (
	"errors"
	"strings"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

func TestPickApplication(t *testing.T) {
	apps := []voxapi.Application{
		{ApplicationID: 1, ApplicationName: "support.acme.voximplant.com"},
		{ApplicationID: 2, ApplicationName: "support-night.acme.voximplant.com"},
		{ApplicationID: 3, ApplicationName: "sales.acme.voximplant.com"},
	}
	for _, tc := range []struct {
		name string
		want int64
		err  string
	}{
		{"support", 1, ""},                     // short name equal, though support-night contains it
		{"support.acme.voximplant.com", 1, ""}, // full name equal
		{"Support", 1, ""},                     // names are not case-sensitive
		{"night", 2, ""},                       // the only one containing it
		{"supp", 0, "support.acme.voximplant.com (id 1), support-night.acme.voximplant.com (id 2)"},
		{"billing", 0, "no application of the account is named"},
	} {
		id, err := pickApplication(tc.name, apps)
		switch {
		case tc.err == "" && (err != nil || id != tc.want):
			t.Errorf("%q: %d %v, want %d", tc.name, id, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "--voximplant.application")):
			t.Errorf("%q: %v, want an error naming %q and the flag", tc.name, err, tc.err)
		}
	}
	if _, err := pickApplication("supp", apps); !errors.Is(err, errAmbiguousName) {
		t.Errorf("ambiguous name: %v", err)
	}
}

// nightAccount is goldenAccount with support-night (3), whose operator
// zed would be counted with support's by a GetUsers by name.
func nightAccount() voxsim.Account {
	acct := goldenAccount()
	acct.Apps = append(acct.Apps, voxsim.Application{ID: 3, Name: "support-night.acme.voximplant.com"})
	acct.Users = append(acct.Users, voxsim.User{ID: 901, Name: "zed", Active: true, Apps: []int64{3}, Status: voxsim.StatusReady})
	return acct
}

// TestApplicationNameIsResolvedToItsID: --voximplant.application-name=support
// is asked for by application_id, so support-night's operator is not
// counted with support's; the label stays the name as configured; the
// names cost one GetApplications per directory refresh.
func TestApplicationNameIsResolvedToItsID(t *testing.T) {
	h := newHarness(t, nightAccount(), nil, voxapi.AppSelector{Name: "support"})
	exp := h.exporter(t, expOpts{perUser: true})
	for range 2 {
		f := scrape(t, exp)
		if up := f.MustValue(t, "voximplant_up"); up != 1 {
			t.Fatalf("up %v; log:\n%s", up, h.logs)
		}
		if _, ok := f.Value("voximplant_user_info", "user_name", "zed"); ok {
			t.Error("support-night's operator counted under support")
		}
		if _, ok := f.Value("voximplant_user_info", "user_name", "ann"); !ok {
			t.Error("support's operator ann missing")
		}
	}
	for _, r := range h.sim.Requests() {
		if r.Method == "GetUsers" && r.Params.Get("application_name") != "" {
			t.Errorf("GetUsers asked by application_name %q", r.Params.Get("application_name"))
		}
	}
	if n := h.sim.Stats().ByMethod["GetApplications"]; n != 1 {
		t.Errorf("%d GetApplications requests in two scrapes, want 1", n)
	}
}

// TestAmbiguousApplicationNameNeverMerges: a name that two applications
// contain and neither equals fails the users collector with one error
// naming the candidates and the flag to use, rather than mixing their
// operators.
func TestAmbiguousApplicationNameNeverMerges(t *testing.T) {
	h := newHarness(t, nightAccount(), nil, voxapi.AppSelector{Name: "supp"})
	f := scrape(t, h.exporter(t, expOpts{perUser: true}))
	if up := f.MustValue(t, "voximplant_up"); up != 0 {
		t.Errorf("up %v with an ambiguous application name", up)
	}
	if n := h.sim.Stats().ByMethod["GetUsers"]; n != 0 {
		t.Errorf("%d GetUsers requests for an ambiguous name", n)
	}
	logs := h.logs.String()
	for _, want := range []string{"support.acme.voximplant.com (id 1)", "support-night.acme.voximplant.com (id 3)", "--voximplant.application-id"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not name %q:\n%s", want, logs)
		}
	}
}

// TestApplicationNamesWithoutGetApplications: with GetApplications
// refused, names go to GetUsers as application_name as before, the log
// says once which way it works, and GetQueues is not asked for them.
func TestApplicationNamesWithoutGetApplications(t *testing.T) {
	h := newHarness(t, goldenAccount(), func(c *voxsim.Config) { c.ForbiddenMethods = []string{"GetApplications"} },
		voxapi.AppSelector{Name: "support"})
	exp := h.exporter(t, expOpts{})
	for range 2 {
		if up := scrape(t, exp).MustValue(t, "voximplant_up"); up != 1 {
			t.Fatalf("up %v without GetApplications; log:\n%s", up, h.logs)
		}
	}
	if n := strings.Count(h.logs.String(), "GetApplications refused (code 104)"); n != 1 {
		t.Errorf("%d warnings about GetApplications, want 1:\n%s", n, h.logs)
	}
	named := false
	for _, r := range h.sim.Requests() {
		named = named || (r.Method == "GetUsers" && r.Params.Get("application_name") == "support")
	}
	if !named {
		t.Error("GetUsers was not asked by application_name in the fallback")
	}
}
