package interop

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// sampleConfig loads configs/default.yaml with paths made relative to this
// package's directory and the output in a temporary directory.
func sampleConfig(t testing.TB) job.Config {
	cfg, err := job.Load("../../configs/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path = filepath.Join("../..", cfg.Inputs[i].Path)
	}
	cfg.Output.Dir = t.TempDir()
	return cfg
}

// arrowTable sums what Apache Arrow's reader sees in one shard.
type arrowTable struct {
	ids    []string
	tokens int64
	rows   int64
}

// readArrow reads a shard with Apache Arrow's Go Parquet reader.
func readArrow(t testing.TB, path string) arrowTable {
	t.Helper()
	var out arrowTable
	for _, r := range readShard(t, path) {
		out.ids = append(out.ids, r.ID)
		out.tokens += r.Tokens
		out.rows++
	}
	return out
}

// TestSampleReadBack is the acceptance check of the spine: the sample job
// writes several shards and a manifest, and Apache Arrow's reader agrees with
// the manifest on every shard.
func TestSampleReadBack(t *testing.T) {
	cfg := sampleConfig(t)
	res, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := job.ReadManifest(filepath.Join(cfg.Output.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shards) < 2 {
		t.Fatalf("%d shards, want >= 2", len(m.Shards))
	}
	if in := m.Inputs; len(in) != 23 {
		t.Errorf("manifest inputs: %v", m.Inputs)
	}
	var rows, tokens int64
	for _, s := range m.Shards {
		tb := readArrow(t, filepath.Join(cfg.Output.Dir, s.File))
		if tb.rows != s.Rows || tb.tokens != s.Tokens {
			t.Errorf("%s: arrow reads %d rows %d tokens, manifest says %d / %d", s.File, tb.rows, tb.tokens, s.Rows, s.Tokens)
		}
		rows += tb.rows
		tokens += tb.tokens
	}
	if rows != m.Totals.Rows || tokens != m.Totals.Tokens || rows == 0 || tokens < rows*10 {
		t.Fatalf("arrow totals %d rows %d tokens, manifest %d / %d", rows, tokens, m.Totals.Rows, m.Totals.Tokens)
	}
	// The sample has 1106 documents (the Diet API response's attendance
	// header and the WARC's non-page records are counted as skipped); every
	// one is accounted for.
	ing := res.Stats.Stage(pipeline.IngestStage)
	var dropped int64
	for _, s := range res.Stats.Stages {
		dropped += s.DroppedTotal()
	}
	if ing.DocsOut != 1106 || ing.DocsOut-dropped+ing.DroppedTotal() != rows {
		t.Fatalf("ingest %d docs, %d dropped, %d rows written", ing.DocsOut, dropped, rows)
	}
	// exact duplicates: 羅生門 in three more encodings, the fixture's e-Gov
	// re-crawl pair (whitespace only), one speech also in the fixture, and
	// two laws whose pages in the sample WARC extract to the same text as
	// the e-Gov JSONL gives them, and the WARC's two EUC-JP copies of its
	// Shift_JIS pages (one declaring the wrong charset)
	if n := res.Stats.Stage("dedup").Dropped["exact_duplicate"]; n != 9 {
		t.Errorf("%d exact duplicates, want 9", n)
	}
	// the raw Shift_JIS web page (HTML markup, judged by the swallow preset)
	// repeats its markup: too many duplicated 5-grams
	if n := res.Stats.Stage("filters").Dropped["duplicate_5gram_character_fraction"]; n != 1 {
		t.Errorf("%d duplicate_5gram_character_fraction drops, want 1 (filters dropped %v)", n, res.Stats.Stage("filters").Dropped)
	}
	// refuses to overwrite without the flag
	if _, err := job.Run(context.Background(), cfg, job.Options{}); err == nil || !strings.Contains(err.Error(), "overwrite") {
		t.Fatalf("second run into the same dir: %v", err)
	}
}
