package pipeline

import (
	"fmt"
	"math/bits"
	"sort"
)

// Partition returns the half-open range [lo, hi) of items that task i of n
// takes: bounds[i] and bounds[i+1] of PartitionAll(weights, n), so the
// ranges are contiguous, in input order, cover every item exactly once and
// keep the heaviest task as light as possible (see PartitionAll).
// Concatenating the tasks' outputs in task order therefore keeps the global
// input order. Every task computes the whole plan, which depends on weights
// and n only, and takes its own range.
func Partition(weights []int64, i, n int) (lo, hi int, err error) {
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("task %d of %d: index must be in [0, %d)", i, n, n)
	}
	bounds, err := PartitionAll(weights, n)
	if err != nil {
		return 0, 0, err
	}
	return bounds[i], bounds[i+1], nil
}

// PartitionAll splits items with the given weights (e.g. file sizes) into n
// contiguous slices, one per task, and returns the n+1 boundaries: task t
// takes items [bounds[t], bounds[t+1]); bounds[0] is 0, bounds[n] is
// len(weights) and bounds never decrease. The result depends on weights and
// n only: every task of an array job computes the same plan.
//
// The weight of the heaviest slice, which sets the finish time of the array
// job, is the smallest any contiguous split into n slices can reach (the
// linear partition problem), hence at most total/n + the largest weight and
// at least the larger of total/n and the largest weight.
//
// Among the splits that reach it, PartitionAll picks a balanced one. With at
// least n items no slice is empty; with fewer, no slice has more than one
// item. Going from the first task to the last, each slice aims at an equal
// share of the weight the earlier slices left (remaining weight / remaining
// tasks) as far as the bound and the room the later tasks need allow, so the
// remainder is spread instead of piling up on the last tasks. Ties (as with
// zero weights) go to the slice nearest to an equal share of the remaining
// items, then to the one with more items: all-zero weights are thus split by
// count, and with fewer items than tasks the first task is never the empty
// one.
//
// It fails if n < 1, if a weight is negative or if the total weight exceeds
// 2^64-1. It takes O(m + n log m log W) time for m items of largest weight W
// and O(m + n) memory.
func PartitionAll(weights []int64, n int) ([]int, error) {
	if n < 1 {
		return nil, fmt.Errorf("partition into %d tasks: need at least 1", n)
	}
	m := len(weights)
	prefix := make([]uint64, m+1) // prefix[k]: weight of items [0, k)
	var largest uint64
	for k, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("item %d: negative weight %d", k, w)
		}
		sum, carry := bits.Add64(prefix[k], uint64(w), 0)
		if carry != 0 {
			return nil, fmt.Errorf("total weight of the %d items exceeds 2^64-1", m)
		}
		prefix[k+1] = sum
		largest = max(largest, uint64(w))
	}
	bound := minBound(prefix, largest, n)
	need := suffixSlices(weights, bound)
	bounds := make([]int, n+1)
	for t := range n {
		bounds[t+1] = pickEnd(prefix, need, bounds[t], n-t, bound)
	}
	return bounds, nil
}

