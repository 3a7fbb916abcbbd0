package morph

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/zeebo/xxh3"
)

// The serialized form: a header, flat little-endian arrays, and an XXH3-64
// checksum of everything before it. Every array starts at a multiple of 8
// bytes (zero padding), and a morph is 8 bytes, so that on a little-endian
// host the arrays of the embedded dictionary are used in place (loadShared)
// instead of copied.
//
//	magic "JCMORPH\x00", version u32,
//	counts u32: units, morphs, left ids, right ids, categories, classes, unknown morphs
//	units      u32 × units
//	morphs     (left u16, right u16, weight i16, info u8, 0 u8) × morphs
//	conn       i16 × left ids × right ids   ([left][right])
//	categories u8 × categories
//	classes    (flags u8: 1 invoke, 2 group; start u32; end u32) × classes
//	unknown    morphs like the dictionary's
//	checksum   u64
const (
	binMagic   = "JCMORPH\x00"
	binVersion = 2
	headerSize = len(binMagic) + 4 + 7*4
	morphSize  = 8
	classSize  = 9
)

// pad8 rounds n up to a multiple of 8.
func pad8(n int64) int64 { return (n + 7) &^ 7 }

// layout is where each array of a serialized dictionary starts, and the
// total size, for the given counts.
type layout struct {
	units, morphs, conn, cat, class, unk, sum, size int64
}

func layoutOf(nUnits, nMorphs, nLeft, nRight, nCat, nClass, nUnk int64) layout {
	var l layout
	l.units = pad8(int64(headerSize))
	l.morphs = pad8(l.units + 4*nUnits)
	l.conn = pad8(l.morphs + morphSize*nMorphs)
	l.cat = pad8(l.conn + 2*nLeft*nRight)
	l.class = pad8(l.cat + nCat)
	l.unk = pad8(l.class + classSize*nClass)
	l.sum = pad8(l.unk + morphSize*nUnk)
	l.size = l.sum + 8
	return l
}

// MarshalBinary returns the serialized form of d, which Load reads back.
// A user dictionary added with WithUser is not included.
func (d *Dict) MarshalBinary() ([]byte, error) {
	l := layoutOf(int64(len(d.units)), int64(len(d.morphs)), int64(d.nLeft), int64(d.nRight),
		int64(len(d.cat)), int64(len(d.class)), int64(len(d.unk)))
	b := make([]byte, 0, l.size)
	le := binary.LittleEndian
	pad := func(at int64) {
		for int64(len(b)) < at {
			b = append(b, 0)
		}
	}
	b = append(b, binMagic...)
	b = le.AppendUint32(b, binVersion)
	for _, n := range []int{len(d.units), len(d.morphs), d.nLeft, d.nRight, len(d.cat), len(d.class), len(d.unk)} {
		b = le.AppendUint32(b, uint32(n))
	}
	pad(l.units)
	for _, u := range d.units {
		b = le.AppendUint32(b, u)
	}
	pad(l.morphs)
	b = appendMorphs(b, d.morphs)
	pad(l.conn)
	for _, c := range d.conn {
		b = le.AppendUint16(b, uint16(c))
	}
	pad(l.cat)
	b = append(b, d.cat...)
	pad(l.class)
	for _, c := range d.class {
		var f byte
		if c.invoke {
			f |= 1
		}
		if c.group {
			f |= 2
		}
		b = append(b, f)
		b = le.AppendUint32(b, uint32(c.start))
		b = le.AppendUint32(b, uint32(c.end))
	}
	pad(l.unk)
	b = appendMorphs(b, d.unk)
	pad(l.sum)
	b = le.AppendUint64(b, xxh3.Hash(b))
	return b, nil
}

func appendMorphs(b []byte, ms []morph) []byte {
	le := binary.LittleEndian
	for _, m := range ms {
		b = le.AppendUint16(b, m.left)
		b = le.AppendUint16(b, m.right)
		b = le.AppendUint16(b, uint16(m.weight))
		b = append(b, m.info, 0)
	}
	return b
}

// Load reads a Dict from the form MarshalBinary writes. Malformed input
// (wrong magic or version, bad lengths, checksum mismatch, ids out of range)
// returns an error. The Dict does not keep b.
func Load(b []byte) (*Dict, error) {
	return load(b, true, false)
}

// loadShared is Load for bytes that stay unchanged for the life of the
// process (the embedded dictionary): on a little-endian host the Dict uses
// the large arrays of b in place, which spares copying them into freshly
// faulted memory.
func loadShared(b []byte) (*Dict, error) {
	return load(b, true, true)
}

