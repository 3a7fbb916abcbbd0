//go:build !unix

package commit

import "os"

// tryLock cannot lock where flock does not exist: runs are not protected
// against a concurrent run on the same directory, which Prepare reports
// as a warning.
func tryLock(f *os.File) error { return errNoLocks }

func unlockFile(f *os.File) {}
