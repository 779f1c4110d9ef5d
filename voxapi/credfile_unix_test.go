//go:build unix

package voxapi

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadCredentialsNotARegularFile: a directory, a FIFO with no writer,
// a socket, a character device and a file over 64 KiB are each one error
// naming the path and what it is, at once: /dev/zero used to be read until
// the kernel killed the process, and a FIFO blocked start-up forever.
func TestLoadCredentialsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	big := writeFile(t, "big.json", bytes.Repeat([]byte(" "), MaxCredentialsBytes+1))
	cases := []struct{ path, want string }{
		{dir, "is a directory, not a regular file"},
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{sock, "is a socket, not a regular file"},
		{big, "is larger than 64 KiB (65537 bytes or more)"},
	}
	for _, dev := range []string{"/dev/zero", "/dev/null"} {
		if fi, err := os.Stat(dev); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			cases = append(cases, struct{ path, want string }{dev, "is a character device, not a regular file"})
		} else {
			t.Logf("SKIP %s: no such character device here", dev)
		}
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := LoadCredentials(tc.path); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second): // a guard, not synchronisation: the load must not block
				t.Fatalf("LoadCredentials(%s) still blocked after 10 s", tc.path)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), `"`+tc.path+`"`) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want it to name %s and say %q", err, tc.path, tc.want)
			}
		})
	}
}

// TestLoadCredentialsSizeBound: a valid file padded to exactly 64 KiB
// loads; one byte more is refused by LoadCredentials and ParseCredentials.
func TestLoadCredentialsSizeBound(t *testing.T) {
	good := credsJSON(t, map[string]any{"account_id": 1, "key_id": "k", "private_key": pkcs1PEM(testKey())})
	padded := append(good, bytes.Repeat([]byte("\n"), MaxCredentialsBytes-len(good))...)
	if _, err := LoadCredentials(writeFile(t, "64k.json", padded)); err != nil {
		t.Fatalf("64 KiB file: %v", err)
	}
	over := append(padded, '\n')
	if _, err := LoadCredentials(writeFile(t, "over.json", over)); err == nil || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Errorf("64 KiB + 1 file: %v", err)
	}
	if _, err := ParseCredentials(over, "over.json"); err == nil || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Errorf("64 KiB + 1 bytes parsed: %v", err)
	}
}
