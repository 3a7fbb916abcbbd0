package rejects

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

func TestWriter(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	probs := []*pipeline.Problem{
		{Pos: pipeline.Position{File: "a.jsonl", Line: 3, Offset: 120}, Kind: pipeline.ProblemInvalidUTF8, Raw: []byte("{\"text\":\"\xff\"}")},
		{Pos: pipeline.Position{File: "a.jsonl", Line: 4, Offset: 140}, Kind: pipeline.ProblemMalformedJSON, Detail: "unexpected end", Raw: []byte(`{"text":"途中`)},
	}
	for _, p := range probs {
		if err := w.Problem(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []ProblemRecord
	readLines(t, filepath.Join(dir, ProblemsFile), func(b []byte) {
		var r ProblemRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	})
	if len(got) != 2 || string(got[0].RawBase64) != "{\"text\":\"\xff\"}" || got[0].Raw != "" ||
		got[1].Raw != `{"text":"途中` || got[1].Line != 4 || got[1].Offset != 140 || got[1].Detail != "unexpected end" {
		t.Errorf("problems %+v", got)
	}
}

// TestDropped: dropped documents come back from dropped.parquet as they
// went in, in order, with the score where the stage left one.
func TestDropped(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Options{RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	scored := &pipeline.Document{ID: "x", Text: "短い。<b>", Source: "web", Key: pipeline.MakeKey(3, 9),
		Pos: pipeline.Position{File: "b.jsonl", Line: 9}}
	scored.Scratch.Set(pipeline.DropScore{}, 0.25)
	dup := &pipeline.Document{ID: "y", Text: "同じ文。", Source: "aozora", Key: pipeline.MakeKey(0, 1)} // no position, no score
	odd := &pipeline.Document{ID: "z", Text: "", Source: "web"}
	odd.Scratch.Set(pipeline.DropScore{}, float32(1)) // not a float64: no score
	for _, c := range []struct {
		stage, reason string
		d             *pipeline.Document
	}{{"filters", "too_short", scored}, {"dedup", "exact_duplicate", dup}, {"filters", "empty", odd}} {
		if err := w.Dropped(c.stage, c.reason, c.d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDropped(filepath.Join(dir, DroppedFile))
	if err != nil {
		t.Fatal(err)
	}
	score := 0.25
	want := []DroppedRecord{
		{Stage: "filters", Reason: "too_short", Score: &score, ID: "x", Key: int64(pipeline.MakeKey(3, 9)), Source: "web", File: "b.jsonl", Line: 9, Text: "短い。<b>"},
		{Stage: "dedup", Reason: "exact_duplicate", ID: "y", Key: 1, Source: "aozora", Text: "同じ文。"},
		{Stage: "filters", Reason: "empty", ID: "z", Source: "web"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dropped:\n%s\nwant\n%s", show(got), show(want))
	}
	if k := pipeline.Key(got[0].Key); k.File() != 3 || k.Record() != 9 {
		t.Errorf("key %v", k)
	}
	s := w.Summary()
	if s.Dropped != 3 || s.Written != 3 || s.Omitted != 0 || !s.Complete || s.Bytes != want[0].size()+want[1].size()+want[2].size() ||
		!slices.Equal(s.Files, []string{ProblemsFile, DroppedFile}) {
		t.Errorf("summary %+v", s)
	}
	checkSchema(t, filepath.Join(dir, DroppedFile))
}

// checkSchema checks the columns of a dropped.parquet, that only score is
// optional and that the columns are zstd-compressed.
func checkSchema(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fl := range pf.Schema().Fields() {
		names = append(names, fl.Name())
		if fl.Optional() != (fl.Name() == "score") {
			t.Errorf("column %s: optional %v", fl.Name(), fl.Optional())
		}
	}
	if want := []string{"stage", "reason", "score", "id", "key", "source", "file", "line", "text"}; !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
	types := map[string]parquet.Kind{"score": parquet.Double, "key": parquet.Int64, "line": parquet.Int64, "text": parquet.ByteArray}
	for _, fl := range pf.Schema().Fields() {
		if k, ok := types[fl.Name()]; ok && fl.Type().Kind() != k {
			t.Errorf("column %s is %v, want %v", fl.Name(), fl.Type().Kind(), k)
		}
	}
	for _, rg := range pf.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("column %v: codec %v", c.MetaData.PathInSchema, c.MetaData.Codec)
			}
		}
	}
}

func show(rs []DroppedRecord) string {
	var b strings.Builder
	for _, r := range rs {
		score := "nil"
		if r.Score != nil {
			score = fmt.Sprint(*r.Score)
		}
		fmt.Fprintf(&b, "  %s %s %s %s %d %s %s:%d %q\n", r.Stage, r.Reason, score, r.ID, r.Key, r.Source, r.File, r.Line, r.Text)
	}
	return b.String()
}

// TestDroppedEmpty: with nothing dropped, dropped.parquet still holds the
// schema, so readers always find it.
func TestDroppedEmpty(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDropped(filepath.Join(dir, DroppedFile))
	if err != nil || len(got) != 0 {
		t.Fatalf("ReadDropped = %v, %v", got, err)
	}
	checkSchema(t, filepath.Join(dir, DroppedFile))
}

// TestDroppedRowGroups: row groups end at the row and byte limits and
// reach the file while the writer runs, so it does not hold every dropped
// document; the rows stay in order across groups.
func TestDroppedRowGroups(t *testing.T) {
	for _, c := range []struct {
		name       string
		rows       int
		groupBytes int64 // 0: the default
		groups     int
	}{
		{"by rows", 2*rowGroupRows + 5000, 0, 3},
		{"by bytes", 1000, 20_000, 9}, // rows of 160 or 168 bytes: 122 a group
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := Create(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.groupBytes > 0 {
				w.groupBytes = c.groupBytes
			}
			path := filepath.Join(dir, DroppedFile)
			var sizes []int64
			for i := range c.rows {
				d := &pipeline.Document{ID: fmt.Sprintf("%05d", i), Key: pipeline.Key(i), Text: strings.Repeat("あ", 40) + fmt.Sprintf("%08d", i)}
				if i%2 == 0 {
					d.Scratch.Set(pipeline.DropScore{}, float64(i)/2)
				}
				w.Dropped("filters", "rule", d)
				if i == c.rows/2 || i == c.rows-1 {
					info, err := os.Stat(path)
					if err != nil {
						t.Fatal(err)
					}
					sizes = append(sizes, info.Size())
				}
			}
			if sizes[0] == 0 || sizes[1] <= sizes[0] {
				t.Errorf("file sizes while writing %v: row groups are not written as they fill", sizes)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, _ := f.Stat()
			pf, err := parquet.OpenFile(f, info.Size())
			if err != nil {
				t.Fatal(err)
			}
			if n := len(pf.RowGroups()); n != c.groups {
				t.Errorf("%d row groups, want %d", n, c.groups)
			}
			got, err := ReadDropped(path)
			if err != nil || len(got) != c.rows {
				t.Fatalf("%d rows, %v", len(got), err)
			}
			for i, r := range got {
				if r.ID != fmt.Sprintf("%05d", i) || r.Key != int64(i) || (i%2 == 0) != (r.Score != nil) || r.Score != nil && *r.Score != float64(i)/2 {
					t.Fatalf("row %d: %s", i, show([]DroppedRecord{r}))
				}
			}
		})
	}
}

func readLines(t *testing.T, path string, fn func([]byte)) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fn(sc.Bytes())
	}
}

// TestNeverReplaces: an existing ingest.jsonl (here: the run's own input)
// is never truncated.
func TestNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, ProblemsFile)
	os.WriteFile(input, []byte(`{"text":"入力"}`+"\n"), 0o644)
	if _, err := Create(dir, Options{}); err == nil {
		t.Fatal("Create over an existing ingest.jsonl succeeded")
	}
	if b, _ := os.ReadFile(input); string(b) != `{"text":"入力"}`+"\n" {
		t.Errorf("input changed: %q", b)
	}
}

