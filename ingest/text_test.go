package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
	"golang.org/x/text/encoding/japanese"
)

// TestTextEncodings decodes 羅生門 stored in four encodings; each must give
// exactly the text of the UTF-8 file.
func TestTextEncodings(t *testing.T) {
	want := string(mustRead(t, rawDir+"/rashomon-utf-8.txt"))
	tests := []struct {
		file, encoding, charset string
	}{
		{"rashomon-utf-8.txt", "", ""},
		{"rashomon-utf-8.txt", "UTF-8", ""},
		{"rashomon-shift-jis.txt", "shift_jis", "shift_jis"},
		{"rashomon-euc-jp.txt", "euc-jp", "euc-jp"},
		{"rashomon-iso-2022-jp.txt", "iso-2022-jp", "iso-2022-jp"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.encoding, func(t *testing.T) {
			path := rawDir + "/" + tc.file
			for _, split := range []string{SplitFile, SplitParagraph} {
				g := readTextFile(t, path, Input{Encoding: tc.encoding, Split: split})
				if len(g.problems) > 0 || len(g.docs) == 0 {
					t.Fatalf("%s: %d docs, problems %q", split, len(g.docs), g.problemKeys())
				}
				if split == SplitFile {
					if len(g.docs) != 1 || g.docs[0].Text != want || g.docs[0].ID != path {
						t.Fatalf("text differs from the UTF-8 file (%d vs %d bytes), id %q", len(g.docs[0].Text), len(want), g.docs[0].ID)
					}
				}
				for _, d := range g.docs {
					if d.Meta[metaCharset] != tc.charset {
						t.Errorf("charset %q, want %q", d.Meta[metaCharset], tc.charset)
					}
				}
			}
		})
	}
	// The same bytes declared as the wrong encoding are reported and
	// decoded as detected (see TestEncodingMismatch).
	g := readTextFile(t, rawDir+"/rashomon-shift-jis.txt", Input{Encoding: "euc-jp"})
	if len(g.docs) != 1 || g.docs[0].Text != want || len(g.problems) != 1 || g.problems[0].Kind != ProblemCharsetMismatch {
		t.Errorf("Shift_JIS declared EUC-JP: %d docs, problems %q", len(g.docs), g.problemKeys())
	}
}

// TestTextParagraph checks paragraph ids, CRLF and lone CR handling.
func TestTextParagraph(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		split     string
		wantIDs   []string
		wantTexts []string
		wantProbs []string
	}{
		{
			name:      "crlf and lone cr",
			data:      "一\r\n二\r\n\r\n三\r四\r\r五\n",
			split:     SplitParagraph,
			wantIDs:   []string{"t:1", "t:4", "t:7"},
			wantTexts: []string{"一\n二", "三\n四", "五"},
		},
		{
			name:      "crlf and lone cr, whole file",
			data:      "一\r\n二\r\n\r\n三\r四\r\r五\r",
			split:     SplitFile,
			wantIDs:   []string{"t"},
			wantTexts: []string{"一\n二\n\n三\n四\n\n五\n"},
		},
		{
			name:      "bom, blank lines of white space, no final newline",
			data:      "\ufeff\n\n　吾輩は猫である。\n名前はまだ無い。\n　\u3000\n \t\n\nどこで生れたか",
			split:     SplitParagraph,
			wantIDs:   []string{"t:3", "t:8"},
			wantTexts: []string{"　吾輩は猫である。\n名前はまだ無い。", "どこで生れたか"},
		},
		{
			name:      "invalid utf-8 in a paragraph",
			data:      "良い\n\n悪い\n悪\xe3\x81い\n\n良い\n",
			split:     SplitParagraph,
			wantIDs:   []string{"t:1", "t:6"},
			wantProbs: []string{"invalid_utf8 t:4"},
		},
		{
			name:      "invalid utf-8 in a file",
			data:      "良い\n\n悪い\n悪\xe3\x81い\n\n良い\n",
			split:     SplitFile,
			wantProbs: []string{"invalid_utf8 t:4"},
		},
		{
			name:      "white space only file",
			data:      "\u3000\r\n\r\n",
			split:     SplitFile,
			wantProbs: []string{"empty_document t:1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := drain(t, NewText(strings.NewReader(tc.data), "t", Input{Split: tc.split}).Next)
			if fmt.Sprint(g.ids()) != fmt.Sprint(tc.wantIDs) {
				t.Errorf("ids %q, want %q", g.ids(), tc.wantIDs)
			}
			for i, want := range tc.wantTexts {
				if i < len(g.docs) && g.docs[i].Text != want {
					t.Errorf("doc %d text %q, want %q", i, g.docs[i].Text, want)
				}
			}
			if fmt.Sprint(g.problemKeys()) != fmt.Sprint(tc.wantProbs) {
				t.Errorf("problems %q, want %q", g.problemKeys(), tc.wantProbs)
			}
		})
	}
}

