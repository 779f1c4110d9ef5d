//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCredentialsFileNotARegularFile: a FIFO with no writer (which blocked
// start-up forever, deaf to SIGTERM) and /dev/zero (read until the kernel
// killed the process) are each refused at once with one line naming the
// path and what it is.
func TestCredentialsFileNotARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "credentials.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "is a character device, not a regular file"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			code, out := runExporter(t, nil, "--voximplant.application-id=1", "--voximplant.credentials-file="+tc.path)
			out = strings.ReplaceAll(out, `\"`, `"`)
			if code != 1 || errorLines(out) != 1 || !strings.Contains(out, `credentials file "`+tc.path+`": `+tc.want) {
				t.Errorf("exit %d; want 1 and one line naming %s and saying %q:\n%s", code, tc.path, tc.want, out)
			}
		})
	}
}
