package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/internal/cputime"
	"github.com/jacorpus/jacorpus/pipeline"
)

// WARC test files (see scripts/make-warc-testdata.py).
const (
	warcSample = "../testdata/web/sample.warc.gz"
	wetSample  = "../testdata/web/sample.warc.wet.gz"
	warcBad    = "../testdata/web/bad.warc.gz"
	warcShared = "../../shared/corpus/web/ja_real_payloads.warc.gz"
)

func readWARC(t testing.TB, data []byte) (got, map[string]int64) {
	t.Helper()
	w := NewWARC(bytes.NewReader(data), "f.warc.gz", Input{})
	return drain(t, w.Next), w.Skipped()
}

// memberOffsets lists where the gzip members of a file start, found with
// the standard library's gzip reader (not the one the WARC reader uses).
func memberOffsets(t *testing.T, data []byte) []int64 {
	t.Helper()
	var offs []int64
	r := bytes.NewReader(data)
	for r.Len() > 0 {
		off := int64(len(data) - r.Len())
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		offs = append(offs, off)
	}
	return offs
}

func page(d *pipeline.Document) *pipeline.Page {
	p, _ := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page)
	return p
}

func TestWARCSample(t *testing.T) {
	data := mustRead(t, warcSample)
	g, skipped := readWARC(t, data)
	if len(g.problems) > 0 {
		t.Fatalf("problems: %v", g.problemKeys())
	}
	offs := memberOffsets(t, data)
	type want struct {
		member int // index of the record's gzip member
		url    string
		ct     string
	}
	const sjis = "text/html; charset=shift_jis"
	wants := []want{
		{2, "http://egov-laws-2013.invalid/0024e76ed3765ea5.html", sjis},
		{4, "http://egov-laws-2013.invalid/02d491b19ed242cf.html", sjis},
		{9, "http://egov-laws-2013.invalid/085b175fc638e1ba.html", sjis},
		{11, "http://egov-laws-2013.invalid/3967416cb273fc49-chunked.html", sjis},
		{12, "http://egov-laws-2013.invalid/3967416cb273fc49.html", sjis},
		{13, "http://egov-laws-2013.invalid/39a44c7c706431c8-notype.html", ""},
		{14, "http://egov-laws-2013.invalid/39a44c7c706431c8.html", sjis},
		{15, "http://egov-laws-2013.invalid/02d491b19ed242cf-eucjp.html", "text/html; charset=EUC-JP"},
		{16, "http://egov-laws-2013.invalid/085b175fc638e1ba-wrongcharset.html", "text/html; charset=Shift_JIS"}, // bytes in EUC-JP
	}
	if len(g.docs) != len(wants) {
		t.Fatalf("%d documents, want %d: %v", len(g.docs), len(wants), g.ids())
	}
	for i, w := range wants {
		d := g.docs[i]
		if d.Pos.Offset != offs[w.member] || d.URL != w.url || d.Meta[MetaHTTPContentType] != w.ct || d.Text != "" {
			t.Errorf("doc %d: offset %d url %q type %q text %q, want offset %d url %q type %q", i,
				d.Pos.Offset, d.URL, d.Meta[MetaHTTPContentType], d.Text, offs[w.member], w.url, w.ct)
		}
		p := page(d)
		if p == nil || !bytes.HasPrefix(p.Body, []byte("<HTML>")) || p.ContentType != w.ct {
			t.Errorf("doc %d: page %v", i, p != nil)
		}
		if d.ID != d.Meta[MetaWARCRecordID] || !strings.HasPrefix(d.ID, "urn:uuid:") || d.Meta[MetaWARCDate] == "" {
			t.Errorf("doc %d: id %q meta %v", i, d.ID, d.Meta)
		}
	}
	// the first record's id and date as in the shared WARC
	if d := g.docs[0]; d.ID != "urn:uuid:825d74bc-70dd-5848-804c-58ac4cd36af1" || d.Meta[MetaWARCDate] != "2013-12-10T00:00:00Z" || d.Pos.Offset != 558 {
		t.Errorf("first doc: %q %v @%d", d.ID, d.Meta, d.Pos.Offset)
	}
	// Shift_JIS payload as served: decodes to the law's title
	title, err := japanese.ShiftJIS.NewDecoder().Bytes(page(g.docs[0]).Body)
	if err != nil || !strings.Contains(string(title), "公害等調整委員会の事務局総務課に調査官を置く省令") {
		t.Errorf("Shift_JIS page does not decode to its title (%v)", err)
	}
	// chunked + gzip decoded to the same bytes as the plain capture
	if !bytes.Equal(page(g.docs[3]).Body, page(g.docs[4]).Body) {
		t.Error("chunked gzip payload differs from the plain one")
	}
	wantSkip := map[string]int64{"warc_warcinfo": 1, "warc_request": 1, "warc_metadata": 1, "warc_revisit": 1,
		SkipRedirect: 1, SkipHTTPError: 1, SkipNotHTML: 2}
	if !reflect.DeepEqual(skipped, wantSkip) {
		t.Errorf("skipped %v, want %v", skipped, wantSkip)
	}
	var n int64
	for _, c := range skipped {
		n += c
	}
	if n+int64(len(g.docs)) != int64(len(offs)) {
		t.Errorf("%d skipped + %d docs != %d records", n, len(g.docs), len(offs))
	}
}

