package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/pipeline"
)

// egov holds the committed e-Gov pages (Shift_JIS, with a <meta> charset)
// and sentences each must yield.
var egov = []struct {
	file  string
	title string
	want  []string // lines of the text, each whole
}{
	{"egov2013_4a939c5e1c84df96.html", "首都圏整備法及び近畿圏整備法の一部を改正する等の法律附則第六条第二項の日を定める政令", []string{
		"（平成十四年七月十二日政令第二百五十三号）",
		"首都圏整備法及び近畿圏整備法の一部を改正する等の法律附則第六条第二項の政令で定める日は、平成十六年三月三十一日とする。",
		"この政令は、公布の日から施行する。",
	}},
	{"egov2013_f20763b22732ebf7.html", "人事院規則二―〇（人事官の宣誓）", []string{
		"人事院は、国家公務員法に基き、人事官の宣誓に関し次の人事院規則を制定する。",
		"私は、国民全体の奉仕者として公務を民主的且つ能率的に運営すべき責務を深く自覚し、国民の意志によつて制定された法律を尊重し、誠実且つ公正に職務を執行することを固く誓います。",
	}},
	{"egov2013_adf686bac53a42c8.html", "", nil},
}

func readRaw(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "raw", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pageDoc returns a document carrying body as a Page.
func pageDoc(body []byte, contentType string) *pipeline.Document {
	d := &pipeline.Document{ID: "p", URL: "http://egov-laws-2013.invalid/x.html"}
	d.Scratch.Set(pipeline.HTMLPayload{}, &pipeline.Page{Body: body, ContentType: contentType})
	return d
}

func process(t testing.TB, c Config, d *pipeline.Document) string {
	t.Helper()
	p, err := Stage{Config: c}.NewProcessor()
	if err != nil {
		t.Fatal(err)
	}
	reason, err := p.Process(d)
	if err != nil {
		t.Fatal(err)
	}
	if d.Scratch.Get(pipeline.HTMLPayload{}) != nil {
		t.Error("Scratch key left")
	}
	return reason
}

// checkClean fails on replacement characters, control bytes or typical
// mojibake of Japanese decoded with the wrong charset.
func checkClean(t *testing.T, name, text string) {
	t.Helper()
	if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
		t.Errorf("%s: invalid or replaced characters", name)
	}
	for _, bad := range []string{"ã\u0081", "ã\u0083", "ï½", "\x1b$B", "･ｽ", "縺", "繧"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s: mojibake %q in text", name, bad)
		}
	}
}

func TestEgovPages(t *testing.T) {
	for _, e := range egov {
		d := pageDoc(readRaw(t, e.file), "text/html")
		if r := process(t, Default(), d); r != "" {
			t.Fatalf("%s: dropped: %s", e.file, r)
		}
		checkClean(t, e.file, d.Text)
		if d.Meta[MetaCharset] != "shift_jis" || d.Meta[MetaCharsetSource] != SourceMeta || d.Meta[MetaCharsetMismatch] != "" {
			t.Errorf("%s: charset meta %v", e.file, d.Meta)
		}
		if d.Meta[MetaLang] != "ja" { // <meta http-equiv="Content-Language" content="ja">
			t.Errorf("%s: lang %q", e.file, d.Meta[MetaLang])
		}
		if e.title != "" && d.Meta[MetaTitle] != e.title {
			t.Errorf("%s: title %q, want %q", e.file, d.Meta[MetaTitle], e.title)
		}
		lines := strings.Split(d.Text, "\n")
		if len(lines) < 5 {
			t.Errorf("%s: %d lines, paragraph breaks lost:\n%s", e.file, len(lines), d.Text)
		}
		for _, w := range e.want {
			found := false
			for _, l := range lines {
				found = found || l == w
			}
			if !found {
				t.Errorf("%s: no line %q in\n%s", e.file, w, d.Text)
			}
		}
		if strings.Contains(d.Text, "line-height") || strings.Contains(d.Text, "<") {
			t.Errorf("%s: style or markup in text", e.file)
		}
	}
}

