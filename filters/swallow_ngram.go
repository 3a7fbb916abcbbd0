package filters

// Character n-gram statistics of quality.py (2d03507): top_{2,3,4}gram and
// duplicate_{5..10}gram_character_fraction (quality.py:29-30, 62-71; see
// docs/presets/swallow.md §3.4, §4.1).
//
// The n-grams are counted exactly, with no string and no map. Position i
// holds the class of its n-gram: the slot of that n-gram in the table of
// pass n. The (n+1)-gram at i is then the pair (class, rune i+n), an exact
// 53-bit key (slot index << 21 | code point), so two different n-grams
// never share a key. An n-gram that occurs once makes every longer n-gram
// at its position occur once too, so pass n+1 hashes only the positions
// whose n-gram repeats (every occurrence of a repeated (n+1)-gram is among
// them, so its count is exact) and adds the others as distinct, once-only
// n-grams.

// ngramSlot is one slot of ngramTable: 16 bytes, so four share a cache line.
type ngramSlot struct {
	key   uint64
	count uint32
	gen   uint32 // the slot is empty unless gen is the table's
}

// ngramTable counts the n-grams of one pass. It never grows: reset sizes it
// for every key the pass can add, so slot indices are stable class ids.
type ngramTable struct {
	all   []ngramSlot
	slots []ngramSlot // all[:size] for the current pass
	gen   uint32
	shift uint
}

// reset prepares the table for at most n distinct keys (load <= 1/2).
func (t *ngramTable) reset(n int) {
	size, shift := 16, uint(60)
	for size < 2*n {
		size <<= 1
		shift--
	}
	if size > len(t.all) {
		t.all = make([]ngramSlot, size)
		t.gen = 0
	}
	t.gen++
	if t.gen == 0 { // wrapped: clear for real
		clear(t.all)
		t.gen = 1
	}
	t.slots, t.shift = t.all[:size], shift
}

// add counts k and returns its slot and its count so far.
func (t *ngramTable) add(k uint64) (int, uint32) {
	slots, gen := t.slots, t.gen
	mask := len(slots) - 1
	for j := int((k * 0x9E3779B97F4A7C15) >> t.shift); ; j = (j + 1) & mask {
		s := &slots[j]
		if s.gen != gen {
			*s = ngramSlot{key: k, count: 1, gen: gen}
			return j, 1
		}
		if s.key == k {
			s.count++
			return j, s.count
		}
	}
}

// packedTable is ngramTable in 8-byte slots, for passes of at most
// maxPacked positions: a slot is key << cbits | count, 0 when empty. With
// size = 2^b slots (b <= 21) a key is below 2^42 (two code points, or a
// slot index below 2^21 and a code point) and a count at most size/2 fits
// in cbits = b bits.
type packedTable struct {
	all   []uint64
	slots []uint64
	shift uint
	cbits uint
}

// maxPacked is the most positions a packedTable pass takes.
const maxPacked = 1 << 20

func (t *packedTable) reset(n int) {
	size, b := 16, uint(4)
	for size < 2*n {
		size <<= 1
		b++
	}
	if size > len(t.all) {
		t.all = make([]uint64, size)
	}
	t.slots, t.shift, t.cbits = t.all[:size], 64-b, b
	clear(t.slots)
}

// b2i is 1 for true, 0 for false, without a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// packedPass counts the n-gram keys in slots and replaces each key by its
// slot, the n-gram's class. It is a function of its own so that its
// variables stay in registers, and it reads only keys and slots. It returns
// the largest count, the new distinct n-grams and those that reached a
// count of 2. It reads the home slot of the key prefetchAhead further
// early, so that its cache miss overlaps this work.
func packedPass(slots []uint64, cb, sh uint, keys []uint64) (top, distinct, dup int, sink uint64) {
	cb, sh = cb&63, sh&63
	mask := len(slots) - 1
	for x, k := range keys {
		if y := x + prefetchAhead; y < len(keys) {
			sink += slots[int((keys[y]*0x9E3779B97F4A7C15)>>sh)&mask]
		}
		j := int((k*0x9E3779B97F4A7C15)>>sh) & mask
		var c uint64
		for {
			// the slot at home is usually k's or empty (load <= 1/2): one
			// well-predicted branch takes both cases
			v := slots[j]
			if b2i(v == 0)|b2i(v>>cb == k) != 0 {
				c = v&(1<<cb-1) + 1
				slots[j] = k<<cb | c
				break
			}
			j = (j + 1) & mask
		}
		keys[x] = uint64(j)
		top = max(top, int(c))
		distinct += b2i(c == 1)
		dup += b2i(c == 2)
	}
	return top, distinct, dup, sink
}

