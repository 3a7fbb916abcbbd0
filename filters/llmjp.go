package filters

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/zlibsize"
)

// The llm-jp family: the Japanese Common Crawl (mC4-ja) rules of
// llm-jp-corpus v1 (github.com/llm-jp/llm-jp-corpus 9815fc5,
// scripts/filter_data.py:74-89 and :104-117, scripts/filters.py) with the
// HojiChar 0.9.0 filters it calls (hojichar/filters/document_filters.py at
// tag v0.9.0). Definitions, with file:line: docs/presets/llm-jp.md.

// llmjpValidTLDs is scripts/dict/ja_valid_domains.txt (13 lines), read by
// has_valid_domain (filters.py:30-42) with splitlines into a set.
var llmjpValidTLDs = map[string]bool{"biz": true, "cc": true, "com": true, "info": true, "jp": true, "me": true,
	"net": true, "org": true, "site": true, "tokyo": true, "tv": true, "work": true, "xyz": true}

// llmjpValidDomain is has_valid_domain (filters.py:30-42): false for a URL
// that starts with https://ja.wikipedia.org/, else whether the last
// dot-separated label of urlparse(url).hostname is in llmjpValidTLDs. The
// reference asserts that there is a host (it would crash); here a URL with
// no host is not valid.
func llmjpValidDomain(url string) bool {
	if strings.HasPrefix(url, "https://ja.wikipedia.org/") {
		return false
	}
	host, ok := pyHostname(url)
	if !ok {
		return false
	}
	return llmjpValidTLDs[host[strings.LastIndexByte(host, '.')+1:]]
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// pyIsSpace is Python's str.isspace() for one character, which str.strip()
// removes: Go's unicode.IsSpace plus the separators U+001C–U+001F.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || 0x1C <= r && r <= 0x1F }

// llmjpStats are the character counts of the llm-jp rules, from one pass.
type llmjpStats struct {
	Runes    int // code points (Python len)
	Nonblank int // code points that are not pyIsSpace: text.strip() != "" iff > 0
	HeadKana int // [ぁ-ん] or [ァ-ン] among the first 50 code points (AcceptJapanese)
	Kuten    int // 。 (U+3002 only; DiscardRareKuten)

	// the zlib ratio, computed on demand (both compression rules read it)
	zlib   float64
	zlibOK bool
}

// llmjpHeadRunes is AcceptJapanese's lookup size: document_filters.py:514
// sets 50 whatever the constructor is given.
const llmjpHeadRunes = 50

// measureLLMJP counts llmjpStats in one pass. An invalid byte is one code
// point that is neither space nor kana.
func measureLLMJP(text string) llmjpStats {
	var s llmjpStats
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			s.Runes++
			if !(b == ' ' || '\t' <= b && b <= '\r' || 0x1C <= b && b <= 0x1F) {
				s.Nonblank++
			}
			i++
			continue
		}
		r, w := decodeRuneAt(text, i)
		i += w
		s.Runes++
		if r == '。' {
			s.Kuten++
		}
		if s.Runes <= llmjpHeadRunes && (0x3041 <= r && r <= 0x3093 || 0x30A1 <= r && r <= 0x30F3) {
			s.HeadKana++
		}
		if !(w > 1 && pyIsSpace(r)) {
			s.Nonblank++
		}
	}
	return s
}

// llmjpCharsPerKuten is DiscardRareKuten's measure (document_filters.py:
// 533-559): code points per 。. The reference drops a document when
// count(。) < len(text)/max_average_sentence_length, which for integer
// counts is len/count > max: "<= MAX" keeps what it keeps. A non-empty
// text without 。 is dropped at every maximum: it scores math.MaxFloat64
// (finite, so it survives JSON); the empty text scores 0 (kept).
func llmjpCharsPerKuten(s *llmjpStats) float64 {
	switch {
	case s.Runes == 0:
		return 0
	case s.Kuten == 0:
		return math.MaxFloat64
	}
	return float64(s.Runes) / float64(s.Kuten)
}

// llmjpCompressedLen returns the length of data compressed by zlib at level
// 9, as Python's len(zlib.compress(data, level=9)) (has_good_compression_ratio,
// filters.py:122-129): the whole zlib stream, 2-byte header, deflate data
// and 4-byte Adler-32, byte for byte what classic C zlib gives
// (internal/zlibsize). Go's compress/zlib differs by a few bytes and moved
// 20 of the 3,663 golden decisions across the 0.30/0.70 bounds.
func llmjpCompressedLen(data []byte) int { return zlibsize.Len(data, 9) }

// llmjpZlibRatio is has_good_compression_ratio's score with length_factor
// 0 (filters.py:122-131): compressed / UTF-8 bytes; 0 for the empty text
// (the reference divides by zero there; is_not_empty drops it before).
func llmjpZlibRatio(text string, scratch *[]byte) float64 {
	if text == "" {
		return 0
	}
	*scratch = append((*scratch)[:0], text...)
	return float64(llmjpCompressedLen(*scratch)) / float64(len(text))
}

