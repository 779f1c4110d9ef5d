package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

// configRig is the family rig with the parent's credentials.json written
// beside a configuration file.
type configRig struct {
	*mtRig
	dir string
	key string // a fragment of the private key, for leak checks
}

func newConfigRig(t *testing.T) *configRig {
	t.Helper()
	r := newMTRig(t)
	dir := t.TempDir()
	if _, err := r.creds.WriteFile(dir); err != nil {
		t.Fatal(err)
	}
	pem := string(r.creds.JSON())
	i := strings.Index(pem, "MII")
	return &configRig{mtRig: r, dir: dir, key: pem[i+40 : i+80]}
}

func (c *configRig) write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(c.dir, "exporter.yml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `auth_modules:
  parent:
    credentials_file: credentials.json
  least:
    credentials_file: credentials.json
    children: [7002]
modules:
  support:
    applications:
      names: [support]
    collectors: [account]
    per_user_series: false
    refresh:
      account: 10m
`

// TestConfigFileServesItsModules: the file's auth modules and modules are
// what /probe and /sd serve: a module's collectors as named (users and
// account, not acd_state), a relative credentials path found beside the
// file, configured children taken without GetChildrenAccounts.
func TestConfigFileServesItsModules(t *testing.T) {
	c := newConfigRig(t)
	set, err := c.mt.loadConfigFile(c.write(t, goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	c.mt.swap(set)
	code, body := c.get(t, "/probe?target=7002&auth_module=least&module=support")
	if code != http.StatusOK || !strings.Contains(body, `voximplant_scrape_collector_success{collector="account"} 1`) {
		t.Fatalf("HTTP %d:\n%s", code, body)
	}
	if strings.Contains(body, `collector="queue_stats"`) || strings.Contains(body, `collector="acd_state"`) {
		t.Error("a collector the module does not name is on")
	}
	if strings.Contains(body, "voximplant_user_info") || !strings.Contains(body, "voximplant_acd_operators") {
		t.Error("per_user_series: false is not honoured")
	}
	if r := set.modules["support"].reads; r.AccountRefresh != 10*time.Minute || r.QueueStatsRefresh != c.mt.cfg.collectors.Reads().QueueStatsRefresh {
		t.Errorf("module reads %+v, want the account's refresh from the file and the rest from the flags", r)
	}
	if code, _ := c.get(t, "/probe?target=7002&module=support"); code != http.StatusBadRequest {
		t.Errorf("the flags' auth module is still served with --config.file: HTTP %d", code)
	}
	if n := c.fam.Parent().Stats().ByMethod["GetChildrenAccounts"]; n != 0 {
		t.Errorf("%d GetChildrenAccounts for an auth module with configured children", n)
	}
	if code, body := c.get(t, "/sd?auth_module=parent&module=support"); code != http.StatusOK || !strings.Contains(body, `"account_name":"stuck"`) {
		t.Errorf("/sd of the listing auth module: HTTP %d %s", code, body)
	}
}

// TestConfigFileErrorsNameFileLineAndKey: each bad file is one error that
// names the file, the line and the key, and never carries the key's
// material.
func TestConfigFileErrorsNameFileLineAndKey(t *testing.T) {
	c := newConfigRig(t)
	for name, tc := range map[string]struct{ body, want string }{
		"unknown key":       {strings.Replace(goodConfig, "    collectors:", "    colectors:", 1), `line 11: field colectors not found`},
		"missing file":      {strings.Replace(goodConfig, "credentials_file: credentials.json\n  least", "credentials_file: nope.json\n  least", 1), `exporter.yml:3: auth_modules.parent.credentials_file: `},
		"unknown collector": {strings.Replace(goodConfig, "[account]", "[acount]", 1), `exporter.yml:11: modules.support.collectors: unknown collector "acount"`},
		"no application":    {strings.Replace(goodConfig, "      names: [support]\n", "", 1), `modules.support.applications: no application`},
		"bad child":         {strings.Replace(goodConfig, "[7002]", "[-1]", 1), `exporter.yml:6: auth_modules.least.children: -1 is not an account id`},
		"empty":             {"", "the file is empty"},
		"negative refresh":  {strings.Replace(goodConfig, "10m", "-1m", 1), `exporter.yml:13: modules.support.refresh: -1m0s is negative`},
		"unknown refresh":   {strings.Replace(goodConfig, "account: 10m", "acount: 10m", 1), `line 14: field acount not found`},
		"not yaml":          {"auth_modules: [", "exporter.yml: yaml:"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.mt.loadConfigFile(c.write(t, tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "exporter.yml") {
				t.Fatalf("err = %v, want one naming the file and saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), c.key) {
				t.Error("the error carries key material")
			}
		})
	}
}

// TestReloadKeepsTheOldConfigurationOnError: POST /-/reload with a bad
// file answers 500 with the reason and keeps serving the old file; a good
// one is served at once.
func TestReloadKeepsTheOldConfigurationOnError(t *testing.T) {
	c := newConfigRig(t)
	path := c.write(t, goodConfig)
	c.mt.flags.configFile = path
	if err := c.mt.reload(); err != nil {
		t.Fatal(err)
	}
	old := c.mt.set.Load()
	c.write(t, strings.Replace(goodConfig, "support:", "support:\n    bogus: 1", 1))
	resp, err := http.Post(c.srv.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("bad file: HTTP %d, want 500", resp.StatusCode)
	}
	if c.mt.set.Load() != old {
		t.Fatal("a bad file replaced the configuration")
	}
	if code, _ := c.get(t, "/probe?target=7002&auth_module=least&module=support"); code != http.StatusOK {
		t.Errorf("after a failed reload the old configuration does not serve: HTTP %d", code)
	}
	c.write(t, strings.Replace(goodConfig, "  support:", "  sales:", 1))
	resp, err = http.Post(c.srv.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("good file: HTTP %d", resp.StatusCode)
	}
	if code, _ := c.get(t, "/probe?target=7002&auth_module=least&module=sales"); code != http.StatusOK {
		t.Errorf("the reloaded module is not served: HTTP %d", code)
	}
	if code, _ := c.get(t, "/probe?target=7002&auth_module=least&module=support"); code != http.StatusBadRequest {
		t.Errorf("the old module is still served: HTTP %d", code)
	}
	if code, _ := c.get(t, "/-/reload"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: HTTP %d, want 405", code)
	}
}

// TestBadConfigFileIsOneStartupLine: the binary refuses a bad
// --config.file at start with one line naming the file, line and key.
func TestBadConfigFileIsOneStartupLine(t *testing.T) {
	dir := t.TempDir()
	creds := voxsim.NewTestCredentials(mtParent)
	cpath, err := creds.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "exporter.yml")
	if err := os.WriteFile(cfg, []byte(strings.Replace(goodConfig, "[account]", "[acount]", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runExporter(t, nil, "--voximplant.credentials-file="+cpath, "--voximplant.application-id=1",
		"--voximplant.api-url=http://127.0.0.1:1/", "--config.file="+cfg, "--web.listen-address=127.0.0.1:0")
	if code != 1 || errorLines(out) != 1 || !strings.Contains(out, "exporter.yml:11: modules.support.collectors") {
		t.Errorf("exit %d, output:\n%s\nwant one error line naming the file, line and key", code, out)
	}
}

// TestSIGHUPReloadsTheConfigFile: the binary serves --config.file's
// modules through /probe, and after the file changes and a SIGHUP, the new
// ones; a bad file on SIGHUP keeps them and logs why.
func TestSIGHUPReloadsTheConfigFile(t *testing.T) {
	r := newMTRig(t)
	dir := t.TempDir()
	cpath, err := r.creds.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "exporter.yml")
	write := func(body string) {
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(goodConfig)
	e := startExporter(t, "--voximplant.credentials-file="+cpath, "--voximplant.application-name=support",
		"--voximplant.api-url="+r.fam.URL(), "--config.file="+cfg)
	probe := func(module string) int {
		code, _ := get(t, e.Base+"/probe?target=7002&auth_module=least&module="+module, nil)
		return code
	}
	if c := probe("support"); c != http.StatusOK {
		t.Fatalf("module support: HTTP %d\n%s", c, e.Logs)
	}
	write(strings.Replace(goodConfig, "  support:", "  sales:", 1))
	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 10*time.Second, "the reload after SIGHUP", func() bool { return strings.Contains(e.Logs.String(), "configuration reloaded") })
	if c := probe("sales"); c != http.StatusOK {
		t.Errorf("the reloaded module sales: HTTP %d", c)
	}
	write("auth_modules: {}\nmodules: {}\nbogus: 1\n")
	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 10*time.Second, "the failed reload's log line", func() bool { return strings.Contains(e.Logs.String(), "configuration not reloaded") })
	if c := probe("sales"); c != http.StatusOK {
		t.Errorf("after a bad file, module sales: HTTP %d, want the old configuration served", c)
	}
	if !strings.Contains(e.Logs.String(), "field bogus not found") {
		t.Errorf("the log does not say why:\n%s", e.Logs)
	}
}

// TestConfigFileModuleOfEveryApplication: applications: all watches every
// application of each target, read once with GetApplications when the
// target's state is made; all with ids or names is an error.
func TestConfigFileModuleOfEveryApplication(t *testing.T) {
	c := newConfigRig(t)
	every := `auth_modules:
  least:
    credentials_file: credentials.json
    children: [7002]
modules:
  every:
    applications:
      all: true
`
	set, err := c.mt.loadConfigFile(c.write(t, every))
	if err != nil {
		t.Fatal(err)
	}
	c.mt.swap(set)
	for range 2 {
		fams, _ := c.probeUp(t, "/probe?target=7002&auth_module=least&module=every")
		if ops := operators(fams); ops != 6 {
			t.Errorf("%v operators, want the child's 6", ops)
		}
	}
	if n := c.fam.Child(mtRetail).Stats().ByMethod["GetApplications"]; n != 1 {
		t.Errorf("%d GetApplications for two scrapes of one target, want 1", n)
	}
	_, err = c.mt.loadConfigFile(c.write(t, every+"      ids: [1]\n"))
	if err == nil || !strings.Contains(err.Error(), "exporter.yml:7: modules.every.applications: all takes no ids or names") {
		t.Errorf("err = %v, want one refusing all with ids", err)
	}
}