// TestCap: the writer stops at MaxBytes, counts what it left out, says so
// in rejects.json and never returns an error to the run.
func TestCap(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Options{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		p := &pipeline.Problem{Pos: pipeline.Position{File: "bomb.jsonl.zst", Line: int64(i + 1)}, Kind: pipeline.ProblemMissingText, Raw: []byte("{}")}
		if err := w.Problem(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := w.Summary()
	info, _ := os.Stat(filepath.Join(dir, ProblemsFile))
	if s.Complete || s.Problems != 100 || s.Written+s.Omitted != 100 || s.Written == 0 || info.Size() != s.Bytes || s.Bytes > 1000 {
		t.Errorf("summary %+v, file %d bytes", s, info.Size())
	}
	owned, err := Owned(dir)
	if err != nil || len(owned) != 3 {
		t.Errorf("Owned = %v, %v", owned, err)
	}
	var idx Summary
	b, _ := os.ReadFile(filepath.Join(dir, IndexFile))
	if err := json.Unmarshal(b, &idx); err != nil || idx.Omitted != s.Omitted || idx.Complete {
		t.Errorf("rejects.json %s: %v", b, err)
	}
}

// TestCapDropped: dropped documents count toward MaxBytes by their field
// bytes; the ones after the cap are counted, not written, and the file is
// still complete and readable.
func TestCapDropped(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Options{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		d := &pipeline.Document{ID: fmt.Sprintf("%03d", i), Text: strings.Repeat("x", 50), Source: "s"}
		if err := w.Dropped("filters", "r", d); err != nil {
			t.Fatal(err)
		}
	}
	w.Problem(&pipeline.Problem{Kind: pipeline.ProblemMissingText}) // after the cap
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := w.Summary()
	const size = 7 + 1 + 3 + 1 + 50 + 8 + 8 // stage, reason, id, source, text, key, line
	if s.Complete || s.Dropped != 100 || s.Problems != 1 || s.Written != 1000/size || s.Omitted != 101-s.Written || s.Bytes != s.Written*size {
		t.Errorf("summary %+v", s)
	}
	got, err := ReadDropped(filepath.Join(dir, DroppedFile))
	if err != nil || int64(len(got)) != s.Written || got[len(got)-1].ID != fmt.Sprintf("%03d", s.Written-1) {
		t.Errorf("%d rows, %v; summary %+v", len(got), err, s)
	}
}

// TestWriteErrorIsKept: a failing disk stops the rejects, not the run.
func TestWriteErrorIsKept(t *testing.T) {
	_, err := os.Stat("/dev/full")
	testcorpus.Need(t, err == nil, "/dev/full")
	dir := t.TempDir()
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	testcorpus.Need(t, err == nil, "a writable /dev/full")
	w.problems.Close()
	w.problems = f
	w.pw.Reset(f)
	big := make([]byte, 2<<20) // more than the buffer: the write reaches the device
	for i := range big {
		big[i] = 'a'
	}
	for i := 0; i < 3; i++ {
		if err := w.Problem(&pipeline.Problem{Kind: pipeline.ProblemLineTooLong, Raw: big}); err != nil {
			t.Fatalf("Problem returned %v", err)
		}
	}
	if err := w.Close(); err == nil || w.Summary().Complete || w.Summary().Error == "" {
		t.Errorf("Close = %v, summary %+v", err, w.Summary())
	}
}

// TestDroppedWriteError: a failing disk under dropped.parquet stops the
// rejects, not the run; a file without its footer cannot be read, so none
// of its rows counts as written.
func TestDroppedWriteError(t *testing.T) {
	_, err := os.Stat("/dev/full")
	testcorpus.Need(t, err == nil, "/dev/full")
	for _, c := range []struct {
		name      string
		groupRows int64
	}{{"row group", 3}, {"footer", rowGroupRows}} {
		t.Run(c.name, func(t *testing.T) {
			w, err := Create(t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			testcorpus.Need(t, err == nil, "a writable /dev/full")
			w.dropped.Close()
			w.dropped = f
			w.dw.Reset(f)
			w.groupRows = c.groupRows
			w.Problem(&pipeline.Problem{Kind: pipeline.ProblemMissingText}) // in ingest.jsonl: stays written
			for i := range 5 {
				if err := w.Dropped("filters", "r", &pipeline.Document{ID: fmt.Sprint(i), Text: "本文"}); err != nil {
					t.Fatalf("Dropped returned %v", err)
				}
			}
			err = w.Close()
			s := w.Summary()
			if err == nil || s.Complete || s.Error == "" || s.Written != 1 || s.Omitted != 5 || s.Dropped != 5 {
				t.Errorf("Close = %v, summary %+v", err, s)
			}
		})
	}
}

// TestProblemsErrorKeepsDropped: when ingest.jsonl fails, the rows already
// in dropped.parquet are still closed into a readable file.
func TestProblemsErrorKeepsDropped(t *testing.T) {
	_, err := os.Stat("/dev/full")
	testcorpus.Need(t, err == nil, "/dev/full")
	dir := t.TempDir()
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	testcorpus.Need(t, err == nil, "a writable /dev/full")
	w.problems.Close()
	w.problems = f
	w.pw.Reset(f)
	for i := range 3 {
		w.Dropped("dedup", "exact_duplicate", &pipeline.Document{ID: fmt.Sprint(i)})
	}
	w.Problem(&pipeline.Problem{Kind: pipeline.ProblemLineTooLong, Raw: make([]byte, 2<<20)}) // past the buffer: fails
	w.Dropped("dedup", "exact_duplicate", &pipeline.Document{ID: "after"})
	if err := w.Close(); err == nil {
		t.Error("Close succeeded")
	}
	got, err := ReadDropped(filepath.Join(dir, DroppedFile))
	if s := w.Summary(); err != nil || len(got) != 3 || s.Written != 3 || s.Omitted != 2 {
		t.Errorf("%d rows, %v; summary %+v", len(got), err, s)
	}
}

// TestOwnedOlderRejects: rejects without an index (an older jacorpus, or
// another tool) are named, not silently taken or replaced.
func TestOwnedOlderRejects(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ProblemsFile), []byte("{}\n"), 0o644)
	if _, err := Owned(dir); err == nil || !strings.Contains(err.Error(), "no "+IndexFile) {
		t.Errorf("Owned = %v", err)
	}
	// a writer's index exists from the start
	d2 := t.TempDir()
	w, err := Create(d2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if owned, err := Owned(d2); err != nil || len(owned) != 3 {
		t.Errorf("before Close: %v %v", owned, err)
	}
	w.Close()
}

// TestOwnedLegacyDropped: the dropped.jsonl of an older jacorpus, listed in
// its index, is owned, so that --overwrite replaces such a directory.
func TestOwnedLegacyDropped(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, IndexFile), []byte(`{"files":["ingest.jsonl","dropped.jsonl","notes.txt"]}`), 0o644)
	owned, err := Owned(dir)
	if want := []string{IndexFile, ProblemsFile, "dropped.jsonl"}; err != nil || !slices.Equal(owned, want) {
		t.Errorf("Owned = %v, %v; want %v", owned, err, want)
	}
}
