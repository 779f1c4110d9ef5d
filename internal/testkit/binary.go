package testkit

import (
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit/exporterbin"
)

// ExporterBinary returns the exporter binary every test that runs it
// shares: built once per test run (see package exporterbin), or
// $VOXIMPLANT_EXPORTER_BINARY. It fails the test when the build fails.
func ExporterBinary(t testing.TB) string {
	t.Helper()
	bin, err := exporterbin.Path()
	if err != nil {
		t.Fatal(err)
	}
	return bin
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
	Poll(t, 20*time.Second, "exporter did not become healthy", func() (bool, string) {
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
		resp, err := client.Do(req)
		if err != nil {
			return false, err.Error() + "\n" + logs.String()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status + "\n" + logs.String()
	})
	return e
}
