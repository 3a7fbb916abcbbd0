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
	a.off = a.off[:0]
	a.cls = a.cls[:0]
	a.flag = a.flag[:0]
	a.state = a.state[:0]
	first := d.first
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
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
		case unicode.IsSpace(r):
			f = runeSpace
		}
		var st uint32
		if uint(r) < uint(len(first)) && size == utf8.RuneLen(r) {
			st = first[r]
		} else {
			f |= runeSlow // beyond the table, or an invalid byte
		}
		a.state = append(a.state, st)
		a.off = append(a.off, int32(i))
		a.cls = append(a.cls, d.category(r))
		a.flag = append(a.flag, f)
		i += size
	}
	a.off = append(a.off, int32(len(text)))
	n := len(a.cls)
	a.run = grow(a.run, n)
	for i := n - 1; i >= 0; i-- {
		if i+1 < n && a.cls[i+1] == a.cls[i] {
			a.run[i] = a.run[i+1]
		} else {
			a.run[i] = int32(i + 1)
		}
	}
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
