// Package testcorpus loads the real documents of testdata/ for tests and
// benchmarks, so that every package reads the fixture the same way. (Reading
// shards back with Apache Arrow is in internal/interop, the one test package
// that builds Arrow.)
package testcorpus

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// FixtureDocs is the number of documents in testdata/sample/fixture_docs.jsonl.
const FixtureDocs = 86

// Path returns the path of rel inside the module's testdata directory.
func Path(rel string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", rel)
}

// Fixture parses testdata/sample/fixture_docs.jsonl: 86 real documents (laws,
// Diet speeches, Aozora works). Fields other than id, source, text and url
// become Meta (strings as they are, other JSON values as their JSON text);
// Pos is the file and line.
func Fixture(tb testing.TB) []*pipeline.Document {
	tb.Helper()
	path := Path("sample/fixture_docs.jsonl")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var docs []*pipeline.Document
	line := int64(0)
	for sc.Scan() {
		line++
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatalf("%s:%d: %v", path, line, err)
		}
		d := &pipeline.Document{Meta: map[string]string{}, Pos: pipeline.Position{File: path, Line: line}}
		for k, raw := range rec {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				s = string(raw) // not a string: keep its JSON text
			}
			switch k {
			case "id":
				d.ID = s
			case "source":
				d.Source = s
			case "text":
				d.Text = s
			case "url":
				d.URL = s
			default:
				d.Meta[k] = s
			}
		}
		if d.ID == "" || d.Text == "" {
			tb.Fatalf("%s:%d: missing id or text", path, line)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(docs) != FixtureDocs {
		tb.Fatalf("fixture has %d documents, want %d", len(docs), FixtureDocs)
	}
	return docs
}

// TextBytes sums the text bytes of docs (for b.SetBytes).
func TextBytes(docs []*pipeline.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Text))
	}
	return n
}

// Need skips the test when ok is false because what is missing from the
// machine; with CI=true it fails instead, so that CI never passes by
// skipping.
func Need(tb testing.TB, ok bool, what string) {
	tb.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is missing (CI=true: a missing tool fails the test)", what)
	}
	tb.Skipf("%s is missing", what)
}
