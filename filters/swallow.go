package filters

import (
	"strings"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// SwallowScores are the measures of the Swallow corpus quality rules, as
// swallow-corpus quality.py (commit 2d03507) computes them; the names in
// comments are the reference's. docs/presets/swallow.md gives every
// definition. Lengths are in code points.
type SwallowScores struct {
	// NumLetters is num_letters: the code points of the whole text.
	NumLetters int
	// NumJapanese is num_japanese_letters: hiragana + katakana + kanji +
	// kuten (。．！？) + touten (、，).
	NumJapanese int
	// Duplicate paragraphs and sentences, as a share of their count and of
	// the characters of all paragraphs (duplicate_*_fraction[_in_character]).
	DupParagraph, DupSentence, DupParagraphChars, DupSentenceChars float64
	// Top2to4 are top_{2,3,4}gram_character_fraction: the count of the most
	// frequent character n-gram over the number of n-grams.
	Top2to4 [3]float64
	// Dup5to10 are duplicate_{5..10}gram_character_fraction: distinct
	// n-grams that occur more than once over distinct n-grams.
	Dup5to10 [6]float64
	// Hiragana, Katakana and Kanji are shares of NumJapanese; Japanese is
	// NumJapanese over NumLetters.
	Hiragana, Katakana, Kanji, Japanese float64
	// AvgSentence and MaxSentence are avg_sentence_length and
	// max_sentence_length; Ellipsis is ellipsis_fraction.
	AvgSentence float64
	MaxSentence int
	Ellipsis    float64
}

// swallowMeter computes SwallowScores with reusable scratch.
type swallowMeter struct {
	runes  []rune
	pos    []int32     // the positions an n-gram pass hashes
	keys   []uint64    // the keys of a pass, then their slots
	para   []byte      // a paragraph with orphan terminators removed
	tab    ngramTable  // passes of more than maxPacked positions
	ptab   packedTable // the others
	sink   uint64      // keeps packedPass's early reads
	ngDone bool        // docState: the n-gram scores of the last measureText are in
	seen   countTable
}

// Measure returns the scores of text: measureText, then ngrams.
func (m *swallowMeter) Measure(text string) SwallowScores {
	var sc SwallowScores
	m.measureText(&sc, text)
	m.ngrams(&sc, m.runes)
	return sc
}

// measureText fills every score but the n-gram ones (Top2to4, Dup5to10)
// and leaves the code points of text in m.runes for ngrams. One pass over
// the text decodes it, counts the character classes and cuts the lines
// (paragraphs) and sentences as byte ranges, hashing each once.
func (m *swallowMeter) measureText(sc *SwallowScores, text string) {
	m.ngDone = false
	if cap(m.runes) < len(text)+1 {
		m.runes = make([]rune, 0, len(text)+1) // + 1: see ngrams
	}
	rs := m.runes[:len(text)] // no more code points than bytes
	nr := 0
	p := pieces{m: m, text: text}
	m.seen.reset(64)
	m.para = m.para[:0]

	// The current sentence is text[start:] with n code points; start < 0:
	// none. The variables of this loop are its own (no closure captures
	// them), so they stay in registers. A code point's class comes from
	// one table lookup and is counted without a branch: Japanese text
	// alternates hiragana, katakana and kanji too unpredictably for a switch.
	var counts [numSwallowClasses]int
	start, n := -1, 0
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			// three-byte sequences (kana, kanji, full-width forms) decoded
			// here; lead bytes E0 and ED have narrower second bytes, so they
			// and everything else go through the decoder, which yields what
			// range would (RuneError, 1 for a bad byte)
			if c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < len(text) &&
				text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
				r, size = rune(c&0x0F)<<12|rune(text[i+1]&0x3F)<<6|rune(text[i+2]&0x3F), 3
			} else {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
		}
		rs[nr] = r
		nr++
		var cl uint8
		if r <= 0xFFFF {
			cl = swallowClasses.pages[swallowClasses.page[r>>8]][r&0xFF]
		}
		counts[cl]++
		if cl < swClassTerm {
			if start < 0 {
				start = i
			}
			n++
			i += size
			continue
		}
		if cl == swClassNewline {
			if start >= 0 {
				p.sentence(start, i, n)
			}
			start, n = -1, 0
			p.endLine(i)
			i++
			continue
		}
		if start >= 0 {
			p.sentence(start, i+size, n+1)
		} else {
			p.orphan(i, size)
		}
		start, n = -1, 0
		i += size
	}
	h, k, kj := counts[swClassHiragana], counts[swClassKatakana], counts[swClassKanji]
	ku, to := counts[swClassKuten], counts[swClassTouten]
	if start >= 0 {
		p.sentence(start, len(text), n)
	}
	p.endLine(len(text))
	m.runes = rs[:nr]
	L := nr
	sc.NumLetters = L
	sc.MaxSentence = p.maxSent
	sc.DupParagraph = frac(p.dupParas, p.paras)
	sc.DupParagraphChars = frac(p.dupParaChars, p.totChars)
	sc.DupSentence = frac(p.dupSents, p.sents)
	sc.DupSentenceChars = frac(p.dupSentChars, p.totChars)
	sc.AvgSentence = frac(p.sumSent, p.sents)
	sc.Ellipsis = frac(p.ellipsis, p.sents)
	jp := h + k + kj + ku + to
	sc.NumJapanese = jp
	sc.Hiragana, sc.Katakana, sc.Kanji = frac(h, jp), frac(k, jp), frac(kj, jp)
	sc.Japanese = frac(jp, L)
}