// TestTextParagraphReal splits a real Shift_JIS + CRLF Aozora file into
// paragraphs and checks them against the file decoded independently.
func TestTextParagraphReal(t *testing.T) {
	path := rawDir + "/aozora_53401_txt_43150.txt"
	raw := mustRead(t, path)
	if !bytes.Contains(raw, []byte("\r\n")) {
		t.Fatal("test file should have CRLF line ends")
	}
	dec, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(dec), "\r\n", "\n"), "\n")
	// Reference paragraphs: maximal runs of lines with non-space content.
	var wantIDs, wantTexts []string
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		start := i
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
		wantIDs = append(wantIDs, fmt.Sprintf("%s:%d", path, start+1))
		wantTexts = append(wantTexts, strings.Join(lines[start:i], "\n"))
	}
	g := readTextFile(t, path, Input{Encoding: "shift_jis", Split: SplitParagraph})
	if len(g.problems) > 0 {
		t.Fatalf("problems %q", g.problemKeys())
	}
	if len(wantIDs) < 3 || fmt.Sprint(g.ids()) != fmt.Sprint(wantIDs) {
		t.Fatalf("ids\n got %q\nwant %q", g.ids(), wantIDs)
	}
	for i, d := range g.docs {
		if d.Text != wantTexts[i] || strings.ContainsRune(d.Text, '\r') {
			t.Errorf("paragraph %d: %q, want %q", i, d.Text, wantTexts[i])
		}
		if d.Meta[metaCharset] != "shift_jis" || d.Source != path {
			t.Errorf("paragraph %d: meta %v source %q", i, d.Meta, d.Source)
		}
	}
}

// TestTextAozoraDir reads the ten sample Aozora files as whole documents.
func TestTextAozoraDir(t *testing.T) {
	g, _ := readSource(t, []Input{{Path: aozoraDir, Source: "aozora"}})
	entries, err := os.ReadDir(aozoraDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.docs) != 10 || len(entries) != 10 || len(g.problems) > 0 {
		t.Fatalf("got %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	for i, e := range entries { // ReadDir sorts by name
		path := filepath.Join(aozoraDir, e.Name())
		name := "aozora/" + e.Name() // the directory's base name, then the path under it
		d := g.docs[i]
		want := pipeline.Position{File: name, Line: 1, Offset: 0}
		if d.ID != name || d.Source != "aozora" || d.Pos != want || d.Text != string(mustRead(t, path)) {
			t.Errorf("doc %d: id %q source %q pos %v, %d bytes", i, d.ID, d.Source, d.Pos, len(d.Text))
		}
	}
}

// TestTextTooLong checks MaxDocBytes for files and paragraphs.
func TestTextTooLong(t *testing.T) {
	data := "短い\n\n" + strings.Repeat("長い行", 100) + "\n\n短い\n" + strings.Repeat("長", 10) + "\n" + strings.Repeat("長", 10) + "\n\n終\n"
	tx := NewText(strings.NewReader(data), "t", Input{Split: SplitParagraph})
	tx.MaxDocBytes = 60
	g := drain(t, tx.Next)
	want := []string{"doc t:1", "problem document_too_long t:3", "problem document_too_long t:5", "doc t:9"}
	if fmt.Sprint(g.order) != fmt.Sprint(want) {
		t.Errorf("order %q, want %q", g.order, want)
	}
	tx = NewText(strings.NewReader(data), "t", Input{})
	tx.MaxDocBytes = 60
	g = drain(t, tx.Next)
	if want := []string{"problem document_too_long t:1"}; fmt.Sprint(g.order) != fmt.Sprint(want) {
		t.Errorf("order %q, want %q", g.order, want)
	}
}
