package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// serveProbe answers /probe?target=<account id>&module=<name>&auth_module=<name>:
// one account's exposition, from that account's own exporter, under the
// same deadline as /metrics. Every check on the request comes before any
// API request on the target's behalf: an unknown module, or a target the
// auth module may not act on, is HTTP 400 with one line saying why.
// The series carry no account label: Prometheus adds the target's.
func (mt *multiTarget) serveProbe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("target") {
		http.Error(w, "the target parameter is missing: /probe?target=<account id>&auth_module=<name>&module=<name>", http.StatusBadRequest)
		return
	}
	modName := cmp.Or(q.Get("module"), defaultName)
	set, am, authName, ok := mt.lookup(w, q, modName)
	if !ok {
		return
	}
	m := set.modules[modName]
	target, err := parseAccountID(q.Get("target"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout(r, mt.cfg.timeout, mt.cfg.timeoutOffset))
	defer cancel()
	ok, err = am.allows(ctx, target)
	if err != nil {
		am.logRefusal(mt.log, err)
		http.Error(w, fmt.Sprintf("cannot tell whether auth module %s may act on account %d: its child accounts could not be listed (%s)", authName, target, errorLine(err)), http.StatusServiceUnavailable)
		return
	}
	if !ok {
		http.Error(w, fmt.Sprintf("auth module %s may not act on account %d: it is neither the module's own account (%d) nor one of its child accounts as last listed", authName, target, am.ownID()), http.StatusBadRequest)
		return
	}
	exp, release, err := mt.acquire(ctx, set, probeKey{auth: authName, module: modName, target: target}, am, m)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer release()
	format := negotiate(r.Header)
	w.Header().Set("Content-Type", string(format))
	bw := bufio.NewWriterSize(w, 32<<10)
	if err := exp.WriteTo(ctx, bw, format); err != nil {
		mt.log.Error("error encoding metrics", "target", target, "err", err)
		return
	}
	if err := bw.Flush(); err != nil {
		mt.log.Error("error writing metrics", "target", target, "err", err)
	}
}

// lookup finds the request's auth module (and checks that module, when
// not "", exists), or answers 400 naming what the configuration has.
func (mt *multiTarget) lookup(w http.ResponseWriter, q url.Values, module string) (*targetSet, *authModule, string, bool) {
	set := mt.set.Load()
	if set == nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return nil, nil, "", false
	}
	authName := cmp.Or(q.Get("auth_module"), defaultName)
	am := set.auths[authName]
	switch {
	case am == nil:
		http.Error(w, fmt.Sprintf("unknown auth_module %q: %s names %s", truncate(authName, 40), set.source, names(set.auths)), http.StatusBadRequest)
		return nil, nil, "", false
	case module != "" && set.modules[module] == nil:
		http.Error(w, fmt.Sprintf("unknown module %q: %s names %s", truncate(module, 40), set.source, names(set.modules)), http.StatusBadRequest)
		return nil, nil, "", false
	}
	return set, am, authName, true
}

// errorLine is err on one line, for an HTTP answer: an API error's code
// and hint, never more of the request than the method.
func errorLine(err error) string {
	if h := hintOf(err); h != "" {
		return err.Error() + "; " + h
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "not listed before the deadline"
	}
	return err.Error()
}

// names lists a map's keys for an error message, sorted and quoted.
func names[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	var ks []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		ks = append(ks, strconv.Quote(k))
	}
	return strings.Join(ks, ", ")
}
