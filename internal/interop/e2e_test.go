package interop

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// corpusFile returns path inside ../shared/corpus, skipping the test when the
// big-corpus runs are not asked for (JACORPUS_E2E=1, set by `make e2e`) or
// the corpus is absent.
func corpusFile(t *testing.T, rel string) string {
	if os.Getenv("JACORPUS_E2E") == "" {
		t.Skip("big-corpus run: set JACORPUS_E2E=1 (make e2e)")
	}
	p := filepath.Join("..", "..", "..", "shared", "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus file %s is absent: %v", p, err)
	}
	return p
}

// TestE2EDietSpeeches runs all 54,041 Diet speeches (152 MB of text) through
// the whole pipeline on every core and reads every shard back with Arrow.
func TestE2EDietSpeeches(t *testing.T) {
	speeches := corpusFile(t, "gov/diet_speeches.jsonl.gz")
	cfg := job.Default()
	cfg.Inputs = []ingest.Input{{Path: speeches, Source: "kokkai", MetaFields: []string{"house", "meeting", "date"}}}
	cfg.Output.Dir = t.TempDir()
	cfg.Output.ShardSize = 16 << 20
	res, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ing := res.Stats.Stage(pipeline.IngestStage)
	if ing.DocsOut != 54041 || res.Stats.ProblemsTotal != 0 {
		t.Fatalf("read %d speeches with %d problems, want 54041 and 0", ing.DocsOut, res.Stats.ProblemsTotal)
	}
	var rows, tokens int64
	for _, s := range res.Manifest.Shards {
		tb := readArrow(t, filepath.Join(res.Dir, s.File))
		if tb.rows != s.Rows || tb.tokens != s.Tokens {
			t.Errorf("%s: arrow %d rows %d tokens, manifest %d / %d", s.File, tb.rows, tb.tokens, s.Rows, s.Tokens)
		}
		rows += tb.rows
		tokens += tb.tokens
	}
	if rows != res.Manifest.Totals.Rows || tokens != res.Manifest.Totals.Tokens || len(res.Manifest.Shards) < 3 {
		t.Fatalf("arrow totals %d rows %d tokens over %d shards; manifest %+v", rows, tokens, len(res.Manifest.Shards), res.Manifest.Totals)
	}
	secs := res.Elapsed.Seconds()
	t.Logf("%d speeches, %.1f MB of text → %d rows, %d tokens, %d shards in %.1f s: %.2f MB/s, %.0f docs/s with %d workers",
		ing.DocsOut, float64(ing.BytesOut)/1e6, rows, tokens, len(res.Manifest.Shards), secs,
		float64(ing.BytesOut)/1e6/secs, float64(ing.DocsOut)/secs, res.Workers)
	for _, s := range res.Stats.Stages {
		t.Logf("  %-10s in %7d out %7d dropped %6d %v", s.Name, s.DocsIn, s.DocsOut, s.DroppedTotal(), s.TopReasons(3))
	}
}
