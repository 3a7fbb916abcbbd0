package interop

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// shardRow is one row of a jacorpus shard as Apache Arrow reads it.
type shardRow struct {
	ID     string
	Text   string
	Source string
	URL    string
	Meta   string
	Tokens int64
}

// shardColumns are the columns of a jacorpus shard, in order.
var shardColumns = []string{"id", "text", "source", "url", "meta", "tokens"}

// readShard reads a Parquet shard with the Apache Arrow Go Parquet reader
// (pqarrow, an implementation independent of the parquet-go writer) and
// returns its rows. It fails the test if the columns are not shardColumns
// in order, have other types, or hold a null.
func readShard(t testing.TB, path string) []shardRow {
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
	if int(tbl.NumCols()) != len(shardColumns) {
		t.Fatalf("%s: %d columns, want %d", path, tbl.NumCols(), len(shardColumns))
	}
	rows := make([]shardRow, tbl.NumRows())
	for ci, name := range shardColumns {
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
