package voxapi

import (
	"context"
	"io"
	"net/url"
	"strconv"
)

// applicationsPage is the page size for GetApplications: accounts have few
// applications.
const applicationsPage = 100

// GetApplicationsParams are the parameters of GetApplications the
// exporter uses; zero values are not sent.
type GetApplicationsParams struct {
	// ID asks for one application.
	ID int64
	// NamePart keeps the applications whose full name contains it: the
	// API's application_name is "the application name part to filter", so
	// "support" also finds "support-night". Callers matching a configured
	// name compare the answers' names themselves.
	NamePart string
}

// DecodeGetApplications reads one GetApplications page: the applications
// and total_count (the page's length when the answer leaves it out).
func DecodeGetApplications(r io.Reader) ([]Application, int64, error) {
	return decodePage[Application](r)
}

// GetApplications lists the account's applications matching p, every page
// of them (by offset until total_count, as the answer echoes no offset).
// Each carries its full name (short name, account name and domain:
// "support.acme.voximplant.com").
func (c *Client) GetApplications(ctx context.Context, p GetApplicationsParams) ([]Application, error) {
	base := url.Values{}
	if p.ID != 0 {
		base.Set("application_id", strconv.FormatInt(p.ID, 10))
	}
	if p.NamePart != "" {
		base.Set("application_name", p.NamePart)
	}
	return pageAll(ctx, c, "GetApplications", base, applicationsPage, DecodeGetApplications,
		func(a Application) int64 { return a.ApplicationID })
}
