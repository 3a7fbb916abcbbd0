package job

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
)

// A job with WARC inputs runs: the skipped records are counted per file in
// the result and the manifest, and the bad records are problems at their
// offsets. Until the extract stage lands, the HTML documents reach the
// pipeline with empty text.
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
	if s.Docs != 7 || s.SkippedTotal() != 8 || s.Skipped["not_html"] != 2 || s.Status != ingest.FileOK {
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
}