// An uncompressed WARC gives the same records at their plain offsets.
func TestWARCPlain(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(mustRead(t, warcSample)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	g, skipped := readWARC(t, plain)
	gz, _ := readWARC(t, mustRead(t, warcSample))
	if len(g.problems) > 0 || len(g.docs) != 9 || len(skipped) != 7 {
		t.Fatalf("problems %v, %d docs, skipped %v", g.problemKeys(), len(g.docs), skipped)
	}
	for i, d := range g.docs {
		if !bytes.HasPrefix(plain[d.Pos.Offset:], []byte("WARC/1.0\r\nWARC-Type: response")) {
			t.Errorf("doc %d: offset %d is not its record", i, d.Pos.Offset)
		}
		if d.URL != gz.docs[i].URL || !bytes.Equal(page(d).Body, page(gz.docs[i]).Body) {
			t.Errorf("doc %d differs from the gzip reading", i)
		}
	}
	// a Content-Length too small: that record is a problem, the next are kept
	u := bytes.Index(plain, []byte("WARC-Target-URI: http://egov-laws-2013.invalid/02d491b19ed242cf.html"))
	i := u + bytes.Index(plain[u:], []byte("\r\nContent-Length: ")) + 2
	j := i + bytes.IndexByte(plain[i:], '\r')
	bad := append(append(bytes.Clone(plain[:i]), "Content-Length: 1000"...), plain[j:]...)
	start := int64(bytes.LastIndex(plain[:i], []byte("WARC/1.0")))
	g2, _ := readWARC(t, bad)
	if len(g2.problems) != 1 || g2.problems[0].Kind != ProblemWARCRecord || g2.problems[0].Pos.Offset != start || len(g2.docs) != 8 {
		t.Fatalf("problems %v (want 1 at %d), %d docs", g2.problemKeys(), start, len(g2.docs))
	}
	// too large: the block would swallow the next record, which is kept
	// (the same record, with its real length + 300)
	hdrEnd := i + bytes.Index(plain[i:], []byte("\r\n\r\n")) + 4
	length, err := strconv.Atoi(string(plain[i+len("Content-Length: ") : j]))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(plain[hdrEnd+length:], []byte("\r\n\r\nWARC/1.0")) {
		t.Fatalf("the test's record does not end where its Content-Length says")
	}
	for _, extra := range []int{1, 2, 3, 4, 300, 100000} {
		bad = append(append(bytes.Clone(plain[:i]), fmt.Sprintf("Content-Length: %d", length+extra)...), plain[j:]...)
		g3, _ := readWARC(t, bad)
		if len(g3.problems) != 1 || g3.problems[0].Kind != ProblemWARCRecord || g3.problems[0].Pos.Offset != start ||
			!strings.Contains(g3.problems[0].Detail, "next record starts") || len(g3.docs) != 8 {
			t.Fatalf("Content-Length +%d: problems %v (want 1 at %d), %d docs, want 8", extra, g3.problemKeys(), start, len(g3.docs))
		}
		if g3.docs[len(g3.docs)-1].URL != gz.docs[len(gz.docs)-1].URL {
			t.Fatalf("Content-Length +%d: the last document is not the file's", extra)
		}
	}
}

func TestWET(t *testing.T) {
	data := mustRead(t, wetSample)
	w := NewWARC(bytes.NewReader(data), "s.warc.wet.gz", Input{Source: "cc"})
	g := drain(t, w.Next)
	offs := memberOffsets(t, data)
	if len(g.problems) > 0 || len(g.docs) != 5 {
		t.Fatalf("problems %v, %d docs", g.problemKeys(), len(g.docs))
	}
	d := g.docs[0]
	if d.Pos.Offset != offs[1] || d.URL != "http://egov-laws-2013.invalid/0024e76ed3765ea5.html" || d.Source != "cc" ||
		!strings.HasPrefix(d.Text, "公害等調整委員会の事務局総務課に調査官を置く省令\n") || d.Meta[MetaWARCDate] != "2013-12-10T00:00:00Z" ||
		d.Scratch.Get(pipeline.HTMLPayload{}) != nil {
		t.Errorf("first WET doc: @%d %q %q %v", d.Pos.Offset, d.URL, d.Text[:min(60, len(d.Text))], d.Meta)
	}
	if g.docs[2].Pos.Offset != offs[4] || !strings.Contains(g.docs[4].Text, "附　則") {
		t.Errorf("offsets or text: @%d", g.docs[2].Pos.Offset)
	}
	if want := map[string]int64{"warc_warcinfo": 1, SkipEmptyText: 1}; !reflect.DeepEqual(w.Skipped(), want) {
		t.Errorf("skipped %v, want %v", w.Skipped(), want)
	}
}

// bad.warc.gz: good, wrong Content-Length, good, binary labelled text/html,
// good, corrupt member, good, a member cut by the end of the file.
func TestWARCBad(t *testing.T) {
	g, _ := readWARC(t, mustRead(t, warcBad))
	want := []string{
		"doc urn:uuid:825d74bc-70dd-5848-804c-58ac4cd36af1",
		"problem " + ProblemWARCRecord + " f.warc.gz@1451",
		"doc " + g.docs[1].ID,
		"problem " + ProblemBinaryPayload + " f.warc.gz@4060",
		"doc " + g.docs[2].ID,
		"problem " + ProblemCorruptMember + " f.warc.gz@5920",
		"doc " + g.docs[3].ID,
		"problem " + pipeline.ProblemTruncated + " f.warc.gz@8695",
	}
	if !reflect.DeepEqual(g.order, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(g.order, "\n"), strings.Join(want, "\n"))
	}
	urls := []string{"0024e76ed3765ea5", "02d491b19ed242cf", "085b175fc638e1ba", "39a44c7c706431c8"}
	for i, d := range g.docs {
		if !strings.Contains(d.URL, urls[i]) || page(d) == nil {
			t.Errorf("doc %d: %s", i, d.URL)
		}
	}
}

