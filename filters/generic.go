package filters

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/zlibsize"
)

// textStats are jacorpus's own definitions of the generic measures, for the
// presets that do not reproduce another tool (default, gov, literature) and
// for users' own rules; the reproducing presets use their reference's
// definitions (SwallowScores, …). One pass over the text computes them all
// except the compression ratio, which is computed only when a rule asks.
//
// Definitions: a character is a code point. A line is a piece of the text
// between '\n's, trimmed of white space (Unicode White_Space, U+3000
// included); blank lines do not count as lines, so the blank lines between
// the articles of a law are not duplicates. A paragraph is a run of
// non-blank lines. A sentence ends after 。．！？!? and the terminators and
// closing brackets right after it (「はい。」 and 本当？！ are one sentence
// each), or at the end of a line; blank sentences do not count.
type textStats struct {
	Chars int
	// Letters counts category L runes (any script); Hiragana, Katakana and
	// Kanji count the letters of those scripts (ー ｰ ﾞ ﾟ as katakana, 々 〆
	// 〻 and the kanji numeral 〇 as kanji; symbols of those scripts such as
	// ㋐ ⼈ are symbols), so Japanese = Hiragana + Katakana + Kanji ⊆
	// Letters, 〇 being counted as a letter.
	Letters, Hiragana, Katakana, Kanji int
	// Digits are category Nd; Symbols are categories P and S; Spaces are
	// Unicode White_Space (newlines included); Replacement counts U+FFFD.
	Digits, Symbols, Spaces, Replacement int
	// Lines, their characters, and the lines (and their characters) equal to
	// an earlier line.
	Lines, LineChars, DupLines, DupLineChars int
	// Paragraphs and the ones equal to an earlier paragraph (by count and
	// by characters: the characters of their lines, newlines left out).
	Paragraphs, ParaChars, DupParas, DupParaChars int
	// ShortLines are lines of at most shortLine characters; EllipsisLines
	// end in …, ‥, ".." (NFKC's form of ‥; "..." included) or "・・・".
	ShortLines, EllipsisLines int
	// Sentences, their total and largest length.
	Sentences, SentenceChars, MaxSentence int
	// MaxRun is the longest run of one repeated character.
	MaxRun int
	// URLChars counts the characters of http:// and https:// URLs.
	URLChars int
}

// shortLine is the longest line the short-line measure counts as short: 10
// characters, HojiChar's DiscardTooShortLines (document_filters.py:1105).
const shortLine = 10

// statsMeter computes textStats with reusable scratch.
type statsMeter struct {
	seen countTable
	para strings.Builder
	buf  []byte // the text, for zlibsize
}

// Measure computes the stats of text.
func (m *statsMeter) Measure(text string) textStats {
	var s textStats
	m.chars(&s, text)
	m.lines(&s, text)
	return s
}

// chars fills the character counts of s (Chars … URLChars): one pass over
// the runes.
func (m *statsMeter) chars(s *textStats, text string) {
	prev, run := rune(-1), 0
	urlEnd := -1 // byte offset where the current URL ends
	for i, r := range text {
		s.Chars++
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		s.MaxRun = max(s.MaxRun, run)
		if i < urlEnd {
			s.URLChars++
		} else if r == 'h' && (strings.HasPrefix(text[i:], "http://") || strings.HasPrefix(text[i:], "https://")) {
			urlEnd = i + urlLen(text[i:])
			s.URLChars++
		}
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
				s.Letters++
			case '0' <= r && r <= '9':
				s.Digits++
			case r == ' ' || ('\t' <= r && r <= '\r'):
				s.Spaces++
			case r > ' ' && r < 0x7f:
				s.Symbols++
			}
		case 0x3041 <= r && r <= 0x3096:
			s.Hiragana++
			s.Letters++
		case 0x30A1 <= r && r <= 0x30FA, r == 'ー':
			s.Katakana++
			s.Letters++
		case 0x4E00 <= r && r <= 0x9FFF, r == '々', r == '〆', r == '〇':
			s.Kanji++
			s.Letters++
		case r == '、' || r == '。' || r == '「' || r == '」':
			s.Symbols++
		case r == utf8.RuneError:
			s.Replacement++
			s.Symbols++
		case scriptLetter(unicode.Hiragana, r):
			s.Hiragana++
			s.Letters++
		case scriptLetter(unicode.Katakana, r) || r == 'ｰ' || r == 'ﾞ' || r == 'ﾟ':
			s.Katakana++
			s.Letters++
		case scriptLetter(unicode.Han, r):
			s.Kanji++
			s.Letters++
		case unicode.IsLetter(r):
			s.Letters++
		case unicode.IsDigit(r):
			s.Digits++
		case unicode.IsSpace(r):
			s.Spaces++
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			s.Symbols++
		}
	}
}

