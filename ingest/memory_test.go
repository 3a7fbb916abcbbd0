package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/valyala/fastjson"
)

// spillAt sets the spill threshold of a Source's readers (see spill.go).
func spillAt(n int) func(*Source) {
	return func(s *Source) { s.lr.rec.at, s.lr.doc.at = n, n }
}

// withLimit sets MaxLineBytes and MaxDocBytes.
func withLimit(n int) func(*Source) {
	return func(s *Source) { s.MaxLineBytes, s.MaxDocBytes = n, n }
}

// sameRecords fails unless a and b hold the same documents and problems,
// every field compared, in the same order.
func sameRecords(t *testing.T, what string, a, b got) {
	t.Helper()
	if fmt.Sprint(a.order) != fmt.Sprint(b.order) {
		t.Fatalf("%s: order\n got %q\nwant %q", what, b.order, a.order)
	}
	for i := range a.docs {
		if !reflect.DeepEqual(*a.docs[i], *b.docs[i]) {
			x, y := *a.docs[i], *b.docs[i]
			x.Text, y.Text = fmt.Sprintf("%d bytes", len(x.Text)), fmt.Sprintf("%d bytes, same %v", len(y.Text), x.Text == y.Text)
			t.Fatalf("%s: doc %d\n got %+v\nwant %+v", what, i, y, x)
		}
	}
	for i := range a.problems {
		if !reflect.DeepEqual(*a.problems[i], *b.problems[i]) {
			x, y := *a.problems[i], *b.problems[i]
			t.Fatalf("%s: problem %d\n got %+v (raw %d bytes)\nwant %+v (raw %d bytes)", what, i, y.Detail, len(y.Raw), x.Detail, len(x.Raw))
		}
	}
}

