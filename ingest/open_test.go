package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestOpenMagic checks that compression is detected by magic bytes, not by
// the file name.
func TestOpenMagic(t *testing.T) {
	speeches := gunzip(t, mustRead(t, speechesPath))
	laws := unzstd(t, mustRead(t, lawsPath))
	fixture := mustRead(t, fixturePath)
	twoMembers := append(gzipBytes(t, fixture[:len(fixture)/3]), gzipBytes(t, fixture[len(fixture)/3:])...)
	dir := t.TempDir()
	tests := []struct {
		name  string // file name, deliberately misleading
		data  []byte
		want  []byte
		docs  int
		input Input
	}{
		{"speeches.jsonl", mustRead(t, speechesPath), speeches, 901, Input{}},
		{"speeches.jsonl.zst", mustRead(t, speechesPath), speeches, 901, Input{}},
		{"laws.jsonl.gz", mustRead(t, lawsPath), laws, 80, Input{}},
		{"laws.data", mustRead(t, lawsPath), laws, 80, Input{Format: FormatJSONL}},
		{"plain.jsonl.gz", fixture, fixture, 86, Input{}},
		{"members.jsonl", twoMembers, fixture, 86, Input{}},
		{"tiny.jsonl", []byte{0x1f}, []byte{0x1f}, 0, Input{}}, // shorter than any magic
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name, tc.data)
			rc, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if err := rc.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, tc.want) {
				t.Fatalf("read %d bytes, want %d", len(b), len(tc.want))
			}
			in := tc.input
			in.Path = p
			g, src := readSource(t, []Input{in})
			if len(g.docs) != tc.docs {
				t.Errorf("got %d docs, want %d (problems %q)", len(g.docs), tc.docs, g.problemKeys())
			}
			if src.BytesRead() != int64(len(tc.data)) {
				t.Errorf("BytesRead %d, want %d", src.BytesRead(), len(tc.data))
			}
		})
	}
}

// TestOpenErrors checks files that cannot be opened.
func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir() + "/missing.jsonl"); err == nil {
		t.Error("missing file: no error")
	}
	p := writeFile(t, t.TempDir(), "bad.gz", []byte{0x1f, 0x8b, 0, 0})
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("bad gzip header: %v", err)
	}
}

// TestCRReader feeds the CR conversion one byte at a time and in one piece.
func TestCRReader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nb\rc\r\r\n\r", "a\r\nb\nc\n\r\n\n"},
		{"\r", "\n"},
		{"\r\n", "\r\n"},
		{"\r\r\r", "\n\n\n"},
		{"x", "x"},
	}
	for _, tc := range tests {
		for _, r := range []io.Reader{strings.NewReader(tc.in), &oneByteReader{s: tc.in}} {
			b, err := io.ReadAll(&crReader{r: r})
			if err != nil || string(b) != tc.want {
				t.Errorf("%T %q: got %q, %v; want %q", r, tc.in, b, err, tc.want)
			}
		}
	}
}

// oneByteReader returns one byte per Read.
type oneByteReader struct{ s string }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if o.s == "" {
		return 0, io.EOF
	}
	p[0] = o.s[0]
	o.s = o.s[1:]
	return 1, nil
}
