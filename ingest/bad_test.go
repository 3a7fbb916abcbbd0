package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// TestBadJSONL corrupts single lines of the real fixture file and checks
// that exactly those lines are reported, at the right line, and that every
// other document comes through unchanged.
func TestBadJSONL(t *testing.T) {
	orig := splitLines(mustRead(t, fixturePath))
	if len(orig) != 86 {
		t.Fatalf("fixture has %d lines", len(orig))
	}
	// setText re-encodes line i with a different text value.
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
	tests := []struct {
		name    string
		line    int // 1-based line replaced
		replace func() []byte
		want    string // problem kind
	}{
		{"invalid utf-8", 5, func() []byte {
			b := bytes.Clone(orig[4])
			k := bytes.Index(b, []byte(`"text": "`)) + 12
			b[k] = 0xff // inside a multi-byte character of the text
			return b
		}, pipeline.ProblemInvalidUTF8},
		{"malformed json", 10, func() []byte { return orig[9][:len(orig[9])/2] }, pipeline.ProblemMalformedJSON},
		{"missing text", 20, func() []byte {
			return bytes.Replace(orig[19], []byte(`"text":`), []byte(`"body":`), 1)
		}, pipeline.ProblemMissingText},
		{"text not a string", 21, func() []byte { return setText(20, []string{"配列"}) }, pipeline.ProblemMissingText},
		{"empty text", 30, func() []byte { return setText(29, "") }, pipeline.ProblemEmpty},
		{"white space text", 31, func() []byte { return setText(30, "\u3000\u3000\n  \t") }, pipeline.ProblemEmpty},
	}
	dir := t.TempDir()
	lines := make([][]byte, len(orig))
	copy(lines, orig)
	var wantProblems []string
	bad := map[int]bool{}
	for _, tc := range tests {
		lines[tc.line-1] = tc.replace()
		bad[tc.line-1] = true
	}
	path := writeFile(t, dir, "bad.jsonl", joinLines(lines))
	for _, tc := range tests {
		wantProblems = append(wantProblems, tc.want+" "+pos(path, tc.line))
	}

	// Each case alone, then all together in one file.
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			one := make([][]byte, len(orig))
			copy(one, orig)
			one[tc.line-1] = tc.replace()
			p := writeFile(t, t.TempDir(), "one.jsonl", joinLines(one))
			g, _ := readSource(t, []Input{{Path: p}})
			if want := []string{tc.want + " " + pos(p, tc.line)}; fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) {
				t.Fatalf("problems %q, want %q", g.problemKeys(), want)
			}
			if len(g.docs) != 85 {
				t.Errorf("got %d docs, want 85", len(g.docs))
			}
			if pr := g.problems[0]; !bytes.Equal(pr.Raw, one[tc.line-1]) {
				t.Errorf("raw is %d bytes, want the %d-byte line", len(pr.Raw), len(one[tc.line-1]))
			}
		})
	}
	t.Run("all", func(t *testing.T) {
		g, _ := readSource(t, []Input{{Path: path}})
		if fmt.Sprint(g.problemKeys()) != fmt.Sprint(wantProblems) {
			t.Fatalf("problems\n got %q\nwant %q", g.problemKeys(), wantProblems)
		}
		var wantIDs []string
		for i, l := range orig {
			if !bad[i] {
				var m struct{ ID string }
				json.Unmarshal(l, &m)
				wantIDs = append(wantIDs, m.ID)
			}
		}
		if fmt.Sprint(g.ids()) != fmt.Sprint(wantIDs) {
			t.Errorf("got %d docs, want %d: %q", len(g.docs), len(wantIDs), g.ids())
		}
		if d := g.problems[0].Detail; !strings.Contains(d, "invalid UTF-8 at byte") {
			t.Errorf("invalid utf-8 detail %q", d)
		}
	})
}

