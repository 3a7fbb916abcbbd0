//go:build unix

package commit

import (
	"errors"
	"os"
	"syscall"
)

// flock is syscall.Flock; tests replace it to simulate a file system
// without locks.
var flock = syscall.Flock

// tryLock takes an exclusive advisory lock on f without waiting. A file
// system without locks (some network mounts) gives errNoLocks, which
// Prepare turns into a warning: the run goes on unprotected against a
// concurrent run on the same directory.
func tryLock(f *os.File) error {
	err := flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return ErrLocked
	case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EOPNOTSUPP):
		return errNoLocks
	}
	return err
}

func unlockFile(f *os.File) { flock(int(f.Fd()), syscall.LOCK_UN) }
