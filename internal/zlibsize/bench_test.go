package zlibsize

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// BenchmarkLen measures Len per fixture document (86 real Japanese
// documents, 489 KB), as a filter calls it.
func BenchmarkLen(b *testing.B) {
	docs := testcorpus.Fixture(b)
	texts := make([][]byte, len(docs))
	for i, d := range docs {
		texts[i] = []byte(d.Text)
	}
	for _, lvl := range []int{1, 6, 9} {
		b.Run(fmt.Sprintf("level%d", lvl), func(b *testing.B) {
			b.SetBytes(testcorpus.TextBytes(docs))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, t := range texts {
					Len(t, lvl)
				}
			}
		})
	}
}

// BenchmarkStdlibFlate is Go's compress/flate on the same documents, for
// comparison only (its sizes differ from zlib's).
func BenchmarkStdlibFlate(b *testing.B) {
	docs := testcorpus.Fixture(b)
	var buf bytes.Buffer
	w, _ := flate.NewWriter(io.Discard, 9)
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			buf.Reset()
			w.Reset(&buf)
			io.WriteString(w, d.Text)
			w.Close()
		}
	}
}
