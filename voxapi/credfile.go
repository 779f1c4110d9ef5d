package voxapi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxCredentialsBytes bounds a credentials file. A credentials.json is
// about 2 KB; anything far larger is not one, and reading /dev/zero or a
// huge file whole would grow until the kernel killed the exporter.
const MaxCredentialsBytes = 64 << 10

// readCredentialsFile reads path if it is a regular file of at most
// MaxCredentialsBytes. Its type is checked before it is opened (a FIFO with
// no writer would block the open forever) and again on the opened file,
// which is opened non-blocking so that a FIFO swapped in between cannot
// block either.
func readCredentialsFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := regularSmallFile(path, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, openError(path, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, &CredentialsError{File: path, Reason: "cannot read it", Err: unwrapPath(err)}
	}
	if err := regularSmallFile(path, fi); err != nil {
		return nil, err
	}
	// The file may grow after the check: read one byte past the bound.
	data, err := io.ReadAll(io.LimitReader(f, MaxCredentialsBytes+1))
	if err != nil {
		return nil, &CredentialsError{File: path, Reason: "cannot read it", Err: unwrapPath(err)}
	}
	if len(data) > MaxCredentialsBytes {
		return nil, tooLarge(path, int64(len(data)))
	}
	return data, nil
}

// regularSmallFile refuses anything but a regular file within the bound,
// naming what the path is.
func regularSmallFile(path string, fi fs.FileInfo) error {
	if m := fi.Mode(); !m.IsRegular() {
		return &CredentialsError{File: path, Reason: "is " + fileKind(m) + ", not a regular file (give the path of the credentials.json downloaded from the Voximplant control panel)"}
	}
	if fi.Size() > MaxCredentialsBytes {
		return tooLarge(path, fi.Size())
	}
	return nil
}

func tooLarge(path string, n int64) error {
	return &CredentialsError{File: path, Reason: fmt.Sprintf("is larger than %d KiB (%d bytes or more): not a service-account key file", MaxCredentialsBytes>>10, n)}
}

// fileKind names a non-regular file mode for an error.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	default:
		return "not a regular file (" + m.Type().String() + ")"
	}
}

// openError turns a failure to stat or open path into one error naming
// the file and what to do.
func openError(path string, err error) error {
	err = unwrapPath(err)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &CredentialsError{File: path, Reason: "does not exist (download a service-account key in the Voximplant control panel)", Err: err}
	case errors.Is(err, os.ErrPermission):
		// The cause says nothing more than the reason.
		return &CredentialsError{File: path, Reason: "permission denied: the exporter's user cannot read it (check its owner and mode)"}
	}
	return &CredentialsError{File: path, Reason: "cannot read it", Err: err}
}

// unwrapPath drops a *PathError's repetition of the path, keeping its cause.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
