// Command gen writes deploy/kubernetes/prometheusrule.yaml from
// alerts/*.rules.yml (see deploy.PrometheusRule). Run from anywhere in the
// repository: `make deploy-gen` or `go generate ./deploy/`.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/voximplant-exporter/voximplant_exporter/deploy"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "deploy-gen:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	out, err := deploy.PrometheusRule(root)
	if err != nil {
		return err
	}
	path := filepath.Join(root, deploy.PrometheusRulePath)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Println("wrote", deploy.PrometheusRulePath)
	return nil
}

// repoRoot is the main module's directory, so the generator works both from
// `go generate` (run in deploy/) and from the Makefile (run at the root).
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the voximplant_exporter module (go env GOMOD is empty)")
	}
	return filepath.Dir(gomod), nil
}
