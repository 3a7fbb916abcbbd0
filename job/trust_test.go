package job

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jacorpus/jacorpus/filters"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
)

// quickConfig reads inputs without tokenizing (fast) into a new directory.
func quickConfig(t *testing.T, inputs ...ingest.Input) Config {
	cfg := Default()
	cfg.Inputs = inputs
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Output.ShardRows = 30
	cfg.Tokenize.Enabled = false
	return cfg
}

func copyFile(t *testing.T, from, to string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// dataset returns every file of a committed output, the manifest without
// its run section.
func dataset(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == shard.ManifestName {
			b = stripTimings(t, b)
		}
		out[e.Name()] = b
	}
	return out
}

func sameDataset(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d files, want %d", what, len(b), len(a))
	}
	for name, data := range a {
		if !bytes.Equal(b[name], data) {
			t.Errorf("%s: %s differs", what, name)
			if name == shard.ManifestName {
				t.Logf("want %s\n got %s", data, b[name])
			}
		}
	}
}

// TestIdentityIndependentOfSpelling: relative, ./, absolute, symlinked and
// relocated inputs give byte-identical shards and manifests (apart from run).
func TestIdentityIndependentOfSpelling(t *testing.T) {
	top := t.TempDir()
	copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(top, "corpus/web/fixture_docs.jsonl"))
	for _, f := range []string{"rashomon-utf-8.txt", "aozora_1515_ruby_7773.txt"} {
		copyFile(t, "../testdata/raw/"+f, filepath.Join(top, "corpus/books", f))
	}
	moved := t.TempDir()
	if err := os.Rename(filepath.Join(top, "corpus"), filepath.Join(moved, "corpus")); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(moved, "corpus/web/fixture_docs.jsonl"), filepath.Join(top, "corpus/web/fixture_docs.jsonl"))
	for _, f := range []string{"rashomon-utf-8.txt", "aozora_1515_ruby_7773.txt"} {
		copyFile(t, filepath.Join(moved, "corpus/books", f), filepath.Join(top, "corpus/books", f))
	}
	if err := os.Symlink(filepath.Join(top, "corpus"), filepath.Join(top, "current")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(top)
	books := ingest.Input{Format: ingest.FormatText, Encoding: "shift_jis"}
	spell := func(web, book string) []ingest.Input {
		b := books
		b.Path = book
		return []ingest.Input{{Path: web}, {Path: "corpus/books/rashomon-utf-8.txt", Format: ingest.FormatText}, b}
	}
	spellings := map[string][]ingest.Input{
		"relative":  spell("corpus/web/fixture_docs.jsonl", "corpus/books/aozora_*.txt"),
		"dot":       spell("./corpus/web/fixture_docs.jsonl", "./corpus/books/aozora_*.txt"),
		"absolute":  spell(filepath.Join(top, "corpus/web/fixture_docs.jsonl"), filepath.Join(top, "corpus/books/aozora_*.txt")),
		"symlinked": spell("current/web/fixture_docs.jsonl", "current/books/aozora_*.txt"),
		"relocated": spell(filepath.Join(moved, "corpus/web/fixture_docs.jsonl"), filepath.Join(moved, "corpus/books/aozora_*.txt")),
	}
	var want map[string][]byte
	for _, name := range []string{"relative", "dot", "absolute", "symlinked", "relocated"} {
		cfg := quickConfig(t, spellings[name]...)
		if _, err := Run(context.Background(), cfg, Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := dataset(t, cfg.Output.Dir)
		if want == nil {
			want = got
			if !bytes.Contains(got[shard.ManifestName], []byte(`"books/aozora_1515_ruby_7773.txt"`)) {
				t.Errorf("manifest lacks the stable file name:\n%s", got[shard.ManifestName])
			}
			continue
		}
		sameDataset(t, name, want, got)
	}
}

// TestRejectsNeverDestroys: an existing ingest.jsonl (here the run's own
// input) is never truncated, and two tasks with the same rejects directory
// keep both tasks' records.
func TestRejectsNeverDestroys(t *testing.T) {
	v := t.TempDir()
	input := copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(v, "ingest.jsonl"))
	before, _ := os.ReadFile(input)
	cfg := quickConfig(t, ingest.Input{Path: input})
	cfg.Rejects = v
	for _, overwrite := range []bool{false, true} {
		cfg.Output.Overwrite = overwrite
		_, err := Run(context.Background(), cfg, Options{})
		if err == nil {
			t.Fatalf("overwrite=%v: a rejects directory holding the input was accepted", overwrite)
		}
		if after, _ := os.ReadFile(input); !bytes.Equal(before, after) {
			t.Fatalf("overwrite=%v: the input was changed (%d → %d bytes): %v", overwrite, len(before), len(after), err)
		}
	}
	// a foreign ingest.jsonl that is not an input: refused too, even with --overwrite
	other := t.TempDir()
	copyFile(t, input, filepath.Join(other, "ingest.jsonl"))
	cfg.Rejects = other
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "ingest.jsonl but no rejects.json") {
		t.Fatalf("foreign ingest.jsonl: %v", err)
	}

	// two tasks, one rejects directory: each keeps its own records
	dir := t.TempDir()
	lines := fixtureLines(t)
	a := writeFile(t, dir, "a.jsonl", []byte(lines[0]+"\n{\"id\":\"bad-a\"}\n"))
	b := writeFile(t, dir, "b.jsonl", []byte(lines[1]+"\n{\"id\":\"bad-b\"}\n"))
	_, _ = a, b
	rej := filepath.Join(t.TempDir(), "rej")
	for i := 0; i < 2; i++ {
		cfg := quickConfig(t, ingest.Input{Path: dir})
		cfg.Output.Dir = filepath.Join(filepath.Dir(rej), "out")
		cfg.Rejects = rej
		cfg.Task = TaskConfig{Index: i, Count: 2}
		if _, err := Run(context.Background(), cfg, Options{}); err != nil {
			t.Fatalf("task %d: %v", i, err)
		}
	}
	for i, want := range []string{"a.jsonl:2", "b.jsonl:2"} {
		pr := readJSONL[rejects.ProblemRecord](t, filepath.Join(rej, fmt.Sprintf("task-%05d", i), rejects.ProblemsFile))
		if len(pr) != 1 || !strings.HasSuffix(pr[0].File+fmt.Sprintf(":%d", pr[0].Line), want) {
			t.Errorf("task %d rejects: %+v, want one problem at %s", i, pr, want)
		}
	}
}

