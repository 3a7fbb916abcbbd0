package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// readSample ingests the whole sample of configs/default.yaml.
func readSample(b *testing.B, cfg Config) []*pipeline.Document {
	files, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		b.Fatal(err)
	}
	src := ingest.NewSource(files, cfg.Inputs)
	var docs []*pipeline.Document
	for {
		d, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
}

func clone(docs []*pipeline.Document) []*pipeline.Document {
	out := make([]*pipeline.Document, len(docs))
	for i, d := range docs {
		c := *d
		out[i] = &c
	}
	return out
}

func report(b *testing.B, bytes int64, docs int, cores int) {
	secs := b.Elapsed().Seconds()
	mbs := float64(bytes) * float64(b.N) / 1e6 / secs
	b.ReportMetric(mbs, "MB/s")
	b.ReportMetric(float64(docs*b.N)/secs, "docs/s")
	b.ReportMetric(mbs/float64(cores), "MB/s/core")
	b.ReportMetric(float64(docs*b.N)/secs/float64(cores), "docs/s/core")
}

// BenchmarkStages measures every stage alone, on one goroutine, over the
// whole sample (text bytes entering the stage). Stages see the sample as the
// pipeline would hand it to them (normalized text for dedup, filters and
// tokenize).
func BenchmarkStages(b *testing.B) {
	cfg := sampleConfig(b)
	raw := readSample(b, cfg)
	stages, err := buildStages(&cfg, nil, stagePlan{})
	if err != nil {
		b.Fatal(err)
	}
	normalized := clone(raw)
	np, _ := stages[1].(pipeline.Parallel).NewProcessor() // after extract
	for _, d := range normalized {
		np.Process(d)
	}
	b.Run("ingest", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			readSample(b, cfg)
		}
		report(b, testcorpus.TextBytes(raw), len(raw), 1)
	})
	for _, st := range stages {
		input := normalized
		if st.Name() == "normalize" {
			input = raw
		}
		b.Run(st.Name(), func(b *testing.B) {
			var p pipeline.Processor
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				docs := clone(input)
				switch s := st.(type) {
				case pipeline.Parallel:
					if p == nil {
						p, _ = s.NewProcessor()
					}
				case *dedup.Exact:
					p = dedup.NewExact()
				}
				b.StartTimer()
				for _, d := range docs {
					if _, err := p.Process(d); err != nil {
						b.Fatal(err)
					}
				}
			}
			report(b, testcorpus.TextBytes(input), len(input), 1)
		})
	}
	b.Run("shard", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			w, err := shard.NewWriter(shard.Options{Dir: b.TempDir(), MaxBytes: int64(cfg.Output.ShardSize)})
			if err != nil {
				b.Fatal(err)
			}
			if err := w.Write(normalized); err != nil {
				b.Fatal(err)
			}
			if _, err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		report(b, testcorpus.TextBytes(normalized), len(normalized), 1)
	})
}

// BenchmarkPipeline runs the whole sample job with one worker and with all
// cores; MB/s counts decoded input text.
func BenchmarkPipeline(b *testing.B) {
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var text int64
			var docs int
			for i := 0; i < b.N; i++ {
				cfg := sampleConfig(b)
				cfg.Workers = workers
				res, err := Run(context.Background(), cfg, Options{})
				if err != nil {
					b.Fatal(err)
				}
				ing := res.Stats.Stage(pipeline.IngestStage)
				text, docs = ing.BytesOut, int(ing.DocsOut)
			}
			report(b, text, docs, workers)
		})
	}
}
