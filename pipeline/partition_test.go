package pipeline

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPartition(t *testing.T) {
	cases := []struct {
		name    string
		weights []int64
		n       int
	}{
		{"even", []int64{10, 10, 10, 10}, 2},
		{"skewed", []int64{100, 1, 1, 1, 1, 1, 1, 50}, 3},
		{"more tasks than files", []int64{5, 5}, 4},
		{"zeros", []int64{0, 0, 0}, 2},
		{"trailing zero", []int64{3, 3, 0}, 2},
		{"huge", []int64{1 << 60, 1 << 60, 1 << 60}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := 0
			for i := 0; i < c.n; i++ {
				lo, hi, err := Partition(c.weights, i, c.n)
				if err != nil {
					t.Fatal(err)
				}
				if lo != next || hi < lo {
					t.Fatalf("task %d: [%d,%d) after %d", i, lo, hi, next)
				}
				next = hi
			}
			if next != len(c.weights) {
				t.Fatalf("covered %d of %d", next, len(c.weights))
			}
		})
	}
	if lo, hi, _ := Partition([]int64{10, 10, 10, 10}, 1, 2); lo != 2 || hi != 4 {
		t.Errorf("even split task 1 = [%d,%d)", lo, hi)
	}
	if _, _, err := Partition([]int64{1}, 2, 2); err == nil {
		t.Error("index out of range accepted")
	}
}

// TestPartitionAllExact pins plans small enough to check by hand.
func TestPartitionAllExact(t *testing.T) {
	cases := []struct {
		name    string
		weights []int64
		n       int
		want    []int
	}{
		// The old split by first byte left two of these tasks empty.
		{"one file each", []int64{99, 101, 99, 101}, 4, []int{0, 1, 2, 3, 4}},
		{"two tasks", []int64{99, 101, 99, 101}, 2, []int{0, 2, 4}},
		{"equal weights spread", []int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 4, []int{0, 3, 5, 8, 10}},
		{"all zero: by count", make([]int64, 10), 4, []int{0, 3, 5, 8, 10}},
		{"zeros spread around a weight", []int64{0, 0, 0, 5, 0, 0}, 3, []int{0, 2, 4, 6}},
		{"fewer files than tasks", []int64{5, 5}, 4, []int{0, 1, 1, 2, 2}},
		{"one file, two tasks", []int64{7}, 2, []int{0, 1, 1}},
		{"no files", nil, 3, []int{0, 0, 0, 0}},
		{"one task", []int64{3, 1, 4}, 1, []int{0, 3}},
		// the heavy first file bounds the largest slice; the small ones are
		// shared by the other tasks instead of all going to the second
		{"heavy first", []int64{100, 1, 1, 1, 1, 1, 1, 50}, 3, []int{0, 1, 7, 8}},
		{"largest weights", []int64{math.MaxInt64, math.MaxInt64}, 1, []int{0, 2}},
		{"largest weights, two tasks", []int64{math.MaxInt64, 1, math.MaxInt64}, 2, []int{0, 2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := PartitionAll(c.weights, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("PartitionAll(%v, %d) = %v, want %v", c.weights, c.n, got, c.want)
			}
			checkPlan(t, c.weights, c.n, got)
		})
	}
}

func TestPartitionAllErrors(t *testing.T) {
	cases := []struct {
		name    string
		weights []int64
		n       int
		want    string
	}{
		{"no tasks", []int64{1}, 0, "need at least 1"},
		{"negative tasks", []int64{1}, -3, "need at least 1"},
		{"negative weight", []int64{1, -1}, 2, "item 1: negative weight -1"},
		{"total overflows", []int64{math.MaxInt64, math.MaxInt64, 2}, 3, "exceeds 2^64-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := PartitionAll(c.weights, c.n); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			if c.n >= 1 {
				if _, _, err := Partition(c.weights, 0, c.n); err == nil {
					t.Error("Partition accepted it")
				}
			}
		})
	}
}

