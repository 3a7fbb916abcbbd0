package neardup

import "slices"

// editor holds a variant being edited and keeps, through every splice, the
// multiset of its n-gram hashes and the size of its n-gram set and of the
// intersection with the base's, so that each step's similarity costs only
// the n-grams around the change. (The hashes are 64-bit; Generate records
// the exact similarity, from the texts, once a variant is done.)
type editor struct {
	n               int
	base            map[uint64]int32 // n-gram hashes of the base (values unused)
	cur             []rune
	counts          map[uint64]int32 // n-gram hash → occurrences in cur
	distinct, inter int
	head, foot      int // runes of header and footer boilerplate at the ends of cur
	journal         []undo
}

// undo restores cur before one splice.
type undo struct {
	a, end     int    // the inserted runes are cur[a:end]
	removed    []rune // what they replaced
	head, foot int
}

// hashRunes hashes one n-gram (its length included).
func hashRunes(rs []rune) uint64 {
	h := uint64(len(rs)) * 0x9e3779b97f4a7c15
	for _, r := range rs {
		h = (h ^ uint64(r)) * 0xff51afd7ed558ccd
		h ^= h >> 32
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// jaccard returns the similarity of cur to the base.
func (e *editor) jaccard() float64 {
	u := e.union()
	if u == 0 {
		return 1
	}
	return float64(e.inter) / float64(u)
}

// union returns the size of the union of the n-gram sets of cur and base.
func (e *editor) union() int { return len(e.base) + e.distinct - e.inter }

// add counts one occurrence of n-gram h.
func (e *editor) add(h uint64) {
	c := e.counts[h]
	if c == 0 {
		e.distinct++
		if _, ok := e.base[h]; ok {
			e.inter++
		}
	}
	e.counts[h] = c + 1
}

// remove uncounts one occurrence of n-gram h.
func (e *editor) remove(h uint64) {
	c := e.counts[h]
	if c <= 1 {
		delete(e.counts, h)
		e.distinct--
		if _, ok := e.base[h]; ok {
			e.inter--
		}
		return
	}
	e.counts[h] = c - 1
}

// recount rebuilds the counts from cur. With base nil (building a base) it
// only fills counts.
func (e *editor) recount() {
	clear(e.counts)
	e.distinct, e.inter = 0, 0
	switch {
	case len(e.cur) == 0:
	case len(e.cur) < e.n:
		e.add(hashRunes(e.cur))
	default:
		for s := 0; s+e.n <= len(e.cur); s++ {
			e.add(hashRunes(e.cur[s : s+e.n]))
		}
	}
}

// windows calls f with the hash of every n-gram starting in [lo, hi].
func (e *editor) windows(lo, hi int, f func(uint64)) {
	lo = max(lo, 0)
	hi = min(hi, len(e.cur)-e.n)
	for s := lo; s <= hi; s++ {
		f(hashRunes(e.cur[s : s+e.n]))
	}
}

// splice replaces cur[a:b] with repl, updating the counts, and journals how
// to undo it.
func (e *editor) splice(a, b int, repl []rune) {
	e.journal = append(e.journal, undo{a: a, end: a + len(repl), removed: slices.Clone(e.cur[a:b]), head: e.head, foot: e.foot})
	newLen := len(e.cur) - (b - a) + len(repl)
	if len(e.cur) < e.n || newLen < e.n {
		e.cur = slices.Replace(e.cur, a, b, repl...)
		e.recount()
		return
	}
	// The n-grams that overlap cur[a:b], or straddle a when a == b, go;
	// those that overlap the new runes, or straddle their place, come.
	e.windows(a-e.n+1, b-1, e.remove)
	e.cur = slices.Replace(e.cur, a, b, repl...)
	e.windows(a-e.n+1, a+len(repl)-1, e.add)
}

// undo reverts the splices journaled from mark on.
func (e *editor) undo(mark int) {
	for len(e.journal) > mark {
		u := e.journal[len(e.journal)-1]
		e.splice(u.a, u.end, u.removed)
		e.head, e.foot = u.head, u.foot
		e.journal = e.journal[:len(e.journal)-2] // the entry and the splice just made
	}
}

// sentences returns the sentences of the body (between header and footer).
func (e *editor) sentences() []span {
	return sentenceSpans(e.cur, e.head, len(e.cur)-e.foot)
}
