package ingest

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

const (
	sniffDir  = "../testdata/inputs/sniff"
	inputsDir = "../testdata/inputs"
)

// sniffPath sniffs the decompressed start of a file as the Source does.
func sniffPath(t *testing.T, path string) (string, string) {
	t.Helper()
	var d decompressors
	st, err := d.open(path, nil, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	st.own = true
	defer st.Close()
	return Sniff(st.sniff(make([]byte, 0, sniffSize)))
}

// writeShardParquet writes a real Parquet file (a jacorpus shard) of the fixture
// documents and returns its path.
func writeShardParquet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	w, err := shard.NewWriter(shard.Options{Dir: dir, MaxBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	g := readJSONLFile(t, fixturePath, Input{})
	if err := w.Write(g.docs[:5]); err != nil {
		t.Fatal(err)
	}
	infos, err := w.Close()
	if err != nil || len(infos) != 1 {
		t.Fatalf("%v %v", infos, err)
	}
	return filepath.Join(dir, infos[0].File)
}

// TestSniffRealFiles: the format of real files told from their content.
func TestSniffRealFiles(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	body := mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt"))
	tw.WriteHeader(&tar.Header{Name: "rashomon-utf-8.txt", Mode: 0o644, Size: int64(len(body))})
	tw.Write(body)
	tw.Close()
	tarPath := writeFile(t, t.TempDir(), "r.tar.gz", gzipBytes(t, tarBuf.Bytes()))
	cases := []struct {
		path, want, why string
	}{
		{fixturePath, FormatJSONL, ""},
		{speechesPath, FormatJSONL, ""}, // gzip
		{lawsPath, FormatJSONL, ""},     // zstd
		{filepath.Join(sniffDir, "egov-warc-2records.gz"), FormatWARC, ""},
		{filepath.Join(sniffDir, "egov-504CO0000000364-law.head"), FormatEgovLaw, ""},
		{filepath.Join(sniffDir, "egov-api-lawdata.head"), FormatEgovLaw, ""},
		{filepath.Join(sniffDir, "egov-api-error.head"), FormatEgovLaw, ""},
		{filepath.Join(sniffDir, "kokkai-1-end-json.head"), FormatKokkai, ""},
		{filepath.Join(sniffDir, "kokkai-212-plane-xml.head"), FormatKokkai, ""},
		{filepath.Join(rawDir, "egov2013_4a939c5e1c84df96.html"), FormatHTML, ""}, // Shift_JIS
		{filepath.Join(rawDir, "rashomon-utf-8.txt"), FormatText, ""},
		{filepath.Join(rawDir, "rashomon-shift-jis.txt"), FormatText, ""},
		{filepath.Join(rawDir, "rashomon-euc-jp.txt"), FormatText, ""},
		{filepath.Join(rawDir, "rashomon-iso-2022-jp.txt"), FormatText, ""},
		{filepath.Join(rawDir, "aozora_1515_ruby_7773.txt"), FormatText, ""}, // Shift_JIS + CRLF
		{filepath.Join(inputsDir, "rashomon-utf-8.txt.bz2"), FormatText, ""},
		{writeShardParquet(t), FormatParquet, ""},
		{self, "", "binary data"},
		{tarPath, "", "a tar archive"},
	}
	for _, c := range cases {
		got, why := sniffPath(t, c.path)
		if got != c.want || !strings.HasPrefix(why, c.why) {
			t.Errorf("%s: %q (%s), want %q (%s…)", c.path, got, why, c.want, c.why)
		}
	}
}

// TestSniffCases: the rules at their edges.
func TestSniffCases(t *testing.T) {
	long := `{"text":"` + strings.Repeat("あ", sniffSize) + `"}` + "\n"
	cases := []struct {
		name, head, want, why string
	}{
		{"jsonl, BOM and blank lines first", "\xef\xbb\xbf\n\n{\"text\":\"一\"}\n{\"text\":\"二\"}\n", FormatJSONL, ""},
		{"jsonl, a whole file of one line without newline", `{"text":"一"}`, FormatJSONL, ""},
		{"jsonl, first line longer than the window", long[:sniffSize], FormatJSONL, ""},
		{"jsonl, CRLF", "{\"text\":\"一\"}\r\n", FormatJSONL, ""},
		{"pretty-printed JSON", "{\n  \"text\": \"一\"\n}\n", "", "JSON that is not JSON Lines"},
		{"broken first line", "{\"text\":\"一\"\n", "", "JSON that is not JSON Lines"},
		{"JSON array", `[{"text":"一"}]`, "", "a JSON array"},
		{"Diet API JSON object", `{"numberOfRecords":3,"numberOfReturn":3,"speechRecord":[]}`, FormatKokkai, ""},
		{"WARC", "WARC/1.1\r\nWARC-Type: response\r\n", FormatWARC, ""},
		{"WET", "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 2\r\n\r\nab\r\n\r\nWARC/1.0\r\nWARC-Type: conversion\r\n", FormatWET, ""},
		{"doctype", "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">\n<html>", FormatHTML, ""},
		{"xhtml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", FormatHTML, ""},
		{"page without <html>", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\n<TITLE>法令</TITLE>", FormatHTML, ""},
		{"other XML", "<?xml version=\"1.0\"?><rss version=\"2.0\">", "", "XML with root element <rss>"},
		{"UTF-16", "\xff\xfe<\x00", "", "UTF-16"},
		{"empty", "", "", "empty file"},
		{"blank", " \n\n", FormatText, ""},
		{"NUL byte", "abc\x00def", "", "binary data"},
		{"DEL byte", "abc\x7fdef", "", "binary data"},
		{"UTF-8 cut by the window", "あい"[:5], FormatText, ""},
		{"Shift_JIS cut by the window", "\x82\xa0\x82", FormatText, ""},
		{"EUC-JP JIS X 0212 cut", "\xa4\xa2\x8f\xb0", FormatText, ""},
		{"invalid in every encoding", "\x80\x80\x80\x80", "", "binary data (not text"},
		{"PAR1", "PAR1\x15\x04", FormatParquet, ""},
	}
	for _, c := range cases {
		got, why := Sniff([]byte(c.head))
		if got != c.want || !strings.HasPrefix(why, c.why) {
			t.Errorf("%s: %q (%s), want %q (%s…)", c.name, got, why, c.want, c.why)
		}
	}
}

// TestSniffSource: a directory of files whose extension does not tell the
// format: JSON Lines content is read, plain text, binary data and formats
// without a reader are skipped with the reason, and a file whose extension
// tells the format in an unsupported compression is a file-level problem.
func TestSniffSource(t *testing.T) {
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "docs/fixture.data", mustRead(t, fixturePath))
	writeFile(t, dir, "docs/speeches.gz", mustRead(t, speechesPath))
	writeFile(t, dir, "docs/rashomon.txt.bz2", mustRead(t, filepath.Join(inputsDir, "rashomon-utf-8.txt.bz2")))
	writeFile(t, dir, "docs/rashomon.txt.xz", mustRead(t, filepath.Join(inputsDir, "rashomon-utf-8.txt.xz")))
	writeFile(t, dir, "docs/rashomon.zip", mustRead(t, filepath.Join(inputsDir, "rashomon-utf-8.zip")))
	writeFile(t, dir, "docs/README", mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt")))
	writeFile(t, dir, "docs/crawl.gz", mustRead(t, filepath.Join(sniffDir, "egov-warc-2records.gz")))
	writeFile(t, dir, "docs/tool", mustRead(t, self)[:64<<10])
	writeFile(t, dir, "docs/empty", nil)
	g, src := readSource(t, []Input{{Path: filepath.Join(dir, "docs")}})
	want := map[string]string{
		"docs/README":           "skipped no known extension, and the content is plain text",
		"docs/empty":            "skipped empty",
		"docs/fixture.data":     "ok jsonl 86",
		"docs/crawl.gz":         "ok warc 1", // by content, then read as stored
		"docs/rashomon.txt.bz2": "ok text 1",
		"docs/rashomon.txt.xz":  "unsupported xz compression is not supported; decompress it first",
		"docs/rashomon.zip":     "skipped a zip archive is not supported; extract it first",
		"docs/speeches.gz":      "ok jsonl 901",
		"docs/tool":             "skipped unknown file type: binary data",
	}
	stats := src.FileStats()
	if len(stats) != len(want) {
		t.Fatalf("%d files: %v", len(stats), stats)
	}
	for _, st := range stats {
		got := st.Status + " " + st.Format
		if st.Status == FileOK {
			got += " " + strconv.FormatInt(st.Docs, 10)
		} else {
			got = st.Status + " " + st.Detail
		}
		if w := want[st.Name]; !strings.HasPrefix(got, w) || w == "" {
			t.Errorf("%s: %q, want %q…", st.Name, got, w)
		}
		if st.Bad() != (st.Status == FileUnsupported) {
			t.Errorf("%s: Bad %v", st.Name, st.Bad())
		}
	}
	// one problem for the .xz file, named as the lead's message shows
	if len(g.problems) != 1 || g.problems[0].Error() != "docs/rashomon.txt.xz: unsupported_format: xz compression is not supported; decompress it first" {
		t.Errorf("problems %v", g.problems)
	}
	// the bzip2 text is read in full
	var rashomon *pipeline.Document
	for _, d := range g.docs {
		if strings.HasPrefix(d.ID, "docs/rashomon.txt.bz2") {
			rashomon = d
		}
	}
	if rashomon == nil || rashomon.Text != string(mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt"))) {
		t.Errorf("bzip2 text not read in full")
	}
	if !strings.Contains(rashomon.Text, "下人") {
		t.Errorf("bzip2 text lacks 下人")
	}
}

// TestExplicitUnknown: a file input of unknown extension is read by its
// content; content of no known format is an error naming the file and the
// formats read.
func TestExplicitUnknown(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := writeFile(t, dir, "tool.dat", mustRead(t, self)[:64<<10])
	data := writeFile(t, dir, "fixture.data", mustRead(t, fixturePath))
	text := writeFile(t, dir, "rashomon", mustRead(t, filepath.Join(rawDir, "rashomon-euc-jp.txt")))
	cases := []struct {
		in      Input
		wantErr string
	}{
		{Input{Path: bin}, bin + ": unknown file type: binary data (control bytes); set format to one of jsonl, text, warc, wet, html, egov-law, kokkai, parquet"},
		{Input{Path: filepath.Join(inputsDir, "rashomon-utf-8.zip")}, "a zip archive is not supported; extract it first"},
		{Input{Path: filepath.Join(sniffDir, "egov-warc-2records.gz")}, ""},
		{Input{Path: data, Split: SplitParagraph}, "split \"paragraph\" applies to text inputs only"},
		{Input{Path: data}, ""},
		{Input{Path: text, Encoding: "euc-jp"}, ""},
	}
	for _, c := range cases {
		_, err := Expand([]Input{c.in})
		if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%s: %v, want %q", c.in.Path, err, c.wantErr)
		}
	}
	g, src := readSource(t, []Input{{Path: text, Encoding: "euc-jp"}})
	if len(g.docs) != 1 || !strings.Contains(g.docs[0].Text, "下人") || src.FileStats()[0].Format != FormatText {
		t.Errorf("EUC-JP text by content: %d docs %v", len(g.docs), src.FileStats())
	}
}

// FuzzSniff: Sniff never fails on any bytes, gives a reason exactly when it
// gives no format, and a sniffed stream reads back exactly its bytes, with
// the error that ended the sniff after them.
func FuzzSniff(f *testing.F) {
	f.Add([]byte(`{"text":"一"}` + "\n"))
	f.Add([]byte("WARC/1.0\r\nWARC-Type: conversion\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, why := Sniff(data)
		if (format == "") == (why == "") {
			t.Fatalf("format %q, why %q", format, why)
		}
		if f2, w2 := Sniff(data); f2 != format || w2 != why {
			t.Fatal("not deterministic")
		}
		s := &stream{r: bytes.NewReader(data)}
		head := s.sniff(make([]byte, 0, 64))
		if !bytes.Equal(head, data[:min(len(data), 64)]) {
			t.Fatalf("head %q", head)
		}
		back, err := io.ReadAll(io.LimitReader(s, int64(len(data))+1))
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("read back %d of %d bytes: %v", len(back), len(data), err)
		}
	})
}
