//go:build unix

package phases

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockTask takes an exclusive lock on path (created if missing) without
// waiting; the returned function releases it.
func lockTask(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return nil, fmt.Errorf("another process is running this task (lock %s)", path)
	}
	if err != nil { // a file system without locks: go on without
		return func() { f.Close() }, nil
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
