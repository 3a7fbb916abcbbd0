package morph

import (
	"math"
	"slices"
)

// remapIDs renumbers the context ids so that frequent ones are small: the
// connection costs a node reads (one row, the right ids of its few
// predecessors) then mostly fall in the first cache lines of the row, and
// the rows of frequent left ids are next to each other. Vibrato does the
// same with ids counted on a corpus; here frequency is estimated from the
// dictionary alone (deterministic, no corpus needed): a word cost is about
// -log(probability) times a scale, so an id's weight is the sum of
// exp(-cost/scale) over the entries that carry it. Id 0 (BOS/EOS) keeps
// its number. Costs are unchanged, so is every result.
func (d *Dict) remapIDs() {
	lperm := idOrder(d.nLeft, d.morphs, d.unk, func(m morph) uint16 { return m.left })
	rperm := idOrder(d.nRight, d.morphs, d.unk, func(m morph) uint16 { return m.right })
	for _, ms := range [][]morph{d.morphs, d.unk} {
		for i := range ms {
			ms[i].left, ms[i].right = lperm[ms[i].left], rperm[ms[i].right]
		}
	}
	conn := make([]int16, len(d.conn))
	for l := 0; l < d.nLeft; l++ {
		row := conn[int(lperm[l])*d.nRight:]
		for r, c := range d.conn[l*d.nRight : (l+1)*d.nRight] {
			row[rperm[r]] = c
		}
	}
	d.conn = conn
}

// costScale converts word costs to log-probabilities (mecab-dict-index's
// default cost factor is 700).
const costScale = 700

// idOrder returns the new number of every id: 0 stays 0, the others by
// decreasing estimated frequency, ties by old number.
func idOrder(n int, known, unk []morph, id func(morph) uint16) []uint16 {
	score := make([]float64, n)
	for _, ms := range [][]morph{known, unk} {
		for _, m := range ms {
			score[id(m)] += math.Exp(-float64(m.weight) / costScale)
		}
	}
	order := make([]int, 0, n)
	for i := 1; i < n; i++ {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return 0
	})
	perm := make([]uint16, n)
	for newID, old := range order {
		perm[old] = uint16(newID + 1)
	}
	return perm
}