// spillInputs returns inputs that exercise every path of the readers: the
// real sample files and bad input written under dir, each with the record
// limit to read them with (0: the default).
func spillInputs(t *testing.T, dir string) []struct {
	name  string
	in    Input
	limit int
} {
	type tc = struct {
		name  string
		in    Input
		limit int
	}
	var cases []tc
	add := func(name string, in Input, limits ...int) {
		if len(limits) == 0 {
			limits = []int{0}
		}
		for _, l := range limits {
			cases = append(cases, tc{fmt.Sprintf("%s/limit=%d", name, l), in, l})
		}
	}
	write := func(name string, data []byte) string { return writeFile(t, dir, name, data) }

	// Real files.
	add("fixture", Input{Path: fixturePath, MetaFields: []string{"kind", "license", "title", "author", "near_dup_group"}}, 0, 5000)
	add("speeches", Input{Path: speechesPath, MetaFields: []string{"house", "meeting", "date", "speaker_group", "n_topic_files"}}, 0, 3000)
	add("laws", Input{Path: lawsPath, MetaFields: []string{"title", "category"}}, 0, 20000)
	add("aozora", Input{Path: aozoraDir}, 0, 20000)
	add("aozora paragraphs", Input{Path: aozoraDir, Split: SplitParagraph}, 0, 300)
	for _, enc := range []string{"utf-8", "shift-jis", "euc-jp", "iso-2022-jp"} {
		p := rawDir + "/rashomon-" + enc + ".txt"
		e := strings.ReplaceAll(enc, "shift-jis", "shift_jis")
		add("rashomon "+enc, Input{Path: p, Encoding: e})
		add("rashomon paragraphs "+enc, Input{Path: p, Encoding: e, Split: SplitParagraph}, 0, 500)
	}
	add("rashomon as utf-8", Input{Path: rawDir + "/rashomon-*.txt", Encoding: "utf-8"}) // invalid UTF-8
	add("aozora sjis crlf", Input{Path: rawDir + "/aozora_*.txt", Encoding: "shift_jis"})
	add("aozora sjis crlf paragraphs", Input{Path: rawDir + "/aozora_*.txt", Encoding: "shift_jis", Split: SplitParagraph})
	add("web page", Input{Path: rawDir + "/uzushio_shift_jis.txt", Encoding: "shift_jis", Split: SplitParagraph})

	// Bad JSON Lines: the corruptions of TestBadJSONL and more.
	orig := splitLines(mustRead(t, fixturePath))
	lines := make([][]byte, len(orig))
	copy(lines, orig)
	setText := func(i int, text any) []byte {
		var m map[string]any
		if err := json.Unmarshal(orig[i], &m); err != nil {
			t.Fatal(err)
		}
		m["text"] = text
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lines[4] = bytes.Clone(orig[4])
	lines[4][bytes.Index(lines[4], []byte(`"text": "`))+12] = 0xff
	lines[9] = orig[9][:len(orig[9])/2]
	lines[19] = bytes.Replace(orig[19], []byte(`"text":`), []byte(`"body":`), 1)
	lines[20] = setText(20, []string{"配列"})
	lines[29] = setText(29, "")
	lines[30] = setText(30, "\u3000\u3000\n  \t")
	lines[40] = append(bytes.Clone(orig[40]), '\r') // CRLF
	lines[41] = []byte(`["an", "array"]`)
	lines[42] = []byte(`{"id":7.50,"url":"https:\/\/example.jp\/","text":"前\ud800後\udc00\ud83d\ude00","a":{ "k" : [1, 2] }}`)
	lines[43] = []byte(`{"\u0074ext":"escaped key","i\u0064":"k","text":"last wins", "text" : "really last"}`)
	lines[44] = []byte(`{"a":` + strings.Repeat("[", 290) + strings.Repeat("]", 290) + `,"text":"deep"}`)
	lines[45] = []byte(`{"a":` + strings.Repeat("[", 400) + strings.Repeat("]", 400) + `,"text":"too deep"}`)
	lines[46] = []byte(`{"text":"\u3000\n\t\u00a0\u0085 "}`)
	lines[47] = []byte(`{"text":"\\\"quoted\\\" \\\\"}`)
	lines[48] = []byte("  \t ")
	lines[49] = []byte(`{"text": 12}`)
	bad := append(append([]byte("\ufeff"), joinLines(lines)...), "{\"text\":\"no newline at the end\"}"...)
	add("bad jsonl", Input{Path: write("bad.jsonl", bad), MetaFields: []string{"a", "kind", "text"}}, 0, 50, 3000)
	add("bad jsonl, text is id", Input{Path: write("bad2.jsonl", bad), IDField: "text", URLField: "text"}, 0, 3000)

	// Every problem kind of TestJSONLRecords.
	records := strings.Join([]string{
		`{"id":"ok1","text":"良い"}`,
		"{\"id\":\"bad\",\"text\":\"\xff\xfe\"}",
		`{"id":"trunc","text":"途中`,
		`{"id":"notext"}`,
		`{"id":"num","text":123}`,
		`{"id":"null","text":null}`,
		`{"id":"empty","text":""}`,
		`{"id":"space","text":" \u3000\n\t"}`,
		`["an","array"]`,
		`{"id":"long","text":"` + strings.Repeat("長", 100) + `"}`,
		`{"id":"ok2","text":"良い"} trailing`,
		"{\"id\":\"cr\",\"text\":\"一つ目\"}\r{\"id\":\"cr2\",\"text\":\"二つ目\"}\r\r",
		`{"id":"ok3","text":"良い"}`,
	}, "\n")
	add("records", Input{Path: write("records.jsonl", []byte(records))}, 0, 200, 40)

	// Text: the cases of TestTextParagraph and TestTextTooLong.
	for i, data := range []string{
		"一\r\n二\r\n\r\n三\r四\r\r五\n",
		"一\r\n二\r\n\r\n三\r四\r\r五\r",
		"\ufeff\n\n　吾輩は猫である。\n名前はまだ無い。\n　\u3000\n \t\n\nどこで生れたか",
		"良い\n\n悪い\n悪\xe3\x81い\n\n良い\n",
		"\u3000\r\n\r\n",
		"短い\n\n" + strings.Repeat("長い行", 100) + "\n\n短い\n" + strings.Repeat("長", 10) + "\n" + strings.Repeat("長", 10) + "\n\n終\n",
	} {
		p := write(fmt.Sprintf("text%d.txt", i), []byte(data))
		add(fmt.Sprintf("text %d", i), Input{Path: p}, 0, 60)
		add(fmt.Sprintf("text %d paragraphs", i), Input{Path: p, Split: SplitParagraph}, 0, 60)
	}

	// Truncated compressed files.
	speechesGz := mustRead(t, speechesPath)
	add("cut gzip", Input{Path: write("cut/speeches.jsonl.gz", speechesGz[:len(speechesGz)/2])}, 0, 2000)
	lawsZst := mustRead(t, lawsPath)
	add("cut zstd", Input{Path: write("cut/laws.jsonl.zst", lawsZst[:len(lawsZst)/2])})
	gz := gzipBytes(t, mustRead(t, aozoraDir+"/466_ruby_1478.txt"))
	p := write("cut/a.txt.gz", gz[:len(gz)/2])
	add("cut text", Input{Path: p}, 0, 1000)
	add("cut text paragraphs", Input{Path: p, Split: SplitParagraph}, 0, 1000)
	gz = gzipBytes(t, []byte("段落一\n\n段落二\n\n"+strings.Repeat("長い段落の途中", 10000)))
	add("cut between paragraphs", Input{Path: write("cut/b.txt.gz", gz[:len(gz)-20]), Split: SplitParagraph})

	// Empty files.
	add("empty jsonl", Input{Path: write("empty/e.jsonl", nil)})
	add("empty text", Input{Path: write("empty/e.txt", nil)})
	add("bom only", Input{Path: write("empty/bom.txt", []byte("\ufeff"))})
	add("blank text", Input{Path: write("empty/blank.txt", []byte(" \r\n\u3000\n"))})

	// Records longer than the default spill threshold, and lines longer
	// than the read buffer: a 3 MB and a 6 MB JSON line, a 6 MB text of
	// many lines and one of a single line.
	unit := string(mustRead(t, aozoraDir+"/45209_ruby_29695.txt"))
	quoted, err := json.Marshal(unit)
	if err != nil {
		t.Fatal(err)
	}
	body := string(quoted[1 : len(quoted)-1])
	long := func(id string, n int) string {
		return `{"id":"` + id + `","text":"` + strings.Repeat(body, n/len(body)+1) + `"}`
	}
	fx := mustRead(t, fixturePath)
	big := long("3MB", 3e6) + "\n" + string(fx[:bytes.IndexByte(fx, '\n')+1]) + long("6MB", 6e6) + "\r\n" + long("last", 5e6)
	add("long lines", Input{Path: write("long.jsonl", []byte(big))}, 0, 5<<20, 2<<20)
	text := strings.Repeat(unit, 6e6/len(unit)+1)
	add("long text", Input{Path: write("long.txt", []byte(text))}, 0, 5<<20)
	add("long text paragraphs", Input{Path: write("longp.txt", []byte(text)), Split: SplitParagraph}, 0, 5<<20)
	one := strings.ReplaceAll(text, "\n", "")
	add("long line text", Input{Path: write("oneline.txt", []byte(one+"\r\n"))}, 0, 5<<20)
	add("long line text, no newline", Input{Path: write("oneline2.txt", []byte(one))})
	add("long line paragraphs", Input{Path: write("oneline3.txt", []byte(one+"\n"+one+"\n\n"+one+"\n")), Split: SplitParagraph})
	return cases
}

// TestSpillSameRecords reads every input with the default spill threshold
// and with tiny ones, which send nearly every record through the spill
// file (and the owned-line JSON path): documents and problems must be the
// same, every field and byte.
func TestSpillSameRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 40 MB of long records")
	}
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp) // and check that nothing is left there
	for _, tc := range spillInputs(t, dir) {
		t.Run(tc.name, func(t *testing.T) {
			limit := withLimit(tc.limit)
			want, _ := readSource(t, []Input{tc.in}, limit)
			for _, at := range []int{1, 7, 1000} {
				g, _ := readSource(t, []Input{tc.in}, limit, spillAt(at))
				sameRecords(t, fmt.Sprintf("spill at %d", at), want, g)
			}
		})
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("spill files left in TMPDIR: %v", left)
	}
}

