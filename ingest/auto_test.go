package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// rashomonFiles maps each encoding to its 羅生門 file.
var rashomonFiles = map[string]string{
	"utf-8":       "rashomon-utf-8.txt",
	"shift_jis":   "rashomon-shift-jis.txt",
	"euc-jp":      "rashomon-euc-jp.txt",
	"iso-2022-jp": "rashomon-iso-2022-jp.txt",
}

// TestEncodingAuto: encoding auto decodes every real legacy file exactly and
// records the encoding it found.
func TestEncodingAuto(t *testing.T) {
	want := string(mustRead(t, rawDir+"/rashomon-utf-8.txt"))
	for enc, file := range rashomonFiles {
		g := readTextFile(t, rawDir+"/"+file, Input{Encoding: "AUTO"})
		if len(g.problems) > 0 || len(g.docs) != 1 || g.docs[0].Text != want {
			t.Fatalf("%s: %d docs, problems %q", file, len(g.docs), g.problemKeys())
		}
		if g.docs[0].Meta[metaCharset] != enc {
			t.Errorf("%s: charset %q, want %s", file, g.docs[0].Meta[metaCharset], enc)
		}
	}
	// Aozora files: Shift_JIS with CRLF
	for _, f := range []string{"aozora_1515_ruby_7773.txt", "aozora_53401_txt_43150.txt"} {
		want, err := japanese.ShiftJIS.NewDecoder().Bytes(mustRead(t, rawDir+"/"+f))
		if err != nil {
			t.Fatal(err)
		}
		g := readTextFile(t, rawDir+"/"+f, Input{Encoding: "auto"})
		if len(g.problems) > 0 || len(g.docs) != 1 || g.docs[0].Meta[metaCharset] != "shift_jis" ||
			g.docs[0].Text != strings.ReplaceAll(string(want), "\r\n", "\n") {
			t.Errorf("%s: %d docs, problems %q, meta %v", f, len(g.docs), g.problemKeys(), g.docs[0].Meta)
		}
	}
}

// TestEncodingMismatch declares every 羅生門 file as every other encoding:
// one charset_mismatch Problem at the first non-ASCII byte, then the text
// decoded as detected.
func TestEncodingMismatch(t *testing.T) {
	want := string(mustRead(t, rawDir+"/rashomon-utf-8.txt"))
	firstHigh := strings.IndexFunc(want, func(r rune) bool { return r >= 0x80 })
	wantLine := int64(1 + strings.Count(want[:firstHigh], "\n"))
	for enc, file := range rashomonFiles {
		for decl := range rashomonFiles {
			if decl == enc || decl == "utf-8" { // a declared UTF-8 is checked line by line (invalid_utf8)
				continue
			}
			g := readTextFile(t, rawDir+"/"+file, Input{Encoding: decl})
			if len(g.problems) != 1 || len(g.docs) != 1 {
				t.Fatalf("%s as %s: %d docs, problems %q", file, decl, len(g.docs), g.problemKeys())
			}
			p := g.problems[0]
			if p.Kind != ProblemCharsetMismatch || p.Pos.Offset != int64(firstHigh) || p.Pos.Line != wantLine ||
				!strings.Contains(p.Detail, "declared encoding "+decl) || !strings.Contains(p.Detail, "decoding as "+enc) {
				t.Errorf("%s as %s: problem %+v", file, decl, p)
			}
			if g.docs[0].Text != want || g.docs[0].Meta[metaCharset] != nonUTF8(enc) {
				t.Errorf("%s as %s: text or charset %q wrong", file, decl, g.docs[0].Meta[metaCharset])
			}
		}
	}
}

func nonUTF8(enc string) string {
	if enc == "utf-8" {
		return ""
	}
	return enc
}

// TestJSONLAuto: a JSON Lines file of real e-Gov law texts in Shift_JIS and
// EUC-JP, read with encoding auto and with a wrong declaration.
func TestJSONLAuto(t *testing.T) {
	src := readJSONLFile(t, "../testdata/sample/fixture_docs.jsonl", Input{})
	var buf bytes.Buffer
	var texts []string
	for _, d := range src.docs[:5] {
		line, _ := json.Marshal(map[string]string{"id": d.ID, "text": d.Text})
		buf.Write(append(line, '\n'))
		texts = append(texts, d.Text)
	}
	dir := t.TempDir()
	for _, enc := range []string{"shift_jis", "euc-jp"} {
		_, e, _ := lookupEncoding(enc)
		b, err := e.NewEncoder().Bytes(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		path := writeFile(t, dir, enc+".jsonl", b)
		for _, in := range []Input{{Encoding: "auto"}, {Encoding: map[string]string{"shift_jis": "euc-jp", "euc-jp": "shift_jis"}[enc]}} {
			g := readJSONLFile(t, path, in)
			if len(g.docs) != len(texts) {
				t.Fatalf("%s as %s: %d docs", enc, in.Encoding, len(g.docs))
			}
			if wantProbs := map[bool]int{true: 0, false: 1}[in.Encoding == "auto"]; len(g.problems) != wantProbs {
				t.Errorf("%s as %s: problems %q", enc, in.Encoding, g.problemKeys())
			}
			for i, d := range g.docs {
				if d.Text != texts[i] || d.Meta[metaCharset] != enc {
					t.Errorf("%s as %s: doc %d differs (charset %q)", enc, in.Encoding, i, d.Meta[metaCharset])
				}
			}
		}
	}
}
