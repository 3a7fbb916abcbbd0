package dedup

import (
	"slices"
	"unicode/utf8"

	"github.com/zeebo/xxh3"

	"github.com/jacorpus/jacorpus/dedup/minhash"
)

// shingleHashes returns the sorted distinct 64-bit hashes of the character
// n-grams of minhash.Fold(text), shingled as minhash.Sign does (a text
// shorter than n characters is one shingle; the empty text has none). It
// costs 8 bytes per shingle, so a 20 MB document costs about 60 MB.
func shingleHashes(text string, n int, dst []uint64) []uint64 {
	f := minhash.Fold(text)
	dst = dst[:0]
	if f == "" {
		return dst
	}
	// starts of the last n runes, as a ring
	ring := make([]int, n)
	count := 0
	for i := 0; i < len(f); {
		ring[count%n] = i
		_, size := utf8.DecodeRuneInString(f[i:])
		i += size
		count++
		if count >= n {
			dst = append(dst, xxh3.HashString(f[ring[(count-n)%n]:i]))
		}
	}
	if count < n {
		dst = append(dst, xxh3.HashString(f))
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// jaccardSorted returns |A∩B| / |A∪B| of two sorted distinct sets; two
// empty sets have similarity 1.
func jaccardSorted(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// ExactJaccard returns the Jaccard similarity of the character n-gram sets
// of two texts, as verify: exact computes it (n-grams compared by 64-bit
// hash).
func ExactJaccard(a, b string, n int) float64 {
	return jaccardSorted(shingleHashes(a, n, nil), shingleHashes(b, n, nil))
}
