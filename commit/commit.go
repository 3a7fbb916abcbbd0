// Package commit makes a run's output directory appear complete or not at
// all, and never destroys what the run did not write.
//
// The contract, in one screen:
//
//   - Prepare(final, opts) checks the directory the user named before any
//     input is read. It must be creatable; if it exists it must be empty or
//     (with Overwrite) hold only files that opts.Owned says a previous run
//     wrote, and it must be neither the current directory (or an ancestor
//     of it) nor a mount point or on another file system than its parent.
//     Prepare takes a lock beside final (one run per directory at a time),
//     cleans up what killed runs left there, and creates the staging
//     directory ".<name>.jacorpus-staging-<random>" beside final, so the
//     parent must be writable. If final exists, the staging directory gets
//     its mode (setgid and sticky bits too), group and extended attributes
//     (POSIX ACLs, Lustre striping) before anything is written into it.
//   - The run writes everything into Dir.Staging.
//   - Commit swaps the staging directory in with one atomic rename
//     (renameat2 RENAME_EXCHANGE on Linux; a two-step rename elsewhere,
//     which the next Prepare repairs if it is interrupted). Until then the
//     previous output is intact; from then on the new one is and Commit
//     returns nil. Still under the lock, the previous output is renamed
//     ".<name>.jacorpus-old-<random>" and its owned files are removed.
//   - Abort (or a kill at any moment) leaves final as it was; the staging
//     directory is removed by Abort, or by the next Prepare after a kill.
//
// What goes wrong without stopping the run is in Dir.Warnings, for the
// caller to log: attributes that could not be copied, a previous output or
// leftover that could not be removed (the next Prepare tries again), a file
// system without locks. Errors and warnings name the directory.
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

	"github.com/jacorpus/jacorpus/internal/fsync"
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

	opts     Options
	lock     *os.File
	existed  bool // Final existed at Prepare
	done     bool
	warnings []string
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

// errNoLocks reports that the file system has no file locks.
var errNoLocks = errors.New("no file locks on this file system")

// ErrLocked is returned by Prepare when another run holds the directory.
var ErrLocked = errors.New("another jacorpus run is writing to it")

// exchangeDirs is exchange; tests replace it to take the two-step path.
var exchangeDirs = exchange

// modeBits are the mode bits the staging directory takes from Final.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

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
	// Refusals that need no lock come first, so that they leave nothing.
	if info, err := os.Stat(final); err == nil && info.IsDir() {
		if containsCwd(info) {
			return nil, wrap(errors.New("is the current directory (or contains it); name an output directory that the run can replace"))
		}
		if err := sameFileSystem(final, parent, info); err != nil {
			return nil, wrap(err)
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, wrap(err)
	}
	besideErr := func(err error) error {
		return wrap(fmt.Errorf("cannot create files in %s: %w; the run stages its output beside the %s directory, in %s, which must therefore be writable",
			parent, err, opts.What, parent))
	}
	d := &Dir{Final: final, opts: opts}
	lock, err := os.OpenFile(filepath.Join(parent, "."+base+lockSuffix), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, besideErr(err)
	}
	switch err := tryLock(lock); {
	case errors.Is(err, errNoLocks):
		d.warn("no file locks on this file system: a concurrent run on the same directory would not be stopped")
	case errors.Is(err, ErrLocked):
		lock.Close()
		return nil, wrap(ErrLocked)
	case err != nil:
		lock.Close()
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
		if err := sameFileSystem(final, parent, info); err != nil { // it may have been restored by repair
			return nil, wrap(err)
		}
		if err := d.checkReplaceable(); err != nil {
			return nil, wrap(err)
		}
	}
	staging, err := mkdirUnique(filepath.Join(parent, "."+base+stagingInfix))
	if err != nil {
		return nil, besideErr(err)
	}
	d.Staging = staging
	if d.existed {
		if err := d.copyAttrs(info); err != nil {
			os.RemoveAll(staging)
			return nil, wrap(err)
		}
	}
	if err := probeWrite(staging); err != nil {
		os.RemoveAll(staging)
		return nil, wrap(fmt.Errorf("not writable: %w", err))
	}
	ok = true
	return d, nil
}

