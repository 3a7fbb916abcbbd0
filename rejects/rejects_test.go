package rejects

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

func TestWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rej")
	w, err := Create(dir)
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
	want := `{"stage":"filters","reason":"too_short","id":"x","source":"web","file":"b.jsonl","line":9,"text":"短い。<b>"}`
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
