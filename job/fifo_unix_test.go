//go:build unix

package job

import "syscall"

func mkfifoSys(path string) error { return syscall.Mkfifo(path, 0o644) }