// TestPartitionAllDistributions checks every guarantee on realistic inputs:
// contiguity and coverage, the largest slice at most total/n + the largest
// item and optimal, no empty task when there are at least n items, one item
// at most per task when there are fewer, Partition agreeing with PartitionAll,
// and the same plan on every call.
func TestPartitionAllDistributions(t *testing.T) {
	dists := []struct {
		name string
		gen  func(r *rand.Rand, m int) []int64
	}{
		{"uniform", uniformWeights},
		{"log-normal", logNormalWeights},
		{"similar", similarWeights},
		{"one huge plus small", oneHugeWeights},
		{"many zeros", manyZeroWeights},
		{"ascending", func(r *rand.Rand, m int) []int64 { w := logNormalWeights(r, m); slices.Sort(w); return w }},
		{"descending", func(r *rand.Rand, m int) []int64 {
			w := logNormalWeights(r, m)
			slices.Sort(w)
			slices.Reverse(w)
			return w
		}},
	}
	sizes := []struct{ m, n int }{
		{1000, 1}, {1000, 7}, {1000, 100}, {1000, 999}, {1000, 1000},
		{5000, 300}, {300, 1000}, {10, 64}, // fewer files than tasks
	}
	for di, d := range dists {
		for _, s := range sizes {
			r := rand.New(rand.NewPCG(uint64(di), uint64(s.m*7919+s.n)))
			w := d.gen(r, s.m)
			got, err := PartitionAll(w, s.n)
			if err != nil {
				t.Fatalf("%s m=%d n=%d: %v", d.name, s.m, s.n, err)
			}
			checkPlan(t, w, s.n, got)
			if again, _ := PartitionAll(slices.Clone(w), s.n); !slices.Equal(again, got) {
				t.Errorf("%s m=%d n=%d: second plan differs", d.name, s.m, s.n)
			}
			for _, i := range []int{0, s.n / 2, s.n - 1} {
				if lo, hi, err := Partition(w, i, s.n); err != nil || lo != got[i] || hi != got[i+1] {
					t.Errorf("%s m=%d n=%d: Partition(%d) = [%d,%d) %v, plan [%d,%d)", d.name, s.m, s.n, i, lo, hi, err, got[i], got[i+1])
				}
			}
		}
	}
}

// TestPartitionNoEmptyTask is the case that motivated the balanced split:
// 1,000 files of similar size over 1,000 tasks left 21 tasks empty.
func TestPartitionNoEmptyTask(t *testing.T) {
	w := similarWeights(rand.New(rand.NewPCG(1, 2)), 1000)
	for i := range 1000 {
		lo, hi, err := Partition(w, i, 1000)
		if err != nil || lo != i || hi != i+1 {
			t.Fatalf("task %d: [%d,%d) %v, want [%d,%d)", i, lo, hi, err, i, i+1)
		}
	}
}

// TestPartitionAllOptimal compares the largest slice with an exact dynamic
// program on small random inputs of every shape.
func TestPartitionAllOptimal(t *testing.T) {
	gens := []func(r *rand.Rand, m int) []int64{uniformWeights, logNormalWeights, oneHugeWeights, manyZeroWeights,
		func(r *rand.Rand, m int) []int64 { // small integers: many ties
			w := make([]int64, m)
			for i := range w {
				w[i] = r.Int64N(4)
			}
			return w
		},
		func(r *rand.Rand, m int) []int64 { // weights times task counts overflow 64 bits
			w := make([]int64, m)
			for i := range w {
				w[i] = math.MaxInt64/6 - r.Int64N(1000)
			}
			return w
		}}
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 3000 {
		gen := gens[round%len(gens)]
		w := gen(r, r.IntN(13))
		n := 1 + r.IntN(10)
		got, err := PartitionAll(w, n)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, w, n, got)
		if largest, want := largestSlice(w, got), exactLargest(w, n); largest != want {
			t.Fatalf("PartitionAll(%v, %d) = %v: largest slice %d, optimum %d", w, n, got, largest, want)
		}
	}
}

