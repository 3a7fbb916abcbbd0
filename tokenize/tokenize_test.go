package tokenize

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

func TestCount(t *testing.T) {
	tk, err := New(DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text   string
		wakati []string
	}{
		{"すもももももももものうち", []string{"すもも", "も", "もも", "も", "もも", "の", "うち"}},
		{"吾輩は猫である。", []string{"吾輩", "は", "猫", "で", "ある", "。"}},
		{"国会は\n国権の最高機関", []string{"国会", "は", "国権", "の", "最高", "機関"}},
		{"", nil},
		{" \n\u3000", nil},
		// kagome groups the control characters with the CR between them:
		// a kept token may contain whitespace
		{"\x01\r\x01", []string{"\x01\r\x01"}},
		// invalid bytes: one U+FFFD each, kept as they are
		{"あ\xffい\xff\xfe", []string{"あ", "\xff", "い", "\xff\xfe"}},
	}
	for _, c := range cases {
		got := tk.Wakati(c.text)
		if !reflect.DeepEqual(got, c.wakati) {
			t.Errorf("Wakati(%q) = %q, want %q", c.text, got, c.wakati)
		}
		if n := tk.Count(c.text); n != len(c.wakati) {
			t.Errorf("Count(%q) = %d, want %d", c.text, n, len(c.wakati))
		}
	}
	if _, err := New("unidic-kansai"); err == nil {
		t.Error("unknown dictionary accepted")
	}
}

func TestCut(t *testing.T) {
	cases := []struct {
		name, text string
		max        int
		head       string
	}{
		{"short", "あいう", 100, "あいう"},
		{"at newline", "あいう\nえお\nかきくけこさしすせそ", 20, "あいう\nえお\n"},
		{"at sentence end", "あいうえお。かきくけこさしすせそ", 24, "あいうえお。"},
		{"rune boundary", "あいうえおかきくけこ", 10, "あいう"},
		{"stray continuation bytes", "あ" + strings.Repeat("\x80", 20), 10, "あ\x80\x80\x80\x80\x80\x80\x80"},
		{"no rune start at all", strings.Repeat("\x80", 20), 10, strings.Repeat("\x80", 10)},
		{"lead byte near the cut", "ab\xe3\x80\x80\x80", 4, "ab"},
		{"stray bytes after a rune", "\u3000\x80\x80\x80\x80\x80", 4, "\u3000\x80"},
		{"4-byte rune kept whole", "abcd\U0001F600", 6, "abcd"},
		{"max below UTFMax", "\x80\x80\x80\x80\x80\x80", 1, "\x80\x80\x80\x80"},
	}
	for _, c := range cases {
		head, rest := cut(c.text, c.max)
		if head != c.head || head+rest != c.text {
			t.Errorf("%s: head %q rest %q", c.name, head, rest)
		}
	}
}

// TestCountInvalidUTF8 is the regression test for a hang: with no rune start
// near a cut, cut returned an empty head and Count and Wakati looped forever.
// The test simply calls them; a hang shows as the test timing out.
func TestCountInvalidUTF8(t *testing.T) {
	tk, err := New(DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"あ" + strings.Repeat("\x80", 20000),
		strings.Repeat("\x80", 3*MaxChunkBytes+1),
		strings.Repeat("\xe3\x81", MaxChunkBytes),
		strings.Repeat("\xf0\x9f\x98", MaxChunkBytes),
		strings.Repeat("a\x80\x80\x80\x80", MaxChunkBytes/2),
	} {
		n := tk.Count(text)
		w := tk.Wakati(text)
		if n != len(w) || n == 0 {
			t.Errorf("Count = %d, len(Wakati) = %d", n, len(w))
		}
		// no whitespace in text: the tokens are the text
		if strings.Join(w, "") != text {
			t.Errorf("Wakati of %d bytes of invalid UTF-8 does not give the text back", len(text))
		}
	}
}

// TestCutProgress cuts texts, mostly invalid UTF-8, down to nothing with
// small limits and checks that every cut makes progress and keeps decoding.
func TestCutProgress(t *testing.T) {
	texts := []string{
		strings.Repeat("\x80", 50),
		"あ" + strings.Repeat("\x80", 50),
		strings.Repeat("\xe3\x81", 30),
		strings.Repeat("\U0001F600\x80", 10),
		strings.Repeat("あ。\n\xff", 10),
		strings.Repeat("\xf0\x9f\x98\x80\x80", 10),
	}
	for _, text := range texts {
		for maxBytes := 1; maxBytes <= 20; maxBytes++ {
			checkCut(t, text, maxBytes)
		}
	}
}

