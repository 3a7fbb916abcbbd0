package zlibsize

// Huffman trees and the block-type decision of trees.c, reduced to bit counts.

import "math/bits"

const (
	literals = 256
	endBlock = 256
	lCodes   = literals + 1 + 29 // L_CODES
	dCodes   = 30                // D_CODES
	blCodes  = 19                // BL_CODES
	heapSize = 2*lCodes + 1      // HEAP_SIZE
	maxBits  = 15                // MAX_BITS
	maxBLBit = 7                 // MAX_BL_BITS
	rep3_6   = 16                // REP_3_6
	repz3_10 = 17                // REPZ_3_10
	repz11   = 18                // REPZ_11_138
)

// Extra bits per code (trees.c extra_lbits, extra_dbits, extra_blbits).
var (
	extraLBits  = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	extraDBits  = [dCodes]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	extraBLBits = [blCodes]uint8{16: 2, 17: 3, 18: 7}
	// blOrder is trees.c bl_order: the order in which bit length code
	// lengths are sent.
	blOrder = [blCodes]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// lengthCode maps match length - 3 to its length code - 257 (trees.c
// _length_code as tr_static_init fills it: 258 uses code 285, not 284+31).
var lengthCode [256]uint8

// static tree code lengths (trees.c tr_static_init: static_ltree, static_dtree).
var staticLLen [lCodes + 2]uint8

func init() {
	n := 0
	for code := 0; code < 28; code++ {
		for i := 0; i < 1<<extraLBits[code]; i++ {
			lengthCode[n] = uint8(code)
			n++
		}
	}
	lengthCode[255] = 28
	for i := range staticLLen {
		switch {
		case i <= 143:
			staticLLen[i] = 8
		case i <= 255:
			staticLLen[i] = 9
		case i <= 279:
			staticLLen[i] = 7
		default:
			staticLLen[i] = 8
		}
	}
}

const staticDLen = 5

// distCode is d_code(dist) for dist = distance - 1 (0..32767).
func distCode(d int) int {
	if d < 4 {
		return d
	}
	k := bits.Len(uint(d)) - 1 // 2^k <= d < 2^(k+1)
	return 2*k + (d>>(k-1))&1
}

// treeDesc is trees.c static_tree_desc.
type treeDesc struct {
	staticLen func(n int) int // nil for the bit length tree
	extra     []uint8
	base      int
	elems     int
	maxLength int
}

var (
	lDesc  = treeDesc{func(n int) int { return int(staticLLen[n]) }, extraLBits[:], literals + 1, lCodes, maxBits}
	dDesc  = treeDesc{func(int) int { return staticDLen }, extraDBits[:], 0, dCodes, maxBits}
	blDesc = treeDesc{nil, extraBLBits[:], 0, blCodes, maxBLBit}
)

// tree holds one ct_data array: Freq and Len (Dad is kept apart from Len;
// gen_bitlen reads a node's Dad only before writing its Len, so sharing the
// storage as zlib does makes no difference).
type tree struct {
	freq [heapSize]uint32
	dad  [heapSize]uint16
	len  [heapSize + 1]uint16 // +1: scan_tree's guard at max_code+1
}

// trees is the part of deflate_state that build_tree works in.
type trees struct {
	l, d, bl  tree
	heap      [heapSize]int
	heapLen   int
	heapMax   int
	depth     [heapSize]uint8
	blCount   [maxBits + 1]int
	optLen    int64
	staticLen int64
}

// smaller is trees.c's smaller(): frequency, then depth, as tie-breaker.
func (t *trees) smaller(tr *tree, n, m int) bool {
	return tr.freq[n] < tr.freq[m] || (tr.freq[n] == tr.freq[m] && t.depth[n] <= t.depth[m])
}

// pqdownheap is trees.c pqdownheap.
func (t *trees) pqdownheap(tr *tree, k int) {
	v := t.heap[k]
	j := k << 1
	for j <= t.heapLen {
		if j < t.heapLen && t.smaller(tr, t.heap[j+1], t.heap[j]) {
			j++
		}
		if t.smaller(tr, v, t.heap[j]) {
			break
		}
		t.heap[k] = t.heap[j]
		k = j
		j <<= 1
	}
	t.heap[k] = v
}

// buildTree is trees.c build_tree (without gen_codes, which only assigns the
// code values); it adds the tree's bits to optLen (and staticLen when the
// tree has a static counterpart) and returns max_code.
func (t *trees) buildTree(tr *tree, desc *treeDesc) int {
	elems := desc.elems
	maxCode := -1
	t.heapLen = 0
	t.heapMax = heapSize
	for n := 0; n < elems; n++ {
		if tr.freq[n] != 0 {
			t.heapLen++
			t.heap[t.heapLen] = n
			maxCode = n
			t.depth[n] = 0
		} else {
			tr.len[n] = 0
		}
	}
	// The pkzip format requires at least one distance code and at least
	// two codes of non-zero frequency: force them (freq 1, not counted).
	for t.heapLen < 2 {
		node := 0
		if maxCode < 2 {
			maxCode++
			node = maxCode
		}
		t.heapLen++
		t.heap[t.heapLen] = node
		tr.freq[node] = 1
		t.depth[node] = 0
		t.optLen--
		if desc.staticLen != nil {
			t.staticLen -= int64(desc.staticLen(node))
		}
	}
	for n := t.heapLen / 2; n >= 1; n-- {
		t.pqdownheap(tr, n)
	}
	node := elems
	for {
		// pqremove
		n := t.heap[1]
		t.heap[1] = t.heap[t.heapLen]
		t.heapLen--
		t.pqdownheap(tr, 1)
		m := t.heap[1]

		t.heapMax--
		t.heap[t.heapMax] = n
		t.heapMax--
		t.heap[t.heapMax] = m

		tr.freq[node] = tr.freq[n] + tr.freq[m]
		t.depth[node] = max(t.depth[n], t.depth[m]) + 1
		tr.dad[n] = uint16(node)
		tr.dad[m] = uint16(node)
		t.heap[1] = node
		node++
		t.pqdownheap(tr, 1)
		if t.heapLen < 2 {
			break
		}
	}
	t.heapMax--
	t.heap[t.heapMax] = t.heap[1]
	t.genBitlen(tr, desc, maxCode)
	return maxCode
}

// genBitlen is trees.c gen_bitlen: optimal lengths, then the length limit
// fixed as zlib does it (move leaves down from the deepest non-full level,
// then reassign lengths in increasing frequency order).
func (t *trees) genBitlen(tr *tree, desc *treeDesc, maxCode int) {
	maxLength := desc.maxLength
	for i := range t.blCount {
		t.blCount[i] = 0
	}
	overflow := 0
	tr.len[t.heap[t.heapMax]] = 0 // root
	h := t.heapMax + 1
	for ; h < heapSize; h++ {
		n := t.heap[h]
		bits := int(tr.len[tr.dad[n]]) + 1
		if bits > maxLength {
			bits = maxLength
			overflow++
		}
		tr.len[n] = uint16(bits)
		if n > maxCode {
			continue // not a leaf
		}
		t.blCount[bits]++
		xbits := 0
		if n >= desc.base {
			xbits = int(desc.extra[n-desc.base])
		}
		f := int64(tr.freq[n])
		t.optLen += f * int64(bits+xbits)
		if desc.staticLen != nil {
			t.staticLen += f * int64(desc.staticLen(n)+xbits)
		}
	}
	if overflow == 0 {
		return
	}
	for overflow > 0 {
		bits := maxLength - 1
		for t.blCount[bits] == 0 {
			bits--
		}
		t.blCount[bits]--
		t.blCount[bits+1] += 2
		t.blCount[maxLength]--
		overflow -= 2
	}
	for bits := maxLength; bits != 0; bits-- {
		n := t.blCount[bits]
		for n != 0 {
			h--
			m := t.heap[h]
			if m > maxCode {
				continue
			}
			if int(tr.len[m]) != bits {
				t.optLen += int64(bits-int(tr.len[m])) * int64(tr.freq[m])
				tr.len[m] = uint16(bits)
			}
			n--
		}
	}
}

// scanTree is trees.c scan_tree: the bit length code frequencies of the run
// length encoding of tr's code lengths.
func (t *trees) scanTree(tr *tree, maxCode int) {
	bl := &t.bl.freq
	prevlen := -1
	nextlen := int(tr.len[0])
	count := 0
	maxCount, minCount := 7, 4
	if nextlen == 0 {
		maxCount, minCount = 138, 3
	}
	tr.len[maxCode+1] = 0xffff // guard
	for n := 0; n <= maxCode; n++ {
		curlen := nextlen
		nextlen = int(tr.len[n+1])
		count++
		if count < maxCount && curlen == nextlen {
			continue
		} else if count < minCount {
			bl[curlen] += uint32(count)
		} else if curlen != 0 {
			if curlen != prevlen {
				bl[curlen]++
			}
			bl[rep3_6]++
		} else if count <= 10 {
			bl[repz3_10]++
		} else {
			bl[repz11]++
		}
		count = 0
		prevlen = curlen
		if nextlen == 0 {
			maxCount, minCount = 138, 3
		} else if curlen == nextlen {
			maxCount, minCount = 6, 3
		} else {
			maxCount, minCount = 7, 4
		}
	}
}

// flush is trees.c _tr_flush_block for level > 0, counting bits: stored_len
// input bytes, inWindow says buf != NULL.
func (s *state) flush(storedLen int, inWindow, last bool) {
	t := &s.tr
	t.optLen, t.staticLen = 0, 0
	copy(t.l.freq[:lCodes], s.lfreq[:])
	copy(t.d.freq[:dCodes], s.dfreq[:])
	clear(t.bl.freq[:blCodes])

	lMax := t.buildTree(&t.l, &lDesc)
	dMax := t.buildTree(&t.d, &dDesc)
	// build_bl_tree
	t.scanTree(&t.l, lMax)
	t.scanTree(&t.d, dMax)
	t.buildTree(&t.bl, &blDesc)
	maxBLIndex := blCodes - 1
	for ; maxBLIndex >= 3; maxBLIndex-- {
		if t.bl.len[blOrder[maxBLIndex]] != 0 {
			break
		}
	}
	t.optLen += 3*int64(maxBLIndex+1) + 5 + 5 + 4

	optLenb := (t.optLen + 3 + 7) >> 3
	staticLenb := (t.staticLen + 3 + 7) >> 3
	if staticLenb <= optLenb {
		optLenb = staticLenb
	}
	switch {
	case int64(storedLen)+4 <= optLenb && inWindow:
		// _tr_stored_block: 3 header bits, bi_windup, LEN and NLEN, the bytes.
		s.bits = (s.bits+3+7)&^7 + 32 + 8*int64(storedLen)
	case staticLenb == optLenb:
		s.bits += 3 + t.staticLen
	default:
		// send_all_trees and compress_block emit exactly opt_len bits.
		s.bits += 3 + t.optLen
	}
	s.initBlock()
	if last {
		s.bits = (s.bits + 7) &^ 7 // bi_windup
	}
}
