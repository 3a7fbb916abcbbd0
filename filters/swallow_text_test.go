package filters

import (
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// measureTextRange is measureText as it was written first, a range loop and
// a switch per code point: the reference FuzzSwallowMeasureText checks the
// table-driven loop against.
func (m *swallowMeter) measureTextRange(sc *SwallowScores, text string) {
	m.ngDone = false
	if cap(m.runes) < len(text)+1 {
		m.runes = make([]rune, 0, len(text)+1) // + 1: see ngrams
	}
	rs := m.runes[:len(text)] // no more code points than bytes
	nr := 0
	var h, k, kj, ku, to int
	p := pieces{m: m, text: text}
	m.seen.reset(64)
	m.para = m.para[:0]

	// The current sentence is text[start:] with n code points; start < 0:
	// none. The variables of this loop are its own (no closure captures
	// them), so they stay in registers.
	start, n := -1, 0
	for i, r := range text {
		rs[nr] = r
		nr++
		term, size := false, 1
		if r < 0x3000 {
			switch r {
			case '\n':
				if start >= 0 {
					p.sentence(start, i, n)
				}
				start, n = -1, 0
				p.endLine(i)
				continue
			case '!', '?':
				term = true
			}
		} else {
			switch {
			case r >= 0x3041 && r <= 0x3096:
				h++
			case r >= 0x30A1 && r <= 0x30FA:
				k++
			case r == '、' || r == '，':
				to++
			case r == '。' || r == '．' || r == '！' || r == '？':
				ku++
				term, size = true, 3
			case swallowKanji(r):
				kj++
			}
		}
		if !term {
			if start < 0 {
				start = i
			}
			n++
			continue
		}
		if start >= 0 {
			p.sentence(start, i+size, n+1)
		} else {
			p.orphan(i, size)
		}
		start, n = -1, 0
	}
	if start >= 0 {
		p.sentence(start, len(text), n)
	}
	p.endLine(len(text))
	m.runes = rs[:nr]
	L := nr
	sc.NumLetters = L
	sc.MaxSentence = p.maxSent
	sc.DupParagraph = frac(p.dupParas, p.paras)
	sc.DupParagraphChars = frac(p.dupParaChars, p.totChars)
	sc.DupSentence = frac(p.dupSents, p.sents)
	sc.DupSentenceChars = frac(p.dupSentChars, p.totChars)
	sc.AvgSentence = frac(p.sumSent, p.sents)
	sc.Ellipsis = frac(p.ellipsis, p.sents)
	jp := h + k + kj + ku + to
	sc.NumJapanese = jp
	sc.Hiragana, sc.Katakana, sc.Kanji = frac(h, jp), frac(k, jp), frac(kj, jp)
	sc.Japanese = frac(jp, L)
}

// checkMeasureText compares measureText with measureTextRange on text:
// every score and the code points left for ngrams.
func checkMeasureText(t *testing.T, m, ref *swallowMeter, text string) {
	t.Helper()
	var got, want SwallowScores
	m.measureText(&got, text)
	ref.measureTextRange(&want, text)
	if got != want {
		t.Fatalf("%q: %+v, reference %+v", text, got, want)
	}
	if string(m.runes) != string(ref.runes) {
		t.Fatalf("%q: code points %q, reference %q", text, string(m.runes), string(ref.runes))
	}
}

// TestSwallowMeasureTextFixture: the table-driven loop scores the real
// fixture as the range loop does.
func TestSwallowMeasureTextFixture(t *testing.T) {
	var m, ref swallowMeter
	for _, d := range testcorpus.Fixture(t) {
		checkMeasureText(t, &m, &ref, d.Text)
	}
}

func FuzzSwallowMeasureText(f *testing.F) {
	for _, s := range []string{
		"", "\n", "。", "あ。い！う？え．お!?\n\nカタカナ、漢字，々〇〻", "ｱｲｳ　\u3000…・\n",
		"\xe0\xa0\x80\xed\x9f\xbf\xed\xa0\x80\xef\xbf\xbf\xef\xbb\xbf", "\xe3\x81", "\xe3", "a\xffb\xe3\x81\x82",
		"𠮷野家。\U0002A6B2\n丽\uF900\uFAFF\uFB00\u33FF\u3400\u9FFF\uA000",
	} {
		f.Add(s)
	}
	var m, ref swallowMeter
	f.Fuzz(func(t *testing.T, s string) {
		checkMeasureText(t, &m, &ref, s)
	})
}
