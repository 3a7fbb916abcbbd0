// Package zlibsize computes the exact length of the zlib stream that classic C
// zlib (1.2.x/1.3.x, as linked by CPython's zlib module) produces for a buffer,
// without producing the stream and without cgo.
//
// Len(b, level) == len(zlib.compress(b, level)) in CPython, which calls
// deflateInit2(level, Z_DEFLATED, MAX_WBITS=15, DEF_MEM_LEVEL=8,
// Z_DEFAULT_STRATEGY) and deflate(Z_FINISH) once with all of b (inputs below
// 4 GiB). Go's compress/flate and klauspost/compress choose other matches and
// other block boundaries, so their sizes differ by a few percent; filters that
// copy a Python reference (the llm-jp corpus filter's compression ratio bounds,
// for instance) need the C library's exact size.
//
// The code follows the algorithm of madler/zlib (read at v1.2.13 and at
// v1.3.1; deflate.c, deflate.h and trees.c are algorithmically identical
// between them for these settings): the sliding window and hash chains of
// fill_window/longest_match/INSERT_STRING, the greedy deflate_fast (levels
// 1-3) and lazy deflate_slow (levels 4-9) parsers with the configuration
// table, the block split when the symbol buffer holds lit_bufsize-1 symbols,
// and _tr_flush_block's choice between a stored, a fixed and a dynamic block
// from build_tree/gen_bitlen/build_bl_tree's bit counts. It is written anew in
// Go and only counts bits: no symbol buffer, no codes, no output bytes.
package zlibsize

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// Parameters of deflateInit2 as CPython's zlib.compress calls it
// (deflate.h, zconf.h).
const (
	wBits      = 15
	wSize      = 1 << wBits // w_size
	wMask      = wSize - 1
	windowSize = 2 * wSize // window_size = 2L*w_size (lm_init)
	memLevel   = 8
	hashBits   = memLevel + 7 // hash_bits (deflateInit2_)
	hashSize   = 1 << hashBits
	hashMask   = hashSize - 1
	hashShift  = (hashBits + minMatch - 1) / minMatch // 5

	minMatch     = 3
	maxMatch     = 258
	minLookahead = maxMatch + minMatch + 1 // MIN_LOOKAHEAD, deflate.h
	maxDist      = wSize - minLookahead    // MAX_DIST(s), deflate.h
	winInit      = maxMatch                // WIN_INIT, deflate.h
	tooFar       = 4096                    // TOO_FAR, deflate.c

	litBufsize = 1 << (memLevel + 6) // lit_bufsize (deflateInit2_)
	symEnd     = litBufsize - 1      // sym_end / 3: a block holds at most this many symbols

	// windowPad lets matchLen load 8 bytes at a time near the end of the
	// window; those bytes are never part of a returned length.
	windowPad = 16
)

// config is one row of deflate.c's configuration_table.
type config struct {
	good, lazy, nice, chain int
	slow                    bool // deflate_slow (lazy matching) rather than deflate_fast
}

// configTable is deflate.c's configuration_table (the non-FASTEST build);
// row 0 (deflate_stored) is not supported here.
var configTable = [10]config{
	1: {4, 4, 8, 4, false},
	2: {4, 5, 16, 8, false},
	3: {4, 6, 32, 32, false},
	4: {4, 4, 16, 16, true},
	5: {8, 16, 32, 32, true},
	6: {8, 16, 128, 128, true},
	7: {8, 32, 128, 256, true},
	8: {32, 128, 258, 1024, true},
	9: {32, 258, 258, 4096, true},
}

// Overhead is the zlib wrapper: the 2-byte header (deflate(): CMF/FLG) and
// the 4-byte Adler-32 trailer.
const Overhead = 2 + 4

// Len returns len(zlib.compress(b, level)) as CPython computes it with
// classic C zlib: levels 1 to 9, or -1 (Z_DEFAULT_COMPRESSION, which zlib maps
// to 6). It panics on any other level (level 0, stored-only output, depends on
// the caller's output buffer sizes in zlib >= 1.2.9 and is not modelled).
func Len(b []byte, level int) int {
	if level == -1 {
		level = 6
	}
	if level < 1 || level > 9 {
		panic("zlibsize: level must be -1 or 1..9")
	}
	s := pool.Get().(*state)
	n := s.run(b, configTable[level])
	s.in = nil
	pool.Put(s)
	return n
}

var pool = sync.Pool{New: func() any { return new(state) }}

// state mirrors the fields of deflate_state that decide the output length.
type state struct {
	window [windowSize + windowPad]byte
	head   [hashSize]uint16 // head, NIL = 0
	prev   [wSize]uint16    // prev

	in []byte // input not yet read into the window (strm->next_in/avail_in)

	strstart   int
	lookahead  int
	blockStart int // may become negative after the window slides (block_start)
	matchStart int
	highWater  int

	cfg config

	nsym  int // symbols in the current block (sym_next / 3)
	lfreq [lCodes]uint32
	dfreq [dCodes]uint32

	bits int64 // bits of deflate data emitted so far

	tr trees
}

