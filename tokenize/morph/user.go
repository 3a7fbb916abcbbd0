package morph

import (
	"fmt"

	"github.com/ikawaha/kagome-dict/dict"
)

// userDict holds the entries of a kagome user dictionary: a trie of their
// surfaces and one morph per entry with the reserved context ids that cost
// nothing to connect (see WithUser).
type userDict struct {
	units  []uint32
	morphs []morph
}

// WithUser returns a copy of d that also uses the user dictionary u, as
// kagome's tokenizer.UserDict option does (kagome lattice.go Build and
// Forward): where a user entry starts, the user entries found there are
// the only nodes starting there (no dictionary or unknown words); a user
// node has weight 0 and costs 0 to connect on either side. The user
// entry's part of speech is the constant its Pos names, or User. The
// serialized form (MarshalBinary) does not include the user dictionary.
func (d *Dict) WithUser(u *dict.UserDict) (*Dict, error) {
	if u == nil {
		return d, nil
	}
	src, err := trieFromKagome(u.Index, len(u.Contents))
	if err != nil {
		return nil, fmt.Errorf("morph: user dictionary: %w", err)
	}
	units, err := buildDoubleArray(src)
	if err != nil {
		return nil, fmt.Errorf("morph: user dictionary: %w", err)
	}
	if len(units) < 256 {
		units = append(units, make([]uint32, 256-len(units))...)
	}
	if d.nLeft >= 1<<16 || d.nRight >= 1<<16 {
		return nil, fmt.Errorf("morph: user dictionary: no context id left for user entries (%dx%d)", d.nLeft, d.nRight)
	}
	out := *d
	// One more left id (a row of zeros) and one more right id (a column of
	// zeros) for user entries.
	out.nLeft, out.nRight = d.nLeft+1, d.nRight+1
	out.conn = make([]int16, out.nLeft*out.nRight)
	for l := 0; l < d.nLeft; l++ {
		copy(out.conn[l*out.nRight:], d.conn[l*d.nRight:(l+1)*d.nRight])
	}
	ud := &userDict{units: units, morphs: make([]morph, len(u.Contents))}
	for i, c := range u.Contents {
		p := posOf(c.Pos)
		if p == Unclassified {
			p = User
		}
		ud.morphs[i] = morph{left: uint16(d.nLeft), right: uint16(d.nRight), info: uint8(p)}
	}
	for _, n := range src.nodes {
		if n.value >= 0 {
			ud.morphs[n.value+u.Index.Dup[n.value]].info |= morphLast
		}
	}
	out.user = ud
	if err := out.validate(); err != nil {
		return nil, fmt.Errorf("morph: user dictionary: %w", err)
	}
	return &out, nil
}

// addUser adds the user entries starting at byte offset o and reports
// whether there were any.
func (a *Analyzer) addUser(text string, o int) bool {
	ud := a.d.user
	matched := false
	lookup(ud.units, text[o:], func(first int32, n int) {
		matched = true
		for m := int(first); m < len(ud.morphs); m++ {
			mo := ud.morphs[m]
			a.add(o, o+n, mo.left, mo.right, mo.weight, mo.pos())
			if mo.info&morphLast != 0 {
				break
			}
		}
	})
	return matched
}
