//go:build unix

package commit

import (
	"io/fs"
	"syscall"
)

// fileDev returns the device of the file system holding the file.
func fileDev(info fs.FileInfo) (uint64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true
}

// fileGid returns the file's group.
func fileGid(info fs.FileInfo) (int, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Gid), true
}
