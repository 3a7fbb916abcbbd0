package morph

import "math"

// The lattice, as kagome builds and searches it (kagome
// tokenizer/lattice/lattice.go, Build and Forward), with the same costs and
// tie-breaking, organised for speed:
//
//   - Nodes are kept per end position (byte offset) in insertion order; a
//     node's best predecessor is chosen when the node is made, since all
//     nodes ending where it starts are complete by then (they start
//     earlier). This gives the same costs as kagome's separate Forward pass.
//   - On equal cost the predecessor inserted first wins (kagome: "j == 0 ||
//     cost < best"); insertion order is by start, then dictionary words (by
//     length, then id), then unknown words (by entry, the one-rune-shorter
//     variant first), as in kagome's Build.
//   - A position that no node ends at is skipped: kagome gives the nodes
//     starting there the maximum cost and no predecessor; they can never be
//     on the best path, since from every reachable position some node
//     starts (a dictionary word, or else an unknown word), so a path of
//     finite cost reaches the end.
const maxCost = math.MaxInt32 // kagome lattice.go: maximumCost = 1<<31 - 1

// maxUnknownRunes is kagome's maximumUnknownWordLength: a grouped unknown
// word spans at most 1024 decoding steps.
const maxUnknownRunes = 1024

// node is a lattice node. The best predecessor of a node starting at s is
// a.ends[s][prev].
type node struct {
	cost  int32
	start int32 // byte offset; -1 for BOS
	prev  int32
	right uint16
	pos   POS
}

// build runs the forward search over text and returns the index in
// a.ends[len(text)] of EOS's best predecessor, or -1 for empty text.
func (a *Analyzer) build(text string) int32 {
	d := a.d
	n := len(text)
	a.scan(text)
	if cap(a.ends) < n+1 {
		a.ends = append(a.ends[:cap(a.ends)], make([][]node, n+1-cap(a.ends))...)
	}
	a.ends = a.ends[:n+1]
	for i := range a.ends {
		a.ends[i] = a.ends[i][:0]
	}
	if n == 0 {
		return -1
	}
	// BOS: kagome's DUMMY node has the zero Morph (ids 0, cost 0).
	a.ends[0] = append(a.ends[0], node{start: -1, prev: -1})
	a.stamp++
	if a.stamp == 0 || len(a.memoStamp) != d.nLeft {
		a.memoStamp = make([]uint32, d.nLeft)
		a.memoCost = make([]int64, d.nLeft)
		a.memoPrev = make([]int32, d.nLeft)
		a.stamp = 1
	}
	nr := len(a.cls)
	units := d.units
	for i := 0; i < nr; i++ {
		o := int(a.off[i])
		if len(a.ends[o]) == 0 {
			continue // unreachable, see above
		}
		a.stamp++ // new predecessor set: forget the memo
		matched := false
		if d.user != nil && a.addUser(text, o) {
			continue // kagome: a user-dictionary match suppresses the rest
		}
		// dictionary words starting at o
		u := units[0]
		for j := o; j < n; j++ {
			c := text[j]
			if c == 0 {
				break
			}
			u = units[int(u>>unitBaseShift)+int(c)]
			if u&unitLabelMask != uint32(c) {
				break
			}
			if u&unitTerminal == 0 {
				continue
			}
			matched = true
			end := j + 1
			for m := int(units[u>>unitBaseShift] >> unitValShift); m < len(d.morphs); m++ {
				mo := d.morphs[m]
				a.add(o, end, mo.left, mo.right, mo.weight, mo.pos())
				if mo.info&morphLast != 0 {
					break
				}
			}
		}
		// unknown words (kagome lattice.go Build, step 3)
		k := a.cls[i]
		cl := &d.class[k]
		if matched && !cl.invoke {
			continue
		}
		end := i + 1 // rune index after the unknown word
		trunc := -1  // rune index after the one-rune-shorter variant
		if cl.group {
			// kagome counts decoding steps up to 1024; a real U+FFFD at the
			// start is decoded byte by byte (3 steps), one later on in 1.
			limit := maxUnknownRunes
			if a.flag[i]&runeRealBad != 0 {
				limit -= 2
			}
			end = min(int(a.run[i]), i+limit)
			// the shorter variant exists unless the last rune decodes as
			// U+FFFD (kagome: DecodeLastRuneInString(...) != RuneError)
			if end-i >= 2 && a.flag[end-1]&runeError == 0 {
				trunc = end - 1
			}
		}
		// A real U+FFFD in an ungrouped class: kagome takes a 1-byte surface
		// (pos+1 for RuneError); we take the whole rune. IPA groups it.
		for x := cl.start; x < cl.end; x++ {
			mo := d.unk[x]
			if trunc >= 0 {
				a.add(o, int(a.off[trunc]), mo.left, mo.right, mo.weight, Unknown)
			}
			a.add(o, int(a.off[end]), mo.left, mo.right, mo.weight, Unknown)
		}
	}
	// EOS: the zero Morph, like BOS
	prev, _ := clamp(a.best(a.ends[n], 0))
	return prev
}

// add appends a node [start,end) with the given morph data to a.ends[end],
// choosing its best predecessor among a.ends[start].
func (a *Analyzer) add(start, end int, left, right uint16, weight int16, pos POS) {
	var prev int32
	var cost int64
	if a.memoStamp[left] == a.stamp {
		prev, cost = a.memoPrev[left], a.memoCost[left]
	} else {
		prev, cost = a.best(a.ends[start], left)
		a.memoStamp[left], a.memoPrev[left], a.memoCost[left] = a.stamp, prev, cost
	}
	prev, c := clamp(prev, cost+int64(weight))
	a.ends[end] = append(a.ends[end], node{cost: c, start: int32(start), prev: prev, right: right, pos: pos})
}

// clamp applies kagome's cap: every candidate cost is capped at maxCost, so
// when the best is capped all are, and the first predecessor wins.
func clamp(prev int32, cost int64) (int32, int32) {
	if cost >= maxCost {
		return 0, maxCost
	}
	return prev, int32(cost)
}

// best returns the predecessor in preds with the least path cost to a node
// with the given left id (the first one on ties), and that cost (without
// the node's own weight).
func (a *Analyzer) best(preds []node, left uint16) (int32, int64) {
	nr := a.d.nRight
	row := a.d.conn[int(left)*nr : int(left)*nr+nr]
	bestJ := int32(-1)
	best := int64(math.MaxInt64)
	for j := range preds {
		p := &preds[j]
		c := int64(p.cost) + int64(row[p.right])
		if c < best {
			best, bestJ = c, int32(j)
		}
	}
	return bestJ, best
}
