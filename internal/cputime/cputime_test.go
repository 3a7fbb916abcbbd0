package cputime

import (
	"testing"
	"time"
)

// Busy work raises the CPU time.
func TestSeconds(t *testing.T) {
	s0 := Seconds()
	if s0 <= 0 {
		t.Fatalf("Seconds() = %v at start, want > 0", s0)
	}
	x := uint64(1)
	for start := time.Now(); Seconds()-s0 < 0.05; {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("10 s of busy work added %.3f s of CPU time", Seconds()-s0)
		}
		for i := 0; i < 1e6; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	if x == 0 {
		t.Log(x)
	}
}
