package voxsim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccountInfo is what GetAccountInfo and GetChildrenAccounts report of an
// account. The zero value is an active, unfrozen account with no money in
// US dollars. Balance is the live balance: Evolve drains it by
// CostPerMinute for every minute each operator spends IN_SERVICE (a call),
// so that a demo account runs towards its credit limit as calls go on.
type AccountInfo struct {
	Name, Email string
	Inactive    bool // active=false: the account is switched off
	Frozen      bool // blocked by Voximplant
	Balance     float64
	CreditLimit float64
	Currency    string // "" is USD
	// CostPerMinute is what one minute of a call costs; 0 takes
	// callCostPerMinute.
	CostPerMinute float64

	fixed    float64   // the balance as of the last billing step
	billedAt time.Time // the last billing step; zero before the first
}

// ChildAccount is one child account as its parent's GetChildrenAccounts
// sees it.
type ChildAccount struct {
	ID   int64
	Info AccountInfo
}

// ChildAPIKey is the api_key the simulator reports for a child account in
// GetChildrenAccounts' full output: a marker secret-scanning tests look for.
func ChildAPIKey(id int64) string { return fmt.Sprintf("voxsim-child-api-key-%d-do-not-leak", id) }

func init() {
	methods["GetAccountInfo"] = (*Server).getAccountInfo
	methods["GetChildrenAccounts"] = (*Server).getChildrenAccounts
	// GetAccountInfo's roles are undocumented (assumed open to every
	// role); GetChildrenAccounts is the Owner's alone (the reference).
	MethodRoles["GetAccountInfo"] = []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleSupervisor, RoleUserManager}
	MethodRoles["GetChildrenAccounts"] = []string{RoleOwner}
	// Parameters as API-NOTES.md lists them (the reference); the official
	// clients' declarations are not checked by the fidelity suite yet.
	methodParams["GetAccountInfo"] = []string{"return_live_balance"}
	methodParams["GetChildrenAccounts"] = []string{"child_account_id", "child_account_name", "child_account_email",
		"active", "frozen", "ignore_invalid_accounts", "brief_output", "medium_output", "count", "offset", "order_by",
		"return_live_balance"}
}

// bill drains the balance for the time operators spent IN_SERVICE since
// the last step: each one is on a call.
func (a *AccountInfo) bill(users []User, now time.Time) {
	if a.billedAt.IsZero() {
		a.billedAt, a.fixed = now, a.Balance
		return
	}
	if !now.After(a.billedAt) {
		return // into the past: nothing to bill, nothing changes
	}
	inService := 0
	for i := range users {
		if users[i].Active && users[i].Status == StatusInService {
			inService++
		}
	}
	cost := cmp.Or(a.CostPerMinute, callCostPerMinute)
	a.fixed = a.Balance
	a.Balance = round4(a.Balance - float64(inService)*cost*now.Sub(a.billedAt).Minutes())
	a.billedAt = now
}

// accountJSON is AccountInfoType as the API writes it. full adds what only
// a full GetChildrenAccounts answer has, the api_key among it.
func accountJSON(id int64, a AccountInfo, live, full bool) map[string]any {
	m := map[string]any{"account_id": id, "account_name": a.Name, "account_email": a.Email}
	if !full {
		return m
	}
	bal := a.Balance
	if !live && !a.billedAt.IsZero() {
		bal = a.fixed
	}
	m["active"] = !a.Inactive
	m["frozen"] = a.Frozen
	m["balance"] = bal
	m["credit_limit"] = a.CreditLimit
	m["currency"] = cmp.Or(a.Currency, "USD")
	m["min_balance_to_notify"] = 10.0
	m["created"] = "2024-01-01 00:00:00"
	return m
}

// accountID is the id this server answers for.
func (s *Server) accountID() int64 {
	if s.acct.ID != 0 {
		return s.acct.ID
	}
	if s.cfg.Credentials != nil {
		return s.cfg.Credentials.AccountID
	}
	return 0
}

// getAccountInfo answers GetAccountInfo: the account with its live balance
// unless return_live_balance=false.
func (s *Server) getAccountInfo(p *paramReader) (any, *apiError) {
	live, _ := p.bool("return_live_balance", true)
	if p.err != nil {
		return nil, p.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := accountJSON(s.accountID(), s.acct.Info, live, true)
	return map[string]any{"result": m, "api_address": "api.voximplant.com"}, nil
}

// AccountInfo returns the account's info as Evolve has left it.
func (s *Server) AccountInfo() AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct.Info
}

// getChildrenAccounts answers GetChildrenAccounts from Config.Children:
// filtered, ordered and paged as the reference says, with the api_key in
// the full output (brief_output: ids; medium_output: id, name, email).
func (s *Server) getChildrenAccounts(p *paramReader) (any, *apiError) {
	ids := p.int64List("child_account_id")
	name := strings.ToLower(p.str("child_account_name"))
	email := strings.ToLower(p.str("child_account_email"))
	active, byActive := p.bool("active", false)
	frozen, byFrozen := p.bool("frozen", false)
	brief, _ := p.bool("brief_output", false)
	medium, _ := p.bool("medium_output", false)
	live, _ := p.bool("return_live_balance", true)
	count := p.nonNegInt("count", 20)
	offset := p.nonNegInt("offset", 0)
	order := cmp.Or(p.str("order_by"), "child_account_name")
	if p.err != nil {
		return nil, p.err
	}
	if !slices.Contains([]string{"child_account_id", "child_account_name", "child_account_email"}, order) {
		return nil, errorf(CodeInvalidArgument, "Invalid argument 'order_by': %q", order)
	}
	var children []ChildAccount
	if s.cfg.Children != nil {
		children = s.cfg.Children()
	}
	var matched []ChildAccount
	for _, c := range children {
		switch {
		case len(ids) > 0 && !slices.Contains(ids, c.ID):
		case name != "" && !strings.Contains(strings.ToLower(c.Info.Name), name):
		case email != "" && !strings.Contains(strings.ToLower(c.Info.Email), email):
		case byActive && active == c.Info.Inactive:
		case byFrozen && frozen != c.Info.Frozen:
		default:
			matched = append(matched, c)
		}
	}
	slices.SortStableFunc(matched, func(a, b ChildAccount) int {
		switch order {
		case "child_account_id":
			return cmp.Compare(a.ID, b.ID)
		case "child_account_email":
			return cmp.Or(strings.Compare(a.Info.Email, b.Info.Email), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Or(strings.Compare(a.Info.Name, b.Info.Name), cmp.Compare(a.ID, b.ID))
	})
	if s.cfg.MaxCount > 0 {
		count = min(count, s.cfg.MaxCount)
	}
	page := matched[min(offset, len(matched)):min(offset+count, len(matched))]
	result := make([]map[string]any, 0, len(page))
	for _, c := range page {
		var m map[string]any
		switch {
		case brief:
			m = map[string]any{"account_id": c.ID}
		case medium:
			m = accountJSON(c.ID, c.Info, live, false)
		default:
			m = accountJSON(c.ID, c.Info, live, true)
			m["api_key"] = ChildAPIKey(c.ID)
		}
		result = append(result, m)
	}
	return map[string]any{"result": result, "total_count": len(matched), "count": len(result)}, nil
}