// checkOwned compares parseOwned with parse on one line: the same error, or
// the same type and value of every field.
func checkOwned(t *testing.T, in []byte) {
	t.Helper()
	if !utf8Valid(in) {
		return
	}
	names := []string{"text", "id", "url", "a", "\u3042"}
	ref, r := newRecord(names), newRecord(names)
	refErr := ref.parse(in)
	line := bytes.Clone(in)
	err := r.parseOwned(line)
	if fmt.Sprint(err) != fmt.Sprint(refErr) {
		t.Fatalf("%q: parseOwned error %v, parse error %v", in, err, refErr)
	}
	if err != nil {
		return
	}
	var texts []int
	for k, name := range names {
		wt, wok := ref.typeOf(k)
		gt, gok := r.typeOf(k)
		if wt != gt || wok != gok {
			t.Fatalf("%q: field %s type %v %v, want %v %v", in, name, gt, gok, wt, wok)
		}
		switch {
		case !wok:
		case wt == fastjson.TypeNull:
		case wt == fastjson.TypeString:
			if r.blank(k) != ref.blank(k) || r.str(k) != ref.str(k) {
				t.Fatalf("%q: field %s: %q blank %v, want %q blank %v", in, name, r.str(k), r.blank(k), ref.str(k), ref.blank(k))
			}
			texts = append(texts, k)
		default:
			if r.jsonText(k) != ref.jsonText(k) {
				t.Fatalf("%q: field %s: %s, want %s", in, name, r.jsonText(k), ref.jsonText(k))
			}
		}
	}
	if len(texts) > 0 { // the in-place decoding, once per line
		k := texts[0]
		if got, want := r.text(k), ref.text(k); got != want {
			t.Fatalf("%q: text of %s: %q, want %q", in, names[k], got, want)
		}
	}
}

