package morph

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/zeebo/xxh3"
)

// The serialized form: a header, flat little-endian arrays, and an XXH3-64
// checksum of everything before it.
//
//	magic "JCMORPH\x00", version u32,
//	counts u32: units, morphs, left ids, right ids, categories, classes, unknown morphs
//	units      u32 × units
//	morphs     (left u16, right u16, weight i16, info u8) × morphs
//	conn       i16 × left ids × right ids   ([left][right])
//	categories u8 × categories
//	classes    (flags u8: 1 invoke, 2 group; start u32; end u32) × classes
//	unknown    morphs like the dictionary's
//	checksum   u64
const (
	binMagic   = "JCMORPH\x00"
	binVersion = 1
	headerSize = len(binMagic) + 4 + 7*4
	morphSize  = 7
	classSize  = 9
)

// MarshalBinary returns the serialized form of d, which Load reads back.
// A user dictionary added with WithUser is not included.
func (d *Dict) MarshalBinary() ([]byte, error) {
	size := headerSize + 4*len(d.units) + morphSize*len(d.morphs) + 2*len(d.conn) +
		len(d.cat) + classSize*len(d.class) + morphSize*len(d.unk) + 8
	b := make([]byte, 0, size)
	le := binary.LittleEndian
	b = append(b, binMagic...)
	b = le.AppendUint32(b, binVersion)
	for _, n := range []int{len(d.units), len(d.morphs), d.nLeft, d.nRight, len(d.cat), len(d.class), len(d.unk)} {
		b = le.AppendUint32(b, uint32(n))
	}
	for _, u := range d.units {
		b = le.AppendUint32(b, u)
	}
	b = appendMorphs(b, d.morphs)
	for _, c := range d.conn {
		b = le.AppendUint16(b, uint16(c))
	}
	b = append(b, d.cat...)
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
	b = appendMorphs(b, d.unk)
	b = le.AppendUint64(b, xxh3.Hash(b))
	return b, nil
}

func appendMorphs(b []byte, ms []morph) []byte {
	le := binary.LittleEndian
	for _, m := range ms {
		b = le.AppendUint16(b, m.left)
		b = le.AppendUint16(b, m.right)
		b = le.AppendUint16(b, uint16(m.weight))
		b = append(b, m.info)
	}
	return b
}

// Load reads a Dict from the form MarshalBinary writes. Malformed input
// (wrong magic or version, bad lengths, checksum mismatch, ids out of range)
// returns an error. The Dict does not keep b.
func Load(b []byte) (*Dict, error) {
	return load(b, true)
}

func load(b []byte, verify bool) (*Dict, error) {
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
	want := int64(headerSize) + 4*nUnits + morphSize*nMorphs + 2*nLeft*nRight + nCat + classSize*nClass + morphSize*nUnk + 8
	if want != int64(len(b)) {
		return nil, fmt.Errorf("morph: load: %d bytes, the header says %d", len(b), want)
	}
	body := b[:len(b)-8]
	if verify {
		if sum := le.Uint64(b[len(b)-8:]); sum != xxh3.Hash(body) {
			return nil, errors.New("morph: load: checksum mismatch")
		}
	}
	p := body[headerSize:]
	d := &Dict{nLeft: int(nLeft), nRight: int(nRight)}
	d.units = make([]uint32, nUnits)
	readUint32s(d.units, p)
	p = p[4*nUnits:]
	d.morphs, p = readMorphs(p, int(nMorphs))
	d.conn = make([]int16, nLeft*nRight)
	readInt16s(d.conn, p)
	p = p[2*nLeft*nRight:]
	d.cat = append([]uint8(nil), p[:nCat]...)
	p = p[nCat:]
	d.class = make([]charClass, nClass)
	for i := range d.class {
		q := p[classSize*i:]
		d.class[i] = charClass{
			invoke: q[0]&1 != 0,
			group:  q[0]&2 != 0,
			start:  int32(le.Uint32(q[1:])),
			end:    int32(le.Uint32(q[5:])),
		}
	}
	p = p[classSize*nClass:]
	d.unk, _ = readMorphs(p, int(nUnk))
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("morph: load: %w", err)
	}
	d.index()
	return d, nil
}

func readMorphs(p []byte, n int) ([]morph, []byte) {
	le := binary.LittleEndian
	ms := make([]morph, n)
	for i := range ms {
		q := p[morphSize*i:]
		ms[i] = morph{left: le.Uint16(q), right: le.Uint16(q[2:]), weight: int16(le.Uint16(q[4:])), info: q[6]}
	}
	return ms, p[morphSize*n:]
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
