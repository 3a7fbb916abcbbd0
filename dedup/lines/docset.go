package lines

// docSet is the reusable scratch that makes AddDocument count a line once
// per document: a linear-probing set of the keys seen in the current
// document. A slot belongs to the current document when its stamp equals gen,
// so starting the next document is one increment, not a clear.
type docSet struct {
	slots []docSlot // length a power of two, at most half full
	gen   uint32
	n     int // keys of the current document
}

type docSlot struct {
	key uint64
	gen uint32
}

// minDocSlots is the initial scratch size: room for 32 distinct lines.
const minDocSlots = 64

// reset starts a new document.
func (s *docSet) reset() {
	s.n = 0
	s.gen++
	if s.gen == 0 { // wrapped: stamps of old documents could match again
		clear(s.slots)
		s.gen = 1
	}
}

// add adds k to the current document and reports whether it was new.
func (s *docSet) add(k uint64) bool {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.gen != s.gen {
			*sl = docSlot{key: k, gen: s.gen}
			s.n++
			return true
		}
		if sl.key == k {
			return false
		}
	}
}

// grow doubles the slots, keeping the current document's keys.
func (s *docSet) grow() {
	old := s.slots
	s.slots = make([]docSlot, max(minDocSlots, 2*len(old)))
	if s.gen == 0 {
		s.gen = 1
	}
	s.n = 0
	for _, sl := range old {
		if sl.gen == s.gen {
			s.add(sl.key)
		}
	}
}
