// Package testcorpus loads the real documents of testdata/ for tests and
// benchmarks, so that every package reads the fixture the same way, and
// reads shards back with Apache Arrow's independent Parquet reader.
package testcorpus

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

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

// ShardRow is one row of a jacorpus shard as Apache Arrow reads it.
type ShardRow struct {
	ID     string
	Text   string
	Source string
	URL    string
	Meta   string
	Tokens int64
}

// ShardColumns are the columns of a jacorpus shard, in order.
var ShardColumns = []string{"id", "text", "source", "url", "meta", "tokens"}

// ReadShard reads a Parquet shard with the Apache Arrow Go Parquet reader
// (pqarrow, an implementation independent of the parquet-go writer) and
// returns its rows. It fails the test if the columns are not ShardColumns
// in order, have other types, or hold a null.
func ReadShard(t testing.TB, path string) []ShardRow {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("arrow: open %s: %v", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("arrow: %s: %v", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("arrow: read %s: %v", path, err)
	}
	defer tbl.Release()
	if int(tbl.NumCols()) != len(ShardColumns) {
		t.Fatalf("%s: %d columns, want %d", path, tbl.NumCols(), len(ShardColumns))
	}
	rows := make([]ShardRow, tbl.NumRows())
	for ci, name := range ShardColumns {
		col := tbl.Column(ci)
		if col.Name() != name {
			t.Fatalf("%s: column %d is %q, want %q", path, ci, col.Name(), name)
		}
		i := 0
		for _, chunk := range col.Data().Chunks() {
			for j := 0; j < chunk.Len(); j++ {
				if chunk.IsNull(j) {
					t.Fatalf("%s: column %s row %d is null", path, name, i)
				}
				r := &rows[i]
				switch a := chunk.(type) {
				case *array.String:
					v := strings.Clone(a.Value(j))
					switch name {
					case "id":
						r.ID = v
					case "text":
						r.Text = v
					case "source":
						r.Source = v
					case "url":
						r.URL = v
					case "meta":
						r.Meta = v
					default:
						t.Fatalf("%s: unexpected string column %s", path, name)
					}
				case *array.Int64:
					if name != "tokens" {
						t.Fatalf("%s: unexpected int64 column %s", path, name)
					}
					r.Tokens = a.Value(j)
				default:
					t.Fatalf("%s: column %s has arrow type %s", path, name, chunk.DataType())
				}
				i++
			}
		}
		if i != len(rows) {
			t.Fatalf("%s: column %s has %d values, want %d", path, name, i, len(rows))
		}
	}
	return rows
}
