package job

import (
	"bufio"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
)

// BenchmarkScaling runs the default job (tokenize on) over about 30 MB of
// real text (Diet speeches and Aozora works from ../shared/corpus) with one
// worker on one core, then two workers on two cores, and reports each
// one's MB/s of text; the second also reports speedup, the ratio of the two
// (issue 9's target: >= 1.8). Skipped when the corpus is absent.
//
//	go test -run '^$' -bench Scaling -benchtime 2x ./job
func BenchmarkScaling(b *testing.B) {
	dir := b.TempDir()
	var inputs []ingest.Input
	for _, f := range []struct {
		src   string
		bytes int
	}{{"gov/diet_speeches.jsonl.gz", 20 << 20}, {"literature/aozora_pd.part1.jsonl.gz", 10 << 20}} {
		path := filepath.Join(dir, filepath.Base(f.src[:len(f.src)-3]))
		if err := headLines(filepath.Join("../../shared/corpus", f.src), path, f.bytes); err != nil {
			b.Skipf("shared corpus: %v", err)
		}
		inputs = append(inputs, ingest.Input{Path: path})
	}
	var first float64
	for _, w := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+w)), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(w))
			var text int64
			for i := 0; i < b.N; i++ {
				cfg := Default()
				cfg.Inputs = inputs
				cfg.Workers = w
				cfg.Output.Dir = filepath.Join(b.TempDir(), "out")
				res, err := Run(context.Background(), cfg, Options{})
				if err != nil {
					b.Fatal(err)
				}
				text = res.Stats.Stage(pipeline.IngestStage).BytesOut
			}
			mbs := float64(text) * float64(b.N) / 1e6 / b.Elapsed().Seconds()
			b.ReportMetric(mbs, "MB/s")
			if w == 1 {
				first = mbs
			} else if first > 0 {
				b.ReportMetric(mbs/first, "speedup")
			}
		})
	}
}

// headLines writes the whole lines of the gzip file src that fit in n bytes
// to dst.
func headLines(src, dst string, n int) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	written := 0
	for sc.Scan() && written+len(sc.Bytes())+1 <= n {
		w.Write(sc.Bytes())
		w.WriteByte('\n')
		written += len(sc.Bytes()) + 1
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return w.Flush()
}
