package job

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
)

// A job with WARC inputs runs: the skipped records are counted per file in
// the result and the manifest, the bad records are problems at their
// offsets, and the extract stage turns every good page into text.
func TestWARCInput(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/web"}, {Path: "../testdata/sample/fixture_docs.jsonl"}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Tokenize.Enabled = false
	cfg.MaxBadFiles = 1 // bad.warc.gz is cut off
	cfg.MaxProblemRatio = 0.5
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ingest.FileStats{}
	for _, f := range res.FileStats {
		byName[f.Name] = f
		t.Log(f.String(), f.Skipped)
	}
	s := byName["web/sample.warc.gz"]
	if s.Docs != 9 || s.SkippedTotal() != 8 || s.Skipped["not_html"] != 2 || s.Status != ingest.FileOK {
		t.Errorf("sample.warc.gz: %+v", s)
	}
	if b := byName["web/bad.warc.gz"]; b.Docs != 4 || b.Problems != 4 || b.Status != ingest.FileBroken || b.At != "web/bad.warc.gz@8695" {
		t.Errorf("bad.warc.gz: %+v", b)
	}
	if w := byName["web/sample.warc.wet.gz"]; w.Docs != 5 || w.SkippedTotal() != 2 {
		t.Errorf("sample.warc.wet.gz: %+v", w)
	}
	m := mustManifest(t, res.Dir)
	if !bytes.Contains(m, []byte(`"not_html": 2`)) || !bytes.Contains(m, []byte(`"warc_request": 1`)) {
		t.Error("the manifest does not list the skipped records")
	}
	for _, st := range res.Stats.Stages {
		t.Logf("%s in %d out %d dropped %v", st.Name, st.DocsIn, st.DocsOut, st.TopReasons(5))
	}
	// the 9 + 4 e-Gov pages (Shift_JIS, EUC-JP) all become Japanese text
	if ex := res.Stats.Stage("extract"); ex.DocsIn != 86+9+4+5 || ex.DroppedTotal() != 0 || ex.BytesOut <= ex.BytesIn {
		t.Errorf("extract: %+v", ex)
	}
}

// TestWARCRunE2E: a run over the whole shared WARC (a warcinfo record and
// 3,873 responses) accounts
// for every record and keeps its Japanese pages as documents with text.
func TestWARCRunE2E(t *testing.T) {
	path := "../../shared/corpus/web/ja_real_payloads.warc.gz"
	if os.Getenv("JACORPUS_E2E") == "" {
		t.Skip("set JACORPUS_E2E=1 (make e2e)")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent: %v", path, err)
	}
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: path}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Tokenize.Enabled = false
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.FileStats[0]
	if got := f.Docs + f.Problems + f.SkippedTotal(); got != 3874 || f.Problems != 0 || f.Status != ingest.FileOK {
		t.Errorf("%d records accounted for (%s, skipped %v), want 3874", got, f.String(), f.Skipped)
	}
	ex := res.Stats.Stage("extract")
	t.Logf("extract: in %d out %d dropped %v; filters dropped %v", ex.DocsIn, ex.DocsOut, ex.TopReasons(5), res.Stats.Stage("filters").TopReasons(5))
	if ex.DocsIn < 3800 || ex.DroppedTotal() > ex.DocsIn/100 {
		t.Errorf("extract: %d pages in, %v dropped", ex.DocsIn, ex.Dropped)
	}
	fs := res.Stats.Stage("filters")
	for reason, n := range fs.Dropped {
		if strings.HasPrefix(reason, "mojibake") || reason == "replacement_chars" {
			t.Errorf("%d pages dropped as %s: a charset was chosen wrong", n, reason)
		}
	}
}
