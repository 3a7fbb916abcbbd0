// Package fsync makes directory entries durable: after a file is created,
// renamed or removed, syncing its directory makes the change survive a
// crash. The shard writer and the commit protocol both need it.
package fsync

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// Dir syncs the directory dir. Where directories cannot be synced (Windows;
// file systems that answer EINVAL or ENOTSUP) it does nothing.
func Dir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