// Warnings returns what went wrong without stopping the run, one message
// per problem, each naming the directory and the paths concerned: Final's
// attributes that the new output could not get, leftovers of earlier runs
// and parts of the previous output that could not be removed, a file
// system without locks. The caller logs them after Prepare and Commit.
func (d *Dir) Warnings() []string { return slices.Clone(d.warnings) }

func (d *Dir) warn(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf("%s directory %s: ", d.opts.What, d.Final)+fmt.Sprintf(format, args...))
}

// copyAttrs gives the empty staging directory Final's group, extended
// attributes (ACLs, striping) and mode, so that what the run creates in it
// inherits them as it would in Final. What cannot be copied is a warning;
// only a failing chmod is an error.
func (d *Dir) copyAttrs(final fs.FileInfo) error {
	if gid, ok := fileGid(final); ok {
		if sinfo, err := os.Stat(d.Staging); err != nil {
			return err
		} else if sgid, ok := fileGid(sinfo); ok && sgid != gid {
			if err := os.Lchown(d.Staging, -1, gid); err != nil {
				d.warn("the new output cannot get the group (gid %d) of %s: %v; it and its files get gid %d", gid, d.Final, err, sgid)
			}
		}
	}
	for _, w := range copyXattrs(d.Final, d.Staging) {
		d.warn("%s", w)
	}
	// last: setting the group or an access ACL may clear the setgid bit
	want := final.Mode() & modeBits
	if err := os.Chmod(d.Staging, want); err != nil {
		return fmt.Errorf("giving the new output %s the mode of %s: %w", d.Staging, d.Final, err)
	}
	if sinfo, err := os.Stat(d.Staging); err == nil && sinfo.Mode()&modeBits != want {
		d.warn("the new output has mode %v, not the %v of %s (the system refused part of it)", sinfo.Mode()&modeBits, want, d.Final)
	}
	return nil
}

// containsCwd reports whether the directory dir is the current directory
// or one of its ancestors; a rename would leave the shell in a deleted
// directory. The physical chain of ".." is followed, so symbolic links in
// the names do not matter.
func containsCwd(dir fs.FileInfo) bool {
	p := "."
	cur, err := os.Stat(p)
	for i := 0; err == nil && i < 4096; i++ {
		if os.SameFile(cur, dir) {
			return true
		}
		p = filepath.Join(p, "..")
		up, uerr := os.Stat(p)
		if uerr != nil || os.SameFile(up, cur) { // the root is its own parent
			return false
		}
		cur = up
	}
	return false
}

// sameFileSystem refuses a final directory that is a mount point or on
// another file system than its parent: it cannot be renamed.
func sameFileSystem(final, parent string, info fs.FileInfo) error {
	pinfo, err := os.Stat(parent)
	if err != nil {
		return err
	}
	dev, ok := fileDev(info)
	pdev, pok := fileDev(pinfo)
	if (ok && pok && dev != pdev) || isMountRoot(final) {
		return fmt.Errorf("is a mount point (or on another file system than %s), which the run cannot replace: it swaps in a new directory by renaming; name a subdirectory of it instead, e.g. %s",
			parent, filepath.Join(final, "corpus"))
	}
	return nil
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
		return fmt.Errorf("holds %s, which no previous jacorpus run listed; --overwrite replaces only what a previous run's %s lists: move %s away or choose another directory",
			list(foreign), d.index(), plural(len(foreign), "it", "them"))
	}
	if err := probeWrite(d.Final); err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	return nil
}

