package deploy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"sigs.k8s.io/yaml"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
	"github.com/voximplant-exporter/voximplant_exporter/internal/testtools"
)

// composeDir is the docker-compose kit, relative to this package.
const composeDir = "docker-compose"

// loadCompose loads a compose file with the compose-spec reference loader:
// schema validation on (an unknown key is an error), paths resolved against
// dir, no variables from the environment.
func loadCompose(t *testing.T, dir string, content []byte) (*types.Project, error) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	details := types.ConfigDetails{
		WorkingDir:  abs,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(abs, "docker-compose.yml"), Content: content}},
		Environment: types.Mapping{},
	}
	return loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.ResolvePaths = true
	})
}

func readCompose(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(composeDir, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func composeProject(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadCompose(t, composeDir, readCompose(t))
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("docker-compose.yml has no service %q", name)
	}
	return s
}

// hostPath maps a path inside a service's container to the host file that
// its bind mounts put there ("" when no bind mount covers it).
func hostPath(s types.ServiceConfig, containerPath string) string {
	best, host := "", ""
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		if containerPath == v.Target || strings.HasPrefix(containerPath, v.Target+"/") {
			if len(v.Target) > len(best) {
				best, host = v.Target, v.Source+strings.TrimPrefix(containerPath, v.Target)
			}
		}
	}
	return host
}

// flagValue returns the value of --name=value in args.
func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// containerTree lays out a service's bind mounts under a temporary root as
// symlinks, so that a tool run on <root><config path> finds every file
// that the container would, at the same relative place.
func containerTree(t *testing.T, s types.ServiceConfig) string {
	t.Helper()
	dir := t.TempDir()
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		dst := filepath.Join(dir, v.Target)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(v.Source, dst); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestComposeLoadsStrictly(t *testing.T) {
	p := composeProject(t)
	for _, name := range []string{"exporter", "prometheus", "alertmanager", "grafana"} {
		service(t, p, name)
	}

	// The loader must refuse what it does not know, or the test above
	// proves little: a misspelt key in the real file must fail.
	bad := strings.Replace(string(readCompose(t)), "    restart: unless-stopped\n", "    restrat: unless-stopped\n", 1)
	if _, err := loadCompose(t, composeDir, []byte(bad)); err == nil || !strings.Contains(err.Error(), "restrat") {
		t.Errorf("a compose file with the unknown key restrat loaded (err %v): validation is off", err)
	}
}

func TestComposeHostPathsExist(t *testing.T) {
	repo := testkit.RepoRoot(t)
	p := composeProject(t)
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if !strings.HasPrefix(v.Source, repo+string(filepath.Separator)) {
				t.Errorf("service %s mounts %s from outside the repository", name, v.Source)
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("service %s mounts %s at %s: %v", name, v.Source, v.Target, err)
			}
			if !v.ReadOnly {
				t.Errorf("service %s mounts %s read-write; the kit's files should be mounted :ro", name, v.Source)
			}
		}
		if s.Build != nil {
			if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
				t.Errorf("service %s builds from %s: %v", name, s.Build.Dockerfile, err)
			}
		}
	}
	if b := service(t, p, "exporter").Build; b == nil || b.Context != repo {
		t.Errorf("the exporter is not built from the repository root (build: %+v)", b)
	}
}

func TestComposeImagesPinned(t *testing.T) {
	p := composeProject(t)
	for name, s := range p.Services {
		if s.Build != nil {
			continue
		}
		_, tag, ok := strings.Cut(s.Image, ":")
		if !ok || tag == "" || tag == "latest" {
			t.Errorf("service %s: image %q is not pinned to a version", name, s.Image)
		}
	}
	if img := service(t, p, "prometheus").Image; !regexp.MustCompile(`^prom/prometheus:v3\.\d+\.\d+$`).MatchString(img) {
		t.Errorf("prometheus image %q is not a pinned prom/prometheus:v3.x.y", img)
	}
}