func (s *state) run(b []byte, cfg config) int {
	s.in = b
	s.cfg = cfg
	// lm_init: CLEAR_HASH and the counters. prev needs no clearing: only
	// entries written by INSERT_STRING are reachable from head.
	clear(s.head[:])
	s.strstart, s.lookahead, s.blockStart, s.matchStart = 0, 0, 0, 0
	s.highWater = 0
	s.bits = 0
	s.initBlock()
	if cfg.slow {
		s.deflateSlow()
	} else {
		s.deflateFast()
	}
	return Overhead + int(s.bits>>3)
}

// initBlock is trees.c init_block.
func (s *state) initBlock() {
	clear(s.lfreq[:])
	clear(s.dfreq[:])
	s.lfreq[endBlock] = 1
	s.nsym = 0
}

// hash3 is the value of ins_h after INSERT_STRING at p: UPDATE_HASH shifts by
// hash_shift (5) and masks to hash_bits (15), so after three updates ins_h
// depends on window[p..p+2] only. zlib re-seeds ins_h from window[strstart]
// and window[strstart+1] whenever it skips positions (fill_window,
// deflate_fast), so the rolling value always equals this.
func hash3(w []byte, p int) int {
	return (int(w[p])<<(2*hashShift) ^ int(w[p+1])<<hashShift ^ int(w[p+2])) & hashMask
}

// insert is INSERT_STRING: it links p into its hash chain and returns the
// previous head of the chain.
func (s *state) insert(p int) int {
	h := hash3(s.window[:], p)
	m := s.head[h]
	s.prev[p&wMask] = m
	s.head[h] = uint16(p)
	return int(m)
}

// fillWindow is deflate.c fill_window for one deflate(Z_FINISH) call with all
// input available (insert is always 0 then). longest_match compares up to
// strstart+258 before clipping the length to lookahead, so it reads bytes past
// the data; nice_match is clipped to lookahead, which keeps those bytes from
// deciding anything ("necessary to make deflate deterministic"), but the
// window is reproduced exactly anyway: the slide copies only the valid part of
// the upper half (zlib >= 1.2.9) and WIN_INIT bytes past the data are zeroed
// once, as high_water tracks, so a pooled window never shows older input.
func (s *state) fillWindow() {
	for {
		more := windowSize - s.lookahead - s.strstart
		if s.strstart >= wSize+maxDist {
			copy(s.window[:wSize-more], s.window[wSize:2*wSize-more])
			s.matchStart -= wSize
			s.strstart -= wSize
			s.blockStart -= wSize
			s.slideHash()
			more += wSize
		}
		if len(s.in) == 0 {
			break
		}
		dst := s.strstart + s.lookahead
		n := copy(s.window[dst:dst+more], s.in)
		s.in = s.in[n:]
		s.lookahead += n
		if s.lookahead >= minLookahead || len(s.in) == 0 {
			break
		}
	}
	if s.highWater < windowSize {
		curr := s.strstart + s.lookahead
		if s.highWater < curr {
			init := min(windowSize-curr, winInit)
			clear(s.window[curr : curr+init])
			s.highWater = curr + init
		} else if s.highWater < curr+winInit {
			init := min(curr+winInit-s.highWater, windowSize-s.highWater)
			clear(s.window[s.highWater : s.highWater+init])
			s.highWater += init
		}
	}
}

// slideHash is deflate.c slide_hash.
func (s *state) slideHash() {
	for i, m := range s.head {
		if m >= wSize {
			s.head[i] = m - wSize
		} else {
			s.head[i] = 0
		}
	}
	for i, m := range s.prev {
		if m >= wSize {
			s.prev[i] = m - wSize
		} else {
			s.prev[i] = 0
		}
	}
}

// matchLen returns the number of equal bytes at w[a:] and w[b:], at most
// maxMatch-2 (the caller has compared the first two bytes).
func matchLen(w []byte, a, b int) int {
	wa := w[a : a+maxMatch-2+8]
	wb := w[b : b+maxMatch-2+8]
	for i := 0; i < maxMatch-2; i += 8 {
		x := binary.LittleEndian.Uint64(wa[i:]) ^ binary.LittleEndian.Uint64(wb[i:])
		if x != 0 {
			return min(i+bits.TrailingZeros64(x)>>3, maxMatch-2)
		}
	}
	return maxMatch - 2
}

