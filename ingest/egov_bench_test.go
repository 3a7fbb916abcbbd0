package ingest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// egovSharedLaws is the 31 real law files of the shared corpus, read in
// place when present (see ../shared/corpus/README.md).
const egovSharedLaws = "../../shared/corpus/gov/egov_xml/laws/*.xml"

// BenchmarkEgovLaw reads e-Gov law XML from memory into documents: the 31
// shared laws (15 MB) when present, else the committed testdata/egov files.
// Throughput is in XML bytes. Run it on one core:
// GOMAXPROCS=1 go test -run '^$' -bench EgovLaw -benchtime 3x ./ingest
func BenchmarkEgovLaw(b *testing.B) {
	files, _ := filepath.Glob(egovSharedLaws)
	if len(files) == 0 {
		b.Logf("%s absent: reading %s", egovSharedLaws, egovDir)
		files, _ = filepath.Glob(egovDir + "/*.xml")
	}
	var data [][]byte
	var size int64
	for _, p := range files {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		size += int64(len(d))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	docs := 0
	for b.Loop() {
		for i, d := range data {
			e := NewEgovLaw(bytes.NewReader(d), files[i], Input{})
			for {
				_, err := e.Next()
				if err == io.EOF {
					break
				}
				if err == nil {
					docs++
				}
			}
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
