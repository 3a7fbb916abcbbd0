package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

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

// readBack reads a shard's rows with parquet-go's reader. (The same shards
// read with Apache Arrow's independent reader: internal/interop.)
func readBack(t testing.TB, path string) []Row {
	t.Helper()
	rows, err := parquet.ReadFile[Row](path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// fileMetadata returns the Parquet footer of the file at path.
func fileMetadata(t testing.TB, path string) *format.FileMetaData {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pf.Metadata()
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
