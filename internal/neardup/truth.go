package neardup

// runeOffsets returns the byte offset of every rune of s followed by len(s),
// reusing buf.
func runeOffsets(buf []int, s string) []int {
	buf = buf[:0]
	for i := range s {
		buf = append(buf, i)
	}
	return append(buf, len(s))
}

// forShingles calls f with every character n-gram of s (as substrings of s,
// repeats included). A text of fewer than n runes is one shingle, the whole
// text; an empty text has none. offs is scratch space, returned for reuse.
func forShingles(s string, n int, offs []int, f func(string)) []int {
	if s == "" {
		return offs
	}
	offs = runeOffsets(offs, s)
	runes := len(offs) - 1
	if runes < n {
		f(s)
		return offs
	}
	for k := 0; k+n <= runes; k++ {
		f(s[offs[k]:offs[k+n]])
	}
	return offs
}

// shingleSet returns the set of character n-grams of s.
func shingleSet(s string, n int) map[string]struct{} {
	set := make(map[string]struct{}, len(s)/3)
	forShingles(s, n, nil, func(g string) { set[g] = struct{}{} })
	return set
}

// setJaccard is |a∩b| / |a∪b|, 1 when both sets are empty.
func setJaccard(a, b map[string]struct{}) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for g := range a {
		if _, ok := b[g]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// Jaccard returns the Jaccard similarity of the sets of character n-grams
// (n runes, taken from the texts as given) of a and b. A text shorter than
// n runes is one shingle, the whole text; an empty text is the empty set, and
// two empty texts have similarity 1. It panics if n < 1.
func Jaccard(a, b string, n int) float64 {
	if n < 1 {
		panic("neardup: n-gram length must be >= 1")
	}
	return setJaccard(shingleSet(a, n), shingleSet(b, n))
}

// Truth returns, for each docs[i], the largest Jaccard similarity (as in
// Jaccard, with n-grams of n runes) between docs[i] and any earlier docs[j],
// j < i; 0 for the first document and for a document that shares no n-gram
// with any earlier one. The result is exact: it equals comparing every pair.
//
// Every distinct n-gram is interned to a dense id (no hashing, so no
// collisions) and an inverted index from id to the earlier documents that
// contain it yields the exact intersection size of every pair that shares
// at least one n-gram; pairs sharing none have similarity 0 and are never
// visited. The cost is the total length of the posting lists touched, which
// for a benchmark of a few hundred documents is a few tens of milliseconds.
// It panics if n < 1.
func Truth(docs []string, n int) []float64 {
	if n < 1 {
		panic("neardup: n-gram length must be >= 1")
	}
	out := make([]float64, len(docs))
	ids := make(map[string]int32)
	var postings [][]int32 // n-gram id → earlier documents containing it, ascending
	var lastDoc []int32    // n-gram id → 1 + the last document that contained it
	sizes := make([]int, len(docs))
	count := make([]int32, len(docs)) // shared n-grams with document i, per earlier document
	var touched []int32
	var offs []int
	sawEmpty := false
	for i, s := range docs {
		if s == "" {
			if sawEmpty {
				out[i] = 1 // two empty sets
			}
			sawEmpty = true
			continue
		}
		touched = touched[:0]
		size := 0
		offs = forShingles(s, n, offs, func(g string) {
			id, ok := ids[g]
			if !ok {
				id = int32(len(postings))
				ids[g] = id
				postings = append(postings, nil)
				lastDoc = append(lastDoc, 0)
			}
			if lastDoc[id] == int32(i+1) {
				return // repeated n-gram: sets count it once
			}
			lastDoc[id] = int32(i + 1)
			size++
			for _, j := range postings[id] {
				if count[j] == 0 {
					touched = append(touched, j)
				}
				count[j]++
			}
			postings[id] = append(postings[id], int32(i))
		})
		sizes[i] = size
		best := 0.0
		for _, j := range touched {
			inter := int(count[j])
			count[j] = 0
			if jac := float64(inter) / float64(size+sizes[j]-inter); jac > best {
				best = jac
			}
		}
		out[i] = best
	}
	return out
}