// TestOverwriteRefusesForeignFiles: --overwrite removes only what the
// previous manifest lists; a Spark part file is named and the run refuses.
func TestOverwriteRefusesForeignFiles(t *testing.T) {
	cfg := quickConfig(t, ingest.Input{Path: "../testdata/sample/fixture_docs.jsonl"})
	if _, err := Run(context.Background(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	spark := filepath.Join(cfg.Output.Dir, "part-00000-3f9c1a2e-c000.snappy.parquet")
	os.WriteFile(spark, []byte("PAR1"), 0o644)
	before := dataset(t, cfg.Output.Dir)
	cfg.Output.Overwrite = true
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Base(spark)) {
		t.Fatalf("err = %v, want a refusal naming the Spark file", err)
	}
	sameDataset(t, "after the refusal", before, dataset(t, cfg.Output.Dir))
	os.Remove(spark)
	if _, err := Run(context.Background(), cfg, Options{}); err != nil {
		t.Fatalf("without the foreign file: %v", err)
	}
}

// TestOutputInsideInputRefused: with two tasks, task 1 would have read task
// 0's shards and manifest as input; every task refuses before reading.
func TestOutputInsideInputRefused(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(dir, "a.jsonl"))
	copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(dir, "b.jsonl"))
	for _, c := range []struct{ input, output, rejects string }{
		{dir, filepath.Join(dir, "out"), ""},
		{filepath.Join(dir, "**/*.json*"), filepath.Join(t.TempDir(), "out"), filepath.Join(dir, "rej")},
		{filepath.Join(dir, "a.jsonl"), dir, ""}, // the input inside the output
	} {
		for i := 0; i < 2; i++ {
			cfg := quickConfig(t, ingest.Input{Path: c.input})
			cfg.Output.Dir, cfg.Rejects = c.output, c.rejects
			cfg.Task = TaskConfig{Index: i, Count: 2}
			_, err := Run(context.Background(), cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), "inside") {
				t.Errorf("input %s, output %s, rejects %q, task %d: %v", c.input, c.output, c.rejects, i, err)
			}
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("the input directory changed: %d entries", len(es))
	}
}

// TestOutputCheckedFirst: an output that cannot be created fails before any
// input is read (the input is a FIFO nobody writes: reading it would hang)
// and the error names the output path.
func TestOutputCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "stream.jsonl")
	testcorpus.Need(t, mkfifo(fifo) == nil, "mkfifo")
	file := writeFile(t, dir, "file", nil)
	cfg := quickConfig(t, ingest.Input{Path: fifo})
	cfg.Output.Dir = filepath.Join(file, "out")
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "output directory "+cfg.Output.Dir) {
		t.Fatalf("err = %v", err)
	}
}