// minBound returns the smallest bound B such that the items fit into n
// contiguous slices of weight at most B each.
func minBound(prefix []uint64, largest uint64, n int) uint64 {
	total := prefix[len(prefix)-1]
	share := total / uint64(n)
	lo := share
	if total%uint64(n) != 0 {
		lo++
	}
	lo = max(lo, largest)
	// Packing greedily under total/n + largest needs at most n slices: a
	// slice is closed only when the next item does not fit, so every closed
	// slice weighs more than total/n, and n of them would weigh more than
	// the total.
	hi := total
	if sum, carry := bits.Add64(share, largest, 0); carry == 0 && sum < hi {
		hi = sum
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if slicesNeeded(prefix, mid, n) <= n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// slicesNeeded returns how many slices of weight at most bound the items need
// when packed greedily from the left, which is the fewest possible; it stops
// counting past limit. Each slice is found by binary search in the prefix
// sums, so this takes O(min(slices, limit) log m). bound must be at least the
// largest weight.
func slicesNeeded(prefix []uint64, bound uint64, limit int) int {
	m := len(prefix) - 1
	count := 0
	for p := 0; p < m; {
		count++
		if count > limit {
			break
		}
		base := prefix[p]
		p += sort.Search(m-p+1, func(j int) bool { return prefix[p+j]-base > bound }) - 1
	}
	return count
}

// suffixSlices returns need, where need[e] is the fewest slices of weight at
// most bound that items [e, m) fit into (need[m] = 0). Greedy packing from the
// right gives it for every suffix in one pass; need never increases with e.
func suffixSlices(weights []int64, bound uint64) []int {
	need := make([]int, len(weights)+1)
	count, cur := 0, uint64(0)
	for e := len(weights) - 1; e >= 0; e-- {
		u := uint64(weights[e])
		if count == 0 || u > bound-cur {
			count++
			cur = u
		} else {
			cur += u
		}
		need[e] = count
	}
	return need
}

// pickEnd returns the end of the slice that starts at item p when r tasks
// are left (this one included). The slice weighs at most bound, leaves items
// the other r-1 tasks can take under bound, and, with at least r items left,
// is not empty and leaves an item for each other task (with fewer, it takes
// at most one item and leaves at most one per other task). Among those ends
// it takes the one whose weight is nearest to an equal share of the
// remaining weight, then nearest to an equal share of the remaining items,
// then the larger.
func pickEnd(prefix []uint64, need []int, p, r int, bound uint64) int {
	m := len(prefix) - 1
	base := prefix[p]
	// largest end under the bound
	eHi := p + sort.Search(m-p+1, func(j int) bool { return prefix[p+j]-base > bound }) - 1
	// smallest end that leaves a rest the other tasks can take
	eLo := p + sort.Search(m-p+1, func(j int) bool { return need[p+j] <= r-1 })
	if m-p >= r {
		eLo = max(eLo, p+1)
		eHi = min(eHi, m-(r-1))
	} else {
		eLo = max(eLo, m-(r-1))
		eHi = min(eHi, p+1)
	}
	// eLo <= eHi: the rest from p fits into r slices under bound (and holds
	// at least r items or fewer than r), so an optimal packing of it into
	// exactly r slices of at least one item (at most one item) exists and its
	// first slice ends in [eLo, eHi].

	rw := prefix[m] - base // remaining weight
	ru := uint64(r)
	weightGap := func(e int) u128 { return mul64(prefix[e]-base, ru).absDiff(rw) }
	countGap := func(e int) u128 { return mul64(uint64(e-p), ru).absDiff(uint64(m - p)) }
	best := -1
	var bestW, bestC u128
	consider := func(e int) {
		w, c := weightGap(e), countGap(e)
		if best < 0 || w.less(bestW) || w == bestW && (c.less(bestC) || c == bestC && e > best) {
			best, bestW, bestC = e, w, c
		}
	}
	// considerRun considers the ends in [a, b], which all give the same weight:
	// the count gap is smallest at the equal share of items, rounded either way.
	considerRun := func(a, b int) {
		share := p + (m-p)/r
		consider(min(max(share, a), b))
		consider(min(max(share+1, a), b))
	}
	// The weight of the slice grows with its end: the weight gap is smallest
	// at the first end reaching the share or at the one before it, each
	// together with the run of ends (zero weights) of the same weight.
	first := eLo + sort.Search(eHi-eLo+1, func(j int) bool { return !mul64(prefix[eLo+j]-base, ru).less(u128{lo: rw}) })
	if first <= eHi {
		last := first + sort.Search(eHi-first+1, func(j int) bool { return prefix[first+j] != prefix[first] }) - 1
		considerRun(first, last)
	}
	if first-1 >= eLo {
		start := eLo + sort.Search(first-eLo, func(j int) bool { return prefix[eLo+j] == prefix[first-1] })
		considerRun(start, first-1)
	}
	if best < 0 {
		panic(fmt.Sprintf("pipeline: no end for the slice at item %d of %d with %d tasks left", p, m, r))
	}
	return best
}

// u128 is an unsigned 128-bit integer: weights times task counts overflow
// 64 bits.
type u128 struct{ hi, lo uint64 }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

// absDiff returns |a - b|.
func (a u128) absDiff(b uint64) u128 {
	x, y := a, u128{lo: b}
	if x.less(y) {
		x, y = y, x
	}
	lo, borrow := bits.Sub64(x.lo, y.lo, 0)
	hi, _ := bits.Sub64(x.hi, y.hi, borrow)
	return u128{hi, lo}
}