// TestTruncated cuts the real compressed files in the middle.
func TestTruncated(t *testing.T) {
	dir := t.TempDir()
	speechesGz := mustRead(t, speechesPath)
	lawsZst := mustRead(t, lawsPath)
	allSpeeches := readJSONLFile(t, speechesPath, Input{}).ids()
	allLaws := readJSONLFile(t, lawsPath, Input{}).ids()

	// completeLines decompresses a cut gzip file with the standard library
	// and counts the lines that end before the cut.
	completeLines := func(cut []byte) int {
		zr, err := gzip.NewReader(bytes.NewReader(cut))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("reference read of cut gzip: %v", err)
		}
		return bytes.Count(b, []byte{'\n'})
	}
	tests := []struct {
		name  string
		file  string
		data  []byte
		all   []string
		codec string
		// want is the number of complete records, -1 when only a prefix is asserted.
		want int
	}{
		{"gzip half", "speeches.jsonl.gz", speechesGz[:len(speechesGz)/2], allSpeeches, "gzip", completeLines(speechesGz[:len(speechesGz)/2])},
		{"gzip most", "speeches.jsonl.gz", speechesGz[:len(speechesGz)-100], allSpeeches, "gzip", completeLines(speechesGz[:len(speechesGz)-100])},
		{"gzip no trailer", "speeches.jsonl.gz", speechesGz[:len(speechesGz)-8], allSpeeches, "gzip", 901},
		{"zstd half", "laws.jsonl.zst", lawsZst[:len(lawsZst)/2], allLaws, "zstd", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name+"/"+tc.file, tc.data)
			g, src := readSource(t, []Input{{Path: p}})
			n := len(g.docs)
			if tc.want >= 0 && n != tc.want {
				t.Errorf("got %d docs, want %d", n, tc.want)
			}
			if n == 0 || n >= len(tc.all) && tc.want < len(tc.all) {
				t.Errorf("got %d of %d docs", n, len(tc.all))
			}
			if fmt.Sprint(g.ids()) != fmt.Sprint(tc.all[:n]) {
				t.Errorf("docs are not the first %d of the file", n)
			}
			want := []string{pipeline.ProblemTruncated + " " + pos(p, n+1)}
			if fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) {
				t.Fatalf("problems %q, want %q", g.problemKeys(), want)
			}
			pr := g.problems[0]
			if !strings.Contains(pr.Detail, tc.codec) || !strings.Contains(pr.Detail, "decoded byte offset") {
				t.Errorf("detail %q does not name %s and the offset", pr.Detail, tc.codec)
			}
			if pr.Pos.Offset <= 0 || len(pr.Raw) > maxRaw {
				t.Errorf("offset %d, raw %d bytes", pr.Pos.Offset, len(pr.Raw))
			}
			if src.BytesRead() != int64(len(tc.data)) {
				t.Errorf("BytesRead %d, want %d", src.BytesRead(), len(tc.data))
			}
		})
	}
}

