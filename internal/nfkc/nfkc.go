// Package nfkc is a fast Unicode NFKC normalizer that gives exactly what
// golang.org/x/text/unicode/norm's NFKC gives, for any input (invalid UTF-8
// included).
//
// Most Japanese text is ASCII, kana, kanji and a few punctuation marks that
// NFKC leaves as they are, or fullwidth ASCII and U+3000 that it maps to one
// ASCII byte. Those runes (the "fast" runes, found from x/text's own tables
// when the package is first used) are copied or mapped directly. Every fast
// rune starts a normalization segment and cannot combine with the rune
// before it (x/text Properties.BoundaryBefore), and is a starter, so
// NFKC(a+b) = NFKC(a)+NFKC(b) whenever b starts with a fast rune. Any other
// rune, with the fast rune before it (which may compose with it: か+U+3099 →
// が, e + U+0301 → é) and every rune up to the next fast rune, is handed to
// x/text. So the voiced sound marks U+3099–309C, halfwidth katakana
// (ｶﾞ → ガ) and everything outside the fast set take x/text's path. A
// segment holding invalid UTF-8 hands x/text the whole rest of the text:
// x/text passes a truncated sequence at the end of its input through
// unnormalized, so its result there depends on what follows.
//
// Unicode versions: x/text v0.44.0 built with Go < 1.27 uses its Unicode
// 15.0.0 tables (tables15.0.0.go), with Go >= 1.27 its 17.0.0 tables.
// Python's unicodedata is Unicode 14.0.0 in CPython 3.11, 15.0.0 in 3.12,
// 15.1.0 in 3.13 and 16.0.0 in 3.14; NFKC of text in the Unicode 14 repertoire
// is stable across these versions (the normalization stability policy), so
// only code points assigned after the older of the two versions can differ.
// One difference that does not depend on the version: x/text follows UAX #15's
// Stream-Safe Text Format and inserts U+034F (COMBINING GRAPHEME JOINER) after
// 30 consecutive non-starters; Python does not. This package does what x/text
// does.
package nfkc

import (
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// table[r] for a BMP rune r of a 3-byte UTF-8 encoding (U+0800–U+FFFF): 0 =
// not fast (x/text's path), 1 = fast and unchanged by NFKC, else the one
// ASCII byte (>= 0x20) NFKC maps it to. ASCII itself is always fast and
// unchanged.
var (
	table     [0x10000]uint8
	tableOnce sync.Once
)

func buildTable() {
	var buf [utf8.UTFMax]byte
	for r := rune(0x800); r <= 0xFFFF; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		s := string(buf[:utf8.EncodeRune(buf[:], r)])
		p := norm.NFKC.PropertiesString(s)
		if !p.BoundaryBefore() || p.CCC() != 0 {
			continue
		}
		out := norm.NFKC.String(s)
		switch {
		case out == s:
			table[r] = 1
		case len(out) == 1 && out[0] >= 0x20 && out[0] < 0x80:
			table[r] = out[0]
		}
	}
}

// String returns the NFKC form of s: s itself when it is already in NFKC and
// made of fast runes only.
func String(s string) string {
	tableOnce.Do(buildTable)
	i := stableSpan(s)
	if i == len(s) {
		return s
	}
	out := make([]byte, i, len(s)+len(s)/16+8)
	copy(out, s[:i])
	out = appendFrom(out, s, i)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// Append appends the NFKC form of src to dst and returns the result.
func Append(dst []byte, src string) []byte {
	tableOnce.Do(buildTable)
	i := stableSpan(src)
	dst = append(dst, src[:i]...)
	if i == len(src) {
		return dst
	}
	// dst's existing bytes are not src's: appendFrom only backs up over
	// what it wrote itself.
	return appendFrom(dst, src, i)
}

// stableSpan returns the length of the longest prefix of s made of ASCII and
// fast runes that NFKC leaves unchanged.
func stableSpan(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if c&0xF0 != 0xE0 || i+2 >= len(s) {
			return i
		}
		c1, c2 := s[i+1], s[i+2]
		if c1&0xC0 != 0x80 || c2&0xC0 != 0x80 {
			return i
		}
		if table[rune(c&0x0F)<<12|rune(c1&0x3F)<<6|rune(c2&0x3F)] != 1 {
			return i
		}
		i += 3
	}
	return i
}

// fastAt reports the size of the fast rune at s[i] (0 if it is not fast)
// and its table entry (1 for ASCII).
func fastAt(s string, i int) (size int, t uint8) {
	c := s[i]
	if c < utf8.RuneSelf {
		return 1, 1
	}
	if c&0xF0 != 0xE0 || i+2 >= len(s) {
		return 0, 0
	}
	c1, c2 := s[i+1], s[i+2]
	if c1&0xC0 != 0x80 || c2&0xC0 != 0x80 {
		return 0, 0
	}
	t = table[rune(c&0x0F)<<12|rune(c1&0x3F)<<6|rune(c2&0x3F)]
	if t == 0 {
		return 0, 0
	}
	return 3, t
}

// appendFrom appends NFKC(s[i:]) to out, where s[:i] is made of stable fast
// runes already in out (so the rune before i, if any, is one of them).
func appendFrom(out []byte, s string, i int) []byte {
	prevIn, prevOut := -1, -1 // where the last fast rune starts in s and in out
	if i > 0 {
		prevIn, prevOut = i-1, len(out)-1
		if s[i-1] >= utf8.RuneSelf {
			prevIn, prevOut = i-3, len(out)-3
		}
	}
	for i < len(s) {
		if n := stableSpan(s[i:]); n > 0 {
			// a run of unchanged fast runes: copy it; remember its last rune
			out = append(out, s[i:i+n]...)
			i += n
			prevIn, prevOut = i-1, len(out)-1
			if s[i-1] >= utf8.RuneSelf {
				prevIn, prevOut = i-3, len(out)-3
			}
			if i == len(s) {
				break
			}
		}
		if size, t := fastAt(s, i); size != 0 { // mapped to one ASCII byte
			prevIn, prevOut = i, len(out)
			out = append(out, t)
			i += size
			continue
		}
		// A slow segment: from the fast rune before (it may compose with
		// what follows) to the next fast rune.
		start := i
		if prevIn >= 0 {
			start = prevIn
			out = out[:prevOut]
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		for j < len(s) {
			if size, _ := fastAt(s, j); size != 0 {
				break
			}
			_, n := utf8.DecodeRuneInString(s[j:])
			j += n
		}
		if !utf8.ValidString(s[start:j]) {
			// x/text treats a truncated sequence at the end of its input as
			// incomplete and passes the rest through, so its result for an
			// invalid byte can depend on what follows the segment: let it
			// see the rest of the text (s[:start] is valid: no earlier
			// segment was invalid).
			return appendSegment(out, s[start:])
		}
		out = appendSegment(out, s[start:j])
		prevIn = -1
		i = j
	}
	return out
}

// appendSegment appends x/text's NFKC of seg, normalized on its own (as
// x/text does for a string that starts at a segment boundary).
func appendSegment(out []byte, seg string) []byte {
	tail := out[len(out):]
	res := norm.NFKC.AppendString(tail, seg)
	if len(res) > 0 && cap(tail) > 0 && unsafe.SliceData(res) == unsafe.SliceData(tail) {
		return out[:len(out)+len(res)]
	}
	return append(out, res...)
}
