package morph

import (
	"errors"
	"fmt"
	"math"

	"github.com/ikawaha/kagome-dict/dict"
)

// FromKagome builds a Dict from a loaded kagome dictionary (ipa.Dict(),
// uni.Dict(), …). It keeps only what segmentation needs: surfaces (as a
// trie), context ids, costs, the coarse part of speech, and the
// unknown-word rules.
func FromKagome(d *dict.Dict) (*Dict, error) {
	if d == nil {
		return nil, errors.New("morph: nil kagome dictionary")
	}
	out := &Dict{}
	var err error
	if out.morphs, err = convertMorphs(d.Morphs, func(i int) POS { return knownPOS(d, i) }); err != nil {
		return nil, fmt.Errorf("morph: dictionary morphs: %w", err)
	}
	src, err := trieFromKagome(d.Index, len(d.Morphs))
	if err != nil {
		return nil, fmt.Errorf("morph: dictionary index: %w", err)
	}
	for _, n := range src.nodes {
		if n.value >= 0 {
			run := out.morphs[n.value : n.value+int32(d.Index.Dup[n.value])+1]
			run[pruneRun(run)-1].info |= morphLast
		}
	}
	if out.units, err = buildDoubleArray(src); err != nil {
		return nil, fmt.Errorf("morph: dictionary index: %w", err)
	}
	if err := out.setConnection(d.Connection); err != nil {
		return nil, err
	}
	if err := out.setCharDef(d); err != nil {
		return nil, err
	}
	out.remapIDs()
	if err := out.validate(); err != nil {
		return nil, fmt.Errorf("morph: converted dictionary: %w", err)
	}
	out.index()
	return out, nil
}

// pruneRun drops from ms, the morphs of one surface, those that can never
// be on a best path: a morph with the left and right ids of another one and
// a greater weight, or the same weight and a later place. Its node would
// have the other's best predecessor and no lower cost, and as a
// predecessor it would lose to the other on cost or, on a tie, on
// insertion order. The kept morphs move to the front of ms in their order;
// pruneRun returns their number. What is left after them stays unused.
func pruneRun(ms []morph) int {
	keep := make([]bool, len(ms))
	for i, m := range ms {
		keep[i] = true
		for j, o := range ms {
			if j != i && o.left == m.left && o.right == m.right &&
				(o.weight < m.weight || o.weight == m.weight && j < i) {
				keep[i] = false
				break
			}
		}
	}
	k := 0
	for i, m := range ms {
		if keep[i] {
			ms[k] = m
			k++
		}
	}
	return k
}

// knownPOS is the top-level POS of dictionary morph i.
func knownPOS(d *dict.Dict, i int) POS {
	if i >= len(d.POSTable.POSs) || len(d.POSTable.POSs[i]) == 0 {
		return Unclassified
	}
	id := int(d.POSTable.POSs[i][0])
	if id >= len(d.POSTable.NameList) {
		return Unclassified
	}
	return posOf(d.POSTable.NameList[id])
}

// unkPOS is the top-level POS of unknown-word morph i, read from the
// unknown-word dictionary's features as kagome's Token.POS does.
func unkPOS(u *dict.UnkDict, i int) POS {
	start := 0
	if v, ok := u.ContentsMeta[dict.POSStartIndex]; ok {
		start = int(v)
	}
	if i >= len(u.Contents) || start < 0 || start >= len(u.Contents[i]) {
		return Unclassified
	}
	return posOf(u.Contents[i][start])
}

func convertMorphs(ms dict.Morphs, pos func(int) POS) ([]morph, error) {
	out := make([]morph, len(ms))
	for i, m := range ms {
		if m.LeftID < 0 || m.RightID < 0 {
			return nil, fmt.Errorf("morph %d has a negative context id", i)
		}
		out[i] = morph{left: uint16(m.LeftID), right: uint16(m.RightID), weight: m.Weight, info: uint8(pos(i))}
	}
	return out, nil
}

func (out *Dict) setConnection(c dict.ConnectionTable) error {
	// kagome's ConnectionTable.At(right, left) reads Vec[Row*left+right]:
	// Vec is already [left][right] with Row right ids per row.
	if c.Row <= 0 || c.Col <= 0 || c.Row > math.MaxUint16+1 || c.Col > math.MaxUint16+1 || int64(len(c.Vec)) != c.Row*c.Col {
		return fmt.Errorf("morph: connection table %dx%d with %d costs", c.Row, c.Col, len(c.Vec))
	}
	out.nRight, out.nLeft = int(c.Row), int(c.Col)
	out.conn = append([]int16(nil), c.Vec...)
	return nil
}

