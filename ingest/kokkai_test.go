package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Kokkai test files (see testdata/SOURCES.md): cuts of the real API
// responses of ../shared/corpus/gov/kokkai_api_samples.
const kokkaiDir = "../testdata/kokkai"

// readKokkai reads one file with the given speaker marker mode.
func readKokkai(t testing.TB, name, marker string) got {
	t.Helper()
	return readKokkaiBytes(t, mustRead(t, filepath.Join(kokkaiDir, name)), name, marker)
}

// The meeting headers the reader skips (Kokkai.Skipped, not problems) are
// listed in g.problems as ProblemKokkaiHeader entries before the real
// problems, so that the cases count them alongside.
func readKokkaiBytes(t testing.TB, data []byte, name, marker string) got {
	t.Helper()
	k := NewKokkai(bytes.NewReader(data), name, Input{SpeakerMarker: marker})
	g := drain(t, k.Next)
	for _, p := range g.problems {
		if p.Kind == ProblemKokkaiHeader {
			t.Fatalf("%s: a meeting header returned as a problem: %v", name, p)
		}
	}
	var headers []*pipeline.Problem
	for range k.Skipped()[ProblemKokkaiHeader] {
		headers = append(headers, &pipeline.Problem{Kind: ProblemKokkaiHeader, Pos: pipeline.Position{File: name}})
	}
	g.problems = append(headers, g.problems...)
	return g
}

