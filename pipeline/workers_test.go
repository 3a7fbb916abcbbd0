package pipeline

import (
	"runtime"
	"testing"
)

// TestEffectiveWorkersFollowsGOMAXPROCS: on a batch node the CPU quota of
// the cgroup (GOMAXPROCS), not the machine's core count, sets the default.
func TestEffectiveWorkersFollowsGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if n := EffectiveWorkers(0); n != 1 {
		t.Errorf("EffectiveWorkers(0) = %d with GOMAXPROCS 1", n)
	}
	if n := EffectiveWorkers(3); n != 3 {
		t.Errorf("EffectiveWorkers(3) = %d", n)
	}
}
