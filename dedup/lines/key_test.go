package lines

import (
	"strings"
	"testing"
)

func TestKeyTrims(t *testing.T) {
	base := Key("メニュー")
	for _, s := range []string{"　メニュー ", " \t　メニュー", "メニュー　　", "\tメニュー\t"} {
		if Key(s) != base {
			t.Errorf("Key(%q) != Key(%q)", s, "メニュー")
		}
	}
	for _, s := range []string{"メ ニュー", "メニュー\r", "メニュー\u00a0", "\nメニュー", "ﾒﾆｭｰ"} {
		if Key(s) == base {
			t.Errorf("Key(%q) == Key(%q): only spaces, tabs and U+3000 at the ends are trimmed", s, "メニュー")
		}
	}
}

// TestKeyIsXXH3 pins Key to the XXH3-64 specification: the hash of the empty
// input with seed 0 is 0x2D06800538D394C2 (the reference implementation's
// sanity check, github.com/Cyan4973/xxHash, tests/sanity_test_vectors.h),
// and a line of only spaces trims to the empty input. The other values were
// computed with the reference C library (libxxhash 0.8.1, XXH3_64bits); if
// they change, every count file written before is invalid.
func TestKeyIsXXH3(t *testing.T) {
	cases := []struct {
		line string
		want uint64
	}{
		{"", 0x2d06800538d394c2},
		{" \t　 ", 0x2d06800538d394c2},
		{"メニュー", 0x92f1c809b7367d6f},
		{"このページの先頭へ", 0xc0e3aa38f9b706b8},
		{strings.Repeat("関連記事", 100), 0x5f21f6e33af47291}, // 1,200 bytes: the long-input path
	}
	for _, c := range cases {
		if got := Key(c.line); got != c.want {
			t.Errorf("Key(%.20q) = %#x, want %#x", c.line, got, c.want)
		}
	}
}

func TestTrim(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"　", ""},
		{"\xe3\x80", "\xe3\x80"}, // a truncated U+3000 is not trimmed
		{"a\xe3\x80\x80\xe3\x80", "a\xe3\x80\x80\xe3\x80"},
		{" a b ", "a b"},
		{"\t　a　\t", "a"},
		{"\r a", "\r a"},
	}
	for _, c := range cases {
		if got := trim(c.in); got != c.want {
			t.Errorf("trim(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEligible(t *testing.T) {
	o := Options{MinChars: 2, MaxChars: 4}
	cases := []struct {
		s    string
		want bool
	}{
		{"", false},
		{"a", false},
		{"ab", true},
		{"abcd", true},
		{"abcde", false},
		{"あ", false},       // 3 bytes, 1 rune
		{"あい", true},       // 6 bytes > MaxChars, 2 runes
		{"あいうえ", true},     // 12 bytes, 4 runes
		{"あいうえお", false},   // 15 bytes, 5 runes
		{"😀😀😀😀", true},     // 16 bytes, 4 runes
		{"😀😀😀😀a", false},   // 17 bytes: at least 5 runes
		{"\xff\xfe", true}, // invalid bytes count one rune each
		{"\xff\xfe\xfd\xfc\xfb", false},
	}
	for _, c := range cases {
		if got := o.eligible(c.s); got != c.want {
			t.Errorf("eligible(%q) = %v, want %v", c.s, got, c.want)
		}
	}
	// MinChars 0 (not completed by WithDefaults) still never takes a blank line
	if (&Options{MaxChars: 10}).eligible("") {
		t.Error("an empty line is eligible")
	}
}
