package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// TestJSONLRealFiles reads the three sample JSONL files through Open and
// NewJSONL and checks every document against an independent decoding of the
// same file (standard library gzip, zstd DecodeAll, encoding/json into any).
func TestJSONLRealFiles(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		raw        func(testing.TB, []byte) []byte // independent decompression
		in         Input
		wantDocs   int
		wantFirst  string
		wantLast   string
		wantSource string
		// known holds values of the first document: "id", "url", "text-prefix" or meta keys.
		known map[string]string
		// absentMeta lists meta keys the first document must not have.
		absentMeta []string
	}{
		{
			name: "fixture", path: fixturePath, raw: func(_ testing.TB, b []byte) []byte { return b },
			in:       Input{Source: "fixture", MetaFields: []string{"kind", "license", "title", "author", "near_dup_group"}},
			wantDocs: 86, wantFirst: "kokkai:119305261X00920170208_157", wantLast: "kokkai:115904304X01220040423_042",
			wantSource: "fixture",
			known: map[string]string{
				"url":   "https://kokkai.ndl.go.jp/txt/119305261X00920170208/157",
				"text":  "○金田国務大臣　御質問にお答えをいたします。\n　移民の概念",
				"kind":  "gov-speech",
				"title": "衆議院 予算委員会 2017-02-08",
			},
			absentMeta: []string{"author", "near_dup_group"},
		},
		{
			name: "speeches gzip", path: speechesPath, raw: gunzip,
			in:       Input{MetaFields: []string{"house", "meeting", "date", "speaker_group", "n_topic_files"}},
			wantDocs: 901, wantFirst: "100504581X00519490523_014", wantLast: "121115372X00120230530_108",
			wantSource: speechesPath,
			known: map[string]string{
				"url":           "https://kokkai.ndl.go.jp/txt/100504581X00519490523/14",
				"text":          "○田中（健）政府委員　鉄道の工事勘定の二十四年度の予算総額は百六十五億",
				"house":         "衆議院",
				"date":          "1949-05-23",
				"n_topic_files": "1", // a number, as its JSON text
			},
			absentMeta: []string{"speaker_group"}, // null
		},
		{
			name: "laws zstd", path: lawsPath, raw: unzstd,
			in:       Input{Source: "egov", MetaFields: []string{"title", "category"}},
			wantDocs: 80, wantFirst: "000be51e5c21e3d1", wantLast: "7ce0745740e76165",
			wantSource: "egov",
			known: map[string]string{
				"url":      "",
				"text":     "武力攻撃事態等における我が国の平和と独立並びに国及び国民の安全の確保に関する法律施行令\n（平成十五年六月十三日政令第二百五十二号）",
				"category": "外事",
				"title":    "武力攻撃事態等における我が国の平和と独立並びに国及び国民の安全の確保に関する法律施行令（平成十五年六月十三日政令第二百五十二号）",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := readJSONLFile(t, tc.path, tc.in)
			if len(g.problems) > 0 {
				t.Fatalf("unexpected problems: %v", g.problemKeys())
			}
			if len(g.docs) != tc.wantDocs {
				t.Fatalf("got %d docs, want %d", len(g.docs), tc.wantDocs)
			}
			if id := g.docs[0].ID; id != tc.wantFirst {
				t.Errorf("first id %q, want %q", id, tc.wantFirst)
			}
			if id := g.docs[len(g.docs)-1].ID; id != tc.wantLast {
				t.Errorf("last id %q, want %q", id, tc.wantLast)
			}
			first := g.docs[0]
			for k, want := range tc.known {
				switch k {
				case "url":
					if first.URL != want {
						t.Errorf("url %q, want %q", first.URL, want)
					}
				case "text":
					if !strings.HasPrefix(first.Text, want) {
						t.Errorf("text starts %q, want prefix %q", first.Text[:min(len(first.Text), 90)], want)
					}
				default:
					if got := first.Meta[k]; got != want {
						t.Errorf("meta %s = %q, want %q", k, got, want)
					}
				}
			}
			for _, k := range tc.absentMeta {
				if v, ok := first.Meta[k]; ok {
					t.Errorf("meta %s = %q, want absent", k, v)
				}
			}

			// Every document against an independent decoding of its line.
			lines := splitLines(tc.raw(t, mustRead(t, tc.path)))
			if len(lines) != tc.wantDocs {
				t.Fatalf("reference has %d lines", len(lines))
			}
			var off int64
			for i, d := range g.docs {
				var ref map[string]any
				if err := json.Unmarshal(lines[i], &ref); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				want := pipeline.Position{File: tc.path, Line: int64(i + 1), Offset: off}
				off += int64(len(lines[i]) + 1)
				if d.Pos != want {
					t.Errorf("doc %d pos %+v, want %+v", i, d.Pos, want)
				}
				if d.ID != ref["id"] || d.Text != ref["text"] || d.Source != tc.wantSource {
					t.Errorf("line %d: id %q source %q text %d bytes; want id %v source %q text %d bytes",
						i+1, d.ID, d.Source, len(d.Text), ref["id"], tc.wantSource, len(ref["text"].(string)))
				}
				if u, _ := ref["url"].(string); d.URL != u {
					t.Errorf("line %d: url %q, want %q", i+1, d.URL, u)
				}
				for _, f := range tc.in.MetaFields {
					v, ok := ref[f]
					got, has := d.Meta[f]
					switch {
					case !ok || v == nil:
						if has {
							t.Errorf("line %d: meta %s = %q, want absent", i+1, f, got)
						}
					case !has || got != fmt.Sprint(v):
						t.Errorf("line %d: meta %s = %q (present %v), want %v", i+1, f, got, has, v)
					}
				}
			}
		})
	}
}

