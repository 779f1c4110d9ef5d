package voxapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// TestGetApplicationsPagesThroughVoxsim: 230 applications come back whole
// over three pages of 100 (offset by the records returned), in id order,
// and the name filter is the API's part match.
func TestGetApplicationsPagesThroughVoxsim(t *testing.T) {
	acct := simAccountWith(nil)
	acct.Apps = nil
	for i := range 230 {
		acct.Apps = append(acct.Apps, voxsim.Application{ID: int64(1 + i), Name: fmt.Sprintf("app%03d.acme.voximplant.com", i)})
	}
	srv, c := newSimClient(t, voxsim.Config{Account: acct}, nil)
	apps, err := c.GetApplications(context.Background(), GetApplicationsParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 230 || apps[0].ApplicationID != 1 || apps[229].ApplicationName != "app229.acme.voximplant.com" {
		t.Fatalf("%d applications, first %+v", len(apps), apps[0])
	}
	var offsets []string
	for _, r := range srv.Requests() {
		if r.Method == "GetApplications" {
			offsets = append(offsets, r.Params.Get("offset")+"/"+r.Params.Get("count"))
		}
	}
	if !slices.Equal(offsets, []string{"0/100", "100/100", "200/100"}) {
		t.Errorf("pages asked %v", offsets)
	}
	apps, err = c.GetApplications(context.Background(), GetApplicationsParams{NamePart: "app01"})
	if err != nil || len(apps) != 10 || apps[0].ApplicationName != "app010.acme.voximplant.com" {
		t.Errorf("name part app01: %d applications %v", len(apps), err)
	}
	apps, err = c.GetApplications(context.Background(), GetApplicationsParams{ID: 42})
	if err != nil || len(apps) != 1 || apps[0].ApplicationID != 42 {
		t.Errorf("id 42: %+v %v", apps, err)
	}
}

func TestDecodeGetApplications(t *testing.T) {
	apps, total, err := DecodeGetApplications(strings.NewReader(`{"result":[{"application_id":5,"application_name":"support.acme.voximplant.com",
	  "modified":"2024-01-02 03:04:05","secure_record_storage":true}],"total_count":7,"count":1}`))
	if err != nil || total != 7 || len(apps) != 1 || apps[0].ApplicationID != 5 || !apps[0].Modified.Valid ||
		apps[0].SecureRecordStorage == nil || !*apps[0].SecureRecordStorage {
		t.Errorf("decoded %+v total %d, %v", apps, total, err)
	}
	if _, _, err := DecodeGetApplications(strings.NewReader(`{"total_count":0}`)); err == nil {
		t.Error("an answer without result was accepted")
	}
	checkMethodErrors(t, "GetApplications", []int{104}, func(c *Client) error {
		_, err := c.GetApplications(context.Background(), GetApplicationsParams{NamePart: "support"})
		return err
	})
}

// TestGetQueuesByApplicationIDOnly: GetQueues sends application_id, or no
// application at all for every queue of the account; never a name.
func TestGetQueuesByApplicationIDOnly(t *testing.T) {
	users := simUsers(2)
	users[1].Apps = []int64{2}
	users[1].Queues = []voxsim.Queue{{ID: 20, Name: "Billing", ApplicationID: 2}}
	srv, c := newSimClient(t, voxsim.Config{Account: simAccountWith(users)}, nil)
	all, err := c.GetQueues(context.Background(), 0)
	if err != nil || len(all) != 2 {
		t.Fatalf("every queue: %+v %v", all, err)
	}
	one, err := c.GetQueues(context.Background(), 2)
	if err != nil || len(one) != 1 || one[0].ACDQueueID != 20 {
		t.Fatalf("application 2: %+v %v", one, err)
	}
	for _, r := range srv.Requests() {
		if _, named := r.Params["application_name"]; named {
			t.Errorf("GetQueues sent application_name: %v", r.Params)
		}
	}
}
