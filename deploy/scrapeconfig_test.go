package deploy

import (
	"net/url"
	"strconv"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// scrapeConfig is the part of the operator's v1alpha1 ScrapeConfig the
// kit uses, with the operator's field names (v0.95 scrapeconfig_types.go):
// the v1alpha1 package would pull in the apiextensions API server, so the
// strict decoding is against these fields alone.
type scrapeConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ScrapeInterval *monitoringv1.Duration `json:"scrapeInterval"`
		ScrapeTimeout  *monitoringv1.Duration `json:"scrapeTimeout"`
		HTTPSDConfigs  []struct {
			URL             string                 `json:"url"`
			RefreshInterval *monitoringv1.Duration `json:"refreshInterval"`
		} `json:"httpSDConfigs"`
		RelabelConfigs []monitoringv1.RelabelConfig `json:"relabelings"`
	} `json:"spec"`
}

// TestKubernetesScrapeConfigDiscoversAccounts: the ScrapeConfig decodes
// strictly, reads /sd from the Service's port, and makes the account id
// the instance.
func TestKubernetesScrapeConfigDiscoversAccounts(t *testing.T) {
	var sc scrapeConfig
	decode(t, "scrapeconfig.yaml", "monitoring.coreos.com/v1alpha1", "ScrapeConfig", &sc)
	s := kubeService(t)
	if len(sc.Spec.HTTPSDConfigs) != 1 {
		t.Fatalf("httpSDConfigs = %+v, want one", sc.Spec.HTTPSDConfigs)
	}
	u, err := url.Parse(sc.Spec.HTTPSDConfigs[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != s.Name || u.Port() != strconv.Itoa(int(s.Spec.Ports[0].Port)) || u.Path != "/sd" || u.Query().Get("auth_module") == "" {
		t.Errorf("http_sd URL %s, want /sd?auth_module=... on the Service %s:%d", u, s.Name, s.Spec.Ports[0].Port)
	}
	found := false
	for _, r := range sc.Spec.RelabelConfigs {
		if r.TargetLabel == "instance" && len(r.SourceLabels) == 1 && r.SourceLabels[0] == "__param_target" {
			found = true
		}
	}
	if !found {
		t.Error("no relabelling of __param_target to instance")
	}
}