// docByID returns the document with id, failing the test if absent.
func docByID(t *testing.T, g got, id string) *pipeline.Document {
	t.Helper()
	for _, d := range g.docs {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no document %s among %v", id, g.ids())
	return nil
}

func kindCount(g got) map[string]int {
	m := map[string]int{}
	for _, p := range g.problems {
		m[p.Kind]++
	}
	return m
}

// TestKokkaiSamples checks the documents of every kind of response: their
// number, and one speech's text and metadata.
func TestKokkaiSamples(t *testing.T) {
	honkaigi := map[string]string{ // 2023-12-06 参議院本会議, speech 2
		"speaker": "北村経夫", "speaker_group": "自由民主党", "house": "参議院", "meeting": "本会議",
		"issue": "第9号", "date": "2023-12-06", "session": "212", "speech_order": "2",
		"issue_id":    "121215254X00920231206",
		"speech_url":  "https://kokkai.ndl.go.jp/txt/121215254X00920231206/2",
		"meeting_url": "https://kokkai.ndl.go.jp/txt/121215254X00920231206",
	}
	const honkaigiText = "ただいま議題となりました議定書につきまして、外交防衛委員会における審査の経過と結果を御報告申し上げます。"
	roudou := map[string]string{ // 1947-11-14 参議院 労働委員会請願及び陳情に関する小委員会, speech 2
		"speaker": "千葉信", "speaker_group": "日本社会党", "house": "参議院",
		"meeting": "労働委員会請願及び陳情に関する小委員会", "issue": "第1号", "date": "1947-11-14",
		"session": "1", "speech_order": "2",
		"speech_url": "https://kokkai.ndl.go.jp/txt/100115299X00119471114/2",
		"pdf_url":    "https://kokkai.ndl.go.jp/img/100115299X00119471114",
	}
	const roudouText = "如何でしようか、互選は選挙によらないで、推薦の方法によられては、まず懇談をなされては。"
	for _, tc := range []struct {
		file    string
		docs    int
		headers int
		id      string
		marker  string // the speech's marker in keep mode ("" for flowweb-kokkai)
		text    string // the speech after its marker
		meta    map[string]string
		noMeta  []string
	}{
		{"meeting-212-honkaigi.xml", 12, 1, "121215254X00920231206_002", "○北村経夫君", honkaigiText, honkaigi, []string{"pdf_url", "speaker_position"}},
		{"api-speech-212-honkaigi.json", 12, 1, "121215254X00920231206_002", "○北村経夫君", honkaigiText, honkaigi, []string{"pdf_url"}},
		{"flowweb-212-honkaigi.json", 3, 1, "121215254X00920231206_002", "", honkaigiText, honkaigi, nil},
		{"meeting-1-roudou.xml", 5, 1, "100115299X00119471114_002", "○千葉信君", roudouText, roudou, nil},
		{"api-meeting-1-roudou.json", 5, 1, "100115299X00119471114_002", "○千葉信君", roudouText, roudou, nil},
		{"flowweb-1-roudou.json", 1, 1, "100115299X00119471114_002", "", roudouText, roudou, nil},
		{"meeting-212-monka.xml", 19, 1, "121205124X00120231101_008", "○盛山国務大臣", "第二百十二回国会において各般の課題を御審議いただくに当たり、御挨拶申し上げます。",
			map[string]string{"speaker": "盛山正仁", "speaker_position": "文部科学大臣", "speaker_group": "自由民主党・無所属の会",
				"house": "衆議院", "meeting": "文部科学委員会", "date": "2023-11-01", "speaker_yomi": "もりやままさひと"}, nil},
		{"flowweb-212-monka.json", 6, 1, "121205124X00120231101_008", "", "第二百十二回国会において各般の課題を御審議いただくに当たり、御挨拶申し上げます。",
			map[string]string{"speaker": "盛山正仁", "speaker_position": "文部科学大臣", "speaker_group": "自由民主党・無所属の会",
				"house": "衆議院", "meeting": "文部科学委員会", "date": "2023-11-01"}, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			for _, mode := range []string{SpeakerMarkerKeep, SpeakerMarkerStrip} {
				g := readKokkai(t, tc.file, mode)
				if len(g.docs) != tc.docs || len(g.problems) != tc.headers || kindCount(g)[ProblemKokkaiHeader] != tc.headers {
					t.Fatalf("%s: %d docs, problems %v; want %d docs, %d headers", mode, len(g.docs), g.problemKeys(), tc.docs, tc.headers)
				}
				d := docByID(t, g, tc.id)
				want := tc.text
				switch {
				case mode == SpeakerMarkerKeep && tc.marker != "":
					want = tc.marker + "\u3000" + tc.text
				case mode == SpeakerMarkerKeep:
					want = "\u3000" + tc.text // the harvester's stand-in for the marker
				}
				if !strings.HasPrefix(d.Text, want) {
					t.Errorf("%s: text starts %q, want %q", mode, prefix(d.Text, 80), want)
				}
				if d.URL != tc.meta["speech_url"] && tc.meta["speech_url"] != "" {
					t.Errorf("URL %q, want %q", d.URL, tc.meta["speech_url"])
				}
				for k, v := range tc.meta {
					if d.Meta[k] != v {
						t.Errorf("%s: meta %s = %q, want %q", mode, k, d.Meta[k], v)
					}
				}
				for _, k := range tc.noMeta {
					if v, ok := d.Meta[k]; ok {
						t.Errorf("meta %s = %q, want absent (empty in the response)", k, v)
					}
				}
				if got, ok := d.Meta["speaker_marker"]; mode == SpeakerMarkerStrip && tc.marker != "" && got != tc.marker {
					t.Errorf("meta speaker_marker = %q (%v), want %q", got, ok, tc.marker)
				}
				if d.Source != tc.file || d.Pos.File != tc.file {
					t.Errorf("source %q pos %v", d.Source, d.Pos)
				}
				for _, d := range g.docs {
					if d.Meta["speech_order"] == "0" || d.Meta["speaker"] == "会議録情報" {
						t.Errorf("header record %s became a document", d.ID)
					}
				}
			}
		})
	}
}

