package voxapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
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
	return decodeListAnswer[ChildAccount](r)
}

// listWire is a list answer: a result array and the total it is a page of.
type listWire[T any] struct {
	envelope
	Result     *[]T   `json:"result"`
	TotalCount *int64 `json:"total_count"`
}

// decodeListAnswer reads a list answer: its records and total_count (the
// records' number when the API leaves it out).
func decodeListAnswer[T any](r io.Reader) ([]T, int64, error) {
	var w listWire[T]
	if err := decodeAnswer(r, &w); err != nil {
		return nil, 0, err
	}
	if w.Result == nil {
		return nil, 0, errors.New(`answer has no "result"`)
	}
	total := int64(len(*w.Result))
	if w.TotalCount != nil {
		total = *w.TotalCount
	}
	return *w.Result, total, nil
}

// childrenPage is GetChildrenAccounts' page size; maxChildren bounds what
// one parent may claim, so that a wrong total_count cannot page forever.
const (
	childrenPage = 100
	maxChildren  = 100000
)

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
	var all []ChildAccount
	seen := map[int64]bool{}
	for offset := 0; ; {
		v := maps.Clone(base)
		v.Set("count", strconv.Itoa(childrenPage))
		v.Set("offset", strconv.Itoa(offset))
		type page struct {
			accts []ChildAccount
			total int64
		}
		p, err := callFor(ctx, c, "GetChildrenAccounts", v, func(r io.Reader) (page, error) {
			a, t, err := DecodeGetChildrenAccounts(r)
			return page{a, t}, err
		})
		if err != nil {
			return nil, err
		}
		for _, a := range p.accts {
			if a.AccountID <= 0 {
				return nil, fmt.Errorf("voximplant GetChildrenAccounts: a child account with id %d", a.AccountID)
			}
			if !seen[a.AccountID] {
				seen[a.AccountID] = true
				all = append(all, a)
			}
		}
		offset += len(p.accts)
		if len(p.accts) == 0 || int64(offset) >= p.total || offset >= maxChildren {
			return all, nil
		}
	}
}
