package minhash

import "unicode/utf8"

// Jaccard returns the exact Jaccard similarity |A∩B| / |A∪B| of the sets of
// character n-grams of Fold(a) and Fold(b), shingled as Sign does (a text
// shorter than n characters is one shingle; invalid UTF-8 bytes are one
// character each). Two empty texts have similarity 1, an empty and a
// non-empty text 0. n <= 0 means DefaultNGram. It builds both sets in
// memory: meant for tests and for checking estimates, not for bulk use.
func Jaccard(a, b string, n int) float64 {
	if n <= 0 {
		n = DefaultNGram
	}
	sa, sb := shingleSet(a, n), shingleSet(b, n)
	if len(sa) == 0 && len(sb) == 0 {
		return 1
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	inter := 0
	for s := range sa {
		if _, ok := sb[s]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// shingleSet returns the set of character n-grams of Fold(text).
func shingleSet(text string, n int) map[string]struct{} {
	f := Fold(text)
	set := make(map[string]struct{})
	if f == "" {
		return set
	}
	starts := make([]int, 0, len(f)/2+2)
	for i := 0; i < len(f); {
		starts = append(starts, i)
		_, size := utf8.DecodeRuneInString(f[i:])
		i += size
	}
	starts = append(starts, len(f))
	units := len(starts) - 1
	if units < n {
		set[f] = struct{}{}
		return set
	}
	for u := 0; u+n <= units; u++ {
		set[f[starts[u]:starts[u+n]]] = struct{}{}
	}
	return set
}

// Shingles returns how many character n-grams Sign sees in text (counted
// with repetition): the number of characters of Fold(text) minus n-1, at
// least 1 for a non-empty text, 0 for the empty text. n <= 0 means
// DefaultNGram.
func Shingles(text string, n int) int {
	if n <= 0 {
		n = DefaultNGram
	}
	units := 0
	for i := 0; i < len(text); units++ {
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := foldAt(text, i)
		i += size
	}
	if units == 0 {
		return 0
	}
	return max(units-n+1, 1)
}
