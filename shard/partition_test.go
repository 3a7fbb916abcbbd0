package shard

import (
	"fmt"
	"math/rand"
	"testing"
)

// spread returns the largest minus the smallest part sum of cuts.
func spread(weights []uint32, cuts []int) int64 {
	lo, hi := int64(-1), int64(0)
	for i := 0; i+1 < len(cuts); i++ {
		var s int64
		for _, w := range weights[cuts[i]:cuts[i+1]] {
			s += int64(w)
		}
		if lo < 0 || s < lo {
			lo = s
		}
		hi = max(hi, s)
	}
	return hi - lo
}

func checkCuts(t *testing.T, weights []uint32, parts int, cuts []int) {
	t.Helper()
	if len(cuts) != parts+1 || cuts[0] != 0 || cuts[parts] != len(weights) {
		t.Fatalf("%v into %d: cuts %v", weights, parts, cuts)
	}
	for i := 0; i < parts; i++ {
		if cuts[i+1] < cuts[i] || (len(weights) >= parts && cuts[i+1] == cuts[i]) {
			t.Fatalf("%v into %d: cuts %v leave a part empty or reversed", weights, parts, cuts)
		}
	}
}

// bruteSpread is the smallest spread over every contiguous partition.
func bruteSpread(weights []uint32, parts int) int64 {
	best := int64(-1)
	var rec func(start, k int, cuts []int)
	rec = func(start, k int, cuts []int) {
		if k == parts-1 {
			c := append(append([]int(nil), cuts...), len(weights))
			if s := spread(weights, c); best < 0 || s < best {
				best = s
			}
			return
		}
		for p := start + 1; p <= len(weights)-(parts-1-k); p++ {
			rec(p, k+1, append(cuts, p))
		}
	}
	rec(0, 0, []int{0})
	return best
}

// TestPartitionBound is the bound's proof by exhaustion on small cases and
// by sampling on large ones: the spread never exceeds the largest weight
// (and brute force confirms that a partition within it always exists).
func TestPartitionBound(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 20000; trial++ {
		n := 1 + rng.Intn(11)
		parts := 1 + rng.Intn(min(n, 6))
		w := make([]uint32, n)
		maxW := 1 + rng.Intn(50)
		var wmax int64
		for i := range w {
			w[i] = uint32(rng.Intn(maxW + 1)) // zeros too
			wmax = max(wmax, int64(w[i]))
		}
		cuts := Partition(w, parts)
		checkCuts(t, w, parts, cuts)
		got := spread(w, cuts)
		if got > wmax && wmax > 0 {
			t.Fatalf("%v into %d: spread %d > largest weight %d (cuts %v; best %d)", w, parts, got, wmax, cuts, bruteSpread(w, parts))
		}
		if best := bruteSpread(w, parts); best > wmax {
			t.Fatalf("%v into %d: no contiguous partition within the largest weight (best %d)", w, parts, best)
		}
	}
	// large: heavy-tailed document lengths, many parts
	for _, tc := range []struct{ n, parts int }{{1000, 8}, {100000, 64}, {200000, 1024}, {5000, 4999}} {
		w := make([]uint32, tc.n)
		var wmax int64
		for i := range w {
			w[i] = uint32(1 + rng.ExpFloat64()*800)
			if rng.Intn(500) == 0 {
				w[i] *= 40 // a few long documents
			}
			wmax = max(wmax, int64(w[i]))
		}
		cuts := Partition(w, tc.parts)
		checkCuts(t, w, tc.parts, cuts)
		if got := spread(w, cuts); got > wmax {
			t.Errorf("n %d parts %d: spread %d > largest weight %d", tc.n, tc.parts, got, wmax)
		}
	}
}

// TestPartitionEdges: fewer documents than parts, no weight, one part.
func TestPartitionEdges(t *testing.T) {
	tests := []struct {
		w     []uint32
		parts int
		want  string
	}{
		{nil, 3, "[0 0 0 0]"},
		{[]uint32{5, 6}, 4, "[0 1 2 2 2]"},
		{[]uint32{0, 0, 0, 0}, 2, "[0 2 4]"},
		{[]uint32{3, 1, 4, 1, 5}, 1, "[0 5]"},
		{[]uint32{10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, "[0 1 11]"},
		{[]uint32{1, 1, 1, 1, 1, 1, 1, 1}, 4, "[0 2 4 6 8]"},
	}
	for _, tc := range tests {
		if got := fmt.Sprint(Partition(tc.w, tc.parts)); got != tc.want {
			t.Errorf("Partition(%v, %d) = %s, want %s", tc.w, tc.parts, got, tc.want)
		}
	}
}

func BenchmarkPartition(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	w := make([]uint32, 1_000_000)
	for i := range w {
		w[i] = uint32(1 + rng.ExpFloat64()*800)
	}
	for b.Loop() {
		Partition(w, 1024)
	}
}