func (d *Dir) index() string {
	if d.opts.Index == "" {
		return "index"
	}
	return d.opts.Index
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
// previous output. After an error, Final is unchanged and Abort removes
// the staging directory; once the new output is in place Commit returns
// nil, and what goes wrong afterwards (removing the previous output) is
// in Warnings. The lock is held until that cleanup is over.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("commit: directory already committed or aborted")
	}
	wrap := func(err error) error { return fmt.Errorf("%s directory %s: %w", d.opts.What, d.Final, err) }
	parent := filepath.Dir(d.Final)
	info, err := os.Stat(d.Final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(d.Staging, d.Final); err != nil {
			return wrap(err)
		}
		d.done = true
		d.sync(parent)
		d.finish()
		return nil
	case err != nil:
		return wrap(err)
	case !info.IsDir():
		return wrap(errors.New("exists and is not a directory"))
	}
	// Final exists: check again (files may have appeared during the run).
	if err := d.checkReplaceable(); err != nil {
		return wrap(err)
	}
	if err := os.Chmod(d.Staging, info.Mode()&modeBits); err != nil {
		return wrap(err)
	}
	switch err := exchangeDirs(d.Staging, d.Final); {
	case err == nil:
		// d.Staging now holds the previous output: give it the name that
		// tells the next Prepare it is one (not a killed run's staging
		// directory, which would be removed whole).
		d.done = true
		old := oldName(d.Staging)
		if err := os.Rename(d.Staging, old); err != nil {
			d.warn("renaming the previous output %s to %s: %v", d.Staging, old, err)
		} else {
			d.Staging = old
		}
	case errors.Is(err, errNoExchange):
		if err := d.twoStep(); err != nil {
			return wrap(err)
		}
		d.done = true
	default:
		return wrap(err)
	}
	d.sync(parent)
	if err := d.removePrevious(d.Staging); err != nil {
		d.warn("the previous output could not be removed completely: %v", err)
	}
	d.finish()
	return nil
}

// oldName is the name beside Final of the previous output replaced by the
// staging directory at staging.
func oldName(staging string) string {
	dir, name := filepath.Split(staging)
	return filepath.Join(dir, strings.Replace(name, stagingInfix, oldInfix, 1))
}

// sync makes the renames in dir durable; a failure is a warning, since the
// new output is in place by then.
func (d *Dir) sync(dir string) {
	if err := fsync.Dir(dir); err != nil {
		d.warn("the rename into place may not survive a crash: syncing %s: %v", dir, err)
	}
}

// twoStep replaces Final where an atomic exchange is not available: Final
// is renamed aside, then the staging directory takes its name. If the run
// dies between the two renames, the next Prepare puts the old one back.
func (d *Dir) twoStep() error {
	old := oldName(d.Staging)
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
// then dir itself if it is empty; foreign files are left in place. Its
// errors name the paths.
func (d *Dir) removePrevious(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var owned []string
	if d.opts.Owned != nil && len(entries) > 0 {
		if owned, err = d.opts.Owned(dir); err != nil {
			return fmt.Errorf("%s was left in place: cannot tell which files in it a previous run wrote: %w", dir, err)
		}
	}
	var errs []error
	var kept []string
	for _, e := range entries {
		if !slices.Contains(owned, e.Name()) {
			kept = append(kept, e.Name())
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if len(kept) > 0 {
		return fmt.Errorf("%s was left in place: it holds %s, which the previous run's %s does not list", dir, list(kept), d.index())
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
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
// output renamed aside by a commit is put back when final is missing (an
// interrupted two-step commit), and its owned files are removed otherwise.
// Only a failure to put one back is an error: what cannot be removed is a
// warning, and the run goes on.
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
				d.warn("could not remove %s, left by an interrupted run: %v", p, err)
			}
		case strings.HasPrefix(name, "."+base+oldInfix):
			if _, err := os.Lstat(d.Final); errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(p, d.Final); err != nil {
					return fmt.Errorf("restoring the previous output from %s: %w", p, err)
				}
				continue
			}
			if err := d.removePrevious(p); err != nil {
				d.warn("could not remove the previous output left by an earlier run: %v", err)
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
