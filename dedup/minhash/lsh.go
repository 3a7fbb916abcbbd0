package minhash

import (
	"fmt"
	"math"
)

// Bands returns one 64-bit key per band, appended to dst[:0]: band i hashes
// sig[i*rows:(i+1)*rows] with seed and with i itself, so that equal rows in
// different bands give different keys. Equal rows in the same band always
// give equal keys, and rows differing in one value always give different
// keys. It panics unless bands >= 1, rows >= 1 and bands*rows <= len(sig).
func Bands(sig Signature, bands, rows int, seed uint64, dst []uint64) []uint64 {
	if bands < 1 || rows < 1 || bands > len(sig)/rows {
		panic(fmt.Sprintf("minhash: %d bands of %d rows do not fit a signature of %d", bands, rows, len(sig)))
	}
	dst = dst[:0]
	base := derive(seed, tagBand)
	for b := range bands {
		row := sig[b*rows : (b+1)*rows]
		// A chain of bijections: acc ← mix64(acc ^ word). Changing one word
		// changes acc at that step and, the later words being equal, at
		// every later step.
		acc := mix64(base + uint64(b+1)*golden)
		j := 0
		for ; j+1 < len(row); j += 2 {
			acc = mix64(acc ^ (uint64(row[j]) | uint64(row[j+1])<<32))
		}
		if j < len(row) {
			acc = mix64(acc ^ uint64(row[j]))
		}
		dst = append(dst, mix64(acc^uint64(rows)))
	}
	return dst
}

// Probability returns 1-(1-s^rows)^bands: the chance that two documents of
// Jaccard similarity s share at least one band key (the LSH S-curve).
func Probability(s float64, bands, rows int) float64 {
	return 1 - math.Pow(1-math.Pow(s, float64(rows)), float64(bands))
}

// integrationStep is the width of the midpoint rule of OptimalParams, that
// of datasketch's MinHashLSH.
const integrationStep = 0.001

// OptimalParams returns the bands and rows, with bands*rows <= k, that
// minimise fpWeight·∫₀ᵗ P(s) ds + fnWeight·∫ₜ¹ (1-P(s)) ds, where P is the
// S-curve of Probability and t the threshold: the weighted areas of false
// positives below the threshold and false negatives above it. This is the
// rule of datasketch's MinHashLSH (_optimal_param), integrated the same way
// (midpoint rule, step 0.001), with ties going to fewer bands, then fewer
// rows. The threshold is clamped to [0, 1]; k < 1 gives (0, 0).
func OptimalParams(threshold float64, k int, fpWeight, fnWeight float64) (bands, rows int) {
	if k < 1 {
		return 0, 0
	}
	t := threshold
	switch {
	case !(t >= 0): // also NaN
		t = 0
	case t > 1:
		t = 1
	}
	// Midpoints of [0, t) and of [t, 1), as datasketch lays them out.
	nfp := int(math.Ceil(t/integrationStep - 1e-9))
	nfn := int(math.Ceil((1-t)/integrationStep - 1e-9))
	s := make([]float64, nfp+nfn)
	for i := range nfp {
		s[i] = (float64(i) + 0.5) * integrationStep
	}
	for i := range nfn {
		s[nfp+i] = t + (float64(i)+0.5)*integrationStep
	}
	// For each rows r (outer loop), sr holds s^r and q, along the bands
	// (inner loop), (1-s^r)^b: P = 1-q, each step one multiplication.
	sr := make([]float64, len(s))
	q := make([]float64, len(s))
	for i := range sr {
		sr[i] = 1
	}
	best := math.Inf(1)
	for r := 1; r <= k; r++ {
		for i, x := range s {
			sr[i] *= x
			q[i] = 1
		}
		for b := 1; b*r <= k; b++ {
			var fp, fn float64
			for i := range nfp {
				q[i] *= 1 - sr[i]
				fp += 1 - q[i]
			}
			for i := nfp; i < len(s); i++ {
				q[i] *= 1 - sr[i]
				fn += q[i]
			}
			// The conversions keep the compiler from fusing a multiply and
			// an add, so every platform rounds alike.
			e := float64(fpWeight*fp) + float64(fnWeight*fn)
			if e < best || e == best && (b < bands || b == bands && r < rows) {
				best, bands, rows = e, b, r
			}
		}
	}
	return bands, rows
}
