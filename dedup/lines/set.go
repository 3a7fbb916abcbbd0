package lines

import (
	"math/bits"
	"slices"
)

// Set is a set of boilerplate line keys with the Options that decide which
// lines Strip looks up. It is immutable, so one Set may serve many
// goroutines, each stripping with its own Tally.
//
// The keys are kept sorted, with a bucket index on their top bits: keys are
// uniform hashes, so a lookup reads about one bucket of one or two keys.
// Memory: 8 bytes per key plus 8 to 16 for the index.
type Set struct {
	opt   Options
	keys  []uint64 // ascending, distinct
	start []int    // keys[start[b]:start[b+1]] are those with key>>shift == b
	shift uint
}

// NewSet returns the set of keys (in any order, repeats allowed), as read
// back from files written from a Select, under o (completed by
// WithDefaults).
func NewSet(o Options, keys []uint64) *Set {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return newSortedSet(o.WithDefaults(), slices.Compact(keys))
}

// newSortedSet indexes keys, ascending and distinct, which it keeps.
func newSortedSet(o Options, keys []uint64) *Set {
	lg := bits.Len(uint(max(len(keys)-1, 0))) // buckets: the power of two >= len(keys)
	s := &Set{opt: o, keys: keys, start: make([]int, 1<<lg+1), shift: uint(64 - lg)}
	i := 0
	for b := range s.start {
		for i < len(keys) && keys[i]>>s.shift < uint64(b) {
			i++
		}
		s.start[b] = i
	}
	return s
}

// Len returns the number of keys.
func (s *Set) Len() int { return len(s.keys) }

// Keys returns the keys in ascending order, in a new slice.
func (s *Set) Keys() []uint64 { return slices.Clone(s.keys) }

// Contains reports whether key is in s.
func (s *Set) Contains(key uint64) bool {
	if len(s.keys) == 0 {
		return false
	}
	b := key >> s.shift // shift 64 (one bucket) gives 0
	ks := s.keys[s.start[b]:s.start[b+1]]
	if len(ks) > 8 {
		_, ok := slices.BinarySearch(ks, key)
		return ok
	}
	for _, k := range ks {
		if k == key {
			return true
		}
	}
	return false
}
