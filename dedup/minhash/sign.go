package minhash

import (
	"fmt"
	"math/bits"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// Defaults and limits of Options.
const (
	DefaultNGram        = 5    // Options.NGram when 0
	DefaultPermutations = 128  // Options.Permutations when 0
	MaxNGram            = 64   // largest Options.NGram
	MaxPermutations     = 4096 // largest Options.Permutations
)

// Options configure a Hasher. The zero value means 5-grams, K = 128, seed 0.
type Options struct {
	NGram        int    // shingle length in characters (runes) or tokens; default 5 when 0
	Permutations int    // K, signature length; default 128 when 0; must be >= 1
	Seed         uint64 // seeds every hash; same seed => same signatures on every machine
}

// Signature is a MinHash signature: K minimum hash values, one per bin.
// Signatures are comparable only when made with the same Options.
type Signature []uint32

// Hasher computes signatures with fixed Options. It keeps reusable scratch
// space, about 264 bytes per permutation plus 13 KB (47 KB at K = 128),
// whatever the length of the texts, so it is NOT safe for concurrent use:
// give each worker its own.
type Hasher struct {
	opts        Options
	seedShingle uint64 // xxh3 seed of the shingle hash
	seedRound   uint64 // bins and values of the rounds after the first
	seedRotate  uint64 // offsets of the last phase of the rounds
	seedEmpty   uint64 // the signature of the empty text
	mins        []uint64
	empties     int      // empty bins, while densifying
	stored      []uint64 // shingle hashes kept for densification
	nstored     int
	overflow    bool // too many distinct shingles to keep
	buf         []byte
	// ring[u&ringMask] is the offset in buf where unit u+1 starts (units
	// being characters or tokens, counted from 1), kept for the last
	// NGram+1 units.
	ring [ringSize]int
}

const (
	ringSize  = 128 // a power of two > MaxNGram
	ringMask  = ringSize - 1
	chunkSize = 4096 // folded bytes buffered before the buffer is compacted
)

// New returns a Hasher for o after filling its defaults. NGram must be in
// 1..64 and Permutations in 1..4096 (0 meaning the default).
func New(o Options) (*Hasher, error) {
	if o.NGram == 0 {
		o.NGram = DefaultNGram
	}
	if o.Permutations == 0 {
		o.Permutations = DefaultPermutations
	}
	if o.NGram < 1 || o.NGram > MaxNGram {
		return nil, fmt.Errorf("minhash: ngram %d: want 1..%d", o.NGram, MaxNGram)
	}
	if o.Permutations < 1 || o.Permutations > MaxPermutations {
		return nil, fmt.Errorf("minhash: permutations %d: want 1..%d", o.Permutations, MaxPermutations)
	}
	return &Hasher{
		opts:        o,
		seedShingle: derive(o.Seed, tagShingle),
		seedRound:   derive(o.Seed, tagRound),
		seedRotate:  derive(o.Seed, tagRotate),
		seedEmpty:   derive(o.Seed, tagEmpty),
		mins:        make([]uint64, o.Permutations),
		stored:      make([]uint64, storeSize(o.Permutations)),
		buf:         make([]byte, 0, chunkSize+utf8.UTFMax),
	}, nil
}

// Options returns the options in use, defaults filled.
func (h *Hasher) Options() Options { return h.opts }

// Sign returns the signature of the character n-grams of Fold(text), in
// dst's storage when its capacity is at least K. A text of fewer than
// NGram characters is one shingle, the whole text; the empty text has a
// fixed signature of its own (equal for all empty texts, unlike that of
// any other text). Invalid UTF-8 bytes count as one character each.
func (h *Hasher) Sign(text string, dst Signature) Signature {
	h.clear()
	if h.scanChars(text, 0) == 0 {
		return h.empty(dst)
	}
	if !h.densify() {
		for r := 1; h.empties > 0; r++ {
			h.scanChars(text, r)
		}
	}
	return h.output(dst)
}

// scanChars hashes every character n-gram of Fold(text) into the bins of
// round r and returns the number of characters.
func (h *Hasher) scanChars(text string, r int) int {
	n := h.opts.NGram
	seed := h.seedShingle
	mins := h.mins
	k := uint64(len(mins))
	stored, nst := h.stored, h.nstored
	ring := &h.ring
	ring[0] = 0
	buf := h.buf[:0]
	units := 0
	for i := 0; i < len(text); {
		if len(buf) >= chunkSize {
			buf = h.compact(buf, units)
		}
		// Fold on the fly, fast paths first: ASCII, and three-byte
		// sequences that are valid whatever their continuation bytes are
		// (lead bytes E1–EC and EE: kana, kanji, CJK punctuation). Of
		// those, only U+3000 (E3 80 80) folds; everything else that folds
		// starts with EF and takes the general path.
		c := text[i]
		switch {
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		case c >= 0xE1 && c <= 0xEE && c != 0xED && i+2 < len(text) &&
			text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			if c == 0xE3 && text[i+1] == 0x80 && text[i+2] == 0x80 {
				buf = append(buf, ' ')
			} else {
				buf = append(buf, c, text[i+1], text[i+2])
			}
			i += 3
		default:
			var size int
			buf, size = appendFolded(buf, text, i)
			i += size
		}
		units++
		end := len(buf)
		ring[units&ringMask] = end
		if units < n {
			continue
		}
		x := xxh3.HashSeed(buf[ring[(units-n)&ringMask]:end], seed)
		if r > 0 {
			h.addRound(x, r)
			continue
		}
		// h.add, by hand: this loop is where the time goes.
		bin, lo := bits.Mul64(x, k)
		if key := lo >> (64 - roundShift); key < mins[bin] {
			mins[bin] = key
		}
		if nst < len(stored) {
			stored[nst] = x
			nst++
		} else if !h.overflow {
			h.nstored = nst
			h.store(x)
			nst = h.nstored
		}
	}
	h.nstored = nst
	h.buf = buf[:0]
	if units > 0 && units < n {
		h.addShingle(xxh3.HashSeed(buf, seed), r)
	}
	return units
}

// addShingle puts the shingle hash x into its bin of round r.
func (h *Hasher) addShingle(x uint64, r int) {
	if r == 0 {
		h.add(x)
	} else {
		h.addRound(x, r)
	}
}

// SignTokens returns the signature of the token n-grams of tokens, in dst's
// storage when its capacity is at least K. An n-gram is hashed as its
// tokens joined by a NUL byte, which tokens of text do not contain (tokens
// that do contain NUL may collide). Each token is width-folded as by Fold;
// fold the text before tokenizing it to have a half-width kana and its
// sound mark composed across a token boundary. Fewer than NGram tokens make
// one shingle; no tokens at all give the signature of the empty text.
func (h *Hasher) SignTokens(tokens []string, dst Signature) Signature {
	h.clear()
	if h.scanTokens(tokens, 0) == 0 {
		return h.empty(dst)
	}
	if !h.densify() {
		for r := 1; h.empties > 0; r++ {
			h.scanTokens(tokens, r)
		}
	}
	if cap(h.buf) > 4*chunkSize {
		h.buf = make([]byte, 0, chunkSize+utf8.UTFMax) // do not keep a huge token's space
	}
	return h.output(dst)
}

// scanTokens hashes every token n-gram into the bins of round r and
// returns the number of tokens.
func (h *Hasher) scanTokens(tokens []string, r int) int {
	n := h.opts.NGram
	seed := h.seedShingle
	ring := &h.ring
	ring[0] = 0
	buf := h.buf[:0]
	units := 0
	for _, t := range tokens {
		if len(buf) >= chunkSize {
			buf = h.compact(buf, units)
		}
		if needsFold(t) < 0 {
			buf = append(buf, t...)
		} else {
			for i := 0; i < len(t); {
				var size int
				buf, size = appendFolded(buf, t, i)
				i += size
			}
		}
		buf = append(buf, 0)
		units++
		end := len(buf)
		ring[units&ringMask] = end
		if units >= n {
			h.addShingle(xxh3.HashSeed(buf[ring[(units-n)&ringMask]:end-1], seed), r)
		}
	}
	h.buf = buf[:0]
	if units > 0 && units < n {
		h.addShingle(xxh3.HashSeed(buf[:len(buf)-1], seed), r)
	}
	return units
}

// compact drops from buf the bytes no later shingle needs: everything
// before the last NGram-1 of the units units read so far.
func (h *Hasher) compact(buf []byte, units int) []byte {
	first := max(units-h.opts.NGram+1, 0)
	start := h.ring[first&ringMask]
	if start == 0 {
		return buf
	}
	m := copy(buf, buf[start:])
	for u := first; u <= units; u++ {
		h.ring[u&ringMask] -= start
	}
	return buf[:m]
}