// TestHonestFailure: a run whose input is unreadable, gives no document or
// is mostly problems fails and commits nothing.
func TestHonestFailure(t *testing.T) {
	dir := t.TempDir()
	lines := fixtureLines(t)
	empties := writeFile(t, dir, "empties.jsonl", []byte(strings.Repeat("{}\n", 1000)))
	mostlyBad := writeFile(t, dir, "mostly.jsonl", []byte(lines[0]+"\n"+strings.Repeat("{}\n", 3)))
	good := writeFile(t, dir, "good.jsonl", []byte(strings.Join(lines[:5], "\n")+"\n"))
	gone := filepath.Join(dir, "gone.jsonl")
	writeFile(t, dir, "gone.jsonl", []byte(lines[0]+"\n"))
	cases := []struct {
		name    string
		inputs  []string
		setup   func(*Config)
		wantErr string
	}{
		{"all {}", []string{empties}, nil, "gave no document"},
		{"mostly problems", []string{mostlyBad}, nil, "more than max_problem_ratio 0.5"},
		{"mostly problems, allowed", []string{mostlyBad}, func(c *Config) { c.MaxProblemRatio = 0.8 }, ""},
		{"a file with no document among good ones", []string{good, empties}, func(c *Config) { c.MaxProblemRatio = 1 }, "empties.jsonl: no_documents (0 documents, 1000 problems)"},
		{"allowed bad file", []string{good, empties}, func(c *Config) { c.MaxProblemRatio = 1; c.MaxBadFiles = 1 }, ""},
		{"unreadable", []string{gone}, func(*Config) { os.Chmod(gone, 0) }, "cannot be read"},
		// opens, but every read fails (EIO), also for root
		{"read error", []string{"/proc/self/mem"}, func(c *Config) { c.Inputs[0].Format = ingest.FormatJSONL }, "mem: unreadable at mem:1 (0 documents"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var inputs []ingest.Input
			for _, p := range c.inputs {
				inputs = append(inputs, ingest.Input{Path: p})
			}
			cfg := quickConfig(t, inputs...)
			if c.setup != nil {
				c.setup(&cfg)
			}
			if c.name == "unreadable" && os.Geteuid() == 0 {
				t.Skip("root reads every file (the next case fails a read as root too)")
			}
			if _, err := os.Stat("/proc/self/mem"); c.name == "read error" && err != nil {
				testcorpus.Need(t, false, "/proc/self/mem")
			}
			_, err := Run(context.Background(), cfg, Options{})
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FailedError
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || (c.name != "unreadable" && !errors.As(err, &fe)) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if _, err := os.Stat(cfg.Output.Dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed run created its output: %v", err)
			}
		})
	}
}

// TestUnreadableFileFailsFast: a file that cannot be opened (removed after
// listing: the same for root and others) is a bad file.
func TestUnreadableFileFailsFast(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.jsonl", []byte(fixtureLines(t)[0]+"\n"))
	cfg := quickConfig(t, ingest.Input{Path: p})
	files, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	if err := preflight(context.Background(), &cfg, files); err == nil || !strings.Contains(err.Error(), "a.jsonl cannot be read") {
		t.Errorf("preflight: %v", err)
	}
}

