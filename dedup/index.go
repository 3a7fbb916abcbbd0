package dedup

import (
	"slices"
	"sort"
)

// bandIndex maps LSH band keys to the first document that had them. It is
// the in-memory side of the near-duplicate rule and is built to cost little
// more than its payload (an 8-byte key and a 4-byte document reference per
// entry), so that tens of millions of documents fit on one node:
//
//   - entries live in 256 segments chosen by the key's top byte;
//   - a segment is a sorted array of keys with a parallel array of refs and
//     a directory of offsets, one per 16 to 32 keys, by the key's next bits
//     (band keys are uniform 64-bit hashes), so a lookup reads the
//     directory and one or two cache lines of keys;
//   - new entries go into a small per-segment map, merged into the sorted
//     arrays once it holds 1/64 of them, so the arrays are rebuilt at
//     their exact size and the maps add under 1 byte per entry; a merge
//     copies one segment, 1/256 of the index, and costs about 64 copied
//     entries per insert.
type bandIndex struct {
	segs [256]segment
	n    int64 // entries
}

type segment struct {
	keys  []uint64 // sorted
	refs  []uint32
	dir   []uint32 // dir[b] is the first i with bucket(keys[i]) >= b; len 2^shift + 1
	shift uint     // directory bits
	pend  map[uint64]uint32
}

// minPending is the pending map size below which a segment never merges.
const minPending = 512

// get returns the ref stored for key.
func (x *bandIndex) get(key uint64) (uint32, bool) {
	s := &x.segs[key>>56]
	if r, ok := s.pend[key]; ok {
		return r, true
	}
	if len(s.keys) == 0 {
		return 0, false
	}
	b := key << 8 >> (64 - s.shift)
	lo, hi := int(s.dir[b]), int(s.dir[b+1])
	if i, ok := search(s.keys[lo:hi], key); ok {
		return s.refs[lo+i], true
	}
	return 0, false
}

// put stores ref under key, which must not be in the index.
func (x *bandIndex) put(key uint64, ref uint32) {
	s := &x.segs[key>>56]
	if s.pend == nil {
		s.pend = make(map[uint64]uint32)
	}
	s.pend[key] = ref
	x.n++
	if len(s.pend) >= max(minPending, len(s.keys)/64) {
		s.merge()
	}
}

// merge folds the pending entries into the sorted arrays.
func (s *segment) merge() {
	if len(s.pend) == 0 {
		return
	}
	add := make([]uint64, 0, len(s.pend))
	for k := range s.pend {
		add = append(add, k)
	}
	slices.Sort(add)
	n := len(s.keys) + len(add)
	keys := make([]uint64, n)
	refs := make([]uint32, n)
	i, j := 0, 0
	for o := 0; o < n; o++ {
		if j == len(add) || (i < len(s.keys) && s.keys[i] < add[j]) {
			keys[o], refs[o] = s.keys[i], s.refs[i]
			i++
		} else {
			keys[o], refs[o] = add[j], s.pend[add[j]]
			j++
		}
	}
	s.keys, s.refs = keys, refs
	clear(s.pend) // keeps its buckets: it fills up again to the same size
	s.index()
}

// index builds the directory of the sorted keys: 16 to 32 keys per bucket.
func (s *segment) index() {
	n := len(s.keys)
	s.shift = 0
	for n>>(s.shift+5) > 0 && s.shift < 56 {
		s.shift++
	}
	s.dir = make([]uint32, 1<<s.shift+1)
	i := 0
	for b := range s.dir {
		for i < n && s.keys[i]<<8>>(64-s.shift) < uint64(b) {
			i++
		}
		s.dir[b] = uint32(i)
	}
}

// build fills an empty index from keys in ascending order (no duplicates)
// and their refs. The segments share the two arrays: the index must not
// be added to afterwards.
func (x *bandIndex) build(keys []uint64, refs []uint32) {
	for lo := 0; lo < len(keys); {
		top := keys[lo] >> 56
		hi := lo
		for hi < len(keys) && keys[hi]>>56 == top {
			hi++
		}
		s := &x.segs[top]
		s.keys = keys[lo:hi:hi]
		s.refs = refs[lo:hi:hi]
		s.index()
		x.n += int64(hi - lo)
		lo = hi
	}
}

// search finds key in the sorted keys by interpolation, falling back to
// binary search on a narrowed range.
func search(keys []uint64, key uint64) (int, bool) {
	lo, hi := 0, len(keys)-1
	for steps := 0; lo <= hi && steps < 4; steps++ {
		a, b := keys[lo], keys[hi]
		if key < a || key > b {
			return 0, false
		}
		if a == b {
			break
		}
		// position estimate, in floating point to avoid overflow
		f := float64(key-a) / float64(b-a)
		m := lo + int(f*float64(hi-lo))
		m = min(max(m, lo), hi)
		switch {
		case keys[m] == key:
			return m, true
		case keys[m] < key:
			lo = m + 1
		default:
			hi = m - 1
		}
	}
	if lo > hi {
		return 0, false
	}
	i := lo + sort.Search(hi-lo+1, func(i int) bool { return keys[lo+i] >= key })
	return i, i <= hi && keys[i] == key
}

// len returns the number of entries.
func (x *bandIndex) len() int64 { return x.n }

// bytes estimates the memory the index holds: the arrays at their capacity
// and the pending maps at about 40 bytes per entry (a Go map of uint64 to
// uint32 between its load limits).
func (x *bandIndex) bytes() int64 {
	var b int64
	for i := range x.segs {
		s := &x.segs[i]
		b += int64(cap(s.keys))*8 + int64(cap(s.refs))*4 + int64(cap(s.dir))*4 + int64(len(s.pend))*40
	}
	return b
}

// sigStore keeps the signatures of the documents that are some band's
// first, for verification: the low 16 bits of each of the K values (see
// minMatches for the estimate), in chunks so that growing never copies it.
type sigStore struct {
	k      int
	chunks [][]uint16
	n      uint32
}

const sigChunkDocs = 1 << 14

// add stores sig and returns its ref.
func (s *sigStore) add(sig []uint32) uint32 {
	c := int(s.n / sigChunkDocs)
	if c == len(s.chunks) {
		s.chunks = append(s.chunks, make([]uint16, 0, sigChunkDocs*s.k))
	}
	for _, v := range sig {
		s.chunks[c] = append(s.chunks[c], uint16(v))
	}
	s.n++
	return s.n - 1
}

// addCompact stores a compact signature and returns its ref.
func (s *sigStore) addCompact(sig []uint16) uint32 {
	c := int(s.n / sigChunkDocs)
	if c == len(s.chunks) {
		s.chunks = append(s.chunks, make([]uint16, 0, sigChunkDocs*s.k))
	}
	s.chunks[c] = append(s.chunks[c], sig...)
	s.n++
	return s.n - 1
}

// compact returns the stored signature ref.
func (s *sigStore) compact(ref uint32) []uint16 {
	off := int(ref%sigChunkDocs) * s.k
	return s.chunks[ref/sigChunkDocs][off : off+s.k]
}

// matches counts the positions where sig equals stored signature ref.
func (s *sigStore) matches(ref uint32, sig []uint32) int {
	off := int(ref%sigChunkDocs) * s.k
	stored := s.chunks[ref/sigChunkDocs][off : off+s.k]
	m := 0
	for i, v := range stored {
		if v == uint16(sig[i]) {
			m++
		}
	}
	return m
}

func (s *sigStore) bytes() int64 {
	var b int64
	for _, c := range s.chunks {
		b += int64(cap(c)) * 2
	}
	return b
}