func utf8Valid(b []byte) bool { return invalidUTF8Index(b) < 0 }

// TestOwnedRecord checks the owned-line JSON path against fastjson's on the
// record cases, every real record and a few more.
func TestOwnedRecord(t *testing.T) {
	more := []string{
		`{"text":"\u00e9\u3042\ud83d\ude00\ud83d","a":"\ud800\ud800\udc00"}`,
		`{"text":"\\ud800 is not an escape"}`,
		`{"text":"a\"b\\\"c\\\\","id":"\"","url":"\\"}`,
		`{"\u3042":"kana key","\ud800":"lone key"}`,
		`{"a":{"text":"x","b":[{"c":"\"]}"}]},"text":"after"}`,
		`{"a": -1.5e+3 , "id" : true ,"url":false,"text":null}`,
		`{"text":"` + strings.Repeat(`\n`, 100) + `"}`,
		`{"text":"` + strings.Repeat(`\u3000`, 100) + `x"}`,
		`{"a":` + strings.Repeat("[", 299) + strings.Repeat("]", 299) + `}`,
		`{"a":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
		`{"a":` + strings.Repeat(`{"a":`, 260) + "1" + strings.Repeat("}", 260) + `,"text":"x"}`,
		"{\"text\":\"\x7f\u2028\"}",
		`{"id":"\\ud800\udC00","text":"\\\ud800\\\\ud800\udc00"}`, // escaped backslashes before "ud800"
	}
	for _, c := range append(append([]string{}, recordCases...), more...) {
		checkOwned(t, []byte(c))
	}
	for _, line := range splitLines(gunzip(t, mustRead(t, speechesPath))) {
		checkOwned(t, line)
	}
	for _, line := range splitLines(mustRead(t, fixturePath)) {
		checkOwned(t, line)
	}
}

// FuzzOwnedRecord compares the owned-line JSON path with fastjson's.
func FuzzOwnedRecord(f *testing.F) {
	for _, c := range recordCases {
		f.Add([]byte(c))
	}
	f.Fuzz(checkOwned)
}

// FuzzSpill compares whole streams read with the default spill threshold
// and a tiny one, as JSON Lines and as text in both split modes.
func FuzzSpill(f *testing.F) {
	f.Add([]byte(`{"text":"一"}` + "\n\n" + `{"id":1,"text":"\u3000x"}`))
	f.Add([]byte("一\r\n二\r\n\r\n三\r四\r\r五\n"))
	f.Add([]byte("\ufeff{\"text\":\"\xff\"}\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, limit := range []int{0, 16} {
			type reader interface {
				Next() (*pipeline.Document, error)
			}
			for _, mk := range []func(at int) reader{
				func(at int) reader {
					j := NewJSONL(bytes.NewReader(data), "f", Input{MetaFields: []string{"a"}})
					j.MaxLineBytes, j.lr.rec.at = limit, at
					return j
				},
				func(at int) reader {
					x := NewText(bytes.NewReader(data), "f", Input{})
					x.MaxDocBytes, x.lr.rec.at, x.lr.doc.at = limit, at, at
					return x
				},
				func(at int) reader {
					x := NewText(bytes.NewReader(data), "f", Input{Split: SplitParagraph})
					x.MaxDocBytes, x.lr.rec.at, x.lr.doc.at = limit, at, at
					return x
				},
			} {
				want := drain(t, mk(0).Next)
				sameRecords(t, "spill at 3", want, drain(t, mk(3).Next))
			}
		}
	})
}

// TestSpillFailure: when the spill file cannot be made or written, a record
// to be kept is a fatal error naming the file, line and directory; a record
// over the limit is still reported as a problem.
func TestSpillFailure(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv("TMPDIR", missing)
	dir := t.TempDir() // made before: t.TempDir follows TMPDIR

	fatal := func(t *testing.T, next func() (*pipeline.Document, error), wants ...string) {
		t.Helper()
		for {
			_, err := next()
			var p *pipeline.Problem
			if errors.As(err, &p) {
				continue
			}
			if err == nil {
				continue
			}
			for _, w := range wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, again := next(); again == nil || again.Error() != err.Error() {
				t.Errorf("next call: %v, want the same error", again)
			}
			return
		}
	}
	t.Run("no TMPDIR, jsonl", func(t *testing.T) {
		files, _ := Expand([]Input{{Path: fixturePath}})
		src := NewSource(files, []Input{{Path: fixturePath}})
		spillAt(7)(src)
		fatal(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) },
			"fixture_docs.jsonl:1 ", "TMPDIR", missing)
	})
	t.Run("no TMPDIR, text", func(t *testing.T) {
		in := Input{Path: aozoraDir + "/466_ruby_1478.txt"}
		files, _ := Expand([]Input{in})
		src := NewSource(files, []Input{in})
		spillAt(7)(src)
		fatal(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) },
			"466_ruby_1478.txt:1 ", "TMPDIR", missing)
	})
	t.Run("too long is still a problem", func(t *testing.T) {
		// paragraphs of 5 lines of 16 bytes: spilled from 20 bytes on
		para := strings.Repeat("一行目です\n", 5)
		data := para + "\n短い\n\n" + para[:32] // the last paragraph: 31 bytes
		x := NewText(strings.NewReader(data), "p.txt", Input{Split: SplitParagraph})
		x.MaxDocBytes, x.lr.doc.at = 50, 20
		_, err := x.Next()
		var p *pipeline.Problem
		if !errors.As(err, &p) || p.Kind != pipeline.ProblemDocTooLong || string(p.Raw) != strings.TrimSuffix(para, "\n") {
			t.Fatalf("first paragraph: %v", err)
		}
		if d, err := x.Next(); err != nil || d.Text != "短い" {
			t.Fatalf("second paragraph: %v", err)
		}
		fatal(t, x.Next, "p.txt:9 ", "decoded byte offset "+fmt.Sprint(len(para)+1+7+1), "record of 31 bytes", "TMPDIR")

		// a line longer than the read buffer over the limit
		long := `{"text":"` + strings.Repeat("長", 1<<20) + `"}`
		j := NewJSONL(strings.NewReader(long+"\n"+`{"text":"短"}`), "f.jsonl", Input{})
		j.MaxLineBytes, j.lr.rec.at = 2<<20, 20
		if _, err := j.Next(); !errors.As(err, &p) || p.Kind != pipeline.ProblemLineTooLong || string(p.Raw) != long[:maxRaw] {
			t.Fatalf("long line: %v", err)
		}
		if d, err := j.Next(); err != nil || d.Text != "短" {
			t.Fatalf("short line: %v", err)
		}
	})
	t.Run("disk full", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_RDWR, 0)
		testcorpus.Need(t, err == nil, "a writable /dev/full")
		p := writeFile(t, dir, "t.txt", []byte("一行目\n二行目\n"))
		rc, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		x := NewText(rc, "t.txt", Input{})
		x.lr.doc.at, x.lr.doc.f = 4, full
		fatal(t, x.Next, "t.txt:1 ", "no space left on device", "record of 20 bytes")
	})
}

// TestSpillFileRemoved: the spill file is unlinked as soon as it is made,
// and a too-long record does not stay in it.
func TestSpillFileRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	data := strings.Repeat(`{"text":"一二三四五六七八九十"}`+"\n", 3)
	j := NewJSONL(strings.NewReader(data), "f", Input{})
	j.lr.rec.at = 7
	if d, err := j.Next(); err != nil || d.Text != "一二三四五六七八九十" {
		t.Fatal(err)
	}
	if j.lr.rec.f == nil {
		t.Fatal("no spill file")
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("spill file visible: %v", left)
	}
	if fi, err := j.lr.rec.f.Stat(); err != nil || fi.Size() != 0 {
		t.Errorf("spill file not truncated after the record: %v, %v", fi.Size(), err)
	}
	drain(t, j.Next)
	if j.lr.rec.f != nil {
		t.Error("spill file still open at the end of the stream")
	}
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestSpillMemory checks what long records cost, as bytes allocated in
// all (copies included, freed or not): skipping a 64 MiB line costs about
// the spill threshold, keeping a record its size once.
func TestSpillMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MB of long records")
	}
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	unit := string(mustRead(t, aozoraDir+"/45209_ruby_29695.txt"))
	quoted, err := json.Marshal(unit) // escapes: \n and \u3000 are common
	if err != nil {
		t.Fatal(err)
	}
	jsonLine := func(n int) []byte {
		return []byte(`{"id":"long","text":"` + strings.Repeat(string(quoted[1:len(quoted)-1]), n/len(quoted)+1) + `"}` + "\n")
	}
	const slack = 16 << 20 // read buffers, the spill buffers, the fixture's own documents
	tests := []struct {
		name  string
		in    Input
		data  func() []byte
		limit int
		size  int // of the long record
		keep  bool
	}{
		{"skip 64 MiB line", Input{}, func() []byte { return append(jsonLine(64<<20), mustRead(t, fixturePath)...) }, 48 << 20, 64 << 20, false},
		{"keep 40 MB line", Input{}, func() []byte { return jsonLine(40e6) }, 0, 40e6, true},
		{"keep 40 MB text", Input{Format: FormatText}, func() []byte { return []byte(strings.Repeat(unit, 40e6/len(unit)+1)) }, 0, 40e6, true},
		{"keep 40 MB one-line text", Input{Format: FormatText}, func() []byte { return bytes.Repeat([]byte("吾輩は猫である。"), 40_000_000/24+1) }, 0, 40e6, true},
		{"skip 64 MiB text", Input{Format: FormatText}, func() []byte { return []byte(strings.Repeat(unit, 64<<20/len(unit)+1)) }, 48 << 20, 64 << 20, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ext := ".jsonl"
			if tc.in.Format == FormatText {
				ext = ".txt"
			}
			tc.in.Path = writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "_")+ext, tc.data())
			var g got
			n := allocated(func() { g, _ = readSource(t, []Input{tc.in}, withLimit(tc.limit)) })
			want := uint64(slack)
			if tc.keep {
				want += uint64(tc.size) + uint64(tc.size)/50
				if len(g.docs) != 1 || len(g.docs[0].Text) < tc.size*9/10 {
					t.Fatalf("%d docs, problems %q", len(g.docs), g.problemKeys())
				}
			} else if len(g.problems) != 1 || !strings.HasSuffix(g.problems[0].Kind, "too_long") {
				t.Fatalf("problems %q", g.problemKeys())
			}
			t.Logf("%d MB allocated for a record of %d MB", n>>20, tc.size>>20)
			if n > want {
				t.Errorf("%d bytes allocated, want at most %d", n, want)
			}
		})
	}
}

// TestTextBrokenRaw: the Raw of a broken stream's problem is what was read
// of the document being read, nothing of the documents before it.
func TestTextBrokenRaw(t *testing.T) {
	broken := func(data string) io.Reader {
		return io.MultiReader(strings.NewReader(data), iotest.ErrReader(io.ErrUnexpectedEOF))
	}
	tests := []struct {
		name, data, split, raw string
	}{
		{"between paragraphs", "段落一\n\n段落二\n\n", SplitParagraph, ""},
		{"between paragraphs, partial line", "段落一\n\n段落二\n\n途", SplitParagraph, "途"},
		{"in a paragraph", "段落一\n\n段落二\n二行目", SplitParagraph, "段落二二行目"}, // the '\n' comes with a whole line
		{"in a file", "一行目\n二行目", SplitFile, "一行目\n二行目"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, at := range []int{0, 3} {
				x := NewText(broken(tc.data), "b.txt", Input{Split: tc.split})
				x.lr.rec.at, x.lr.doc.at = at, at
				g := drain(t, x.Next)
				if len(g.problems) != 1 || g.problems[0].Kind != pipeline.ProblemTruncated || string(g.problems[0].Raw) != tc.raw {
					t.Fatalf("spill at %d: problems %q, raw %q", at, g.problemKeys(), g.problems[len(g.problems)-1].Raw)
				}
			}
		})
	}
}