func TestComposeExporterDemoByDefault(t *testing.T) {
	p := composeProject(t)
	s := service(t, p, "exporter")
	if len(s.Command) != 1 || s.Command[0] != "--demo" {
		t.Errorf("exporter command = %q, want [--demo]", s.Command)
	}
	published := false
	for _, port := range s.Ports {
		if port.Target == 9873 {
			published = true
		}
	}
	if !published {
		t.Errorf("exporter does not publish port 9873: %+v", s.Ports)
	}
	checkFlags(t, "docker-compose.yml exporter", s.Command)
}

// realAccount applies the one change docker-compose.yml documents: the
// `command: [--demo]` line replaced by the commented block between the
// "real account" markers, uncommented.
func realAccount(t *testing.T, compose string) string {
	t.Helper()
	const demo = "    command: [--demo]\n"
	if strings.Count(compose, demo) != 1 {
		t.Fatalf("docker-compose.yml should have the line %q exactly once", demo)
	}
	var out []string
	inBlock, blocks := false, 0
	for _, line := range strings.SplitAfter(strings.Replace(compose, demo, "", 1), "\n") {
		switch {
		case strings.Contains(line, "# --- real account: begin ---"):
			inBlock = true
			blocks++
		case strings.Contains(line, "# --- real account: end ---"):
			inBlock = false
		case inBlock:
			un, ok := strings.CutPrefix(line, "    # ")
			if !ok {
				t.Fatalf("line %q in the real-account block is not commented as \"    # \"", line)
			}
			out = append(out, "    "+un)
		default:
			out = append(out, line)
		}
	}
	if blocks != 1 || inBlock {
		t.Fatalf("docker-compose.yml should have one closed real-account block, found %d", blocks)
	}
	return strings.Join(out, "")
}

func TestComposeRealAccountChange(t *testing.T) {
	p, err := loadCompose(t, composeDir, []byte(realAccount(t, string(readCompose(t)))))
	if err != nil {
		t.Fatalf("docker-compose.yml with the real-account block uncommented does not load: %v", err)
	}
	s := service(t, p, "exporter")
	for _, a := range s.Command {
		if a == "--demo" {
			t.Errorf("real-account command still has --demo: %q", s.Command)
		}
	}
	creds, ok := flagValue(s.Command, "voximplant.credentials-file")
	if !ok {
		t.Fatalf("real-account command has no --voximplant.credentials-file: %q", s.Command)
	}
	if _, ok := flagValue(s.Command, "voximplant.application-id"); !ok {
		t.Errorf("real-account command has no --voximplant.application-id: %q", s.Command)
	}
	abs, _ := filepath.Abs(composeDir)
	if got, want := hostPath(s, creds), filepath.Join(abs, "credentials.json"); got != want {
		t.Errorf("--voximplant.credentials-file=%s comes from host path %q, want %q (a mount next to docker-compose.yml)", creds, got, want)
	}
	checkFlags(t, "docker-compose.yml exporter (real account)", s.Command)

	// The key that the change asks for must not end up in a commit.
	ignore, err := os.ReadFile(filepath.Join(composeDir, ".gitignore"))
	if err != nil || !regexp.MustCompile(`(?m)^/?credentials\.json$`).Match(ignore) {
		t.Errorf("deploy/docker-compose/.gitignore does not ignore credentials.json (err %v)", err)
	}
}

