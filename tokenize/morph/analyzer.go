package morph

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Analyzer segments text with a Dict. It keeps its lattice between calls,
// so that counting allocates nothing once warm. It is not safe for
// concurrent use: make one per goroutine.
type Analyzer struct {
	d *Dict
	// per-rune facts of the current text (chars.go)
	off  []int32
	cls  []uint8
	flag []uint8
	run  []int32
	// the trie unit after the rune (Dict.first), unless flag has runeSlow
	state []uint32
	// the dictionary words starting at each rune (lattice.go, matches)
	mAt   []int32
	mEnd  []int32
	mVal  []uint32
	touch uint8 // see matches
	// the lattice (lattice.go): a node arena, the first and last node
	// ending at each byte offset (index+1), and the predecessors of the
	// current start
	nodes      []node
	head, tail []int32
	predR      []uint16
	predC      []int32
	predI      []int32
	// memo of the best predecessor per left id for the current start
	stamp   uint32
	memo    []memo
	path    []int32 // token boundaries of the best path, reversed
	pathPOS []POS
}

// NewAnalyzer returns an analyzer over d.
func NewAnalyzer(d *Dict) *Analyzer {
	return &Analyzer{d: d}
}

// Count returns the number of tokens of text that are not whitespace-only
// (a token whose runes are all unicode.IsSpace is not counted).
func (a *Analyzer) Count(text string) int {
	j := a.build(text)
	n := 0
	e := len(text)
	for j >= 0 {
		nd := &a.nodes[j]
		if nd.start < 0 {
			break
		}
		if !a.blank(text, int(nd.start), e) {
			n++
		}
		e, j = int(nd.start), nd.prev
	}
	return n
}

// Tokens calls f with the byte offsets and coarse part of speech of every
// token of text, whitespace-only ones included, in order. The tokens tile
// text: the first starts at 0, each starts where the previous ended, and
// the last ends at len(text).
func (a *Analyzer) Tokens(text string, f func(start, end int, pos POS)) {
	a.collect(text)
	for i := len(a.pathPOS) - 1; i >= 0; i-- {
		f(int(a.path[i+1]), int(a.path[i]), a.pathPOS[i])
	}
}

// AppendWakati appends to dst the surfaces of the tokens of text that are
// not whitespace-only, separated by one ASCII space (what `mecab -Owakati`
// prints for a line, without the line break), and returns the result.
func (a *Analyzer) AppendWakati(dst []byte, text string) []byte {
	a.collect(text)
	first := true
	for i := len(a.pathPOS) - 1; i >= 0; i-- {
		s, e := int(a.path[i+1]), int(a.path[i])
		if a.blank(text, s, e) {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = append(dst, text[s:e]...)
	}
	return dst
}

// collect runs the search and stores the best path in a.path (token ends,
// from the last: path[i+1] is the start and path[i] the end of token i) and
// a.pathPOS, both from the end of text backwards.
func (a *Analyzer) collect(text string) {
	j := a.build(text)
	a.path = append(a.path[:0], int32(len(text)))
	a.pathPOS = a.pathPOS[:0]
	for j >= 0 {
		nd := &a.nodes[j]
		if nd.start < 0 {
			break
		}
		a.path = append(a.path, nd.start)
		a.pathPOS = append(a.pathPOS, nd.pos)
		j = nd.prev
	}
}

// blank reports whether text[s:e] is whitespace only.
func (a *Analyzer) blank(text string, s, e int) bool {
	for i := s; i < e; {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return false
			}
			i++
			continue
		}
		if c > 0xE3 || c == 0xE3 && !strings.HasPrefix(text[i:e], "\u3000") {
			// U+3000 is the only space from U+3000 up (lead bytes E3
			// and above, which also start no invalid sequence that
			// decodes to a space)
			return false
		}
		r, size := utf8.DecodeRuneInString(text[i:e])
		if !unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}
