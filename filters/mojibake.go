package filters

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// MojibakeScores count the characters that text decoded with the wrong
// character set leaves behind (文字化け). Each wrong decoding of Japanese
// leaves its own trace, measured on real text decoded wrongly on purpose
// (docs/presets/mojibake.md, TestMojibakeE2E):
//
//   - bytes that are not valid in the decoder's charset become U+FFFD
//     (Shift_JIS read as EUC-JP or ISO-2022-JP, UTF-8 read as EUC-JP, any
//     legacy bytes read as UTF-8 by a decoder that substitutes);
//   - any multi-byte Japanese text read as Latin-1 or Windows-1252 becomes
//     accented Latin letters, C1 controls and CP1252's extra signs
//     (「日本」 in UTF-8 → "æ—¥æœ¬");
//   - EUC-JP read as Shift_JIS becomes runs of half-width katakana (the
//     EUC bytes 0xA1–0xDF are half-width kana in Shift_JIS) and, where two
//     EUC bytes fall on a Shift_JIS lead byte 0xE0–0xEF, kanji of JIS X 0208
//     level 2; UTF-8 read as Shift_JIS (or CP932) gives the same mix, its
//     lead bytes 0xE3–0xE9 pairing into level-2 kanji (縺, 繧, 繝 …); UTF-8
//     read as EUC-JP gives level-2 kanji between U+FFFD. NFKC (the default
//     normalization) turns half-width kana into full-width ones, so only
//     the level-2 kanji survive normalization: genuine text writes mostly
//     level-1 (common) kanji.
//
// A character is a code point. Japanese counts hiragana, katakana (full-
// and half-width, ー), and kanji (Unicode Han).
type MojibakeScores struct {
	Chars int
	// Replacement counts U+FFFD (and invalid UTF-8 bytes, which read as it).
	Replacement int
	// Latin counts what Latin-1 or Windows-1252 make of Japanese bytes:
	// C1 controls U+0080–U+009F, the Latin-1 letters U+00C0–U+00FF (× and ÷
	// aside: JIS X 0208 has them) and the letters and signs only CP1252 has
	// (Š š Œ œ Ž ž Ÿ ƒ ˆ ˜ ‚ „ † ‡ ‰ ‹ ›; not its quotes, dashes, … or •,
	// which genuine Japanese text uses).
	Latin int
	// HalfKana counts half-width katakana and punctuation U+FF61–U+FF9F.
	HalfKana int
	// Japanese counts hiragana, katakana (HalfKana included) and kanji.
	Japanese int
	// Kanji counts Han characters; Level2 those of JIS X 0208 level 2
	// (第二水準, rows 48–84).
	Kanji, Level2 int
}

// Floors below which a ratio is 0: too few characters to judge.
const (
	// mojibakeMinKanji is the fewest kanji Level2KanjiRatio judges: one
	// level-2 kanji in a short text is no evidence.
	mojibakeMinKanji = 20
	// mojibakeMinLatin is the fewest Latin-1/CP1252 characters LatinRatio
	// counts: a loanword's "é" is not mojibake; one wrongly decoded Japanese
	// character gives 1–3 of them.
	mojibakeMinLatin = 8
)

// ReplacementRatio is U+FFFD / characters.
func (s *MojibakeScores) ReplacementRatio() float64 { return frac(s.Replacement, s.Chars) }

// LatinRatio is Latin / characters, 0 with fewer than 8 such characters.
func (s *MojibakeScores) LatinRatio() float64 {
	if s.Latin < mojibakeMinLatin {
		return 0
	}
	return frac(s.Latin, s.Chars)
}

// HalfwidthKanaRatio is half-width katakana / Japanese characters. The
// default normalization (NFKC) makes half-width kana full-width: this
// ratio sees them only in text judged as read (text: raw).
func (s *MojibakeScores) HalfwidthKanaRatio() float64 { return frac(s.HalfKana, s.Japanese) }

// Level2KanjiRatio is JIS X 0208 level-2 kanji / kanji, 0 with fewer than
// 20 kanji.
func (s *MojibakeScores) Level2KanjiRatio() float64 {
	if s.Kanji < mojibakeMinKanji {
		return 0
	}
	return frac(s.Level2, s.Kanji)
}

// level2Lo is the first rune of the level-2 bitset; every level-2 kanji
// lies in U+4E00–U+9FFF (init checks).
const level2Lo, level2Hi = 0x4E00, 0xA000

// level2Kanji is the set of JIS X 0208 level-2 kanji, one bit per rune of
// U+4E00–U+9FFF, from the EUC-JP table of golang.org/x/text (the WHATWG
// jis0208 index): rows 48–84 are the EUC bytes 0xD0–0xF4.
var level2Kanji = func() *[(level2Hi - level2Lo) / 64]uint64 {
	var set [(level2Hi - level2Lo) / 64]uint64
	dec := japanese.EUCJP.NewDecoder()
	var src []byte
	for row := 48; row <= 84; row++ {
		for col := 1; col <= 94; col++ {
			src = append(src, byte(0xA0+row), byte(0xA0+col))
		}
	}
	out, err := dec.Bytes(src)
	if err != nil {
		panic(err)
	}
	n := 0
	for _, r := range string(out) {
		if r == utf8.RuneError { // unassigned cells (row 84 ends at 堯槇遙瑤)
			continue
		}
		if r < level2Lo || r >= level2Hi {
			panic("filters: level-2 kanji outside U+4E00–U+9FFF")
		}
		set[(r-level2Lo)/64] |= 1 << ((r - level2Lo) % 64)
		n++
	}
	if n != 3390 { // JIS X 0208:1997 level 2 has 3,390 kanji
		panic("filters: level-2 kanji table")
	}
	return &set
}()

// isLevel2 reports a JIS X 0208 level-2 kanji.
func isLevel2(r rune) bool {
	return r >= level2Lo && r < level2Hi && level2Kanji[(r-level2Lo)/64]&(1<<((r-level2Lo)%64)) != 0
}

// isCP1252Latin reports the letters and signs of Windows-1252's 0x80–0x9F
// that Japanese text does not use.
func isCP1252Latin(r rune) bool {
	switch r {
	case 'Š', 'š', 'Œ', 'œ', 'Ž', 'ž', 'Ÿ', 'ƒ', 'ˆ', '˜', '‚', '„', '†', '‡', '‰', '‹', '›':
		return true
	}
	return false
}

// MeasureMojibake counts text's mojibake traces in one pass.
func MeasureMojibake(text string) MojibakeScores {
	var s MojibakeScores
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			s.Chars++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		s.Chars++
		switch {
		case 0x3041 <= r && r <= 0x30FF: // hiragana, katakana
			s.Japanese++
		case 0x4E00 <= r && r <= 0x9FFF:
			s.Japanese++
			s.Kanji++
			if isLevel2(r) {
				s.Level2++
			}
		case r == utf8.RuneError:
			s.Replacement++
		case r <= 0x9F, 0xC0 <= r && r <= 0xFF && r != 0xD7 && r != 0xF7, isCP1252Latin(r):
			s.Latin++
		case 0xFF61 <= r && r <= 0xFF9F:
			s.HalfKana++
			s.Japanese++
		case unicode.Is(unicode.Han, r):
			s.Japanese++
			s.Kanji++
		}
	}
	return s
}
