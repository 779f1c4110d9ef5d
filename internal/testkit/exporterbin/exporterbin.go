// Package exporterbin builds the exporter binary that the tests, the
// end-to-end run and the soak start as a process. It is one function with
// one set of go build flags, so that every caller runs the same binary and
// the go command's build cache serves all of them.
//
// go test ./... runs one test process per package, in parallel; each would
// link its own copy. So the binary is kept in the module's .tmp/exporterbin/
// under a key that hashes every input of the build (the module's non-test Go
// files, go.mod, go.sum and the toolchain's settings), and a lock file lets
// one process build it while the others wait and then use it. An edit gives
// a new key, so a stale binary is never served. A module that embeds files
// or uses cgo has inputs the key does not see: then each process builds its
// own binary instead.
//
// It does not import package testing, so that the soak (a main program) can
// use it without linking the test framework.
package exporterbin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// EnvVar, when set, names a binary to use instead of building one (a
// release build under test, or one built with other flags).
const EnvVar = "VOXIMPLANT_EXPORTER_BINARY"

// modulePath is the module whose main package is the exporter.
const modulePath = "github.com/voximplant-exporter/voximplant_exporter"

// buildArgs are the one set of go build flags. -buildvcs=false keeps the
// binary a function of the sources alone (the key), not of the commit.
var buildArgs = []string{"build", "-buildvcs=false"}

// goEnv are the go env settings that change what go build produces.
var goEnv = []string{"GOVERSION", "GOFLAGS", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "GOEXPERIMENT",
	"CGO_ENABLED", "CC", "CGO_CFLAGS", "CGO_LDFLAGS", "GOWORK", "GOMOD"}

// staleAfter is how long a binary of an older key is kept, for a test run
// of that source still under way.
const staleAfter = time.Hour

var (
	once    sync.Once
	binPath string
	binErr  error
)

// Path returns the exporter binary: $VOXIMPLANT_EXPORTER_BINARY when set,
// else the module's current sources built (or found built) as the package
// comment says. The module is the one holding the working directory.
// The work is done once per process.
func Path() (string, error) {
	once.Do(func() { binPath, binErr = path() })
	return binPath, binErr
}

func path() (string, error) {
	if bin := os.Getenv(EnvVar); bin != "" {
		if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s=%s is not an executable file (unset it to build the exporter from the sources)", EnvVar, bin)
		}
		return bin, nil
	}
	env, err := exec.Command("go", append([]string{"env"}, goEnv...)...).Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(env), "\n"), "\n")
	if len(lines) != len(goEnv) {
		return "", fmt.Errorf("go env %s: %d lines, want %d:\n%s", strings.Join(goEnv, " "), len(lines), len(goEnv), env)
	}
	root, err := moduleRoot(lines[len(goEnv)-1])
	if err != nil {
		return "", err
	}
	key, cacheable, err := sourceKey(root, env)
	if err != nil {
		return "", err
	}
	cache := filepath.Join(root, ".tmp", "exporterbin")
	if !cacheable {
		// This process's own, removed as stale later like any other.
		dir := filepath.Join(cache, fmt.Sprintf("uncached-%d-%d", os.Getpid(), time.Now().UnixNano()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		return build(root, filepath.Join(dir, "voximplant_exporter"))
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(cache, "lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	removeStale(cache, key)
	bin := filepath.Join(cache, key, "voximplant_exporter")
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		_ = os.Chtimes(filepath.Dir(bin), now, now) // in use: not stale
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	// Built under another name and renamed, so that a build cut short
	// leaves nothing a later run would take for a binary.
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	if _, err := build(root, tmp); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if after, _, err := sourceKey(root, env); err != nil || after != key {
		// A source changed while it was built: this process may use
		// the binary, but it must not be kept under the old key.
		return tmp, err
	}
	return bin, os.Rename(tmp, bin)
}

// moduleRoot is the directory of gomod, checked to be this module's.
func moduleRoot(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if gomod == "" || gomod == os.DevNull || err != nil {
		return "", fmt.Errorf("run this inside the module %s: go env GOMOD is %q", modulePath, gomod)
	}
	if first, _, _ := strings.Cut(string(data), "\n"); strings.TrimSpace(first) != "module "+modulePath {
		return "", fmt.Errorf("%s is not the go.mod of %s: run this inside that module", gomod, modulePath)
	}
	return filepath.Dir(gomod), nil
}

// build runs go build of the module's main package into bin.
func build(root, bin string) (string, error) {
	cmd := exec.Command("go", append(buildArgs, "-o", bin, ".")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the exporter (go %s): %w\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return bin, nil
}

// sourceKey hashes the build's inputs: env (the go env settings), go.mod,
// go.sum and every non-test Go file of the module, by path and content.
// Files embedded by name are hashed too; cacheable is false when a Go
// file embeds by pattern or uses cgo, whose inputs the key would miss.
func sourceKey(root string, env []byte) (key string, cacheable bool, err error) {
	h := sha256.New()
	fmt.Fprintf(h, "%q\n%q\n", buildArgs, env)
	cacheable = true
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// The go command ignores these directories too.
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if !(rel == "go.mod" || rel == "go.sum" || strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if cgo.Match(data) {
			cacheable = false
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		// A file embedded by name is an input like the Go files: hash it.
		// A pattern (glob or directory) would need the go command's
		// matching: not cacheable.
		for _, m := range embed.FindAllSubmatch(data, -1) {
			for _, pat := range strings.Fields(string(m[1])) {
				f := filepath.Join(filepath.Dir(p), filepath.FromSlash(pat))
				fi, err := os.Stat(f)
				if strings.ContainsAny(pat, "*?[\"'`") || err != nil || !fi.Mode().IsRegular() {
					cacheable = false
					continue
				}
				content, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				fmt.Fprintf(h, "embed %s %d\n", filepath.ToSlash(filepath.Join(filepath.Dir(rel), pat)), len(content))
				h.Write(content)
			}
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("hashing the exporter's sources: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], cacheable, nil
}

// cgo matches an import of cgo's "C"; embed a go:embed directive and its
// patterns.
var (
	cgo   = regexp.MustCompile(`(?m)^import\s+"C"|^\s*"C"\s*$`)
	embed = regexp.MustCompile(`(?m)^//go:embed\s+(.+)$`)
)

// removeStale removes the binaries of other keys not used for staleAfter;
// the caller holds the lock.
func removeStale(cache, key string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == key {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			_ = os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}
