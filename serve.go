package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// answerMargin is how long scrapes ended at the close of the shutdown grace
// have to write their answer (voximplant_up 0 and what they have) before
// their connections are closed.
const answerMargin = 2 * time.Second

// serve runs srv until ctx ends (SIGINT or SIGTERM), then shuts down: no
// new connections, in-flight scrapes go on for up to --web.shutdown-grace,
// and any still running then is ended through the server's base context,
// so that it answers with what it has (voximplant_up 0 if its pass is not
// done) rather than lose its connection. The process then exits 0. A
// second signal ends it at once (exit status 1).
func serve(ctx context.Context, srv *http.Server, cfg *config, logger *slog.Logger) int {
	// Every request's context, and so every scrape's, derives from base:
	// Shutdown alone never cancels a request.
	base, endScrapes := context.WithCancel(context.Background())
	defer endScrapes()
	srv.BaseContext = func(net.Listener) context.Context { return base }

	serveErr := make(chan error, 1)
	go func() { serveErr <- web.ListenAndServe(srv, cfg.web, logger) }()

	select {
	case err := <-serveErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("cannot serve", "err", err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(again)

	logger.Info("shutting down: letting in-flight scrapes finish (a second signal exits at once)", "grace", cfg.shutdownGrace)
	stopped := make(chan struct{})
	go func() {
		_ = srv.Shutdown(context.Background()) // bounded below, not by its context
		close(stopped)
	}()
	wait := func(d time.Duration) (done bool, code int) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-stopped:
			return true, 0
		case sig := <-again:
			logger.Warn("second signal: exiting at once", "signal", sig.String())
			return true, 1
		case <-t.C:
			return false, 0
		}
	}
	if done, code := wait(cfg.shutdownGrace); done {
		if code == 0 {
			logger.Info("stopped")
		}
		return code
	}
	logger.Warn("shutdown grace over: ending the scrapes still in flight with what they have", "grace", cfg.shutdownGrace)
	endScrapes()
	if done, code := wait(answerMargin); done {
		if code == 0 {
			logger.Info("stopped")
		}
		return code
	}
	logger.Error("scrapes still unanswered after the grace; closing their connections", "margin", answerMargin)
	_ = srv.Close()
	return 0
}
