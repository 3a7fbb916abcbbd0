package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// TestSourceAll reads every sample through one Source: order, counts,
// sources and bytes read.
func TestSourceAll(t *testing.T) {
	inputs := []Input{
		{Path: speechesPath, Source: "kokkai"},
		{Path: aozoraDir, Source: "aozora"},
		{Path: fixturePath},
		{Path: lawsPath, Source: "egov"},
		// read as UTF-8, the Shift_JIS and EUC-JP files are invalid from line 4
		{Path: rawDir + "/rashomon-*.txt", Encoding: "utf-8"},
	}
	g, src := readSource(t, inputs)
	wantProblems := []string{
		"invalid_utf8 raw/rashomon-euc-jp.txt:4", // a glob's files are named from the directory before the pattern
		"invalid_utf8 raw/rashomon-shift-jis.txt:4",
	}
	if fmt.Sprint(g.problemKeys()) != fmt.Sprint(wantProblems) {
		t.Fatalf("problems %q, want %q", g.problemKeys(), wantProblems)
	}
	wantCounts := []struct {
		source string
		n      int
	}{{"kokkai", 901}, {"aozora", 10}, {"fixture_docs", 86}, {"egov", 80}}
	i := 0
	for _, w := range wantCounts {
		for k := 0; k < w.n; k++ {
			if i >= len(g.docs) || g.docs[i].Source != w.source {
				t.Fatalf("doc %d: want source %q", i, w.source)
			}
			i++
		}
	}
	if rest := len(g.docs) - i; rest != 2 {
		t.Fatalf("got %d rashomon docs, want 2", rest)
	}
	var size int64
	for _, p := range []string{speechesPath, fixturePath, lawsPath} {
		size += fileSize(t, p)
	}
	for _, d := range g.docs[901:911] {
		size += fileSize(t, filepath.Join(filepath.Dir(aozoraDir), d.Pos.File))
	}
	rashomon, _ := filepath.Glob(rawDir + "/rashomon-*.txt")
	for _, p := range rashomon {
		size += fileSize(t, p)
	}
	if src.BytesRead() != size {
		t.Errorf("BytesRead %d, want %d", src.BytesRead(), size)
	}
	// Reading again gives the same sequence.
	g2, _ := readSource(t, inputs)
	if fmt.Sprint(g2.order) != fmt.Sprint(g.order) {
		t.Error("second read differs")
	}
}

// TestSourceRunner runs the Source under the pipeline Runner while another
// goroutine polls BytesRead and the runner's live counters, as a progress
// display does (run with -race).
func TestSourceRunner(t *testing.T) {
	inputs := []Input{{Path: speechesPath}, {Path: lawsPath}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, inputs)
	r := &pipeline.Runner{Workers: 2, Counters: new(pipeline.Counters)}
	stop, polled := make(chan struct{}), make(chan int64)
	go func() {
		var last int64
		for {
			select {
			case <-stop:
				polled <- last
				return
			default:
				last = src.BytesRead() + r.Counters.Read.Load() + r.Counters.Written.Load()
			}
		}
	}()
	stats, err := r.Run(context.Background(), src)
	close(stop)
	<-polled
	if err != nil {
		t.Fatal(err)
	}
	ingest := stats.Stage(pipeline.IngestStage)
	want := fileSize(t, speechesPath) + fileSize(t, lawsPath)
	if ingest.DocsOut != 981 {
		t.Errorf("ingest: %d docs, want 981", ingest.DocsOut)
	}
	if got := src.BytesRead(); got != want {
		t.Errorf("BytesRead %d at the end, want %d", got, want)
	}
	if got := r.Counters.Read.Load(); got != ingest.DocsIn {
		t.Errorf("live records read %d, stats %d", got, ingest.DocsIn)
	}
	if got := r.Counters.Written.Load(); got != stats.Stage("shard").DocsOut {
		t.Errorf("live documents written %d, stats %d", got, stats.Stage("shard").DocsOut)
	}
}

// TestSourceFileErrors removes and corrupts files after Expand: each is one
// Problem and the source goes on.
func TestSourceFileErrors(t *testing.T) {
	dir := t.TempDir()
	fixture := mustRead(t, fixturePath)
	a := writeFile(t, dir, "a.jsonl", fixture)
	b := writeFile(t, dir, "b.jsonl", fixture)
	c := writeFile(t, dir, "c.jsonl", []byte{0x1f, 0x8b, 8, 0}) // gzip magic, broken header
	d := writeFile(t, dir, "d.jsonl", fixture)
	inputs := []Input{{Path: dir}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, inputs)
	ctx := context.Background()
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) })
	name := func(p string) string { return filepath.Base(dir) + "/" + filepath.Base(p) }
	want := []string{"read_error " + name(b), "truncated_input " + name(c) + ":1"}
	if fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) || len(g.docs) != 2*86 {
		t.Fatalf("%d docs, problems %q, want %q", len(g.docs), g.problemKeys(), want)
	}
	if g.docs[0].Pos.File != name(a) || g.docs[86].Pos.File != name(d) {
		t.Errorf("files %s, %s", g.docs[0].Pos.File, g.docs[86].Pos.File)
	}
}

// TestSourceCancel stops between records when ctx is done.
func TestSourceCancel(t *testing.T) {
	inputs := []Input{{Path: speechesPath}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, inputs)
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	for i := 0; i < 10; i++ {
		if _, err := src.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if _, err := src.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(context.Background()); err != io.EOF {
		t.Fatalf("after Close: %v", err)
	}
}

// TestSourceBadConfig checks that configuration errors are fatal.
func TestSourceBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		files  []File
		inputs []Input
	}{
		{"input index", []File{{Path: fixturePath, Input: 1}}, []Input{{Path: fixturePath}}},
		{"encoding", []File{{Path: fixturePath}}, []Input{{Path: fixturePath, Encoding: "utf-16"}}},
		{"split on jsonl", []File{{Path: fixturePath}}, []Input{{Path: fixturePath, Split: SplitParagraph}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSource(tc.files, tc.inputs).Next(context.Background())
			var p *pipeline.Problem
			if err == nil || err == io.EOF || errors.As(err, &p) {
				t.Fatalf("want a fatal error, got %v", err)
			}
		})
	}
}

// fileSize returns the size of path.
func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// TestKeys: every document and problem gets the key file ordinal + record
// ordinal, also when the source reads a later slice of the job's files.
func TestKeys(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", []byte("{\"text\":\"あ\"}\n{}\n\n{\"text\":\"い\"}\n"))
	writeFile(t, dir, "b.jsonl", []byte("{\"text\":\"う\"}\n"))
	inputs := []Input{{Path: dir}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	for _, slice := range [][]File{files, files[1:]} {
		src := NewSource(slice, inputs)
		var keys []string
		for {
			d, err := src.Next(context.Background())
			var p *pipeline.Problem
			switch {
			case err == io.EOF:
			case errors.As(err, &p):
				keys = append(keys, "P"+p.Key.String())
				continue
			case err != nil:
				t.Fatal(err)
			default:
				keys = append(keys, d.Key.String())
				continue
			}
			break
		}
		want := "[0.0 P0.1 0.2 1.0]"
		if len(slice) == 1 {
			want = "[1.0]"
		}
		if fmt.Sprint(keys) != want {
			t.Errorf("keys %v, want %s", keys, want)
		}
	}
	if k := pipeline.MakeKey(5, 1<<39); k.File() != 5 || k.Record() != 1<<39 {
		t.Errorf("key round trip: %v", k)
	}
}
