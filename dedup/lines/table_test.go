package lines

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkTable fails unless t holds exactly want and its occupied slots are in
// ascending key order, each at or after its home slot.
func checkTable(tb testing.TB, t *table, want map[uint64]int64) {
	tb.Helper()
	if t.len() != len(want) {
		tb.Fatalf("len %d, want %d", t.len(), len(want))
	}
	prev, n := uint64(0), 0
	for i, k := range t.keys {
		if k == 0 {
			continue
		}
		n++
		if k <= prev {
			tb.Fatalf("slot %d: key %#x after %#x", i, k, prev)
		}
		if i < t.home(k) {
			tb.Fatalf("slot %d: key %#x before its home %d", i, k, t.home(k))
		}
		prev = k
	}
	if n != t.n {
		tb.Fatalf("%d occupied slots, n = %d", n, t.n)
	}
	probes := 0
	for k, v := range want { // a sample: get is slow in a crowded table
		if got := t.get(k); got != v {
			tb.Fatalf("get(%#x) = %d, want %d", k, got, v)
		}
		if probes++; probes == 300 {
			break
		}
	}
	var keys []uint64
	t.each(0, math.MaxUint64, func(k uint64, v int64) bool {
		if want[k] != v {
			tb.Fatalf("each: %#x = %d, want %d", k, v, want[k])
		}
		keys = append(keys, k)
		return true
	})
	if len(keys) != len(want) || !slices.IsSorted(keys) {
		tb.Fatalf("each gave %d keys (sorted %v), want %d", len(keys), slices.IsSorted(keys), len(want))
	}
}

// keyGen returns n keys drawn by one of several distributions: uniform
// hashes, and clustered ones that defeat the even spread the table expects
// (all near the top, so the tail must grow; all near 0; all in one home).
func keyGen(r *rand.Rand, kind string, n int) []uint64 {
	ks := make([]uint64, n)
	for i := range ks {
		switch kind {
		case "uniform":
			ks[i] = r.Uint64()
		case "top":
			ks[i] = math.MaxUint64 - r.Uint64N(uint64(n)*4)
		case "bottom":
			ks[i] = r.Uint64N(uint64(n) * 4) // includes 0
		case "small range":
			ks[i] = 1<<40 + r.Uint64N(1<<20)
		}
	}
	return ks
}

func TestTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, kind := range []string{"uniform", "top", "bottom", "small range"} {
		for _, n := range []int{0, 1, 200, 5000} {
			var tb table
			want := map[uint64]int64{}
			for _, k := range keyGen(r, kind, n) {
				d := int64(1 + r.IntN(3))
				tb.add(k, d)
				want[k] += d
				// a repeated key: the count must add up
				if r.IntN(4) == 0 {
					tb.add(k, 1)
					want[k]++
				}
			}
			checkTable(t, &tb, want)
		}
	}
}

func TestTableBigCounts(t *testing.T) {
	var tb table
	want := map[uint64]int64{}
	for k := uint64(1); k < 600; k++ {
		tb.add(spread(k), 1)
		want[spread(k)] = 1
	}
	big := []uint64{spread(7), spread(300), 0}
	tb.add(big[0], math.MaxUint32-2) // 1 + 2³²-3: just below the marker
	want[big[0]] += math.MaxUint32 - 2
	tb.add(big[1], 1<<40) // over 32 bits
	want[big[1]] += 1 << 40
	tb.add(big[1], 5)
	want[big[1]] += 5
	tb.add(big[2], 1<<33) // key 0
	want[0] = 1 << 33
	checkTable(t, &tb, want)
	tb.add(big[0], 1) // reaches the marker value: moves to big
	want[big[0]]++
	tb.add(big[1], math.MaxInt64) // saturates
	want[big[1]] = math.MaxInt64
	for k := uint64(1000); k < 3000; k++ { // grow with big counts held
		tb.add(spread(k), 2)
		want[spread(k)] = 2
	}
	checkTable(t, &tb, want)
	var m table
	m.merge(&tb) // empty + big: the rebuild path
	m.merge(&tb)
	for k, v := range want {
		want[k] = satAdd(v, v)
	}
	checkTable(t, &m, want)
}

func TestTableEachRange(t *testing.T) {
	var tb table
	keys := []uint64{0, 1, 2, 10, 11, 1 << 63, math.MaxUint64 - 1, math.MaxUint64}
	for i, k := range keys {
		tb.add(k, int64(i+1))
	}
	cases := []struct {
		lo, hi uint64
		want   []uint64
	}{
		{0, math.MaxUint64, keys},
		{0, 0, []uint64{0}},
		{1, 10, []uint64{1, 2, 10}},
		{3, 9, nil},
		{11, 1 << 63, []uint64{11, 1 << 63}},
		{1<<63 + 1, math.MaxUint64, []uint64{math.MaxUint64 - 1, math.MaxUint64}},
		{math.MaxUint64, math.MaxUint64, []uint64{math.MaxUint64}},
		{10, 2, nil}, // lo > hi
	}
	for _, c := range cases {
		var got []uint64
		tb.each(c.lo, c.hi, func(k uint64, v int64) bool {
			got = append(got, k)
			return true
		})
		if !slices.Equal(got, c.want) {
			t.Errorf("each(%#x, %#x) = %#x, want %#x", c.lo, c.hi, got, c.want)
		}
	}
}

func TestTableMergeMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sizes := range [][2]int{{0, 0}, {0, 100}, {100, 0}, {5000, 100}, {5000, 3000}, {300, 4000}} {
		for _, kind := range []string{"uniform", "top", "bottom"} {
			var a, b table
			want := map[uint64]int64{}
			shared := keyGen(r, kind, 50)
			for i, n := range sizes {
				tb := &a
				if i == 1 {
					tb = &b
				}
				ks := append(keyGen(r, kind, n), shared[:min(n, 50)]...)
				for _, k := range ks {
					tb.add(k, 1)
					want[k]++
				}
			}
			a.merge(&b)
			checkTable(t, &a, want)
			a.merge(&a) // self: doubles
			for k := range want {
				want[k] *= 2
			}
			checkTable(t, &a, want)
		}
	}
}

func TestDocSet(t *testing.T) {
	var s docSet
	for doc := 0; doc < 3; doc++ {
		s.reset()
		for i := uint64(0); i < 1000; i++ {
			if !s.add(spread(i)) {
				t.Fatalf("doc %d: key %d not new", doc, i)
			}
			if s.add(spread(i)) {
				t.Fatalf("doc %d: key %d new twice", doc, i)
			}
		}
	}
	// the stamp wraps: slots stamped 2³² documents ago must not count
	var w docSet
	w.reset() // gen 1
	w.add(spread(5))
	w.gen = math.MaxUint32 // 2³²-2 documents later
	w.reset()
	if w.gen != 1 || !w.add(spread(5)) {
		t.Fatalf("after the stamp wrapped: gen %d, a key of an old document is not new", w.gen)
	}
}

// spread maps 1, 2, 3, … to keys spread over the uint64 range (Fibonacci
// hashing).
func spread(i uint64) uint64 { return i * 0x9e3779b97f4a7c15 }
