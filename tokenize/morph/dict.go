package morph

import "unicode/utf8"

// Dict is an immutable compact form of a kagome dictionary: the word trie,
// the costs and the unknown-word rules, without feature strings. It is safe
// for concurrent use.
type Dict struct {
	units  []uint32 // double-array trie over the surface bytes, see trie.go
	morphs []morph  // the dictionary's morphs, in kagome's id order (see pruneRun)
	// conn holds the connection costs: conn[left*nRight+right] is the cost
	// of a node with left id left following one with right id right. The
	// Viterbi inner loop walks the predecessors of one node (many right
	// ids) for one left id, so a row is read contiguously.
	conn   []int16
	nLeft  int
	nRight int
	cat    []uint8 // char category of rune r < len(cat); others get cat[0]
	class  []charClass
	unk    []morph // the unknown-word dictionary's morphs
	user   *userDict
	// first[r] is the trie unit reached from the root over the UTF-8
	// bytes of rune r < 0x10000, or 0 if no key starts with r; nil when
	// some key ends inside a rune's encoding (then the analyzer walks byte
	// by byte). Built by index, not serialized.
	first []uint32
}

// firstRunes is the size of Dict.first: the runes of at most 3 bytes.
const firstRunes = 0x10000

// index builds d.first from d.units (which validate has checked).
func (d *Dict) index() {
	units := d.units
	first := make([]uint32, firstRunes)
	var buf [4]byte
	for r := rune(1); r < firstRunes; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue // surrogates: never decoded as such
		}
		n := utf8.EncodeRune(buf[:], r)
		u := units[0]
		for k := 0; k < n; k++ {
			c := buf[k]
			u = units[int(u>>unitBaseShift)+int(c)]
			if u&unitLabelMask != uint32(c) {
				u = 0
				break
			}
			if k < n-1 && u&unitTerminal != 0 {
				return // a key ends inside the encoding of r: no table
			}
		}
		first[r] = u
	}
	d.first = first
}

// morph is one dictionary entry: its context ids and word cost, and in info
// its POS (bits 0-6) and, in bit 7, whether it is the last entry of its
// surface (the entries of one surface are consecutive).
type morph struct {
	left, right uint16
	weight      int16
	info        uint8
}

const morphLast = 0x80

func (m morph) pos() POS { return POS(m.info &^ morphLast) }

// charClass holds the unknown-word rules of one char category (char.def):
// invoke: add unknown words even where a dictionary word starts; group:
// an unknown word spans the run of characters of the category; unk[start:end]
// are its unknown-word entries.
type charClass struct {
	invoke, group bool
	start, end    int32
}

// category returns the char category of r, as kagome's
// dict.CharacterCategory does: runes beyond the table get the category of
// rune 0 (DEFAULT).
func (d *Dict) category(r rune) uint8 {
	if uint(r) < uint(len(d.cat)) {
		return d.cat[r]
	}
	return d.cat[0]
}