func (out *Dict) setCharDef(d *dict.Dict) error {
	if len(d.CharCategory) == 0 {
		return errors.New("morph: empty char category table")
	}
	n := len(d.CharClass)
	if len(d.InvokeList) < n || len(d.GroupList) < n {
		return fmt.Errorf("morph: %d char classes but %d invoke and %d group flags", n, len(d.InvokeList), len(d.GroupList))
	}
	out.cat = append([]uint8(nil), d.CharCategory...)
	var err error
	if out.unk, err = convertMorphs(d.UnkDict.Morphs, func(i int) POS { return unkPOS(&d.UnkDict, i) }); err != nil {
		return fmt.Errorf("morph: unknown-word morphs: %w", err)
	}
	out.class = make([]charClass, n)
	for k := range out.class {
		// kagome lattice.go reads UnkDict.Index[class] and IndexDup[class]
		// from maps, so a class without an entry gets morph 0, dup 0.
		id := d.UnkDict.Index[int32(k)]
		dup := d.UnkDict.IndexDup[int32(k)]
		out.class[k] = charClass{
			invoke: d.InvokeList[k],
			group:  d.GroupList[k],
			start:  id,
			end:    id + dup + 1,
		}
	}
	return nil
}

// trieFromKagome reads the keys of kagome's double array into plain form.
// In kagome's array a unit q with Check[q] == p >= 0 is the child of p over
// byte q-Base[p]; the child over byte 0 with Base <= 0 marks a key ending at
// p, whose first morph is -Base (Dup more follow it).
func trieFromKagome(idx dict.IndexTable, nMorphs int) (*trieSource, error) {
	da := idx.Da
	if len(da) == 0 {
		return &trieSource{nodes: []trieNode{{value: -1}}}, nil
	}
	// children lists in CSR form, by parent
	count := make([]int32, len(da)+1)
	for q := 1; q < len(da); q++ {
		if p := da[q].Check; p >= 0 && int(p) < len(da) {
			count[p+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	kids := make([]int32, count[len(da)])
	fill := append([]int32(nil), count[:len(da)]...)
	for q := 1; q < len(da); q++ {
		if p := da[q].Check; p >= 0 && int(p) < len(da) {
			kids[fill[p]] = int32(q)
			fill[p]++
		}
	}
	src := &trieSource{nodes: make([]trieNode, 0, len(da)), edges: make([]trieEdge, 0, len(da))}
	covered := make([]bool, nMorphs)
	var visit func(p int32, depth int) (int32, error)
	visit = func(p int32, depth int) (int32, error) {
		if depth > 1<<12 {
			return 0, errors.New("key too long")
		}
		self := int32(len(src.nodes))
		src.nodes = append(src.nodes, trieNode{value: -1})
		type kid struct {
			label byte
			q     int32
		}
		var ks []kid
		for _, q := range kids[count[p]:count[p+1]] {
			label := int(q) - int(da[p].Base)
			switch {
			case label == 0 && da[q].Base <= 0:
				id := int(-da[q].Base)
				n := int(idx.Dup[int32(id)]) + 1
				if id+n > nMorphs || n <= 0 {
					return 0, fmt.Errorf("key with morphs %d..%d of %d", id, id+n-1, nMorphs)
				}
				for i := id; i < id+n; i++ {
					if covered[i] {
						return 0, fmt.Errorf("morph %d belongs to two keys", i)
					}
					covered[i] = true
				}
				src.nodes[self].value = int32(id)
			case label >= 1 && label <= 255:
				ks = append(ks, kid{byte(label), q})
			}
		}
		// kids are in index order, and q = base+label, so by label already
		first := int32(len(src.edges))
		src.edges = append(src.edges, make([]trieEdge, len(ks))...)
		src.nodes[self].first, src.nodes[self].n = first, int32(len(ks))
		for i, k := range ks {
			child, err := visit(k.q, depth+1)
			if err != nil {
				return 0, err
			}
			src.edges[first+int32(i)] = trieEdge{label: k.label, child: child}
		}
		return self, nil
	}
	if _, err := visit(0, 0); err != nil {
		return nil, err
	}
	return src, nil
}
