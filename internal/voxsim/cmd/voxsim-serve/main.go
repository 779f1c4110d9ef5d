// Command voxsim-serve serves the simulated Management API over HTTPS on
// loopback for test suites outside Go: the official Node.js client only
// speaks https://<host>/platform_api, so the server has a self-signed
// certificate, written beside a service-account credentials file in a
// temporary directory. It prints one JSON line on stdout (host, url,
// credentials file, certificate file, and the account's applications and
// queues) and serves until its standard input closes or it gets SIGINT or
// SIGTERM; then it removes the directory.
package main

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// fidelityAccountID is the service account the credentials file is for;
// fidelityChildID its one child account (GetChildrenAccounts).
const (
	fidelityAccountID = 1000017
	fidelityChildID   = 1000018
)

// announcement is the line printed on start.
type announcement struct {
	Host        string    `json:"host"` // host:port, the Node client's host option
	URL         string    `json:"url"`
	Credentials string    `json:"credentials"` // path of credentials.json
	CA          string    `json:"ca"`          // path of the server's certificate (PEM)
	AccountID   int64     `json:"account_id"`
	ChildIDs    []int64   `json:"child_account_ids"`
	ACD         []appInfo `json:"acd_applications"`
	SmartQueue  appInfo   `json:"smartqueue_application"`
}

type appInfo struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	QueueIDs []int64  `json:"queue_ids"`
	Queues   []string `json:"queue_names"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "voxsim-serve:", err)
		os.Exit(1)
	}
}

func run(stdin io.Reader, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "voxsim-serve-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)

	creds, err := voxsim.NewCredentials(fidelityAccountID)
	if err != nil {
		return fmt.Errorf("generate the service-account key: %w", err)
	}
	now := time.Now()
	acct := voxsim.FidelityAccount(now)
	child := voxsim.Generate(voxsim.GenConfig{Users: 5, Apps: 1, Skills: 2, Queues: 1, Seed: 18, Now: now.Add(-voxsim.FidelityWarmUp)})
	child.ID, child.Info = fidelityChildID, voxsim.AccountInfo{Name: "fidelity-child", Email: "child@example.com", Balance: 12.5, Currency: "EUR"}
	fam, err := voxsim.NewFamily(voxsim.Config{
		Credentials: creds, Account: acct, Seed: 17,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, []voxsim.Account{child})
	if err != nil {
		return fmt.Errorf("simulated accounts: %w", err)
	}
	srv := fam.Parent()
	voxsim.FidelityEvolve(srv, now)
	ts := httptest.NewUnstartedServer(fam) // listens on 127.0.0.1 only
	ts.StartTLS()
	defer ts.Close()

	a := announcement{
		Host: ts.Listener.Addr().String(), URL: ts.URL, AccountID: fidelityAccountID, ChildIDs: fam.ChildIDs(),
		Credentials: filepath.Join(dir, "credentials.json"), CA: filepath.Join(dir, "ca.pem"),
	}
	if err := os.WriteFile(a.Credentials, creds.JSON(), 0o600); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(a.CA, cert, 0o600); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	a.ACD, a.SmartQueue = describe(srv.Account())
	line, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("announce: %w", err)
	}

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, stdin) // until the suite closes the pipe (or exits)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	return nil
}

// describe lists the ACD applications with their queues, and the
// SmartQueue application with its queues.
func describe(acct voxsim.Account) ([]appInfo, appInfo) {
	var sq appInfo
	sqApps := map[int64]bool{}
	for _, q := range acct.SmartQueue.Queues {
		sqApps[q.ApplicationID] = true
	}
	var acd []appInfo
	for _, app := range acct.Apps {
		info := appInfo{ID: app.ID, Name: app.Name, QueueIDs: []int64{}, Queues: []string{}}
		if sqApps[app.ID] {
			for _, q := range acct.SmartQueue.Queues {
				if q.ApplicationID == app.ID {
					info.QueueIDs, info.Queues = append(info.QueueIDs, q.ID), append(info.Queues, q.Name)
				}
			}
			sq = info
			continue
		}
		for _, q := range acct.Queues {
			if q.ApplicationID == app.ID {
				info.QueueIDs, info.Queues = append(info.QueueIDs, q.ID), append(info.Queues, q.Name)
			}
		}
		acd = append(acd, info)
	}
	return acd, sq
}
