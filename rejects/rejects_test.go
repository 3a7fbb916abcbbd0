package rejects

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	d := &pipeline.Document{ID: "x", Text: "短い。<b>", Source: "web", Pos: pipeline.Position{File: "b.jsonl", Line: 9}}
	if err := w.Dropped("filters", "too_short", d); err != nil {
		t.Fatal(err)
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
	var lines []string
	readLines(t, filepath.Join(dir, DroppedFile), func(b []byte) { lines = append(lines, string(b)) })
	want := `{"stage":"filters","reason":"too_short","id":"x","key":0,"source":"web","file":"b.jsonl","line":9,"text":"短い。<b>"}`
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("dropped %q\nwant %q", lines, want)
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
