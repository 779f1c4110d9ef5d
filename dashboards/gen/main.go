// Command gen writes the Grafana dashboards in dashboards/ from Go code
// with the Grafana Foundation SDK's builders: `make dashboards` runs it.
// The query helpers (variable filters, the de-duplication of HA pairs, the
// joins with the recording rules' targets), units and thresholds live here
// once; the committed JSON is this command's output, and gen_test.go fails
// when the two differ. The SDK stays out of the exporter's binary: only
// this command and the tests import it.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", "dashboards", "directory to write the dashboards' JSON into")
	flag.Parse()
	if err := write(*dir); err != nil {
		slog.Error("dashboards not written", "err", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	for _, b := range boards {
		out, err := render(b.build())
		if err != nil {
			return fmt.Errorf("%s: %w", b.file, err)
		}
		path := filepath.Join(dir, b.file)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		slog.Info("dashboard written", "file", path, "bytes", len(out))
	}
	return nil
}
