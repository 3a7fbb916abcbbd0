//go:build !unix

package commit

import "io/fs"

// fileDev is unknown here: only a rename tells a file system boundary.
func fileDev(info fs.FileInfo) (uint64, bool) { return 0, false }

// fileGid is unknown here: files have no group.
func fileGid(info fs.FileInfo) (int, bool) { return 0, false }