func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// TestKokkaiSpeechEndpointXML reads a speech endpoint record in XML (the
// fields of speech 2 of meeting-1-roudou.xml, laid out as /api/speech
// returns them: the meeting's fields in the speechRecord).
func TestKokkaiSpeechEndpointXML(t *testing.T) {
	const rec = `<speechRecord><speechID>100115299X00119471114_002</speechID><issueID>100115299X00119471114</issueID>` +
		`<imageKind>会議録</imageKind><searchObject>2</searchObject><session>1</session><nameOfHouse>参議院</nameOfHouse>` +
		`<nameOfMeeting>労働委員会請願及び陳情に関する小委員会</nameOfMeeting><issue>第1号</issue><date>1947-11-14</date><closing></closing>` +
		`<speechOrder>2</speechOrder><speaker>千葉信</speaker><speakerYomi>ちばまこと</speakerYomi><speakerGroup>日本社会党</speakerGroup>` +
		`<speakerPosition></speakerPosition><speakerRole></speakerRole><speech>○千葉信君　如何でしようか、互選は選挙によらないで、推薦の方法によられては、まず懇談をなされては。</speech>` +
		`<startPage>1</startPage><speechURL>https://kokkai.ndl.go.jp/txt/100115299X00119471114/2</speechURL>` +
		`<meetingURL>https://kokkai.ndl.go.jp/txt/100115299X00119471114</meetingURL><pdfURL>https://kokkai.ndl.go.jp/img/100115299X00119471114</pdfURL></speechRecord>`
	data := "<data><numberOfRecords>2</numberOfRecords><numberOfReturn>2</numberOfReturn><startRecord>1</startRecord><records>" +
		"<record><recordData>" + rec + "</recordData></record>\n" +
		"<record><recordData>" + strings.ReplaceAll(rec, "_002", "_003") + "</recordData></record></records></data>"
	g := readKokkaiBytes(t, []byte(data), "x", SpeakerMarkerStrip)
	if len(g.docs) != 2 || len(g.problems) != 0 {
		t.Fatalf("%v %v", g.ids(), g.problemKeys())
	}
	d := g.docs[0]
	if d.ID != "100115299X00119471114_002" || d.Text != "如何でしようか、互選は選挙によらないで、推薦の方法によられては、まず懇談をなされては。" ||
		d.URL != "https://kokkai.ndl.go.jp/txt/100115299X00119471114/2" || d.Meta["meeting"] != "労働委員会請願及び陳情に関する小委員会" ||
		d.Meta["pdf_url"] != "https://kokkai.ndl.go.jp/img/100115299X00119471114" || d.Meta["speaker_marker"] != "○千葉信君" || d.Pos.Line != 1 {
		t.Errorf("%+v", d)
	}
	if g.docs[1].ID != "100115299X00119471114_003" || g.docs[1].Pos.Line != 2 {
		t.Errorf("second record %s at %v", g.docs[1].ID, g.docs[1].Pos)
	}
}

// TestKokkaiPositions: XML problems and documents carry line and byte
// offset; JSON ones the byte offset where the record starts.
func TestKokkaiPositions(t *testing.T) {
	data := mustRead(t, filepath.Join(kokkaiDir, "meeting-212-honkaigi.xml"))
	g := readKokkaiBytes(t, data, "x.xml", "")
	for _, d := range g.docs {
		if d.Pos.Line < 1 || d.Pos.Offset <= 0 || !bytes.HasPrefix(data[d.Pos.Offset:], []byte("<speechRecord><speechID>"+d.ID+"<")) {
			t.Errorf("%s at %v: %q", d.ID, d.Pos, prefix(string(data[d.Pos.Offset:]), 40))
		}
		if want := int64(1 + bytes.Count(data[:d.Pos.Offset], []byte("\n"))); d.Pos.Line != want {
			t.Errorf("%s at line %d, want %d", d.ID, d.Pos.Line, want)
		}
	}
	data = mustRead(t, filepath.Join(kokkaiDir, "api-speech-212-honkaigi.json"))
	g = readKokkaiBytes(t, data, "x.json", "")
	for _, d := range g.docs {
		rest := bytes.TrimLeft(data[d.Pos.Offset:], ", \n")
		if !bytes.HasPrefix(rest, []byte("{\n   \"speechID\": \""+d.ID+"\"")) {
			t.Errorf("%s at %v: %q", d.ID, d.Pos, prefix(string(rest), 40))
		}
	}
}

