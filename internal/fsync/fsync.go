// Package fsync makes directory entries durable: after a file is created,
// renamed or removed, syncing its directory makes the change survive a
// crash. The shard writer and the commit protocol both need it.
package fsync

import (
	"errors"
	"os"
	"path/filepath"
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

// WriteFile writes data to path through a temporary file beside it
// (PATH.tmp), synced, renamed into place, and the directory synced: path
// holds the old bytes or the new ones, never part of them.
func WriteFile(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return Dir(filepath.Dir(path))
}
