package filters

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// MojibakeScores count the characters that text decoded with the wrong
// character set leaves behind (文字化け). Each wrong decoding of Japanese
// leaves its own trace, measured on real text decoded wrongly on purpose
// with golang.org/x/text's decoders (docs/presets/mojibake.md,
// TestMojibakeE2E):
//
//   - bytes invalid in the decoder's charset become U+FFFD: Shift_JIS read
//     as EUC-JP, EUC-JP and UTF-8 read as Shift_JIS or EUC-JP, anything
//     read as ISO-2022-JP, legacy bytes read as UTF-8;
//   - Japanese bytes read as Latin-1 or Windows-1252 become accented Latin
//     letters, C1 controls and CP1252's extra signs (「日本」 in UTF-8 →
//     "æ—¥æœ¬");
//   - EUC-JP read as Shift_JIS becomes half-width katakana (EUC bytes
//     0xA1–0xDF are half-width kana in Shift_JIS) and, where an EUC byte
//     0xE0–0xEA leads a Shift_JIS pair, kanji of JIS X 0208 level 2;
//     UTF-8 read as Shift_JIS/CP932 gives the same mix, its lead bytes
//     0xE3–0xE9 pairing with a continuation byte into a few hundred level-2
//     kanji (縺 繧 繝 譌 …); UTF-8 read as EUC-JP gives such kanji too.
//
// A decoder that drops the bytes it cannot decode (Python's
// errors="ignore", iconv -c) leaves no U+FFFD, and NFKC (the default
// normalization) makes half-width kana full-width: the kanji traces remain,
// for genuine text writes mostly level-1 (common) kanji.
//
// A character is a code point. Japanese counts the hiragana and katakana
// blocks (U+3041–U+30FF, ー and ・ included), half-width katakana and kanji
// (Unicode Han: CJK ideographs, 々 and 〇).
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
	// (第二水準, rows 48–84); UTF8Lead those that a UTF-8 lead byte
	// 0xE3–0xE9 (the first byte of every kana and common kanji) and a
	// continuation byte 0x80–0xBF make when read as Shift_JIS or EUC-JP
	// (縺 繧 繝 譌 …: 448 Shift_JIS and 217 EUC-JP pairs, all level 2).
	Kanji, Level2, UTF8Lead int
}

// Floors below which a ratio is 0: too few characters to judge.
const (
	// mojibakeMinKanji is the fewest kanji Level2KanjiRatio and
	// UTF8KanjiRatio judge: one rare kanji in a short text is no evidence.
	mojibakeMinKanji = 10
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
// 10 kanji.
func (s *MojibakeScores) Level2KanjiRatio() float64 {
	if s.Kanji < mojibakeMinKanji {
		return 0
	}
	return frac(s.Level2, s.Kanji)
}

// UTF8KanjiRatio is UTF8Lead / kanji, 0 with fewer than 10 kanji.
func (s *MojibakeScores) UTF8KanjiRatio() float64 {
	if s.Kanji < mojibakeMinKanji {
		return 0
	}
	return frac(s.UTF8Lead, s.Kanji)
}

// kanjiSet is a set of kanji of U+4E00–U+9FFF (CJK Unified Ideographs),
// one bit each.
type kanjiSet [(kanjiHi - kanjiLo) / 64]uint64

const kanjiLo, kanjiHi = 0x4E00, 0xA000

func (k *kanjiSet) has(r rune) bool {
	return r >= kanjiLo && r < kanjiHi && k[(r-kanjiLo)/64]&(1<<((r-kanjiLo)%64)) != 0
}

// add adds the kanji of golang.org/x/text's decoding of src (the WHATWG
// tables) and returns how many.
func (k *kanjiSet) add(dec *encoding.Decoder, src []byte) int {
	out, err := dec.Bytes(src)
	if err != nil {
		panic(err)
	}
	n := 0
	for _, r := range string(out) {
		if r >= kanjiLo && r < kanjiHi {
			k[(r-kanjiLo)/64] |= 1 << ((r - kanjiLo) % 64)
			n++
		}
	}
	return n
}

// level2Kanji is JIS X 0208 level 2: rows 48–84, the EUC-JP bytes
// 0xD0–0xF4 followed by 0xA1–0xFE.
// utf8LeadKanji is what a UTF-8 lead byte 0xE3–0xE9 and a continuation
// byte make in Shift_JIS (0x80–0xBF: all valid trail bytes) and EUC-JP
// (0xA1–0xBF; 0x80–0xA0 are invalid there).
var level2Kanji, utf8LeadKanji = func() (*kanjiSet, *kanjiSet) {
	pairs := func(lead0, lead1, trail0, trail1 byte) []byte {
		var b []byte
		for l := int(lead0); l <= int(lead1); l++ {
			for t := int(trail0); t <= int(trail1); t++ {
				b = append(b, byte(l), byte(t))
			}
		}
		return b
	}
	var l2, u8 kanjiSet
	// JIS X 0208:1997 level 2 has 3,390 kanji; row 84 ends at 堯槇遙瑤.
	if n := l2.add(japanese.EUCJP.NewDecoder(), pairs(0xD0, 0xF4, 0xA1, 0xFE)); n != 3390 {
		panic("filters: level-2 kanji table")
	}
	// 7 × 64 Shift_JIS pairs, all kanji; 7 × 31 EUC-JP pairs, all kanji.
	if n := u8.add(japanese.ShiftJIS.NewDecoder(), pairs(0xE3, 0xE9, 0x80, 0xBF)); n != 7*64 {
		panic("filters: UTF-8 lead kanji table (Shift_JIS)")
	}
	if n := u8.add(japanese.EUCJP.NewDecoder(), pairs(0xE3, 0xE9, 0xA1, 0xBF)); n != 7*31 {
		panic("filters: UTF-8 lead kanji table (EUC-JP)")
	}
	return &l2, &u8
}()

// isLevel2 reports a JIS X 0208 level-2 kanji.
func isLevel2(r rune) bool { return level2Kanji.has(r) }

// isCP1252Latin reports the letters and signs of Windows-1252's 0x80–0x9F
// that Japanese text does not use.
func isCP1252Latin(r rune) bool {
	switch r {
	case 'Š', 'š', 'Œ', 'œ', 'Ž', 'ž', 'Ÿ', 'ƒ', 'ˆ', '˜', '‚', '„', '†', '‡', '‰', '‹', '›':
		return true
	}
	return false
}

// isHanSymbol reports the Han characters of U+3000–U+303F: 々 and 〇, the
// Hangzhou numerals 〡–〩 and 〸–〻 (〆 is of script Common).
func isHanSymbol(r rune) bool {
	return r == 0x3005 || r == 0x3007 || 0x3021 <= r && r <= 0x3029 || 0x3038 <= r && r <= 0x303B
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
		s.Chars++
		// Fast path: U+3000–U+9FFF (kana, CJK punctuation, kanji) are the
		// 3-byte sequences with lead 0xE3–0xE9, whose continuation bytes
		// cannot be overlong or surrogates.
		if 0xE3 <= c && c <= 0xE9 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
			r := rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			i += 3
			switch {
			case r >= 0x4E00:
				s.Japanese++
				s.Kanji++
				if level2Kanji.has(r) {
					s.Level2++
				}
				if utf8LeadKanji.has(r) {
					s.UTF8Lead++
				}
			case 0x3041 <= r && r <= 0x30FF: // hiragana, katakana
				s.Japanese++
			case 0x3400 <= r && r <= 0x4DBF, r < 0x3040 && isHanSymbol(r): // CJK extension A; 々〇 …
				s.Japanese++
				s.Kanji++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
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
