package filters

// Character n-gram statistics of quality.py (2d03507): top_{2,3,4}gram and
// duplicate_{5..10}gram_character_fraction (quality.py:29-30, 62-71; see
// docs/presets/swallow.md §3.4, §4.1).
//
// The n-grams are counted exactly, with no string and no map. Pass n
// gives each position it hashes the class of its n-gram: the slot of that
// n-gram in the pass's table. The (n+1)-gram at i is then the pair (class,
// code point i+n), an exact key (slot index << 21 | code point), so two
// different n-grams never share a key. An n-gram that occurs once makes
// every longer n-gram at its position occur once too, and so does a
// once-only n-gram at the next position, so pass n+1 hashes only the
// positions whose n-gram and whose right neighbour's n-gram repeat (every
// occurrence of a repeated (n+1)-gram is among them, so its count is exact)
// and counts every other position as a distinct, once-only n-gram. Most
// documents use packedTable (8-byte slots, key and count in one word);
// passes over more than maxPacked positions use ngramTable.

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
// maxPacked positions: a slot is key << packedCountBits | count, 0 when
// empty. With size = 2^b slots (b <= 21) a key is below 2^42 (two code
// points, or a slot index below 2^21 and a code point) and a count at most
// size/2 <= 2^20 fits in the low packedCountBits bits.
type packedTable struct {
	all   []uint64
	slots []uint64
	shift uint
}

// packedCountBits is where a packedTable slot's key starts: a constant, so
// that the shifts of a pass take no register (42 key bits + 22).
const (
	packedCountBits = 22
	packedCountMask = 1<<packedCountBits - 1
)

// maxPacked is the most positions a packedTable pass takes (a variable so
// that a test can send small documents through ngramTable).
var maxPacked = 1 << 20

func (t *packedTable) reset(n int) {
	size, b := 16, uint(4)
	for size < 2*n {
		size <<= 1
		b++
	}
	if size > len(t.all) {
		t.all = make([]uint64, size)
	}
	t.slots, t.shift = t.all[:size], 64-b
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
func packedPass(slots []uint64, sh uint, keys []uint64) (top, distinct, dup int, sink uint64) {
	sh &= 63
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
			if b2i(v == 0)|b2i(v>>packedCountBits == k) != 0 {
				c = v&packedCountMask + 1
				slots[j] = k<<packedCountBits | c
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

// packedNext writes the positions and keys of the pass after n in place
// over live and keys (whose keys packedPass has replaced by slots) and
// returns their number: position live[x-1] is kept, decided at x, when its
// n-gram and that of the next position both repeat. Its own function, and
// without a branch (a short-circuit && would be one, taken at random), for
// the same reasons as packedPass.
func packedNext(slots []uint64, live []int32, keys []uint64, rx []rune, n int) int {
	w := 0
	pi, pj, prep := int32(-2), uint64(0), 0
	for x, i := range live {
		j := keys[x]
		rep := b2i(slots[j]&packedCountMask > 1)
		live[w] = pi
		keys[w] = pj<<21 | uint64(rx[int(pi)+n])
		w += prep & rep & b2i(i == pi+1)
		pi, pj, prep = i, j, rep
	}
	return w
}

// prefetchAhead is how many positions ahead a pass reads a slot early.
const prefetchAhead = 8

// ngrams fills sc.Top2to4 and sc.Dup5to10 for the code points rs.
//
// Pass n hashes the live positions, those whose n-gram may repeat; every
// other position below count = L-n+1 holds an n-gram known to occur once.
// The n-gram at i is the (n-1)-gram at i followed by a code point and also
// the code point i followed by the (n-1)-gram at i+1, so the (n+1)-gram at
// i can repeat only when the n-grams at i and i+1 both repeat: those
// positions are the next pass's live ones (and i+1 < count implies i <
// count-1, so the shorter range needs no other check).
func (m *swallowMeter) ngrams(sc *SwallowScores, rs []rune) {
	L := len(rs)
	if L < 2 {
		return // no n-gram: the fractions stay 0, as the reference's guard gives
	}
	rx := append(rs, 0) // rx[L] = 0: a key made for a position that is dropped anyway
	m.runes = rx[:L]
	if cap(m.keys) < L {
		m.keys = make([]uint64, L)
		m.pos = make([]int32, L)
	}
	live, keys := m.pos[:L-1], m.keys[:L-1]
	for i := range live {
		live[i] = int32(i)
		keys[i] = uint64(rs[i])<<21 | uint64(rs[i+1])
	}
	for n := 2; n <= 10; n++ {
		count := L - n + 1
		if count <= 0 {
			break
		}
		once := count - len(live) // distinct n-grams that occur once, outside the table
		top, distinct, dup := 0, once, 0
		if once > 0 {
			top = 1
		}
		w := 0
		if len(live) <= maxPacked {
			t := &m.ptab
			t.reset(len(live))
			tp, d1, d2, sink := packedPass(t.slots, t.shift, keys)
			m.sink += sink
			top, distinct, dup = max(top, tp), distinct+d1, dup+d2
			w = packedNext(t.slots, live, keys, rx, n)
		} else {
			t := &m.tab
			t.reset(len(live))
			for x, k := range keys {
				j, c := t.add(k)
				keys[x] = uint64(j)
				top = max(top, int(c))
				switch c {
				case 1:
					distinct++
				case 2:
					dup++
				}
			}
			pi, pj, prep := int32(-2), uint64(0), false
			for x, i := range live {
				j := keys[x]
				rep := t.slots[j].count > 1
				if prep && rep && i == pi+1 {
					live[w] = pi
					keys[w] = pj<<21 | uint64(rx[int(pi)+n])
					w++
				}
				pi, pj, prep = i, j, rep
			}
		}
		live, keys = live[:w], keys[:w]
		if n <= 4 {
			sc.Top2to4[n-2] = frac(top, count)
		} else {
			sc.Dup5to10[n-5] = frac(dup, distinct)
		}
	}
}
