package minhash

import (
	"strings"
	"unicode/utf8"
)

// Width folding.
//
// golang.org/x/text/width.Fold is not used: it maps a half-width sound mark
// (ﾞ U+FF9E, ﾟ U+FF9F) to the combining mark U+3099/U+309A and leaves it
// after the kana (ｶﾞ → "カ\u3099", not ガ), so it would need an NFC pass
// behind it, and it also folds characters that must stay as they are here
// (half-width Hangul, ￥ ￠ ￡ ￢ ￣ ￤ and the half-width arrows and shapes).
// The three rules below are small enough to apply directly, in one pass,
// without building the folded text: Sign folds as it reads.

// halfKana holds the full-width form of U+FF61 … U+FF9D (one three-byte
// UTF-8 sequence each, in code point order), as given by the <narrow>
// decompositions of the Unicode Character Database. The sound marks U+FF9E
// and U+FF9F are handled apart (see foldAt).
const halfKana = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"

const (
	halfKanaFirst = 0xFF61 // ｡
	halfVoiced    = 0xFF9E // ﾞ HALFWIDTH KATAKANA VOICED SOUND MARK
	halfSemi      = 0xFF9F // ﾟ HALFWIDTH KATAKANA SEMI-VOICED SOUND MARK
	spacingVoiced = 0x309B // ゛ KATAKANA-HIRAGANA VOICED SOUND MARK
	spacingSemi   = 0x309C // ゜ KATAKANA-HIRAGANA SEMI-VOICED SOUND MARK
	ideoSpace     = 0x3000 // IDEOGRAPHIC SPACE
	wideFirst     = 0xFF01 // ！ FULLWIDTH EXCLAMATION MARK
	wideLast      = 0xFF5E // ～ FULLWIDTH TILDE
	wideOffset    = 0xFF01 - '!'
)

// voiced returns the precomposed voiced (dakuten) form of the full-width
// katakana r, or 0 when Unicode has none. Only the kana that have a
// half-width form matter here.
func voiced(r rune) rune {
	switch r {
	case 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ',
		'タ', 'チ', 'ツ', 'テ', 'ト', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ':
		return r + 1 // ガ follows カ, and so on, in the Katakana block
	case 'ウ':
		return 'ヴ'
	case 'ワ':
		return 'ヷ'
	case 'ヲ':
		return 'ヺ'
	}
	return 0
}

// semiVoiced returns the precomposed semi-voiced (handakuten) form of the
// full-width katakana r, or 0 when Unicode has none.
func semiVoiced(r rune) rune {
	switch r {
	case 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ':
		return r + 2 // パ is two after ハ: ハ バ パ
	}
	return 0
}

// foldAt reports how the character starting at s[i] folds. r is the folded
// rune, or -1 when the character stays as it is (then the size bytes of s
// are copied unchanged, which also keeps invalid UTF-8 bytes, each one
// character). A half-width kana and a half-width sound mark right after it
// fold together into one precomposed kana, so size covers both.
func foldAt(s string, i int) (r rune, size int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return -1, 1
	}
	r, size = utf8.DecodeRuneInString(s[i:])
	switch {
	case r == ideoSpace:
		return ' ', size
	case r < wideFirst:
		return -1, size
	case r <= wideLast:
		return r - wideOffset, size
	case r < halfKanaFirst:
		return -1, size
	case r == halfVoiced:
		return spacingVoiced, size // a lone mark: nothing to compose with
	case r == halfSemi:
		return spacingSemi, size
	case r < halfVoiced:
		k := int(r-halfKanaFirst) * 3
		base, _ := utf8.DecodeRuneInString(halfKana[k : k+3])
		if j := i + size; j+2 < len(s) && s[j] == 0xEF && s[j+1] == 0xBE {
			// U+FF9E and U+FF9F are EF BE 9E and EF BE 9F.
			var c rune
			switch s[j+2] {
			case 0x9E:
				c = voiced(base)
			case 0x9F:
				c = semiVoiced(base)
			}
			if c != 0 {
				return c, size + 3
			}
		}
		return base, size
	}
	return -1, size
}

// appendFolded appends the folded form of the character at s[i] to buf and
// returns buf and the number of bytes of s the character covers.
func appendFolded(buf []byte, s string, i int) ([]byte, int) {
	r, size := foldAt(s, i)
	if r < 0 {
		return append(buf, s[i:i+size]...), size
	}
	return utf8.AppendRune(buf, r), size
}

// needsFold returns the byte offset of the first character of s that Fold
// changes, or -1.
func needsFold(s string) int {
	for i := 0; i < len(s); i++ {
		// Every folded character starts with E3 (U+3000) or EF (U+FF01 …
		// U+FF9F). A byte >= 0xC0 always starts a character, whether valid
		// UTF-8 follows or not, so looking at those two bytes is enough.
		if c := s[i]; c == 0xE3 || c == 0xEF {
			if r, _ := foldAt(s, i); r >= 0 {
				return i
			}
		}
	}
	return -1
}

// Fold returns text with the width folding that Sign applies before
// shingling, and text itself when nothing changes:
//
//   - full-width ASCII variants U+FF01 … U+FF5E become ASCII (Ａ → A, １ → 1);
//   - half-width katakana U+FF61 … U+FF9D become full-width (ｱ → ア, ｡ → 。),
//     and a following half-width sound mark composes with them into the
//     precomposed kana where Unicode has one (ｶﾞ → ガ, ﾊﾟ → パ, ｳﾞ → ヴ);
//     a sound mark that composes with nothing becomes ゛ or ゜;
//   - the ideographic space U+3000 becomes an ASCII space.
//
// Nothing else changes: kana are never merged (が, か, ぱ, ば, は, ア and あ
// all stay distinct), case is kept, whitespace is not collapsed, and invalid
// UTF-8 bytes are kept as they are. Fold is idempotent.
func Fold(text string) string {
	i := needsFold(text)
	if i < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	b.WriteString(text[:i])
	for i < len(text) {
		r, size := foldAt(text, i)
		if r < 0 {
			b.WriteString(text[i : i+size])
		} else {
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
