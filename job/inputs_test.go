package job

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
)

// TestInputKinds: a job over a paths_from list and a directory holding a
// file of unknown format: the list's files are read, the unknown file is
// skipped and recorded in the manifest (status, reason) without failing the
// run, and every file records the format it was read as.
func TestInputKinds(t *testing.T) {
	data := t.TempDir()
	for _, f := range []struct{ src, dst string }{
		{"../testdata/sample/diet_speeches.jsonl.gz", "crawl/a/speeches.jsonl.gz"},
		{"../testdata/sample/egov_laws.jsonl.zst", "crawl/b/laws.data"}, // content tells: JSON Lines
		{"../testdata/raw/rashomon-utf-8.txt", "crawl/b/README"},        // plain text without .txt: skipped
		{"../testdata/inputs/rashomon-utf-8.txt.bz2", "texts/rashomon.txt.bz2"},
	} {
		b, err := os.ReadFile(f.src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(data, f.dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, data, f.dst, b)
	}
	list := writeFile(t, t.TempDir(), "texts.paths", []byte("# one text\ntexts/rashomon.txt.bz2\n"))
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: filepath.Join(data, "crawl")}, {PathsFrom: list, Base: data, Format: ingest.FormatText}}
	cfg.Output.Dir = t.TempDir()
	cfg.Tokenize.Enabled = false
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := res.Manifest.Inputs
	var got []string
	for _, f := range files {
		got = append(got, f.Name+" "+f.Status+" "+f.Format+" "+f.Detail)
	}
	want := []string{
		"crawl/a/speeches.jsonl.gz ok jsonl ",
		"crawl/b/README skipped  no known extension, and the content is plain text: name text files .txt, or set format: text",
		"crawl/b/laws.data ok jsonl ",
		"texts/texts/rashomon.txt.bz2 ok text ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("manifest inputs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if docs := res.Stats.Stage("ingest").DocsOut; docs != 901+80+1 {
		t.Errorf("%d documents read", docs)
	}
	// the manifest's config holds no path of the list (it depends on where
	// the run happened); the run section names the list
	if in := res.Manifest.Config.Inputs[1]; in.PathsFrom != "" || in.Base != "" {
		t.Errorf("manifest config keeps paths: %+v", in)
	}
	if p := res.Manifest.Run.InputPaths[1]; p != "paths_from "+list {
		t.Errorf("run input path %q", p)
	}
}

// TestInputConfig: paths_from inputs need no path; standard input is for a
// single task.
func TestInputConfig(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{PathsFrom: "warc.paths.gz", Base: "/data/cc"}}
	if err := cfg.Validate(); err != nil {
		t.Errorf("paths_from: %v", err)
	}
	cfg.Inputs = []ingest.Input{{PathsFrom: "warc.paths.gz", Path: "x"}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "inputs[0].paths_from: and path: give one of them") {
		t.Errorf("paths_from and path: %v", err)
	}
	cfg.Inputs = []ingest.Input{{Path: "-"}}
	if err := cfg.Validate(); err != nil {
		t.Errorf("stdin: %v", err)
	}
	cfg.Task = TaskConfig{Index: 0, Count: 2}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "inputs[0].path: - (standard input) can be read by a single task only, not task.count 2") {
		t.Errorf("stdin, 2 tasks: %v", err)
	}
}

// TestTasksSliceParquet splits the Parquet inputs by row groups
// (task.slice_bytes): the tasks share one file, and together write the
// documents of the single unsplit run, in its order; a single run with
// slices writes the same shards byte for byte.
func TestTasksSliceParquet(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/parquet/fixture_shard.parquet"}, {Path: "../testdata/parquet/diet_hf_style.parquet"}}
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Exact, cfg.Dedup.Near.Enabled, cfg.Dedup.Lines.Enabled = false, false, false
	cfg.Output.Dir = t.TempDir()
	cfg.Task.SliceBytes = 0
	whole, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(res *Result) []string { return resultIDs(t, res) }
	want := ids(whole)

	cfg.Task.SliceBytes = 1 // every row group a slice
	cfg.Output.Dir = t.TempDir()
	sliced, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if in := sliced.Manifest.Inputs; len(in) <= 2 || in[0].RowGroups != [2]int{0, 1} {
		t.Fatalf("inputs %+v, want one entry per row group", in)
	}
	for i, s := range whole.Manifest.Shards {
		a := mustRead(t, filepath.Join(whole.Dir, s.File))
		b := mustRead(t, filepath.Join(sliced.Dir, sliced.Manifest.Shards[i].File))
		if !bytes.Equal(a, b) {
			t.Fatalf("shard %s differs when its input is read in slices", s.File)
		}
	}

	root := t.TempDir()
	var got []string
	shared := false
	const tasks = 3
	for i := range tasks {
		c := cfg
		c.Output.Dir = root
		c.Task.Index, c.Task.Count = i, tasks
		res, err := Run(context.Background(), c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Files == 0 {
			t.Errorf("task %d got no slice", i)
		}
		if i > 0 && res.Manifest.Inputs[0].RowGroups[0] > 0 {
			shared = true // this task starts inside a file
		}
		got = append(got, ids(res)...)
	}
	if !shared {
		t.Error("no task started inside a file: the slices were not shared")
	}
	if !slices.Equal(got, want) || len(want) < 100 {
		t.Fatalf("the tasks wrote %d documents, the single run %d (or in another order)", len(got), len(want))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
