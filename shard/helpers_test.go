package shard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// loadFixture returns the real fixture documents with Tokens set to a
// deterministic stand-in for the tokenizer (runes/2 + line number) so that
// the column is not constant.
func loadFixture(t testing.TB) []*pipeline.Document {
	t.Helper()
	docs := testcorpus.Fixture(t)
	for _, d := range docs {
		d.Tokens = utf8.RuneCountInString(d.Text)/2 + int(d.Pos.Line)
	}
	return docs
}

// readBack reads a shard with the Apache Arrow Go Parquet reader (an
// implementation independent of the writer) and returns its rows. It fails
// the test if the schema differs from Row's or a value is null.
func readBack(t testing.TB, path string) []Row {
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
	if int(tbl.NumCols()) != len(columns) {
		t.Fatalf("%s: %d columns, want %d", path, tbl.NumCols(), len(columns))
	}
	rows := make([]Row, tbl.NumRows())
	for ci, name := range columns {
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

// writeAll writes docs in batches of the given sizes (cycled; the rest of the
// documents in one batch when sizes is empty) and closes the writer.
func writeAll(t testing.TB, opts Options, docs []*pipeline.Document, sizes ...int) []Info {
	t.Helper()
	w, err := NewWriter(opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := 0, 0; i < len(docs); k++ {
		n := len(docs) - i
		if len(sizes) > 0 {
			n = min(sizes[k%len(sizes)], n)
		}
		if err := w.Write(docs[i : i+n]); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	infos, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

// dirNames lists the names in dir, sorted.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// fileSHA256 hashes a file from disk.
func fileSHA256(t testing.TB, path string) (string, int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), int64(len(data))
}

// readDirFiles returns the content of every shard in infos.
func readDirFiles(t testing.TB, dir string, infos []Info) [][]byte {
	t.Helper()
	var out [][]byte
	for _, in := range infos {
		data, err := os.ReadFile(filepath.Join(dir, in.File))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}
