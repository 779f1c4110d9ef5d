// Package deploy holds the deployment kits of voximplant_exporter (a
// docker-compose stack, a systemd unit, Kubernetes manifests) and the tests
// that validate them with the tools and schemas this machine has: the
// compose-spec loader, promtool, amtool, systemd-analyze and the Kubernetes
// and Prometheus Operator API types, all decoded strictly so that a typo in
// a field name fails instead of being ignored.
//
// The one piece of code here, [PrometheusRule], turns alerts/*.rules.yml into
// kubernetes/prometheusrule.yaml, so that the Kubernetes kit cannot drift
// from the rules promtool tests; `make deploy-gen` (or go generate) runs it.
package deploy

//go:generate go run ./kubernetes/gen
