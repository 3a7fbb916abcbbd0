package lines

import (
	"strings"
	"testing"
)

// fuzzLines is the boilerplate of the fuzz tests: short lines that seeds and
// mutations hit often.
var fuzzLines = []string{"メニュー", "a", "ツイート", "\xff", "x y"}

// splitKeep splits s into lines, each with its \n; the last has none when s
// does not end in \n.
func splitKeep(s string) []string {
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// FuzzStrip checks that Strip never panics, returns a subsequence of the
// input's lines (endings included), removes exactly the lines whose key is
// in the set, and returns a text without such a line unchanged.
func FuzzStrip(f *testing.F) {
	for _, s := range []string{"", "メニュー\n本文\r\n", "a\na\n\n a \r\nb", "本文", "\xff\n\xe3\x80\n　ツイート　", "x y\r\r\n"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, maxChars uint8) {
		var keys []uint64
		for _, l := range fuzzLines {
			keys = append(keys, Key(l))
		}
		set := NewSet(Options{MaxChars: int(maxChars % 8)}, keys)
		var tl Tally
		out, removed := set.Strip(text, &tl)
		in, got := splitKeep(text), splitKeep(out)
		j, drops := 0, 0
		for _, l := range in { // greedy subsequence match
			if j < len(got) && got[j] == l {
				j++
				continue
			}
			k, ok := set.opt.lineKey(strings.TrimSuffix(l, "\n"))
			if !ok || !set.Contains(k) {
				t.Fatalf("line %q was removed but is not boilerplate", l)
			}
			drops++
		}
		if j != len(got) {
			t.Fatalf("output %q is not a subsequence of the lines of %q", out, text)
		}
		// every kept eligible line is not boilerplate
		for _, l := range got {
			if k, ok := set.opt.lineKey(strings.TrimSuffix(l, "\n")); ok && set.Contains(k) {
				t.Fatalf("boilerplate line %q kept", l)
			}
		}
		if drops != removed {
			t.Fatalf("removed = %d, %d lines dropped", removed, drops)
		}
		if removed == 0 && out != text {
			t.Fatalf("nothing removed, but %q came back as %q", text, out)
		}
		var n int64
		for _, l := range tl.Top(-1) {
			n += l.Lines
			if Key(l.Text) != l.Key {
				t.Fatalf("tally sample %q has key %#x, not %#x", l.Text, Key(l.Text), l.Key)
			}
		}
		if n != int64(removed) {
			t.Fatalf("tally holds %d lines, %d removed", n, removed)
		}
	})
}

// FuzzKey checks Key(s) == Key(s trimmed of spaces, tabs and U+3000), the
// trimming done here independently by strings.Trim.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"", " ", "　メニュー ", "\t\xe3\x80\x80\xe3\x80", "a\xe3\x80\x80\x80", "\xf0\xe3\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		trimmed := strings.Trim(s, " \t\u3000")
		if trim(s) != trimmed {
			t.Fatalf("trim(%q) = %q, strings.Trim gives %q", s, trim(s), trimmed)
		}
		if Key(s) != Key(trimmed) {
			t.Fatalf("Key(%q) != Key(%q)", s, trimmed)
		}
		if Key(" "+s+"　\t") != Key(s) {
			t.Fatalf("Key of padded %q differs", s)
		}
	})
}
