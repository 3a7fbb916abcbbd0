package minhash

import (
	"math/bits"
	"slices"
)

// One permutation hashing, densified in rounds.
//
// Round 0 is one permutation hashing (Li, Owen and Zhang 2012): a
// shingle's 64-bit hash x picks bin ⌊x·K/2⁶⁴⌋, the high word of the 128-bit
// product x·K, and its value in the bin is the low word x·K mod 2⁶⁴ (its
// position inside the bin's slice of the hash range, uniform and
// independent of the bin). Each bin keeps its minimum.
//
// A long text fills every bin in round 0. A short one leaves bins empty;
// they are filled as in Fast Similarity Sketching (Dahlgaard, Houen,
// Langhede and Thorup, FOCS 2017, arXiv:1704.04370): in round r = 1, 2, …
// every shingle is thrown again, into a bin drawn afresh from (x, r), and
// rounds go on until no bin is empty. A bin keeps the (round, value) pair
// that is least in lexicographic order, so a bin filled in an earlier round
// never changes and a bin's minimum is the first shingle to reach it.
// From round K on, shingle x goes to bin (o(x) + r − K) mod K for a seeded
// offset o(x), so that by round 2K−1 every shingle has visited every bin
// and the rounds always end.
//
// The pair kept in bin i is the least of a function of (x, i) and the seed
// alone, taken over the text's shingle set, so two texts agree in bin i
// exactly when the least such pair over the union of their sets belongs to
// a shingle they share: probability J, the Jaccard similarity, whatever
// the set sizes. The estimate is unbiased for short texts too. And since a
// short text's shingles spread over the empty bins round after round,
// rather than each empty bin copying one other bin, its estimate has about
// half the variance of K-permutation MinHash when the set is smaller than
// K (estimate_test.go checks it stays well below that floor).
// Shrivastava's optimal densification ("Optimal Densification for Fast and
// Accurate Minwise Hashing", ICML 2017), where an empty bin copies the
// value of the first non-empty bin in a seeded random sequence, is
// unbiased as well, and was this package's first scheme; on the short
// texts of estimate_test.go (10 to 40 characters, K = 128) it made a mean
// error of 0.026–0.029 and errors up to 0.17, more than MinHash, where the
// rounds make 0.016–0.018 and at most 0.10.
//
// The rounds need every shingle again. The Hasher keeps the hashes of up to
// storeSize(K) distinct shingles (not the text), so short texts never read
// their text twice, and a text made of few distinct shingles repeated
// millions of times stores only those. A text with more distinct shingles
// than half that leaves a bin empty after round 0 with probability at most
// about K·e^(−16); if it does, each further round reads the text again.
//
// A bin's key is r·2⁴⁸ + ⌊value/2¹⁶⌋; the signature keeps its low 32 bits,
// which are hash bits in every round, uniform down to the lowest (the dedup
// package stores only the low 16).

// emptyBin marks a bin no shingle reached; keys are below 2⁶³.
const emptyBin = ^uint64(0)

// roundShift places the round above the 48 value bits of a key.
const roundShift = 48

// storeSize is the number of shingle hashes a Hasher for K bins keeps for
// the rounds: the distinct shingles of any text that might leave a bin
// empty after round 0.
func storeSize(k int) int { return 32*k + 1024 }

// clear empties the bins and the stored hashes.
func (h *Hasher) clear() {
	for i := range h.mins {
		h.mins[i] = emptyBin
	}
	h.nstored = 0
	h.overflow = false
}

// add puts the shingle hash x into its round-0 bin and stores it for the
// later rounds.
func (h *Hasher) add(x uint64) {
	bin, lo := bits.Mul64(x, uint64(len(h.mins)))
	if key := lo >> (64 - roundShift); key < h.mins[bin] {
		h.mins[bin] = key
	}
	h.store(x)
}

// store keeps x for the later rounds, unless too many distinct shingles
// were seen already.
func (h *Hasher) store(x uint64) {
	if h.nstored < len(h.stored) {
		h.stored[h.nstored] = x
		h.nstored++
		return
	}
	h.spill()
	if !h.overflow {
		h.stored[h.nstored] = x
		h.nstored++
	}
}

// spill runs when the store is full. If no bin is empty any more, none
// will be at the end of round 0 either, so nothing needs storing: storing
// stops (overflow, which costs nothing then). Otherwise it makes room by
// dropping repeated hashes, and gives up storing (overflow) when more than
// half of the store holds distinct ones.
func (h *Hasher) spill() {
	if h.overflow {
		return
	}
	if !slices.Contains(h.mins, emptyBin) {
		h.overflow = true
		return
	}
	h.nstored = unique(h.stored[:h.nstored])
	if h.nstored > len(h.stored)/2 {
		h.overflow = true
	}
}

// unique sorts s, removes repeated values and returns how many are left.
func unique(s []uint64) int {
	slices.Sort(s)
	return len(slices.Compact(s))
}

// addRound throws the shingle hash x into its bin of round r >= 1.
func (h *Hasher) addRound(x uint64, r int) {
	k := uint64(len(h.mins))
	bin, lo := bits.Mul64(mix64((x^h.seedRound)+uint64(r)*golden), k)
	if uint64(r) >= k {
		// Second phase: a rotation per shingle, so every shingle visits
		// every bin by round 2K-1.
		off, _ := bits.Mul64(mix64(x^h.seedRotate), k)
		bin = (off + uint64(r) - k) % k
	}
	key := uint64(r)<<roundShift | lo>>(64-roundShift)
	if m := h.mins[bin]; key < m {
		if m == emptyBin {
			h.empties--
		}
		h.mins[bin] = key
	}
}

// countEmpty sets and returns the number of empty bins.
func (h *Hasher) countEmpty() int {
	n := 0
	for _, m := range h.mins {
		if m == emptyBin {
			n++
		}
	}
	h.empties = n
	return n
}

// densify fills the empty bins from the stored hashes and reports whether
// it could; when the store overflowed, the caller reads the text again for
// each round r = 1, 2, … (passing r to addRound) while bins are empty.
func (h *Hasher) densify() bool {
	if h.countEmpty() == 0 {
		return true
	}
	if h.overflow {
		return false
	}
	// Repeated hashes change nothing, so they are removed only when the
	// rounds drag on: most texts need a round or two, and sorting would
	// cost more than that.
	xs := h.stored[:h.nstored]
	for r := 1; h.empties > 0; r++ {
		if r == dedupRound {
			xs = xs[:unique(xs)]
		}
		for _, x := range xs {
			h.addRound(x, r)
		}
	}
	return true
}

// dedupRound is the round from which densify drops repeated hashes.
const dedupRound = 4

// output writes the signature into dst (resized to K).
func (h *Hasher) output(dst Signature) Signature {
	dst = resize(dst, len(h.mins))
	for i, m := range h.mins {
		dst[i] = uint32(m)
	}
	return dst
}

// empty writes the signature of the empty text: a seeded value per
// position, unrelated to any shingle's.
func (h *Hasher) empty(dst Signature) Signature {
	dst = resize(dst, len(h.mins))
	for i := range dst {
		dst[i] = uint32(mix64(h.seedEmpty + uint64(i)*golden))
	}
	return dst
}

// resize returns dst with length k, reusing its storage when large enough.
func resize(dst Signature, k int) Signature {
	if cap(dst) < k {
		return make(Signature, k)
	}
	return dst[:k]
}
