package filters

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Scripts is the character make-up of a text with the definitions of the
// generic measures (chars, japanese_ratio, hiragana_ratio): Chars counts
// code points (an invalid byte as one), Letters the category L runes (and
// 〇), Hiragana, Katakana and Kanji the letters of those scripts.
type Scripts struct {
	Chars, Letters, Hiragana, Katakana, Kanji int
}

// Japanese returns Hiragana + Katakana + Kanji.
func (s Scripts) Japanese() int { return s.Hiragana + s.Katakana + s.Kanji }

// ScriptsKey is the Scratch key under which the filters stage leaves the
// Scripts of every document it judged (kept or dropped), counted on the
// document's text as it leaves the stage, so a later consumer (the run's
// profile) need not count again. The counts are those the generic
// measures computed when the document's preset asked for them, else a
// cheaper pass (CountScripts).
type ScriptsKey struct{}

// ScriptsOf returns the Scripts the filters stage left in d's Scratch.
func ScriptsOf(d *pipeline.Document) (Scripts, bool) {
	s, ok := d.Scratch.Get(ScriptsKey{}).(Scripts)
	return s, ok
}

// CountScripts counts the Scripts of text in one pass; the counts equal
// those of the generic measures (textStats), at a fraction of their cost.
func CountScripts(text string) Scripts {
	var n [5]int // by class: one increment per rune, no branch on the class
	tab := bmpClasses()
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			n[tab[b]]++
			i++
			continue
		}
		// three-byte sequences whose lead byte admits every continuation
		// byte (not E0, ED): kana and kanji
		if (b >= 0xE1 && b <= 0xEC || b >= 0xEE) && b <= 0xEF && i+2 < len(text) &&
			text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
			n[tab[rune(b&0x0F)<<12|rune(text[i+1]&0x3F)<<6|rune(text[i+2]&0x3F)]]++
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r < 0x10000 {
			n[tab[r]]++
		} else {
			n[classify(r)]++
		}
	}
	return Scripts{Chars: n[0] + n[1] + n[2] + n[3] + n[4], Letters: n[1] + n[2] + n[3] + n[4],
		Hiragana: n[2], Katakana: n[3], Kanji: n[4]}
}

// leaveScripts stores d's Scripts in its Scratch, taken from the generic
// measures when they were computed on d's final text.
func (p *processor) leaveScripts(d *pipeline.Document) {
	var s Scripts
	if p.doc.charsOK && p.doc.text == d.Text {
		st := &p.doc.stats
		s = Scripts{Chars: st.Chars, Letters: st.Letters, Hiragana: st.Hiragana, Katakana: st.Katakana, Kanji: st.Kanji}
	} else {
		s = CountScripts(d.Text)
	}
	d.Scratch.Set(ScriptsKey{}, s)
}

// Script classes of a rune, as the generic measures count them.
const (
	classOther uint8 = iota
	classLetter
	classHiragana
	classKatakana
	classKanji
)

// classify is the class of r with textStats.chars' definitions.
func classify(r rune) uint8 {
	switch {
	case r < utf8.RuneSelf:
		if c := r | 0x20; 'a' <= c && c <= 'z' {
			return classLetter
		}
		return classOther
	case 0x3041 <= r && r <= 0x3096:
		return classHiragana
	case 0x30A1 <= r && r <= 0x30FA, r == 'ー':
		return classKatakana
	case 0x4E00 <= r && r <= 0x9FFF, r == '々', r == '〆', r == '〇':
		return classKanji
	case r == '、' || r == '。' || r == '「' || r == '」' || r == utf8.RuneError:
		return classOther
	case scriptLetter(unicode.Hiragana, r):
		return classHiragana
	case scriptLetter(unicode.Katakana, r) || r == 'ｰ' || r == 'ﾞ' || r == 'ﾟ':
		return classKatakana
	case scriptLetter(unicode.Han, r):
		return classKanji
	case unicode.IsLetter(r):
		return classLetter
	}
	return classOther
}

// bmpClasses is the class of every rune below U+10000 (64 KiB), built on
// first use (about a millisecond) and read-only after.
var bmpClasses = sync.OnceValue(func() *[0x10000]uint8 {
	t := new([0x10000]uint8)
	for r := range t {
		t[r] = classify(rune(r))
	}
	return t
})
