package collector

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// AccountLister is what listing an auth module's accounts reads:
// *voxapi.Client acting as the module's own account.
type AccountLister interface {
	GetAccountInfo(ctx context.Context) (*voxapi.AccountInfo, error)
	GetChildrenAccounts(ctx context.Context, f voxapi.ChildrenFilter) ([]voxapi.ChildAccount, error)
}

// ListedAccount is one account an auth module may act on: its own, or
// one of its children. It carries no secret: the listing asks for
// medium_output, which has no api_key.
type ListedAccount struct {
	ID     int64
	Name   string
	Own    bool // the credentials' own account
	Active bool
	Frozen bool
}

// AccountList is an auth module's own account and its children, read at
// most once per interval (GetAccountInfo, then GetChildrenAccounts every
// page, once for all children and once each for the frozen and the
// inactive ones, so that no answer needs the full output with its
// api_keys). It follows every rule of the other interval reads (read.go):
// between reads it serves the last whole listing; a failed read is
// reported once and never served.
type AccountList struct {
	api AccountLister
	r   *read[[]ListedAccount]
}

// NewAccountList declares the listing of api's accounts, read at most once
// per every, under life (cancel it to stop a read in flight).
func NewAccountList(life context.Context, api AccountLister, every time.Duration) *AccountList {
	return &AccountList{api: api, r: newRead[[]ListedAccount](life, time.Now, "the child accounts (GetChildrenAccounts)", every, readTimeout(every))}
}

// Get returns the listing, waiting within ctx for the first read.
func (l *AccountList) Get(ctx context.Context) ([]ListedAccount, error) {
	v, _, err := l.r.get(ctx, func() (fetchFunc[[]ListedAccount], error) { return l.fetch, nil })
	return v, err
}

func (l *AccountList) fetch(ctx context.Context) ([]ListedAccount, error) {
	own, err := l.api.GetAccountInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("GetAccountInfo: %w", err)
	}
	all, err := l.api.GetChildrenAccounts(ctx, voxapi.ChildrenFilter{})
	if err != nil {
		return nil, fmt.Errorf("GetChildrenAccounts: %w", err)
	}
	yes, no := true, false
	frozen, err := l.api.GetChildrenAccounts(ctx, voxapi.ChildrenFilter{Frozen: &yes})
	if err != nil {
		return nil, fmt.Errorf("GetChildrenAccounts (frozen): %w", err)
	}
	inactive, err := l.api.GetChildrenAccounts(ctx, voxapi.ChildrenFilter{Active: &no})
	if err != nil {
		return nil, fmt.Errorf("GetChildrenAccounts (inactive): %w", err)
	}
	return listAccounts(own, all, frozen, inactive), nil
}

// listAccounts merges the answers: the own account first, then the
// children by id, each flagged frozen or inactive when a filtered listing
// named it.
func listAccounts(own *voxapi.AccountInfo, all, frozen, inactive []voxapi.ChildAccount) []ListedAccount {
	in := func(list []voxapi.ChildAccount, id int64) bool {
		return slices.ContainsFunc(list, func(c voxapi.ChildAccount) bool { return c.AccountID == id })
	}
	out := []ListedAccount{{ID: own.AccountID, Name: own.AccountName, Own: true, Active: own.Active, Frozen: own.Frozen}}
	for _, c := range all {
		if c.AccountID == own.AccountID {
			continue
		}
		out = append(out, ListedAccount{ID: c.AccountID, Name: c.AccountName, Active: !in(inactive, c.AccountID), Frozen: in(frozen, c.AccountID)})
	}
	slices.SortFunc(out[1:], func(a, b ListedAccount) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