func TestComposePrometheusConfig(t *testing.T) {
	p := composeProject(t)
	s := service(t, p, "prometheus")
	cfgPath, ok := flagValue(s.Command, "config.file")
	if !ok {
		t.Fatalf("prometheus command has no --config.file: %q", s.Command)
	}
	host := hostPath(s, cfgPath)
	if host == "" {
		t.Fatalf("prometheus --config.file=%s is not mounted from the repository", cfgPath)
	}

	// What it scrapes and where it sends alerts are services of this file.
	var cfg struct {
		Alerting struct {
			Alertmanagers []struct {
				StaticConfigs []struct {
					Targets []string `json:"targets"`
				} `json:"static_configs"`
			} `json:"alertmanagers"`
		} `json:"alerting"`
		ScrapeConfigs []struct {
			JobName       string `json:"job_name"`
			StaticConfigs []struct {
				Targets []string `json:"targets"`
			} `json:"static_configs"`
			HTTPSDConfigs []struct {
				URL string `json:"url"`
			} `json:"http_sd_configs"`
		} `json:"scrape_configs"`
	}
	data, err := os.ReadFile(host)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", host, err)
	}
	var exporterTargets, amTargets, sdURLs []string
	for _, sc := range cfg.ScrapeConfigs {
		if sc.JobName == "voximplant" {
			for _, st := range sc.StaticConfigs {
				exporterTargets = append(exporterTargets, st.Targets...)
			}
		}
		for _, sd := range sc.HTTPSDConfigs {
			sdURLs = append(sdURLs, sd.URL)
		}
	}
	// The accounts job discovers the demo's parent and children through the
	// exporter service's /sd.
	if len(sdURLs) != 1 || !strings.HasPrefix(sdURLs[0], "http://exporter:9873/sd?") {
		t.Errorf("http_sd URLs %q, want one, the exporter's /sd", sdURLs)
	}
	for _, am := range cfg.Alerting.Alertmanagers {
		for _, st := range am.StaticConfigs {
			amTargets = append(amTargets, st.Targets...)
		}
	}
	// VoximplantExporterDown watches up{job="voximplant"}.
	if len(exporterTargets) != 1 || exporterTargets[0] != "exporter:9873" {
		t.Errorf(`job "voximplant" scrapes %q, want [exporter:9873]`, exporterTargets)
	}
	if len(amTargets) != 1 || amTargets[0] != "alertmanager:9093" {
		t.Errorf("alerts go to %q, want [alertmanager:9093]", amTargets)
	}

	promtool := testtools.Need(t, testtools.Promtool)
	tree := containerTree(t, s)
	out, err := command(t, time.Minute, promtool, "check", "config", filepath.Join(tree, cfgPath))
	t.Logf("promtool check config:\n%s", out)
	if err != nil {
		t.Fatalf("promtool check config on the mounted prometheus.yml: %v\n%s", err, out)
	}
	// Every rule file of the repository must be loaded through the mounts,
	// plus the example thresholds.
	rules, _ := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "alerts", "*.rules.yml"))
	want := len(rules) + 1
	m := regexp.MustCompile(`SUCCESS: (\d+) rule files found`).FindStringSubmatch(out)
	if m == nil || m[1] != strconv.Itoa(want) {
		t.Errorf("promtool found %v rule files, want %d (alerts/*.rules.yml and thresholds.rules.yml)", m, want)
	}
	for _, r := range append(rules, "thresholds.rules.yml") {
		if !strings.Contains(out, filepath.Base(r)) {
			t.Errorf("promtool did not check %s", filepath.Base(r))
		}
	}
}

func TestComposeAlertmanagerConfigAmtool(t *testing.T) {
	p := composeProject(t)
	s := service(t, p, "alertmanager")
	cfgPath, ok := flagValue(s.Command, "config.file")
	if !ok {
		t.Fatalf("alertmanager command has no --config.file: %q", s.Command)
	}
	host := hostPath(s, cfgPath)
	if want := filepath.Join(testkit.RepoRoot(t), "examples", "alertmanager.yml"); host != want {
		t.Errorf("alertmanager config comes from %q, want the example routes %s", host, want)
	}
	amtool := testtools.Need(t, testtools.Amtool)
	out, err := command(t, time.Minute, amtool, "check-config", filepath.Join(containerTree(t, s), cfgPath))
	t.Logf("amtool check-config:\n%s", out)
	if err != nil {
		t.Fatalf("amtool check-config on the mounted alertmanager.yml: %v\n%s", err, out)
	}
}

// grafanaDatasource is the provisioned data source.
type grafanaDatasource struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	UID       string `json:"uid"`
	URL       string `json:"url"`
	IsDefault bool   `json:"isDefault"`
}

