package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// Resolution is every watched application configured by name resolved to
// its id through GetApplications, whose application_name is a part filter:
// "support" also finds "support-night", and GetUsers would count the
// operators of both as one application. With ids, GetUsers, GetQueues,
// GetSQState and every later method are asked for one application each.
type Resolution struct {
	// IDs are the resolved names' ids, by AppSelector.String().
	IDs map[string]int64
	// Errs say why a name resolved to no id: it matches no application,
	// or several and equals none.
	Errs map[string]error
	// Fallback is set when GetApplications was refused (code 104): names
	// go to GetUsers and GetSQState as application_name, as before, and
	// GetQueues, which has no such parameter, is not asked for them.
	Fallback bool
}

// apiSelector is the selector to send the API for app: app itself when it
// is an id (or the names could not be resolved), else its resolved id.
func (r Resolution) apiSelector(app voxapi.AppSelector) (voxapi.AppSelector, error) {
	if app.ID != 0 || r.Fallback {
		return app, nil
	}
	if err := r.Errs[app.String()]; err != nil {
		return voxapi.AppSelector{}, err
	}
	id, ok := r.IDs[app.String()]
	if !ok {
		return voxapi.AppSelector{}, fmt.Errorf("application %q was not resolved to an id", app.Name)
	}
	return voxapi.AppSelector{ID: id}, nil
}

// readResolution resolves each name among apps. A name resolves to the
// application whose short name (before the first dot) or full name equals
// it, else to the only application whose name contains it; several
// containing it and none equal is an error naming the candidates.
func readResolution(ctx context.Context, api API, apps []voxapi.AppSelector) (Resolution, error) {
	r := Resolution{IDs: map[string]int64{}, Errs: map[string]error{}}
	for _, app := range apps {
		if app.ID != 0 {
			continue
		}
		found, err := api.GetApplications(ctx, voxapi.GetApplicationsParams{NamePart: app.Name})
		if voxapi.ErrorCode(err) == voxapi.CodeForbidden {
			return Resolution{Fallback: true}, nil
		}
		if err != nil {
			return Resolution{}, fmt.Errorf("GetApplications for application name %q: %w", app.Name, err)
		}
		id, err := pickApplication(app.Name, found)
		if err != nil {
			r.Errs[app.String()] = err
			continue
		}
		r.IDs[app.String()] = id
	}
	return r, nil
}

// errAmbiguousName marks a name that matches several applications.
var errAmbiguousName = errors.New("the application name matches several applications")

func pickApplication(name string, found []voxapi.Application) (int64, error) {
	var exact, containing []voxapi.Application
	for _, a := range found {
		short, _, _ := strings.Cut(a.ApplicationName, ".")
		switch {
		case strings.EqualFold(short, name) || strings.EqualFold(a.ApplicationName, name):
			exact = append(exact, a)
		case strings.Contains(strings.ToLower(a.ApplicationName), strings.ToLower(name)):
			containing = append(containing, a)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0].ApplicationID, nil
	case len(exact) == 0 && len(containing) == 1:
		return containing[0].ApplicationID, nil
	case len(exact) == 0 && len(containing) == 0:
		return 0, fmt.Errorf("no application of the account is named %q or has it in its name: check --voximplant.application-name", name)
	}
	candidates := slices.Concat(exact, containing)
	var names []string
	for _, a := range candidates {
		names = append(names, fmt.Sprintf("%s (id %d)", a.ApplicationName, a.ApplicationID))
	}
	return 0, fmt.Errorf("%w: %q matches %s; watch the one you mean with --voximplant.application-id instead of --voximplant.application-name",
		errAmbiguousName, name, strings.Join(names, ", "))
}