// TestJSONLRecords checks record-level handling on small streams: every
// problem kind, skipped lines, ids, BOM and CRLF.
func TestJSONLRecords(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		data     string
		limit    int
		wantIDs  []string
		wantText []string
		// wantProblems are "kind file:line".
		wantProblems []string
		// wantOrder, when set, is the exact interleaving of docs and problems.
		wantOrder []string
	}{
		{
			name:     "bom crlf and blank lines",
			data:     "\ufeff{\"id\":\"a\",\"text\":\"一\"}\r\n\r\n   \n\t\r\n{\"id\":\"b\",\"text\":\"二\"}",
			wantIDs:  []string{"a", "b"},
			wantText: []string{"一", "二"},
		},
		{
			name:    "ids: number, missing, empty, null, object",
			data:    `{"id":42,"text":"x"}` + "\n" + `{"text":"x"}` + "\n" + `{"id":"","text":"x"}` + "\n" + `{"id":null,"text":"x"}` + "\n" + `{"id":{"a":1},"text":"x"}` + "\n" + `{"id":-1.5e3,"text":"x"}`,
			wantIDs: []string{"42", "mem:2", "mem:3", "mem:4", "mem:5", "-1.5e3"},
		},
		{
			name:     "custom fields",
			in:       Input{TextField: "body", IDField: "key", URLField: "link"},
			data:     `{"key":"k1","body":"本文","text":"not this","link":"https://example.jp/"}` + "\n" + `{"key":"k2","text":"only text"}`,
			wantIDs:  []string{"k1"},
			wantText: []string{"本文"},
			wantProblems: []string{
				"missing_text mem:2",
			},
		},
		{
			name:    "escapes",
			data:    `{"id":"e","text":"改行\n\"引用\"\t\u3042\ud83d\ude00\\"}`,
			wantIDs: []string{"e"}, wantText: []string{"改行\n\"引用\"\tあ😀\\"},
		},
		{
			name: "every problem kind",
			data: strings.Join([]string{
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
				`{"id":"ok3","text":"良い"}`,
			}, "\n"),
			limit:   200,
			wantIDs: []string{"ok1", "ok3"},
			wantOrder: []string{
				"doc ok1",
				"problem invalid_utf8 mem:2",
				"problem malformed_json mem:3",
				"problem missing_text mem:4",
				"problem missing_text mem:5",
				"problem missing_text mem:6",
				"problem empty_document mem:7",
				"problem empty_document mem:8",
				"problem malformed_json mem:9",
				"problem line_too_long mem:10",
				"problem malformed_json mem:11",
				"doc ok3",
			},
		},
		{
			name:         "empty stream",
			data:         "",
			wantProblems: []string{"empty_file mem:1"},
		},
		{
			name:         "bom only",
			data:         "\ufeff",
			wantProblems: []string{"empty_file mem:1"},
		},
		{
			name: "blank lines only",
			data: "\n\n \n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := NewJSONL(strings.NewReader(tc.data), "mem", tc.in)
			j.MaxLineBytes = tc.limit
			g := drain(t, j.Next)
			if fmt.Sprint(g.ids()) != fmt.Sprint(tc.wantIDs) {
				t.Errorf("ids %q, want %q", g.ids(), tc.wantIDs)
			}
			for i, want := range tc.wantText {
				if i < len(g.docs) && g.docs[i].Text != want {
					t.Errorf("doc %d text %q, want %q", i, g.docs[i].Text, want)
				}
			}
			if tc.wantOrder != nil {
				if fmt.Sprint(g.order) != fmt.Sprint(tc.wantOrder) {
					t.Errorf("order\n got %q\nwant %q", g.order, tc.wantOrder)
				}
			} else if fmt.Sprint(g.problemKeys()) != fmt.Sprint(tc.wantProblems) {
				t.Errorf("problems %q, want %q", g.problemKeys(), tc.wantProblems)
			}
		})
	}
}

