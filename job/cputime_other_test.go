//go:build !unix

package job

// cpuSeconds is unknown here: BenchmarkE2E reports no MB/s/core.
func cpuSeconds() float64 { return 0 }
