package filters

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

func listPath(name string) string { return testcorpus.Path(filepath.Join("filters", "lists", name)) }

func loadLists(tb testing.TB, names ...string) []*WordList {
	tb.Helper()
	var ls []*WordList
	for _, n := range names {
		l, err := LoadWordList(listPath(n))
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
	}
	return ls
}

func TestLoadWordList(t *testing.T) {
	cases := []struct {
		file, category string
		words          []string
	}{
		{"violence.txt", "violence", []string{"殺害", "暴力", "虐待", "テロ", "殺す", "死体", "殺人予告", "拳銃", "脅迫"}},
		{"discrimination.txt", "discrimination", []string{"土人", "気違い", "めくら", "つんぼ"}},
		// BOM, CRLF, padding and a duplicate
		{"ads.txt", "ads", []string{"広告", "ポイント", "無料", "激安", "今すぐクリック"}},
	}
	for _, c := range cases {
		l, err := LoadWordList(listPath(c.file))
		if err != nil {
			t.Fatal(err)
		}
		if l.Category != c.category || !slices.Equal(l.Words, c.words) {
			t.Errorf("%s: %q %q", c.file, l.Category, l.Words)
		}
	}
	if l := loadLists(t, "bench_5000.txt")[0]; len(l.Words) != 5000 {
		t.Errorf("bench list has %d words", len(l.Words))
	}
	if _, err := LoadWordList(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestParseWordListErrors(t *testing.T) {
	long := strings.Repeat("あ", 86) // 258 bytes
	cases := []struct{ text, want string }{
		{"殺害\n\xff\xfe\n", "bad.txt:2: invalid UTF-8"},
		{"# 見出し\n\n暴力\x00団\n", "bad.txt:3: NUL byte"},
		{long + "\n", "bad.txt:1: word of 258 bytes is longer than 256"},
		{"# only comments\n\n   \n\u3000\n", "bad.txt: no words"},
		{"暴力\r団\r\n", "bad.txt:1: control character U+000D"},
		{"", "bad.txt: no words"},
		{"ok\n" + strings.Repeat("x", maxListLine+1) + "\n", "bad.txt:2: line longer than 65536 bytes"},
	}
	for _, c := range cases {
		_, err := ParseWordList("bad.txt", strings.NewReader(c.text))
		if err == nil || err.Error() != c.want {
			t.Errorf("%.20q: %v, want %s", c.text, err, c.want)
		}
	}
	// the error names the path given to LoadWordList
	path := filepath.Join(t.TempDir(), "ng.txt")
	if err := os.WriteFile(path, []byte("a\nb\n\xc3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWordList(path); err == nil || err.Error() != path+":3: invalid UTF-8" {
		t.Errorf("LoadWordList: %v", err)
	}
	// exactly MaxWordBytes is fine, and '#' inside a word is not a comment
	l, err := ParseWordList("ok.txt", strings.NewReader(strings.Repeat("a", MaxWordBytes)+"\nC#言語\n"))
	if err != nil || len(l.Words) != 2 || l.Category != "ok" {
		t.Errorf("%v %v", l, err)
	}
}

// refCount is the definition of Counts, computed naively: every occurrence of
// every word by strings.Index, and the covered characters as a set of rune
// indices.
func refCount(lists []*WordList, text string) Counts {
	var cats []string
	for _, l := range lists {
		if !slices.Contains(cats, l.Category) {
			cats = append(cats, l.Category)
		}
	}
	// rune index of every byte that starts a rune, -1 for the others
	runeAt := make([]int, len(text))
	for i := range runeAt {
		runeAt[i] = -1
	}
	nr := 0
	for i := range text {
		runeAt[i] = nr
		nr++
	}
	res := Counts{Categories: make([]CategoryCounts, len(cats)), names: cats}
	all := make([]bool, nr)
	seenAll := make(map[string]bool)
	for ci, cat := range cats {
		covered := make([]bool, nr)
		seen := make(map[string]bool)
		for _, l := range lists {
			if l.Category != cat {
				continue
			}
			for _, w := range l.Words {
				if w == "" || seen[w] {
					continue
				}
				seen[w] = true
				for off := 0; ; {
					j := strings.Index(text[off:], w)
					if j < 0 {
						break
					}
					start := off + j
					res.Categories[ci].Matches++
					if !seenAll[w] {
						res.Matches++
					}
					for b := start; b < start+len(w); b++ {
						if r := runeAt[b]; r >= 0 {
							covered[r], all[r] = true, true
						}
					}
					off = start + 1
				}
			}
		}
		for _, w := range seenList(seen) {
			seenAll[w] = true
		}
		for _, c := range covered {
			if c {
				res.Categories[ci].Chars++
			}
		}
	}
	for _, c := range all {
		if c {
			res.Chars++
		}
	}
	return res
}

func seenList(m map[string]bool) []string {
	var ws []string
	for w := range m {
		ws = append(ws, w)
	}
	return ws
}

func equalCounts(a, b Counts) bool {
	return a.Matches == b.Matches && a.Chars == b.Chars && slices.Equal(a.Categories, b.Categories)
}

func TestMatcherCount(t *testing.T) {
	violence := &WordList{Category: "violence", Words: []string{"テロ", "テロ対策", "殺す"}}
	ads := &WordList{Category: "ads", Words: []string{"対策", "広告", "テロ"}}
	aa := &WordList{Category: "aa", Words: []string{"ああ"}}
	type cc = CategoryCounts
	cases := []struct {
		name  string
		lists []*WordList
		text  string
		want  []CategoryCounts
		all   CategoryCounts // Matches, Chars of all categories
	}{
		{"overlapping occurrences of one word", []*WordList{aa}, "あああ", []cc{{2, 3}}, cc{2, 3}},
		{"separate occurrences", []*WordList{aa}, "ああ、ああ。", []cc{{2, 4}}, cc{2, 4}},
		{"no match", []*WordList{aa}, "国会は、国権の最高機関である。", []cc{{0, 0}}, cc{0, 0}},
		{"empty text", []*WordList{aa}, "", []cc{{0, 0}}, cc{0, 0}},
		// テロ, テロ対策 (violence) and 対策, テロ (ads) in 「テロ対策」; テロ
		// is in both lists, so it counts once in all
		{"nested words, two categories", []*WordList{violence, ads}, "この原発の問題で、テロ対策という点で",
			[]cc{{2, 4}, {2, 4}}, cc{3, 4}},
		{"a word that is a suffix of a longer one", []*WordList{violence, ads}, "白テロに抗して、絞め殺す",
			[]cc{{2, 4}, {1, 2}}, cc{2, 4}},
		{"invalid UTF-8 around a match", []*WordList{violence}, "\xffテロ\xe3\x81", []cc{{1, 2}}, cc{1, 2}},
		{"ASCII is case-sensitive", []*WordList{{Category: "x", Words: []string{"SEO"}}}, "SEO対策とseo", []cc{{1, 3}}, cc{1, 3}},
	}
	for _, c := range cases {
		m := NewMatcher(c.lists...)
		got := m.Count(c.text)
		if !slices.Equal(got.Categories, c.want) || got.Matches != c.all.Matches || got.Chars != c.all.Chars {
			t.Errorf("%s: %+v, want %+v all %+v", c.name, got, c.want, c.all)
		}
		if ref := refCount(c.lists, c.text); !equalCounts(got, ref) {
			t.Errorf("%s: %+v, reference %+v", c.name, got, ref)
		}
	}
}

func TestMatcherCategories(t *testing.T) {
	a := &WordList{Category: "adult", Words: []string{"エロ"}}
	b := &WordList{Category: "violence", Words: []string{"テロ"}}
	a2 := &WordList{Category: "adult", Words: []string{"ポルノ", "エロ"}}
	m := NewMatcher(a, b, a2)
	if got := m.Categories(); !slices.Equal(got, []string{"adult", "violence"}) {
		t.Fatalf("categories %q", got)
	}
	c := m.Count("感染症イエローヘッド病とポルノとテロ")
	if c.Category("adult") != (CategoryCounts{2, 5}) || c.Category("violence") != (CategoryCounts{1, 2}) || c.Category("ads") != (CategoryCounts{}) {
		t.Errorf("%+v", c)
	}
	// no lists, or only empty words: nothing matches
	for _, m := range []*Matcher{NewMatcher(), NewMatcher(&WordList{Category: "x", Words: []string{""}})} {
		if c := m.Count("テロ"); c.Matches != 0 || c.Chars != 0 {
			t.Errorf("%+v", c)
		}
	}
}

// TestMatcherFixture compares Count with the naive definition on every
// fixture document, for the category lists and for the 5,000-word list.
func TestMatcherFixture(t *testing.T) {
	docs := testcorpus.Fixture(t)
	for _, lists := range [][]*WordList{
		loadLists(t, "violence.txt", "adult.txt", "discrimination.txt", "ads.txt"),
		loadLists(t, "bench_5000.txt"),
	} {
		m := NewMatcher(lists...)
		var total Counts
		for _, d := range docs {
			got := m.Count(d.Text)
			if want := refCount(lists, d.Text); !equalCounts(got, want) {
				t.Fatalf("%s: %+v, want %+v", d.ID, got, want)
			}
			total.Matches += got.Matches
			total.Chars += got.Chars
		}
		t.Logf("%d categories: %d matches, %d characters", len(lists), total.Matches, total.Chars)
		if total.Matches == 0 {
			t.Error("no match in the fixture")
		}
	}
	// the documents named in the list comments
	m := NewMatcher(loadLists(t, "violence.txt", "adult.txt", "discrimination.txt", "ads.txt")...)
	for _, d := range docs {
		c := m.Count(d.Text)
		switch d.ID {
		case "egov2013:4c018cdae34807e8": // 北海道旧土人共有財産 ×4, 旧土人保護法 ×3
			if c.Category("discrimination") != (CategoryCounts{7, 14}) {
				t.Errorf("%s: %+v", d.ID, c)
			}
		case "egov2013:3950cf469a54aa02": // イエローヘッド病
			if c.Category("adult") != (CategoryCounts{1, 2}) {
				t.Errorf("%s: %+v", d.ID, c)
			}
		}
	}
}

// refLongest is ngword.py's LongestMatch.finditer (2d03507, :15-24)
// written naively: at each character the longest listed word that starts
// there, else one character on.
func refLongest(lists []*WordList, text string) (chars, matches int) {
	words := map[string]bool{}
	longest := 0
	for _, l := range lists {
		for _, w := range l.Words {
			words[w] = true
			longest = max(longest, utf8.RuneCountInString(w))
		}
	}
	rs := []rune(text)
	for i := 0; i < len(rs); {
		n := 0
		for k := min(longest, len(rs)-i); k > 0; k-- {
			if words[string(rs[i:i+k])] {
				n = k
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		chars += n
		matches++
		i += n
	}
	return chars, matches
}

func TestMatcherLongestCover(t *testing.T) {
	m := NewMatcher(&WordList{Category: "a", Words: []string{"アダルト", "アダルト動画", "動画サイト", "ありが", "がとう", "エロ", "ああ"}},
		&WordList{Category: "b", Words: []string{"ト動"}})
	cases := []struct {
		text           string
		chars, matches int
	}{
		{"", 0, 0},
		{"無関係な文です。", 0, 0},
		// the longest word at a position wins; the scan resumes after it,
		// so 動画サイト (which overlaps) is not found, nor ト動 inside it
		{"アダルト動画サイト", 6, 1},
		{"アダルト動サイト", 4, 1},
		{"ありがとう", 3, 1},    // ありが, then とう: no word
		{"どうもありがとう", 3, 1}, // found anywhere, no word boundaries
		{"イエローヘッド病", 2, 1}, // エロ inside a longer word
		{"あああ", 2, 1},      // ああ, then あ alone
		{"ああああ", 4, 2},
		{"エ\xffロエロ", 2, 1}, // an invalid byte is one character and no word
	}
	for _, c := range cases {
		chars, matches := m.LongestCover(c.text)
		if chars != c.chars || matches != c.matches {
			t.Errorf("%q: %d characters in %d matches, want %d in %d", c.text, chars, matches, c.chars, c.matches)
		}
		// Count takes overlapping occurrences, so it covers at least as much
		if cc := m.Count(c.text); cc.Chars < chars {
			t.Errorf("%q: Count covers %d < %d", c.text, cc.Chars, chars)
		}
	}
	if c, n := NewMatcher().LongestCover("ああ"); c != 0 || n != 0 {
		t.Errorf("empty matcher: %d %d", c, n)
	}
	// real text against the naive scan, with lists whose words overlap
	docs := testcorpus.Fixture(t)
	for _, lists := range [][]*WordList{
		loadLists(t, "violence.txt", "adult.txt", "discrimination.txt", "ads.txt"),
		loadLists(t, "bench_5000.txt"),
	} {
		m := NewMatcher(lists...)
		total := 0
		for _, d := range docs {
			chars, matches := m.LongestCover(d.Text)
			wc, wm := refLongest(lists, d.Text)
			if chars != wc || matches != wm {
				t.Fatalf("%s: %d characters in %d matches, want %d in %d", d.ID, chars, matches, wc, wm)
			}
			if c := m.Count(d.Text); c.Chars < chars {
				t.Fatalf("%s: Count covers %d < %d", d.ID, c.Chars, chars)
			}
			total += chars
		}
		if total == 0 {
			t.Error("no match in the fixture")
		}
	}
}

func TestCoverageWindow(t *testing.T) {
	// many disjoint spans force the buffer to drop spans out of reach
	text := strings.Repeat("テロと", 5000) + strings.Repeat("あ", 3)
	l := &WordList{Category: "v", Words: []string{"テロ", "ああ"}}
	m := NewMatcher(l)
	got, want := m.Count(text), refCount([]*WordList{l}, text)
	if !equalCounts(got, want) || got.Chars != 10003 {
		t.Errorf("%+v, want %+v", got, want)
	}
}

func FuzzParseWordList(f *testing.F) {
	for _, n := range []string{"violence.txt", "ads.txt", "discrimination.txt"} {
		b, err := os.ReadFile(listPath(n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a\x00\n"))
	f.Add([]byte("\xef\xbb\xbf#c\r\n w \r\n"))
	f.Add([]byte("0\r0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseWordList("f.txt", strings.NewReader(string(data)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Fatalf("error without file name: %v", err)
			}
			return
		}
		if len(l.Words) == 0 {
			t.Fatal("no words and no error")
		}
		seen := map[string]bool{}
		for _, w := range l.Words {
			if w == "" || w != strings.TrimSpace(w) || w[0] == '#' || len(w) > MaxWordBytes ||
				!utf8.ValidString(w) || strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7F }) || seen[w] {
				t.Fatalf("bad word %q", w)
			}
			seen[w] = true
		}
	})
}

// FuzzMatcherCount checks Count against the naive definition; words are the
// lines of the first input (the valid ones), alternately in two categories.
func FuzzMatcherCount(f *testing.F) {
	f.Add("テロ\nテロ対策\n対策", "この原発の問題で、テロ対策という点で")
	f.Add("ああ\nあ", "あああ\xffあ")
	f.Add("ab\nbc\nabc\nc", "abcabcbcab")
	f.Add("\xe3\x81\x82", "\xe3\xe3\x81\x82\x81")
	f.Fuzz(func(t *testing.T, words, text string) {
		lists := []*WordList{{Category: "a"}, {Category: "b"}}
		for i, w := range strings.Split(words, "\n") {
			if w != "" && utf8.ValidString(w) && len(w) <= MaxWordBytes {
				lists[i%2].Words = append(lists[i%2].Words, w)
			}
		}
		got := NewMatcher(lists...).Count(text)
		if want := refCount(lists, text); !equalCounts(got, want) {
			t.Fatalf("%+v, want %+v", got, want)
		}
	})
}

// BenchmarkMatcherCount counts 5,000 words (4,000 of them present) in the
// fixture documents; run with GOMAXPROCS=1 for a per-core figure.
func BenchmarkMatcherCount(b *testing.B) {
	docs := testcorpus.Fixture(b)
	m := NewMatcher(loadLists(b, "bench_5000.txt")...)
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			m.Count(d.Text)
		}
	}
}

// BenchmarkMatcherCountCategories counts the four small category lists,
// where matches are rare, as in most real text.
func BenchmarkMatcherCountCategories(b *testing.B) {
	docs := testcorpus.Fixture(b)
	m := NewMatcher(loadLists(b, "violence.txt", "adult.txt", "discrimination.txt", "ads.txt")...)
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			m.Count(d.Text)
		}
	}
}

func BenchmarkNewMatcher(b *testing.B) {
	lists := loadLists(b, "bench_5000.txt")
	b.ReportAllocs()
	for b.Loop() {
		NewMatcher(lists...)
	}
}
