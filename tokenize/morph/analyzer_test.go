package morph

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkAgainstKagome analyses text with a and with kagome and reports every
// difference: tiling, boundaries, POS, Count and AppendWakati.
func checkAgainstKagome(t *testing.T, a *Analyzer, text string) {
	t.Helper()
	got := morphSpans(a, text)
	end := 0
	for _, s := range got {
		if s.start != end || s.end <= s.start {
			t.Fatalf("%q: tokens do not tile the text: %v", text, got)
		}
		end = s.end
	}
	if end != len(text) {
		t.Fatalf("%q: tokens end at %d of %d", text, end, len(text))
	}
	want := kagomeSpans(kagomeTok(), text)
	if !equalSpans(got, want) {
		t.Errorf("%q:\n got    %v %s\n kagome %v %s", text, got, show(text, got), want, show(text, want))
	}
	if n, k := a.Count(text), countBlank(text, want); n != k {
		t.Errorf("Count(%q) = %d, kagome %d", text, n, k)
	}
	var words []string
	for _, s := range want {
		if w := text[s.start:s.end]; strings.TrimFunc(w, isSpace) != "" {
			words = append(words, w)
		}
	}
	if w, k := string(a.AppendWakati(nil, text)), strings.Join(words, " "); w != k {
		t.Errorf("AppendWakati(%q) = %q, kagome %q", text, w, k)
	}
}

func TestEdgeCases(t *testing.T) {
	a := NewAnalyzer(testDict(t))
	cases := []struct {
		name, text string
		wakati     string // "" = only compare with kagome
	}{
		{"empty", "", ""},
		{"only spaces", " \t\n\u3000 \r\n", ""},
		{"one space", " ", ""},
		{"sentence", "すもももももももものうち", "すもも も もも も もも の うち"},
		{"law", "国会は、国権の最高機関であつて、国の唯一の立法機関である。", "国会 は 、 国権 の 最高 機関 で あ つて 、 国 の 唯一 の 立法 機関 で ある 。"},
		{"line breaks", "国会は\n国権の最高機関", "国会 は 国権 の 最高 機関"},
		{"mixed scripts", "iPhone15をAmazonで買った。Ελληνικά и русский", ""},
		{"half-width katakana", "ｱｲｳｴｵｶｷｸｹｺ ﾃｽﾄです", ""},
		{"full-width alnum", "ＡＢＣ１２３ＸＹＺ", ""},
		{"emoji", "今日は😀👍🏻楽しい🎉", ""},
		{"numbers with commas", "1,234,567円と３，０００円、0.5%", "1 , 234 , 567 円 と ３ ， ０ ０ ０ 円 、 0 . 5 %"},
		{"kanji numerals", "二千二十四年十二月五日", ""},
		{"control characters", "\x01\r\x01", "\x01\r\x01"},
		{"NUL", "あ\x00い\x00\x00う", ""},
		{"invalid UTF-8", "あ\xffい\xff\xfe", "あ \xff い \xff\xfe"},
		{"truncated encoding", "日本\xe8\xaa", ""},
		{"stray continuation", "日\x80\x80本語", ""},
		{"real U+FFFD", "a\uFFFDb\uFFFD\uFFFDあ", ""},
		{"long alpha run", strings.Repeat("abc", 700), ""},
		{"long katakana run", strings.Repeat("カタカナ", 300) + "です", ""},
		{"long digit run", strings.Repeat("9", 2100), ""},
		{"long invalid run", strings.Repeat("\xff", 1500), ""},
		{"long U+FFFD run", strings.Repeat("\uFFFD", 1100), ""},
		{"long U+FFFD run after a letter", "x" + strings.Repeat("\uFFFD", 1100), ""},
		{"long symbol run", strings.Repeat("★", 1030), ""},
		{"long kanji run", strings.Repeat("漢", 1100), ""},
		{"long space run", strings.Repeat(" ", 1100) + "x", ""},
		{"aozora markup", "｜某《それがし》は［＃「某」に傍点］", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkAgainstKagome(t, a, c.text)
			if c.wakati != "" || c.text == "" || strings.TrimSpace(c.text) == "" {
				if got := string(a.AppendWakati(nil, c.text)); got != c.wakati {
					t.Errorf("AppendWakati = %q, want %q", got, c.wakati)
				}
			}
		})
	}
}

// TestTokensPOS checks parts of speech on a known sentence.
func TestTokensPOS(t *testing.T) {
	a := NewAnalyzer(testDict(t))
	text := "吾輩は猫である。名前はまだ無い。ジョバンニ"
	var got []string
	a.Tokens(text, func(s, e int, p POS) { got = append(got, text[s:e]+"/"+p.String()) })
	want := "吾輩/名詞 は/助詞 猫/名詞 で/助動詞 ある/助動詞 。/記号 名前/名詞 は/助詞 まだ/副詞 無い/形容詞 。/記号 ジョバンニ/未知語"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("Tokens:\n got  %s\n want %s", g, want)
	}
}

func TestPOSString(t *testing.T) {
	for p := POS(0); p < numPOS; p++ {
		if p.String() == "" || !utf8.ValidString(p.String()) {
			t.Errorf("POS(%d).String() = %q", p, p.String())
		}
		if p != Unknown && p != Unclassified && p != User && posOf(p.String()) != p {
			t.Errorf("posOf(%q) = %v, want %v", p.String(), posOf(p.String()), p)
		}
	}
	if s := POS(200).String(); s != "POS(200)" {
		t.Errorf("POS(200).String() = %q", s)
	}
}

// TestCountAllocs checks that Count allocates nothing once warm.
func TestCountAllocs(t *testing.T) {
	a := NewAnalyzer(testDict(t))
	text := strings.Repeat("国会は、国権の最高機関であつて、国の唯一の立法機関である。\n", 20)
	a.Count(text)
	if n := testing.AllocsPerRun(20, func() { a.Count(text) }); n != 0 {
		t.Errorf("Count allocates %v times per call", n)
	}
}
