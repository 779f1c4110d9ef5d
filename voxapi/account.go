package voxapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// AccountInfo is GetAccountInfo's account, as far as the exporter needs it:
// what says whether it can take calls. Balance and CreditLimit are in the
// account's Currency; Frozen is false when the API leaves it out.
type AccountInfo struct {
	AccountID   int64   `json:"account_id"`
	AccountName string  `json:"account_name"`
	Active      bool    `json:"active"`
	Frozen      bool    `json:"frozen"`
	Balance     float64 `json:"balance"`
	CreditLimit float64 `json:"credit_limit"`
	Currency    string  `json:"currency"`
}

type getAccountInfoWire struct {
	envelope
	Result *AccountInfo `json:"result"`
}

// DecodeGetAccountInfo reads one GetAccountInfo answer.
func DecodeGetAccountInfo(r io.Reader) (*AccountInfo, error) {
	var w getAccountInfoWire
	if err := decodeAnswer(r, &w); err != nil {
		return nil, err
	}
	if w.Result == nil {
		return nil, errors.New(`answer has no "result"`)
	}
	return w.Result, nil
}

// GetAccountInfo reads the account the client acts on, with its live
// balance (return_live_balance=true: what the account can still spend, not
// the last committed figure).
func (c *Client) GetAccountInfo(ctx context.Context) (*AccountInfo, error) {
	v := url.Values{}
	v.Set("return_live_balance", "true")
	return callFor(ctx, c, "GetAccountInfo", v, DecodeGetAccountInfo)
}

// ChildAccount is one child account of GetChildrenAccounts. The exporter
// asks for medium_output (id, name, email) and reads only the id and
// name: the full answer carries each child's api_key, which must never be
// asked for, kept or shown.
type ChildAccount struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
}

// ChildrenFilter narrows GetChildrenAccounts; nil fields do not filter.
type ChildrenFilter struct {
	Active *bool
	Frozen *bool
}

// DecodeGetChildrenAccounts reads one GetChildrenAccounts page and the
// total the API claims.
func DecodeGetChildrenAccounts(r io.Reader) ([]ChildAccount, int64, error) {
	return decodePage[ChildAccount](r)
}

// childrenPage is GetChildrenAccounts' page size.
const childrenPage = 100

// GetChildrenAccounts lists every child account of the client's account
// that f lets through, by id order, each once, paging by the records
// actually returned. It asks for medium_output, so no api_key travels.
// The Owner role alone may call it.
func (c *Client) GetChildrenAccounts(ctx context.Context, f ChildrenFilter) ([]ChildAccount, error) {
	base := url.Values{}
	base.Set("medium_output", "true")
	base.Set("order_by", "child_account_id")
	if f.Active != nil {
		base.Set("active", strconv.FormatBool(*f.Active))
	}
	if f.Frozen != nil {
		base.Set("frozen", strconv.FormatBool(*f.Frozen))
	}
	all, err := pageAll(ctx, c, "GetChildrenAccounts", base, childrenPage, DecodeGetChildrenAccounts,
		func(a ChildAccount) int64 { return a.AccountID })
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.AccountID <= 0 {
			return nil, fmt.Errorf("voximplant GetChildrenAccounts: a child account with id %d", a.AccountID)
		}
	}
	return all, nil
}