// prefetchAhead is how many positions ahead a pass reads a slot early.
const prefetchAhead = 8

// count returns the count in slot j.
func (t *packedTable) count(j uint32) uint64 { return t.slots[j] & (1<<t.cbits - 1) }

// ngrams fills sc.Top2to4 and sc.Dup5to10 for the code points rs.
func (m *swallowMeter) ngrams(sc *SwallowScores, rs []rune) {
	L := len(rs)
	if cap(m.single) < L+1 {
		m.cls = make([]uint32, L)
		m.pos = make([]int32, L)
		m.keys = make([]uint64, L)
		m.single = make([]bool, L+1)
	}
	cls, pos, single := m.cls[:L], m.pos[:L], m.single[:L+1]
	for i, r := range rs {
		cls[i] = uint32(r)
		pos[i] = int32(i)
	}
	live := pos
	once := 0 // positions below count whose n-gram is known to occur once
	for n := 2; n <= 10; n++ {
		count := L - n + 1
		if count <= 0 {
			break // the fractions stay 0, as the reference's guard gives
		}
		if single[count] { // the last position is gone
			once--
		}
		if k := len(live); k > 0 && int(live[k-1]) >= count {
			live = live[:k-1] // positions ascend: only the last can be out
		}
		if n > 2 {
			// the n-gram at i ends with the (n-1)-gram at i+1: when that
			// occurs once, so does this one (read before this loop marks
			// i+1, as positions ascend)
			w := 0
			for _, i := range live {
				s := single[i+1]
				live[w] = i
				w += b2i(!s)
				single[i] = s
			}
			once += len(live) - w
			live = live[:w]
		}
		distinct, dup := once, 0
		top := 0
		if once > 0 {
			top = 1
		}
		if len(live) <= maxPacked {
			t := &m.ptab
			t.reset(len(live))
			keys, next := m.keys[:len(live)], rs[n-1:]
			for x, i := range live {
				keys[x] = uint64(cls[i])<<21 | uint64(next[i])
			}
			tp, d1, d2, sink := packedPass(t.slots, t.cbits, t.shift, keys)
			m.sink += sink
			top, distinct, dup = max(top, tp), distinct+d1, dup+d2
			// keep the positions whose n-gram repeats, without branches
			w := 0
			for x, i := range live {
				j := uint32(keys[x])
				cls[i] = j
				rep := t.count(j) > 1
				live[w] = i
				w += b2i(rep)
				single[i] = !rep
			}
			once += len(live) - w
			live = live[:w]
		} else {
			t := &m.tab
			t.reset(len(live))
			for _, i := range live {
				j, c := t.add(uint64(cls[i])<<21 | uint64(rs[int(i)+n-1]))
				cls[i] = uint32(j)
				top = max(top, int(c))
				switch c {
				case 1:
					distinct++
				case 2:
					dup++
				}
			}
			kept := live[:0]
			for _, i := range live {
				if t.slots[cls[i]].count > 1 {
					kept = append(kept, i)
				} else {
					single[i] = true
					once++
				}
			}
			live = kept
		}
		if n <= 4 {
			sc.Top2to4[n-2] = frac(top, count)
		} else {
			sc.Dup5to10[n-5] = frac(dup, distinct)
		}
	}
	clear(single)
}