// TestKokkaiSameSpeeches: the same meeting read from the XML, the API JSON
// converted from it and (strip mode) the harvester's JSON gives the same
// texts and metadata.
func TestKokkaiSameSpeeches(t *testing.T) {
	for _, pair := range [][2]string{
		{"meeting-212-honkaigi.xml", "api-speech-212-honkaigi.json"},
		{"meeting-1-roudou.xml", "api-meeting-1-roudou.json"},
	} {
		for _, mode := range []string{SpeakerMarkerKeep, SpeakerMarkerStrip} {
			a, b := readKokkai(t, pair[0], mode), readKokkai(t, pair[1], mode)
			if len(a.docs) != len(b.docs) {
				t.Fatalf("%v: %d vs %d docs", pair, len(a.docs), len(b.docs))
			}
			for i := range a.docs {
				da, db := a.docs[i], b.docs[i]
				if da.ID != db.ID || da.Text != db.Text || da.URL != db.URL || len(da.Meta) != len(db.Meta) {
					t.Errorf("%v %s: %s/%s differ: meta %v vs %v", pair, mode, da.ID, db.ID, da.Meta, db.Meta)
				}
				for k, v := range da.Meta {
					if db.Meta[k] != v {
						t.Errorf("%s: meta %s %q vs %q", da.ID, k, v, db.Meta[k])
					}
				}
			}
		}
	}
	// The harvester dropped the chair's procedural speeches and replaced
	// the marker by one U+3000: in strip mode its texts equal the API's.
	for _, pair := range [][2]string{
		{"meeting-212-honkaigi.xml", "flowweb-212-honkaigi.json"},
		{"meeting-212-monka.xml", "flowweb-212-monka.json"},
		{"meeting-1-roudou.xml", "flowweb-1-roudou.json"},
	} {
		a, b := readKokkai(t, pair[0], SpeakerMarkerStrip), readKokkai(t, pair[1], SpeakerMarkerStrip)
		for _, db := range b.docs {
			da := docByID(t, a, db.ID)
			if da.Text != db.Text {
				t.Errorf("%s: %q vs %q", db.ID, prefix(da.Text, 30), prefix(db.Text, 30))
			}
			for _, k := range []string{"speaker", "house", "meeting", "date", "issue", "session", "speech_url", "speech_order", "speaker_group", "speaker_position"} {
				if da.Meta[k] != db.Meta[k] {
					t.Errorf("%s: meta %s %q vs %q", db.ID, k, da.Meta[k], db.Meta[k])
				}
			}
		}
	}
}

func TestStripSpeakerMarker(t *testing.T) {
	a63 := strings.Repeat("あ", maxMarkerRunes-1)
	for _, tc := range []struct{ in, marker, rest string }{
		{"○議長（尾辻秀久君）　これより会議を開きます。\n　日程第一", "○議長（尾辻秀久君）", "これより会議を開きます。\n　日程第一"},
		{"○田野瀬委員長　これより会議を開きます。", "○田野瀬委員長", "これより会議を開きます。"},
		{"○原（侑）委員　ちよつと議事進行について、……。", "○原（侑）委員", "ちよつと議事進行について、……。"},
		{"○千葉信君　如何でしようか、", "○千葉信君", "如何でしようか、"},
		{"○千葉信君　", "○千葉信君", ""},
		{"○　空", "○", "空"},              // an empty name still ends at the space
		{"　如何でしようか、", "", "　如何でしようか、"}, // no marker (flowweb-kokkai text)
		{"令和五年十二月六日（水曜日）\n○議事日程　第九号", "", "令和五年十二月六日（水曜日）\n○議事日程　第九号"}, // ○ not at the start
		{"○議事日程\n　第九号", "", "○議事日程\n　第九号"},                             // line break before the space
		{"○議事日程\r\n　第九号", "", "○議事日程\r\n　第九号"},
		{"○千葉信君 如何でしようか、", "", "○千葉信君 如何でしようか、"},     // an ASCII space is not the separator
		{"○" + a63 + "　本文", "○" + a63, "本文"},         // the space is the 64th rune after ○
		{"○" + a63 + "あ　本文", "", "○" + a63 + "あ　本文"}, // the 65th: too far
		{"○", "", "○"},
		{"", "", ""},
	} {
		m, r := stripSpeakerMarker(tc.in)
		if m != tc.marker || r != tc.rest {
			t.Errorf("stripSpeakerMarker(%q) = %q, %q; want %q, %q", prefix(tc.in, 20), m, r, tc.marker, tc.rest)
		}
		if m != "" && m+"\u3000"+r != tc.in {
			t.Errorf("%q: marker and rest do not make the input", tc.in)
		}
	}
}

