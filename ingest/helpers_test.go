package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/klauspost/compress/zstd"
)

// Real test data, relative to the package directory.
const (
	fixturePath  = "../testdata/sample/fixture_docs.jsonl"
	speechesPath = "../testdata/sample/diet_speeches.jsonl.gz"
	lawsPath     = "../testdata/sample/egov_laws.jsonl.zst"
	aozoraDir    = "../testdata/sample/aozora"
	rawDir       = "../testdata/raw"
)

// got is everything a reader produced, in order.
type got struct {
	docs     []*pipeline.Document
	problems []*pipeline.Problem
	// order lists "doc <id>" and "problem <kind> <pos>" entries in input order.
	order []string
}

// problemKeys returns "kind file:line" for every problem.
func (g got) problemKeys() []string {
	var keys []string
	for _, p := range g.problems {
		keys = append(keys, p.Kind+" "+p.Pos.String())
	}
	return keys
}

// ids returns the document ids.
func (g got) ids() []string {
	var ids []string
	for _, d := range g.docs {
		ids = append(ids, d.ID)
	}
	return ids
}

// drain calls next until io.EOF, failing the test on a fatal error.
func drain(t testing.TB, next func() (*pipeline.Document, error)) got {
	t.Helper()
	var g got
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("reader does not end")
		}
		d, err := next()
		if err == io.EOF {
			return g
		}
		var p *pipeline.Problem
		switch {
		case errors.As(err, &p):
			g.problems = append(g.problems, p)
			g.order = append(g.order, "problem "+p.Kind+" "+p.Pos.String())
		case err != nil:
			t.Fatalf("fatal error after %d docs: %v", len(g.docs), err)
		case d == nil:
			t.Fatal("nil document without error")
		default:
			g.docs = append(g.docs, d)
			g.order = append(g.order, "doc "+d.ID)
		}
	}
}

// readSource expands inputs and drains a Source over them.
func readSource(t testing.TB, inputs []Input, opts ...func(*Source)) (got, *Source) {
	t.Helper()
	files, err := Expand(inputs)
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	src := NewSource(files, inputs)
	for _, o := range opts {
		o(src)
	}
	ctx := context.Background()
	return drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) }), src
}

// readJSONLFile opens path with Open and drains a JSONL reader over it.
func readJSONLFile(t testing.TB, path string, in Input) got {
	t.Helper()
	rc, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	return drain(t, NewJSONL(rc, path, in).Next)
}

// readTextFile opens path with Open and drains a Text reader over it.
func readTextFile(t testing.TB, path string, in Input) got {
	t.Helper()
	rc, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	return drain(t, NewText(rc, path, in).Next)
}

// mustRead returns the contents of path.
func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gunzip decompresses b with the standard library (independent of Open).
func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unzstd decompresses a whole zstd file in memory (DecodeAll, not the
// streaming path Open uses).
func unzstd(t testing.TB, b []byte) []byte {
	t.Helper()
	d, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out, err := d.DecodeAll(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// gzipBytes compresses b with the standard library.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes b to name under dir and returns its path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// splitLines splits JSONL content into lines without their '\n'.
func splitLines(b []byte) [][]byte {
	lines := bytes.Split(b, []byte{'\n'})
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// joinLines joins lines with '\n' and ends with '\n'.
func joinLines(lines [][]byte) []byte {
	return append(bytes.Join(lines, []byte{'\n'}), '\n')
}

// pos formats file:line like pipeline.Position.
// pos is the position string of a line of a single-file input: the file
// is named by its base name (File.Name).
func pos(file string, line int) string { return fmt.Sprintf("%s:%d", filepath.Base(file), line) }
