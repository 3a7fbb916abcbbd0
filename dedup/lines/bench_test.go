package lines

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// benchCorpora returns the real Japanese texts the benchmarks run on: the
// 100 e-Gov pages of this package's fixture, and the 86 documents of the
// shared fixture (laws, Diet speeches, Aozora Bunko works).
func benchCorpora(b *testing.B) map[string][]string {
	var egov, mixed []string
	for _, p := range egovPages(b) {
		egov = append(egov, p.Text)
	}
	for _, d := range testcorpus.Fixture(b) {
		mixed = append(mixed, d.Text)
	}
	return map[string][]string{"egov": egov, "fixture": mixed}
}

func totalBytes(docs []string) (n int64) {
	for _, d := range docs {
		n += int64(len(d))
	}
	return n
}

// BenchmarkAddDocument counts a corpus into new Counts every iteration, so
// that it measures inserts and growth, not only increments; "all" counts
// every line, however long (MaxChars 1<<20), not only those of at most 200
// characters.
func BenchmarkAddDocument(b *testing.B) {
	corpora := benchCorpora(b)
	for _, name := range []string{"egov", "fixture"} {
		for _, o := range []struct {
			name string
			o    Options
		}{{"default", Options{MinFraction: 0.3}}, {"all", Options{MinFraction: 0.3, MaxChars: 1 << 20}}} {
			docs := corpora[name]
			b.Run(name+"/"+o.name, func(b *testing.B) {
				b.SetBytes(totalBytes(docs))
				b.ReportAllocs()
				for b.Loop() {
					c := NewCounts(o.o)
					for _, d := range docs {
						c.AddDocument(d)
					}
				}
			})
		}
	}
}

// BenchmarkStrip strips a corpus with a Tally: "few" with the lines in 30%
// of the e-Gov pages (3 keys, one line in 60 removed), "many" with every
// line in 2 or more documents (many keys and removals).
func BenchmarkStrip(b *testing.B) {
	docs := benchCorpora(b)["egov"]
	for _, o := range []struct {
		name string
		o    Options
	}{{"few", Options{MinFraction: 0.3}}, {"many", Options{MinDocs: 2}}} {
		c := NewCounts(o.o)
		for _, d := range docs {
			c.AddDocument(d)
		}
		set := c.Select()
		b.Run(o.name, func(b *testing.B) {
			b.SetBytes(totalBytes(docs))
			b.ReportAllocs()
			removed := 0
			for b.Loop() {
				var tl Tally
				for _, d := range docs {
					_, n := set.Strip(d, &tl)
					removed += n
				}
			}
			b.ReportMetric(float64(removed)/float64(b.N), "lines_removed/op")
		})
	}
}

// BenchmarkCountsMemory reports the heap bytes per distinct line held by
// Counts, and by a map[uint64]int64 for comparison, at the two ends of the
// table's load: 1,000,000 distinct keys (78% of the home slots full, just
// before growing) and 1,050,000 (just grown, 55% full).
func BenchmarkCountsMemory(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	keys := make([]uint64, 1_050_000)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for _, n := range []int{1_000_000, 1_050_000} {
		b.Run(fmt.Sprintf("Counts/%d", n), func(b *testing.B) {
			var per float64
			for b.Loop() {
				before := heap()
				c := NewCounts(Options{MinDocs: 2})
				for _, k := range keys[:n] {
					c.Add(k, 1)
				}
				per = float64(heap()-before) / float64(n)
				runtime.KeepAlive(c)
			}
			b.ReportMetric(per, "B/line")
		})
		b.Run(fmt.Sprintf("map/%d", n), func(b *testing.B) {
			var per float64
			for b.Loop() {
				before := heap()
				m := map[uint64]int64{}
				for _, k := range keys[:n] {
					m[k]++
				}
				per = float64(heap()-before) / float64(n)
				runtime.KeepAlive(m)
			}
			b.ReportMetric(per, "B/line")
		})
	}
}

// BenchmarkMerge merges two counts of a million keys each, half shared.
func BenchmarkMerge(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	mk := func(keys []uint64) *Counts {
		c := NewCounts(Options{MinDocs: 2})
		for _, k := range keys {
			c.Add(k, 1)
		}
		return c
	}
	shared := make([]uint64, 500_000)
	for i := range shared {
		shared[i] = r.Uint64()
	}
	own := func() []uint64 {
		ks := append([]uint64(nil), shared...)
		for range 500_000 {
			ks = append(ks, r.Uint64())
		}
		return ks
	}
	a0, b0 := own(), own()
	for b.Loop() {
		b.StopTimer()
		a, o := mk(a0), mk(b0)
		b.StartTimer()
		a.Merge(o)
		if a.Lines() != 1_500_000 {
			b.Fatalf("%d lines", a.Lines())
		}
	}
}
