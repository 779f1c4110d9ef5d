// Package fidelity holds the official-client fidelity suite (Node.js, in
// test/, run by make test when node and npm are present) and this Go test,
// which records the parameters the exporter itself sends.
package fidelity

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// paramsOutEnv names the file TestExporterRequestParameters writes the
// recorded parameter names to ({"sent": {"Method": ["name", ...]}}, with
// the parameters voxsim accepts per method under "simulator_accepts"), for
// the Node suite to compare with the official client's declarations.
const paramsOutEnv = "FIDELITY_EXPORTER_PARAMS"

// exporterMethods are the methods the exporter calls with every collector
// on; each must be seen.
var exporterMethods = []string{"GetUsers", "GetQueues", "GetACDState", "GetACDQueueStatistics", "GetSQState", "GetSmartQueueRealtimeMetrics"}

// TestExporterRequestParameters runs the exporter binary with every
// collector against voxsim, scrapes it, and checks that every request it
// sent was answered (voxsim refuses a parameter the reference and the
// official clients do not declare for the method with 101) and carried
// only declared parameters. The applications are watched one by id and
// one by name, so that both selector forms are recorded. With
// FIDELITY_EXPORTER_PARAMS set, the parameter names per method are written
// there for the Node suite's comparison with @voximplant/apiclient-nodejs.
func TestExporterRequestParameters(t *testing.T) {
	dir := t.TempDir()
	bin := testkit.ExporterBinary(t)
	creds, err := voxsim.NewCredentials(4711)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	acct := voxsim.FidelityAccount(now)
	srv, err := voxsim.Start(voxsim.Config{Credentials: creds, Account: acct, Seed: 17})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	voxsim.FidelityEvolve(srv, now)
	credsFile := dir + "/credentials.json"
	if err := os.WriteFile(credsFile, creds.JSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	if len(acct.Apps) < 3 || len(acct.SmartQueue.Queues) == 0 {
		t.Fatalf("fidelity account: %d applications, %d SmartQueues", len(acct.Apps), len(acct.SmartQueue.Queues))
	}
	sqApp := acct.SmartQueue.Queues[0].ApplicationID
	args := []string{"--voximplant.credentials-file=" + credsFile, "--voximplant.api-url=" + srv.URL(),
		"--collector.acd-state", "--collector.smartqueue", "--collector.queue-stats",
		"--voximplant.application-id=" + strconv.FormatInt(sqApp, 10)}
	byName := false
	for _, a := range acct.Apps {
		switch {
		case a.ID == sqApp:
		case !byName:
			short, _, _ := strings.Cut(a.Name, ".")
			args = append(args, "--voximplant.application-name="+short)
			byName = true
		default:
			args = append(args, "--voximplant.application-id="+strconv.FormatInt(a.ID, 10))
		}
	}
	e := testkit.StartExporter(t, bin, "http", http.DefaultClient, nil, args...)
	resp, err := http.Get(e.Base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "voximplant_up 1") {
		t.Errorf("the exporter did not read the simulator whole:\n%s\nlog:\n%s", body, e.Logs)
	}

	sent := map[string][]string{}
	for _, r := range srv.Requests() {
		declared, ok := voxsim.MethodParams(r.Method)
		if !ok {
			t.Errorf("the exporter called %s, which the fidelity suite does not cover", r.Method)
			continue
		}
		for name := range r.Params {
			if name == "cmd" {
				continue
			}
			if !slices.Contains(declared, name) {
				t.Errorf("%s sent with %s, which neither the reference nor the official clients declare", r.Method, name)
			}
			if !slices.Contains(sent[r.Method], name) {
				sent[r.Method] = append(sent[r.Method], name)
			}
		}
		if len(r.Query) > 0 {
			t.Errorf("%s sent parameters in the query string (they belong in the body): %v", r.Method, r.Query)
		}
	}
	for _, m := range exporterMethods {
		if _, ok := sent[m]; !ok {
			t.Errorf("the exporter did not call %s with every collector on (or sent it no parameter)", m)
		}
		slices.Sort(sent[m])
	}
	if out := os.Getenv(paramsOutEnv); out != "" {
		accepts := map[string][]string{}
		for _, m := range append(slices.Clone(exporterMethods), "GetApplications") {
			accepts[m], _ = voxsim.MethodParams(m)
		}
		b, err := json.MarshalIndent(map[string]any{"sent": sent, "simulator_accepts": accepts}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("parameters sent per method: %v", sent)
}
