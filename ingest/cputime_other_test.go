//go:build !unix

package ingest

// cpuSeconds is unknown here: the per-CPU-second metrics are left out.
func cpuSeconds() float64 { return 0 }