// llmjpAdKeywords is HojiChar 0.9.0 DiscardAds' default list
// (hojichar/dict/advertisement_keywords_ja.txt at v0.9.0: 31 lines, the
// last one ■ with no newline), in file order; the list is the same in the
// HojiChar commit of hojichar.go.
var llmjpAdKeywords = []string{"お問い合わせください", "にお任せください", "現在公開中", "営業時間", "求人情報", "送料",
	"製品のアップグレード", "別途料金", "研修制度", "ご応募", "求める人物", "未経験歓迎", "応募資格", "勤務期間", "勤務地",
	"試聴する", "セット内容", "製品構成", "よくある質問", "①", "②", "③", "④", "⑤", "⑥", "無効な値", "商品データ",
	"クリックして応援", "ほしい物リスト", "注文はお早めに", "■"}

// llmjpAdMatcher counts llmjpAdKeywords with CountFirst, as DiscardAds'
// re.findall over the re.escape'd alternation does
// (document_filters.py:465-501).
var llmjpAdMatcher = sync.OnceValue(func() *Matcher {
	return NewMatcher(&WordList{Category: "ads", Words: llmjpAdKeywords})
})

// llmjpExtract is extract_japanese_text (filters.py:235-261): split on
// "\n"; keep a line only when it has a character of Unicode script
// Hiragana or Katakana or ー (the regex module's
// [\p{Script=Hiragana}\p{Script=Katakana}ー]); in a kept line remove every
// URL (https?://[\w/:%#\$&\?\(\)~\.=\+\-]+, \w being Unicode word
// characters) and then every run of 100 or more ASCII code points; join
// the kept lines with no separator, as the reference does (its output has
// no newline). n counts the lines dropped and the pieces removed.
func llmjpExtract(text string) (string, int) {
	var b strings.Builder
	n := 0
	for rest, more := text, true; more; {
		var line string
		line, rest, more = strings.Cut(rest, "\n")
		if !llmjpHasKana(line) {
			n++
			continue
		}
		out, k := llmjpStripURLs(line)
		out, k2 := llmjpStripASCIIRuns(out)
		n += k + k2
		b.WriteString(out)
	}
	out := b.String()
	if out == text {
		return text, 0
	}
	return out, max(n, 1)
}

func llmjpHasKana(line string) bool {
	for _, r := range line {
		if r >= 0x3040 && (r == 'ー' || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)) {
			return true
		}
	}
	return false
}

// llmjpURLChar is the class [\w/:%#\$&\?\(\)~\.=\+\-] of the regex module:
// its Unicode \w is Alphabetic (L, Nl, Other_Alphabetic), marks, decimal
// digits, connector punctuation and the joiners U+200C/D.
func llmjpURLChar(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return isASCIILetter(c) || '0' <= c && c <= '9' || strings.IndexByte("_/:%#$&?()~.=+-", c) >= 0
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Nl, r) ||
		unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_Alphabetic, r) || r == 0x200C || r == 0x200D
}

// llmjpStripURLs removes the matches of https?://[URL chars]+, leftmost
// first, each as long as it goes (a "http://" with no URL char after it
// is not a match and stays).
func llmjpStripURLs(s string) (string, int) {
	if !strings.Contains(s, "http") {
		return s, 0
	}
	var b strings.Builder
	n, last, i := 0, 0, 0
	for {
		k := strings.Index(s[i:], "http")
		if k < 0 {
			break
		}
		start := i + k
		j := start + 4
		if j < len(s) && s[j] == 's' {
			j++
		}
		if !strings.HasPrefix(s[j:], "://") {
			i = start + 1
			continue
		}
		j += 3
		end := j
		for end < len(s) {
			r, w := utf8.DecodeRuneInString(s[end:])
			if w == 1 && r == utf8.RuneError || !llmjpURLChar(r) {
				break
			}
			end += w
		}
		if end == j {
			i = start + 1
			continue
		}
		b.WriteString(s[last:start])
		last, i = end, end
		n++
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// llmjpStripASCIIRuns removes every run of 100 or more code points in
// U+0000–U+007F (the script_pat of extract_japanese_text: its other ranges
// lie inside that one).
func llmjpStripASCIIRuns(s string) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for i := 0; i < len(s); {
		if s[i] >= utf8.RuneSelf {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf {
			j++
		}
		if j-i >= 100 {
			b.WriteString(s[last:i])
			last = j
			n++
		}
		i = j
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// decodeRuneAt is utf8.DecodeRuneInString(s[i:]) with the three-byte
// sequences of kana and kanji decoded inline.
func decodeRuneAt(s string, i int) (rune, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return rune(b), 1
	}
	if b&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		r := rune(b&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
		if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}
