package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

const kubeDir = "kubernetes"

// decode decodes kubernetes/<name> strictly into obj and checks its
// apiVersion and kind.
func decode(t *testing.T, name, apiVersion, kind string, obj any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(kubeDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		t.Fatalf("%s does not decode strictly as %s %s: %v", name, apiVersion, kind, err)
	}
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		t.Fatal(err)
	}
	if tm.APIVersion != apiVersion || tm.Kind != kind {
		t.Fatalf("%s is %s %s, want %s %s", name, tm.APIVersion, tm.Kind, apiVersion, kind)
	}
}

func deployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	decode(t, "deployment.yaml", "apps/v1", "Deployment", &d)
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("deployment.yaml has %d containers, want 1", n)
	}
	return &d
}

func kubeService(t *testing.T) *corev1.Service {
	t.Helper()
	var s corev1.Service
	decode(t, "service.yaml", "v1", "Service", &s)
	return &s
}

func TestKubernetesStrictDecoding(t *testing.T) {
	// The decoder must refuse unknown fields, or the other tests prove little.
	var d appsv1.Deployment
	bad := []byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicaz: 1\n")
	if err := yaml.UnmarshalStrict(bad, &d); err == nil || !strings.Contains(err.Error(), "replicaz") {
		t.Errorf("a Deployment with spec.replicaz decoded (err %v): decoding is not strict", err)
	}
}

func TestKubernetesDeploymentSecurity(t *testing.T) {
	d := deployment(t)
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]
	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil || sc == nil {
		t.Fatal("deployment.yaml: pod and container need a securityContext")
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	if !isTrue(psc.RunAsNonRoot) || !isTrue(sc.RunAsNonRoot) {
		t.Error("runAsNonRoot must be true on the pod and the container")
	}
	for _, uid := range []*int64{psc.RunAsUser, sc.RunAsUser} {
		if uid == nil || *uid == 0 {
			t.Errorf("runAsUser = %v, want a non-root uid", uid)
		}
	}
	if !isTrue(sc.ReadOnlyRootFilesystem) {
		t.Error("container readOnlyRootFilesystem must be true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("container allowPrivilegeEscalation must be false")
	}
	if isTrue(sc.Privileged) {
		t.Error("container must not be privileged")
	}
	if sc.Capabilities == nil || !reflect.DeepEqual(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
		t.Errorf("capabilities = %+v, want drop [ALL] and no add", sc.Capabilities)
	}
	for where, p := range map[string]*corev1.SeccompProfile{"pod": psc.SeccompProfile, "container": sc.SeccompProfile} {
		if p == nil || p.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s seccompProfile = %+v, want RuntimeDefault", where, p)
		}
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("automountServiceAccountToken should be false: the exporter needs no Kubernetes API")
	}
}

func TestKubernetesDeploymentProbesAndPorts(t *testing.T) {
	c := deployment(t).Spec.Template.Spec.Containers[0]
	if len(c.Ports) != 1 || c.Ports[0].Name != "metrics" || c.Ports[0].ContainerPort != 9873 {
		t.Fatalf("container ports = %+v, want one named metrics on 9873", c.Ports)
	}
	for name, want := range map[string]struct {
		probe *corev1.Probe
		path  string
	}{"liveness": {c.LivenessProbe, "/-/healthy"}, "readiness": {c.ReadinessProbe, "/-/ready"}} {
		p := want.probe
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s probe is not an HTTP GET", name)
			continue
		}
		if p.HTTPGet.Path != want.path || p.HTTPGet.Port.String() != "metrics" {
			t.Errorf("%s probe GETs %s on port %s, want %s on metrics", name, p.HTTPGet.Path, p.HTTPGet.Port.String(), want.path)
		}
	}
	if addr, ok := flagValue(c.Args, "web.listen-address"); ok && addr != ":9873" {
		t.Errorf("--web.listen-address=%s does not match the container port 9873", addr)
	}
	checkFlags(t, "deployment.yaml args", c.Args)
}

// benchmarkRSS is the peak RSS, in MiB, that BENCHMARKS.md reports for the
// exporter binary with per-user series on (the default).
func benchmarkRSS(t *testing.T) (float64, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "BENCHMARKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "Peak RSS of the exporter binary")
	m := regexp.MustCompile(`(?m)^\| on \(default\) \| ([0-9.]+) MiB \|`).FindStringSubmatch(section)
	if !ok || m == nil {
		t.Fatal(`BENCHMARKS.md has no "Peak RSS of the exporter binary" table with an "on (default)" row: update this test and deployment.yaml's resources`)
	}
	mib, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return mib, m[1] + " MiB"
}

