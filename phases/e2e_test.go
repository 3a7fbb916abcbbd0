package phases

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/job"
)

// corpusFile returns path inside ../shared/corpus, skipping the test unless
// JACORPUS_E2E=1 (make e2e); an absent corpus fails under CI=true.
func corpusFile(t *testing.T, rel string) string {
	if os.Getenv("JACORPUS_E2E") == "" {
		t.Skip("big-corpus run: set JACORPUS_E2E=1 (make e2e)")
	}
	p := filepath.Join("..", "..", "shared", "corpus", rel)
	_, err := os.Stat(p)
	testcorpus.Need(t, err == nil, p)
	return p
}

// TestE2ENearDedup runs 4,000 e-Gov laws (施行令/施行規則 families are
// near-copies), both captures of 225 re-crawled laws and 54,041 Diet
// speeches with near dedup and boilerplate lines, in memory and as phases
// (4 slice tasks, 3 key ranges), and checks the shards are identical.
func TestE2ENearDedup(t *testing.T) {
	laws := corpusFile(t, "gov/egov_laws_2013.part1.jsonl.gz")
	pairs := corpusFile(t, "gov/egov_recrawl_pairs.jsonl.gz")
	speeches := corpusFile(t, "gov/diet_speeches.jsonl.gz")
	dir := t.TempDir()
	// one input may not read a file another reads: the second capture
	// comes from a copy
	pairs2 := filepath.Join(dir, "recrawl2.jsonl.gz")
	data, err := os.ReadFile(pairs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pairs2, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := job.Default()
	cfg.Inputs = []ingest.Input{
		{Path: laws, Source: "egov"},
		{Path: pairs, Source: "crawl1", TextField: "text_crawl1", IDField: "id_data2"},
		{Path: pairs2, Source: "crawl2", TextField: "text_crawl2", IDField: "id_data2"},
		{Path: speeches, Source: "kokkai"},
	}
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Near.Enabled = true
	cfg.Dedup.Lines.Enabled = true
	cfg.Dedup.Lines.MinFraction = 0.01
	cfg.Output.ShardSize = 64 << 20
	cfg.Output.Dir = filepath.Join(dir, "memory")
	start := time.Now()
	mem, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	memTime := time.Since(start)
	pc := cfg
	pc.Output.Dir = filepath.Join(dir, "phased")
	pc.Phases = job.PhasesConfig{Tasks: 4, Buckets: 3, Checkpoints: job.DefaultCheckpoints}
	start = time.Now()
	res, err := RunAll(context.Background(), pc, filepath.Join(dir, "work"), job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	phTime := time.Since(start)
	sameShards(t, mem, res)
	st := mem.Stats
	text := float64(st.Stage("ingest").BytesOut) / 1e6
	t.Logf("%d documents, %.0f MB of text: exact %v, near %v, lines removed %.1f MB; in memory %.1f s (%.1f MB/s), phases %.1f s",
		st.Stage("ingest").DocsOut, text, st.Stage(dedup.StageName).Dropped, st.Stage(dedup.NearStageName).Dropped,
		float64(st.Stage(job.LineStageName).BytesIn-st.Stage(job.LineStageName).BytesOut)/1e6,
		memTime.Seconds(), text/memTime.Seconds(), phTime.Seconds())
	rep := mem.Manifest.Dedup
	t.Logf("near: %+v", *rep.Near)
	for _, l := range rep.Lines.Top[:min(10, len(rep.Lines.Top))] {
		t.Logf("removed line in %d docs: %q", l.Docs, l.Text)
	}
	// every second capture of a re-crawled law is gone (as an exact or a near copy)
	if d := st.Stage(dedup.StageName).DroppedTotal() + st.Stage(dedup.NearStageName).DroppedTotal(); d < 225 {
		t.Errorf("only %d documents dropped as copies; the 225 re-crawls alone are copies", d)
	}
}
