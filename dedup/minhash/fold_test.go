package minhash

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "吾輩は猫である。", "吾輩は猫である。"},
		{"full-width ASCII", "ＡＢＣ１２３！～", "ABC123!~"},
		{"case kept", "ａＢｃ", "aBc"},
		{"ideographic space", "\u3000字下げ　と空白", " 字下げ と空白"},
		{"whitespace kept", "a \t\n\r\nb", "a \t\n\r\nb"},
		{"half-width katakana", "ｱｲｳｴｵ ｧｨｩｪｫ ｯｰ", "アイウエオ ァィゥェォ ッー"},
		{"half-width punctuation", "｡｢｣､･", "。「」、・"},
		{"voiced composes", "ｶﾞｯｺｳ", "ガッコウ"},
		{"semi-voiced composes", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"},
		{"vu", "ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"},
		{"wa wo voiced", "ﾜﾞｦﾞ", "ヷヺ"},
		{"ha row voiced", "ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ", "バビブベボ"},
		{"ta row voiced", "ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ", "ダヂヅデド"},
		{"lone voiced mark", "ﾞ", "゛"},
		{"lone semi-voiced mark", "ﾟ", "゜"},
		{"mark after kana without voiced form", "ｱﾞﾅﾟ", "ア゛ナ゜"},
		{"semi-voiced mark after ka", "ｶﾟ", "カ゜"},
		{"mark before kana", "ﾞｶ", "゛カ"},
		{"two marks", "ｶﾞﾞ", "ガ゛"},
		{"full-width kana then half-width mark", "カﾞ", "カ゛"},
		{"kana at end", "ｺｳｶ", "コウカ"},
		{"hiragana untouched", "がかぱばは", "がかぱばは"},
		{"katakana untouched", "ガカパバハ", "ガカパバハ"},
		{"combining marks untouched", "か\u3099", "か\u3099"},
		{"other half-width forms untouched", "￥￠ﾠ", "￥￠ﾠ"},
		{"spacing marks untouched", "゛゜", "゛゜"},
		{"invalid bytes kept", "\xffｶ\xfe", "\xffカ\xfe"},
		{"truncated mark kept", "ｶ\xef\xbe", "カ\xef\xbe"},
		{"truncated full-width kept", "a\xef\xbc", "a\xef\xbc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldReturnsText checks that a text needing no folding comes back
// as it is, without a copy.
func TestFoldReturnsText(t *testing.T) {
	for _, s := range []string{"吾輩は猫である。名前はまだ無い。", "plain ASCII\n", "がかぱばはアあ"} {
		if got := Fold(s); unsafe.StringData(got) != unsafe.StringData(s) {
			t.Errorf("Fold(%q) copied the text", s)
		}
		if n := testing.AllocsPerRun(10, func() { Fold(s) }); n != 0 {
			t.Errorf("Fold(%q): %v allocations", s, n)
		}
	}
}

// TestFoldMatchesUnicode checks the kana table against the Unicode data of
// golang.org/x/text: the <wide> forms of half-width katakana, <narrow>
// forms of full-width ASCII, and canonical composition of a kana with a
// combining sound mark.
func TestFoldMatchesUnicode(t *testing.T) {
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		if got, want := Fold(string(r)), width.Narrow.String(string(r)); got != want {
			t.Errorf("Fold(%U) = %+q, want %+q", r, got, want)
		}
	}
	for r := rune(0xFF61); r <= 0xFF9D; r++ {
		base := width.Widen.String(string(r))
		if got := Fold(string(r)); got != base {
			t.Errorf("Fold(%U) = %+q, want %+q", r, got, base)
		}
		for _, m := range []struct {
			half      string
			combining string
			spacing   string
		}{{"ﾞ", "\u3099", "゛"}, {"ﾟ", "\u309A", "゜"}} {
			want := norm.NFC.String(base + m.combining)
			if utf8.RuneCountInString(want) != 1 {
				want = base + m.spacing // nothing to compose with
			}
			if got := Fold(string(r) + m.half); got != want {
				t.Errorf("Fold(%+q) = %+q, want %+q", string(r)+m.half, got, want)
			}
		}
	}
}

// TestFoldLeavesOtherRunes checks every code point outside the three
// folded ranges.
func TestFoldLeavesOtherRunes(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r == 0x3000 || r >= 0xFF01 && r <= 0xFF5E || r >= 0xFF61 && r <= 0xFF9F || !utf8.ValidRune(r) {
			continue
		}
		if s := string(r); Fold(s) != s {
			t.Fatalf("Fold(%U) = %+q", r, Fold(s))
		}
	}
}

// narrow returns the width variant of text that Fold folds back: ASCII to
// full-width, katakana to half-width with a separate sound mark, spaces to
// ideographic spaces. It is built from x/text alone, not from this
// package's table.
func narrow(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == ' ':
			b.WriteRune(0x3000)
		case r >= '!' && r <= '~':
			b.WriteString(width.Widen.String(string(r)))
		default:
			d := []rune(norm.NFD.String(string(r)))
			n := width.Narrow.String(string(d[0]))
			if nr := []rune(n); len(nr) != 1 || nr[0] < 0xFF61 || nr[0] > 0xFF9F || len(d) > 2 {
				// Only half-width katakana fold back; other narrow forms
				// (￮, ￩, ﾠ) stay as they are.
				b.WriteRune(r)
				continue
			}
			b.WriteString(n)
			if len(d) == 2 {
				switch d[1] {
				case 0x3099:
					b.WriteString("ﾞ")
				case 0x309A:
					b.WriteString("ﾟ")
				default:
					b.WriteRune(d[1])
				}
			}
		}
	}
	return b.String()
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "ＡＢＣ１２３", "ｶﾞｯｺｳ", "ﾊﾟﾞﾟ", "ﾞ", "\u3000", "\xef\xbd", "\xe3\x80", "ｶ\xef\xbe\x9e", "が\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("Fold not idempotent: %+q -> %+q -> %+q", s, once, twice)
		}
		if utf8.ValidString(s) && !utf8.ValidString(once) {
			t.Fatalf("Fold(%+q) = %+q: invalid UTF-8", s, once)
		}
		if s != "" && Shingles(s, 1) != utf8.RuneCountInString(once) {
			t.Fatalf("Shingles(%+q, 1) = %d, Fold has %d characters", s, Shingles(s, 1), utf8.RuneCountInString(once))
		}
	})
}

// BenchmarkFold folds the fixture text turned half-width (much to fold)
// and the fixture text as it is (full-width ASCII and ideographic spaces
// here and there).
func BenchmarkFold(b *testing.B) {
	text := fixtureText(b)
	for _, bc := range []struct{ name, text string }{{"narrow", narrow(text)}, {"fixture", text}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				Fold(bc.text)
			}
		})
	}
}