// TestKokkaiMarkersOfRealSpeeches: every speech of the XML samples (427
// with speechOrder > 0 across the six original files; here the cuts) loses
// a marker of at most 17 runes that names the speaker.
func TestKokkaiMarkersOfRealSpeeches(t *testing.T) {
	n := 0
	for _, f := range []string{"meeting-212-honkaigi.xml", "meeting-212-monka.xml", "meeting-1-roudou.xml"} {
		keep := readKokkai(t, f, SpeakerMarkerKeep)
		strip := readKokkai(t, f, SpeakerMarkerStrip)
		for i, d := range strip.docs {
			m := d.Meta["speaker_marker"]
			first, _ := utf8.DecodeRuneInString(d.Meta["speaker"])
			if m == "" || utf8.RuneCountInString(m) > 18 || !strings.ContainsRune(m, first) {
				t.Errorf("%s: marker %q for speaker %q", d.ID, m, d.Meta["speaker"])
			}
			if keep.docs[i].Text != m+"\u3000"+d.Text {
				t.Errorf("%s: keep text is not marker + U+3000 + strip text", d.ID)
			}
			n++
		}
	}
	if n != 36 {
		t.Errorf("%d speeches, want 36", n)
	}
}

// TestKokkaiBad: broken and foreign inputs give problems located in the
// file; the speeches before a break are kept, and so are those after a
// record that only has a field of the wrong type.
func TestKokkaiBad(t *testing.T) {
	xmlData := string(mustRead(t, filepath.Join(kokkaiDir, "meeting-212-honkaigi.xml")))
	apiJSON := string(mustRead(t, filepath.Join(kokkaiDir, "api-speech-212-honkaigi.json")))
	flow := string(mustRead(t, filepath.Join(kokkaiDir, "flowweb-212-monka.json")))
	meetJSON := string(mustRead(t, filepath.Join(kokkaiDir, "api-meeting-1-roudou.json")))
	cutAt := func(s, marker string) string { return s[:strings.Index(s, marker)] }
	sp5 := `<speechRecord><speechID>121215254X00920231206_005<`
	for _, tc := range []struct {
		name  string
		data  string
		docs  int
		kinds map[string]int
		at    string // where the non-header problem must be, as Position.String()
	}{
		{"xml truncated in speech 5", cutAt(xmlData, sp5) + sp5[:30], 4, map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemTruncated: 1}, ""},
		{"xml truncated after speech 4", cutAt(xmlData, sp5), 4, map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemTruncated: 1}, ""},
		{"xml bad tag in speech 5", strings.Replace(xmlData, sp5, `<speechRecord><speechID>121215254X00920231206_005</speechOrder><`, 1), 4,
			map[string]int{ProblemKokkaiHeader: 1, ProblemMalformedXML: 1}, ""},
		{"xml invalid utf-8", strings.Replace(xmlData, "本会議", "本\xff会議", 1), 0, map[string]int{ProblemMalformedXML: 1}, ""},
		{"xml speech without text", dropElement(xmlData, "<speech>○北村経夫君", "</speech>"), 11,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMissingText: 1}, ""},
		{"xml error response", "<data><message>検索条件の入力に誤りがあります。</message><details><detail>maximumRecordsの値が不正です。</detail></details></data>", 0,
			map[string]int{ProblemKokkaiAPIError: 1}, "x:1"},
		{"xml e-Gov law", `<?xml version="1.0" encoding="UTF-8"?><Law Era="Heisei"><LawNum>平成二十五年法律第一号</LawNum></Law>`, 0, map[string]int{ProblemNotKokkai: 1}, "x:1"},
		{"xml data without records", "<data><numberOfRecords>0</numberOfRecords></data>", 0, map[string]int{}, ""},
		{"xml declared Shift_JIS", `<?xml version="1.0" encoding="Shift_JIS"?>` + xmlData, 12, map[string]int{ProblemKokkaiHeader: 1}, ""},
		{"xml trailing element", xmlData + "<data/>", 12, map[string]int{ProblemKokkaiHeader: 1, ProblemMalformedXML: 1}, ""},
		{"json truncated", apiJSON[:len(apiJSON)/2], 5, map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemTruncated: 1}, ""},
		{"json syntax error in speech 3", strings.Replace(apiJSON, `"speechOrder": 3,`, `"speechOrder": 3,,`, 1), 2,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMalformedJSON: 1}, ""},
		{"json wrong type in speech 3", strings.Replace(apiJSON, `"speechOrder": 3,`, `"speechOrder": {"n": 3},`, 1), 11,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMalformedJSON: 1}, ""},
		{"json speech without text", strings.Replace(apiJSON, `"speech": "○北村経夫君`, `"speeech": "○北村経夫君`, 1), 11,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMissingText: 1}, ""},
		{"json empty speech", strings.Replace(apiJSON, `"speech": "○北村経夫君`, `"speech": "　\n", "x": "`, 1), 11,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemEmpty: 1}, ""},
		{"json error response", `{"message": "検索条件の入力に誤りがあります。", "details": ["maximumRecordsの値が不正です。"]}`, 0, map[string]int{ProblemKokkaiAPIError: 1}, "x@1"},
		{"json error response, one detail", `{"message": "検索条件の入力に誤りがあります。", "details": "maximumRecordsの値が不正です。"}`, 0, map[string]int{ProblemKokkaiAPIError: 1}, "x@1"},
		{"json not kokkai", `{"id": 1, "text": "本文"}`, 0, map[string]int{ProblemNotKokkai: 1}, "x@0"},
		{"json scalar", `42`, 0, map[string]int{ProblemNotKokkai: 1}, "x@0"},
		{"json trailing data", apiJSON + "\n{}", 12, map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMalformedJSON: 1}, ""},
		{"json meeting truncated in speech 3", meetJSON[:strings.Index(meetJSON, `"speechID": "100115299X00119471114_003"`)+10], 2,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemTruncated: 1}, ""},
		{"flowweb wrong type in a speech", strings.Replace(flow, `"order": 10`, `"order": [10]`, 1), 5,
			map[string]int{ProblemKokkaiHeader: 1, pipeline.ProblemMalformedJSON: 1}, ""},
		{"empty", "", 0, map[string]int{pipeline.ProblemEmptyFile: 1}, "x:1"},
		{"white space", " \n\ufeff", 0, map[string]int{ProblemNotKokkai: 0, pipeline.ProblemMalformedJSON: 1}, ""},
		{"bom and white space", "\ufeff \n ", 0, map[string]int{pipeline.ProblemEmptyFile: 1}, "x:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := readKokkaiBytes(t, []byte(tc.data), "x", "")
			if tc.docs >= 0 && len(g.docs) != tc.docs {
				t.Errorf("%d docs, want %d; problems %v", len(g.docs), tc.docs, g.problemKeys())
			}
			if tc.kinds != nil {
				got := kindCount(g)
				for k, n := range tc.kinds {
					if got[k] != n {
						t.Errorf("problems %v, want %v", got, tc.kinds)
						break
					}
				}
				total := 0
				for _, n := range tc.kinds {
					total += n
				}
				if len(g.problems) != total {
					t.Errorf("problems %v, want %v", g.problemKeys(), tc.kinds)
				}
			}
			for _, p := range g.problems {
				if p.Pos.File != "x" {
					t.Errorf("problem without its file: %v", p)
				}
				if tc.at != "" && p.Kind != ProblemKokkaiHeader && p.Pos.String() != tc.at {
					t.Errorf("problem %v at %s, want %s", p, p.Pos, tc.at)
				}
				if p.Kind == ProblemKokkaiAPIError && (!strings.Contains(p.Detail, "検索条件の入力に誤りがあります。") ||
					!strings.Contains(p.Detail, "(maximumRecordsの値が不正です。)")) {
					t.Errorf("detail %q lacks the message", p.Detail)
				}
			}
			// Documents before a problem keep their order and text.
			for _, d := range g.docs {
				if isBlank(d.Text) || d.ID == "" {
					t.Errorf("bad document %+v", d)
				}
			}
		})
	}
}

