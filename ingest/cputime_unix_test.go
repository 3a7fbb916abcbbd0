//go:build unix

package ingest

import (
	"syscall"
	"time"
)

// cpuSeconds is the process's user and system CPU time (0 if unknown).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