// TestJSONLProblemDetails checks Detail, Offset and Raw of problems.
func TestJSONLProblemDetails(t *testing.T) {
	line1 := `{"id":"a","text":"あ"}`
	bad := "{\"id\":\"b\",\"text\":\"いX\xffう\"}"
	data := line1 + "\n" + bad + "\n"
	g := drain(t, NewJSONL(strings.NewReader(data), "f.jsonl", Input{}).Next)
	if len(g.docs) != 1 || len(g.problems) != 1 {
		t.Fatalf("got %d docs, %d problems", len(g.docs), len(g.problems))
	}
	p := g.problems[0]
	wantPos := pipeline.Position{File: "f.jsonl", Line: 2, Offset: int64(len(line1) + 1)}
	if p.Pos != wantPos {
		t.Errorf("pos %+v, want %+v", p.Pos, wantPos)
	}
	badAt := strings.IndexByte(bad, 0xff)
	if want := fmt.Sprintf("byte %d of the line (decoded byte offset %d)", badAt, len(line1)+1+badAt); !strings.Contains(p.Detail, want) {
		t.Errorf("detail %q lacks %q", p.Detail, want)
	}
	if string(p.Raw) != bad {
		t.Errorf("raw %q, want %q", p.Raw, bad)
	}

	// Raw is capped at 1 MiB.
	long := "{\"text\":\"\xff" + strings.Repeat("あ", maxRaw) + "\"}"
	g = drain(t, NewJSONL(strings.NewReader(long), "f.jsonl", Input{}).Next)
	if len(g.problems) != 1 || g.problems[0].Kind != pipeline.ProblemInvalidUTF8 || string(g.problems[0].Raw) != long[:maxRaw] {
		t.Errorf("long invalid line: problems %q, raw %d bytes", g.problemKeys(), len(g.problems[0].Raw))
	}
}

// TestJSONLMeta checks how meta values are copied.
func TestJSONLMeta(t *testing.T) {
	data := `{"text":"本文","s":"文字列","n":1.50,"b":true,"o":{ "k" : [1, 2] },"z":null}`
	in := Input{MetaFields: []string{"s", "n", "b", "o", "z", "missing"}, Encoding: "utf-8"}
	g := drain(t, NewJSONL(strings.NewReader(data), "m", in).Next)
	if len(g.docs) != 1 {
		t.Fatalf("got %d docs, problems %v", len(g.docs), g.problemKeys())
	}
	want := map[string]string{"s": "文字列", "n": "1.50", "b": "true", "o": `{"k":[1,2]}`}
	if fmt.Sprint(g.docs[0].Meta) != fmt.Sprint(want) {
		t.Errorf("meta %v, want %v", g.docs[0].Meta, want)
	}
}

// TestJSONLEncodings re-encodes the fixture records (those representable in
// all three legacy encodings) and reads them back.
func TestJSONLEncodings(t *testing.T) {
	encs := []struct {
		name string
		enc  encoding.Encoding
	}{{"shift_jis", japanese.ShiftJIS}, {"euc-jp", japanese.EUCJP}, {"iso-2022-jp", japanese.ISO2022JP}}
	var lines [][]byte
	encoded := make([][][]byte, len(encs))
	for _, l := range splitLines(mustRead(t, fixturePath)) {
		var outs [][]byte
		for _, e := range encs {
			b, err := e.enc.NewEncoder().Bytes(l)
			if err != nil {
				break
			}
			outs = append(outs, b)
		}
		if len(outs) < len(encs) {
			continue // a character outside JIS X 0208
		}
		lines = append(lines, l)
		for k := range encs {
			encoded[k] = append(encoded[k], outs[k])
		}
	}
	if len(lines) < 80 {
		t.Fatalf("only %d encodable records", len(lines))
	}
	dir := t.TempDir()
	want := readJSONLFile(t, writeFile(t, dir, "utf8.jsonl", joinLines(lines)), Input{})
	for k, e := range encs {
		t.Run(e.name, func(t *testing.T) {
			data := joinLines(encoded[k])
			if k == 0 {
				data = gzipBytes(t, data)
			}
			p := writeFile(t, dir, e.name+".jsonl", data)
			g := readJSONLFile(t, p, Input{Encoding: e.name, MetaFields: []string{"kind"}})
			if len(g.problems) > 0 || len(g.docs) != len(want.docs) {
				t.Fatalf("got %d docs, want %d; problems %q", len(g.docs), len(want.docs), g.problemKeys())
			}
			for i, d := range g.docs {
				w := want.docs[i]
				if d.ID != w.ID || d.Text != w.Text || d.Pos.Line != w.Pos.Line {
					t.Fatalf("doc %d: %q (%d bytes), want %q (%d bytes)", i, d.ID, len(d.Text), w.ID, len(w.Text))
				}
				if d.Meta[metaCharset] != e.name || d.Meta["kind"] == "" {
					t.Fatalf("doc %d: meta %v", i, d.Meta)
				}
			}
		})
	}
}

// TestJSONLLoneCR: old Mac line ends separate records as in text files.
func TestJSONLLoneCR(t *testing.T) {
	data := "{\"id\":\"a\",\"text\":\"一つ目\"}\r{\"id\":\"b\",\"text\":\"二つ目\"}\r\n{\"id\":\"c\",\"text\":\"三つ目\"}\r\r{\"id\":\"d\",\"text\":\"四つ目\"}"
	j := NewJSONL(strings.NewReader(data), "mac.jsonl", Input{})
	var got []string
	for {
		d, err := j.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s@%d:%d", d.ID, d.Pos.Line, d.Pos.Offset))
	}
	want := []string{"a@1:0", "b@2:30", "c@3:61", "d@5:92"} // 一つ目 is 9 bytes: each record is 29
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
