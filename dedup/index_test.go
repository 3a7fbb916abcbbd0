package dedup

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/dedup/minhash"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// TestBandIndex checks the index against a map over enough keys to merge
// every segment many times, with keys crowded at the ends of the range.
func TestBandIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x bandIndex
	want := map[uint64]uint32{}
	keys := []uint64{0, 1, ^uint64(0), ^uint64(0) - 1, 1 << 56, 1<<56 - 1}
	for i := 0; i < 300000; i++ {
		keys = append(keys, rng.Uint64())
	}
	for i := 0; i < 2000; i++ { // clustered keys defeat interpolation
		keys = append(keys, 0x42<<56|uint64(i)*3)
	}
	for i, k := range keys {
		if _, ok := want[k]; ok {
			continue
		}
		if _, ok := x.get(k); ok {
			t.Fatalf("key %#x found before it was put", k)
		}
		x.put(k, uint32(i))
		want[k] = uint32(i)
		if i%997 == 0 { // probe some absent neighbours
			for _, p := range []uint64{k + 1, k - 1, k ^ 1<<20} {
				if _, in := want[p]; !in {
					if _, ok := x.get(p); ok {
						t.Fatalf("absent key %#x found", p)
					}
				}
			}
		}
	}
	if x.len() != int64(len(want)) {
		t.Fatalf("len %d, want %d", x.len(), len(want))
	}
	for k, r := range want {
		got, ok := x.get(k)
		if !ok || got != r {
			t.Fatalf("get(%#x) = %d, %v; want %d", k, got, ok, r)
		}
	}
}

func TestSearch(t *testing.T) {
	keys := []uint64{3, 5, 9, 10, 11, 1000, 1 << 40, 1<<63 + 5, ^uint64(0)}
	for i, k := range keys {
		if j, ok := search(keys, k); !ok || j != i {
			t.Errorf("search(%d) = %d, %v; want %d", k, j, ok, i)
		}
	}
	for _, k := range []uint64{0, 4, 6, 12, 999, 1001, 1<<40 + 1, 1 << 63, ^uint64(0) - 1} {
		if _, ok := search(keys, k); ok {
			t.Errorf("search(%d) found an absent key", k)
		}
	}
	if _, ok := search(nil, 1); ok {
		t.Error("found a key in an empty slice")
	}
}

func TestMinMatches(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		k, m int
	}{{0.8, 128, 103}, {0.5, 128, 65}, {1, 128, 128}, {0.8, 1, 1}, {0.01, 10, 1}} {
		if got := minMatches(tc.t, tc.k); got != tc.m {
			t.Errorf("minMatches(%g, %d) = %d, want %d", tc.t, tc.k, got, tc.m)
		}
	}
}

// BenchmarkIndexMemory measures the in-memory LSH index: bytes of heap per
// document at 20 bands (target ≤ 256, so that 50 million documents fit in
// 16 GiB), and the time to look up and insert one document's band keys.
func BenchmarkIndexMemory(b *testing.B) {
	const docs, bands = 1_000_000, 20
	for i := 0; i < b.N; i++ {
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x := &bandIndex{}
		for d := 0; d < docs; d++ {
			for j := 0; j < bands; j++ {
				k := rng.Uint64()
				if _, ok := x.get(k); !ok {
					x.put(k, uint32(d))
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/docs, "heap-B/doc")
		b.ReportMetric(float64(x.bytes())/docs, "index-B/doc")
		runtime.KeepAlive(x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*docs), "ns/doc")
}

// TestExactJaccard agrees with minhash.Jaccard's brute force on real text.
func TestExactJaccard(t *testing.T) {
	docs := testcorpus.Fixture(t)
	for i := 0; i+1 < len(docs); i += 7 {
		a, b := docs[i].Text, docs[i+1].Text
		b2 := a[:len(a)/2] + b[:len(b)/3]
		for _, pair := range [][2]string{{a, b}, {a, b2}, {a, a}, {"", ""}, {"あ", "い"}, {"ｶﾞ", "ガ"}} {
			want := minhash.Jaccard(pair[0], pair[1], 5)
			if got := ExactJaccard(pair[0], pair[1], 5); math.Abs(got-want) > 1e-12 {
				t.Fatalf("ExactJaccard = %v, brute force %v", got, want)
			}
		}
	}
}
