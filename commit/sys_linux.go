package commit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// exchange atomically swaps the directories a and b.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return errNoExchange
	}
	return err
}

// isMountRoot reports whether path is the root of a mount, a bind mount of
// a directory of the same file system included (statx, Linux 5.8 and later;
// false where the kernel does not say).
func isMountRoot(path string) bool {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &st); err != nil {
		return false
	}
	return st.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && st.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
}

// POSIX ACLs, as extended attributes.
const (
	aclAccess  = "system.posix_acl_access"
	aclDefault = "system.posix_acl_default"
)

// copyXattrs gives the directory dst every extended attribute of src: the
// POSIX ACLs (system.posix_acl_access, system.posix_acl_default), Lustre's
// default striping (lustre.lov), user.* and whatever else the file system
// keeps. POSIX ACLs that dst inherited from its parent but src lacks are
// removed. It returns one message, naming the paths, per attribute that
// could not be copied (security.* and trusted.* need privileges; some file
// systems list attributes they do not let set); a file system without
// extended attributes gives none.
func copyXattrs(src, dst string) []string {
	names, err := listXattr(src)
	if err != nil {
		if unsupported(err) {
			return nil
		}
		return []string{fmt.Sprintf("cannot read the extended attributes (ACLs, striping) of %s: %v", src, err)}
	}
	var warns []string
	for _, name := range names {
		val, err := getXattr(src, name)
		if errors.Is(err, unix.ENODATA) {
			continue // removed meanwhile
		}
		if err != nil {
			warns = append(warns, fmt.Sprintf("cannot read the extended attribute %s of %s: %v", name, src, err))
			continue
		}
		if cur, err := getXattr(dst, name); err == nil && bytes.Equal(cur, val) {
			continue // inherited or given by the system (security labels)
		}
		if err := unix.Lsetxattr(dst, name, val, 0); err != nil {
			warns = append(warns, fmt.Sprintf("cannot give the new output %s the extended attribute %s of %s: %v", dst, name, src, err))
		}
	}
	for _, name := range []string{aclAccess, aclDefault} {
		if slices.Contains(names, name) {
			continue
		}
		if err := unix.Lremovexattr(dst, name); err != nil && !errors.Is(err, unix.ENODATA) && !unsupported(err) {
			warns = append(warns, fmt.Sprintf("cannot remove from the new output %s the %s it inherited, which %s does not have: %v", dst, name, src, err))
		}
	}
	return warns
}

func unsupported(err error) bool {
	return errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS)
}

// listXattr returns the names of path's extended attributes.
func listXattr(path string) ([]string, error) {
	buf, err := sized(func(b []byte) (int, error) { return unix.Llistxattr(path, b) })
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range strings.Split(string(buf), "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// getXattr returns the value of path's extended attribute name.
func getXattr(path, name string) ([]byte, error) {
	return sized(func(b []byte) (int, error) { return unix.Lgetxattr(path, name, b) })
}

// sized calls get first for the size, then with a buffer of that size,
// again if the value grew meanwhile.
func sized(get func([]byte) (int, error)) ([]byte, error) {
	for {
		n, err := get(nil)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
		buf := make([]byte, n)
		n, err = get(buf)
		if errors.Is(err, unix.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
}
