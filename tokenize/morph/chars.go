package morph

import (
	"unicode"
	"unicode/utf8"
)

// Per-rune facts of one piece of text, computed once per call.
// Runes are decoded as kagome's `for pos, ch := range inp` decodes them: a
// byte that does not start a valid encoding is one rune U+FFFD of width 1.
const (
	runeSpace   = 1 << iota // unicode.IsSpace
	runeError               // decoded as U+FFFD (an invalid byte or a real U+FFFD)
	runeRealBad             // a real, validly encoded U+FFFD (3 bytes)
	runeSlow                // no entry in Dict.first: walk the trie byte by byte
)

// scan fills a.off (byte offset of every rune, plus len(text) at the end),
// a.cls (char category), a.flag and a.run (index of the first rune after
// the run of same-category runes that starts at each rune).
func (a *Analyzer) scan(text string) {
	d := a.d
	off, cls, flag, state := a.off[:0], a.cls[:0], a.flag[:0], a.state[:0]
	first := d.first
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else if r = rune3(text[i:]); r >= 0 {
			size = 3 // the common case in Japanese, without the call
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		var f uint8
		switch {
		case r == utf8.RuneError:
			f = runeError
			if size == 3 {
				f |= runeRealBad
			}
		case c < utf8.RuneSelf:
			if asciiSpace[c] {
				f = runeSpace
			}
		case r <= maxSpace && unicode.IsSpace(r):
			f = runeSpace
		}
		var st uint32
		if uint(r) < uint(len(first)) && size == utf8.RuneLen(r) {
			st = first[r]
		} else {
			f |= runeSlow // beyond the table, or an invalid byte
		}
		state = append(state, st)
		off = append(off, int32(i))
		cls = append(cls, d.category(r))
		flag = append(flag, f)
		i += size
	}
	a.off = append(off, int32(len(text)))
	a.cls, a.flag, a.state = cls, flag, state
	n := len(cls)
	a.run = grow(a.run, n)
	run := a.run[:n]
	for i := n - 1; i >= 0; i-- {
		if i+1 < n && cls[i+1] == cls[i] {
			run[i] = run[i+1]
		} else {
			run[i] = int32(i + 1)
		}
	}
}

// maxSpace is the largest rune for which unicode.IsSpace is true
// (U+3000 IDEOGRAPHIC SPACE); kana and kanji are above it.
const maxSpace = '\u3000'

// rune3 decodes the valid 3-byte UTF-8 sequence that s starts with, or
// returns -1 if there is none (then utf8.DecodeRuneInString decides). It
// accepts exactly what utf8 accepts: no overlong forms, no surrogates
// (second3).
func rune3(s string) rune {
	if len(s) < 3 {
		return -1
	}
	c0, c1, c2 := s[0], s[1], s[2]
	r := second3[c0&0x0F]
	if c0&0xF0 != 0xE0 || c1 < r[0] || c1 > r[1] || c2&0xC0 != 0x80 {
		return -1
	}
	return rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
}

// second3 is the range of the second byte of a 3-byte UTF-8 sequence, by
// the low half of the first byte (E0: no overlong forms, ED: no surrogates).
var second3 = [16][2]byte{
	0: {0xA0, 0xBF}, 1: {0x80, 0xBF}, 2: {0x80, 0xBF}, 3: {0x80, 0xBF},
	4: {0x80, 0xBF}, 5: {0x80, 0xBF}, 6: {0x80, 0xBF}, 7: {0x80, 0xBF},
	8: {0x80, 0xBF}, 9: {0x80, 0xBF}, 10: {0x80, 0xBF}, 11: {0x80, 0xBF},
	12: {0x80, 0xBF}, 13: {0x80, 0x9F}, 14: {0x80, 0xBF}, 15: {0x80, 0xBF},
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