// checkCut cuts text down with limit maxBytes and checks the pieces: each
// non-empty and at most max(maxBytes, utf8.UTFMax) bytes, together the text, and decoding
// them one by one gives the runes of text.
func checkCut(t *testing.T, text string, maxBytes int) {
	t.Helper()
	limit := max(maxBytes, utf8.UTFMax)
	var joined string
	var runes []rune
	for rest := text; len(rest) > 0; {
		var head string
		head, rest = cut(rest, maxBytes)
		if len(head) == 0 || len(head) > limit {
			t.Fatalf("cut(%q, %d): head of %d bytes", text, maxBytes, len(head))
		}
		joined += head
		runes = append(runes, []rune(head)...)
	}
	if joined != text || !slices.Equal(runes, []rune(text)) {
		t.Fatalf("cut(%q, %d): pieces do not give the text back", text, maxBytes)
	}
}

// TestLongDocumentChunked checks that a long real document analysed in
// pieces counts the same tokens as analysed whole: cuts fall on line breaks.
func TestLongDocumentChunked(t *testing.T) {
	tk, _ := New(DictIPA)
	longest := ""
	for _, d := range testcorpus.Fixture(t) {
		if len(d.Text) > len(longest) {
			longest = d.Text
		}
	}
	if len(longest) <= MaxChunkBytes {
		t.Fatalf("longest fixture doc has %d bytes; test needs > %d", len(longest), MaxChunkBytes)
	}
	kt, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		t.Fatal(err)
	}
	whole := 0 // kagome on the whole text
	for _, tok := range kt.Analyze(longest, tokenizer.Normal) {
		if !blank(tok.Surface) {
			whole++
		}
	}
	if got := tk.Count(longest); got != whole || got < len([]rune(longest))/4 {
		t.Errorf("chunked count %d, whole %d (runes %d)", got, whole, len([]rune(longest)))
	}
}

// FuzzCount checks on any input, invalid UTF-8 included, that Count
// terminates and equals len(Wakati), that no token is empty or
// whitespace-only, and that the tokens are the text with only whitespace
// taken out. The exact invariant is that text is the tokens in order with
// nothing but whitespace (unicode.IsSpace runes) before, between and after
// them. Tokens may contain whitespace (kagome groups "\x01\r\x01"), so the
// tokens joined are not the text with all whitespace removed; instead both
// agree once whitespace is removed from each, which for valid UTF-8 follows
// from the exact invariant and is checked as well.
func FuzzCount(f *testing.F) {
	f.Add("あ" + strings.Repeat("\x80", 20000))
	f.Add("\x01\r\x01 \u3000\u00a0x\u2028")
	f.Add("\xe3 \x80\x80")
	f.Add("あ\xffい\xff\xfe。\n")
	// the shortest real document of every source
	shortest := map[string]string{}
	for _, d := range testcorpus.Fixture(f) {
		if s, ok := shortest[d.Source]; !ok || len(d.Text) < len(s) {
			shortest[d.Source] = d.Text
		}
	}
	for _, src := range slices.Sorted(maps.Keys(shortest)) {
		f.Add(shortest[src])
	}
	tk, err := New(DictIPA)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 3*MaxChunkBytes {
			// Three pieces exercise the cuts; longer inputs only slow the
			// fuzzer down.
			t.Skip("long input")
		}
		n := tk.Count(text)
		w := tk.Wakati(text)
		if n != len(w) {
			t.Fatalf("Count = %d, len(Wakati) = %d", n, len(w))
		}
		for _, tok := range w {
			if blank(tok) {
				t.Fatalf("empty or whitespace-only token %q", tok)
			}
		}
		if !interleaves(text, w) {
			t.Fatalf("tokens %q are not the text %q with only whitespace taken out", w, text)
		}
		if utf8.ValidString(text) {
			if a, b := dropSpace(strings.Join(w, "")), dropSpace(text); a != b {
				t.Fatalf("tokens without whitespace %q, text without whitespace %q", a, b)
			}
		}
		if len(text) < 1000 {
			for _, maxBytes := range []int{1, 5, 16} {
				checkCut(t, text, maxBytes)
			}
		}
	})
}

// interleaves reports whether text is toks in order with nothing but
// whitespace runes before, between and after them. It follows every way a
// token can be placed after a whitespace run, so tokens that begin with
// whitespace cannot mislead it.
func interleaves(text string, toks []string) bool {
	// after the whitespace that follows p: every position a token may start at
	gapEnds := func(p int, yield func(int)) {
		for {
			yield(p)
			r, size := utf8.DecodeRuneInString(text[p:])
			if size == 0 || !unicode.IsSpace(r) {
				return
			}
			p += size
		}
	}
	at := []int{0} // positions the text may be at after the tokens so far
	for _, tok := range toks {
		var next []int
		for _, p := range at {
			gapEnds(p, func(q int) {
				if strings.HasPrefix(text[q:], tok) && !slices.Contains(next, q+len(tok)) {
					next = append(next, q+len(tok))
				}
			})
		}
		if len(next) == 0 {
			return false
		}
		at = next
	}
	for _, p := range at {
		end := false
		gapEnds(p, func(q int) { end = end || q == len(text) })
		if end {
			return true
		}
	}
	return false
}

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func BenchmarkTokenize(b *testing.B) {
	docs := testcorpus.Fixture(b)
	tk, _ := New(DictIPA)
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			tk.Count(d.Text)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
