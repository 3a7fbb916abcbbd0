package job

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/cputime"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// BenchmarkStageCost measures the CPU seconds per MB of text (10^6 bytes
// entering the stage) of every stage on one goroutine over the shared
// corpus (../shared/corpus), the rates phases.Estimate's constants come
// from. The CPU time is the process's (the garbage collector included), so
// run it on an otherwise idle machine:
//
//	go test -run '^$' -bench StageCost -benchtime 1x ./job
//
// Metrics: cpu-s/MB of text, and for ingest also cpu-s/MB stored. The
// filters case runs every preset over the same normalized text. Skipped
// when the corpus is absent.
func BenchmarkStageCost(b *testing.B) {
	for _, c := range []struct {
		name, path, preset string
		limit              int64 // bytes of text read at most
	}{
		{"diet", "gov/diet_speeches.jsonl.gz", "gov", 1 << 40},
		{"egov", "gov/egov_laws_2013.part1.jsonl.gz", "gov", 64 << 20},
		{"aozora", "literature/aozora_pd.part1.jsonl.gz", "literature", 64 << 20},
	} {
		path := filepath.Join("../../shared/corpus", c.path)
		if _, err := os.Stat(path); err != nil {
			b.Skipf("shared corpus: %v", err)
		}
		b.Run(c.name, func(b *testing.B) {
			cfg := Default()
			cfg.Inputs = []ingest.Input{{Path: path, Source: c.name, Preset: c.preset}}
			cfg.Dedup.Near.Enabled = true
			var raw []*pipeline.Document
			var stored, text int64
			b.Run("ingest", func(b *testing.B) {
				for b.Loop() {
					cpu := cputime.Seconds()
					raw, stored, text = readCost(b, cfg, c.limit)
					reportCost(b, cputime.Seconds()-cpu, text)
					b.ReportMetric((cputime.Seconds()-cpu)/float64(stored)*1e6, "cpu-s/MB-stored")
					b.ReportMetric(float64(text)/float64(stored), "text/stored")
					b.ReportMetric(float64(text)/float64(len(raw)), "bytes/doc")
				}
			})
			stages, err := buildStages(&cfg, map[string]string{c.name: c.preset}, stagePlan{})
			if err != nil {
				b.Fatal(err)
			}
			norm := clone(raw)
			timeStage(b, "normalize", stages[1], norm)
			text = testTextBytes(norm)
			b.Run("lines-keys", func(b *testing.B) {
				keys := lines.NewDocKeys(cfg.Dedup.Lines.Options())
				for b.Loop() {
					cpu := cputime.Seconds()
					var n int
					for _, d := range norm {
						keys.Each(d.Text, func(uint64) { n++ })
					}
					reportCost(b, cputime.Seconds()-cpu, text)
				}
			})
			for _, p := range []string{"default", "gov", "literature", "swallow", "hojichar", "llm-jp", "fineweb2-ja"} {
				fcfg := cfg
				st, err := buildStages(&fcfg, map[string]string{c.name: p}, stagePlan{scan: true})
				if err != nil {
					b.Fatal(err)
				}
				for _, s := range st {
					if s.Name() == "filters" {
						timeStage(b, "filters-"+p, s, clone(norm))
					}
				}
			}
			var signed []*pipeline.Document
			for _, s := range stages[2:] {
				docs := clone(norm)
				switch s.Name() {
				case "filters":
					continue
				case dedup.SignStageName:
					signed = docs
				case dedup.NearStageName:
					docs = signed // signatures from the minhash case
				}
				timeStage(b, s.Name(), s, docs)
			}
			b.Run("shard", func(b *testing.B) {
				for b.Loop() {
					cpu := cputime.Seconds()
					w, err := shard.NewWriter(shard.Options{Dir: b.TempDir(), Encoders: 1, WorldSize: 1, SpoolOnly: true})
					if err != nil {
						b.Fatal(err)
					}
					if err := w.Write(norm); err != nil {
						b.Fatal(err)
					}
					if _, err := w.Close(); err != nil {
						b.Fatal(err)
					}
					reportCost(b, cputime.Seconds()-cpu, text)
				}
			})
		})
	}
}

// timeStage runs one stage's processor over docs on this goroutine.
func timeStage(b *testing.B, name string, st pipeline.Stage, docs []*pipeline.Document) {
	b.Run(name, func(b *testing.B) {
		var p pipeline.Processor
		switch s := st.(type) {
		case pipeline.Parallel:
			p, _ = s.NewProcessor()
		case *dedup.Exact:
			p = dedup.NewExact()
		case *dedup.Near:
			p = s
		default:
			b.Skipf("stage %s: %T", st.Name(), st)
		}
		text := testTextBytes(docs)
		for b.Loop() {
			cpu := cputime.Seconds()
			for _, d := range docs {
				if _, err := p.Process(d); err != nil {
					b.Fatal(err)
				}
			}
			reportCost(b, cputime.Seconds()-cpu, text)
		}
	})
}

func reportCost(b *testing.B, cpu float64, text int64) {
	b.ReportMetric(cpu/float64(text)*1e6, "cpu-s/MB")
	b.ReportMetric(float64(text)/1e6, "MB")
}

func testTextBytes(docs []*pipeline.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Text))
	}
	return n
}

// readCost reads the inputs up to limit bytes of text and returns the
// documents, the stored bytes read and the text bytes.
func readCost(b *testing.B, cfg Config, limit int64) ([]*pipeline.Document, int64, int64) {
	files, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		b.Fatal(err)
	}
	src := ingest.NewSource(files, cfg.Inputs)
	defer src.Close()
	var docs []*pipeline.Document
	var text int64
	for text < limit {
		d, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
		text += int64(len(d.Text))
	}
	return docs, src.BytesRead(), text
}
