package job

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jacorpus/jacorpus/filters"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
	"github.com/jacorpus/jacorpus/tokenize"
)

// sampleConfig loads configs/default.yaml with paths made relative to this
// package's directory and the output in a temporary directory.
func sampleConfig(t testing.TB) Config {
	cfg, err := Load("../configs/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path = filepath.Join("..", cfg.Inputs[i].Path)
	}
	cfg.Output.Dir = t.TempDir()
	return cfg
}

// shardTable sums what one shard holds, read with parquet-go's reader.
// (Apache Arrow's independent reader checks the sample job's shards in
// internal/interop.)
type shardTable struct {
	ids    []string
	tokens int64
	rows   int64
}

// readShard reads a shard's ids, tokens and rows.
func readShard(t testing.TB, path string) shardTable {
	t.Helper()
	rows, err := parquet.ReadFile[shard.Row](path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out shardTable
	for _, r := range rows {
		out.ids = append(out.ids, r.ID)
		out.tokens += r.Tokens
		out.rows++
	}
	return out
}

// TestDeterministicAcrossWorkers runs the sample with 1 and 4 workers and
// compares the shards byte for byte and the manifests apart from timings.
func TestDeterministicAcrossWorkers(t *testing.T) {
	var dirs []string
	for _, workers := range []int{1, 4} {
		cfg := sampleConfig(t) // a new output dir each time: not part of the manifest's config
		cfg.Workers = workers
		if _, err := Run(context.Background(), cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, cfg.Output.Dir)
	}
	names := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	a, b := names(dirs[0]), names(dirs[1])
	if !slices.Equal(a, b) || len(a) < 3 {
		t.Fatalf("files differ: %v vs %v", a, b)
	}
	for _, name := range a {
		x, _ := os.ReadFile(filepath.Join(dirs[0], name))
		y, _ := os.ReadFile(filepath.Join(dirs[1], name))
		if name == "manifest.json" {
			x, y = stripTimings(t, x), stripTimings(t, y)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between 1 and 4 workers", name)
		}
	}
}

// stripTimings removes the manifest's run section and every wall_seconds.
func stripTimings(t *testing.T, data []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["run"]; !ok {
		t.Fatal("manifest has no run section")
	}
	delete(m, "run")
	out, _ := json.Marshal(m)
	return out
}

// fixtureLines returns the raw JSON lines of the fixture.
func fixtureLines(t *testing.T) []string {
	data, err := os.ReadFile("../testdata/sample/fixture_docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

func idOf(t *testing.T, line string) string {
	var d struct{ ID string }
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestBadInput feeds truncated gzip, invalid UTF-8, a malformed JSON line, a
// 50 MB single line and an empty file: the run finishes, every problem is in
// the stats with its file:line, and every good document is in the output.
func TestBadInput(t *testing.T) {
	lines := fixtureLines(t)
	dir := t.TempDir()
	bad := writeBadFiles(t, dir, lines)
	trunc, mixed, empty, good := bad.trunc, bad.mixed, bad.empty, bad.good
	// one 50 MB line: a valid record made of real text, too long for the filters
	var text strings.Builder
	for i := 33; text.Len() < 50<<20; i = 33 + (i-32)%40 {
		var d struct{ Text string }
		json.Unmarshal([]byte(lines[i]), &d)
		text.WriteString(d.Text)
	}
	big, _ := json.Marshal(map[string]string{"id": "huge", "text": text.String()})
	hugeFile := writeFile(t, dir, "c_huge.jsonl", append(append(big, '\n'), []byte(lines[80]+"\n")...))
	good = append(good, idOf(t, lines[80]))

	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: dir}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Rejects = filepath.Join(t.TempDir(), "rejects")
	cfg.Tokenize.Enabled = false // the big line would be dropped before tokenize anyway
	cfg.MaxBadFiles = 2          // the truncated and the empty file
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var status []string
	for _, f := range res.FileStats {
		status = append(status, f.Name+" "+f.Status)
		if f.Status == ingest.FileBroken && !strings.HasPrefix(f.At, f.Name+":") {
			t.Errorf("%s: truncated at %q, want its file:line", f.Name, f.At)
		}
		if f.Status == ingest.FileBroken && !bytes.Contains(mustManifest(t, res.Dir), []byte(`"at": "`+f.At+`"`)) {
			t.Errorf("%s: the manifest does not say where it broke off", f.Name)
		}
	}
	dirName := filepath.Base(dir)
	if want := []string{dirName + "/a_truncated.jsonl.gz truncated", dirName + "/b_mixed.jsonl ok", dirName + "/c_huge.jsonl ok",
		dirName + "/d_empty.jsonl empty"}; !slices.Equal(status, want[:len(status)]) || len(status) < 4 {
		t.Errorf("file status %q, want %q…", status, want)
	}
	name := func(p string) string { return dirName + "/" + filepath.Base(p) } // the stable file names
	want := map[string]string{                                                // problem kind → where
		pipeline.ProblemTruncated:     name(trunc) + ":",
		pipeline.ProblemInvalidUTF8:   name(mixed) + ":2",
		pipeline.ProblemMalformedJSON: name(mixed) + ":4",
		pipeline.ProblemEmptyFile:     name(empty),
	}
	got := map[string]string{}
	for _, p := range res.Stats.Problems {
		got[p.Kind] = p.Pos.String()
	}
	for kind, where := range want {
		if !strings.HasPrefix(got[kind], where) {
			t.Errorf("problem %s at %q, want %q", kind, got[kind], where)
		}
	}
	if res.Stats.ProblemsTotal != 4 {
		t.Errorf("%d problems, want 4: %+v", res.Stats.ProblemsTotal, res.Stats.Problems)
	}
	// with max_record_bytes below 50 MB the huge line is an input problem instead
	small := cfg
	small.MaxRecordBytes = 1 << 20
	small.Output.Dir = filepath.Join(t.TempDir(), "out")
	small.Rejects = ""
	res2, err := Run(context.Background(), small, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := res2.Stats.Stage(pipeline.IngestStage).Dropped[pipeline.ProblemLineTooLong]; n != 1 || res2.Manifest.Totals.Rows != int64(len(good)) {
		t.Errorf("max_record_bytes 1MiB: %d line_too_long, %d rows (want 1, %d)", n, res2.Manifest.Totals.Rows, len(good))
	}
	if n := res.Stats.Stage("filters").Dropped["too_long"]; n != 1 {
		t.Errorf("too_long drops = %d, want 1 (the 50 MB line)", n)
	}
	// all good documents are in the shards, in input order
	var ids []string
	for _, s := range res.Manifest.Shards {
		ids = append(ids, readShard(t, filepath.Join(res.Dir, s.File)).ids...)
	}
	if !slices.Equal(ids, good) {
		t.Errorf("output ids:\n%v\nwant\n%v", ids, good)
	}
	// rejects: the four problems and the dropped huge document
	pr := readJSONL[rejects.ProblemRecord](t, filepath.Join(cfg.Rejects, rejects.ProblemsFile))
	dr, err := rejects.ReadDropped(filepath.Join(cfg.Rejects, rejects.DroppedFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(pr) != 4 || len(dr) != 1 || dr[0].ID != "huge" || dr[0].File != name(hugeFile) || dr[0].Line != 1 || len(dr[0].Text) < 45e6 { // normalization trims indentation
		t.Errorf("rejects: %d problems, %d dropped", len(pr), len(dr))
		for _, d := range dr {
			t.Logf("dropped %s %s %s %s:%d %d bytes", d.Stage, d.Reason, d.ID, d.File, d.Line, len(d.Text))
		}
	}
	if pr[1].Kind != pipeline.ProblemInvalidUTF8 || !bytes.Contains(pr[1].RawBase64, []byte("\xff\xfe")) {
		t.Errorf("invalid UTF-8 reject keeps no raw bytes: %+v", pr[1])
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type badFiles struct {
	trunc, mixed, empty string
	good                []string // ids of the good records, in order
}

// writeBadFiles writes, from real fixture lines: a_truncated.jsonl.gz (30
// records, cut in the middle of the compressed stream), b_mixed.jsonl (good
// lines around invalid UTF-8 on line 2 and malformed JSON on line 4) and
// d_empty.jsonl.
func writeBadFiles(t *testing.T, dir string, lines []string) badFiles {
	var b badFiles
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Join(lines[:30], "\n") + "\n"))
	zw.Close()
	b.trunc = writeFile(t, dir, "a_truncated.jsonl.gz", gz.Bytes()[:gz.Len()/2])
	// which records survive the cut: decode what a reader can get
	zr, _ := gzip.NewReader(bytes.NewReader(gz.Bytes()[:gz.Len()/2]))
	var partial bytes.Buffer
	partial.ReadFrom(zr)
	complete := strings.Count(partial.String(), "\n")
	if complete == 0 || complete >= 30 {
		t.Fatalf("cut leaves %d complete lines", complete)
	}
	for _, l := range lines[:complete] {
		b.good = append(b.good, idOf(t, l))
	}
	mixed := []string{lines[30], "{\"id\": \"bad-utf8\", \"text\": \"\xff\xfe壊れた\"}", lines[31], `{"id": "bad-json", "text": "閉じていない`, lines[32]}
	b.mixed = writeFile(t, dir, "b_mixed.jsonl", []byte(strings.Join(mixed, "\n")+"\n"))
	b.good = append(b.good, idOf(t, lines[30]), idOf(t, lines[31]), idOf(t, lines[32]))
	b.empty = writeFile(t, dir, "d_empty.jsonl", nil)
	return b
}

// TestDeterministicBadInput runs bad input (including a corrupt zstd file)
// with 1, 3 and 4 workers: shards, manifest (apart from timings) and the
// rejects files are byte-identical.
func TestDeterministicBadInput(t *testing.T) {
	dir := t.TempDir()
	writeBadFiles(t, dir, fixtureLines(t))
	zst, err := os.ReadFile("../testdata/sample/egov_laws.jsonl.zst")
	if err != nil {
		t.Fatal(err)
	}
	for i := len(zst) / 2; i < len(zst)/2+64; i++ {
		zst[i] ^= 0x5a
	}
	writeFile(t, dir, "e_corrupt.jsonl.zst", zst)
	var first map[string][]byte
	for _, workers := range []int{1, 4, 3} {
		cfg := Default()
		cfg.Inputs = []ingest.Input{{Path: dir}, {Path: "../testdata/sample/fixture_docs.jsonl"}}
		cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
		cfg.Rejects = filepath.Join(t.TempDir(), "rejects")
		cfg.Output.ShardSize = 64 << 10
		cfg.Tokenize.Enabled = false
		cfg.Workers = workers
		cfg.MaxBadFiles = 3
		res, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stats.ProblemsTotal < 5 || len(res.Manifest.Shards) < 2 {
			t.Fatalf("%d problems, %d shards", res.Stats.ProblemsTotal, len(res.Manifest.Shards))
		}
		files := map[string][]byte{}
		for _, d := range []string{cfg.Output.Dir, cfg.Rejects} {
			es, _ := os.ReadDir(d)
			for _, e := range es {
				data, _ := os.ReadFile(filepath.Join(d, e.Name()))
				switch e.Name() {
				case "manifest.json":
					data = stripTimings(t, data)
				case rejects.IndexFile: // names its run, like the manifest's run section
					var idx rejects.Summary
					if err := json.Unmarshal(data, &idx); err != nil || idx.RunID == "" {
						t.Fatalf("%s: %v (run id %q)", e.Name(), err, idx.RunID)
					}
					idx.RunID = ""
					data, _ = json.Marshal(idx)
				}
				files[e.Name()] = data
			}
		}
		if first == nil {
			first = files
			continue
		}
		if len(files) != len(first) {
			t.Fatalf("workers=%d: %d files, want %d", workers, len(files), len(first))
		}
		for name, data := range first {
			if !bytes.Equal(files[name], data) {
				t.Errorf("workers=%d: %s differs", workers, name)
			}
		}
	}
}

func readJSONL[T any](t *testing.T, path string) []T {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 200<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFailedRunLeavesNothing cancels a run once its first shard is complete
// (in the staging directory): the run fails and leaves nothing behind.
func TestFailedRunLeavesNothing(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Output.ShardRows = 20
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sawShard := make(chan struct{})
	go func() {
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(cfg.Output.Dir), ".*.jacorpus-staging-*", "part-00000.parquet")); len(m) > 0 {
				close(sawShard)
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := Run(ctx, cfg, Options{})
	select {
	case <-sawShard:
	default:
		t.Fatalf("the run ended (%v) before its first shard was seen", err)
	}
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v", err)
	}
	es, _ := os.ReadDir(cfg.Output.Dir)
	if len(es) != 0 {
		t.Fatalf("failed run left %d files, e.g. %s", len(es), es[0].Name())
	}
	if left := leftovers(t, cfg.Output.Dir); len(left) > 0 {
		t.Fatalf("failed run left %v beside the output", left)
	}
}

// TestOverwriteKeepsOutputOnConfigError: a bad config is refused before the
// previous run's output is touched.
func TestOverwriteKeepsOutputOnConfigError(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/sample/fixture_docs.jsonl"}}
	cfg.Output.Dir = t.TempDir()
	cfg.Tokenize.Enabled = false
	if _, err := Run(context.Background(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	cfg.Output.Overwrite = true
	cfg.Tokenize = TokenizeConfig{Enabled: true, Options: tokenize.Options{Dictionary: "unidic"}}
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "unknown dictionary") {
		t.Fatalf("err = %v", err)
	}
	if _, err := shard.ReadManifest(filepath.Join(cfg.Output.Dir, "manifest.json")); err != nil {
		t.Fatalf("previous output gone: %v", err)
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	cfg, err := Load(write("inputs: [{path: a.jsonl, preset: none}]\noutput: {dir: o, shard_size: 1.5MiB}\n"))
	if err != nil || cfg.Output.ShardSize != 3<<19 || !cfg.Dedup.Exact || cfg.Filters.Mode != filters.Drop {
		t.Fatalf("load: %+v %v", cfg, err)
	}
	if _, err := Load(write("inputs: []\nfilterz: {}\n")); err == nil || !strings.Contains(err.Error(), ":2: filterz: unknown key") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := Load(write("output: {shard_size: 12 parsecs}\n")); err == nil || !strings.Contains(err.Error(), ":1: output.shard_size:") {
		t.Fatalf("bad size: %v", err)
	}
	bad := Default()
	bad.Inputs = []ingest.Input{{Path: "x.jsonl", Preset: "nope"}}
	bad.Task = TaskConfig{Index: 3, Count: 2}
	err = bad.Validate()
	for _, want := range []string{"inputs[0].preset", "unknown preset", "task.index: 3 must be < task.count (2)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("validate: %v, want %q", err, want)
		}
	}
	for s, want := range map[string]ByteSize{"256MiB": 256 << 20, "1GB": 1e9, "64k": 65536, "1000": 1000} {
		if got, err := ParseByteSize(s); err != nil || got != want {
			t.Errorf("ParseByteSize(%q) = %d, %v", s, got, err)
		}
	}
}

// TestTasksCoverInputs runs the sample as 3 tasks: concatenated in task order,
// the tasks' documents are exactly the single run's (dedup off: it is per task).
func TestTasksCoverInputs(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Exact = false
	cfg.Dedup.Near.Enabled = false
	single, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(res *Result) []string { return resultIDs(t, res) }
	want := ids(single)
	merged := &pipeline.Stats{}
	root := t.TempDir()
	var got []string
	for i := 0; i < 3; i++ {
		c := cfg
		c.Output.Dir = root
		c.Task = TaskConfig{Index: i, Count: 3}
		res, err := Run(context.Background(), c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Dir != filepath.Join(root, fmt.Sprintf("task-%05d", i)) {
			t.Fatalf("task dir %s", res.Dir)
		}
		if res.Files == 0 {
			t.Errorf("task %d got no files", i)
		}
		got = append(got, ids(res)...)
		merged.Merge(res.Stats)
	}
	if !slices.Equal(got, want) || len(want) < 1000 {
		t.Fatalf("tasks wrote %d documents, single run %d (or in another order)", len(got), len(want))
	}
	if merged.Stage("ingest").DocsOut != single.Stats.Stage("ingest").DocsOut {
		t.Fatalf("merged stats: %d docs read, single %d", merged.Stage("ingest").DocsOut, single.Stats.Stage("ingest").DocsOut)
	}
}

// resultIDs reads the ids of every shard of a result, in order.
func resultIDs(t testing.TB, res *Result) []string {
	t.Helper()
	var out []string
	for _, s := range res.Manifest.Shards {
		out = append(out, readShard(t, filepath.Join(res.Dir, s.File)).ids...)
	}
	return out
}

// leftovers lists the staging directories beside dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*.jacorpus-*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range m {
		if !strings.HasSuffix(p, ".jacorpus.lock") {
			out = append(out, filepath.Base(p))
		}
	}
	return out
}

// mustManifest returns the raw manifest.json of dir.
func mustManifest(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
