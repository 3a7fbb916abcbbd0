package lines

import (
	"math"
	"math/bits"
)

// table maps uint64 keys to positive counts. It is an ordered linear-probing
// hash table (Amble and Knuth, "Ordered hash tables", The Computer Journal
// 17(2), 1974) whose home slot is monotone in the key:
//
//	home(k) = ⌊k · span / 2⁶⁴⌋
//
// Keys are XXH3 hashes, so they spread evenly over the home slots. Probing
// runs only forward and never wraps (the slice has spare slots after the last
// home, and grows at its end when they run out), and insertion keeps every
// run of occupied slots sorted by shifting the rest of the run one slot
// right. Together these keep the occupied slots in ascending key order
// across the whole slice: a key k sits at or after home(k), and every key
// between home(k) and its slot is smaller. So the table is iterated in key
// order, and over a key range [lo, hi], by a plain scan from home(lo), with
// no sorting and no extra memory, and a merge of two tables is a linear
// merge of two sorted sequences.
//
// The price of a monotone home is that the table relies on the keys being
// spread: keys crowded into a narrow range (possible only by crafting lines
// whose XXH3 hashes collide in their top bits) form one long run, and
// inserting into it costs time linear in its length. While the table grows,
// the old and the new slices coexist.
//
// A slot holds the key (0 = empty; key 0 is counted in zero) and a 32-bit
// count. A count of 2³²-1 or more is kept in big instead, so the usual
// counts cost 12 bytes per slot while any int64 count remains exact.
type table struct {
	keys  []uint64 // ascending where non-zero; 0 = empty slot
	cnts  []uint32 // the count of keys[i], or bigCount: see big
	span  uint64   // number of home slots; 0 until the first key
	n     int      // occupied slots
	limit int      // n at which the table grows
	big   map[uint64]int64
	zero  int64 // count of key 0
}

const (
	bigCount = math.MaxUint32 // cnts marker: the count is in big
	minSpan  = 256            // home slots of a new table
	spare    = 64             // slots added after the homes, and when they run out
	// The table grows when maxLoadNum/maxLoadDen of the home slots are
	// occupied, to growNum/growDen times as many. Between the loads 0.8
	// and 0.53 an entry costs 12/load = 15 to 23 bytes.
	maxLoadNum, maxLoadDen = 4, 5
	growNum, growDen       = 3, 2
)

// home returns the home slot of k.
func (t *table) home(k uint64) int {
	hi, _ := bits.Mul64(k, t.span)
	return int(hi)
}

// reset makes t an empty table with span home slots and room for n entries.
func (t *table) reset(span uint64) {
	t.span = span
	t.keys = make([]uint64, span+spare)
	t.cnts = make([]uint32, span+spare)
	t.n = 0
	t.limit = int(span * maxLoadNum / maxLoadDen)
}

// spanFor returns the home slots for n entries right after a rebuild.
func spanFor(n int) uint64 {
	return max(minSpan, uint64(n)*growNum/growDen+1)
}

// len returns the number of distinct keys.
func (t *table) len() int {
	if t.zero > 0 {
		return t.n + 1
	}
	return t.n
}

// add adds d > 0 to the count of k.
func (t *table) add(k uint64, d int64) {
	if k == 0 {
		t.zero = satAdd(t.zero, d)
		return
	}
	if t.span == 0 {
		t.reset(minSpan)
	}
	keys := t.keys
	i := t.home(k)
	for i < len(keys) && keys[i] != 0 && keys[i] < k {
		i++
	}
	if i < len(keys) && keys[i] == k {
		t.bump(i, d)
		return
	}
	if t.n >= t.limit {
		t.grow()
		t.add(k, d)
		return
	}
	j := i // the first empty slot of the run: the run [i, j) moves right
	for j < len(keys) && keys[j] != 0 {
		j++
	}
	if j == len(keys) {
		t.extend()
		keys = t.keys
	}
	copy(keys[i+1:j+1], keys[i:j])
	copy(t.cnts[i+1:j+1], t.cnts[i:j])
	keys[i] = k
	t.cnts[i] = 0
	t.n++
	t.bump(i, d)
}

// bump adds d > 0 to the count in slot i.
func (t *table) bump(i int, d int64) {
	c := t.cnts[i]
	if c == bigCount {
		t.big[t.keys[i]] = satAdd(t.big[t.keys[i]], d)
		return
	}
	t.set(i, satAdd(int64(c), d))
}

