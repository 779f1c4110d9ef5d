package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// sdGroup is one target group of Prometheus's HTTP service discovery.
type sdGroup struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

// serveSD answers /sd?auth_module=<name>[&module=<name>]: the http_sd_configs
// JSON listing the auth module's own account and its children, one group
// each, scraped through this exporter's /probe. __param_target,
// __param_auth_module (and __param_module when given) and __metrics_path__
// make the scrape URL; account_id, account_name, account_active and
// account_frozen become target labels. It carries ids and names alone: no
// key of any kind.
func (mt *multiTarget) serveSD(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	modName := q.Get("module")
	_, am, authName, ok := mt.lookup(w, q, modName)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), mt.cfg.timeout)
	defer cancel()
	accts, err := am.accounts(ctx)
	if err != nil {
		am.logRefusal(mt.log, err)
		http.Error(w, fmt.Sprintf("cannot list the accounts of auth module %s: %s", authName, errorLine(err)), http.StatusServiceUnavailable)
		return
	}
	groups := make([]sdGroup, 0, len(accts))
	for _, a := range accts {
		labels := map[string]string{
			"__metrics_path__":    "/probe",
			"__param_target":      strconv.FormatInt(a.ID, 10),
			"__param_auth_module": authName,
			"account_id":          strconv.FormatInt(a.ID, 10),
			"account_active":      strconv.FormatBool(a.Active),
			"account_frozen":      strconv.FormatBool(a.Frozen),
		}
		if a.Name != "" {
			labels["account_name"] = a.Name
		}
		if modName != "" {
			labels["__param_module"] = modName
		}
		groups = append(groups, sdGroup{Targets: []string{r.Host}, Labels: labels})
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(groups); err != nil {
		mt.log.Error("error writing /sd", "err", err)
	}
}
