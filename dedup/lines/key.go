package lines

import (
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// Key returns the key of a line: the XXH3-64 hash (seed 0, the default
// secret of the XXH3 specification) of line with spaces, tabs and U+3000
// (the ideographic space) trimmed from both ends. It is the same on every
// machine. Two distinct lines share a key with probability about 2⁻⁶⁴ per
// pair, so among n distinct lines a collision is expected only when n²/2⁶⁵
// nears 1 (n in the billions), and it would merge the counts of two lines.
func Key(line string) uint64 { return xxh3.HashString(trim(line)) }

// trim removes spaces, tabs and U+3000 (UTF-8 E3 80 80) from both ends of s.
func trim(s string) string {
	for len(s) > 0 {
		if s[0] == ' ' || s[0] == '\t' {
			s = s[1:]
		} else if len(s) >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80 {
			s = s[3:]
		} else {
			break
		}
	}
	for n := len(s); n > 0; n = len(s) {
		if s[n-1] == ' ' || s[n-1] == '\t' {
			s = s[:n-1]
		} else if n >= 3 && s[n-3] == 0xe3 && s[n-2] == 0x80 && s[n-1] == 0x80 {
			s = s[:n-3]
		} else {
			break
		}
	}
	return s
}

// lineKey returns the key of a line (without its \n) as AddDocument and
// Strip see it: a trailing \r removed, then trimmed. ok reports whether the
// line is eligible: MinChars <= runes <= MaxChars, never empty.
func (o *Options) lineKey(line string) (key uint64, ok bool) {
	line = trim(dropCR(line))
	if !o.eligible(line) {
		return 0, false
	}
	return xxh3.HashString(line), true
}

// dropCR removes one trailing \r from line.
func dropCR(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// eligible reports whether s (trimmed) has between MinChars and MaxChars
// runes and is not empty. A rune takes 1 to 4 bytes (an invalid byte counts
// as one rune), so most lines are decided by their length in bytes without
// counting runes.
func (o *Options) eligible(s string) bool {
	n := len(s)
	if n == 0 || n < o.MinChars {
		return false
	}
	least := (n + utf8.UTFMax - 1) / utf8.UTFMax // fewest runes n bytes can hold
	if least > o.MaxChars {
		return false
	}
	if n <= o.MaxChars && least >= o.MinChars {
		return true
	}
	r := utf8.RuneCountInString(s)
	return r >= o.MinChars && r <= o.MaxChars
}
