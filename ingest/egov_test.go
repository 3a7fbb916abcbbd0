package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Real e-Gov law XML, relative to the package directory (see
// testdata/SOURCES.md).
const (
	egovDir        = "../testdata/egov"
	egovCabinet    = egovDir + "/346CO0000000264_20230607_505CO0000000202.xml" // Ruby, TableStruct, 64 SupplProvision
	egovSmall      = egovDir + "/505CO0000000222_20230630_000000000000000.xml" // ParagraphCaption, main + proviso
	egovRule       = egovDir + "/419M60400000005_20201228_502M60400000013.xml" // Fig, AppdxStyle
	egovAPIv1      = egovDir + "/v1_lawdata_340M50000040011_cut.xml"           // API v1 wrapper, TOC
	egovAPIError   = egovDir + "/v1_lawdata_error_code1_fumizoh.xml"
	egovUpdateList = egovDir + "/FIXTURE_v1_updatelawlists_geonwoo-jeong.xml"
	egovV2         = egovDir + "/SYNTHETIC_v2_law_data_response_geonwoo-jeong.xml"
)

// readEgov drains an EgovLaw reader over b named name.
func readEgov(t testing.TB, b []byte, name string, in Input) got {
	t.Helper()
	return drain(t, NewEgovLaw(bytes.NewReader(b), name, in).Next)
}

// readEgovFile reads one file, expecting exactly one document and no problem.
func readEgovFile(t *testing.T, path string) *pipeline.Document {
	t.Helper()
	g := readEgov(t, mustRead(t, path), filepath.Base(path), Input{})
	if len(g.docs) != 1 || len(g.problems) != 0 {
		t.Fatalf("%s: %d docs, problems %q; want 1 doc", path, len(g.docs), g.problemKeys())
	}
	return g.docs[0]
}

// checkMeta compares the meta values named in want.
func checkMeta(t *testing.T, d *pipeline.Document, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if d.Meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, d.Meta[k], v)
		}
	}
}

// checkLinesInOrder checks that every want is a whole line of text, in this
// order.
func checkLinesInOrder(t *testing.T, text string, want ...string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	i := 0
	for _, w := range want {
		for i < len(lines) && lines[i] != w {
			i++
		}
		if i == len(lines) {
			t.Fatalf("line %q missing or out of order", w)
		}
		i++
	}
}

// checkClean checks what every law text must be: valid UTF-8, no markup,
// no blank or padded lines.
func checkClean(t *testing.T, text string) {
	t.Helper()
	if !utf8.ValidString(text) || strings.ContainsAny(text, "<>\r") {
		t.Error("text is not clean UTF-8 without markup")
	}
	for i, ln := range strings.Split(text, "\n") {
		if strings.TrimSpace(ln) == "" || strings.TrimSpace(ln) != ln {
			t.Fatalf("line %d %q is blank or padded", i+1, ln)
		}
	}
}

