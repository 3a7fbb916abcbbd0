//go:build !linux

package commit

// exchange is not available here: Commit falls back to two renames.
func exchange(a, b string) error { return errNoExchange }

// copyXattrs does not copy extended attributes here.
func copyXattrs(src, dst string) []string { return nil }

// isMountRoot is not known here; the device comparison still catches a
// mount of another file system.
func isMountRoot(path string) bool { return false }
