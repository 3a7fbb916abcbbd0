package nfkc

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

func check(t *testing.T, s string) {
	t.Helper()
	want := norm.NFKC.String(s)
	if got := String(s); got != want {
		t.Fatalf("String(%+q) = %+q, x/text %+q", s, got, want)
	}
	if got := string(Append([]byte("前置き"), s)); got != "前置き"+want {
		t.Fatalf("Append(%+q) = %+q, x/text %+q", s, got, want)
	}
}

// TestAllCodePoints: every code point alone, after a kana and an ASCII
// letter, and followed by the marks that compose with what comes before.
func TestAllCodePoints(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		c := string(r)
		check(t, c)
		check(t, "か"+c+"゙")
		check(t, "a"+c+"\u0301ｶ")
	}
}

// TestFastTable: the fast set holds what Japanese text is made of, and not
// the runes that combine with what comes before.
func TestFastTable(t *testing.T) {
	tableOnce.Do(buildTable)
	for _, r := range "あんアンーがでガパ漢字々〆、。「」・가" {
		if table[r] != 1 {
			t.Errorf("%U (%c) is not fast and stable", r, r)
		}
	}
	for _, c := range []struct {
		r rune
		b byte
	}{{'　', ' '}, {'Ａ', 'A'}, {'１', '1'}, {'（', '('}, {'～', '~'}} {
		if table[c.r] != c.b {
			t.Errorf("%U maps to %q, want %q", c.r, table[c.r], c.b)
		}
	}
	for _, r := range "\u3099\u309a\u309b\u309cｶﾞﾟｰ\u1161\u11a8\u0301" {
		if table[r] != 0 {
			t.Errorf("%U (%c) is fast", r, r)
		}
	}
}

// pool of runes that exercise every path: fast runes, composing marks,
// halfwidth kana, Hangul jamo, compatibility characters, long runs of
// non-starters (x/text's U+034F insertion), invalid UTF-8.
var pool = []string{
	"a", "e", "Z", " ", "\n", "-", "0", "あ", "か", "は", "ゝ", "ゞ", "ア", "カ", "ハ", "ウ", "ヽ", "ヾ", "ー", "漢", "字", "々",
	"、", "。", "「", "　", "Ａ", "１", "（", "～", "ｶ", "ﾊ", "ｰ", "ﾞ", "ﾟ", "ｳ", "\u3099", "\u309a", "゛", "゜", "\u0301",
	"\u0300", "\u0308", "\u0327", "\u0323", "\u05b0", "가", "\u1100", "\u1161", "\u11a8", "①", "㍻", "㌔", "ﬁ", "…", "™",
	"²", "Ω", "Å", "ǅ", "\u0f73", "\u0344", "\U0001d400", "\U0002f800", "😀", "\u200b", "\ufeff", "\xff", "\xe3\x81",
	"\xe3", "\x80", "\xed\xa0\x80", "\xf0\x9f", "\xf0", "\xf1", "\xc3", "ٶ", "ǅ", "\u00bd", "\u00a0", "ς", "ϒ\u0301", "\u0b47", "\u0b3e", "\u0bc6", "\u0bbe",
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(40)
	for range n {
		p := pool[rng.IntN(len(pool))]
		if rng.IntN(20) == 0 { // a run of one piece: combining marks past 30
			b.WriteString(strings.Repeat(p, rng.IntN(40)))
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

func TestRandomStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		check(t, randomString(rng))
	}
	// random code points anywhere in the range
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteRune(rng.Int32N(0x30000))
		}
		check(t, b.String())
	}
}

func TestRealText(t *testing.T) {
	for _, d := range testcorpus.Fixture(t) {
		check(t, d.Text)
		// and with its characters made halfwidth/fullwidth-ish by NFKC's inverse
		r := strings.NewReplacer("ガ", "ｶﾞ", "ア", "ｱ", "1", "１", " ", "　", "が", "か\u3099")
		check(t, r.Replace(d.Text))
	}
}

// TestInvalidUTF8: x/text passes a truncated sequence at the end of its
// input through, so a segment with invalid bytes must not be cut short.
func TestInvalidUTF8(t *testing.T) {
	for _, s := range []string{"\xf1ٶ0", "\xf1ٶ", "あ\xf0ǅ①", "\xe3\x81ｶﾞ", "①\xf1\x80①", "ｶ\xffｶﾞ"} {
		check(t, s)
	}
}

func TestUnchangedNoCopy(t *testing.T) {
	s := "吾輩は猫である。名前はまだ無い。ABC"
	if got := String(s); unsafeData(got) != unsafeData(s) {
		t.Error("normalized text copied")
	}
	if got := String(""); got != "" {
		t.Error(got)
	}
}

func FuzzString(f *testing.F) {
	for _, p := range pool {
		f.Add("か" + p + "ﾞ")
	}
	f.Add("ｶﾞｷﾞｸﾞ　１２３（月）")
	f.Add("\xf1ٶ0") // a truncated sequence before a segment's end (x/text: incomplete at EOF)
	f.Fuzz(func(t *testing.T, s string) { check(t, s) })
}

// BenchmarkString: the fixture's laws, speeches and Aozora works (mostly
// NFKC already: the no-copy path), and the same text with fullwidth digits
// and spaces (the mapping path).
func BenchmarkString(b *testing.B) {
	docs := testcorpus.Fixture(b)
	conv := strings.NewReplacer("1", "１", "2", "２", " ", "　", "(", "（")
	for _, v := range []struct {
		name string
		f    func(string) string
	}{{"nfkc", String}, {"xtext", norm.NFKC.String}} {
		for _, in := range []struct {
			name string
			conv func(string) string
		}{{"fixture", func(s string) string { return s }}, {"fullwidth", conv.Replace}} {
			texts := make([]string, len(docs))
			var n int64
			for i, d := range docs {
				texts[i] = in.conv(d.Text)
				n += int64(len(texts[i]))
			}
			b.Run(v.name+"/"+in.name, func(b *testing.B) {
				b.SetBytes(n)
				b.ResetTimer()
				for range b.N {
					for _, s := range texts {
						v.f(s)
					}
				}
			})
		}
	}
}

func unsafeData(s string) *byte { return unsafe.StringData(s) }