// dropElement removes from s the first element that starts with start, up
// to and including end.
func dropElement(s, start, end string) string {
	i := strings.Index(s, start)
	j := i + strings.Index(s[i:], end) + len(end)
	return s[:i] + s[j:]
}

// TestKokkaiBadPositions checks where the problems of broken files point.
func TestKokkaiBadPositions(t *testing.T) {
	apiJSON := string(mustRead(t, filepath.Join(kokkaiDir, "api-speech-212-honkaigi.json")))
	bad := strings.Replace(apiJSON, `"speechOrder": 3,`, `"speechOrder": 3,,`, 1)
	g := readKokkaiBytes(t, []byte(bad), "x", "")
	p := g.problems[len(g.problems)-1]
	// The problem points at the record holding the error (the byte after
	// the previous record).
	start := strings.Index(bad, `"speechID": "121215254X00920231206_003"`)
	if p.Kind != pipeline.ProblemMalformedJSON || !strings.HasPrefix(strings.TrimLeft(bad[p.Pos.Offset:], ",\n "), `{`) ||
		p.Pos.Offset > int64(start) || int64(start)-p.Pos.Offset > 10 {
		t.Errorf("syntax error problem %v, want malformed_json at the record starting near %d", p, start)
	}
	xmlData := string(mustRead(t, filepath.Join(kokkaiDir, "meeting-212-monka.xml")))
	i := strings.Index(xmlData, "<speechID>121205124X00120231101_010<")
	bad = xmlData[:i] + "<speechID>" + "</speechRecord>" + xmlData[i:]
	g = readKokkaiBytes(t, []byte(bad), "x", "")
	p = g.problems[len(g.problems)-1]
	if want := int64(1 + strings.Count(bad[:i], "\n")); p.Kind != ProblemMalformedXML || p.Pos.Line != want {
		t.Errorf("XML problem %v, want malformed_xml at line %d", p, want)
	}
	if len(g.docs) != 9 { // speeches 1-9 of the meeting; 10 broke
		t.Errorf("%d docs before the break, want 9", len(g.docs))
	}
}

