package ingest

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLongRecord reads one 40 MB record (a JSON line with escapes, a
// whole-file text of many lines, a text of one line), spilled to the
// temporary file and read back; throughput is in record bytes.
func BenchmarkLongRecord(b *testing.B) {
	unit := string(mustRead(b, aozoraDir+"/45209_ruby_29695.txt"))
	quoted, err := json.Marshal(unit)
	if err != nil {
		b.Fatal(err)
	}
	const size = 40_000_000
	cases := []struct {
		name string
		in   Input
		data string
	}{
		{"jsonl", Input{Format: FormatJSONL}, `{"id":"long","text":"` + strings.Repeat(string(quoted[1:len(quoted)-1]), size/len(quoted)+1) + `"}` + "\n"},
		{"text", Input{Format: FormatText}, strings.Repeat(unit, size/len(unit)+1)},
		{"text-one-line", Input{Format: FormatText}, strings.Repeat("吾輩は猫である。", size/24+1)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.in.Path = filepath.Join(b.TempDir(), "long")
			if err := os.WriteFile(c.in.Path, []byte(c.data), 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.data)))
			files := []File{{Path: c.in.Path, Name: "long"}}
			for b.Loop() {
				src := NewSource(files, []Input{c.in})
				n := 0
				for {
					d, err := src.Next(b.Context())
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n += len(d.Text)
				}
				if n < size*9/10 {
					b.Fatalf("read %d bytes", n)
				}
			}
		})
	}
}
