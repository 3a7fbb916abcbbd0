package minhash

// Similarity returns the estimated Jaccard similarity of the shingle sets
// behind a and b: the share of positions where the two signatures are
// equal. It returns 0 when the lengths differ (signatures made with
// different Options are not comparable) or are 0.
func Similarity(a, b Signature) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	b = b[:len(a)]
	eq := 0
	for i, v := range a {
		if v == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}
