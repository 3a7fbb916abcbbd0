package rejects

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// writePart writes a part's rejects: n problems and n dropped documents
// from file name, with cap maxBytes.
func writePart(t *testing.T, dir, name string, n int, maxBytes int64) Summary {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := Create(dir, Options{MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		w.Problem(&pipeline.Problem{Pos: pipeline.Position{File: name, Line: int64(2*i + 1)}, Kind: pipeline.ProblemMalformedJSON, Raw: []byte(`{"text": "途中`)})
		d := &pipeline.Document{ID: name + "#" + string(rune('a'+i)), Text: "短すぎる文書", Source: "web", Pos: pipeline.Position{File: name, Line: int64(2*i + 2)}}
		w.Dropped("filters", "min_chars", d)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Summary()
}

// TestAppend: the parts' rejects appended in order are the records and
// counts one Writer writes for all of them; under a cap, the appended
// records stop at it and the rest count as omitted.
func TestAppend(t *testing.T) {
	for _, c := range []struct {
		name     string
		maxBytes int64
	}{{"no cap", 0}, {"cap inside the second part", 1500}, {"cap inside the first part", 200}} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			one := filepath.Join(root, "one")
			os.Mkdir(one, 0o755)
			w, err := Create(one, Options{MaxBytes: c.maxBytes})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"a.jsonl", "b.jsonl"} {
				for i := range 5 {
					w.Problem(&pipeline.Problem{Pos: pipeline.Position{File: name, Line: int64(2*i + 1)}, Kind: pipeline.ProblemMalformedJSON, Raw: []byte(`{"text": "途中`)})
				}
			}
			w.Close()
			merged := filepath.Join(root, "merged")
			os.Mkdir(merged, 0o755)
			m, err := Create(merged, Options{MaxBytes: c.maxBytes})
			if err != nil {
				t.Fatal(err)
			}
			var seen int64
			for _, name := range []string{"a.jsonl", "b.jsonl"} {
				s := writePart(t, filepath.Join(root, name), name, 5, c.maxBytes)
				seen += s.Problems + s.Dropped
				if err := m.Append(filepath.Join(root, name)); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			s := m.Summary()
			if s.Problems != 10 || s.Dropped != 10 || s.Written+s.Omitted != seen || s.Bytes > s.MaxBytes {
				t.Errorf("summary %+v", s)
			}
			if s.Complete != (c.maxBytes == 0) {
				t.Errorf("complete %v with cap %d", s.Complete, c.maxBytes)
			}
			rows, err := ReadDropped(filepath.Join(merged, DroppedFile))
			if err != nil {
				t.Fatal(err)
			}
			if c.maxBytes == 0 {
				if len(rows) != 10 || rows[0].ID != "a.jsonl#a" || rows[9].ID != "b.jsonl#e" {
					t.Errorf("dropped rows %+v", rows)
				}
				// the problems are the bytes one writer writes
				a, _ := os.ReadFile(filepath.Join(one, ProblemsFile))
				b, _ := os.ReadFile(filepath.Join(merged, ProblemsFile))
				if !reflect.DeepEqual(a, b) {
					t.Errorf("merged problems differ from one writer's:\n%s\n%s", a, b)
				}
			}
			info, _ := os.Stat(filepath.Join(merged, ProblemsFile))
			if got := info.Size() + dropBytes(rows); got != s.Bytes {
				t.Errorf("%d bytes written, summary says %d", got, s.Bytes)
			}
		})
	}
}

func dropBytes(rows []DroppedRecord) int64 {
	var n int64
	for i := range rows {
		n += rows[i].size()
	}
	return n
}
