package commit

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// mount mounts a tmpfs (or, with bind, src) on dir until the test ends,
// or skips the test.
func mount(t *testing.T, src, dir string, flags uintptr) {
	t.Helper()
	fstype := "tmpfs"
	if flags&unix.MS_BIND != 0 {
		fstype = ""
	}
	if err := unix.Mount(src, dir, fstype, flags, ""); err != nil {
		t.Skipf("cannot mount here (%v): needs CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
}

// TestKeepsModeAndGroup: the new output keeps the previous directory's
// group and setgid/sticky bits, and files written during the run already
// get that group.
func TestKeepsModeAndGroup(t *testing.T) {
	gid := 1
	if g, err := user.LookupGroup("daemon"); err == nil {
		gid, _ = strconv.Atoi(g.Gid)
	}
	final := filepath.Join(t.TempDir(), "out")
	os.Mkdir(final, 0o755)
	if err := os.Chown(final, -1, gid); err != nil {
		t.Skipf("cannot give a directory gid %d: %v", gid, err)
	}
	mode := 0o770 | os.ModeSetgid | os.ModeSticky
	if err := os.Chmod(final, mode); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(final); info.Mode()&modeBits != mode {
		t.Skipf("the system refused mode %v (got %v)", mode, info.Mode()&modeBits)
	}
	write(t, final, map[string]string{"index": "a", "a": "old"})
	d, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when, p string, wantMode os.FileMode) {
		t.Helper()
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := int(info.Sys().(*syscall.Stat_t).Gid); got != gid {
			t.Errorf("%s: %s has gid %d, want %d", when, p, got, gid)
		}
		if wantMode != 0 && info.Mode()&modeBits != wantMode {
			t.Errorf("%s: %s has mode %v, want %v", when, p, info.Mode()&modeBits, wantMode)
		}
	}
	check("after Prepare", d.Staging, mode)
	write(t, d.Staging, map[string]string{"index": "b", "b": "new"})
	check("written during the run", filepath.Join(d.Staging, "b"), 0)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	check("after Commit", final, mode)
	if w := d.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

// posixACL encodes a POSIX ACL as the kernel's system.posix_acl_* value.
func posixACL(entries ...[3]uint32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint32(2))
	for _, e := range entries {
		binary.Write(&b, binary.LittleEndian, uint16(e[0]))
		binary.Write(&b, binary.LittleEndian, uint16(e[1]))
		binary.Write(&b, binary.LittleEndian, e[2])
	}
	return b.Bytes()
}

// TestKeepsExtendedAttributes: the new output gets the previous
// directory's extended attributes (a user one; a default ACL, which files
// written during the run inherit) and not an ACL it would inherit from its
// parent but the previous directory does not have.
func TestKeepsExtendedAttributes(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "out")
	os.Mkdir(final, 0o755)
	if err := unix.Lsetxattr(final, "user.jacorpus.test", []byte("kept"), 0); err != nil {
		t.Skipf("the temporary file system has no user extended attributes: %v", err)
	}
	const undef = 0xffffffff
	acl := posixACL([3]uint32{0x01, 7, undef}, [3]uint32{0x02, 7, 1}, [3]uint32{0x04, 5, undef}, [3]uint32{0x10, 7, undef}, [3]uint32{0x20, 5, undef})
	withACL := unix.Lsetxattr(final, aclDefault, acl, 0) == nil
	if withACL {
		// the parent's default ACL differs; the new output must not get it
		parentACL := posixACL([3]uint32{0x01, 7, undef}, [3]uint32{0x04, 7, undef}, [3]uint32{0x20, 0, undef})
		if err := unix.Lsetxattr(parent, aclDefault, parentACL, 0); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("no POSIX ACLs on the temporary file system: only the user attribute is checked")
	}
	d, err := Prepare(final, Options{Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := getXattr(d.Staging, "user.jacorpus.test"); string(v) != "kept" {
		t.Errorf("staging user.jacorpus.test = %q, %v; want \"kept\"", v, err)
	}
	if withACL {
		want, _ := getXattr(final, aclDefault)
		if got, err := getXattr(d.Staging, aclDefault); !bytes.Equal(got, want) {
			t.Errorf("staging default ACL %x (%v), want the previous directory's %x", got, err, want)
		}
		if _, err := getXattr(d.Staging, aclAccess); err == nil {
			t.Errorf("staging has the access ACL inherited from %s, which the previous directory lacks", parent)
		}
		write(t, d.Staging, map[string]string{"a": "new"})
		if _, err := getXattr(filepath.Join(d.Staging, "a"), aclAccess); err != nil {
			t.Errorf("a file written during the run did not inherit the default ACL: %v", err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if v, err := getXattr(final, "user.jacorpus.test"); string(v) != "kept" {
		t.Errorf("after Commit user.jacorpus.test = %q, %v; want \"kept\"", v, err)
	}
	if w := d.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

// TestRefusesMountPoint: a mount point cannot be renamed; Prepare says so
// before anything is read or created.
func TestRefusesMountPoint(t *testing.T) {
	parent := t.TempDir()
	tmpfs := filepath.Join(parent, "tmpfs")
	os.Mkdir(tmpfs, 0o755)
	mount(t, "jacorpus-test", tmpfs, 0)
	src, bind := filepath.Join(parent, "src"), filepath.Join(parent, "bind")
	os.Mkdir(src, 0o755)
	os.Mkdir(bind, 0o755)
	mount(t, src, bind, unix.MS_BIND)
	for _, final := range []string{tmpfs, bind} {
		if final == bind && !isMountRoot(bind) {
			t.Log("this kernel does not report mount roots (statx, Linux 5.8): bind mount not checked")
			continue
		}
		d, err := Prepare(final, Options{Overwrite: true})
		if err == nil {
			d.Abort()
			t.Errorf("%s: Prepare accepted a mount point", final)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, final+": is a mount point") || !strings.Contains(msg, "subdirectory") {
			t.Errorf("%s: %v", final, err)
		}
	}
	entries, _ := os.ReadDir(parent)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"bind", "src", "tmpfs"}; !slices.Equal(names, want) {
		t.Errorf("refused, yet the parent holds %v", names)
	}
}

// TestReadOnlyParent: the message says why the parent must be writable.
func TestReadOnlyParent(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(parent, 0o755)
	mount(t, "jacorpus-test", parent, 0)
	final := filepath.Join(parent, "out")
	os.Mkdir(final, 0o755)
	if err := unix.Mount("", parent, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	_, err := Prepare(final, Options{Overwrite: true})
	if err == nil || !strings.Contains(err.Error(), "output directory "+final+": ") ||
		!strings.Contains(err.Error(), "the run stages its output beside the output directory, in "+parent) {
		t.Errorf("Prepare: %v", err)
	}
}

// TestStuckLeftoverIsWarning: a killed run's staging directory that cannot
// be removed does not stop the next runs.
func TestStuckLeftoverIsWarning(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "out")
	left := filepath.Join(parent, ".out"+stagingInfix+"123")
	os.MkdirAll(filepath.Join(left, "busy"), 0o755)
	mount(t, "jacorpus-test", filepath.Join(left, "busy"), 0) // rmdir: EBUSY
	d, err := Prepare(final, Options{})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if w := d.Warnings(); len(w) != 1 || !strings.Contains(w[0], left) {
		t.Errorf("warnings %q, want one naming %s", w, left)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestNoLocksWarning: a file system without locks is a warning.
func TestNoLocksWarning(t *testing.T) {
	flock = func(fd, how int) error { return syscall.ENOLCK }
	t.Cleanup(func() { flock = syscall.Flock })
	final := filepath.Join(t.TempDir(), "out")
	d, err := Prepare(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	want := "output directory " + final + ": no file locks on this file system: a concurrent run on the same directory would not be stopped"
	if w := d.Warnings(); !slices.Equal(w, []string{want}) {
		t.Errorf("warnings %q, want %q", w, want)
	}
}