func TestKubernetesResourcesFromBenchmarks(t *testing.T) {
	mib, figure := benchmarkRSS(t)
	raw, err := os.ReadFile(filepath.Join(kubeDir, "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), figure) {
		t.Errorf("deployment.yaml's resources comment does not name the BENCHMARKS.md peak RSS %s: resize and update it", figure)
	}
	r := deployment(t).Spec.Template.Spec.Containers[0].Resources
	peak := int64(mib * 1024 * 1024)
	req, lim := r.Requests.Memory(), r.Limits.Memory()
	if req.IsZero() || lim.IsZero() || r.Requests.Cpu().IsZero() || r.Limits.Cpu().IsZero() {
		t.Fatalf("resources = %+v: want cpu and memory requests and limits", r)
	}
	if req.Value() < peak {
		t.Errorf("memory request %s is below the measured peak RSS %s", req, figure)
	}
	if lim.Value() < peak*3/2 {
		t.Errorf("memory limit %s leaves less than half again the measured peak RSS %s: the pod would be OOM-killed on a larger account", lim, figure)
	}
	if lim.Cmp(*req) < 0 || r.Limits.Cpu().Cmp(*r.Requests.Cpu()) < 0 {
		t.Errorf("limits %v below requests %v", r.Limits, r.Requests)
	}
}

func TestKubernetesCredentialsSecret(t *testing.T) {
	var s corev1.Secret
	decode(t, "secret.example.yaml", "v1", "Secret", &s)
	creds, ok := s.StringData["credentials.json"]
	if !ok {
		t.Fatal("secret.example.yaml has no stringData credentials.json")
	}
	var c struct {
		AccountID  int64  `json:"account_id"`
		KeyID      string `json:"key_id"`
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal([]byte(creds), &c); err != nil {
		t.Fatalf("secret.example.yaml credentials.json is not JSON: %v", err)
	}
	if c.AccountID == 0 || c.KeyID == "" || c.PrivateKey == "" {
		t.Errorf("credentials.json placeholder lacks account_id, key_id or private_key: %+v", c)
	}
	// An example must never carry something that looks like a real key.
	if !strings.Contains(c.PrivateKey, "REPLACE-ME") || len(c.PrivateKey) > 200 {
		t.Errorf("private_key in secret.example.yaml is not an obvious placeholder")
	}

	// The Deployment mounts this Secret where its flag looks.
	pod := deployment(t).Spec.Template.Spec
	path, ok := flagValue(pod.Containers[0].Args, "voximplant.credentials-file")
	if !ok {
		t.Fatal("deployment.yaml args have no --voximplant.credentials-file")
	}
	found := false
	for _, m := range pod.Containers[0].VolumeMounts {
		rel, inside := strings.CutPrefix(path, m.MountPath+"/")
		if !inside {
			continue
		}
		for _, v := range pod.Volumes {
			if v.Name != m.Name || v.Secret == nil {
				continue
			}
			// YAML's 0440 is octal; written as 440 it would be decimal
			// (0670) and leave the key writable and world-readable.
			if m := v.Secret.DefaultMode; m == nil || *m&0o037 != 0 || *m&0o040 == 0 {
				t.Errorf("secret volume %s defaultMode = %v, want group-readable (fsGroup) and nothing for others, e.g. 0440", v.Name, fmtMode(m))
			}
			if v.Secret.SecretName != s.Name {
				t.Errorf("volume %s mounts secret %q, the example Secret is %q", v.Name, v.Secret.SecretName, s.Name)
			}
			for _, item := range v.Secret.Items {
				if item.Key == "credentials.json" && item.Path == rel {
					found = true
				}
			}
		}
		if !m.ReadOnly {
			t.Errorf("credentials volume mount %s is not readOnly", m.MountPath)
		}
	}
	if !found {
		t.Errorf("--voximplant.credentials-file=%s is not the Secret's credentials.json as mounted", path)
	}
}

func TestKubernetesServiceSelectsPods(t *testing.T) {
	d, s := deployment(t), kubeService(t)
	pods := labels.Set(d.Spec.Template.Labels)
	if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(pods) {
		t.Errorf("Service selector %v does not match the pod labels %v", s.Spec.Selector, pods)
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || !sel.Matches(pods) {
		t.Errorf("Deployment selector %v does not match its own pod labels %v (err %v)", d.Spec.Selector, pods, err)
	}
	if len(s.Spec.Ports) != 1 {
		t.Fatalf("Service ports = %+v, want one", s.Spec.Ports)
	}
	p := s.Spec.Ports[0]
	if p.Name != "metrics" || p.Port != 9873 || p.TargetPort.String() != "metrics" {
		t.Errorf("Service port = %+v, want metrics 9873 -> targetPort metrics", p)
	}
}

func TestKubernetesServiceMonitor(t *testing.T) {
	var sm monitoringv1.ServiceMonitor
	decode(t, "servicemonitor.yaml", "monitoring.coreos.com/v1", "ServiceMonitor", &sm)
	s := kubeService(t)
	sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if sel.Empty() || !sel.Matches(labels.Set(s.Labels)) {
		t.Errorf("ServiceMonitor selector %v does not select the Service's labels %v", sel, s.Labels)
	}
	if len(sm.Spec.Endpoints) != 1 {
		t.Fatalf("ServiceMonitor endpoints = %+v, want one", sm.Spec.Endpoints)
	}
	ep := sm.Spec.Endpoints[0]
	if ep.Port != s.Spec.Ports[0].Name {
		t.Errorf("ServiceMonitor scrapes port %q, the Service's is named %q", ep.Port, s.Spec.Ports[0].Name)
	}
	if ep.Path != "" && ep.Path != "/metrics" {
		t.Errorf("ServiceMonitor path %q, the exporter serves /metrics", ep.Path)
	}

	// VoximplantExporterDown watches up{job="voximplant"}: the endpoint
	// must set that job, not the operator's default (the Service name).
	rules, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "alerts", "alerts.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rules), `up{job="voximplant"}`) {
		t.Fatal(`alerts.rules.yml no longer watches up{job="voximplant"}: update this test and servicemonitor.yaml`)
	}
	job := ""
	for _, r := range ep.RelabelConfigs {
		if r.TargetLabel == "job" && len(r.SourceLabels) == 0 && (r.Action == "" || r.Action == "replace") && r.Replacement != nil {
			job = *r.Replacement
		}
	}
	if job != "voximplant" {
		t.Errorf(`ServiceMonitor sets job %q, want "voximplant" (the job VoximplantExporterDown watches)`, job)
	}
}

func TestKubernetesPrometheusRuleUpToDate(t *testing.T) {
	var pr monitoringv1.PrometheusRule
	decode(t, "prometheusrule.yaml", "monitoring.coreos.com/v1", "PrometheusRule", &pr)
	committed, err := os.ReadFile(filepath.Join(kubeDir, "prometheusrule.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	generated, err := PrometheusRule(testkit.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(committed, generated) {
		t.Errorf("%s is not what alerts/*.rules.yml generate: run make deploy-gen", PrometheusRulePath)
	}
}

// TestKubernetesPrometheusRuleFaithful compares the generated groups with
// the rule files read as plain YAML, independently of the operator's types:
// every group, rule, expression, duration, label and annotation must come
// through unchanged, and nothing may be added.
func TestKubernetesPrometheusRuleFaithful(t *testing.T) {
	generated, err := PrometheusRule(testkit.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Spec struct {
			Groups []any `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(generated, &out); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "alerts", "*.rules.yml"))
	var want []any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf struct {
			Groups []any `json:"groups"`
		}
		if err := yaml.Unmarshal(data, &rf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want = append(want, rf.Groups...)
	}
	if len(want) == 0 {
		t.Fatal("no rule groups in alerts/*.rules.yml")
	}
	if !reflect.DeepEqual(out.Spec.Groups, want) {
		g, _ := json.MarshalIndent(out.Spec.Groups, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("generated groups differ from alerts/*.rules.yml\ngenerated: %.2000s\nsource:    %.2000s", g, w)
	}
}

func TestPrometheusRuleErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  []string
	}{
		"unknown field": {
			map[string]string{"a.rules.yml": "groups:\n  - name: g\n    rules:\n      - alert: A\n        expresion: up == 0\n"},
			[]string{"a.rules.yml", "expresion"},
		},
		"alert and record": {
			map[string]string{"a.rules.yml": "groups:\n  - name: g\n    rules:\n      - alert: A\n        record: r\n        expr: up\n"},
			[]string{"a.rules.yml", `group "g" rule 1`, "exactly one of alert and record"},
		},
		"duplicate group": {
			map[string]string{
				"a.rules.yml": "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n",
				"b.rules.yml": "groups:\n  - name: g\n    rules:\n      - record: s\n        expr: up\n",
			},
			[]string{"b.rules.yml", `group "g"`, "a.rules.yml", "unique"},
		},
		"no files": {nil, []string{"no rule file matches", RuleFilesGlob}},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "alerts"), 0o755); err != nil {
				t.Fatal(err)
			}
			for f, content := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, "alerts", f), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := PrometheusRule(dir)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func fmtMode(m *int32) string {
	if m == nil {
		return "unset"
	}
	return "0" + strconv.FormatInt(int64(*m), 8)
}
