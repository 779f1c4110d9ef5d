package exporterbin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// module writes a small module tree and returns its root.
func module(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func key(t *testing.T, root string, env string) (string, bool) {
	t.Helper()
	k, ok, err := sourceKey(root, []byte(env))
	if err != nil {
		t.Fatal(err)
	}
	return k, ok
}

func TestSourceKeyFollowsEveryBuildInputAndNothingElse(t *testing.T) {
	base := map[string]string{
		"go.mod": "module " + modulePath + "\n", "go.sum": "",
		"main.go": "package main\n", "pkg/a.go": "package pkg\n",
	}
	with := func(name, body string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		m[name] = body
		return m
	}
	k0, ok := key(t, module(t, base), "go1.26")
	if !ok {
		t.Fatal("a module without embed or cgo should be cacheable")
	}
	for _, c := range []struct {
		why     string
		files   map[string]string
		env     string
		changes bool
	}{
		{"the same sources", base, "go1.26", false},
		{"a Go file edited", with("pkg/a.go", "package pkg\n\nvar X = 1\n"), "go1.26", true},
		{"a Go file added", with("pkg/b.go", "package pkg\n"), "go1.26", true},
		{"go.sum edited", with("go.sum", "x v1 h1:y\n"), "go1.26", true},
		{"another toolchain", base, "go1.27", true},
		{"a test file added", with("pkg/a_test.go", "package pkg\n"), "go1.26", false},
		{"a non-Go file added", with("README.md", "x"), "go1.26", false},
		{"a file under testdata", with("pkg/testdata/x.go", "package x\n"), "go1.26", false},
		{"a file under a dot directory", with(".tmp/x.go", "package x\n"), "go1.26", false},
	} {
		k, _ := key(t, module(t, c.files), c.env)
		if (k != k0) != c.changes {
			t.Errorf("%s: key changed %v, want %v", c.why, k != k0, c.changes)
		}
	}
	for _, src := range []string{
		"package pkg\n\nimport _ \"embed\"\n\n//go:embed x\nvar s string\n",
		"package pkg\n\nimport \"C\"\n",
		"package pkg\n\nimport (\n\t\"fmt\"\n\t\"C\"\n)\n",
	} {
		if _, ok := key(t, module(t, with("pkg/a.go", src)), "go1.26"); ok {
			t.Errorf("a module with %q was taken as cacheable: the key would miss its inputs", src)
		}
	}
	// Words about them are not them (this package's own source has both).
	if _, ok := key(t, module(t, with("pkg/a.go", "package pkg\n\n// A go:embed or an import of \"C\" here.\nvar s = `\"C\"`\n")), "go1.26"); !ok {
		t.Error("a comment and a string naming go:embed and \"C\" made the module uncacheable")
	}
}

func TestModuleRootRefusesAnotherModule(t *testing.T) {
	mine := module(t, map[string]string{"go.mod": "module " + modulePath + "\n\ngo 1.26\n"})
	if root, err := moduleRoot(filepath.Join(mine, "go.mod")); err != nil || root != mine {
		t.Errorf("moduleRoot = %q, %v; want %q", root, err, mine)
	}
	other := module(t, map[string]string{"go.mod": "module example.com/other\n"})
	for _, gomod := range []string{"", os.DevNull, filepath.Join(other, "go.mod")} {
		if _, err := moduleRoot(gomod); err == nil || !strings.Contains(err.Error(), modulePath) {
			t.Errorf("moduleRoot(%q) = %v; want an error naming %s", gomod, err, modulePath)
		}
	}
}

func TestEnvVarMustNameAnExecutable(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, filepath.Dir(plain), filepath.Join(t.TempDir(), "missing")} {
		t.Setenv(EnvVar, p)
		if _, err := path(); err == nil || !strings.Contains(err.Error(), EnvVar+"="+p) {
			t.Errorf("%s=%s: %v; want an error naming the variable", EnvVar, p, err)
		}
	}
	exe := filepath.Join(t.TempDir(), "exe")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, exe)
	if got, err := path(); err != nil || got != exe {
		t.Errorf("%s=%s: path() = %q, %v", EnvVar, exe, got, err)
	}
}

// TestThisModuleIsCacheable: the module as it is gets the shared binary,
// not a build per test process.
func TestThisModuleIsCacheable(t *testing.T) {
	root, err := moduleRoot(filepath.Join("..", "..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := key(t, root, "env"); !ok {
		t.Error("the module's sources were taken as embedding files or using cgo")
	}
}
