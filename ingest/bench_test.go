package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
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

// kokkaiSamplesDir holds the six original API responses (2 MB); the
// benchmark falls back to the cuts in testdata when it is absent.
const kokkaiSamplesDir = "../../shared/corpus/gov/kokkai_api_samples"

// BenchmarkKokkai reads saved API responses from memory, JSON and XML
// separately; throughput is in bytes of the responses.
func BenchmarkKokkai(b *testing.B) {
	dir := kokkaiSamplesDir
	if _, err := os.Stat(dir); err != nil {
		b.Logf("%s absent (%v): using the cuts in %s", dir, err, kokkaiDir)
		dir = kokkaiDir
	}
	for _, ext := range []string{".json", ".xml"} {
		b.Run(ext[1:], func(b *testing.B) {
			files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
			var data [][]byte
			var size int64
			for _, f := range files {
				d := mustRead(b, f)
				data = append(data, d)
				size += int64(len(d))
			}
			if len(data) == 0 {
				b.Skip("no files")
			}
			b.SetBytes(size)
			b.ReportAllocs()
			docs := 0
			b.ResetTimer()
			for b.Loop() {
				for i, d := range data {
					k := NewKokkai(bytes.NewReader(d), files[i], Input{SpeakerMarker: SpeakerMarkerStrip})
					for {
						doc, err := k.Next()
						if err == io.EOF {
							break
						}
						var p *pipeline.Problem
						if err != nil && !errors.As(err, &p) {
							b.Fatal(err)
						}
						if doc != nil {
							docs++
						}
					}
				}
			}
			b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
