package filters

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// swallowGolden is one record of testdata/filters/swallow_golden.jsonl.gz:
// the reference's scores of one document (see docs/presets/swallow.md).
type swallowGolden struct {
	File   string         `json:"file"`
	ID     string         `json:"id"`
	Scores map[string]any `json:"scores"`
}

// readJSONL returns id → text of a testdata JSONL file (gzip or zstd by name).
func readJSONL(t *testing.T, rel string) map[string]string {
	t.Helper()
	r := openData(t, testcorpus.Path(rel))
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		out[d.ID] = d.Text
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eachGolden calls fn with every record of the golden file rel (raw JSON)
// and the text the reference judged: the record's own text (synthetic
// cases), else the testdata document it names. It returns the record count.
func eachGolden(t *testing.T, rel string, fn func(rec []byte, text string)) int {
	t.Helper()
	zr := openData(t, testcorpus.Path(rel))
	texts := map[string]map[string]string{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		var g struct {
			File string  `json:"file"`
			ID   string  `json:"id"`
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		text := ""
		if g.Text != nil {
			text = *g.Text
		} else {
			if texts[g.File] == nil {
				texts[g.File] = readJSONL(t, g.File)
			}
			var ok bool
			if text, ok = texts[g.File][g.ID]; !ok {
				t.Fatalf("%s: no document %s", g.File, g.ID)
			}
		}
		fn(sc.Bytes(), text)
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSwallowScoresGolden: every score equals, as a float64, what the
// reference computed on the same text, for the 1,067 sample documents and
// the synthetic edge cases.
func TestSwallowScoresGolden(t *testing.T) {
	var m swallowMeter
	bad := 0
	docs := eachGolden(t, "filters/swallow_golden.jsonl.gz", func(rec []byte, text string) {
		var g swallowGolden
		if err := json.Unmarshal(rec, &g); err != nil {
			t.Fatal(err)
		}
		s := m.Measure(text)
		got := map[string]float64{
			"num_letters":                               float64(s.NumLetters),
			"num_japanese_letters":                      float64(s.NumJapanese),
			"duplicate_paragraph_fraction":              s.DupParagraph,
			"duplicate_sentence_fraction":               s.DupSentence,
			"duplicate_paragraph_fraction_in_character": s.DupParagraphChars,
			"duplicate_sentence_fraction_in_character":  s.DupSentenceChars,
			"hiragana_fraction":                         s.Hiragana,
			"katakana_fraction":                         s.Katakana,
			"kanji_fraction":                            s.Kanji,
			"japanese_fraction":                         s.Japanese,
			"avg_sentence_length":                       s.AvgSentence,
			"max_sentence_length":                       float64(s.MaxSentence),
			"ellipsis_fraction":                         s.Ellipsis,
		}
		for n := 2; n <= 4; n++ {
			got[fmt.Sprintf("top_%dgram_character_fraction", n)] = s.Top2to4[n-2]
		}
		for n := 5; n <= 10; n++ {
			got[fmt.Sprintf("duplicate_%dgram_character_fraction", n)] = s.Dup5to10[n-5]
		}
		for name, v := range got {
			want, ok := g.Scores[name].(float64)
			if !ok {
				continue // a reference crash case records no score
			}
			if v != want {
				bad++
				if bad <= 10 {
					t.Errorf("%s %s: %s = %v, reference %v", g.File, g.ID, name, v, want)
				}
			}
		}
	})
	if docs < 1100 {
		t.Fatalf("%d golden records, want the 1,109", docs)
	}
	t.Logf("%d documents, %d scores differ", docs, bad)
}

// TestSwallowWideTables: passes too large for the packed tables (more than
// maxPacked positions) use ngramTable, and give the same scores; here on
// the fixture, with the limit lowered.
func TestSwallowWideTables(t *testing.T) {
	docs := testcorpus.Fixture(t)
	var m swallowMeter
	want := make([]SwallowScores, len(docs))
	for i, d := range docs {
		want[i] = m.Measure(d.Text)
	}
	defer func(n int) { maxPacked = n }(maxPacked)
	for _, limit := range []int{0, 50, 1000} {
		maxPacked = limit
		for i, d := range docs {
			if got := m.Measure(d.Text); got != want[i] {
				t.Fatalf("limit %d, %s: %+v, packed %+v", limit, d.ID, got, want[i])
			}
		}
	}
}

// BenchmarkSwallowScores measures every swallow score on real text.
func BenchmarkSwallowScores(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	var m swallowMeter
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			m.Measure(d.Text)
		}
	}
}

// swallowListStage is the swallow preset in mode with both list rules: the
// NG words of testdata/filters/lists/adult.txt (エロ, わいせつ, アダルト動画,
// ポルノ) and the hosts example.com and 192.0.2.1.
func swallowListStage(t *testing.T, mode Mode) pipeline.Processor {
	t.Helper()
	hosts := filepath.Join(t.TempDir(), "hosts.txt")
	if err := os.WriteFile(hosts, []byte("example.com\n192.0.2.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Mode = mode
	c.Lists = map[string][]string{"ng_words": {listPath("adult.txt")}, "ng_hosts": {hosts}}
	st, err := NewStage(c, map[string]string{"web": "swallow"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.NewProcessor()
	return p
}

// japanesePrefix returns the shortest prefix of text with n Japanese letters
// as quality.py counts them (docs/presets/swallow.md §3.3).
func japanesePrefix(t *testing.T, text string, n int) string {
	t.Helper()
	k := 0
	for i, r := range text {
		if k == n {
			return text[:i]
		}
		if r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA || strings.ContainsRune("、，。．！？", r) || swallowKanji(r) {
			k++
		}
	}
	if k == n {
		return text
	}
	t.Fatalf("only %d Japanese letters", k)
	return ""
}

// TestSwallowNGWords: ng_fraction is the NG letters of the leftmost-longest
// scan over num_japanese_letters, and the rule drops at 0.05 exactly
// (ngword.py:33 keeps < 0.05), on a real Diet speech with NG words added.
func TestSwallowNGWords(t *testing.T) {
	var base string
	words := NewMatcher(loadLists(t, "adult.txt")...)
	for _, d := range testcorpus.Fixture(t) {
		if strings.HasPrefix(d.ID, "kokkai:") && len([]rune(d.Text)) > 1500 {
			if c, _ := words.LongestCover(d.Text); c == 0 {
				base = d.Text
				break
			}
		}
	}
	if base == "" {
		t.Fatal("no long Diet speech without NG words in the fixture")
	}
	ng := strings.Repeat("ポルノ", 10) // 30 NG letters, all Japanese
	cases := []struct {
		name, text string
		want       float64
		dropped    bool
	}{
		// 30 / (570 + 30) = 0.05 exactly: dropped
		{"at 0.05", japanesePrefix(t, base, 570) + ng, 0.05, true},
		// 30 / (571 + 30) < 0.05: kept by this rule
		{"below 0.05", japanesePrefix(t, base, 571) + ng, 30.0 / 601, false},
		// the NG words in the middle of the text count the same
		{"inside", japanesePrefix(t, base, 300) + ng + japanesePrefix(t, base, 270), 0.05, true},
		// アダルト動画 and ポルノ: 9 NG letters over 10 Japanese letters
		// (動画 are kanji, 。 is a kuten)
		{"longest", "アダルト動画ポルノ。", 9.0 / 10, true},
		{"only NG words", "ポルノ", 1, true},
		// the denominator is Japanese letters, not characters: （）ＡＢ
		// do not count
		{"not Japanese", "（ポルノ）ＡＢ", 1, true},
		{"empty", "", 0, false},
	}
	annotate := swallowListStage(t, Annotate)
	drop := swallowListStage(t, Drop)
	var m swallowMeter
	for _, c := range cases {
		d := &pipeline.Document{Source: "web", Text: c.text}
		if _, err := annotate.Process(d); err != nil {
			t.Fatal(err)
		}
		chars, _ := words.LongestCover(c.text)
		if got := frac(chars, m.Measure(c.text).NumJapanese); got != c.want {
			t.Errorf("%s: ng_fraction %v, want %v", c.name, got, c.want)
		}
		if got := d.Meta[MetaScorePrefix+"ng_words"]; got != fmt.Sprint(c.want) {
			t.Errorf("%s: annotated %q, want %v", c.name, got, c.want)
		}
		reason, err := drop.Process(&pipeline.Document{Source: "web", Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		if (reason == "ng_words") != c.dropped {
			t.Errorf("%s: dropped by %q", c.name, reason)
		}
	}
}

// TestSwallowNGURL: ngurl.py's check with the host list example.com and
// 192.0.2.1: an exact host lookup (a subdomain of a listed host passes,
// unlike url_blocked), the .5ch.net and wikipedia.org suffix rules, and no
// decision without a host.
func TestSwallowNGURL(t *testing.T) {
	hosts, err := NewDomainList("hosts", "example.com", "192.0.2.1", "例え.jp")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		url  string
		want bool
	}{
		{"https://example.com/page?q=1", true},
		{"HTTP://User:pw@EXAMPLE.COM:8080/x", true},
		{"https://sub.example.com/", false}, // exact host: no parent domains
		{"https://www.example.com/", false},
		{"https://badexample.com/", false},
		{"https://example.com./", false}, // the reference keeps the dot
		{"http://192.0.2.1/a", true},
		{"http://192.0.2.10/a", false},
		{"https://例え.jp/", true}, // an IDN host is looked up in punycode
		{"https://xn--r8jz45g.jp/", true},
		{"https://itest.5ch.net/test/read.cgi/news/1/", true},
		{"https://5ch.net/", false}, // the suffix has a dot
		{"https://ja.wikipedia.org/wiki/日本", true},
		{"https://wikipedia.org/", true},
		{"https://notwikipedia.org/", true}, // a suffix test without a dot
		{"https://ja.wikipedia.org.example.net/", false},
		{"  \thttps://ja.wiki\npedia.org/", true}, // Python strips and drops these
		{"https://[::1]:8080/", false},
		{"https://[::1/", false},    // Python raises; no decision
		{"example.com/page", false}, // no "//": no host in Python
		{"//example.com/page", true},
		{"", false},
		{"mailto:someone@example.com", false},
	}
	for _, c := range cases {
		if got := swallowURLRejected(c.url, hosts); got != c.want {
			h, ok := pyHostname(c.url)
			t.Errorf("%q (host %q %v): rejected %v, want %v", c.url, h, ok, got, c.want)
		}
	}
	if !swallowURLRejected("https://ja.wikipedia.org/", nil) || swallowURLRejected("https://example.com/", nil) {
		t.Error("nil list")
	}
	// the reference's own decisions on the golden URL cases (computed with
	// an empty host map, so a nil list here)
	urls := 0
	eachGolden(t, "filters/swallow_golden.jsonl.gz", func(rec []byte, _ string) {
		var g struct {
			ID     string `json:"id"`
			URL    *string
			Scores struct {
				OK *bool `json:"url_ok"`
			} `json:"scores"`
		}
		if err := json.Unmarshal(rec, &g); err != nil {
			t.Fatal(err)
		}
		if g.URL == nil || g.Scores.OK == nil {
			return
		}
		urls++
		if got := swallowURLRejected(*g.URL, nil); got == *g.Scores.OK {
			t.Errorf("%s %q: rejected %v, reference url_ok %v", g.ID, *g.URL, got, *g.Scores.OK)
		}
	})
	if urls != 6 {
		t.Errorf("%d golden URL cases, want 6", urls)
	}

	// through the stage, on real text: the rule comes first, and without
	// the list it is left out
	text := testcorpus.Fixture(t)[0].Text
	annotate, drop := swallowListStage(t, Annotate), swallowListStage(t, Drop)
	for _, c := range []struct {
		url  string
		want string
	}{{"https://example.com/a", "1"}, {"https://blog.example.com/a", "0"}, {"", "0"}} {
		d := &pipeline.Document{Source: "web", Text: text, URL: c.url}
		if _, err := annotate.Process(d); err != nil {
			t.Fatal(err)
		}
		if got := d.Meta[MetaScorePrefix+"ng_url"]; got != c.want {
			t.Errorf("%q: ng_url %q, want %s", c.url, got, c.want)
		}
		reason, _ := drop.Process(&pipeline.Document{Source: "web", Text: text, URL: c.url})
		if (reason == "ng_url") != (c.want == "1") {
			t.Errorf("%q: dropped by %q", c.url, reason)
		}
	}
	st, err := NewStage(DefaultConfig(), map[string]string{"web": "swallow"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.NewProcessor()
	if reason, _ := p.Process(&pipeline.Document{Source: "web", Text: text, URL: "https://ja.wikipedia.org/"}); reason == "ng_url" {
		t.Error("ng_url runs without filters.lists.ng_hosts")
	}
}