// longestMatch is deflate.c longest_match (the portable, non-UNALIGNED_OK
// variant; both give the same result). prevLength is s->prev_length.
// zlib never compares scan[2] with match[2] (equal whenever the first two
// bytes are, since the hash keys are) and stops at MAX_MATCH; comparing byte 2
// too gives the same length.
func (s *state) longestMatch(cur, prevLength int) int {
	w := s.window[:]
	chain := s.cfg.chain
	scan := s.strstart
	bestLen := prevLength
	nice := s.cfg.nice
	limit := 0
	if scan > maxDist {
		limit = scan - maxDist
	}
	if prevLength >= s.cfg.good {
		chain >>= 2
	}
	if nice > s.lookahead {
		nice = s.lookahead
	}
	scanStart := binary.LittleEndian.Uint16(w[scan:])
	scanEnd := binary.LittleEndian.Uint16(w[scan+bestLen-1:])
	for {
		if binary.LittleEndian.Uint16(w[cur+bestLen-1:]) == scanEnd &&
			binary.LittleEndian.Uint16(w[cur:]) == scanStart {
			n := 2 + matchLen(w, scan+2, cur+2)
			if n > bestLen {
				s.matchStart = cur
				bestLen = n
				if n >= nice {
					break
				}
				scanEnd = binary.LittleEndian.Uint16(w[scan+bestLen-1:])
			}
		}
		cur = int(s.prev[cur&wMask])
		if cur <= limit {
			break
		}
		chain--
		if chain == 0 {
			break
		}
	}
	if bestLen <= s.lookahead {
		return bestLen
	}
	return s.lookahead
}

// tallyLit and tallyDist are _tr_tally_lit and _tr_tally_dist; they report
// whether the symbol buffer is full (sym_next == sym_end).
func (s *state) tallyLit(c byte) bool {
	s.lfreq[c]++
	s.nsym++
	return s.nsym == symEnd
}

func (s *state) tallyDist(dist, lenMinus3 int) bool {
	s.lfreq[int(lengthCode[lenMinus3])+literals+1]++
	s.dfreq[distCode(dist-1)]++
	s.nsym++
	return s.nsym == symEnd
}

// flushBlock is FLUSH_BLOCK_ONLY: the block covers window[block_start,
// strstart), which is still in the window (a stored block is possible) when
// block_start >= 0.
func (s *state) flushBlock(last bool) {
	s.flush(s.strstart-s.blockStart, s.blockStart >= 0, last)
	s.blockStart = s.strstart
}

// deflateSlow is deflate.c deflate_slow with flush == Z_FINISH and strategy
// Z_DEFAULT_STRATEGY.
func (s *state) deflateSlow() {
	matchLength := minMatch - 1
	prevMatch := 0
	matchAvailable := false
	for {
		if s.lookahead < minLookahead {
			s.fillWindow()
			if s.lookahead == 0 {
				break
			}
		}
		hashHead := 0
		if s.lookahead >= minMatch {
			hashHead = s.insert(s.strstart)
		}
		prevLength := matchLength
		prevMatch = s.matchStart
		matchLength = minMatch - 1
		if hashHead != 0 && prevLength < s.cfg.lazy && s.strstart-hashHead <= maxDist {
			matchLength = s.longestMatch(hashHead, prevLength)
			if matchLength == minMatch && s.strstart-s.matchStart > tooFar {
				matchLength = minMatch - 1
			}
		}
		if prevLength >= minMatch && matchLength <= prevLength {
			maxInsert := s.strstart + s.lookahead - minMatch
			flush := s.tallyDist(s.strstart-1-prevMatch, prevLength-minMatch)
			s.lookahead -= prevLength - 1
			for n := prevLength - 2; n != 0; n-- {
				s.strstart++
				if s.strstart <= maxInsert {
					s.insert(s.strstart)
				}
			}
			matchAvailable = false
			matchLength = minMatch - 1
			s.strstart++
			if flush {
				s.flushBlock(false)
			}
		} else if matchAvailable {
			if s.tallyLit(s.window[s.strstart-1]) {
				s.flushBlock(false)
			}
			s.strstart++
			s.lookahead--
		} else {
			matchAvailable = true
			s.strstart++
			s.lookahead--
		}
	}
	if matchAvailable {
		s.tallyLit(s.window[s.strstart-1])
	}
	s.flushBlock(true)
}

// deflateFast is deflate.c deflate_fast (levels 1-3) with flush == Z_FINISH;
// max_insert_length is max_lazy_match.
func (s *state) deflateFast() {
	matchLength := minMatch - 1
	for {
		if s.lookahead < minLookahead {
			s.fillWindow()
			if s.lookahead == 0 {
				break
			}
		}
		hashHead := 0
		if s.lookahead >= minMatch {
			hashHead = s.insert(s.strstart)
		}
		if hashHead != 0 && s.strstart-hashHead <= maxDist {
			matchLength = s.longestMatch(hashHead, minMatch-1)
		}
		var flush bool
		if matchLength >= minMatch {
			flush = s.tallyDist(s.strstart-s.matchStart, matchLength-minMatch)
			s.lookahead -= matchLength
			if matchLength <= s.cfg.lazy && s.lookahead >= minMatch {
				for matchLength--; matchLength != 0; matchLength-- {
					s.strstart++
					s.insert(s.strstart)
				}
				s.strstart++
			} else {
				s.strstart += matchLength
				matchLength = 0
			}
		} else {
			flush = s.tallyLit(s.window[s.strstart])
			s.lookahead--
			s.strstart++
		}
		if flush {
			s.flushBlock(false)
		}
	}
	s.flushBlock(true)
}