// Cutting the sample anywhere never loses a record before the cut.
func TestWARCTruncatedEverywhere(t *testing.T) {
	data := mustRead(t, warcSample)
	offs := memberOffsets(t, data)
	full, _ := readWARC(t, data)
	for cut := 1; cut < len(data); cut += 97 {
		g, _ := readWARC(t, data[:cut])
		complete := 0
		for _, d := range full.docs {
			next := int64(len(data))
			for _, o := range offs {
				if o > d.Pos.Offset {
					next = o
					break
				}
			}
			if next <= int64(cut) {
				complete++
			}
		}
		if len(g.docs) != complete {
			t.Errorf("cut at %d: %d docs, want %d", cut, len(g.docs), complete)
		}
		if n := len(g.problems); n > 1 || (n == 1 && g.problems[0].Kind != pipeline.ProblemTruncated) {
			t.Errorf("cut at %d: problems %v", cut, g.problemKeys())
		}
	}
}

func TestWARCHTTPCases(t *testing.T) {
	html := []byte("<!DOCTYPE html><html><body>本文</body></html>")
	rec := func(http string) []byte {
		return []byte("WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:x>\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: " +
			strconv.Itoa(len(http)) + "\r\n\r\n" + http + "\r\n\r\n")
	}
	for _, c := range []struct {
		name, http string
		doc        bool
		skip       string
		problem    string
	}{
		{"html", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + string(html), true, "", ""},
		{"xhtml", "HTTP/1.0 200 OK\nContent-Type: application/xhtml+xml; charset=utf-8\n\n" + string(html), true, "", ""},
		{"sniffed", "HTTP/1.1 200 OK\r\n\r\n  " + string(html), true, "", ""},
		{"empty", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", false, SkipEmptyPayload, ""},
		{"header only", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", false, SkipEmptyPayload, ""},
		{"no type, not html", "HTTP/1.1 200 OK\r\n\r\nplain words", false, SkipNotHTML, ""},
		{"pdf", "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4", false, SkipNotHTML, ""},
		{"302", "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", false, SkipRedirect, ""},
		{"503", "HTTP/1.1 503 Unavailable\r\nContent-Type: text/html\r\n\r\n" + string(html), false, SkipHTTPError, ""},
		{"206", "HTTP/1.1 206 Partial\r\nContent-Type: text/html\r\n\r\n" + string(html), false, SkipHTTPStatus, ""},
		{"brotli", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\n" + compressed(t, "br", html), true, "", ""},
		{"zstd", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: zstd\r\n\r\n" + compressed(t, "zstd", html), true, "", ""},
		{"bad brotli", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\nxx", false, "", ProblemHTTP},
		{"bad zstd", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: zstd\r\n\r\nxx", false, "", ProblemHTTP},
		{"compress", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: compress\r\n\r\nxx", false, SkipEncoding, ""},
		{"bad gzip", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\nxx", false, "", ProblemHTTP},
		{"bad chunks", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, "", ProblemHTTP},
		{"no status", "GET / HTTP/1.1\r\n\r\n", false, "", ProblemHTTP},
		{"nul", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>\x00\x01", false, "", ProblemBinaryPayload},
	} {
		g, skipped := readWARC(t, rec(c.http))
		if (len(g.docs) == 1) != c.doc || (c.skip != "" && skipped[c.skip] != 1) ||
			(c.problem != "" && (len(g.problems) != 1 || g.problems[0].Kind != c.problem || g.problems[0].Pos.Offset != 0)) ||
			(c.problem == "" && len(g.problems) > 0) {
			t.Errorf("%s: docs %d skipped %v problems %v", c.name, len(g.docs), skipped, g.problemKeys())
		}
		if c.doc && len(g.docs) == 1 && !bytes.Equal(bytes.TrimSpace(page(g.docs[0]).Body), html) {
			t.Errorf("%s: payload %q", c.name, page(g.docs[0]).Body)
		}
	}
}

// compressed returns b in Content-Encoding enc.
func compressed(t *testing.T, enc string, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "br":
		w = brotli.NewWriter(&buf)
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// A resource record (a page archived without its HTTP message, as
// Webrecorder and warcit write them) is a document when its Content-Type is
// HTML, with the declared charset handed on; other resources are skipped.
func TestWARCResource(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("<html><head><title>題</title></head><body><p>日本語の本文です。</p></body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	rec := func(uri, ct string, block []byte) string {
		return "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: " + uri + "\r\nWARC-Record-ID: <urn:uuid:" + uri[len(uri)-1:] +
			">\r\nContent-Type: " + ct + "\r\nContent-Length: " + strconv.Itoa(len(block)) + "\r\n\r\n" + string(block) + "\r\n\r\n"
	}
	data := rec("file:///saved/a", "text/html; charset=shift_jis", sjis) +
		rec("file:///saved/b", "image/png", []byte("\x89PNG\r\n")) +
		rec("file:///saved/c", "text/html", []byte("\x89PNG\r\n\x00\x00"))
	g, skipped := readWARC(t, []byte(data))
	if len(g.docs) != 1 || skipped[SkipNotHTML] != 1 || len(g.problems) != 1 || g.problems[0].Kind != ProblemBinaryPayload {
		t.Fatalf("docs %d, skipped %v, problems %v", len(g.docs), skipped, g.problemKeys())
	}
	d := g.docs[0]
	if d.URL != "file:///saved/a" || d.ID != "urn:uuid:a" || !bytes.Equal(page(d).Body, sjis) || page(d).ContentType != "text/html; charset=shift_jis" {
		t.Errorf("resource document: %q %q %q", d.URL, d.ID, page(d).ContentType)
	}
}

// Through a Source: formats by extension and content, skip counts in
// FileStats, positions named by file.
func TestSourceWARC(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []struct{ from, to string }{{warcSample, "a.warc.gz"}, {wetSample, "b.warc.wet.gz"}, {warcBad, "c.warc.gz"}, {warcSample, "d.dat"}} {
		if err := os.WriteFile(filepath.Join(dir, f.to), mustRead(t, f.from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Expand([]Input{{Path: dir}})
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, []Input{{Path: dir}})
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) })
	if len(g.docs) != 9+5+4+9 || len(g.problems) != 4 {
		t.Fatalf("%d docs, problems %v", len(g.docs), g.problemKeys())
	}
	st := src.FileStats()
	if st[0].Skipped["not_html"] != 2 || st[0].SkippedTotal() != 8 || st[1].SkippedTotal() != 2 || st[2].Status != FileBroken ||
		st[2].At != st[2].Name+"@8695" || st[3].Docs != 9 {
		t.Errorf("file stats: %+v", st)
	}
	if !strings.Contains(st[0].String(), "8 skipped") {
		t.Error(st[0].String())
	}
	if src.BytesRead() < int64(len(mustRead(t, warcSample))) {
		t.Errorf("bytes read %d", src.BytesRead())
	}
}

func TestWARCFormatChecks(t *testing.T) {
	for _, c := range []struct {
		name, format string
	}{{"x.warc", FormatWARC}, {"X.WARC.GZ", FormatWARC}, {"cc.warc.wet.gz", FormatWET}, {"x.wet", FormatWET}, {"x.warc.wat.gz", ""}} {
		if got := formatByExt(c.name); got != c.format {
			t.Errorf("%s: %q, want %q", c.name, got, c.format)
		}
	}
	if err := (Input{Path: "x", Format: FormatWARC, TextField: "t"}).Validate(); err == nil {
		t.Error("text_field accepted for warc")
	}
	if err := (Input{Path: "x", Format: FormatWET}).Validate(); err != nil {
		t.Error(err)
	}
}

// A stop request ends a WARC read promptly.
func TestWARCStop(t *testing.T) {
	files, err := Expand([]Input{{Path: warcSample}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	src := NewSource(files, []Input{{Path: warcSample}})
	if _, err := src.Next(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := src.Next(ctx); err != context.Canceled {
		t.Errorf("after stop: %v", err)
	}
}

func FuzzWARC(f *testing.F) {
	for _, p := range []string{warcSample, wetSample, warcBad} {
		data := mustRead(f, p)
		f.Add(data[:min(len(data), 1600)])
	}
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 40\r\n\r\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\r\n\r\n"))
	f.Add([]byte("WARC/1.1\r\nContent-Length: 5\r\n\r\nWARC/\r\n\r\nWARC/1.0\r\n"))
	f.Add([]byte("WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>x</p>\r\n\r\n\r\nWARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 99\r\n\r\n<p>y\r\n\r\nWARC/1.0\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 60\r\n\r\nHTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x0b\x01\x80<p>x</p>\x03\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := NewWARC(bytes.NewReader(data), "f", Input{})
		w.MaxRecordBytes = 1 << 16
		for i := 0; ; i++ {
			d, err := w.Next()
			if err == io.EOF {
				return
			}
			if i > len(data)+2 {
				t.Fatal("reader does not end")
			}
			if p, ok := err.(*pipeline.Problem); ok {
				if p.Pos.Offset < 0 || p.Pos.Offset > int64(len(data)) {
					t.Errorf("problem offset %d of %d bytes", p.Pos.Offset, len(data))
				}
				continue
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if d.Pos.Offset < 0 || d.Pos.Offset >= int64(len(data)) {
				t.Errorf("doc offset %d of %d bytes", d.Pos.Offset, len(data))
			}
		}
	})
}

// BenchmarkWARC reads WARC files as a Source does (documents with their
// HTML payload, no extraction); MB/s is of the compressed input.
func BenchmarkWARC(b *testing.B) {
	for _, c := range []struct{ name, path string }{{"testdata", warcSample}, {"shared", warcShared}} {
		b.Run(c.name, func(b *testing.B) {
			data, err := os.ReadFile(c.path)
			if err != nil {
				b.Skipf("%s: %v", c.path, err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Seconds()
			var records int64
			for i := 0; i < b.N; i++ {
				w := NewWARC(bytes.NewReader(data), "f", Input{})
				for {
					d, err := w.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					_ = d
				}
				records += w.records
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
			// the machine may be shared: throughput per CPU second as well
			if cpu := cputime.Seconds() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu, "MB/cpu-s")
				b.ReportMetric(float64(records)/cpu, "records/cpu-s")
			}
		})
	}
}

// Uncompressed records: bytes that are no record are one problem at their
// offset, LF-only line ends are accepted, and the records around are kept.
func TestWARCPlainResync(t *testing.T) {
	rec := func(uri string, eol string) string {
		http := "HTTP/1.1 200 OK" + eol + "Content-Type: text/html" + eol + eol + "<html>本文</html>"
		return strings.ReplaceAll("WARC/1.0\nWARC-Type: response\nWARC-Target-URI: "+uri+"\nContent-Type: application/http; msgtype=response\n", "\n", eol) +
			"Content-Length: " + strconv.Itoa(len(http)) + eol + eol + http + eol + eol
	}
	a, b := rec("http://a.invalid/", "\r\n"), rec("http://b.invalid/", "\n")
	data := "junk\r\nmore junk\r\n" + a + "xx WARC/1.0 in a line\n" + b
	g, _ := readWARC(t, []byte(data))
	if len(g.docs) != 2 || g.docs[0].URL != "http://a.invalid/" || g.docs[1].URL != "http://b.invalid/" ||
		g.docs[0].Pos.Offset != 17 || g.docs[1].Pos.Offset != int64(17+len(a)+22) || len(g.problems) != 2 ||
		g.problems[0].Pos.Offset != 0 || g.problems[1].Pos.Offset != int64(17+len(a)) {
		t.Errorf("got %v", g.order)
	}
}

// A WARC gzipped whole (one member of many records) is read too, every
// record located at the member's offset; a member that ends within a WARC
// header is a problem and the next member is read.
func TestWARCOneMember(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(mustRead(t, warcSample)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("WARC/1.0\r\nWARC-Type: resp"))
	zw.Close()
	head := buf.Len()
	zw = gzip.NewWriter(&buf)
	zw.Write(plain)
	zw.Close()
	g, skipped := readWARC(t, buf.Bytes())
	if len(g.docs) != 9 || len(skipped) != 7 || len(g.problems) != 1 || g.problems[0].Pos.Offset != 0 {
		t.Fatalf("%d docs, skipped %v, problems %v", len(g.docs), skipped, g.problemKeys())
	}
	for _, d := range g.docs {
		if d.Pos.Offset != int64(head) || page(d) == nil {
			t.Errorf("%s at %d, want %d", d.URL, d.Pos.Offset, head)
		}
	}
}
