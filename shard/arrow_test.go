package shard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/jacorpus/jacorpus/pipeline"
)

// readArrow reads an Arrow IPC stream shard with Arrow's own reader and
// returns its rows and the number of record batches.
func readArrow(t testing.TB, path string) ([]Row, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewReader(f, ipc.WithAllocator(memory.NewGoAllocator()))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Release()
	if got := fieldNames(r.Schema()); got != "id,text,source,url,meta,tokens" && got != "id,text,source,url,meta,tokens,wakati" {
		t.Fatalf("%s: schema %s", path, got)
	}
	var rows []Row
	batches := 0
	for r.Next() {
		rec := r.Record()
		batches++
		col := func(i int) *array.String { return rec.Column(i).(*array.String) }
		tokens := rec.Column(5).(*array.Int64)
		for i := 0; i < int(rec.NumRows()); i++ {
			row := Row{ID: col(0).Value(i), Text: col(1).Value(i), Source: col(2).Value(i), URL: col(3).Value(i), Meta: col(4).Value(i), Tokens: tokens.Value(i)}
			if rec.NumCols() == 7 {
				row.Wakati = col(6).Value(i)
			}
			rows = append(rows, row)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows, batches
}

func fieldNames(s *arrow.Schema) string {
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

// TestArrow writes Arrow IPC shards and reads them back with Arrow's reader:
// every document, in order, sizes and hashes as the infos say; and each file
// is byte for byte what one ipc.Writer writes for the same batches.
func TestArrow(t *testing.T) {
	docs := loadFixture(t)
	for _, wakati := range []bool{false, true} {
		t.Run(fmt.Sprint("wakati=", wakati), func(t *testing.T) {
			var in []*pipeline.Document
			for _, d := range docs {
				c := *d
				if wakati {
					c.Wakati = strings.Join(strings.Fields(d.Text), " ")
				}
				in = append(in, &c)
			}
			dir := t.TempDir()
			infos := writeAll(t, Options{Dir: dir, Format: FormatArrow, MaxBytes: 200 << 10, RowGroupBytes: 32 << 10, Wakati: wakati, Encoders: 3}, in, 9)
			if len(infos) < 2 {
				t.Fatalf("%d shards; want several", len(infos))
			}
			var all []Row
			multi := false
			for i, info := range infos {
				if want := fmt.Sprintf("part-%05d.arrow", i); info.File != want {
					t.Errorf("shard %d named %s, want %s", i, info.File, want)
				}
				path := filepath.Join(dir, info.File)
				sum, size := fileSHA256(t, path)
				if sum != info.SHA256 || size != info.Bytes {
					t.Errorf("%s: info %d bytes %s, file %d bytes %s", info.File, info.Bytes, info.SHA256, size, sum)
				}
				rows, batches := readArrow(t, path)
				var tokens int64
				for _, r := range rows {
					tokens += r.Tokens
				}
				multi = multi || batches > 1
				if int64(len(rows)) != info.Rows || tokens != info.Tokens || batches < 1 {
					t.Errorf("%s: %d rows %d tokens in %d batches, info %d rows %d tokens", info.File, len(rows), tokens, batches, info.Rows, info.Tokens)
				}
				all = append(all, rows...)
				// one ipc.Writer over the same batches gives the same bytes
				raw, _ := os.ReadFile(path)
				if again := rewriteArrow(t, raw); !bytes.Equal(again, raw) {
					t.Errorf("%s: %d bytes differ from one ipc.Writer's %d", info.File, len(raw), len(again))
				}
			}
			if !multi {
				t.Error("no shard has several record batches")
			}
			if len(all) != len(in) {
				t.Fatalf("%d rows read, %d written", len(all), len(in))
			}
			for i, r := range all {
				if want := RowOf(in[i]); r != want {
					t.Fatalf("row %d: %+v, want %+v", i, r, want)
				}
			}
		})
	}
}

// rewriteArrow reads an IPC stream and writes its batches with one writer.
func rewriteArrow(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out bytes.Buffer
	w := ipc.NewWriter(&out, ipc.WithSchema(r.Schema()))
	for r.Next() {
		if err := w.Write(r.Record()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
