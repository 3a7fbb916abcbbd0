package minhash

import (
	"strings"
	"testing"
)

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b string
		n    int
		want float64
	}{
		{"", "", 5, 1},
		{"", "a", 5, 0},
		{"あ", "あ", 5, 1},
		{"あ", "い", 5, 0},
		{"あい", "あいう", 5, 0}, // two different single shingles
		{"abcdef", "abcdef", 5, 1},
		{"abcdef", "abcdeg", 5, 1.0 / 3}, // {abcde bcdef} vs {abcde bcdeg}
		{"abcabc", "abc", 3, 1.0 / 3},    // {abc bca cab} vs {abc}
		{"ababab", "abab", 2, 1},         // {ab ba}: a set, repetitions do not count
		{"ＡＢＣ", "ABC", 2, 1},             // folded
		{"ｶﾞｯｺｳ", "ガッコウ", 2, 1},          // composed: 4 characters either way
		{"がっこう", "かっこう", 2, 2.0 / 4},     // {がっ っこ こう} vs {かっ っこ こう}
		{"a\nb", "a b", 2, 0},            // whitespace is not collapsed
		{"\xff\xfe", "\xff\xfe", 1, 1},
		{"吾輩は猫である", "吾輩は猫である", 0, 1}, // n <= 0: default
	}
	for _, tt := range tests {
		if got := Jaccard(tt.a, tt.b, tt.n); got != tt.want {
			t.Errorf("Jaccard(%q, %q, %d) = %v, want %v", tt.a, tt.b, tt.n, got, tt.want)
		}
		if got := Jaccard(tt.b, tt.a, tt.n); got != tt.want {
			t.Errorf("Jaccard(%q, %q, %d) = %v, want %v (swapped)", tt.b, tt.a, tt.n, got, tt.want)
		}
	}
}

func TestShingles(t *testing.T) {
	tests := []struct {
		text string
		n    int
		want int
	}{
		{"", 5, 0},
		{"あ", 5, 1},
		{"あいうえ", 5, 1},
		{"あいうえお", 5, 1},
		{"あいうえおか", 5, 2},
		{"ｶﾞｯｺｳ", 2, 3}, // ガッコウ
		{"ｶﾞｯｺｳ", 1, 4},
		{"ab\ncd", 1, 5},
		{"\xff\xfe\xfd", 1, 3},
		{strings.Repeat("あ", 100), 0, 96},
	}
	for _, tt := range tests {
		if got := Shingles(tt.text, tt.n); got != tt.want {
			t.Errorf("Shingles(%q, %d) = %d, want %d", tt.text, tt.n, got, tt.want)
		}
	}
}

func BenchmarkJaccard(b *testing.B) {
	text := fixtureText(b)[:20000]
	other := strings.Replace(text, "。", "、", 50)
	b.SetBytes(int64(len(text) + len(other)))
	b.ReportAllocs()
	for b.Loop() {
		Jaccard(text, other, 5)
	}
}
