package deploy

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// startExporter runs the built exporter with a kit's arguments and waits
// for it to log that it listens, then checks /-/healthy and /-/ready and
// stops it with SIGTERM. It proves that the flags a kit passes are accepted
// together, not only that each exists.
func startExporter(t *testing.T, where string, args []string) {
	t.Helper()
	addr := testkit.FreeAddr(t)
	for i, a := range args {
		if strings.HasPrefix(a, "--web.listen-address=") {
			args[i] = "--web.listen-address=" + addr
		}
	}
	if _, ok := flagValue(args, "web.listen-address"); !ok {
		args = append(args, "--web.listen-address="+addr)
	}

	cmd := exec.Command(testkit.ExporterBinary(t), args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log testkit.LockedBuffer
	listening, exited := make(chan struct{}), make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			_, _ = log.Write([]byte(sc.Text() + "\n"))
			if strings.Contains(sc.Text(), `msg="Listening on"`) {
				once.Do(func() { close(listening) })
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	output := log.String
	select {
	case <-listening:
	case err := <-exited:
		t.Fatalf("%s: the exporter exited with %v on these arguments %q:\n%s", where, err, args, output())
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("%s: the exporter did not listen within 30s:\n%s", where, output())
	}

	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/-/healthy", "/-/ready"} {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			t.Errorf("%s: GET %s: %v", where, path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: GET %s: %s", where, path, resp.Status)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("%s: the exporter exited with %v after SIGTERM:\n%s", where, err, output())
		}
	case <-time.After(40 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Errorf("%s: the exporter did not stop within 40s of SIGTERM:\n%s", where, output())
	}
}

// fakeCredentials copies the repository's fake sample key (attached to no
// account) as name into dir, root-only like the kits want it.
func fakeCredentials(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "examples", "credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSystemdArgumentsStartExporter runs the exporter with the command line
// systemd would build: ExecStart with ${CREDENTIALS_DIRECTORY} set and
// $VOXIMPLANT_EXPORTER_ARGS split into words from the defaults file.
func TestSystemdArgumentsStartExporter(t *testing.T) {
	credDir := t.TempDir()
	fakeCredentials(t, credDir, "credentials.json")
	var args []string
	for _, w := range strings.Fields(parseUnit(t, unitPath)["Service"]["ExecStart"][0])[1:] {
		if w == "$VOXIMPLANT_EXPORTER_ARGS" {
			args = append(args, defaultsArgs(t)...)
		} else {
			args = append(args, strings.ReplaceAll(w, "${CREDENTIALS_DIRECTORY}", credDir))
		}
	}
	startExporter(t, unitPath, args)
}

// TestKubernetesArgumentsStartExporter runs the exporter with the
// Deployment's arguments, the credentials file where the Secret would be.
func TestKubernetesArgumentsStartExporter(t *testing.T) {
	c := deployment(t).Spec.Template.Spec.Containers[0]
	args := append([]string(nil), c.Args...)
	creds := fakeCredentials(t, t.TempDir(), "credentials.json")
	for i, a := range args {
		if strings.HasPrefix(a, "--voximplant.credentials-file=") {
			args[i] = "--voximplant.credentials-file=" + creds
		}
	}
	startExporter(t, "deployment.yaml", args)
}
