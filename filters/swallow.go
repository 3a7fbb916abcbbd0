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
	keys   []uint64 // n-gram keys of the previous n, per position
	pos    []int32  // positions whose previous n-gram repeats
	rep    []bool   // positions whose n-gram repeats, during a pass
	single []bool   // positions whose n-gram occurred once, for some n so far
	para   []byte   // a paragraph with orphan terminators removed
	tab    countTable
	seen   countTable
}

// Measure returns the scores of text.
func (m *swallowMeter) Measure(text string) SwallowScores {
	var sc SwallowScores
	m.runes = m.runes[:0]
	for _, r := range text {
		m.runes = append(m.runes, r)
	}
	rs := m.runes
	L := len(rs)
	if cap(m.single) < L+1 {
		m.single, m.rep = make([]bool, L+1), make([]bool, L+1)
	}
	m.single, m.rep = m.single[:L+1], m.rep[:L+1]
	sc.NumLetters = L

	// paragraphs (the lines, orphan terminators dropped) and sentences
	var paras, dupParas, dupParaChars, totChars int
	var sents, dupSents, dupSentChars, sumSent, ellipsis int
	m.seen.reset(64)
	for line := range strings.SplitSeq(text, "\n") {
		// the paragraph is the line without its orphan terminators (those
		// not after a non-terminator); usually none, so no copy is made
		m.para = m.para[:0]
		orphans, copied := false, 0 // copied: bytes of line already in m.para
		paraLen := 0
		start, n := -1, 0 // current run of non-terminators
		emit := func(from, to, runes int) {
			s := line[from:to]
			sents++
			sumSent += runes
			sc.MaxSentence = max(sc.MaxSentence, runes)
			if m.seen.add(hashPiece(1, s)) > 1 {
				dupSents++
				dupSentChars += runes
			}
			if t := strings.TrimRightFunc(s, pySpace); strings.HasSuffix(t, "・") || strings.HasSuffix(t, "…") {
				ellipsis++
			}
			paraLen += runes
		}
		for i, r := range line {
			if isSentenceEnd(r) {
				if start >= 0 {
					emit(start, i+utf8.RuneLen(r), n+1)
				} else { // an orphan: the paragraph skips it
					m.para = append(m.para, line[copied:i]...)
					copied = i + utf8.RuneLen(r)
					orphans = true
				}
				start, n = -1, 0
				continue
			}
			if start < 0 {
				start = i
			}
			n++
		}
		if start >= 0 {
			emit(start, len(line), n)
		}
		para := line
		if orphans {
			m.para = append(m.para, line[copied:]...)
			para = string(m.para)
		}
		paras++
		totChars += paraLen
		if m.seen.add(hashPiece(2, para)) > 1 {
			dupParas++
			dupParaChars += paraLen
		}
	}
	sc.DupParagraph = frac(dupParas, paras)
	sc.DupParagraphChars = frac(dupParaChars, totChars)
	sc.DupSentence = frac(dupSents, sents)
	sc.DupSentenceChars = frac(dupSentChars, totChars)
	sc.AvgSentence = frac(sumSent, sents)
	sc.Ellipsis = frac(ellipsis, sents)

	// Character n-grams, n = 2..10. Keys of n-grams up to 3 characters pack
	// the code points exactly; longer ones extend the previous key with a
	// 64-bit mix (a collision needs ~2³² n-grams). An n-gram that occurs
	// once makes every longer n-gram at its position occur once too, so a
	// pass counts only the positions whose previous n-gram repeated (all
	// occurrences of a repeated n-gram are among them, so their counts are
	// exact) and adds the others as distinct, once-only n-grams.
	m.keys = m.keys[:0]
	m.pos = m.pos[:0]
	for i, r := range rs {
		m.keys = append(m.keys, uint64(r))
		m.pos = append(m.pos, int32(i))
	}
	once := 0 // positions below count whose n-gram is known to occur once
	for n := 2; n <= 10; n++ {
		count := L - n + 1
		if count <= 0 {
			continue // the fractions stay 0, as the reference's guard gives
		}
		if n > 2 && m.single[count] { // the last position is gone
			once--
		}
		// the positions still in play, below count
		live := m.pos[:0]
		for _, i := range m.pos {
			if int(i) < count {
				live = append(live, i)
			}
		}
		m.pos = live
		m.tab.reset(len(live))
		top, distinct, dup := 0, once, 0
		if once > 0 {
			top = 1
		}
		for _, i := range live {
			var k uint64
			if n <= 3 {
				k = m.keys[i]<<21 | uint64(rs[int(i)+n-1])
			} else {
				k = mix64(m.keys[i]*0x9E3779B97F4A7C15 ^ uint64(rs[int(i)+n-1]))
			}
			m.keys[i] = k
			c, first := m.tab.addFirst(k, i)
			top = max(top, c)
			switch c {
			case 1:
				distinct++
			case 2:
				dup++
				m.rep[first] = true
				m.rep[i] = true
			default:
				m.rep[i] = true
			}
		}
		if n <= 4 {
			sc.Top2to4[n-2] = frac(top, count)
		} else {
			sc.Dup5to10[n-5] = frac(dup, distinct)
		}
		// keep the positions whose n-gram repeats
		kept := m.pos[:0]
		for _, i := range live {
			if m.rep[i] {
				m.rep[i] = false
				kept = append(kept, i)
			} else {
				m.single[i] = true
				once++
			}
		}
		m.pos = kept
	}
	clear(m.single[:L])

	var h, k, kj, ku, to int
	for _, r := range rs {
		switch {
		case r >= 0x3041 && r <= 0x3096:
			h++
		case r >= 0x30A1 && r <= 0x30FA:
			k++
		case r == '、' || r == '，':
			to++
		case r == '。' || r == '．' || r == '！' || r == '？':
			ku++
		case swallowKanji(r):
			kj++
		}
	}
	jp := h + k + kj + ku + to
	sc.NumJapanese = jp
	sc.Hiragana, sc.Katakana, sc.Kanji = frac(h, jp), frac(k, jp), frac(kj, jp)
	sc.Japanese = frac(jp, L)
	return sc
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
