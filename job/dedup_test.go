package job

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/shard"
)

// shardTexts reads the text column of every shard of a result.
func shardTexts(t *testing.T, res *Result) []string {
	t.Helper()
	var out []string
	for _, s := range res.Manifest.Shards {
		rows, err := parquet.ReadFile[shard.Row](filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r.Text)
		}
	}
	return out
}

// TestNearDedupInRun: the sample's real near-duplicate pair (two editions of
// one Aozora work) is dropped by near_dup, reported in the stats and the
// manifest, and the run with near dedup off keeps it.
func TestNearDedupInRun(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Tokenize.Enabled = false
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats.Stage(dedup.NearStageName)
	if st.Dropped[dedup.ReasonNear] < 1 {
		t.Fatalf("near_dup dropped %v, want the Aozora edition pair", st.Dropped)
	}
	rep := res.Manifest.Dedup
	ok := rep != nil
	if !ok || rep.Near == nil || rep.Near.Dropped != st.Dropped[dedup.ReasonNear] || rep.Near.Bands != 16 {
		t.Fatalf("manifest dedup section %+v", res.Manifest.Dedup)
	}
	off := sampleConfig(t)
	off.Tokenize.Enabled = false
	off.Dedup.Near.Enabled = false
	res2, err := Run(context.Background(), off, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res2.Manifest.Totals.Rows, res.Manifest.Totals.Rows+st.Dropped[dedup.ReasonNear]; got != want {
		t.Errorf("without near dedup %d rows, want %d", got, want)
	}
}

// TestBoilerplateLinesInRun: with dedup.lines on, the run counts lines in
// a first pass and strips the recurring ones; the manifest lists them.
func TestBoilerplateLinesInRun(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/dedup/lines/egov_pages.jsonl.gz", Source: "egov"}}
	cfg.Output.Dir = t.TempDir()
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Lines.Enabled = true
	cfg.Dedup.Lines.MinFraction = 0.3
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Manifest.Dedup
	if rep == nil || rep.Lines == nil || len(rep.Lines.Top) == 0 {
		t.Fatalf("no lines report: %+v", res.Manifest.Dedup)
	}
	if rep.Lines.Docs != 100 || rep.Lines.Boilerplate != len(rep.Lines.Top) {
		t.Errorf("lines report %+v", rep.Lines)
	}
	removed := map[string]bool{}
	for _, l := range rep.Lines.Top {
		removed[strings.TrimSpace(l.Text)] = true
		if l.Docs < 30 {
			t.Errorf("line %q removed from %d documents, under 30%%", l.Text, l.Docs)
		}
	}
	if !removed["附　則"] {
		t.Errorf("附　則 not among the removed lines %v", rep.Lines.Top)
	}
	for _, text := range shardTexts(t, res) {
		for _, line := range strings.Split(text, "\n") {
			if removed[strings.Trim(line, " \u3000")] {
				t.Fatalf("removed line %q still in the output", line)
			}
		}
	}
	if st := res.Stats.Stage(LineStageName); st.DocsIn != 100 || st.BytesOut >= st.BytesIn {
		t.Errorf("lines stage stats %+v", st)
	}
}

func TestDedupConfigErrors(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Dedup.Order = "first"
	cfg.Dedup.Near.Threshold = 2
	cfg.Dedup.Near.Verify = "maybe"
	cfg.Dedup.Lines.Enabled = true
	cfg.Dedup.Lines.MinFraction = 0
	cfg.Dedup.Lines.MinDocs = 0
	err := cfg.Validate()
	for _, want := range []string{"dedup.order", "dedup.near.threshold", "dedup.near.verify", "dedup.lines"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("validate: %v, want %q", err, want)
		}
	}
}
