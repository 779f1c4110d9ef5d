//go:build unix

package exporterbin

import (
	"fmt"
	"os"
	"syscall"
)

// lock takes an exclusive lock on the file at path, waiting for it. The
// kernel releases it when the process dies, so a killed build leaves no
// stale lock.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("exporter binary cache: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("exporter binary cache: locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