// set stores count v > 0 in slot i (whose key is set).
func (t *table) set(i int, v int64) {
	if v < bigCount {
		t.cnts[i] = uint32(v)
		return
	}
	if t.big == nil {
		t.big = make(map[uint64]int64)
	}
	t.big[t.keys[i]] = v
	t.cnts[i] = bigCount
}

// count returns the count in slot i (whose key is set).
func (t *table) count(i int) int64 {
	if c := t.cnts[i]; c != bigCount {
		return int64(c)
	}
	return t.big[t.keys[i]]
}

// get returns the count of k (0 when absent).
func (t *table) get(k uint64) int64 {
	if k == 0 {
		return t.zero
	}
	if t.span == 0 {
		return 0
	}
	for i := t.home(k); i < len(t.keys) && t.keys[i] != 0 && t.keys[i] <= k; i++ {
		if t.keys[i] == k {
			return t.count(i)
		}
	}
	return 0
}

// extend adds spare empty slots at the end.
func (t *table) extend() {
	t.keys = append(t.keys, make([]uint64, spare)...)
	t.cnts = append(t.cnts, make([]uint32, spare)...)
}

// grow rebuilds t with more home slots. The keys are already sorted, so each
// goes to max(its new home, the slot after the previous key).
func (t *table) grow() {
	old := *t
	t.reset(max(spanFor(old.n), old.span*growNum/growDen))
	next := 0
	for i, k := range old.keys {
		if k != 0 {
			next = t.place(next, k) + 1
			t.cnts[next-1] = old.cnts[i] // the bigCount marker stays valid: big is kept
		}
	}
}

// place puts k, greater than every key already placed, at max(home(k),
// next) and returns its slot. Counts are left to the caller.
func (t *table) place(next int, k uint64) int {
	i := max(t.home(k), next)
	for i >= len(t.keys) {
		t.extend()
	}
	t.keys[i] = k
	t.n++
	return i
}

// each calls fn for the keys in [lo, hi] in ascending order until fn
// returns false; it reports whether fn never did.
func (t *table) each(lo, hi uint64, fn func(k uint64, v int64) bool) bool {
	if lo > hi {
		return true
	}
	if lo == 0 && t.zero > 0 && !fn(0, t.zero) {
		return false
	}
	if t.span == 0 {
		return true
	}
	for i := t.home(max(lo, 1)); i < len(t.keys); i++ {
		k := t.keys[i]
		if k == 0 || k < lo {
			continue
		}
		if k > hi {
			return true
		}
		if !fn(k, t.count(i)) {
			return false
		}
	}
	return true
}

// merge adds o's counts to t. When o is small next to t its keys are
// inserted one by one; otherwise (always when o is t and holds a slot) both
// sorted sequences are merged into a new table in one pass.
func (t *table) merge(o *table) {
	if o.n <= t.n/16 {
		o.each(0, math.MaxUint64, func(k uint64, v int64) bool {
			t.add(k, v)
			return true
		})
		return
	}
	union := 0
	mergeSorted(t, o, func(uint64, int64) { union++ })
	var m table
	m.zero = satAdd(t.zero, o.zero)
	m.reset(spanFor(union))
	next := 0
	mergeSorted(t, o, func(k uint64, v int64) {
		next = m.place(next, k) + 1
		m.set(next-1, v)
	})
	*t = m
}

// mergeSorted calls fn for every non-zero key of a or b in ascending order,
// with the sum of its counts.
func mergeSorted(a, b *table, fn func(k uint64, v int64)) {
	i, j := 0, 0
	for {
		for i < len(a.keys) && a.keys[i] == 0 {
			i++
		}
		for j < len(b.keys) && b.keys[j] == 0 {
			j++
		}
		switch {
		case i == len(a.keys) && j == len(b.keys):
			return
		case j == len(b.keys) || i < len(a.keys) && a.keys[i] < b.keys[j]:
			fn(a.keys[i], a.count(i))
			i++
		case i == len(a.keys) || b.keys[j] < a.keys[i]:
			fn(b.keys[j], b.count(j))
			j++
		default:
			fn(a.keys[i], satAdd(a.count(i), b.count(j)))
			i++
			j++
		}
	}
}

// satAdd returns a+b for non-negative a and b, or math.MaxInt64 when the
// sum overflows.
func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxInt64
}
