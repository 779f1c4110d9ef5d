package voxapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestGetAccountInfoAsksForTheLiveBalance(t *testing.T) {
	s := newStubAPI(t, `{"result":{"account_id":42,"account_name":"acme","account_email":"a@example.com","active":true,"frozen":true,"balance":12.3456,"credit_limit":-5.5,"currency":"EUR","api_key":"SECRET-API-KEY"},"api_address":"api.voximplant.com"}`)
	got, err := s.client(t).GetAccountInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantParams(t, s.only(t, "GetAccountInfo"), map[string]string{"return_live_balance": "true"})
	want := AccountInfo{AccountID: 42, AccountName: "acme", Active: true, Frozen: true, Balance: 12.3456, CreditLimit: -5.5, Currency: "EUR"}
	if *got != want {
		t.Errorf("got %+v, want %+v", *got, want)
	}
}

func TestGetAccountInfoWithoutFrozenIsNotFrozen(t *testing.T) {
	s := newStubAPI(t, `{"result":{"account_id":42,"active":false,"balance":0,"credit_limit":0,"currency":"USD"}}`)
	got, err := s.client(t).GetAccountInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Frozen || got.Active {
		t.Errorf("got %+v, want neither active nor frozen", *got)
	}
}

func TestGetAccountInfoRefusedRoleNamesWhatToDo(t *testing.T) {
	s := newStubAPI(t, `{"error":{"code":104,"msg":"Forbidden command"}}`)
	_, err := s.client(t).GetAccountInfo(context.Background())
	if ErrorCode(err) != CodeForbidden {
		t.Fatalf("err = %v, want code 104", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.Hint(), "--collector.account") {
		t.Errorf("hint %q does not say how to turn the collector off", ae.Hint())
	}
}

func TestGetChildrenAccountsPagesWithMediumOutput(t *testing.T) {
	page := func(from, n, total int) string {
		var items []string
		for i := from; i < from+n; i++ {
			items = append(items, fmt.Sprintf(`{"account_id":%d,"account_name":"child%d","account_email":"c%d@example.com","api_key":"KEY-%d"}`, 100+i, i, i, i))
		}
		return fmt.Sprintf(`{"result":[%s],"total_count":%d,"count":%d}`, strings.Join(items, ","), total, n)
	}
	// The server caps pages below what is asked: 100 then 50 of 150, with
	// the last of the first page repeated on the second (a child added
	// between pages shifts the window), which must appear once.
	s := newStubAPI(t, page(0, 100, 150), page(99, 51, 150))
	yes := true
	got, err := s.client(t).GetChildrenAccounts(context.Background(), ChildrenFilter{Frozen: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 {
		t.Fatalf("%d children, want 150", len(got))
	}
	for i, c := range got {
		if c.AccountID != int64(100+i) || c.AccountName != fmt.Sprintf("child%d", i) {
			t.Fatalf("child %d = %+v", i, c)
		}
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, off := range []string{"0", "100"} {
		wantParams(t, reqs[i].Form, map[string]string{
			"medium_output": "true", "order_by": "child_account_id", "frozen": "true", "count": "100", "offset": off,
		})
	}
	if strings.Contains(fmt.Sprintf("%+v", got), "KEY-") {
		t.Error("an api_key was kept")
	}
}

func TestGetChildrenAccountsRefusesABadID(t *testing.T) {
	s := newStubAPI(t, `{"result":[{"account_id":0}],"total_count":1}`)
	if _, err := s.client(t).GetChildrenAccounts(context.Background(), ChildrenFilter{}); err == nil || !strings.Contains(err.Error(), "id 0") {
		t.Errorf("err = %v, want one naming the bad id", err)
	}
}
