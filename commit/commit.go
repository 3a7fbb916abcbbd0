// Package commit makes a run's output directory appear complete or not at
// all, and never destroys what the run did not write.
//
// The contract, in one screen:
//
//   - Prepare(final, opts) checks the directory the user named before any
//     input is read: it must be creatable, and if it exists it must be empty
//     or (with Overwrite) hold only files that opts.Owned says a previous run
//     wrote; anything else is named and refused. It takes a lock beside final
//     (one run per directory at a time), cleans up what killed runs left
//     beside it, and creates a staging directory beside final, on the same
//     file system: ".<name>.jacorpus-staging-<random>".
//   - The run writes everything into Dir.Staging.
//   - Commit swaps the staging directory in with one atomic rename
//     (renameat2 RENAME_EXCHANGE on Linux; a two-step rename elsewhere, which
//     the next Prepare repairs if it is interrupted), then removes the
//     previous output's owned files. Until that rename the previous output
//     is intact and readable; after it the new one is.
//   - Abort (or a kill at any moment) leaves final as it was; the staging
//     directory is removed by Abort, or by the next Prepare after a kill.
//
// The lock file ".<name>.jacorpus.lock" stays beside final; it is empty and
// never removed (removing a lock file races with the next run taking it).
package commit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Options configures Prepare.
type Options struct {
	// Overwrite allows replacing a previous output; without it final must
	// be missing or empty.
	Overwrite bool
	// Owned returns the names of the entries in dir that a previous run
	// wrote and that a new run may therefore remove; it reads dir's own
	// index (a manifest), so that no file jacorpus did not write is ever
	// touched. nil: nothing is owned.
	Owned func(dir string) ([]string, error)
	// What names the directory in messages ("output", "rejects").
	What string
	// Index names, in messages, the file through which Owned knows what a
	// previous run wrote ("manifest.json").
	Index string
}

// Dir is a prepared output directory.
type Dir struct {
	// Final is the directory the user named.
	Final string
	// Staging is where the run writes; it is beside Final.
	Staging string

	opts    Options
	lock    *os.File
	existed bool // Final existed at Prepare
	done    bool
}

// Name patterns beside the final directory.
const (
	stagingInfix = ".jacorpus-staging-"
	oldInfix     = ".jacorpus-old-"
	lockSuffix   = ".jacorpus.lock"
)

// errNoExchange reports that the file system cannot swap two directories
// atomically.
var errNoExchange = errors.New("atomic directory exchange not supported")

// ErrLocked is returned by Prepare when another run holds the directory.
var ErrLocked = errors.New("another jacorpus run is writing to it")

// Prepare checks final and creates the staging directory beside it (see
// the package comment).
func Prepare(final string, opts Options) (*Dir, error) {
	if opts.What == "" {
		opts.What = "output"
	}
	if final == "" {
		return nil, fmt.Errorf("%s directory: empty path", opts.What)
	}
	final = filepath.Clean(final)
	if info, err := os.Lstat(final); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// replace the directory the link points to, keep the link
		real, err := filepath.EvalSymlinks(final)
		if err != nil {
			return nil, fmt.Errorf("%s directory %s: %w", opts.What, final, err)
		}
		final = real
	}
	parent, base := filepath.Dir(final), filepath.Base(final)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		abs, err := filepath.Abs(final)
		if err != nil {
			return nil, fmt.Errorf("%s directory %s: %w", opts.What, final, err)
		}
		final, parent, base = abs, filepath.Dir(abs), filepath.Base(abs)
		if base == string(filepath.Separator) {
			return nil, fmt.Errorf("%s directory %s: cannot replace the root directory", opts.What, final)
		}
	}
	wrap := func(err error) error { return fmt.Errorf("%s directory %s: %w", opts.What, final, err) }
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, wrap(err)
	}
	d := &Dir{Final: final, opts: opts}
	lock, err := os.OpenFile(filepath.Join(parent, "."+base+lockSuffix), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, wrap(fmt.Errorf("cannot create files beside it: %w", err))
	}
	if err := tryLock(lock); err != nil {
		lock.Close()
		if errors.Is(err, ErrLocked) {
			return nil, wrap(ErrLocked)
		}
		return nil, wrap(err)
	}
	d.lock = lock
	ok := false
	defer func() {
		if !ok {
			d.unlock()
		}
	}()
	if err := d.repair(parent, base); err != nil {
		return nil, wrap(err)
	}
	info, err := os.Stat(final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, wrap(err)
	case !info.IsDir():
		return nil, wrap(errors.New("exists and is not a directory"))
	default:
		d.existed = true
		if err := d.checkReplaceable(); err != nil {
			return nil, wrap(err)
		}
	}
	staging, err := mkdirUnique(filepath.Join(parent, "."+base+stagingInfix))
	if err != nil {
		return nil, wrap(fmt.Errorf("cannot create its staging directory: %w", err))
	}
	d.Staging = staging
	if err := probeWrite(staging); err != nil {
		os.RemoveAll(staging)
		return nil, wrap(fmt.Errorf("not writable: %w", err))
	}
	ok = true
	return d, nil
}