func TestEgovLawCabinetOrder(t *testing.T) {
	d := readEgovFile(t, egovCabinet)
	checkMeta(t, d, map[string]string{
		metaEgovTitle: "特定工場における公害防止組織の整備に関する法律施行令", metaEgovLawNum: "昭和四十六年政令第二百六十四号",
		metaEgovLawType: "CabinetOrder", metaEgovLawID: "346CO0000000264", metaEgovEra: "Showa", metaEgovYear: "46", metaEgovNum: "264",
		metaEgovPromulgate: "1971-08-11",
	})
	if d.ID != filepath.Base(egovCabinet) || d.Source != d.ID || d.Pos.Line != 2 || d.Pos.Offset != 39 {
		t.Errorf("id %q source %q pos %+v", d.ID, d.Source, d.Pos)
	}
	checkClean(t, d.Text)
	checkLinesInOrder(t, d.Text,
		"特定工場における公害防止組織の整備に関する法律施行令", // the title first
		"内閣は、特定工場における公害防止組織の整備に関する法律（昭和四十六年法律第百七号）第二条、第三条第一項、第四条第一項及び第二項、第五条第一項、第七条第一項、第八条第三項、第十条第一項、第十三条並びに第十四条の規定に基づき、この政令を制定する。",
		"（対象業種）",
		"第一条　特定工場における公害防止組織の整備に関する法律（以下「法」という。）第二条の政令で定める業種は、次に掲げるとおりとする。",
		"一　製造業（物品の加工業を含む。）",
		"四　熱供給業",
		"（ばい煙発生施設等）",
		"２　法第二条第一号の政令で定める工場は、次に掲げるとおりとする。",
		// <Ruby>珪弗<Rt>けいふつ</Rt></Ruby>
		"一　大気汚染防止法施行令別表第一の九の項に掲げるばい煙発生施設（硫化カドミウム、炭酸カドミウム、ほたる石、珪弗化ナトリウム又は酸化鉛を原料として使用するガラス又はガラス製品の製造の用に供するものに限る。）又は同表の一四の項から二六の項までに掲げるばい煙発生施設のいずれかが設置されている工場",
		"附　則　抄",
		"附　則　（昭和四六年八月三〇日政令第二七九号）　抄", // an amending law's supplementary provision, extracted
		"二　別表第一第二十二号に掲げる施設（六価クロム化合物又は砒素化合物を使用する木材の薬品処理の用に供するものに限る。）",
		"別表第二（第八条、第十一条関係）",
		// a table row: cells separated by a tab
		"一\t第七条第一項第一号に掲げるばい煙発生施設で排出ガス量が四万立方メートル以上の工場に設置されているもの\t別表第三の一の項の中欄に掲げる区分について行う公害防止管理者試験に合格した者又は同項の下欄に掲げる資格を有する者（以下「大気関係第一種有資格者」という。）",
	)
	for _, reading := range []string{"けいふつ", "（ひ）", "りん"} {
		if strings.Contains(d.Text, reading) {
			t.Errorf("ruby reading %q left in the text", reading)
		}
	}
	// The sentences of one cell are joined by U+3000 on the row's line.
	if !strings.Contains(d.Text, "\n一\t別表第二の一の項の中欄に掲げるばい煙発生施設について選任すべき公害防止管理者\t次に掲げる者で主務省令で定めるところにより経済産業大臣及び環境大臣の登録を受けた者が行う講習の課程を修了したもの　一　技術士法（昭和五十八年法律第二十五号）第二条第一項に規定する技術士（主務省令で定める選択科目を選択したものに限る。）　二　計量法（平成四年法律第五十一号）第百二十二条第一項に規定する計量士（主務省令で定める区分に係るものに限る。）\n") {
		t.Error("table row with a multi-sentence cell missing")
	}
	if n := strings.Count(d.Text, "\n附　則"); n != 64 {
		t.Errorf("%d supplementary provisions, want 64", n)
	}
}

// TestEgovLawWhole compares a whole small law.
func TestEgovLawWhole(t *testing.T) {
	d := readEgovFile(t, egovSmall)
	want := `脱炭素成長型経済構造への円滑な移行の推進に関する法律の施行に伴う関係政令の整備及び経過措置に関する政令　抄
内閣は、脱炭素成長型経済構造への円滑な移行の推進に関する法律（令和五年法律第三十二号）の施行に伴い、並びに同法附則第二条第一項及び第三条第一項並びに関係法律の規定に基づき、この政令を制定する。
第二章　経過措置
（法附則第二条第一項の政令で定める公債）
第五条　脱炭素成長型経済構造への円滑な移行の推進に関する法律（以下「法」という。）附則第二条第一項の政令で定める公債は、国庫短期証券（第千百三十七回）のうち、額面金額の合計額が一兆千三十四億四千六百三十五万円に相当するものとする。
（法附則第三条第一項の規定によるエネルギー対策特別会計のエネルギー需給勘定における権利義務の帰属等）
第六条　法附則第三条第一項の規定によりエネルギー対策特別会計のエネルギー需給勘定に帰属する権利義務の範囲、帰属の時期その他帰属に関し必要な事項は、同会計の所管大臣（特別会計に関する法律（平成十九年法律第二十三号）第三条第一項に規定する所管大臣をいい、内閣総理大臣を除く。）が財務大臣に協議して定める。
附　則
（施行期日）
１　この政令は、法の施行の日（令和五年六月三十日）から施行する。ただし、次項の規定は、公布の日から施行する。
（準備行為）
２　第六条の所管大臣は、この政令の施行の日前においても、同条の規定の例により、同条に規定する事項について、財務大臣に協議することができる。`
	if d.Text != want {
		t.Errorf("text\n%s\nwant\n%s", d.Text, want)
	}
	checkMeta(t, d, map[string]string{metaEgovLawNum: "令和五年政令第二百二十二号", metaEgovEra: "Reiwa", metaEgovYear: "5", metaEgovNum: "222", metaEgovPromulgate: "2023-06-23"})
}

