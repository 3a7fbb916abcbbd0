package ingest

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkJSONL decodes the gzip-compressed Diet speeches; throughput is
// in decompressed bytes.
func BenchmarkJSONL(b *testing.B) {
	gz := mustRead(b, speechesPath)
	b.SetBytes(int64(len(gunzip(b, gz))))
	b.ReportAllocs()
	docs := 0
	for b.Loop() {
		rc, err := Open(speechesPath)
		if err != nil {
			b.Fatal(err)
		}
		j := NewJSONL(rc, speechesPath, Input{})
		for {
			_, err := j.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
		rc.Close()
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkJSONLPlain decodes the same records uncompressed from memory, to
// see the parsing cost alone.
func BenchmarkJSONLPlain(b *testing.B) {
	data := gunzip(b, mustRead(b, speechesPath))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	docs := 0
	for b.Loop() {
		j := NewJSONL(bytes.NewReader(data), speechesPath, Input{})
		for {
			_, err := j.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
