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

// node is a lattice node in the arena a.nodes. Its best predecessor is
// a.nodes[prev]; next links the nodes ending at the same offset in
// insertion order (index+1; 0 ends the list).
type node struct {
	cost  int32
	start int32 // byte offset; -1 for BOS
	prev  int32
	next  int32
	right uint16
	pos   POS
}

// memo is the best predecessor for one left id at the current start,
// valid when stamp is the analyzer's.
type memo struct {
	cost  int64
	stamp uint32
	prev  int32
}

// build runs the forward search over text and returns the arena index of
// EOS's best predecessor, or -1 for empty text.
func (a *Analyzer) build(text string) int32 {
	d := a.d
	n := len(text)
	a.scan(text)
	a.head = grow(a.head, n+1)
	a.tail = grow(a.tail, n+1)
	clear(a.head)
	a.nodes = a.nodes[:0]
	if n == 0 {
		return -1
	}
	// BOS: kagome's DUMMY node has the zero Morph (ids 0, cost 0).
	a.nodes = append(a.nodes, node{start: -1, prev: -1})
	a.head[0], a.tail[0] = 1, 1
	if len(a.memo) != d.nLeft {
		a.memo = make([]memo, d.nLeft)
		a.stamp = 0
	}
	nr := len(a.cls)
	a.matches(text)
	for i := 0; i < nr; i++ {
		o := int(a.off[i])
		if a.head[o] == 0 {
			continue // unreachable, see above
		}
		a.gather(o)
		matched := false
		if d.user != nil && a.addUser(text, o) {
			continue // kagome: a user-dictionary match suppresses the rest
		}
		// dictionary words starting at o (found by matches)
		for x, e := a.mAt[i], a.mAt[i+1]; x < e; x++ {
			matched = true
			a.addMorphs(o, int(a.mEnd[x]), a.mVal[x])
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
	a.gather(n)
	if len(a.predI) == 0 {
		return -1 // cannot happen: some path always reaches the end
	}
	j, _ := clamp(a.best(0))
	return a.predI[j]
}

// matches finds the dictionary words starting at every rune of text, in a
// pass of its own before the lattice: the words starting at rune i end at
// a.mEnd[x] with first morph a.mVal[x] for a.mAt[i] <= x < a.mAt[i+1],
// shortest first. Walking the trie apart from the lattice work lets the
// processor overlap the cache misses of the walks and of the morph loads;
// the first morph of each word is read here too (into a.touch), which
// brings it into the cache before the lattice needs it.
func (a *Analyzer) matches(text string) {
	units := a.d.units
	morphs := a.d.morphs
	var touch uint8
	n := len(text)
	nr := len(a.cls)
	a.mAt = grow(a.mAt, nr+1)
	mEnd, mVal := a.mEnd[:0], a.mVal[:0]
	for i := 0; i < nr; i++ {
		a.mAt[i] = int32(len(mEnd))
		// the first rune from the table, then byte by byte
		u := units[0]
		j := int(a.off[i])
		if a.flag[i]&runeSlow == 0 {
			u = a.state[i]
			j = int(a.off[i+1])
			if u == 0 {
				continue // no key starts with this rune
			}
			if u&unitTerminal != 0 {
				v := units[u>>unitBaseShift] >> unitValShift
				mEnd = append(mEnd, int32(j))
				mVal = append(mVal, v)
				if int(v) < len(morphs) {
					touch ^= morphs[v].info
				}
			}
		}
		for ; j < n; j++ {
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
			v := units[u>>unitBaseShift] >> unitValShift
			mEnd = append(mEnd, int32(j+1))
			mVal = append(mVal, v)
			if int(v) < len(morphs) {
				touch ^= morphs[v].info
			}
		}
	}
	a.touch = touch
	a.mAt[nr] = int32(len(mEnd))
	a.mEnd, a.mVal = mEnd, mVal
}

// addMorphs adds the nodes [start,end) of the dictionary morphs of one
// surface, the first being d.morphs[m]. It is add for a run of morphs,
// inlined: the nodes are consecutive in the arena and linked to each
// other, and the end list's tail is updated once.
func (a *Analyzer) addMorphs(start, end int, m uint32) {
	morphs := a.d.morphs
	if int(m) >= len(morphs) {
		return
	}
	memo, stamp := a.memo, a.stamp
	nodes := a.nodes
	first := int32(len(nodes)) + 1
	for _, mo := range morphs[m:] {
		me := &memo[mo.left]
		if me.stamp != stamp {
			me.prev, me.cost = a.best(mo.left)
			me.stamp = stamp
		}
		prev, c := clamp(me.prev, me.cost+int64(mo.weight))
		i := len(nodes)
		if i == cap(nodes) {
			nodes = append(nodes, node{})
		} else {
			nodes = nodes[:i+1]
		}
		nd := &nodes[i]
		nd.cost, nd.start, nd.prev, nd.next = c, int32(start), a.predI[prev], int32(i)+2
		nd.right, nd.pos = mo.right, mo.pos()
		if mo.info&morphLast != 0 {
			break
		}
	}
	last := int32(len(nodes))
	nodes[last-1].next = 0
	if a.head[end] == 0 {
		a.head[end] = first
	} else {
		nodes[a.tail[end]-1].next = first
	}
	a.tail[end] = last
	a.nodes = nodes
}

// gather copies the nodes ending at offset o, in insertion order, into the
// predecessor scratch (right ids, costs, arena indexes) and resets the memo.
func (a *Analyzer) gather(o int) {
	a.predR, a.predC, a.predI = a.predR[:0], a.predC[:0], a.predI[:0]
	for k := a.head[o]; k != 0; {
		nd := &a.nodes[k-1]
		a.predR = append(a.predR, nd.right)
		a.predC = append(a.predC, nd.cost)
		a.predI = append(a.predI, k-1)
		k = nd.next
	}
	a.stamp++
	if a.stamp == 0 { // wrapped: old stamps could match again
		clear(a.memo)
		a.stamp = 1
	}
}

// add appends a node [start,end) with the given morph data, choosing its
// best predecessor among the gathered nodes ending at start.
func (a *Analyzer) add(start, end int, left, right uint16, weight int16, pos POS) {
	me := &a.memo[left]
	if me.stamp != a.stamp {
		me.prev, me.cost = a.best(left)
		me.stamp = a.stamp
	}
	prev, c := clamp(me.prev, me.cost+int64(weight))
	// Fields are stored one by one: a composite literal is built on the
	// stack and copied with wide loads that wait for its narrow stores.
	i := len(a.nodes)
	if i == cap(a.nodes) {
		a.nodes = append(a.nodes, node{})
	} else {
		a.nodes = a.nodes[:i+1]
	}
	nd := &a.nodes[i]
	nd.cost, nd.start, nd.prev, nd.next = c, int32(start), a.predI[prev], 0
	nd.right, nd.pos = right, pos
	k := int32(i) + 1
	if a.head[end] == 0 {
		a.head[end] = k
	} else {
		a.nodes[a.tail[end]-1].next = k
	}
	a.tail[end] = k
}

// clamp applies kagome's cap: every candidate cost is capped at maxCost, so
// when the best is capped all are, and the first predecessor wins.
func clamp(prev int32, cost int64) (int32, int32) {
	if cost >= maxCost {
		return 0, maxCost
	}
	return prev, int32(cost)
}

// best returns the index in the predecessor scratch of the least path cost
// to a node with the given left id (the first one on ties), and that cost
// (without the node's own weight).
func (a *Analyzer) best(left uint16) (int32, int64) {
	nr := a.d.nRight
	row := a.d.conn[int(left)*nr : int(left)*nr+nr]
	rs := a.predR
	cs := a.predC[:len(rs)]
	bestJ := int32(0)
	best := int64(math.MaxInt64)
	for j, r := range rs {
		c := int64(cs[j]) + int64(row[r])
		if c < best {
			best, bestJ = c, int32(j)
		}
	}
	return bestJ, best
}
