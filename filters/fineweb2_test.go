package filters

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// fineweb2Synthetic are our own edge cases for the line and word
// definitions (CR, LF runs, U+2028, blank lines of spaces, bullets,
// ellipses, hashes, symbols); their texts are in the golden file.
var fineweb2Synthetic = []string{
	"",
	"\n",
	"\na\nb\na\n",
	"今日は晴れ。\r\n今日は晴れ。\r\n明日は雨です。\n\n\n明日は雨です。",
	"  \n\u3000\n今日は晴れ。 \n今日は晴れ。",
	"・項目その一\n・項目その二\n- 項目その三\n• 項目その四\n  - 項目その五",
	"これは……\nそれは...\nあれは。。。\nどれは…",
	"#タグ #日本 #東京 ＃全角\n本文です。",
	"行一\u2028行二\u2029行三\x1c行四\u0085行五\v行六\f行七\r行八",
	"■□◆◇！？…・＊＃■□◆◇！？…・＊＃",
	"２０２４年１２月５日、2,024円の東京タワー（東京都港区）を見学した。「すごい！」と彼は言った。",
	"吾輩は猫である。名前はまだ無い。吾輩は猫である。名前はまだ無い。吾輩は猫である。名前はまだ無い。",
	"ああああああああああああああああああああ",
	"x yy x zzz x yy x zzz",
}

