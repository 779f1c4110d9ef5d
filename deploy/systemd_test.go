package deploy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

const (
	unitPath       = "systemd/voximplant_exporter.service"
	defaultsPath   = "systemd/voximplant_exporter.default"
	installedBin   = "/usr/local/bin/voximplant_exporter"
	credentialsArg = "--voximplant.credentials-file=${CREDENTIALS_DIRECTORY}/credentials.json"
	// maxExposure is the highest `systemd-analyze security` exposure the
	// unit may reach (0 is best, 10 worst; "OK" is below 2). The unit scores
	// 1.2 with systemd 252: what is left is network access, which an
	// exporter needs, and the host's root directory.
	maxExposure = 2.0
)

// unitFile is a parsed systemd unit: section -> key -> values in order.
type unitFile map[string]map[string][]string

// parseUnit reads a unit file the way systemd does for what these tests
// need: sections, key=value, comments, and lines continued with "\".
func parseUnit(t *testing.T, path string) unitFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unitFile{}
	section, pending := "", ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if pending == "" && (line == "" || line[0] == '#' || line[0] == ';') {
			continue
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			pending += cont + " "
			continue
		}
		line, pending = pending+line, ""
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			t.Fatalf("%s:%d: not a key=value line in a section: %q", path, n, line)
		}
		key = strings.TrimSpace(key)
		u[section][key] = append(u[section][key], strings.Join(strings.Fields(value), " "))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSystemdUnitSettings(t *testing.T) {
	svc := parseUnit(t, unitPath)["Service"]
	want := map[string]string{
		"DynamicUser":             "yes",
		"LoadCredential":          "credentials.json:/etc/voximplant_exporter/credentials.json",
		"EnvironmentFile":         "-/etc/default/voximplant_exporter",
		"Restart":                 "on-failure",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"MemoryDenyWriteExecute":  "yes",
		"LockPersonality":         "yes",
		"RestrictNamespaces":      "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"ProtectControlGroups":    "yes",
	}
	for key, value := range want {
		got, ok := svc[key]
		if !ok || got[len(got)-1] != value {
			t.Errorf("[Service] %s = %q, want %q", key, got, value)
		}
	}
	if f := svc["SystemCallFilter"]; len(f) == 0 || f[0] != "@system-service" {
		t.Errorf("[Service] SystemCallFilter = %q, want @system-service first", f)
	}

	exec := svc["ExecStart"]
	if len(exec) != 1 {
		t.Fatalf("[Service] ExecStart = %q, want one command", exec)
	}
	args := strings.Fields(exec[0])
	if args[0] != installedBin {
		t.Errorf("ExecStart runs %s, want %s (the install path the unit's comment gives)", args[0], installedBin)
	}
	if !strings.Contains(exec[0], credentialsArg) {
		t.Errorf("ExecStart %q does not pass %s", exec[0], credentialsArg)
	}
	if !strings.Contains(exec[0], "$VOXIMPLANT_EXPORTER_ARGS") || strings.Contains(exec[0], "${VOXIMPLANT_EXPORTER_ARGS}") {
		t.Errorf("ExecStart %q should pass $VOXIMPLANT_EXPORTER_ARGS unbraced, so that systemd splits it into words", exec[0])
	}
	checkFlags(t, "ExecStart", []string{credentialsArg})
}

// defaultsArgs returns VOXIMPLANT_EXPORTER_ARGS from the defaults file,
// split into words as systemd splits an unbraced $VAR in ExecStart.
func defaultsArgs(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(defaultsPath)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VOXIMPLANT_EXPORTER_ARGS="([^"]*)"$`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s does not set VOXIMPLANT_EXPORTER_ARGS=\"...\"", defaultsPath)
	}
	return strings.Fields(string(m[1]))
}

func TestSystemdDefaultsFile(t *testing.T) {
	args := defaultsArgs(t)
	for _, a := range args {
		if strings.HasPrefix(a, "--voximplant.credentials-file") {
			t.Errorf("%s sets %s: the unit passes the credentials itself", defaultsPath, a)
		}
	}
	if _, ok := flagValue(args, "voximplant.application-id"); !ok {
		t.Errorf("%s: VOXIMPLANT_EXPORTER_ARGS has no --voximplant.application-id, required without --demo", defaultsPath)
	}
	checkFlags(t, defaultsPath, args)
}

// unitForAnalyze writes a copy of the unit whose ExecStart runs a real
// binary (systemd-analyze verify checks that it exists and is executable).
func unitForAnalyze(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.Replace(string(data), "ExecStart="+installedBin+" ", "ExecStart="+testkit.ExporterBinary(t)+" ", 1)
	if unit == string(data) {
		t.Fatalf("%s: no ExecStart=%s to rewrite", unitPath, installedBin)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(unitPath))
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze := testtools.Need(t, testtools.SystemdAnalyze)
	unit := unitForAnalyze(t)
	out, err := command(t, time.Minute, analyze, "verify", unit)
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// verify exits 0 on an unknown or misspelt key and only warns: any
	// line about this unit is a failure.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, filepath.Base(unit)) {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
}

func TestSystemdAnalyzeSecurity(t *testing.T) {
	analyze := testtools.Need(t, testtools.SystemdAnalyze)
	unit := unitForAnalyze(t)
	out, err := command(t, time.Minute, analyze, "security", "--offline=yes", "--no-pager", unit)
	if err != nil {
		t.Fatalf("systemd-analyze security --offline=yes: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in systemd-analyze security output:\n%s", out)
	}
	score, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "systemd-analyze security exposure of %s: %.1f\n", unitPath, score)
	if score > maxExposure {
		t.Errorf("exposure %.1f is above %.1f: a hardening setting was lost\n%s", score, maxExposure, out)
	}
}
