package tokenize

import (
	"runtime"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// TestMemoryBounded: a 20 MB document is analysed in pieces, so counting
// it allocates a few MB whatever its size (the lattice of one piece), and
// its wakati form costs the output and little more. It also runs with and
// without line breaks (a document of one huge line is cut inside lines).
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 40 MB")
	}
	var sb strings.Builder
	docs := testcorpus.Fixture(t)
	for sb.Len() < 20<<20 {
		for _, d := range docs {
			sb.WriteString(d.Text)
			sb.WriteString("\n")
		}
	}
	text := sb.String()
	oneLine := strings.ReplaceAll(text, "\n", "")
	tk, err := New(DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	tk.Count(docs[0].Text) // warm up: the dictionary and the lattice
	allocated := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	for name, s := range map[string]string{"lines": text, "one line": oneLine} {
		var n int
		if a := allocated(func() { n = tk.Count(s) }); a > 16<<20 || n < len(s)/10 {
			t.Errorf("%s: counting %d MB allocated %d MB (%d morphemes)", name, len(s)>>20, a>>20, n)
		}
		var w []byte
		if a := allocated(func() { n, w = tk.CountWakati(nil, s) }); a > uint64(3*len(s)) || len(w) < len(s) {
			t.Errorf("%s: wakati of %d MB allocated %d MB for %d MB of output", name, len(s)>>20, a>>20, len(w)>>20)
		}
	}
}
