package dedup

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/internal/workfile"
	"github.com/jacorpus/jacorpus/pipeline"
)

// writeRawIndex writes a one-part saved index whose part holds payload.
func writeRawIndex(t testing.TB, dir string, o NearOptions, payload []byte) {
	t.Helper()
	w, err := workfile.Create(filepath.Join(dir, "part-00000.wf"), kindIndexPart, o.IndexParams())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(payload)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := WriteInfo(dir, IndexInfo{Params: o.IndexParams(), Parts: 1}); err != nil {
		t.Fatal(err)
	}
}

// FuzzLoadIndex: a part with any payload (behind valid checksums) loads or
// fails with an error, never a panic or an absurd allocation.
func FuzzLoadIndex(f *testing.F) {
	o := nearOn()
	o.Permutations, o.Bands, o.Rows = 4, 2, 2
	var good []byte
	u64 := func(v uint64) { good = binary.LittleEndian.AppendUint64(good, v) }
	u64(2)
	u64(5)
	u64(1)
	u64(9)
	u64(2)
	u64(1)
	u64(1)
	good = append(good, 1, 0, 2, 0, 3, 0, 4, 0)
	u64(2)
	good = append(good, 1, 0, 2, 0, 3, 0, 4, 0)
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, payload []byte) {
		dir := t.TempDir()
		writeRawIndex(t, dir, o, payload)
		s, err := LoadIndex(dir, o, nil)
		if err == nil && s.Has(5) && s.Info.Parts != 1 {
			t.Fatal("inconsistent index")
		}
		if _, err := PartEntries(filepath.Join(dir, "part-00000.wf")); err == nil && len(payload) < 16 {
			t.Fatalf("a %d-byte part passed the check", len(payload))
		}
		os.RemoveAll(dir)
	})
}

// TestSavedIndexRoundTrip: what Near saves loads back with every key.
func TestSavedIndexRoundTrip(t *testing.T) {
	o := nearOn()
	o.Permutations, o.Bands, o.Rows = 8, 4, 2
	n, err := NewNear(o)
	if err != nil {
		t.Fatal(err)
	}
	sig := []uint32{1, 2, 3, 4, 5, 6, 7, 8}
	for d := uint64(0); d < 1000; d++ {
		n.Seen(pipeline.Key(d), "", sig, []uint64{d * 4, d*4 + 1, d*4 + 2, d*4 + 3})
	}
	dir := t.TempDir()
	if err := n.WriteIndex(dir); err != nil {
		t.Fatal(err)
	}
	s, err := LoadIndex(dir, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := uint64(0); k < 4000; k++ {
		if found, similar := s.Similar(k, Compact(sig, nil), o); !found || !similar {
			t.Fatalf("key %d: found %v similar %v", k, found, similar)
		}
	}
	if s.Has(4000) || s.Info.Entries != 4000 {
		t.Fatalf("index info %+v", s.Info)
	}
	half, err := LoadIndex(dir, o, func(k uint64) bool { return k%2 == 0 })
	if err != nil || half.Has(1) || !half.Has(2) {
		t.Fatalf("filtered load: %v", err)
	}
}

// BenchmarkLoadIndex measures a saved index loaded for `against`: heap
// bytes kept per document (16 bands, 128 signature values) and the peak.
func BenchmarkLoadIndex(b *testing.B) {
	const docs = 300_000
	o := nearOn()
	n, err := NewNear(o)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	sig := make([]uint32, o.Permutations)
	bands := make([]uint64, 16)
	for d := 0; d < docs; d++ {
		for i := range sig {
			sig[i] = rng.Uint32()
		}
		for i := range bands {
			bands[i] = rng.Uint64()
		}
		n.Seen(pipeline.Key(d), "", sig, bands)
	}
	dir := b.TempDir()
	if err := n.WriteIndex(dir); err != nil {
		b.Fatal(err)
	}
	n = nil
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := LoadIndex(dir, o, nil)
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		peak := after.TotalAlloc - before.TotalAlloc
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/docs, "kept-B/doc")
		b.ReportMetric(float64(peak)/docs, "allocated-B/doc")
		b.ReportMetric(float64(s.idx.bytes()+s.sigs.bytes())/docs, "index+sig-B/doc")
		runtime.KeepAlive(s)
	}
}
