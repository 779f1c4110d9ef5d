package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// authModule is a named service-account key and the accounts it may act
// on: its own and its children. The children are either listed in the
// configuration file (a least-privilege key: no GetChildrenAccounts, which
// only the Owner role may call) or read with GetChildrenAccounts at most
// once per --sd.refresh.
type authModule struct {
	name  string
	creds *voxapi.Credentials
	// children are the configured child account ids; nil when list reads
	// them from the API.
	children []int64
	list     *collector.AccountList
}

// newAuthModule builds an auth module; without configured children its
// listing reads the API with its own client.
func newAuthModule(life context.Context, name string, creds *voxapi.Credentials, children []int64, mt *multiTarget) (*authModule, error) {
	am := &authModule{name: name, creds: creds, children: children}
	if children != nil {
		mt.log.Info("auth module lists its child accounts from the configuration file", "auth_module", name, "children", len(children))
		return am, nil
	}
	client, err := mt.client(creds, 0)
	if err != nil {
		return nil, fmt.Errorf("auth module %s: %w", name, err)
	}
	am.list = collector.NewAccountList(life, client, mt.flags.sdRefresh)
	mt.log.Info("auth module lists its child accounts with GetChildrenAccounts (the Owner role); list their ids under children: in --config.file for a key without it",
		"auth_module", name, "refresh", mt.flags.sdRefresh)
	return am, nil
}

// ownID is the account the credentials belong to.
func (am *authModule) ownID() int64 { return am.creds.AccountID }

// accounts lists the accounts the module may act on, its own first. From
// the configuration, only ids are known.
func (am *authModule) accounts(ctx context.Context) ([]collector.ListedAccount, error) {
	if am.list != nil {
		return am.list.Get(ctx)
	}
	out := []collector.ListedAccount{{ID: am.ownID(), Own: true, Active: true}}
	for _, id := range am.children {
		out = append(out, collector.ListedAccount{ID: id, Active: true})
	}
	return out, nil
}

// allows reports whether the module may act on target: its own account,
// or a child as last listed. Only the listing of the module's own children
// reaches the API, never a request on target's behalf.
func (am *authModule) allows(ctx context.Context, target int64) (bool, error) {
	if target == am.ownID() || slices.Contains(am.children, target) {
		return true, nil
	}
	if am.list == nil {
		return false, nil
	}
	accts, err := am.list.Get(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(accts, func(a collector.ListedAccount) bool { return a.ID == target }), nil
}

// logRefusal logs why a listing failed, with what to do about it.
func (am *authModule) logRefusal(log *slog.Logger, err error) {
	log.Error("cannot list the auth module's child accounts", "auth_module", am.name, "err", err,
		"hint", hintOf(err))
}

func hintOf(err error) string {
	var ae *voxapi.APIError
	if errors.As(err, &ae) {
		return ae.Hint()
	}
	return ""
}

// parseAccountID reads a target: a positive decimal account id.
func parseAccountID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("target %q is not an account id (a positive integer)", truncate(s, 40))
	}
	return id, nil
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
