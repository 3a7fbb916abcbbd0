// Package cputime reads the process's CPU time, for throughput per core
// figures that stay fair on a shared machine.
package cputime

// Seconds returns the user and system CPU time the process has used so far,
// summed over its threads; 0 where the system does not tell.
func Seconds() float64 { return seconds() }
