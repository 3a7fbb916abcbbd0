//go:build !unix

package phases

// lockTask does nothing where flock is missing.
func lockTask(path string) (func(), error) { return func() {}, nil }