// TestEgovLawFigures: figures are skipped, the titles of the styles stay.
func TestEgovLawFigures(t *testing.T) {
	d := readEgovFile(t, egovRule)
	checkMeta(t, d, map[string]string{metaEgovLawType: "Rule", metaEgovLawNum: "平成十九年国家公安委員会規則第五号", metaEgovPromulgate: "2007-03-09"})
	checkClean(t, d.Text)
	if strings.Contains(d.Text, "pict") || strings.Contains(d.Text, ".pdf") {
		t.Error("a figure's source is in the text")
	}
	if !strings.HasSuffix(d.Text, "\n附　則　（令和二年一二月二八日国家公安委員会規則第一三号）\n（施行期日）\n第一条　この規則は、公布の日から施行する。\n（経過措置）\n第二条　この規則による改正前の様式（次項において「旧様式」という。）により使用されている書類は、当分の間、この規則による改正後の様式によるものとみなす。\n２　旧様式による用紙については、当分の間、これを取り繕って使用することができる。\n別記様式第１（第１条関係）\n別記様式第２（第２条関係）\n別記様式第３（第５条関係）\n別記様式第４（第６条関係）") {
		t.Errorf("end of text %q", d.Text[max(0, len(d.Text)-600):])
	}
}

// TestEgovLawAPIv1 reads the law inside a real API v1 /lawdata response;
// its table of contents is skipped.
func TestEgovLawAPIv1(t *testing.T) {
	d := readEgovFile(t, egovAPIv1)
	checkMeta(t, d, map[string]string{
		metaEgovTitle: "所得税法施行規則", metaEgovLawNum: "昭和四十年大蔵省令第十一号", metaEgovLawType: "MinisterialOrdinance",
		metaEgovEra: "Showa", metaEgovYear: "40", metaEgovNum: "11", metaEgovPromulgate: "1965-03-31",
	})
	if d.Pos.Line != 11 {
		t.Errorf("pos %v, want line 11 (the <Law> element)", d.Pos)
	}
	checkClean(t, d.Text)
	if strings.Contains(d.Text, "目次") || strings.Contains(d.Text, "（第一条―第一条の四）") || strings.Count(d.Text, "第一編　総則") != 1 {
		t.Error("table of contents in the text")
	}
	checkLinesInOrder(t, d.Text,
		"所得税法施行規則",
		"第一編　総則",
		"第一章　通則",
		"（定義）",
		"４　この省令において、「相続人」には、包括受遺者を含むものとし、「被相続人」には、包括遺贈者を含むものとする。",
		"附　則",
		"（施行期日）",
		"第一条　この省令は、昭和四十年四月一日から施行する。",
		"附　則　（昭和四〇年九月三〇日大蔵省令第五二号）　抄",
		"１　この省令は、昭和四十年十月一日から施行する。",
	)
}

// TestEgovLawAPIv2 reads the hand-written v2 response shape.
func TestEgovLawAPIv2(t *testing.T) {
	d := readEgovFile(t, egovV2)
	if want := "地方自治法施行令\n第一条　地方自治法の施行について必要な事項を定める&確認する。"; d.Text != want {
		t.Errorf("text %q, want %q", d.Text, want)
	}
	checkMeta(t, d, map[string]string{metaEgovLawNum: "昭和二十二年政令第十六号", metaEgovPromulgate: "1947-05-03", metaEgovLawType: "CabinetOrder"})
}

// TestEgovLawNotLaws: an API error and a law list are problems located at
// the element that says so.
func TestEgovLawNotLaws(t *testing.T) {
	for _, tc := range []struct{ path, want, detail string }{
		{egovAPIError, "api_error v1_lawdata_error_code1_fumizoh.xml:4", "e-Gov API result code 1: 取得結果が０件でした。取得条件に誤りがないかご確認ください。"},
		{egovUpdateList, "not_a_law FIXTURE_v1_updatelawlists_geonwoo-jeong.xml:2", "<DataRoot>"},
	} {
		g := readEgov(t, mustRead(t, tc.path), filepath.Base(tc.path), Input{})
		if len(g.docs) != 0 || fmt.Sprint(g.problemKeys()) != "["+tc.want+"]" {
			t.Fatalf("%s: %d docs, problems %q, want [%s]", tc.path, len(g.docs), g.problemKeys(), tc.want)
		}
		if !strings.Contains(g.problems[0].Detail, tc.detail) {
			t.Errorf("%s: detail %q, want %q in it", tc.path, g.problems[0].Detail, tc.detail)
		}
	}
}

