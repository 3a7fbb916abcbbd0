package morph

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestRune3 checks rune3 against utf8.DecodeRuneInString on every 3-byte
// sequence with a lead byte E0-EF, and that no rune above maxSpace is a
// space.
func TestRune3(t *testing.T) {
	var b [3]byte
	for x := 0xE0; x <= 0xEF; x++ {
		for y := 0; y < 256; y++ {
			for z := 0; z < 256; z++ {
				b = [3]byte{byte(x), byte(y), byte(z)}
				s := string(b[:])
				want := rune(-1)
				if r, n := utf8.DecodeRuneInString(s); n == 3 {
					want = r
				}
				if got := rune3(s); got != want {
					t.Fatalf("rune3(%q) = %U, want %U", s, got, want)
				}
			}
		}
	}
	if rune3("\xe3\x81") != -1 {
		t.Error("rune3 read past the end")
	}
	for r := rune(maxSpace + 1); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			t.Fatalf("%U is a space, above maxSpace", r)
		}
	}
}