// TestEmptyTaskSaysSo: more tasks than files: the empty task succeeds and
// its manifest and result say it had no file.
func TestEmptyTaskSaysSo(t *testing.T) {
	cfg := quickConfig(t, ingest.Input{Path: "../testdata/sample/fixture_docs.jsonl"})
	cfg.Task = TaskConfig{Index: 1, Count: 2}
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(filepath.Join(res.Dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 0 || m.Task == nil || !m.Task.Empty || m.Totals.Rows != 0 {
		t.Errorf("files %d, task %+v, rows %d", res.Files, m.Task, m.Totals.Rows)
	}
}

// TestDuplicateIDs: repeated ids are counted, and a file:line fallback id
// that equals an input's own id is one of them.
func TestDuplicateIDs(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Base(dir)
	body := `{"id":"` + name + `/b.jsonl:2","text":"` + strings.Repeat("日本語の文章です。", 10) + "\"}\n" +
		`{"text":"` + strings.Repeat("別の日本語の文章です。", 10) + "\"}\n" +
		`{"id":"x","text":"` + strings.Repeat("三つ目の日本語の文章です。", 10) + "\"}\n" +
		`{"id":"x","text":"` + strings.Repeat("四つ目の日本語の文章です。", 10) + "\"}\n"
	writeFile(t, dir, "b.jsonl", []byte(body))
	cfg := quickConfig(t, ingest.Input{Path: dir})
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.DuplicateIDs != 2 || res.Manifest.DuplicateIDs != 2 {
		t.Errorf("duplicate ids %d (manifest %d), want 2", res.DuplicateIDs, res.Manifest.DuplicateIDs)
	}
}

// TestManifestDeterministic: two identical runs give byte-identical
// manifests apart from the run section (busy times moved there).
func TestManifestDeterministic(t *testing.T) {
	var first []byte
	for i := 0; i < 2; i++ {
		cfg := quickConfig(t, ingest.Input{Path: "../testdata/sample/fixture_docs.jsonl"})
		cfg.Workers = 1 + i
		if _, err := Run(context.Background(), cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(cfg.Output.Dir, shard.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		json.Unmarshal(raw, &m)
		if !bytes.Contains(m["run"], []byte(`"busy_seconds"`)) || bytes.Contains(m["stats"], []byte("seconds")) {
			t.Errorf("timings belong in the run section:\nstats %s\nrun %s", m["stats"], m["run"])
		}
		delete(m, "run")
		b, _ := json.Marshal(m)
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Errorf("manifests differ:\n%s\n%s", first, b)
		}
	}
}

func mkfifo(path string) error { return mkfifoSys(path) }

// TestPresetConflictEveryTask: two inputs giving one source different
// presets are refused by every task, also when they fall into different
// tasks' slices.
func TestPresetConflictEveryTask(t *testing.T) {
	dir := t.TempDir()
	a := copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(dir, "a.jsonl"))
	b := copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(dir, "b.jsonl"))
	for i := 0; i < 2; i++ {
		cfg := quickConfig(t, ingest.Input{Path: a, Source: "web"}, ingest.Input{Path: b, Source: "web", Preset: "none"})
		cfg.Task = TaskConfig{Index: i, Count: 2}
		if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), `source "web"`) {
			t.Errorf("task %d of 2: %v", i, err)
		}
	}
}

// TestWorkersClamped: a worker count far above the cores is clamped (a
// million workers used 6 GB for a 0.5 MB input).
func TestWorkersClamped(t *testing.T) {
	cfg := quickConfig(t, ingest.Input{Path: "../testdata/sample/fixture_docs.jsonl"})
	cfg.Workers = 1_000_000
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Workers != runtime.GOMAXPROCS(0) {
		t.Errorf("%d workers, want GOMAXPROCS %d", res.Workers, runtime.GOMAXPROCS(0))
	}
}

// TestRejectsCapKeepsDataset: a zstd bomb of a million {} lines would write
// 131 MB of rejects; the cap stops that, the dataset is still committed and
// the result says the rejects are incomplete.
func TestRejectsCapKeepsDataset(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.jsonl", []byte(strings.Join(fixtureLines(t)[:20], "\n")+"\n"))
	bomb := writeFile(t, dir, "bomb.jsonl", []byte(strings.Repeat("{}\n", 20000)))
	cfg := quickConfig(t, ingest.Input{Path: good}, ingest.Input{Path: bomb})
	cfg.Rejects = filepath.Join(t.TempDir(), "rej")
	cfg.RejectsMaxBytes = 64 << 10
	cfg.MaxProblemRatio, cfg.MaxBadFiles = 1, 1
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.RejectsErr == nil || res.Rejects == nil || res.Rejects.Complete || res.Rejects.Problems != 20000 {
		t.Fatalf("rejects err %v, summary %+v", res.RejectsErr, res.Rejects)
	}
	info, err := os.Stat(filepath.Join(cfg.Rejects, rejects.ProblemsFile))
	if err != nil || info.Size() > 64<<10 {
		t.Errorf("ingest.jsonl: %v, %d bytes", err, info.Size())
	}
	if _, err := shard.ReadManifest(filepath.Join(cfg.Output.Dir, shard.ManifestName)); err != nil || res.Manifest.Totals.Rows == 0 {
		t.Errorf("dataset not committed: %v", err)
	}
	// the rejects name the run of the dataset they belong to
	var idx rejects.Summary
	b, _ := os.ReadFile(filepath.Join(cfg.Rejects, rejects.IndexFile))
	if err := json.Unmarshal(b, &idx); err != nil || idx.RunID == "" || idx.RunID != res.Manifest.Run.RunID {
		t.Errorf("rejects run id %q, manifest %q: %v", idx.RunID, res.Manifest.Run.RunID, err)
	}
}