func TestComposeGrafanaProvisioning(t *testing.T) {
	p := composeProject(t)
	s := service(t, p, "grafana")

	dsFile := hostPath(s, "/etc/grafana/provisioning/datasources/prometheus.yml")
	if dsFile == "" {
		t.Fatal("grafana: no data source provisioning file mounted at /etc/grafana/provisioning/datasources/prometheus.yml")
	}
	var ds struct {
		APIVersion  int                 `json:"apiVersion"`
		Datasources []grafanaDatasource `json:"datasources"`
	}
	readYAML(t, dsFile, &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) != 1 {
		t.Fatalf("%s: want apiVersion 1 and one data source, got %+v", dsFile, ds)
	}
	d := ds.Datasources[0]
	if d.Type != "prometheus" || d.URL != "http://prometheus:9090" || !d.IsDefault || d.UID == "" {
		t.Errorf("provisioned data source %+v: want the default, type prometheus, url http://prometheus:9090, with a uid", d)
	}

	provFile := hostPath(s, "/etc/grafana/provisioning/dashboards/voximplant.yml")
	if provFile == "" {
		t.Fatal("grafana: no dashboard provider mounted at /etc/grafana/provisioning/dashboards/voximplant.yml")
	}
	var prov struct {
		APIVersion int `json:"apiVersion"`
		Providers  []struct {
			Name    string `json:"name"`
			Type    string `json:"type"`
			Options struct {
				Path string `json:"path"`
			} `json:"options"`
		} `json:"providers"`
	}
	readYAML(t, provFile, &prov)
	if prov.APIVersion != 1 || len(prov.Providers) != 1 || prov.Providers[0].Type != "file" {
		t.Fatalf("%s: want apiVersion 1 and one file provider, got %+v", provFile, prov)
	}
	if got, want := hostPath(s, prov.Providers[0].Options.Path), filepath.Join(testkit.RepoRoot(t), "dashboards"); got != want {
		t.Errorf("dashboard provider path %s holds %q, want the repository's %s", prov.Providers[0].Options.Path, got, want)
	}

	if home := s.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != nil {
		if _, err := os.Stat(hostPath(s, *home)); err != nil {
			t.Errorf("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=%s is not a mounted file: %v", *home, err)
		}
	}

	dashboards, _ := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "dashboards", "*.json"))
	if len(dashboards) == 0 {
		t.Fatal("no dashboards/*.json")
	}
	for _, f := range dashboards {
		checkDashboardDatasources(t, f, d)
	}
}

// readYAML decodes the fields v names (Grafana's provisioning files have
// many more, which Grafana itself checks).
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checkDashboardDatasources checks that every panel and query of a
// dashboard reaches the provisioned data source: through the dashboard's
// "datasource" variable (which must list data sources of its type) or by
// its uid. Grafana's built-in annotation source is allowed.
func checkDashboardDatasources(t *testing.T, path string, ds grafanaDatasource) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	usesVariable := false
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if k == "datasource" {
					ref, _ := c.(map[string]any)
					uid, _ := ref["uid"].(string)
					typ, _ := ref["type"].(string)
					switch {
					case uid == "${datasource}" || uid == "$datasource":
						usesVariable = true
					case uid == "-- Grafana --" || uid == ds.UID:
					default:
						t.Errorf("%s: %s.datasource = %v: neither ${datasource} nor the provisioned uid %q", filepath.Base(path), at, c, ds.UID)
					}
					if typ != "" && typ != ds.Type && typ != "grafana" && typ != "datasource" {
						t.Errorf("%s: %s.datasource has type %q, the provisioned one is %q", filepath.Base(path), at, typ, ds.Type)
					}
					continue
				}
				walk(at+"."+k, c)
			}
		case []any:
			for i, c := range v {
				walk(at+"["+strconv.Itoa(i)+"]", c)
			}
		}
	}
	walk("", dash)
	if !usesVariable {
		return
	}
	templating, _ := dash["templating"].(map[string]any)
	list, _ := templating["list"].([]any)
	for _, v := range list {
		if v, _ := v.(map[string]any); v["name"] == "datasource" {
			if v["type"] != "datasource" || v["query"] != ds.Type {
				t.Errorf("%s: variable datasource is %v/%v, want a datasource variable of type %q", filepath.Base(path), v["type"], v["query"], ds.Type)
			}
			return
		}
	}
	t.Errorf("%s: panels use ${datasource} but the dashboard defines no datasource variable", filepath.Base(path))
}