// transcode returns the e-Gov page re-encoded into enc (nil: UTF-8) with its
// <meta> charset replaced by label ("" removes the declaration).
func transcode(t testing.TB, name string, enc encoding.Encoding, label string) []byte {
	u, err := japanese.ShiftJIS.NewDecoder().Bytes(readRaw(t, name))
	if err != nil {
		t.Fatal(err)
	}
	decl := `<META http-equiv="Content-Type" content="text/html; charset=shift_jis">`
	if !bytes.Contains(u, []byte(decl)) {
		t.Fatal("no declaration")
	}
	repl := ""
	if label != "" {
		repl = `<meta charset="` + label + `">`
	}
	u = bytes.Replace(u, []byte(decl), []byte(repl), 1)
	if enc == nil {
		return u
	}
	b, err := enc.NewEncoder().Bytes(u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCharsetDecision: every encoding, declared right, wrong or not at all,
// in the header or the page.
func TestCharsetDecision(t *testing.T) {
	const page = "egov2013_f20763b22732ebf7.html"
	const sentence = "人事院は、国家公務員法に基き、人事官の宣誓に関し次の人事院規則を制定する。"
	encs := map[string]encoding.Encoding{"utf-8": nil, "shift_jis": japanese.ShiftJIS, "euc-jp": japanese.EUCJP, "iso-2022-jp": japanese.ISO2022JP}
	tests := []struct {
		name            string
		enc             string // the bytes' encoding
		header, meta    string // declarations
		charset, source string // want
		mismatch        string
	}{
		{"sjis meta", "shift_jis", "", "shift_jis", "shift_jis", SourceMeta, ""},
		{"sjis header wins", "shift_jis", "text/html; charset=Windows-31J", "shift_jis", "shift_jis", SourceHeader, ""},
		{"sjis undeclared", "shift_jis", "text/html", "", "shift_jis", SourceDetected, ""},
		{"euc undeclared", "euc-jp", "", "", "euc-jp", SourceDetected, ""},
		{"iso undeclared", "iso-2022-jp", "", "", "iso-2022-jp", SourceDetected, ""},
		{"utf-8 undeclared", "utf-8", "", "", "utf-8", SourceDetected, ""},
		// the case: UTF-8 bytes declared Shift_JIS
		{"utf-8 declared sjis in header", "utf-8", "text/html; charset=shift_jis", "", "utf-8", SourceDetected, "shift_jis"},
		{"utf-8 declared sjis in meta", "utf-8", "", "shift_jis", "utf-8", SourceDetected, "shift_jis"},
		{"sjis declared utf-8, meta right", "shift_jis", "text/html; charset=UTF-8", "shift_jis", "shift_jis", SourceMeta, "utf-8"},
		{"euc declared sjis", "euc-jp", "text/html; charset=Shift_JIS", "", "euc-jp", SourceDetected, "shift_jis"},
		{"sjis declared euc", "shift_jis", "", "EUC-JP", "shift_jis", SourceDetected, "euc-jp"},
		{"sjis declared latin-1", "shift_jis", "text/html; charset=iso-8859-1", "", "shift_jis", SourceDetected, "iso-8859-1"},
		{"bogus label ignored", "euc-jp", "text/html; charset=no-such-charset", "", "euc-jp", SourceDetected, ""},
	}
	for _, tt := range tests {
		body := transcode(t, page, encs[tt.enc], tt.meta)
		d := pageDoc(body, tt.header)
		if r := process(t, Default(), d); r != "" {
			t.Fatalf("%s: dropped: %s", tt.name, r)
		}
		if d.Meta[MetaCharset] != tt.charset || d.Meta[MetaCharsetSource] != tt.source || d.Meta[MetaCharsetMismatch] != tt.mismatch {
			t.Errorf("%s: meta %v, want charset %s source %s mismatch %q", tt.name, d.Meta, tt.charset, tt.source, tt.mismatch)
		}
		checkClean(t, tt.name, d.Text)
		if !strings.Contains(d.Text, sentence) {
			t.Errorf("%s: sentence missing in\n%s", tt.name, d.Text)
		}
	}
}

// english is a short English page (written for this test).
const english = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Release notes</title></head>
<body><nav><a href="/">Home</a> <a href="/ja/">日本語</a></nav><main><h1>Release notes</h1>
<p>This release fixes the handling of compressed archives and adds a new option for verbose output.</p>
<p>Users upgrading from an earlier version should read the section on configuration changes first.</p>
%s</main></body></html>`

func TestPreScreen(t *testing.T) {
	page := func(extra string) []byte { return []byte(strings.Replace(english, "%s", extra, 1)) }
	tests := []struct {
		name   string
		body   []byte
		ct     string
		screen bool
		want   string
	}{
		{"english dropped", page(""), "text/html; charset=utf-8", true, ReasonNotJapanese},
		{"english kept without pre-screen", page(""), "text/html", false, ""},
		// MinKana is 5: four kana are not enough, five are
		{"4 kana", page("<p>Greeting: こんにちは</p>"[:len("<p>Greeting: こんにち")] + "</p>"), "", true, ReasonNotJapanese},
		{"5 kana", page("<p>Greeting: こんにちは</p>"), "", true, ""},
		{"lang ja", []byte(strings.Replace(string(page("")), `lang="en"`, `lang="ja-JP"`, 1)), "", true, ""},
		{"latin-1 declared", []byte(strings.Replace(strings.Replace(string(page("<p>Caf\xe9 au lait.</p>")), "日本語", "Japanese", 1), "utf-8", "iso-8859-1", 1)), "text/html; charset=ISO-8859-1", true, ReasonNotJapanese},
		{"declared legacy charset", []byte(strings.Replace(string(page("")), "日本語", "Japanese", 1)), "text/html; charset=EUC-JP", true, ""},
	}
	for _, tt := range tests {
		c := Default()
		c.PreScreen = tt.screen
		d := pageDoc(tt.body, tt.ct)
		if r := process(t, c, d); r != tt.want {
			t.Errorf("%s: reason %q, want %q (meta %v)", tt.name, r, tt.want, d.Meta)
		}
		if tt.want == "" && !strings.Contains(d.Text, "This release fixes the handling") {
			t.Errorf("%s: text %q", tt.name, d.Text)
		}
		if tt.want == "" && strings.Contains(d.Text, "Home") {
			t.Errorf("%s: navigation in text %q", tt.name, d.Text)
		}
	}
}

func TestDrops(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"png labelled html", png, ReasonBinary},
		{"nul bytes", append(transcode(t, egov[0].file, nil, "utf-8"), 0, 0, 0), ReasonBinary},
		{"no text", []byte(`<html lang="ja"><head><title>空</title><script>var x = "テキストではありません";</script></head><body></body></html>`), ReasonNoText},
		{"empty", nil, ReasonNotJapanese},
	}
	for _, tt := range tests {
		d := pageDoc(tt.body, "text/html")
		if r := process(t, Default(), d); r != tt.want {
			t.Errorf("%s: reason %q, want %q (text %q)", tt.name, r, tt.want, d.Text)
		}
	}
	c := Default()
	c.PreScreen = false
	if r := process(t, c, pageDoc(nil, "")); r != ReasonNoText {
		t.Errorf("empty without pre-screen: %q", r)
	}
}

// TestMaxBytes: a page over the cap is cut, its size recorded.
func TestMaxBytes(t *testing.T) {
	body := transcode(t, egov[1].file, nil, "utf-8")
	cut := bytes.Index(body, []byte("誠実且つ公正に"))
	c := Default()
	c.MaxBytes = cut
	d := pageDoc(body, "text/html")
	if r := process(t, c, d); r != "" {
		t.Fatal(r)
	}
	if d.Meta[MetaHTMLBytes] != strconv.Itoa(len(body)) || strings.Contains(d.Text, "誠実") || !strings.Contains(d.Text, "国民の意志によつて制定された法律を尊重し、") {
		t.Errorf("meta %v text %q", d.Meta, d.Text)
	}
	c.MaxBytes = cut + len("誠実且つ公正に")
	d = pageDoc(body, "text/html")
	if process(t, c, d); !strings.Contains(d.Text, "誠実且つ公正に") {
		t.Errorf("text %q", d.Text)
	}
}

// TestNotAPage: documents without a Page pass as they are.
func TestNotAPage(t *testing.T) {
	d := &pipeline.Document{Text: "本文", Meta: map[string]string{"a": "b"}}
	if r := process(t, Default(), d); r != "" || d.Text != "本文" || len(d.Meta) != 1 {
		t.Errorf("changed: %q %+v", r, d)
	}
}

func TestConfigValidate(t *testing.T) {
	c := Default()
	c.Focus = "fast"
	if _, err := (Stage{Config: c}).NewProcessor(); err == nil {
		t.Error("focus fast accepted")
	}
	c = Default()
	c.MaxBytes = -1
	if c.Validate() == nil {
		t.Error("max_bytes -1 accepted")
	}
	c = Default()
	c.Prune = "a[["
	if c.Validate() == nil {
		t.Error("bad selector accepted")
	}
	c = Default()
	c.MinKana = -1
	if c.Validate() == nil {
		t.Error("min_kana -1 accepted")
	}
}

func TestHeaderCharset(t *testing.T) {
	for ct, want := range map[string]string{
		"text/html; charset=Shift_JIS":      "Shift_JIS",
		`text/html; charset="euc-jp"`:       "euc-jp",
		"text/html;charset=utf-8;":          "utf-8",
		"text/html; charset=x-sjis, foo":    "x-sjis",
		"text/html":                         "",
		"\xcbcharset=":                      "", // an invalid byte before it (found by FuzzExtract: a panic)
		"text/html;\xcb\xcb CHARSET=EUC-JP": "EUC-JP",
	} {
		if got := headerCharset(ct); got != want {
			t.Errorf("headerCharset(%q) = %q, want %q", ct, got, want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(readRaw(f, egov[0].file)[:600], "text/html")
	f.Add([]byte(strings.Replace(english, "%s", "<p>こんにちは</p>", 1)), "text/html; charset=utf-8")
	f.Add([]byte("<html><body><pre>a\nb</pre><table><tr><td>x<td>y</table>"), "")
	f.Add([]byte("\x1b$B$3$s$K$A$O\x1b(B"), "text/html; charset=iso-2022-jp")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		for _, screen := range []bool{true, false} {
			c := Default()
			c.PreScreen = screen
			d := pageDoc(body, ct)
			r := process(t, c, d)
			switch r {
			case "":
				if strings.TrimSpace(d.Text) == "" {
					t.Fatal("kept with empty text")
				}
			case ReasonBinary, ReasonNotJapanese, ReasonNoText:
			default:
				t.Fatalf("reason %q", r)
			}
			if !utf8.ValidString(d.Text) {
				t.Fatal("invalid UTF-8")
			}
			for k, v := range d.Meta {
				if !utf8.ValidString(v) {
					t.Fatalf("meta %s invalid UTF-8", k)
				}
			}
		}
	})
}

// TestConcurrent runs processors on several goroutines, as the pipeline's
// workers do (run with -race).
func TestConcurrent(t *testing.T) {
	var bodies [][]byte
	for _, e := range egov {
		bodies = append(bodies, readRaw(t, e.file))
	}
	want := make([]string, len(bodies))
	for i, b := range bodies {
		d := pageDoc(b, "")
		process(t, Default(), d)
		want[i] = d.Text
	}
	errs := make(chan string, 4)
	for w := 0; w < 4; w++ {
		go func() {
			p, _ := Stage{Config: Default()}.NewProcessor()
			msg := ""
			for i := 0; i < 10; i++ {
				k := (i + w) % len(bodies)
				d := pageDoc(bodies[k], "")
				if r, _ := p.Process(d); r != "" || d.Text != want[k] {
					msg = "differs"
				}
			}
			errs <- msg
		}()
	}
	for w := 0; w < 4; w++ {
		if m := <-errs; m != "" {
			t.Error(m)
		}
	}
}