// TestTaskDirectoriesDoNotMix: a 2-task job refuses a directory with task
// directories of a 3-task job, or a single-task dataset; tasks of one job
// record the same job digest.
func TestTaskDirectoriesDoNotMix(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		copyFile(t, "../testdata/sample/fixture_docs.jsonl", filepath.Join(dir, n+".jsonl"))
	}
	out := filepath.Join(t.TempDir(), "out")
	run := func(i, n int, overwrite bool) (*Result, error) {
		cfg := quickConfig(t, ingest.Input{Path: dir})
		cfg.Output.Dir, cfg.Output.Overwrite = out, overwrite
		cfg.Task = TaskConfig{Index: i, Count: n}
		return Run(context.Background(), cfg, Options{})
	}
	var digests []string
	for i := 0; i < 3; i++ {
		res, err := run(i, 3, false)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, res.Manifest.Task.JobSHA256)
	}
	if digests[0] == "" || digests[0] != digests[1] || digests[1] != digests[2] {
		t.Errorf("job digests %v", digests)
	}
	if _, err := run(0, 2, true); err == nil || !strings.Contains(err.Error(), "task-00002") {
		t.Errorf("2 tasks over a 3-task job's directory: %v", err)
	}
	single := filepath.Join(t.TempDir(), "single")
	cfg := quickConfig(t, ingest.Input{Path: dir})
	cfg.Output.Dir = single
	if _, err := Run(context.Background(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	cfg.Task = TaskConfig{Index: 0, Count: 2}
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "single-task") {
		t.Errorf("tasks into a single-task dataset: %v", err)
	}
}

// TestEveryDocumentDroppedFails: a run whose documents are all filtered out
// would commit an empty dataset (and with --overwrite replace a good one).
func TestEveryDocumentDroppedFails(t *testing.T) {
	cfg := quickConfig(t, ingest.Input{Path: "../testdata/sample/fixture_docs.jsonl"})
	if _, err := Run(context.Background(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	before := dataset(t, cfg.Output.Dir)
	cfg.Output.Overwrite = true
	cfg.Filters.SetBound("default", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 10_000_000})
	cfg.Filters.SetBound("default", "too_long", filters.Bound{Cmp: filters.LessEq, Value: 20_000_000})
	cfg.Rejects = filepath.Join(t.TempDir(), "rej")
	_, err := Run(context.Background(), cfg, Options{})
	var fe *FailedError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "dataset would be empty") || fe.RejectsDir != cfg.Rejects {
		t.Fatalf("err = %v", err)
	}
	sameDataset(t, "after the refused empty run", before, dataset(t, cfg.Output.Dir))
	if dr, err := rejects.ReadDropped(filepath.Join(cfg.Rejects, rejects.DroppedFile)); err != nil || len(dr) != 86 {
		t.Errorf("%d dropped records in the rejects, want 86 (%v)", len(dr), err)
	}
}

// TestManifestTyped: ReadManifest gives every section its type back, and
// nothing is lost: the manifest read from disk encodes to the same bytes.
func TestManifestTyped(t *testing.T) {
	cfg := sampleConfig(t)
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(res.Dir, shard.ManifestName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config == nil || m.Task == nil || m.Run == nil || m.Stats == nil || m.Filters == nil || len(m.Inputs) == 0 {
		t.Fatalf("sections missing after reading back: config %v task %v run %v stats %v filters %v inputs %d",
			m.Config != nil, m.Task != nil, m.Run != nil, m.Stats != nil, m.Filters != nil, len(m.Inputs))
	}
	if m.Run.RunID != res.Manifest.Run.RunID || m.Config.Output.ShardSize != cfg.Output.ShardSize || len(m.ConfigSHA256) != 64 {
		t.Errorf("run id %q (want %q), shard size %d (want %d), config digest %q",
			m.Run.RunID, res.Manifest.Run.RunID, m.Config.Output.ShardSize, cfg.Output.ShardSize, m.ConfigSHA256)
	}
	again, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if again = append(again, '\n'); !bytes.Equal(again, raw) {
		i := 0
		for i < len(raw) && i < len(again) && raw[i] == again[i] {
			i++
		}
		t.Errorf("manifest read back encodes differently from byte %d:\nfile  %.300s\nagain %.300s", i, raw[max(0, i-100):], again[max(0, i-100):])
	}
}
