package voxsim

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	childA = 5001
	childB = 5002
)

// family is a started family of the fixture as parent and two children
// with one user each, and a way to call it as any account.
type family struct {
	t     *testing.T
	f     *Family
	creds *Credentials
}

func newFamily(t *testing.T, mod func(*Config)) *family {
	t.Helper()
	creds := NewTestCredentials(testAccountID)
	parent := fixture()
	parent.Info = AccountInfo{Name: "parent", Balance: 100, Currency: "EUR"}
	cfg := Config{Credentials: creds, Account: parent, Now: func() time.Time { return fixedNow }}
	if mod != nil {
		mod(&cfg)
	}
	child := func(id int64, name string, info AccountInfo) Account {
		info.Name, info.Email = name, name+"@example.com"
		return Account{ID: id, Info: info, Apps: []Application{{ID: id + 1, Name: name + ".n2.voximplant.com"}},
			Users: []User{{ID: id * 10, Name: name + "-op", Active: true, Status: StatusReady, Apps: []int64{id + 1}}}}
	}
	f, err := StartFamily(cfg, []Account{
		child(childB, "beta", AccountInfo{Balance: 2.5, CreditLimit: -1, Frozen: true}),
		child(childA, "alpha", AccountInfo{Balance: 7, Inactive: true, Currency: "RUR"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return &family{t: t, f: f, creds: creds}
}

// call calls method as account iss, signed with the parent's key.
func (fm *family) call(iss int64, method string, params url.Values) map[string]any {
	fm.t.Helper()
	c := *fm.creds
	c.AccountID = iss
	tok, err := c.MintToken(fixedNow.Add(-5*time.Second), fixedNow.Add(time.Minute))
	if err != nil {
		fm.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, fm.f.URL()+method, strings.NewReader(params.Encode()))
	if err != nil {
		fm.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := testClient.Do(req)
	if err != nil {
		fm.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fm.t.Fatal(err)
	}
	return decode(fm.t, body)
}

func TestFamilyServesEachAccountToItsOwnToken(t *testing.T) {
	fm := newFamily(t, nil)
	for _, tc := range []struct {
		iss    int64
		name   string
		user   string
		active bool
	}{
		{testAccountID, "parent", "zoe", true},
		{childA, "alpha", "alpha-op", false},
		{childB, "beta", "beta-op", true},
	} {
		m := fm.call(tc.iss, "GetAccountInfo", nil)
		r, ok := m["result"].(map[string]any)
		if !ok {
			t.Fatalf("iss %d: GetAccountInfo answered %v", tc.iss, m)
		}
		if r["account_id"].(float64) != float64(tc.iss) || r["account_name"] != tc.name || r["active"] != tc.active {
			t.Errorf("iss %d: GetAccountInfo = %v", tc.iss, r)
		}
		app := "10"
		if tc.iss != testAccountID {
			app = fmt.Sprint(tc.iss + 1)
		}
		users := fm.call(tc.iss, "GetUsers", vals("application_id", app, "user_name", tc.user))
		if n := len(users["result"].([]any)); n != 1 {
			t.Errorf("iss %d: %d users named %s, want 1: %v", tc.iss, n, tc.user, users)
		}
	}
}

func TestFamilyRefusesTheParentKeyForAnAccountNotItsChild(t *testing.T) {
	fm := newFamily(t, nil)
	if code := errorCode(t, fm.call(9999, "GetAccountInfo", nil)); code != CodeAuthFailed {
		t.Errorf("a stranger's iss: code %d, want %d", code, CodeAuthFailed)
	}
}

func TestGetChildrenAccountsFiltersPagesAndHidesKeysInMediumOutput(t *testing.T) {
	fm := newFamily(t, func(c *Config) { c.MaxCount = 1 })
	var got []string
	for off := 0; off < 3; off++ {
		m := fm.call(testAccountID, "GetChildrenAccounts", vals("medium_output", "true", "order_by", "child_account_id", "count", "20", "offset", fmt.Sprint(off)))
		if m["total_count"].(float64) != 2 {
			t.Fatalf("total_count = %v, want 2", m["total_count"])
		}
		for _, r := range m["result"].([]any) {
			r := r.(map[string]any)
			if _, ok := r["api_key"]; ok || len(r) != 3 {
				t.Errorf("medium output %v, want id, name and email alone", r)
			}
			got = append(got, fmt.Sprintf("%v:%v", r["account_id"], r["account_name"]))
		}
	}
	if want := "5001:alpha 5002:beta"; strings.Join(got, " ") != want {
		t.Errorf("children by id, a page at a time: %v, want %s", got, want)
	}

	full := fm.call(testAccountID, "GetChildrenAccounts", vals("frozen", "true"))
	res := full["result"].([]any)
	if len(res) != 1 {
		t.Fatalf("frozen children: %v, want beta alone", res)
	}
	b := res[0].(map[string]any)
	if b["account_name"] != "beta" || b["api_key"] != ChildAPIKey(childB) || b["balance"] != 2.5 || b["credit_limit"] != -1.0 || b["currency"] != "USD" {
		t.Errorf("beta's full output: %v", b)
	}
	inactive := fm.call(testAccountID, "GetChildrenAccounts", vals("active", "false", "brief_output", "true"))
	if r := inactive["result"].([]any); len(r) != 1 || len(r[0].(map[string]any)) != 1 || r[0].(map[string]any)["account_id"] != float64(childA) {
		t.Errorf("inactive children, brief: %v, want alpha's id alone", r)
	}
}

func TestGetChildrenAccountsIsTheOwnersAlone(t *testing.T) {
	fm := newFamily(t, func(c *Config) { c.Roles = []string{RoleAdmin} })
	if code := errorCode(t, fm.call(testAccountID, "GetChildrenAccounts", nil)); code != CodeForbidden {
		t.Errorf("Admin: code %d, want %d", code, CodeForbidden)
	}
	if code := errorCode(t, fm.call(testAccountID, "GetAccountInfo", nil)); code != 0 {
		t.Errorf("Admin: GetAccountInfo code %d, want an answer", code)
	}
}

func TestBillingDrainsByTheMinutesOnCalls(t *testing.T) {
	users := []User{
		{Active: true, Status: StatusInService}, {Active: true, Status: StatusInService},
		{Active: true, Status: StatusInService}, {Active: true, Status: StatusReady},
		{Active: false, Status: StatusInService},
	}
	a := AccountInfo{Balance: 10, CostPerMinute: 0.02}
	a.bill(users, fixedNow) // the first step only starts the clock
	if a.Balance != 10 {
		t.Fatalf("first step billed: %v", a.Balance)
	}
	a.bill(users, fixedNow.Add(10*time.Minute))
	// Three active operators on calls for ten minutes at 0.02 a minute.
	want := 10 - 3*10*0.02
	if math.Abs(a.Balance-want) > 1e-9 {
		t.Errorf("balance %v, want %v", a.Balance, want)
	}
	if j := accountJSON(1, a, false, true); j["balance"] != 10.0 {
		t.Errorf("fixed balance %v, want the balance before the step, 10", j["balance"])
	}
}

func TestFamilyRefusesBadChildren(t *testing.T) {
	creds := NewTestCredentials(testAccountID)
	for _, kids := range [][]Account{{{ID: 0}}, {{ID: 7}, {ID: 7}}, {{ID: testAccountID}}} {
		if _, err := NewFamily(Config{Credentials: creds}, kids); err == nil {
			t.Errorf("children %v accepted", kids)
		}
	}
}
