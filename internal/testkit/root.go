package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot is the repository's root, the directory of go.mod above the
// test's working directory (its package's directory), for the tests that
// read the repository's files (dashboards, rules, kits, examples).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod in %s or above it", dir)
		}
	}
}