// pieces counts the paragraphs and sentences of measureText.
type pieces struct {
	m    *swallowMeter
	text string
	// the current line starts at line; the paragraph is the line without
	// its orphan terminators (those not after a non-terminator,
	// quality.py:8, 101): usually there are none and no copy is made,
	// else m.para holds text[line:copied] without them
	line, copied, paraLen int
	orphans               bool

	paras, dupParas, dupParaChars, totChars          int
	sents, dupSents, dupSentChars, sumSent, ellipsis int
	maxSent                                          int
}

// sentence counts the sentence text[start:end] of runes code points.
func (p *pieces) sentence(start, end, runes int) {
	s := p.text[start:end]
	p.sents++
	p.sumSent += runes
	p.maxSent = max(p.maxSent, runes)
	if p.m.seen.add(hashPiece(1, s)) > 1 {
		p.dupSents++
		p.dupSentChars += runes
	}
	if t := strings.TrimRightFunc(s, pySpace); strings.HasSuffix(t, "・") || strings.HasSuffix(t, "…") {
		p.ellipsis++
	}
	p.paraLen += runes
}

// orphan leaves the terminator text[i:i+size] out of the paragraph.
func (p *pieces) orphan(i, size int) {
	p.m.para = append(p.m.para, p.text[p.copied:i]...)
	p.copied = i + size
	p.orphans = true
}

// endLine counts the paragraph of the line that ends at end.
func (p *pieces) endLine(end int) {
	var key uint64
	if p.orphans {
		p.m.para = append(p.m.para, p.text[p.copied:end]...)
		key = hashPieceBytes(2, p.m.para)
		p.m.para = p.m.para[:0]
		p.orphans = false
	} else {
		key = hashPiece(2, p.text[p.line:end])
	}
	p.paras++
	p.totChars += p.paraLen
	if p.m.seen.add(key) > 1 {
		p.dupParas++
		p.dupParaChars += p.paraLen
	}
	p.paraLen = 0
	p.line, p.copied = end+1, end+1
}

// The classes of measureText. Those from swClassTerm on end a sentence or
// a line.
const (
	swClassOther = iota
	swClassHiragana
	swClassKatakana
	swClassKanji
	swClassTouten // 、，
	swClassTerm   // ! ?: ends a sentence, not Japanese
	swClassKuten  // 。．！？: ends a sentence, Japanese
	swClassNewline
	numSwallowClasses
)

// swallowClassTable gives the class of every code point up to U+FFFF in
// two steps: page[r>>8] picks one of pages, indexed by r&0xFF. Read-only
// after init.
type swallowClassTable struct {
	page  [256]uint8
	pages [5][256]uint8 // other, U+00xx, U+30xx, all kanji, U+FFxx
}

var swallowClasses = func() *swallowClassTable {
	t := new(swallowClassTable)
	for hi := range 256 {
		r := rune(hi) << 8
		switch {
		case hi == 0x00:
			t.page[hi] = 1
		case hi == 0x30:
			t.page[hi] = 2
		case hi == 0xFF:
			t.page[hi] = 4
		case swallowKanji(r) && swallowKanji(r|0xFF):
			t.page[hi] = 3
		}
	}
	for p, hi := range []rune{0, 0x00, 0x30, 0x34, 0xFF} {
		if p == 0 {
			continue
		}
		for lo := range rune(256) {
			t.pages[p][lo] = swallowClassOf(hi<<8 | lo)
		}
	}
	return t
}()