// TestKokkaiSource runs kokkai inputs through Expand and Source: a
// directory of responses, a gzip-compressed one, and a truncated gzip.
func TestKokkaiSource(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"meeting-212-honkaigi.xml", "api-speech-212-honkaigi.json", "flowweb-212-monka.json"} {
		data := mustRead(t, filepath.Join(kokkaiDir, f))
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		if f == "flowweb-212-monka.json" { // truncated gzip
			if err := os.WriteFile(filepath.Join(dir, f+".gz"), buf.Bytes()[:buf.Len()*9/10], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, f+".gz"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inputs := []Input{{Path: dir, Format: FormatKokkai, Source: "kokkai", SpeakerMarker: SpeakerMarkerStrip}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, inputs)
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) })
	st := src.FileStats()
	if len(st) != 3 {
		t.Fatalf("stats %v", st)
	}
	byName := map[string]FileStats{}
	for _, s := range st {
		byName[filepath.Base(s.Name)] = s
	}
	if s := byName["meeting-212-honkaigi.xml.gz"]; s.Docs != 12 || s.Problems != 0 || s.Skipped[ProblemKokkaiHeader] != 1 || s.Status != FileOK {
		t.Errorf("xml: %v", s)
	}
	if s := byName["api-speech-212-honkaigi.json.gz"]; s.Docs != 12 || s.Problems != 0 || s.Skipped[ProblemKokkaiHeader] != 1 || s.Status != FileOK {
		t.Errorf("json: %v", s)
	}
	if s := byName["flowweb-212-monka.json.gz"]; s.Status != FileBroken || s.Docs == 0 {
		t.Errorf("truncated gzip: %v", s)
	}
	for _, d := range g.docs {
		if d.Source != "kokkai" || strings.HasPrefix(d.Text, "○") || d.Key == 0 && d.ID != g.docs[0].ID {
			t.Errorf("doc %s: source %q text %q key %v", d.ID, d.Source, prefix(d.Text, 10), d.Key)
		}
	}
}

