package dedup

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// TestExactKeepsFirstCopy feeds the real fixture with every document repeated
// (copies interleaved out of order) and checks that exactly the first copy of
// each text survives, for several worker counts.
func TestExactKeepsFirstCopy(t *testing.T) {
	base := testcorpus.Fixture(t)
	var in []*pipeline.Document
	for i, d := range base {
		in = append(in, &pipeline.Document{ID: d.ID, Text: d.Text})
		if i%3 == 0 { // a copy later in the stream, with another id
			j := (i * 7) % len(base)
			in = append(in, &pipeline.Document{ID: fmt.Sprintf("copy-of-%s", base[j].ID), Text: base[j].Text})
		}
	}
	for _, workers := range []int{1, 3} {
		var got []string
		sink := pipeline.SinkFunc(func(ds []*pipeline.Document) error {
			for _, d := range ds {
				got = append(got, d.ID)
			}
			return nil
		})
		r := &pipeline.Runner{Stages: []pipeline.Stage{NewExact()}, Sink: sink, Workers: workers, BatchDocs: 5}
		st, err := r.Run(context.Background(), pipeline.FromSlice(in))
		if err != nil {
			t.Fatal(err)
		}
		// expected: first occurrence of every text, in input order
		seen := map[string]bool{}
		var want []string
		for _, d := range in {
			if !seen[d.Text] {
				seen[d.Text] = true
				want = append(want, d.ID)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("workers=%d: survivors differ:\n got %v\nwant %v", workers, got, want)
		}
		if drops := st.Stage(StageName).Dropped[ReasonExact]; drops != int64(len(in)-len(want)) || drops == 0 {
			t.Fatalf("drops = %d, want %d", drops, len(in)-len(want))
		}
	}
}

func TestKeyOf(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"吾輩は猫である。", "吾輩は猫である。", true},
		{"吾輩は猫である。", "吾輩は猫である", false},
		{"", "", true},
		{"が", "か\u3099", false}, // keys see bytes: normalize first
	}
	for _, c := range cases {
		if got := KeyOf(c.a) == KeyOf(c.b); got != c.same {
			t.Errorf("KeyOf(%q)==KeyOf(%q) = %v", c.a, c.b, got)
		}
	}
	// fixed value (sha256sum of the UTF-8 bytes, first 16 bytes): keys must never
	// change between versions, phased runs exchange them
	if got := fmt.Sprintf("%x", KeyOf("日本語")); got != "77710aedc74ecfa33685e33a6c7df5cc" {
		t.Errorf("KeyOf changed: %s", got)
	}
}

func BenchmarkExact(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	for i := 0; i < b.N; i++ {
		e := NewExact()
		for _, d := range docs {
			e.Process(d)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// TestKeyOfLarge: a huge text is hashed in pieces with the same result and
// without a full-size copy.
func TestKeyOfLarge(t *testing.T) {
	text := strings.Repeat("吾輩は猫である。名前はまだ無い。", 1<<16) // ~3 MB
	sum := sha256.Sum256([]byte(text))
	var want Key
	copy(want[:], sum[:16])
	if got := KeyOf(text); got != want {
		t.Fatalf("KeyOf = %x, want %x", got, want)
	}
	if got := KeyOf(text[:keyChunk]); got != KeyOf(string([]byte(text[:keyChunk]))) {
		t.Fatal("boundary")
	}
	allocs := testing.AllocsPerRun(3, func() { KeyOf(text) })
	var m1, m2 runtime.MemStats
	runtime.ReadMemStats(&m1)
	KeyOf(text)
	runtime.ReadMemStats(&m2)
	if grew := m2.TotalAlloc - m1.TotalAlloc; grew > 1<<20 {
		t.Errorf("KeyOf allocated %d bytes (%v allocs) for a %d-byte text", grew, allocs, len(text))
	}
}