// checkReplaceable refuses a non-empty Final unless Overwrite is set and
// every entry is owned.
func (d *Dir) checkReplaceable() error {
	entries, err := os.ReadDir(d.Final)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if !d.opts.Overwrite {
		return errors.New("is not empty; use --overwrite to replace a previous run's output")
	}
	foreign, err := d.foreign(d.Final, entries)
	if err != nil {
		return err
	}
	if len(foreign) > 0 {
		index := d.opts.Index
		if index == "" {
			index = "index"
		}
		return fmt.Errorf("holds %s, which no previous jacorpus run listed; --overwrite replaces only what a previous run's %s lists: move %s away or choose another directory",
			list(foreign), index, plural(len(foreign), "it", "them"))
	}
	if err := probeWrite(d.Final); err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	return nil
}

// foreign returns the entries of dir that are not owned.
func (d *Dir) foreign(dir string, entries []fs.DirEntry) ([]string, error) {
	var owned []string
	if d.opts.Owned != nil {
		var err error
		if owned, err = d.opts.Owned(dir); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, e := range entries {
		if !slices.Contains(owned, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Commit makes the staging directory the final one and removes the
// previous output. After an error before the swap, Final is unchanged and
// Abort removes the staging directory.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("commit: directory already committed or aborted")
	}
	wrap := func(err error) error { return fmt.Errorf("%s directory %s: %w", d.opts.What, d.Final, err) }
	info, err := os.Stat(d.Final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(d.Staging, d.Final); err != nil {
			return wrap(err)
		}
		d.finish()
		return syncDir(filepath.Dir(d.Final))
	case err != nil:
		return wrap(err)
	case !info.IsDir():
		return wrap(errors.New("exists and is not a directory"))
	}
	// Final exists: check again (files may have appeared during the run).
	if err := d.checkReplaceable(); err != nil {
		return wrap(err)
	}
	if err := os.Chmod(d.Staging, info.Mode().Perm()); err != nil {
		return wrap(err)
	}
	err = exchange(d.Staging, d.Final)
	if errors.Is(err, errNoExchange) {
		err = d.twoStep()
	}
	if err != nil {
		return wrap(err)
	}
	// d.Staging now holds the previous output.
	d.finish()
	if err := syncDir(filepath.Dir(d.Final)); err != nil {
		return wrap(err)
	}
	return wrap0(d.opts.What, d.Final, d.removePrevious(d.Staging))
}

// twoStep replaces Final where an atomic exchange is not available: Final
// is renamed aside, then the staging directory takes its name. If the run
// dies between the two renames, the next Prepare puts the old one back.
func (d *Dir) twoStep() error {
	old := strings.Replace(d.Staging, stagingInfix, oldInfix, 1)
	if err := os.Rename(d.Final, old); err != nil {
		return err
	}
	if err := os.Rename(d.Staging, d.Final); err != nil {
		if rerr := os.Rename(old, d.Final); rerr != nil {
			return fmt.Errorf("%w (and the previous output could not be put back from %s: %v)", err, old, rerr)
		}
		return err
	}
	d.Staging = old
	return nil
}

// removePrevious removes the owned files of a previous output in dir and
// then dir itself if it is empty; foreign files are left in place.
func (d *Dir) removePrevious(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var owned []string
	if d.opts.Owned != nil && len(entries) > 0 {
		if owned, err = d.opts.Owned(dir); err != nil {
			return fmt.Errorf("previous output left in %s: %w", dir, err)
		}
	}
	var errs []error
	for _, e := range entries {
		if slices.Contains(owned, e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("previous output left in %s: %w", dir, err)
	}
	return nil
}

// Abort removes the staging directory and everything in it, and releases
// the lock. Final is untouched. It may be called after Commit (it then
// does nothing).
func (d *Dir) Abort() error {
	if d.done {
		return nil
	}
	d.done = true
	defer d.unlock()
	if d.Staging == "" {
		return nil
	}
	if err := os.RemoveAll(d.Staging); err != nil {
		return fmt.Errorf("%s directory %s: removing %s: %w", d.opts.What, d.Final, d.Staging, err)
	}
	return nil
}

func (d *Dir) finish() {
	d.done = true
	d.unlock()
}

func (d *Dir) unlock() {
	if d.lock != nil {
		unlockFile(d.lock)
		d.lock.Close()
		d.lock = nil
	}
}

// repair cleans up beside final after killed runs (the lock is held, so no
// other run is using these): staging directories are removed; a previous
// output renamed aside by an interrupted two-step commit is put back when
// final is missing, and removed otherwise.
func (d *Dir) repair(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, "."+base+".jacorpus-") {
			continue
		}
		p := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, "."+base+stagingInfix):
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("removing %s left by an interrupted run: %w", p, err)
			}
		case strings.HasPrefix(name, "."+base+oldInfix):
			if _, err := os.Lstat(d.Final); errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(p, d.Final); err != nil {
					return fmt.Errorf("restoring the previous output from %s: %w", p, err)
				}
				continue
			}
			if err := d.removePrevious(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkdirUnique creates the directory prefix+<random> with mode 0777 less the
// umask (os.MkdirTemp would make it 0700, and it becomes the output).
func mkdirUnique(prefix string) (string, error) {
	for {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		p := prefix + hex.EncodeToString(b[:])
		err := os.Mkdir(p, 0o777)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return p, err
	}
}

// probeWrite checks that files can be created in dir.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".jacorpus-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil // directories cannot be synced on some file systems
	}
	return err
}

func wrap0(what, final string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s directory %s: committed, but %w", what, final, err)
}

// list formats names for a message: at most five, then a count.
func list(names []string) string {
	const show = 5
	q := make([]string, 0, show)
	for i, n := range names {
		if i == show {
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > show {
		s += fmt.Sprintf(" and %d more", len(names)-show)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
