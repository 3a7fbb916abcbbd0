package shard

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// BenchmarkWriter writes the fixture (repeated 8 times, about 3.9 MB of
// text) into 1 MiB shards per iteration, Parquet and Arrow IPC, with one
// encoder and with two
// (run with GOMAXPROCS=1 for the per-core figure, =2 for the speedup).
func BenchmarkWriter(b *testing.B) {
	for _, f := range []Format{FormatParquet, FormatArrow} {
		for _, enc := range []int{1, 2} {
			b.Run(string(f)+"/encoders="+strconv.Itoa(enc), func(b *testing.B) { benchWriter(b, f, enc) })
		}
	}
}

func benchWriter(b *testing.B, format Format, encoders int) {
	fixture := loadFixture(b)
	var docs []*pipeline.Document
	var textBytes int64
	for rep := range 8 {
		for _, d := range fixture {
			c := *d
			c.ID = d.ID + "#" + strconv.Itoa(rep)
			docs = append(docs, &c)
			textBytes += int64(len(c.Text))
		}
	}
	base := b.TempDir()
	b.SetBytes(textBytes)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dir := filepath.Join(base, strconv.Itoa(i))
		i++
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		w, err := NewWriter(Options{Dir: dir, MaxBytes: 1 << 20, RowGroupBytes: 128 << 10, Encoders: encoders, Format: format})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < len(docs); j += 256 {
			if err := w.Write(docs[j:min(j+256, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(docs))*float64(i)/b.Elapsed().Seconds(), "docs/s")
}