// swallowClassOf is the class of r, by the reference's character classes.
func swallowClassOf(r rune) uint8 {
	switch {
	case r == '\n':
		return swClassNewline
	case r == '!' || r == '?':
		return swClassTerm
	case r >= 0x3041 && r <= 0x3096:
		return swClassHiragana
	case r >= 0x30A1 && r <= 0x30FA:
		return swClassKatakana
	case r == '、' || r == '，':
		return swClassTouten
	case r == '。' || r == '．' || r == '！' || r == '？':
		return swClassKuten
	case swallowKanji(r):
		return swClassKanji
	}
	return swClassOther
}

// isSentenceEnd reports the terminators of the reference's sentence
// pattern [^。．！？!?]+[。．！？!?]?.
func isSentenceEnd(r rune) bool {
	return r == '。' || r == '．' || r == '！' || r == '？' || r == '!' || r == '?'
}

// swallowKanji is the reference's kanji class: 々〇〻, U+3400–9FFF and
// U+F900–FAFF (its supplementary-plane range never matches in Python 3).
func swallowKanji(r rune) bool {
	return r == '々' || r == '〇' || r == '〻' || (r >= 0x3400 && r <= 0x9FFF) || (r >= 0xF900 && r <= 0xFAFF)
}

// pySpace is Python's str.isspace, which strip() uses: Go's unicode.IsSpace
// leaves out U+001C–001F.
func pySpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r >= 0x1C && r <= 0x20, r == 0x85, r == 0xA0, r == 0x1680,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// frac is a/b as Python's a / b gives it for integers, 0 when b is 0.
func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// hashPiece keys a paragraph or sentence (kind keeps the two apart in one
// table). Not xxh3's seeds: for inputs of 1 to 3 bytes, seeds 1 and 2 make
// "３" and "２" collide.
func hashPiece(kind uint64, s string) uint64 {
	return mix64(xxh3.HashString(s) + kind*0x9E3779B97F4A7C15)
}

// hashPieceBytes is hashPiece of string(b), without the copy.
func hashPieceBytes(kind uint64, b []byte) uint64 {
	return mix64(xxh3.Hash(b) + kind*0x9E3779B97F4A7C15)
}

func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// countTable counts uint64 keys; reset keeps the memory and clears by
// generation. A slot holds key, count and generation together, so a probe
// touches one cache line.
type countTable struct {
	slots []slot
	gen   uint32
	shift uint // 64 - log2(len(slots))
	mask  int
	used  int
}

type slot struct {
	key   uint64
	count uint32
	gen   uint32
	first int32 // the position that added the key (addFirst)
}

// reset prepares the table for about n keys.
func (t *countTable) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if size > len(t.slots) {
		t.slots = make([]slot, size)
		t.gen = 0
	}
	t.setSize(len(t.slots))
	t.used = 0
	t.gen++
	if t.gen == 0 { // wrapped: clear for real
		clear(t.slots)
		t.gen = 1
	}
}

func (t *countTable) setSize(size int) {
	t.mask = size - 1
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
}

// home is the first slot for k (Fibonacci hashing: one multiply).
func (t *countTable) home(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> t.shift) }

// addFirst counts k, added at position pos, and returns its count so far
// and the position that added it first.
func (t *countTable) addFirst(k uint64, pos int32) (int, int32) {
	if 2*(t.used+1) > t.mask+1 {
		t.grow()
	}
	for i := t.home(k); ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.gen != t.gen {
			*sl = slot{key: k, count: 1, gen: t.gen, first: pos}
			t.used++
			return 1, pos
		}
		if sl.key == k {
			sl.count++
			return int(sl.count), sl.first
		}
	}
}

// add counts k and returns its count so far.
func (t *countTable) add(k uint64) int {
	c, _ := t.addFirst(k, 0)
	return c
}

// grow doubles the table, keeping the counts.
func (t *countTable) grow() {
	old, oldGen := t.slots, t.gen
	t.slots = make([]slot, 2*len(old))
	t.setSize(len(t.slots))
	t.gen, t.used = 1, 0
	for _, sl := range old {
		if sl.gen != oldGen {
			continue
		}
		i := t.home(sl.key)
		for t.slots[i].gen == t.gen {
			i = (i + 1) & t.mask
		}
		sl.gen = t.gen
		t.slots[i] = sl
		t.used++
	}
}
