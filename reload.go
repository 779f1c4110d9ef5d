package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// reload reads --config.file again and, when it is good, serves it; a bad
// file keeps the configuration in force, and the error says why. Targets
// made under the old configuration are dropped (their next scrape starts
// afresh).
func (mt *multiTarget) reload() error {
	path := mt.flags.configFile
	if path == "" {
		return fmt.Errorf("no --config.file to reload: /probe and /sd serve the command line's auth module and module")
	}
	set, err := mt.loadConfigFile(path)
	if err != nil {
		mt.log.Error("configuration not reloaded: keeping the one in force", "file", path, "err", err)
		return err
	}
	mt.swap(set)
	mt.log.Info("configuration reloaded", "file", path, "auth_modules", len(set.auths), "modules", len(set.modules))
	return nil
}

// serveReload is POST /-/reload, as Prometheus has it: 200 when the file
// was reloaded, 500 with the reason when it was not.
func (mt *multiTarget) serveReload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "reload with POST", http.StatusMethodNotAllowed)
		return
	}
	if err := mt.reload(); err != nil {
		http.Error(w, "configuration not reloaded: "+err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte("configuration reloaded\n"))
}

// watchSIGHUP reloads on every SIGHUP until stop is closed.
func (mt *multiTarget) watchSIGHUP(stop <-chan struct{}) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-stop:
				return
			case <-hup:
				_ = mt.reload() // logged
			}
		}
	}()
}