func TestKokkaiValidate(t *testing.T) {
	for _, tc := range []struct {
		in Input
		ok bool
	}{
		{Input{Path: "x", Format: FormatKokkai}, true},
		{Input{Path: "x", Format: FormatKokkai, SpeakerMarker: SpeakerMarkerStrip}, true},
		{Input{Path: "x", Format: FormatKokkai, SpeakerMarker: SpeakerMarkerKeep}, true},
		{Input{Path: "x", Format: FormatKokkai, SpeakerMarker: "drop"}, false},
		{Input{Path: "x", Format: FormatJSONL, SpeakerMarker: SpeakerMarkerStrip}, false},
		{Input{Path: "x", Format: FormatKokkai, TextField: "speech"}, false},
		{Input{Path: "x", Format: FormatKokkai, Split: SplitParagraph}, false},
	} {
		if err := tc.in.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: Validate() = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
	k := NewKokkai(strings.NewReader("{}"), "x", Input{SpeakerMarker: "drop"})
	if _, err := k.Next(); err == nil || strings.Contains(err.Error(), "kokkai_") {
		t.Errorf("bad speaker_marker: %v, want a fatal error", err)
	}
}

func TestSniffKokkai(t *testing.T) {
	entries, err := os.ReadDir(kokkaiDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") && !strings.HasSuffix(e.Name(), ".xml") {
			continue
		}
		head := mustRead(t, filepath.Join(kokkaiDir, e.Name()))
		if len(head) > 4096 {
			head = head[:4096]
		}
		if !SniffKokkai(head) {
			t.Errorf("%s: not sniffed as kokkai", e.Name())
		}
		n++
	}
	if n != 8 {
		t.Errorf("%d files sniffed, want 8", n)
	}
	for _, s := range []string{
		"", "{}", `{"id": "1", "text": "本文"}`, `[{"id": 1}]`,
		`<?xml version="1.0" encoding="UTF-8"?><Law><LawNum>平成二十五年法律第一号</LawNum></Law>`,
		`<DataRoot><Result><Code>0</Code></Result></DataRoot>`,
		"WARC/1.0\r\n",
		string(mustRead(t, fixturePath)[:2000]),
	} {
		if SniffKokkai([]byte(s)) {
			t.Errorf("%q sniffed as kokkai", prefix(s, 40))
		}
	}
	if !SniffKokkai([]byte("\ufeff<?xml version=\"1.0\"?>\n<data><numberOfRecords>3</numberOfRecords>")) {
		t.Error("XML with declaration not sniffed")
	}
}