// load reads b, checking the checksum if verify is set (the fuzz test
// skips it) and keeping b if share is set.
func load(b []byte, verify, share bool) (*Dict, error) {
	le := binary.LittleEndian
	if len(b) < headerSize+8 {
		return nil, fmt.Errorf("morph: load: %d bytes, too short for a dictionary", len(b))
	}
	if string(b[:len(binMagic)]) != binMagic {
		return nil, errors.New("morph: load: not a morph dictionary (bad magic)")
	}
	if v := le.Uint32(b[len(binMagic):]); v != binVersion {
		return nil, fmt.Errorf("morph: load: version %d, want %d", v, binVersion)
	}
	var n [7]int64
	for i := range n {
		n[i] = int64(le.Uint32(b[len(binMagic)+4+4*i:]))
	}
	nUnits, nMorphs, nLeft, nRight, nCat, nClass, nUnk := n[0], n[1], n[2], n[3], n[4], n[5], n[6]
	if nLeft == 0 || nRight == 0 || nLeft > 1<<16 || nRight > 1<<16 {
		return nil, fmt.Errorf("morph: load: connection table %dx%d", nLeft, nRight)
	}
	l := layoutOf(nUnits, nMorphs, nLeft, nRight, nCat, nClass, nUnk)
	if l.size != int64(len(b)) {
		return nil, fmt.Errorf("morph: load: %d bytes, the header says %d", len(b), l.size)
	}
	if sum := le.Uint64(b[l.sum:]); verify && sum != xxh3.Hash(b[:l.sum]) {
		return nil, errors.New("morph: load: checksum mismatch")
	}
	d := &Dict{nLeft: int(nLeft), nRight: int(nRight)}
	d.units = uint32s(b[l.units:l.units+4*nUnits], share)
	d.morphs = morphs(b[l.morphs:l.morphs+morphSize*nMorphs], share)
	d.conn = int16s(b[l.conn:l.conn+2*nLeft*nRight], share)
	d.cat = append([]uint8(nil), b[l.cat:l.cat+nCat]...)
	d.class = make([]charClass, nClass)
	for i := range d.class {
		q := b[l.class+classSize*int64(i):]
		d.class[i] = charClass{
			invoke: q[0]&1 != 0,
			group:  q[0]&2 != 0,
			start:  int32(le.Uint32(q[1:])),
			end:    int32(le.Uint32(q[5:])),
		}
	}
	d.unk = morphs(b[l.unk:l.unk+morphSize*nUnk], false)
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("morph: load: %w", err)
	}
	d.index()
	return d, nil
}

// validate checks every index the analyzer follows, so that no Dict that
// passed it can make the analyzer read out of range.
func (d *Dict) validate() error {
	if d.nLeft <= 0 || d.nRight <= 0 || len(d.conn) != d.nLeft*d.nRight {
		return fmt.Errorf("connection table %dx%d with %d costs", d.nLeft, d.nRight, len(d.conn))
	}
	if err := validateTrie(d.units, len(d.morphs)); err != nil {
		return err
	}
	if u := d.user; u != nil {
		if err := validateTrie(u.units, len(u.morphs)); err != nil {
			return fmt.Errorf("user dictionary: %w", err)
		}
	}
	var user []morph
	if d.user != nil {
		user = d.user.morphs
	}
	for _, ms := range [][]morph{d.morphs, d.unk, user} {
		for i, m := range ms {
			if int(m.left) >= d.nLeft || int(m.right) >= d.nRight {
				return fmt.Errorf("morph %d: context ids %d/%d outside %dx%d", i, m.left, m.right, d.nLeft, d.nRight)
			}
			if m.pos() >= numPOS {
				return fmt.Errorf("morph %d: part of speech %d", i, m.pos())
			}
		}
	}
	if len(d.cat) == 0 {
		return errors.New("empty char category table")
	}
	for r, k := range d.cat {
		if int(k) >= len(d.class) {
			return fmt.Errorf("rune %U: char category %d of %d", r, k, len(d.class))
		}
	}
	for k, c := range d.class {
		if c.start < 0 || c.start > c.end || int(c.end) > len(d.unk) {
			return fmt.Errorf("char category %d: unknown-word morphs %d..%d of %d", k, c.start, c.end, len(d.unk))
		}
	}
	return nil
}

// validateTrie checks that every walk over units stays inside it and every
// key's first morph is below nMorphs.
func validateTrie(units []uint32, nMorphs int) error {
	if len(units) < 256 {
		return fmt.Errorf("trie of %d units, want at least 256", len(units))
	}
	for i, u := range units {
		if i != 0 && u&unitLabelMask == 0 {
			continue // unused, or the value of a key
		}
		base := int(u >> unitBaseShift)
		if base+255 >= len(units) {
			return fmt.Errorf("trie unit %d: base %d beyond the end (%d)", i, base, len(units))
		}
		if u&unitTerminal != 0 {
			if v := int(units[base] >> unitValShift); v >= nMorphs {
				return fmt.Errorf("trie unit %d: morph %d of %d", i, v, nMorphs)
			}
		}
	}
	return nil
}