// checkPlan checks the guarantees of PartitionAll on one plan.
func checkPlan(t *testing.T, w []int64, n int, b []int) {
	t.Helper()
	m := len(w)
	if len(b) != n+1 || b[0] != 0 || b[n] != m {
		t.Fatalf("n=%d m=%d: bounds %v do not tile [0, %d)", n, m, b, m)
	}
	for i := range n {
		if b[i+1] < b[i] {
			t.Fatalf("task %d: [%d,%d) decreasing", i, b[i], b[i+1])
		}
		if size := b[i+1] - b[i]; m >= n && size == 0 || m < n && size > 1 {
			t.Fatalf("n=%d m=%d: task %d has %d items", n, m, i, size)
		}
	}
	var total, maxItem uint64
	for _, x := range w {
		total += uint64(x)
		maxItem = max(maxItem, uint64(x))
	}
	largest := largestSlice(w, b)
	if largest < maxItem || largest-maxItem > total/uint64(n) {
		t.Fatalf("n=%d m=%d: largest slice %d > total/n %d + largest item %d", n, m, largest, total/uint64(n), maxItem)
	}
	// optimal: no split has a largest slice below it, i.e. packing
	// greedily under largest-1 needs more than n slices
	if largest > maxItem && greedySlices(w, largest-1) <= n {
		t.Fatalf("n=%d m=%d: largest slice %d, but %d fits too", n, m, largest, largest-1)
	}
}

func largestSlice(w []int64, b []int) uint64 {
	var largest uint64
	for i := range len(b) - 1 {
		var s uint64
		for _, x := range w[b[i]:b[i+1]] {
			s += uint64(x)
		}
		largest = max(largest, s)
	}
	return largest
}

// greedySlices counts the slices of weight at most bound that packing from
// the left opens; bound is at least every weight.
func greedySlices(w []int64, bound uint64) int {
	count := 0
	var cur uint64
	for i, x := range w {
		if i == 0 || cur+uint64(x) > bound {
			count++
			cur = 0
		}
		cur += uint64(x)
	}
	return count
}

// exactLargest returns the smallest largest slice over all splits of w into
// n contiguous (possibly empty) slices: best[k][j] is the optimum for the
// first j items in k slices, in O(n·m²).
func exactLargest(w []int64, n int) uint64 {
	m := len(w)
	prefix := make([]uint64, m+1)
	for i, x := range w {
		prefix[i+1] = prefix[i] + uint64(x)
	}
	best := make([]uint64, m+1)
	for j := 1; j <= m; j++ {
		best[j] = math.MaxUint64 // no item fits in zero slices
	}
	for range n {
		next := make([]uint64, m+1)
		for j := range next {
			next[j] = math.MaxUint64
			for i := 0; i <= j; i++ {
				next[j] = min(next[j], max(best[i], prefix[j]-prefix[i]))
			}
		}
		best = next
	}
	return best[m]
}

// uniformWeights: sizes uniform in [1 B, 200 MB).
func uniformWeights(r *rand.Rand, m int) []int64 {
	w := make([]int64, m)
	for i := range w {
		w[i] = 1 + r.Int64N(200e6)
	}
	return w
}

// logNormalWeights: typical crawl shards, median ~65 MB, a long tail of
// large files.
func logNormalWeights(r *rand.Rand, m int) []int64 {
	w := make([]int64, m)
	for i := range w {
		w[i] = int64(math.Exp(18 + 1.5*r.NormFloat64()))
	}
	return w
}

// similarWeights: 1 MB ± 10%.
func similarWeights(r *rand.Rand, m int) []int64 {
	w := make([]int64, m)
	for i := range w {
		w[i] = 900_000 + r.Int64N(200_001)
	}
	return w
}

// oneHugeWeights: one file of 1 TB among files of up to 1 MB.
func oneHugeWeights(r *rand.Rand, m int) []int64 {
	w := make([]int64, m)
	for i := range w {
		w[i] = r.Int64N(1e6)
	}
	if m > 0 {
		w[r.IntN(m)] = 1e12
	}
	return w
}

// manyZeroWeights: 70% empty files, the rest log-normal.
func manyZeroWeights(r *rand.Rand, m int) []int64 {
	w := logNormalWeights(r, m)
	for i := range w {
		if r.IntN(10) < 7 {
			w[i] = 0
		}
	}
	return w
}

func BenchmarkPartition(b *testing.B) {
	w := logNormalWeights(rand.New(rand.NewPCG(3, 5)), 100_000)
	for b.Loop() {
		if _, _, err := Partition(w, 500, 1000); err != nil {
			b.Fatal(err)
		}
	}
}
