package filters

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/nfkc"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// compareHojichar checks every score of the fast meter and the mask against
// the regexp-based reference port on one text (as given, and as the
// preset sees it: after NFKC, and after NFKC and the mask; with raw also
// as given).
func compareHojichar(t *testing.T, ref *hojicharRef, m *hojicharMeter, name, text string, raw bool) {
	t.Helper()
	versions := []string{nfkc.String(text)}
	if raw {
		versions = append(versions, text)
	}
	for _, v := range versions {
		h := m.head(v)
		var want hojicharHead
		want.Runes = utf8.RuneCountInString(v)
		want.BBS = len(ref.bbs.FindAllStringIndex(v, -1))
		want.Ads = len(ref.ads.FindAllStringIndex(v, -1))
		want.Kuten = strings.Count(v, "。")
		n := 0
		for _, c := range v {
			if n == 50 {
				break
			}
			n++
			if ref.ja.MatchString(string(c)) {
				want.KanaHead++
			}
		}
		if h != want {
			t.Fatalf("%s: head %+v, reference %+v (text %.200q)", name, h, want, v)
		}
		if ref.rejects(0, v) != (h.BBS > 14) || ref.rejects(1, v) != (h.Ads > 14) || ref.rejects(2, v) != (h.KanaHead == 0) {
			t.Fatalf("%s: verdicts differ", name)
		}

		wantMask := ref.email.ReplaceAllString(ref.phone.ReplaceAllString(v, "${1}XXXX"), "xxxx@yyy${1}")
		masked, _ := hojicharMask(v)
		if masked != wantMask {
			t.Fatalf("%s: mask\n%.300q\nreference\n%.300q", name, masked, wantMask)
		}
		for _, u := range []string{v, masked} {
			s := m.tail(u)
			var w hojicharTail
			prev, run := rune(-1), 0
			for _, c := range u {
				w.Runes++
				if hojicharIsSpecial(c) {
					w.Special++
				}
				if c == prev {
					run++
				} else {
					prev, run = c, 1
				}
				w.MaxRun = max(w.MaxRun, run)
			}
			w.Ellipsis = len(ref.ellipsis.FindAllStringIndex(u, -1))
			w.Newlines = strings.Count(u, "\n")
			for line := range strings.SplitSeq(u, "\n") {
				if utf8.RuneCountInString(line) <= 10 {
					w.ShortLines++
				}
			}
			if s != w {
				t.Fatalf("%s: tail %+v, reference %+v (text %.200q)", name, s, w, u)
			}
			if got, want := m.charRepetition(u), hojicharCharRepetition(u); got != want {
				t.Fatalf("%s: char repetition %v, reference %v", name, got, want)
			}
		}
	}
}

// TestHojicharFastGolden: the fast meter and mask give the reference's
// scores on the golden texts and the fixture.
func TestHojicharFastGolden(t *testing.T) {
	ref := newHojicharRef()
	var m hojicharMeter
	n := eachGolden(t, "filters/hojichar_golden.jsonl.gz", func(rec []byte, text string) {
		compareHojichar(t, ref, &m, string(rec[:min(len(rec), 120)]), text, false)
	})
	for _, d := range testcorpus.Fixture(t) {
		compareHojichar(t, ref, &m, d.ID, d.Text, false)
		n++
	}
	t.Logf("%d texts", n)
}

// hojicharPieces make random texts that hit every branch of the patterns:
// dates with every separator, digit runs of every length (ASCII, fullwidth,
// Arabic-Indic, Devanagari), 話, the BBS and ad keywords and their
// prefixes, phone numbers, e-mail addresses, ellipses, short lines, runs.
var hojicharPieces = []string{
	"0", "1", "2", "9", "00", "090", "03", "1234", "2020", "12345", "٣", "٠", "१", "１", "０", "𝟎", "𑁦",
	"年", "月", "日", "日日", ".", "-", "/", " ", "  ", "話", "(", ")", "(月)", "(日)", "(火", "（", "）",
	"コメント", "コメン", "SOLD OUT", "SOLD", "レビュー", "投稿", "投", "ページ", "質問", "楽天市場", "楽天",
	"送料", "営業時間", "求人情報", "求める人物", "製品構成", "製品の", "■", "①", "お問い合わせください", "お問い",
	"+", "+81", "+1 ", "06-1234-5678", "0751234567", "@", "a", "b", "Z", "_", "~", "x.y", ".jp", ".co", "-z",
	"foo@example.ne.jp", "a@b", "@c.d", "..", "...", "....", "…", "…\n", "\n", "\n\n", "\r\n", "。", "、",
	"あ", "ん", "ア", "ン", "ヴ", "ー", "漢", "字", "ｱ", "ﾞ", "😀", "☀", "\u3000", "\xff", "\xe3\x81",
	"ああああああああああ", "吾輩は猫である。", "名前はまだ無い。",
}

func randomHojicharText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(60) {
		p := hojicharPieces[rng.IntN(len(hojicharPieces))]
		if rng.IntN(30) == 0 {
			p = strings.Repeat(p, rng.IntN(250))
		}
		b.WriteString(p)
	}
	return b.String()
}

