package shard

import (
	"math"
	"sort"
)

// Partition cuts a sequence of document weights (tokens, in order) into
// parts contiguous, non-empty ranges whose sums differ by at most the largest
// weight, and returns the cuts: parts+1 indexes c with c[0] = 0 and
// c[parts] = len(weights); part i is weights[c[i]:c[i+1]]. With fewer
// documents than parts, each document is a part of its own and the last
// parts are empty. It is deterministic and takes O(parts · log n) per probe
// of its binary search.
//
// The algorithm: for a lower bound L and an upper bound U = L + slack, the
// ends of the first k parts that can lie in [L, U] form a contiguous range
// of indexes [lo_k, hi_k] (the sums of consecutive prefixes differ by one
// weight ≤ slack, so the windows [P(j)+L, P(j)+U] of the previous range
// overlap, and prefix sums are monotone); lo_k and hi_k only grow with L.
// All parts fit iff P(n) ∈ [P(lo)+L, P(hi)+U] for the range after parts-1
// parts: the right inequality holds from some L on, the left up to some L,
// so the smallest L for which the right one holds is the one to test. The
// slack is first searched for below the largest weight (a heuristic: below
// it the ranges may have gaps, so a tighter partition may be missed, but
// what is found is valid, and the spread is usually far below the bound);
// should the largest weight admit none (no case is known: TestPartitionBound compares with brute
// force), the slack doubles from there, so the function always returns. The cuts are then read backwards,
// each at the admissible end nearest to its share k·P(n)/parts.
func Partition(weights []uint32, parts int) []int {
	n := len(weights)
	if parts < 1 {
		parts = 1
	}
	cuts := make([]int, parts+1)
	if n <= parts {
		for i := range cuts {
			cuts[i] = min(i, n)
		}
		return cuts
	}
	pre := make([]int64, n+1)
	var wmax int64
	for i, w := range weights {
		pre[i+1] = pre[i] + int64(w)
		wmax = max(wmax, int64(w))
	}
	total := pre[n]
	if total == 0 || parts == 1 {
		// no weight to balance: equal counts
		for i := range cuts {
			cuts[i] = int(int64(i) * int64(n) / int64(parts))
		}
		return cuts
	}
	// the tightest slack up to the largest weight that admits a partition
	// (admissibility grows with the slack), else doubling from there
	tight := int64(sort.Search(int(max(wmax, 1)), func(i int) bool {
		_, ok := partitionWithin(pre, parts, int64(i)+1)
		return ok
	})) + 1
	if c, ok := partitionWithin(pre, parts, tight); ok {
		return c
	}
	for slack := max(wmax, 1); ; slack *= 2 {
		if c, ok := partitionWithin(pre, parts, slack); ok {
			return c
		}
		if slack > total {
			break // cannot happen: slack ≥ total admits any partition
		}
	}
	for i := range cuts { // unreachable; equal counts keep the contract
		cuts[i] = int(int64(i) * int64(n) / int64(parts))
	}
	return cuts
}

// partitionWithin finds cuts with every part sum in [L, L+slack] for the
// smallest L that can work, if any.
func partitionWithin(pre []int64, parts int, slack int64) ([]int, bool) {
	n := len(pre) - 1
	total := pre[n]
	share := total / int64(parts)
	// every part in [L, L+slack] means L ≤ share and L+slack ≥ share
	lo, hi := max(share-slack, 0), share
	// smallest L in [lo, hi] with the right inequality
	L := lo + int64(sort.Search(int(hi-lo+1), func(i int) bool {
		_, _, _, right := reach(pre, parts, lo+int64(i), slack)
		return right
	}))
	if L > hi {
		return nil, false
	}
	los, his, ok, right := reach(pre, parts, L, slack)
	if !ok || !right || pre[los[parts-1]]+L > total {
		return nil, false
	}
	// read the cuts backwards
	cuts := make([]int, parts+1)
	cuts[parts] = n
	for k := parts - 1; k >= 1; k-- {
		end := pre[cuts[k+1]]
		// admissible ends p of the first k parts: p in [los[k], his[k]]
		// with end-U ≤ pre[p] ≤ end-L
		a := max(los[k], sort.Search(n+1, func(p int) bool { return pre[p] >= end-L-slack }))
		b := min(his[k], sort.Search(n+1, func(p int) bool { return pre[p] > end-L })-1, cuts[k+1]-1)
		if a > b {
			return nil, false // cannot happen when reach said ok
		}
		target := int64(k) * total / int64(parts)
		best, bestd := a, int64(math.MaxInt64)
		// the admissible ends form a range; the nearest to the target is at
		// the search position or just before it
		i := sort.Search(b-a+1, func(i int) bool { return pre[a+i] >= target }) + a
		for _, p := range []int{i - 1, i} {
			if p < a || p > b {
				continue
			}
			if d := abs64(pre[p] - target); d < bestd {
				best, bestd = p, d
			}
		}
		cuts[k] = best
	}
	return cuts, true
}

// reach returns, for k = 1..parts-1, the range [los[k], his[k]] of indexes
// where the first k non-empty parts can end with every part sum in
// [L, L+slack]; ok tells whether every range is non-empty (the last part
// keeps at least one document), right whether P(n) ≤ P(his)+L+slack for
// the last range. A range that runs past the end (L too large) counts as
// right, so that a search for the smallest right L moves below it.
func reach(pre []int64, parts int, L, slack int64) (los, his []int, ok, right bool) {
	n := len(pre) - 1
	los, his = make([]int, parts), make([]int, parts)
	lo, hi := 0, 0
	for k := 1; k < parts; k++ {
		from, to := pre[lo]+L, pre[hi]+L+slack
		lo = max(sort.Search(n+1, func(p int) bool { return pre[p] >= from }), lo+1)
		hi = min(sort.Search(n+1, func(p int) bool { return pre[p] > to })-1, n-1)
		if lo > hi {
			return los, his, false, lo > n-1
		}
		los[k], his[k] = lo, hi
	}
	return los, his, true, pre[n] <= pre[hi]+L+slack
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
