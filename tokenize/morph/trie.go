package morph

import (
	"errors"
	"fmt"
)

// The trie is a double array over bytes in 32-bit units, in the style of
// darts-clone: every node has its own base (no two nodes share one), so a
// unit needs to remember only the byte that leads to it, not its parent.
//
//	node unit:  bits 0-7 label (the byte leading here), bit 8 terminal,
//	            bits 9-31 base (children of the node are at base+byte)
//	value unit: at base+0 of a terminal node; bits 8-31 the first morph of
//	            the key (label bits 0, so no walk ever lands on it)
//
// Unused units are 0. The root is unit 0. A walk from node u over byte c
// (c != 0) goes to unit base(u)+c and is valid iff that unit's label is c.
// The array is padded so that base+255 is always inside it.
const (
	unitLabelMask = 0xff
	unitTerminal  = 1 << 8
	unitBaseShift = 9
	unitValShift  = 8
	maxUnitBase   = 1<<(32-unitBaseShift) - 1
	maxUnitValue  = 1<<(32-unitValShift) - 1
)

// trieNode is a node of a trie to lay out: its children are
// edges[first:first+n], sorted by label; value is the first morph of the key
// ending here, or -1.
type trieNode struct {
	first, n int32
	value    int32
}

type trieEdge struct {
	label byte
	child int32
}

// trieSource is a trie in plain form, node 0 the root.
type trieSource struct {
	nodes []trieNode
	edges []trieEdge
}

// daBuilder lays nodes out in a double array. Free units form a doubly
// linked list in index order; a free unit that failed as the first
// candidate too often is dropped from the list (it stays unused), which
// bounds the search time.
type daBuilder struct {
	units    []uint32
	used     []bool
	isBase   []bool
	next     []int32 // free list: next free unit, or -1
	prev     []int32
	fails    []uint8
	head     int32
	tail     int32
	maxBase  int
	occupied int
}

const freeFailLimit = 32

func newDABuilder() *daBuilder {
	b := &daBuilder{head: -1, tail: -1}
	b.grow(1 << 16)
	b.take(0) // the root
	return b
}

// grow extends the arrays to n units, appending the new ones to the free list.
func (b *daBuilder) grow(n int) {
	old := len(b.units)
	if n <= old {
		return
	}
	b.units = append(b.units, make([]uint32, n-old)...)
	b.used = append(b.used, make([]bool, n-old)...)
	b.isBase = append(b.isBase, make([]bool, n-old)...)
	b.next = append(b.next, make([]int32, n-old)...)
	b.prev = append(b.prev, make([]int32, n-old)...)
	b.fails = append(b.fails, make([]uint8, n-old)...)
	for i := int32(old); i < int32(n); i++ {
		b.prev[i], b.next[i] = b.tail, -1
		if b.tail >= 0 {
			b.next[b.tail] = i
		} else {
			b.head = i
		}
		b.tail = i
	}
}

// unlink removes free unit i from the free list; prev -2 marks "not listed".
func (b *daBuilder) unlink(i int32) {
	p, n := b.prev[i], b.next[i]
	if p == -2 {
		return
	}
	if p >= 0 {
		b.next[p] = n
	} else {
		b.head = n
	}
	if n >= 0 {
		b.prev[n] = p
	} else {
		b.tail = p
	}
	b.prev[i], b.next[i] = -2, -1
}

func (b *daBuilder) take(i int) {
	if i >= len(b.units) {
		b.grow(max(2*len(b.units), i+256))
	}
	b.used[i] = true
	b.occupied++
	b.unlink(int32(i))
}

// fits reports whether base can hold children with the given labels.
func (b *daBuilder) fits(base int, labels []byte) bool {
	if base < 1 || base > maxUnitBase || (base < len(b.isBase) && b.isBase[base]) {
		return false
	}
	for _, c := range labels {
		if i := base + int(c); i < len(b.used) && b.used[i] {
			return false
		}
	}
	return true
}

// findBase returns a free base for children with the sorted labels.
func (b *daBuilder) findBase(labels []byte) (int, error) {
	first := int(labels[0])
	for f := b.head; ; {
		if f < 0 {
			// no free unit left in the list: extend the array
			f = int32(len(b.units))
			b.grow(2 * len(b.units))
		}
		base := int(f) - first
		if b.fits(base, labels) {
			return base, nil
		}
		nf := b.next[f]
		if b.fails[f]++; b.fails[f] >= freeFailLimit {
			b.unlink(f)
		}
		f = nf
		if base > maxUnitBase {
			return 0, errors.New("morph: trie too large for 23-bit bases")
		}
	}
}

// buildDoubleArray lays out src.
func buildDoubleArray(src *trieSource) ([]uint32, error) {
	b := newDABuilder()
	var labels []byte
	var place func(node int32, unit int) error
	place = func(node int32, unit int) error {
		tn := src.nodes[node]
		edges := src.edges[tn.first : tn.first+tn.n]
		labels = labels[:0]
		if tn.value >= 0 {
			labels = append(labels, 0)
		}
		for _, e := range edges {
			if e.label == 0 {
				return errors.New("morph: trie key contains a NUL byte")
			}
			labels = append(labels, e.label)
		}
		if len(labels) == 0 {
			return nil
		}
		base, err := b.findBase(labels)
		if err != nil {
			return err
		}
		b.isBase[base] = true
		b.maxBase = max(b.maxBase, base)
		b.units[unit] |= uint32(base) << unitBaseShift
		if tn.value >= 0 {
			if tn.value > maxUnitValue {
				return fmt.Errorf("morph: morph id %d too large for the trie", tn.value)
			}
			b.units[unit] |= unitTerminal
			b.take(base)
			b.units[base] = uint32(tn.value) << unitValShift
		}
		for _, e := range edges {
			b.take(base + int(e.label))
			b.units[base+int(e.label)] = uint32(e.label)
		}
		for _, e := range edges {
			if err := place(e.child, base+int(e.label)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(src.nodes) > 0 {
		if err := place(0, 0); err != nil {
			return nil, err
		}
	}
	n := b.maxBase + 256
	for i := n; i < len(b.used); i++ {
		if b.used[i] {
			n = i + 1
		}
	}
	units := make([]uint32, n)
	copy(units, b.units)
	return units, nil
}

// lookup calls f with the first morph and the length of every key that is
// a prefix of s, shortest first. A NUL byte ends the search (as in kagome's
// trie, whose keys cannot contain one). The user dictionary uses it;
// Analyzer.matches walks the system trie the same way, inlined, with the
// first rune from a table.
func lookup(units []uint32, s string, f func(first int32, n int)) {
	u := units[0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 {
			return
		}
		u = units[int(u>>unitBaseShift)+int(c)]
		if u&unitLabelMask != uint32(c) {
			return
		}
		if u&unitTerminal != 0 {
			f(int32(units[u>>unitBaseShift]>>unitValShift), i+1)
		}
	}
}
