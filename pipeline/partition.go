package pipeline

import (
	"fmt"
	"math/bits"
)

// Partition returns the half-open range [lo, hi) of items that task i of n
// takes. Ranges are contiguous, in input order, cover every item exactly once
// and are balanced by weight (e.g. file size): item k goes to the task whose
// share of the total weight contains the item's starting point. Concatenating
// the tasks' outputs in task order therefore keeps the global input order.
func Partition(weights []int64, i, n int) (lo, hi int, err error) {
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("task %d of %d: index must be in [0, %d)", i, n, n)
	}
	var total int64
	for k, w := range weights {
		if w < 0 {
			return 0, 0, fmt.Errorf("item %d: negative weight %d", k, w)
		}
		total += w
	}
	if total == 0 { // all empty: split by count
		return i * len(weights) / n, (i + 1) * len(weights) / n, nil
	}
	owner := func(start int64) int {
		// task t owns starts in [t*total/n, (t+1)*total/n); 128-bit product, no overflow
		if start >= total {
			return n - 1
		}
		hi, lo := bits.Mul64(uint64(start), uint64(n))
		q, _ := bits.Div64(hi, lo, uint64(total))
		return int(q)
	}
	lo, hi = -1, -1
	var start int64
	for k, w := range weights {
		t := owner(start)
		if t == i {
			if lo < 0 {
				lo = k
			}
			hi = k + 1
		}
		start += w
	}
	if lo < 0 {
		// no item starts in this task's share: an empty range at the right place
		pos := 0
		start = 0
		for k, w := range weights {
			if owner(start) < i {
				pos = k + 1
			}
			start += w
		}
		return pos, pos, nil
	}
	return lo, hi, nil
}
