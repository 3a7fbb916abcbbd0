package shard

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// readAll reads every row of a shard with Reader, n rows per call.
func readAll(path string, n int) ([]Row, error) {
	r, err := OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []Row
	buf := make([]Row, n)
	for {
		k, err := r.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// TestReader reads Parquet and Arrow shards, with and without wakati, and
// gets back the documents written.
func TestReader(t *testing.T) {
	docs := loadFixture(t)
	var in []*pipeline.Document
	for _, d := range docs {
		c := *d
		c.Wakati = strings.Join(strings.Fields(d.Text), " ")
		in = append(in, &c)
	}
	for _, opts := range []Options{
		{Format: FormatParquet}, {Format: FormatParquet, Wakati: true},
		{Format: FormatArrow}, {Format: FormatArrow, Wakati: true},
	} {
		opts.Dir, opts.MaxBytes, opts.RowGroupBytes = t.TempDir(), 150<<10, 20<<10
		infos := writeAll(t, opts, in, 11)
		var all []Row
		for _, info := range infos {
			for _, n := range []int{1, 7, 1000} {
				rows, err := readAll(filepath.Join(opts.Dir, info.File), n)
				if err != nil || int64(len(rows)) != info.Rows {
					t.Fatalf("%+v %s, %d per read: %d rows, %v; want %d", opts, info.File, n, len(rows), err, info.Rows)
				}
				if n == 7 {
					all = append(all, rows...)
				}
			}
		}
		for i, r := range all {
			want := RowOf(in[i])
			if !opts.Wakati {
				want.Wakati = ""
			}
			if r != want {
				t.Fatalf("%+v row %d: %+v, want %+v", opts, i, r, want)
			}
		}
	}
}

// TestReaderBad: damaged and foreign files are errors naming the file.
func TestReaderBad(t *testing.T) {
	docs := loadFixture(t)
	dir := t.TempDir()
	var shards [][]byte
	for _, f := range []Format{FormatParquet, FormatArrow} {
		d := filepath.Join(dir, string(f))
		os.Mkdir(d, 0o755)
		infos := writeAll(t, Options{Dir: d, Format: f, RowGroupBytes: 64 << 10}, docs)
		b, err := os.ReadFile(filepath.Join(d, infos[0].File))
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, b)
	}
	pq, ar := shards[0], shards[1]
	flip := func(b []byte, at int) []byte { c := bytes.Clone(b); c[at] ^= 0x55; return c }
	cases := map[string][]byte{
		"empty":             nil,
		"text":              []byte("id,text\n1,こんにちは\n"),
		"parquet cut":       pq[:len(pq)/2],
		"parquet no footer": pq[:len(pq)-8],
		"arrow cut":         ar[:len(ar)/2],
		"arrow schema only": ar[:300],
		"arrow flipped":     flip(ar, len(ar)/3),
		"parquet flipped":   flip(pq, len(pq)/3),
	}
	for name, data := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := readAll(path, 10)
		if err == nil {
			// a flipped byte in text may still decode: then it must be
			// visible in the data (zstd checks parquet pages, arrow has none)
			if name == "arrow flipped" && len(rows) == len(docs) {
				continue
			}
			t.Errorf("%s: read %d rows without error", name, len(rows))
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

// FuzzReader: no input panics the reader or makes it loop.
func FuzzReader(f *testing.F) {
	var docs []*pipeline.Document
	for _, d := range loadFixture(f)[:4] { // small seeds keep the fuzzer fast
		c := *d
		c.Text = string([]rune(d.Text)[:min(60, len([]rune(d.Text)))])
		c.Meta = nil
		docs = append(docs, &c)
	}
	for _, format := range []Format{FormatParquet, FormatArrow} {
		dir := f.TempDir()
		infos := writeAll(f, Options{Dir: dir, Format: format, Wakati: true}, docs)
		b, err := os.ReadFile(filepath.Join(dir, infos[0].File))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("PAR1"))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "shard")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := readAll(path, 3)
		if err == nil && len(rows) > len(data) {
			t.Fatalf("%d rows from %d bytes", len(rows), len(data))
		}
	})
}
