package testkit

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BuildExporter builds the exporter binary from the module at root (the
// directory holding go.mod) into dir, once per test binary.
func BuildExporter(root, dir string) (string, error) {
	bin := filepath.Join(dir, "voximplant_exporter")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the exporter: %w\n%s", err, out)
	}
	return bin, nil
}

// Exporter is a running exporter process.
type Exporter struct {
	Base string // scheme://host:port
	Cmd  *exec.Cmd
	Logs *LockedBuffer // its stdout and stderr

	exited  chan struct{}
	waitErr error
}

// Wait waits for the process to exit, at most timeout, and returns what
// exec.Cmd.Wait returned; it fails the test on timeout.
func (e *Exporter) Wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-e.exited:
		return e.waitErr
	case <-time.After(timeout):
		t.Fatalf("exporter still running %s later:\n%s", timeout, e.Logs.String())
		return nil
	}
}

// StartExporter starts bin listening on a free loopback port with args,
// and waits until /-/healthy answers 200 through client (with headers
// hdr, for basic auth). The process is killed at the end of the test, and
// its output logged if the test failed.
func StartExporter(t testing.TB, bin, scheme string, client *http.Client, hdr map[string]string, args ...string) *Exporter {
	t.Helper()
	addr := FreeAddr(t)
	cmd := exec.Command(bin, append([]string{"--web.listen-address=" + addr}, args...)...)
	logs := &LockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e := &Exporter{Base: scheme + "://" + addr, Cmd: cmd, Logs: logs, exited: make(chan struct{})}
	exited := e.exited
	go func() { e.waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("exporter output:\n%s", logs.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("exporter exited before it was healthy:\n%s", logs.String())
		default:
		}
		req, err := http.NewRequest(http.MethodGet, e.Base+"/-/healthy", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return e
			}
		}
	}
	t.Fatalf("exporter did not become healthy:\n%s", logs.String())
	return nil
}

// TempDir makes a directory for a TestMain, which has no testing.T.
func TempDir(prefix string) (string, error) { return os.MkdirTemp("", prefix) }