// TestEgovLawBad: bad input gives located problems, every good law is kept.
func TestEgovLawBad(t *testing.T) {
	small := mustRead(t, egovSmall)
	law := func(sentence string) string {
		return `<Law Era="Heisei" Year="17" Num="86" LawType="Act" PromulgateMonth="07" PromulgateDay="26"><LawNum>平成十七年法律第八十六号</LawNum><LawBody><LawTitle>会社法</LawTitle><MainProvision><Article Num="1"><ArticleTitle>第一条</ArticleTitle><Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>` + sentence + `</Sentence></ParagraphSentence></Paragraph></Article></MainProvision></LawBody></Law>`
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().String(`<?xml version="1.0" encoding="Shift_JIS"?>` + "\n" + law("会社の設立については、この法律の定めるところによる。"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in string
		docs     []string // texts
		problems []string // kind file:line
	}{
		{"html root", "<!DOCTYPE html>\n<html><body>x</body></html>", nil, []string{"not_a_law f:2"}},
		{"not xml", "本文だけ", nil, []string{"malformed_xml f:1"}},
		{"empty", "", nil, []string{"empty_file f:1"}},
		{"mismatched", "<Law>\n<LawBody>\n<LawTitle>x</LawBody>\n</Law>", nil, []string{"malformed_xml f:3"}},
		{"syntax error", "<Law>\n<LawBody>\n<LawTitle a=>x</LawTitle></LawBody></Law>", nil, []string{"malformed_xml f:3"}},
		{"invalid UTF-8", law("\xff\xfe"), nil, []string{"malformed_xml f:1"}},
		{"truncated", string(small[:3000]), nil, []string{"truncated_input f:29"}},
		{"garbage after the law", law("本文。") + "\n<Law>", []string{"会社法\n第一条　本文。"}, []string{"malformed_xml f:2"}},
		{"second root", law("本文。") + "\n<x/>", []string{"会社法\n第一条　本文。"}, []string{"malformed_xml f:2"}},
		{"empty law", `<Law><LawBody><LawTitle/></LawBody></Law>`, nil, []string{"empty_document f:1"}},
		{"two laws", "<DataRoot>\n" + law("一。") + "\n" + law("二。") + "\n</DataRoot>", []string{"会社法\n第一条　一。", "会社法\n第一条　二。"}, nil},
		{"deep", "<Law>" + strings.Repeat("<a>", maxXMLDepth+5), nil, []string{"malformed_xml f:1"}},
		{"shift_jis declared", sjis, []string{"会社法\n第一条　会社の設立については、この法律の定めるところによる。"}, nil},
		{"unknown charset", `<?xml version="1.0" encoding="KOI8-R"?><Law/>`, nil, []string{"malformed_xml f:1"}},
		{"bom", "\xef\xbb\xbf" + law("本文。"), []string{"会社法\n第一条　本文。"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := readEgov(t, []byte(tc.in), "f", Input{})
			var texts []string
			for _, d := range g.docs {
				texts = append(texts, d.Text)
			}
			if fmt.Sprintf("%q", texts) != fmt.Sprintf("%q", tc.docs) || fmt.Sprint(g.problemKeys()) != fmt.Sprint(tc.problems) {
				t.Errorf("docs %q problems %q, want %q %q", texts, g.problemKeys(), tc.docs, tc.problems)
			}
		})
	}
	// Two laws in one response: the first is named by the file, the second by its line.
	g := readEgov(t, []byte("<DataRoot>\n"+law("一。")+"\n"+law("二。")+"\n</DataRoot>"), "f", Input{})
	if fmt.Sprint(g.ids()) != "[f f:3]" || g.docs[0].Meta[metaEgovPromulgate] != "2005-07-26" {
		t.Errorf("ids %q, date %q", g.ids(), g.docs[0].Meta[metaEgovPromulgate])
	}
}

// TestEgovLawMaxDocBytes: the limit is on the text, at the byte.
func TestEgovLawMaxDocBytes(t *testing.T) {
	d := readEgovFile(t, egovSmall)
	for _, tc := range []struct {
		limit int
		ok    bool
	}{{len(d.Text) + 1, true}, {len(d.Text) - 1, false}} {
		e := NewEgovLaw(bytes.NewReader(mustRead(t, egovSmall)), "f", Input{})
		e.MaxDocBytes = tc.limit
		g := drain(t, e.Next)
		if ok := len(g.docs) == 1; ok != tc.ok || (!ok && fmt.Sprint(g.problemKeys()) != "[document_too_long f:2]") {
			t.Errorf("limit %d: %d docs, problems %q", tc.limit, len(g.docs), g.problemKeys())
		}
	}
}

// TestEgovLawSource reads a directory of XML files, bad ones among them,
// through a Source: .xml is chosen by extension, gzip is sniffed, a bad file
// does not stop the next.
func TestEgovLawSource(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a_error.xml", mustRead(t, egovAPIError))
	writeFile(t, dir, "b_law.xml.gz", gzipBytes(t, mustRead(t, egovCabinet)))
	writeFile(t, dir, "c_cut.xml", mustRead(t, egovSmall)[:3000])
	writeFile(t, dir, "d_law.xml", mustRead(t, egovSmall))
	g, src := readSource(t, []Input{{Path: dir, Source: "egov"}})
	want := []string{
		"problem api_error egov/a_error.xml:4",
		"doc egov/b_law.xml.gz",
		"problem truncated_input egov/c_cut.xml:29",
		"doc egov/d_law.xml",
	}
	if fmt.Sprint(g.order) != fmt.Sprint(want) {
		t.Fatalf("order %q, want %q", g.order, want)
	}
	if g.docs[0].Source != "egov" || g.docs[0].Meta[metaEgovLawNum] != "昭和四十六年政令第二百六十四号" {
		t.Errorf("doc %q source %q meta %v", g.docs[0].ID, g.docs[0].Source, g.docs[0].Meta)
	}
	var st []string
	for _, f := range src.FileStats() {
		st = append(st, f.Status)
	}
	if fmt.Sprint(st) != "[api_error ok truncated ok]" {
		t.Errorf("file stats %q", st)
	}
	if fs := src.FileStats(); fs[0].Bad() || !fs[2].Bad() {
		t.Errorf("an API error response is not a bad file, a truncated law is: %v", fs)
	}
	if err := (Input{Path: "x", Format: FormatEgovLaw, Split: SplitParagraph}).Validate(); err == nil {
		t.Error("split accepted for egov-law")
	}
}

func TestSniffEgovLaw(t *testing.T) {
	for _, tc := range []struct {
		head string
		want bool
	}{
		{`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Law Era=\"Showa\">", true},
		{"\xef\xbb\xbf<!-- c --><!DOCTYPE x>\n<DataRoot>", true},
		{"<law_data_response>", true},
		{"<Law/>", true},
		{"<LawBody>", false},
		{"<Laws>", false},
		{"<html>", false},
		{"<?xml", false},
		{"Law", false},
		{"", false},
	} {
		if got := SniffEgovLaw([]byte(tc.head)); got != tc.want {
			t.Errorf("SniffEgovLaw(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

func TestEgovPromulgationDate(t *testing.T) {
	for _, tc := range []struct{ era, y, m, d, want string }{
		{"Meiji", "29", "04", "27", "1896-04-27"},
		{"Taisho", "1", "12", "1", "1912-12-01"},
		{"Showa", "1", "12", "25", "1926-12-25"},
		{"Heisei", "17", "07", "26", "2005-07-26"},
		{"Reiwa", "05", "6", "23", "2023-06-23"},
		{"Reiwa", "5", "13", "1", ""},
		{"Reiwa", "5", "12", "32", ""},
		{"Reiwa", "5", "0", "1", ""},
		{"Reiwa", "5", "", "1", ""},
		{"Edo", "5", "1", "1", ""},
	} {
		if got := egovPromulgationDate(tc.era, tc.y, tc.m, tc.d); got != tc.want {
			t.Errorf("egovPromulgationDate(%s %s %s %s) = %q, want %q", tc.era, tc.y, tc.m, tc.d, got, tc.want)
		}
	}
	if egovSlashDate("2023/06/23") != "2023-06-23" || egovSlashDate("2023/13/01") != "" || egovSlashDate("2023-06-23") != "" {
		t.Error("egovSlashDate")
	}
}

// FuzzEgovLaw: any input ends in documents and problems, never a fatal
// error or a panic; every document is clean.
func FuzzEgovLaw(f *testing.F) {
	for _, p := range []string{egovSmall, egovAPIError, egovV2, egovUpdateList} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<Law><LawBody><LawTitle>x<Ruby>y<Rt>z</Rt></Ruby></LawTitle><TableStruct><Table><TableRow><TableColumn><Sentence>a</Sentence><TableRow><TableColumn>b</TableColumn><TableColumn>c</TableColumn></TableRow></TableColumn><TableColumn/></TableRow></Table></TableStruct></LawBody></Law>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e := NewEgovLaw(bytes.NewReader(b), "f", Input{})
		e.MaxDocBytes = 1 << 20
		g := drain(t, e.Next)
		for _, d := range g.docs {
			if !utf8.ValidString(d.Text) || isBlank(d.Text) || strings.HasSuffix(d.Text, "\n") || len(d.Text) > e.MaxDocBytes {
				t.Fatalf("bad text %q", d.Text)
			}
		}
		if len(g.docs)+len(g.problems) > len(b)+1 {
			t.Fatalf("%d records from %d bytes", len(g.docs)+len(g.problems), len(b))
		}
	})
}

// TestEgovLawStructure: every rule of the layout on one small law.
func TestEgovLawStructure(t *testing.T) {
	in := `<Law Era="Heisei" Year="17" Num="86" LawType="Act"><LawNum>平成十七年法律第八十六号</LawNum><LawBody>
  <LawTitle>会社<Ruby>法<Rt>ほう</Rt></Ruby></LawTitle>
  <TOC><TOCLabel>目次</TOCLabel><TOCChapter Num="1"><ChapterTitle>第一章　総則</ChapterTitle><ArticleRange>（第一条―第二条）</ArticleRange></TOCChapter></TOC>
  <MainProvision><Chapter Num="1"><ChapterTitle>第一章　総則</ChapterTitle>
    <Article Num="2"><ArticleCaption>（定義）</ArticleCaption><ArticleTitle>第二条</ArticleTitle>
      <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence Function="main">次に掲げる。</Sentence><Sentence Function="proviso">ただし、この限りでない。</Sentence></ParagraphSentence>
        <Item Num="1"><ItemTitle>一</ItemTitle><ItemSentence><Column><Sentence>会社</Sentence></Column><Column><Sentence>株式会社をいう。</Sentence></Column></ItemSentence>
          <Subitem1 Num="1"><Subitem1Title>イ</Subitem1Title><Subitem1Sentence><Sentence>子会社</Sentence></Subitem1Sentence></Subitem1></Item>
        <TableStruct><Table><TableRow><TableColumn><Sentence>甲</Sentence><Sentence>乙</Sentence></TableColumn><TableColumn/><TableColumn><Sentence>丙</Sentence></TableColumn></TableRow>
          <TableRow><TableColumn/><TableColumn/></TableRow></Table></TableStruct></Paragraph>
      <Paragraph Num="3" Hide="true"><ParagraphNum>３</ParagraphNum><ParagraphSentence><Sentence>非表示の項。</Sentence></ParagraphSentence></Paragraph>
      <Paragraph Num="2"><ParagraphNum>２</ParagraphNum><ParagraphSentence><Sentence>前項の
        規定は、A B に適用する。</Sentence></ParagraphSentence></Paragraph></Article></Chapter></MainProvision>
  <SupplProvision AmendLawNum="平成一七年七月二六日法律第八七号" Extract="true"><SupplProvisionLabel>附　則</SupplProvisionLabel><Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>この法律は、公布の日から施行する。</Sentence></ParagraphSentence></Paragraph></SupplProvision>
  <AppdxStyle><AppdxStyleTitle>別記様式</AppdxStyleTitle><RelatedArticleNum>（第一条関係）</RelatedArticleNum><StyleStruct><Style><Fig src="a.pdf"/></Style></StyleStruct></AppdxStyle>
</LawBody></Law>`
	want := "会社法\n第一章　総則\n（定義）\n第二条　次に掲げる。ただし、この限りでない。\n一　会社　株式会社をいう。\nイ　子会社\n甲　乙\t\t丙\n２　前項の規定は、A B に適用する。\n附　則　（平成一七年七月二六日法律第八七号）　抄\nこの法律は、公布の日から施行する。\n別記様式（第一条関係）"
	g := readEgov(t, []byte(in), "f", Input{})
	if len(g.docs) != 1 || len(g.problems) != 0 {
		t.Fatalf("%d docs, problems %q", len(g.docs), g.problemKeys())
	}
	if g.docs[0].Text != want {
		t.Errorf("text\n%q\nwant\n%q", g.docs[0].Text, want)
	}
	checkMeta(t, g.docs[0], map[string]string{metaEgovTitle: "会社法", metaEgovLawNum: "平成十七年法律第八十六号", metaEgovPromulgate: ""})
}
