//go:build !unix

package commit

import "os"

// tryLock is a no-op where flock does not exist: runs are not protected
// against a concurrent run on the same directory.
func tryLock(f *os.File) error { return nil }

func unlockFile(f *os.File) {}