// fineweb2GoldenDocs are the real documents of the golden file: the
// fixture, the Aozora sample and every third Diet speech of the sample.
func fineweb2GoldenDocs(t *testing.T) (files, ids, texts []string) {
	add := func(file, id, text string) {
		files, ids, texts = append(files, file), append(ids, id), append(texts, text)
	}
	for _, d := range testcorpus.Fixture(t) {
		add("sample/fixture_docs.jsonl", d.ID, d.Text)
	}
	names, err := filepath.Glob(testcorpus.Path("sample/aozora/*.txt"))
	if err != nil || len(names) == 0 {
		t.Fatal(err, names)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		add("sample/aozora", filepath.Base(n), string(b))
	}
	speeches := readJSONL(t, "sample/diet_speeches.jsonl.gz")
	keys := make([]string, 0, len(speeches))
	for k := range speeches {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i := 0; i < len(keys); i += 3 {
		add("sample/diet_speeches.jsonl.gz", keys[i], speeches[keys[i]])
	}
	for i, s := range fineweb2Synthetic {
		add("synthetic", fmt.Sprint(i), s)
	}
	return
}

// TestFineweb2Dump writes, when FINEWEB2_DUMP names a file, each golden
// document's text and kagome words as JSON lines: the input of the
// reference harness that made testdata/filters/fineweb2_golden.jsonl.gz
// (docs/presets/fineweb2-ja.md, "Checks against the reference").
func TestFineweb2Dump(t *testing.T) {
	out := os.Getenv("FINEWEB2_DUMP")
	if out == "" {
		t.Skip("FINEWEB2_DUMP not set")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	var m fineweb2Meter
	files, ids, texts := fineweb2GoldenDocs(t)
	for i := range ids {
		words := append([]string{}, m.tokenize(texts[i])...)
		b, _ := json.Marshal(map[string]any{"file": files[i], "id": ids[i], "text": texts[i], "words": words})
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// fineweb2Golden is a record of testdata/filters/fineweb2_golden.jsonl.gz:
// datatrove v0.4.0's own filter code run on our kagome words, with the
// jpn_Jpan config: its decision and the scores its comparisons read.
type fineweb2Golden struct {
	File      string             `json:"file"`
	ID        string             `json:"id"`
	Text      *string            `json:"text"` // synthetic documents only
	Reference string             `json:"reference"`
	Scores    map[string]float64 `json:"scores"`
}

// TestFineweb2Golden: every score equals the reference's on the same words,
// and the preset drops each document for the reason the reference gives
// (its first failing filter), or keeps it.
func TestFineweb2Golden(t *testing.T) {
	zr := openData(t, testcorpus.Path("filters/fineweb2_golden.jsonl.gz"))
	var golden []fineweb2Golden
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var g fineweb2Golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		golden = append(golden, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	files, ids, texts := fineweb2GoldenDocs(t)
	if len(golden) != len(ids) {
		t.Fatalf("%d golden records for %d documents", len(golden), len(ids))
	}
	st, err := NewStage(DefaultConfig(), map[string]string{"x": "fineweb2-ja"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.NewProcessor()
	var d docState
	reasons := map[string]int{}
	for i, g := range golden {
		if g.File != files[i] || g.ID != ids[i] || (g.Text != nil && *g.Text != texts[i]) {
			t.Fatalf("golden record %d is %s %s, want %s %s", i, g.File, g.ID, files[i], ids[i])
		}
		if testing.Short() && g.File == "sample/diet_speeches.jsonl.gz" && i%5 != 0 {
			continue
		}
		d.reset(texts[i], "")
		for name, want := range g.Scores {
			m, err := LookupMeasure("fineweb2." + name)
			if err != nil {
				t.Fatal(err)
			}
			got := m.score(&d, nil)
			if got != want && math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s: %s = %v, reference %v", g.File, g.ID, name, got, want)
			}
		}
		reason, _ := p.Process(&pipeline.Document{Source: "x", Text: texts[i]})
		if reason == "" {
			reason = "keep"
		}
		if g.Reference == "ZeroDivisionError" && reason != "keep" {
			reason = g.Reference // the reference crashes; we drop (see the preset)
		}
		if reason != g.Reference {
			t.Errorf("%s %s: %s, reference %s", g.File, g.ID, reason, g.Reference)
		}
		reasons[reason]++
	}
	t.Logf("decisions: %v", reasons)
}

// TestFineweb2Punct: datatrove's sets have 129, 159 and 281 members, and
// TERMINAL_PUNCTUATION is Unicode 15's Sentence_Terminal plus four Khmer
// signs (checked against the Python set; see the docs).
func TestFineweb2Punct(t *testing.T) {
	var punct, term, set int
	for r := rune(0); r <= unicode.MaxRune; r++ {
		inP := r <= 0x08 || r >= 0x0B && r <= 0x1F || r >= 0x7F && r <= 0x9F || strings.ContainsRune(fineweb2PunctVisible, r)
		if inP {
			punct++
		}
		if terminalPunct(r) {
			term++
			if !unicode.Is(unicode.Sentence_Terminal, r) && !(r == 0x17D4 || r == 0x17D5 || r == 0x17D6 || r == 0x17D9 || r == 0x17DA) && unicode.Version == "15.0.0" {
				t.Errorf("%U terminal, not Sentence_Terminal", r)
			}
		} else if unicode.Is(unicode.Sentence_Terminal, r) && unicode.Version == "15.0.0" {
			t.Errorf("%U Sentence_Terminal, not terminal", r)
		}
		if punctuationSet(r) {
			set++
			if !inP && !terminalPunct(r) {
				t.Errorf("%U in the set", r)
			}
		} else if inP || terminalPunct(r) {
			t.Errorf("%U not in the set", r)
		}
	}
	if punct != 129 || term != 159 || set != 281 {
		t.Errorf("sets of %d, %d, %d code points, want 129, 159, 281", punct, term, set)
	}
	for _, c := range []struct {
		r          rune
		term, punc bool
	}{
		{'。', true, true}, {'．', true, true}, {'！', true, true}, {'？', true, true}, {'｡', true, true}, {'.', true, true},
		{'、', false, true}, {'」', false, true}, {'…', false, true}, {'１', false, true}, {'\t', false, false}, {'\n', false, false},
		{'・', false, false}, {'『', false, false}, {'ー', false, false}, {'＃', false, false}, {'\u3000', false, false}, {'あ', false, false},
	} {
		if terminalPunct(c.r) != c.term || punctuationSet(c.r) != c.punc {
			t.Errorf("%q: terminal %v, set %v; want %v, %v", c.r, terminalPunct(c.r), punctuationSet(c.r), c.term, c.punc)
		}
	}
}

// TestFineweb2Worked: the worked checks of docs/presets/fineweb2-ja.md §6,
// computed with the reference functions.
func TestFineweb2Worked(t *testing.T) {
	var m fineweb2Meter
	cases := []struct {
		text  string
		words []string
		top   [3]int // numerators of top_{2,3,4}_gram
		dup   [2]int // numerators of find_all_duplicate, n = 5, 6
	}{
		// find_all_duplicate(list("ABABABAB"), 2) = 6 is checked below
		{"今日は晴れ今日は晴れ今日は", strings.Fields("今日 は 晴れ 今日 は 晴れ 今日 は"), [3]int{12, 14, 20}, [2]int{8, 0}},
		// a tie: "x yy", "yy x", "x zzz" twice each; the first seen wins
		{"x yy x zzz x yy x zzz", strings.Fields("x yy x zzz x yy x zzz"), [3]int{8, 12, 20}, [2]int{0, 0}},
	}
	for _, c := range cases {
		var sc FineWeb2Scores
		m.wordScores(&sc, c.text, c.words)
		n := float64(len([]rune(c.text)))
		for i, want := range c.top {
			if got := sc.TopNGram[i] * n; math.Abs(got-float64(want)) > 1e-9 {
				t.Errorf("%q: top %d-gram numerator %v, want %d", c.text, i+2, got, want)
			}
		}
		for i, want := range c.dup {
			if got := sc.DupNGram[i] * n; math.Abs(got-float64(want)) > 1e-9 {
				t.Errorf("%q: dup %d-gram numerator %v, want %d", c.text, i+5, got, want)
			}
		}
	}
	// find_all_duplicate with n = 2, 3 (the measures use 5..10)
	var sc FineWeb2Scores
	m.wordScores(&sc, "ABABABAB", strings.Split("ABABABAB", ""))
	if got := m.dupNGrams("ABABABAB", 2); got != 6 {
		t.Errorf("find_all_duplicate(ABABABAB, 2) = %d, want 6", got)
	}
	m.wordScores(&sc, "今日は晴れ今日は晴れ今日は", strings.Fields("今日 は 晴れ 今日 は 晴れ 今日 は"))
	if got := m.dupNGrams("今日は晴れ今日は晴れ今日は", 2); got != 7 {
		t.Errorf("dup 2-gram chars %d, want 7", got)
	}
	if got := m.dupNGrams("今日は晴れ今日は晴れ今日は", 3); got != 5 {
		t.Errorf("dup 3-gram chars %d, want 5", got)
	}
	// lines: "\na\nb\na\n" -> ['', 'a', 'b', 'a', ''] : 2 duplicates of 5
	m.lines(&sc, "\na\nb\na\n")
	if sc.DupLineFrac != 0.4 || sc.NonBlankLines != 3 || sc.CharDup != 1.0/3 {
		t.Errorf("lines: %+v", sc)
	}
}

// TestFineweb2Splitlines: Python's str.splitlines.
func TestFineweb2Splitlines(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil}, {"\n", []string{""}}, {"a\n", []string{"a"}}, {"a\r\nb\rc\n\nd", []string{"a", "b", "c", "", "d"}},
		{"a\u2028b\x1cc\x1fd\u0085e\u3000f", []string{"a", "b", "c\x1fd", "e\u3000f"}}, {"\r\r\n", []string{"", ""}},
	} {
		var got []string
		splitLines(c.in, func(s string) { got = append(got, s) })
		if fmt.Sprint(got) != fmt.Sprint(c.want) || len(got) != len(c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// fineweb2Rule returns a function that runs one rule of the fineweb2-ja
// preset, alone, on a text: its score and whether it drops the text.
func fineweb2Rule(t *testing.T, name string) func(text string) (float64, bool) {
	t.Helper()
	p, _ := ShippedPreset("fineweb2-ja")
	var step *Step
	for i := range p.Steps {
		if p.Steps[i].Rule == name {
			step = &p.Steps[i]
		}
	}
	if step == nil {
		t.Fatalf("no rule %s", name)
	}
	c := DefaultConfig()
	c.Mode = Annotate
	c.Presets = map[string]PresetConfig{"one": {Add: []Step{*step}}}
	st, err := NewStage(c, map[string]string{"x": "one"})
	if err != nil {
		t.Fatal(err)
	}
	proc, _ := st.NewProcessor()
	return func(text string) (float64, bool) {
		d := &pipeline.Document{Source: "x", Text: text}
		proc.Process(d)
		var s float64
		fmt.Sscan(d.Meta[MetaScorePrefix+name], &s)
		return s, !step.Keep.Keep(s)
	}
}

// fineweb2Sentences returns distinct real sentences (Diet speeches of the
// fixture), each ending in 。, without line breaks.
func fineweb2Sentences(t *testing.T) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range testcorpus.Fixture(t) {
		if !strings.HasPrefix(d.ID, "kokkai:") {
			continue
		}
		for s := range strings.SplitSeq(d.Text, "。") {
			s = strings.TrimSpace(s)
			if n := len([]rune(s)); n < 12 || n > 80 || strings.ContainsAny(s, "\n\r…#-•") || seen[s] {
				continue
			}
			seen[s] = true
			out = append(out, s+"。")
		}
	}
	if len(out) < 200 {
		t.Fatalf("%d sentences", len(out))
	}
	return out
}

// TestFineweb2Boundaries: real text built so that a score lies exactly on
// the jpn_Jpan threshold (kept, as the reference's strict comparisons keep
// it) or just past it (dropped).
func TestFineweb2Boundaries(t *testing.T) {
	sents := fineweb2Sentences(t)
	lines := func(distinct, copies int) string {
		ls := append([]string{}, sents[:distinct]...)
		for range copies {
			ls = append(ls, sents[0])
		}
		return strings.Join(ls, "\n")
	}
	// line_punct: the first `ended` lines end in 。, the others without it
	punct := func(n, ended int) string {
		ls := make([]string, n)
		for i := range ls {
			ls[i] = sents[i]
			if i >= ended {
				ls[i] = strings.TrimSuffix(sents[i], "。")
			}
		}
		return strings.Join(ls, "\n")
	}
	// char_dup: text X of 8a (or 8a-1) code points, then twice a line of a
	// code points: a / (9a or 9a-1 + a)
	a := sents[0]
	na := len([]rune(a))
	var long []rune
	for _, s := range sents[1:] {
		long = append(long, []rune(s)...)
	}
	charDup := func(xlen int) string { return string(long[:xlen]) + "\n" + a + "\n" + a }
	// end ellipsis and bullets: n lines, k of them marked
	marked := func(n, k int, mark func(string) string) string {
		ls := make([]string, n)
		for i := range ls {
			ls[i] = sents[i]
			if i < k {
				ls[i] = mark(strings.TrimSuffix(sents[i], "。"))
			}
		}
		return strings.Join(ls, "\n")
	}
	ellipsis := func(s string) string { return s + "…" }
	bullet := func(s string) string { return "• " + s }
	cases := []struct {
		rule  string
		text  string
		score float64
		drop  bool
	}{
		{"dup_line_frac", lines(84, 41), 0.328, false}, // 41/125
		{"dup_line_frac", lines(83, 42), 42.0 / 125, true},
		{"line_punct_ratio", punct(125, 12), 0.096, false}, // 12/125
		{"line_punct_ratio", punct(125, 11), 11.0 / 125, true},
		{"char_dup_ratio", charDup(8 * na), 0.1, false},
		{"char_dup_ratio", charDup(8*na - 1), float64(na) / float64(10*na-1), true},
		{"gopher_too_many_end_ellipsis", marked(10, 3, ellipsis), 0.3, false},
		{"gopher_too_many_end_ellipsis", marked(13, 4, ellipsis), 4.0 / 13, true},
		{"gopher_too_many_bullets", marked(10, 9, bullet), 0.9, false},
		{"gopher_too_many_bullets", marked(11, 10, bullet), 10.0 / 11, true},
		{"empty", " \n\u3000\t\n", 0, true},
		{"empty", " \n\u3000あ\n", 1, false},
	}
	// the shortest prefixes of real sentences with 49 and 50 non-symbol
	// words, and with 1 and 2 stop words
	var m fineweb2Meter
	text := strings.Join(sents[:20], "")
	rs := []rune(text)
	found := map[string]bool{}
	for n := 1; n <= len(rs) && len(found) < 4; n++ {
		p := string(rs[:n])
		var sc FineWeb2Scores
		m.wordScores(&sc, p, m.tokenize(p))
		for _, c := range []struct {
			rule  string
			score int
		}{{"gopher_short_doc", sc.NonSymbolWords}, {"gopher_enough_stop_words", sc.StopWords}} {
			key := fmt.Sprint(c.rule, c.score)
			if found[key] {
				continue
			}
			switch {
			case c.rule == "gopher_short_doc" && (c.score == 49 || c.score == 50),
				c.rule == "gopher_enough_stop_words" && (c.score == 1 || c.score == 2):
				found[key] = true
				cases = append(cases, struct {
					rule  string
					text  string
					score float64
					drop  bool
				}{c.rule, p, float64(c.score), c.score == 49 || c.score == 1})
			}
		}
	}
	if len(found) != 4 {
		t.Fatalf("prefixes found: %v", found)
	}
	for _, c := range cases {
		score, drop := fineweb2Rule(t, c.rule)(c.text)
		if score != c.score || drop != c.drop {
			t.Errorf("%s: score %v, dropped %v; want %v, %v (text %.40q)", c.rule, score, drop, c.score, c.drop, c.text)
		}
	}
}
