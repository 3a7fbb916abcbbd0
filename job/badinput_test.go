package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
)

// TestBadInputKinds runs one job over every kind of bad input issue 8
// names, among good files: a truncated .warc.gz holding a record with a
// wrong Content-Length and a binary payload labelled text/html
// (testdata/web/bad.warc.gz), a page whose declared charset is wrong
// (sample.warc.gz), XML that is not a law and a Parquet file without the
// text column. The run finishes; each bad record is in the rejects with its
// file and offset or line; every good record is a document.
func TestBadInputKinds(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []struct{ from, to string }{
		{"../testdata/web/bad.warc.gz", "bad.warc.gz"},
		{"../testdata/web/sample.warc.gz", "sample.warc.gz"},
		{"../testdata/egov/505CO0000000222_20230630_000000000000000.xml", "law.xml"},
		{"../testdata/parquet/diet_hf_style.parquet", "good.parquet"},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.to), mustRead(t, f.from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "feed.xml"), []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel><title>お知らせ</title><item><title>更新しました</title></item></channel>\n</rss>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type noText struct {
		ID   string `parquet:"id"`
		Body string `parquet:"body"`
	}
	if err := parquet.WriteFile(filepath.Join(dir, "notext.parquet"), []noText{{"a", "本文"}, {"b", "本文二"}}); err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: dir, Source: "mix", Preset: "none"}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Rejects = filepath.Join(t.TempDir(), "rejects")
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Exact, cfg.Dedup.Near.Enabled, cfg.Dedup.Lines.Enabled = false, false, false
	cfg.MaxBadFiles = 3 // the truncated WARC, the feed and the Parquet file without text
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ingest.FileStats{}
	for _, f := range res.FileStats {
		byName[f.Name] = f
	}
	hf := len(readShard(t, "../testdata/parquet/diet_hf_style.parquet").ids)
	wantDocs := map[string]int64{"mix/bad.warc.gz": 4, "mix/sample.warc.gz": 9, "mix/law.xml": 1, "mix/good.parquet": int64(hf), "mix/feed.xml": 0, "mix/notext.parquet": 0}
	for name, want := range wantDocs {
		if byName[name].Docs != want {
			t.Errorf("%s: %d documents, want %d (%s)", name, byName[name].Docs, want, byName[name].String())
		}
	}
	if out := res.Stats.Stage(sinkName).DocsOut; out != 4+9+1+int64(hf) {
		t.Errorf("%d documents written, want every good record (%d)", out, 4+9+1+hf)
	}

	rej := readJSONL[rejects.ProblemRecord](t, filepath.Join(cfg.Rejects, "ingest.jsonl"))
	var got []string
	for _, r := range rej {
		at := fmt.Sprintf("@%d", r.Offset)
		if r.Line > 0 {
			at = fmt.Sprintf(":%d", r.Line)
		}
		got = append(got, r.Kind+" "+r.File+at)
	}
	slices.Sort(got)
	want := []string{
		"binary_payload mix/bad.warc.gz@",
		"malformed_warc_record mix/bad.warc.gz@",
		"missing_text mix/notext.parquet@0",
		"not_a_law mix/feed.xml:2",
		"truncated_input mix/bad.warc.gz@8695",
	}
	if len(got) < len(want) {
		t.Fatalf("rejects %q, want %q", got, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("no reject %q in %q", w, got)
		}
	}
	for _, r := range rej {
		if r.File == "" || (r.Offset < 0 && r.Line <= 0) {
			t.Errorf("reject %+v not located", r)
		}
	}

	// the page whose declaration is wrong is decoded right, and says so
	mismatched := 0
	for _, s := range res.Manifest.Shards {
		rows, err := parquet.ReadFile[shard.Row](filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if strings.Contains(r.Meta, `"charset_mismatch"`) {
				mismatched++
				if !strings.Contains(r.Text, "の") || strings.ContainsRune(r.Text, '\uFFFD') {
					t.Errorf("%s: mojibake %q", r.ID, r.Text[:min(len(r.Text), 120)])
				}
			}
		}
	}
	if mismatched != 1 {
		t.Errorf("%d documents with a charset mismatch, want 1", mismatched)
	}
}
