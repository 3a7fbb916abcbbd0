package job

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
)

// BenchmarkWARCExtract: WARC to main text, the reader and the extract stage
// on one goroutine, in MB/s of compressed WARC and pages/s, with and
// without the Japanese pre-screen. "ja" is the shared Japanese WARC
// (3,873 pages); "mix" adds to it the HTML pages of this machine's Debian
// documentation (/usr/share/doc, English) as response records, so that
// most of its bytes are not Japanese, as in a Common Crawl WARC. Skipped
// when the shared corpus is absent.
func BenchmarkWARCExtract(b *testing.B) {
	shared := "../../shared/corpus/web/ja_real_payloads.warc.gz"
	ja, err := os.ReadFile(shared)
	if err != nil {
		b.Skipf("%s: %v", shared, err)
	}
	mix := append(bytes.Clone(ja), foreignWARC(b)...)
	for _, set := range []struct {
		name string
		data []byte
	}{{"ja", ja}, {"mix", mix}} {
		path := filepath.Join(b.TempDir(), set.name+".warc.gz")
		if err := os.WriteFile(path, set.data, 0o644); err != nil {
			b.Fatal(err)
		}
		for _, pre := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/prescreen=%v", set.name, pre), func(b *testing.B) {
				c := extract.Default()
				c.PreScreen = pre
				b.SetBytes(int64(len(set.data)))
				pages, kept := 0, 0
				for i := 0; i < b.N; i++ {
					files, err := ingest.Expand([]ingest.Input{{Path: path}})
					if err != nil {
						b.Fatal(err)
					}
					src := ingest.NewSource(files, []ingest.Input{{Path: path}})
					for {
						d, err := src.Next(context.Background())
						if err == io.EOF {
							break
						}
						if err != nil {
							continue
						}
						if p, ok := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page); ok {
							pages++
							if _, reason := c.Page(p, d.URL); reason == "" {
								kept++
							}
						}
					}
				}
				b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
				b.ReportMetric(float64(kept)/float64(max(pages, 1)), "kept/page")
			})
		}
	}
}

// foreignWARC returns WARC response records, one gzip member each, of the
// HTML files under /usr/share/doc (none: the benchmark mixes nothing in).
func foreignWARC(b *testing.B) []byte {
	var paths []string
	filepath.WalkDir("/usr/share/doc", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".html" {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	var out bytes.Buffer
	for i, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		http := append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"), body...)
		zw := gzip.NewWriter(&out)
		fmt.Fprintf(zw, "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: file://%s\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"+
			"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n",
			p, i, len(http))
		zw.Write(http)
		zw.Write([]byte("\r\n\r\n"))
		zw.Close()
	}
	if len(paths) == 0 {
		b.Log("no HTML under /usr/share/doc: the mix is the Japanese WARC alone")
	}
	return out.Bytes()
}