func TestHojicharFastRandom(t *testing.T) {
	ref := newHojicharRef()
	var m hojicharMeter
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3000 // the regexp reference is slow: JACORPUS_E2E=1 go test -run HojicharFastRandom runs 40,000
	if os.Getenv("JACORPUS_E2E") != "" {
		n = 40000
	}
	for i := range n {
		compareHojichar(t, ref, &m, fmt.Sprint("random ", i), randomHojicharText(rng), true)
	}
}

// TestHojicharFastCases: the boundaries of the patterns, by hand.
func TestHojicharFastCases(t *testing.T) {
	var m hojicharMeter
	for _, c := range []struct {
		text     string
		bbs, ads int
	}{
		{"2020年1月2日", 1, 0},
		{"2020-01-02", 1, 0},       // the date takes its hyphens
		{"12020-01-02", 1, 0},      // five digits: the date starts at the second
		{"2020-123-4", 2, 0},       // no date (three digits): two hyphens
		{"2020年 1月  2日日日です", 1, 0}, // spaces and 日*
		{"٢٠٢٠/١/٢", 1, 0},         // Arabic-Indic digits are \d
		{"第12話と3話", 2, 0},
		{"(月)(木)(祝)", 2, 0},
		{"SOLD OUTsold out", 1, 0},
		{"送料送料無料■■", 2 - 2, 4},
		{"お問い合わせくださいお問い合わせ", 0, 1},
	} {
		h := m.head(c.text)
		if h.BBS != c.bbs || h.Ads != c.ads {
			t.Errorf("%q: bbs %d ads %d, want %d %d", c.text, h.BBS, h.Ads, c.bbs, c.ads)
		}
	}
	for _, c := range [][2]string{
		{"06-1234-5678", "06-1234-XXXX"},
		{"0751234567", "075123XXXX"},
		{"+818012345678", "+81801234XXXX"},
		{"1000000000000円", "10000000XXXX0円"},
		{"何かあれば hogehoge@example.ne.jp まで連絡", "何かあれば xxxx@yyy.jp まで連絡"},
		{"a@b.c_d@e.f", "xxxx@yyy.cxxxx@yyy.f"}, // _ starts the next local part
		{"x@y@z.com", "x@xxxx@yyy.com"},
		{"a@.b", "a@.b"}, // the domain needs a character before the last dot
		{"090١٢٣٤٥٦٧٨", "090١٢٣٤XXXX"},
	} {
		if got, _ := hojicharMask(c[0]); got != c[1] {
			t.Errorf("mask %q = %q, want %q", c[0], got, c[1])
		}
	}
}

// TestHojicharCharRepetitionPaths: texts of more than 4095 distinct
// characters (the map), counts past 15 (the side array) and tables that
// grow (ASCII: more grams than the first table expects), on one meter.
func TestHojicharCharRepetitionPaths(t *testing.T) {
	var m hojicharMeter
	var wide strings.Builder
	for r := rune(0x4E00); r < 0x4E00+5000; r++ {
		wide.WriteRune(r)
		if r%7 == 0 {
			wide.WriteString("の中の")
		}
	}
	texts := []string{wide.String(), strings.Repeat("あいうえおか", 40), "あい", strings.Repeat("abcdefghij", 3000) + wide.String()[:3000],
		strings.Repeat("ab", 20000), wide.String()}
	for i, s := range texts {
		if got, want := m.charRepetition(s), hojicharCharRepetition(s); got != want {
			t.Errorf("text %d: %v, reference %v", i, got, want)
		}
	}
}

func FuzzHojicharFast(f *testing.F) {
	for _, p := range hojicharPieces {
		f.Add(p + "2020-1-1 03-1234-5678 a@b.jp…\n")
	}
	ref := newHojicharRef()
	var m hojicharMeter
	f.Fuzz(func(t *testing.T, s string) { compareHojichar(t, ref, &m, "fuzz", s, true) })
}

// BenchmarkHojicharFast runs the fast meter and mask on the fixture: all
// of it on every document (no early rejection: NFKC, head pass, mask, tail
// pass, character repetition), and each part alone on the fixture text.
func BenchmarkHojicharFast(b *testing.B) {
	docs := testcorpus.Fixture(b)
	var m hojicharMeter
	for _, p := range []struct {
		name string
		f    func(string)
	}{
		{"all", func(s string) {
			s = nfkc.String(s)
			m.head(s)
			s, _ = hojicharMask(s)
			m.tail(s)
			m.charRepetition(s)
		}},
		{"nfkc", func(s string) { nfkc.String(s) }},
		{"head", func(s string) { m.head(s) }},
		{"mask", func(s string) { hojicharMask(s) }},
		{"tail", func(s string) { m.tail(s) }},
		{"char_repetition", func(s string) { m.charRepetition(s) }},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(testcorpus.TextBytes(docs))
			b.ResetTimer()
			for range b.N {
				for _, d := range docs {
					p.f(d.Text)
				}
			}
		})
	}
}