// scriptLetter reports whether r is a letter (category L) of script t. The
// Hiragana, Katakana and Han scripts also hold symbols (㋐ ㌀ 🈀, the
// radicals ⼈ ⺅) and numerals (〡, Hangzhou numerals): those are no letters.
func scriptLetter(t *unicode.RangeTable, r rune) bool {
	return unicode.Is(t, r) && unicode.IsLetter(r)
}

// lines fills the line, paragraph and sentence counts of s.
func (m *statsMeter) lines(s *textStats, text string) {
	m.seen.reset(64)
	m.para.Reset()
	paraLen := 0
	endPara := func() {
		if paraLen == 0 {
			return
		}
		s.Paragraphs++
		s.ParaChars += paraLen
		if m.seen.add(hashPiece(4, m.para.String())) > 1 {
			s.DupParas++
			s.DupParaChars += paraLen
		}
		m.para.Reset()
		paraLen = 0
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimFunc(line, unicode.IsSpace)
		if line == "" {
			endPara()
			continue
		}
		n := utf8.RuneCountInString(line)
		s.Lines++
		s.LineChars += n
		if m.seen.add(hashPiece(3, line)) > 1 {
			s.DupLines++
			s.DupLineChars += n
		}
		if paraLen > 0 {
			m.para.WriteByte('\n') // "ab","c" and "a","bc" are different paragraphs
		}
		m.para.WriteString(line)
		paraLen += n
		if n <= shortLine {
			s.ShortLines++
		}
		if isEllipsisEnd(line) {
			s.EllipsisLines++
		}
		// sentences of the line: a sentence takes the terminators and
		// closing brackets that follow its first terminator (「はい。」,
		// 本当？！), so these never make sentences of their own
		start, ended := 0, false
		for j, r := range line {
			if ended {
				if isSentenceEnd(r) || unicode.In(r, unicode.Pe, unicode.Pf) {
					continue
				}
				s.sentence(strings.TrimFunc(line[start:j], unicode.IsSpace))
				start, ended = j, false
			}
			ended = isSentenceEnd(r)
		}
		s.sentence(strings.TrimFunc(line[start:], unicode.IsSpace))
	}
	endPara()
}

// isEllipsisEnd reports whether a (trimmed) line ends in an ellipsis: …, ‥,
// "..", or "・・・". NFKC, which the normalize stage applies, makes … "..."
// and ‥ "..", so ".." covers both forms and the ASCII "...".
func isEllipsisEnd(line string) bool {
	return strings.HasSuffix(line, "…") || strings.HasSuffix(line, "‥") || strings.HasSuffix(line, "..") || strings.HasSuffix(line, "・・・")
}

func (s *textStats) sentence(t string) {
	if t == "" {
		return
	}
	n := utf8.RuneCountInString(t)
	s.Sentences++
	s.SentenceChars += n
	s.MaxSentence = max(s.MaxSentence, n)
}

// urlLen is the byte length of the URL at the start of s: the longest run of
// the characters RFC 3986 allows in a URI (and %).
func urlLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0 {
			continue
		}
		return i
	}
	return len(s)
}

// compressionRatio is the zlib size of the UTF-8 text at level 6 over its
// size, exactly Python's len(zlib.compress(b, 6)) / len(b) with C zlib
// (internal/zlibsize); 0 for empty text. Repetitive text (lists,
// templates) compresses well and scores low; random strings and encoded
// data score near or above 1.
func (m *statsMeter) compressionRatio(text string) float64 {
	if text == "" {
		return 0
	}
	m.buf = append(m.buf[:0], text...)
	return float64(zlibsize.Len(m.buf, 6)) / float64(len(text))
}