// TestTruncatedText cuts a gzip-compressed Aozora text: a whole-file
// document is dropped, complete paragraphs before the cut are kept.
func TestTruncatedText(t *testing.T) {
	text := mustRead(t, aozoraDir+"/466_ruby_1478.txt")
	gz := gzipBytes(t, text)
	cut := gz[:len(gz)/2]
	dir := t.TempDir()
	p := writeFile(t, dir, "a.txt.gz", cut)
	full := writeFile(t, dir, "full.txt", text)

	g, _ := readSource(t, []Input{{Path: p}})
	if len(g.docs) != 0 || len(g.problems) != 1 || g.problems[0].Kind != pipeline.ProblemTruncated {
		t.Fatalf("split file: %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	cutLine := g.problems[0].Pos.Line

	g, _ = readSource(t, []Input{{Path: p, Split: SplitParagraph}})
	ref, _ := readSource(t, []Input{{Path: full, Split: SplitParagraph}})
	n := len(g.docs)
	if n == 0 || n >= len(ref.docs) {
		t.Fatalf("got %d of %d paragraphs", n, len(ref.docs))
	}
	for i, d := range g.docs {
		if d.Text != ref.docs[i].Text || d.Pos.Line != ref.docs[i].Pos.Line {
			t.Fatalf("paragraph %d differs from the uncut file", i)
		}
	}
	// The paragraph in progress at the cut is dropped: the next one starts after the cut line.
	if next := ref.docs[n]; next.Pos.Line > cutLine || ref.docs[n-1].Pos.Line > cutLine {
		t.Errorf("paragraph %d (line %d) should have been complete before the cut at line %d", n, next.Pos.Line, cutLine)
	}
	if want := []string{pipeline.ProblemTruncated + " " + pos(p, int(cutLine))}; fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) {
		t.Errorf("problems %q, want %q", g.problemKeys(), want)
	}
}

// TestHugeLine reads a 50 MB single-line record made of real Japanese text.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB record")
	}
	unit := string(mustRead(t, aozoraDir+"/45209_ruby_29695.txt"))
	quoted, err := json.Marshal(unit) // the text's JSON string, escapes included
	if err != nil {
		t.Fatal(err)
	}
	n := (50<<20)/len(unit) + 1
	text := strings.Repeat(unit, n) // just over 50 MB of real text
	rec := []byte(`{"id":"huge","text":"` + strings.Repeat(string(quoted[1:len(quoted)-1]), n) + `"}`)
	before := mustRead(t, fixturePath)
	data := append(append(bytes.Clone(before[:bytes.IndexByte(before, '\n')+1]), rec...), '\n')
	data = append(data, before...)
	p := writeFile(t, t.TempDir(), "huge.jsonl", data)

	g, _ := readSource(t, []Input{{Path: p}})
	if len(g.problems) != 0 || len(g.docs) != 88 {
		t.Fatalf("got %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	d := g.docs[1]
	if d.ID != "huge" || len(d.Text) != len(text) || d.Text != text {
		t.Fatalf("huge doc id %q, %d bytes, want %d bytes", d.ID, len(d.Text), len(text))
	}
	if d.Pos.Line != 2 || g.docs[2].Pos.Line != 3 || g.docs[2].ID != g.docs[0].ID {
		t.Errorf("positions after the huge line: %v, %v", d.Pos, g.docs[2].Pos)
	}

	// The same record over a small limit is skipped, not buffered.
	g, _ = readSource(t, []Input{{Path: p}}, func(s *Source) { s.MaxLineBytes = 1 << 20 })
	want := []string{pipeline.ProblemLineTooLong + " " + pos(p, 2)}
	if fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) || len(g.docs) != 87 {
		t.Fatalf("with limit: %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	if pr := g.problems[0]; len(pr.Raw) != maxRaw || !bytes.HasPrefix(rec, pr.Raw) || !strings.Contains(pr.Detail, fmt.Sprint(len(rec))) {
		t.Errorf("raw %d bytes, detail %q", len(pr.Raw), pr.Detail)
	}
}

// TestEmptyFiles checks empty inputs of both formats, compressed or not.
func TestEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		data []byte
		in   Input
		want string
	}{
		{"empty.jsonl", nil, Input{}, pipeline.ProblemEmptyFile},
		{"empty.txt", nil, Input{}, pipeline.ProblemEmptyFile},
		{"para.txt", nil, Input{Split: SplitParagraph}, pipeline.ProblemEmptyFile},
		{"empty.jsonl.gz", gzipBytes(t, nil), Input{}, pipeline.ProblemEmptyFile},
		{"bom.txt", []byte("\ufeff"), Input{}, pipeline.ProblemEmptyFile},
		{"blank.txt", []byte(" \r\n\u3000\n"), Input{}, pipeline.ProblemEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name, tc.data)
			in := tc.in
			in.Path = p
			g, _ := readSource(t, []Input{in})
			want := []string{tc.want + " " + pos(p, 1)}
			if len(g.docs) != 0 || fmt.Sprint(g.problemKeys()) != fmt.Sprint(want) {
				t.Errorf("got %d docs, problems %q, want %q", len(g.docs), g.problemKeys(), want)
			}
		})
	}
}

// TestTruncatedEncoded cuts a gzip-compressed Shift_JIS text: the cut is
// still reported as a truncated gzip stream through the character decoder.
func TestTruncatedEncoded(t *testing.T) {
	gz := gzipBytes(t, mustRead(t, rawDir+"/rashomon-shift-jis.txt"))
	p := writeFile(t, t.TempDir(), "rashomon.txt.gz", gz[:len(gz)/2])
	g, _ := readSource(t, []Input{{Path: p, Encoding: "shift_jis", Split: SplitParagraph}})
	if len(g.docs) == 0 || len(g.problems) != 1 {
		t.Fatalf("got %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	if pr := g.problems[0]; pr.Kind != pipeline.ProblemTruncated || !strings.Contains(pr.Detail, "gzip") {
		t.Errorf("problem %s: %s", pr.Kind, pr.Detail)
	}
	want := string(mustRead(t, rawDir+"/rashomon-utf-8.txt"))
	for _, d := range g.docs {
		if !strings.Contains(want, d.Text) {
			t.Errorf("paragraph at line %d is not in the UTF-8 text", d.Pos.Line)
		}
	}
}
