package lines

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestNewSet(t *testing.T) {
	in := []uint64{9, 3, math.MaxUint64, 3, 0, 9, 1 << 63, 9}
	s := NewSet(Options{MinDocs: 2}, in)
	want := []uint64{0, 3, 9, 1 << 63, math.MaxUint64}
	if !slices.Equal(s.Keys(), want) || s.Len() != len(want) {
		t.Fatalf("Keys %v Len %d, want %v", s.Keys(), s.Len(), want)
	}
	for _, k := range want {
		if !s.Contains(k) {
			t.Errorf("missing %#x", k)
		}
	}
	for _, k := range []uint64{1, 8, 10, 1<<63 - 1, 1<<63 + 1, math.MaxUint64 - 1} {
		if s.Contains(k) {
			t.Errorf("holds %#x", k)
		}
	}
	if in[0] != 9 || in[1] != 3 {
		t.Error("NewSet changed its argument")
	}
	s.Keys()[0] = 42
	if !s.Contains(0) || s.Contains(42) {
		t.Error("Keys exposes the set's own slice")
	}
	for _, empty := range []*Set{NewSet(Options{}, nil), {}} {
		if empty.Len() != 0 || empty.Contains(0) || len(empty.Keys()) != 0 {
			t.Error("an empty set holds something")
		}
	}
}

// TestSetContainsMany checks the bucket index against a binary search, with
// keys crowded into one bucket as well as spread.
func TestSetContainsMany(t *testing.T) {
	for _, kind := range []string{"spread", "crowded"} {
		var keys []uint64
		for i := uint64(1); i <= 3000; i++ {
			k := spread(i)
			if kind == "crowded" {
				k = 1<<50 + i*2
			}
			keys = append(keys, k)
		}
		s := NewSet(Options{}, keys)
		for i := uint64(0); i <= 6002; i++ {
			for _, k := range []uint64{spread(i), spread(i) + 1, 1<<50 + i} {
				_, want := slices.BinarySearch(s.keys, k)
				if s.Contains(k) != want {
					t.Fatalf("%s: Contains(%#x) = %v", kind, k, !want)
				}
			}
		}
	}
}

func TestStrip(t *testing.T) {
	set := NewSet(Options{MaxChars: 10}, []uint64{Key("メニュー"), Key("ツイート"), Key("このページの先頭へ"), Key(strings.Repeat("x", 11))})
	cases := []struct {
		name, in, want string
		removed        int
	}{
		{"nothing", "本文\n本文2", "本文\n本文2", 0},
		{"middle", "本文\nメニュー\n本文2\n", "本文\n本文2\n", 1},
		{"first and last", "メニュー\n本文\nツイート\n", "本文\n", 2},
		{"missing final newline", "本文\nツイート", "本文\n", 1},
		{"missing final newline kept", "ツイート\n本文", "本文", 1},
		{"CRLF kept byte for byte", "本文\r\nメニュー\r\n本文2\r\n末尾", "本文\r\n本文2\r\n末尾", 1},
		{"trimmed match, line and ending go", "　メニュー \r\n\t本文\t\n", "\t本文\t\n", 1},
		{"blank lines around stay", "\n\nメニュー\n\n", "\n\n\n", 1},
		{"repeats all go", "メニュー\nメニュー\n本文\nメニュー", "本文\n", 3},
		{"only boilerplate", "メニュー\nツイート", "", 2},
		{"too long to be eligible", strings.Repeat("x", 11) + "\n本文", strings.Repeat("x", 11) + "\n本文", 0},
		{"inside a line is not a line", "メニューを開く\n前のメニュー", "メニューを開く\n前のメニュー", 0},
		{"lone CR is not a line end", "本文\rメニュー\n", "本文\rメニュー\n", 0},
		{"empty", "", "", 0},
	}
	for _, c := range cases {
		var tl Tally
		got, n := set.Strip(c.in, &tl)
		if got != c.want || n != c.removed {
			t.Errorf("%s: Strip(%q) = %q, %d; want %q, %d", c.name, c.in, got, n, c.want, c.removed)
		}
		var lines int64
		for _, l := range tl.Top(-1) {
			lines += l.Lines
		}
		if lines != int64(c.removed) {
			t.Errorf("%s: tally holds %d lines, %d removed", c.name, lines, c.removed)
		}
		if n == 0 && len(c.in) > 0 && unsafe.StringData(got) != unsafe.StringData(c.in) {
			t.Errorf("%s: nothing removed, but the text was copied", c.name)
		}
	}
	var nilSet *Set
	if out, n := nilSet.Strip("メニュー", nil); out != "メニュー" || n != 0 {
		t.Error("a nil set removed something")
	}
}

// TestStripUsesSetOptions checks that Strip removes only lines the counts
// could have counted: a key of an ineligible line removes nothing.
func TestStripUsesSetOptions(t *testing.T) {
	o := Options{MinDocs: 2, MinChars: 3, MaxChars: 4}
	c := NewCounts(o)
	for range 2 {
		c.AddDocument("ab\nabc\nabcde")
	}
	s := c.Select()
	if !slices.Equal(s.Keys(), []uint64{Key("abc")}) {
		t.Fatalf("selected %v", s.Keys())
	}
	all := NewSet(o, []uint64{Key("ab"), Key("abc"), Key("abcde")})
	if got, _ := all.Strip("ab\nabc\nabcde", nil); got != "ab\nabcde" {
		t.Fatalf("Strip = %q", got)
	}
}
