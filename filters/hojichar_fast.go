package filters

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The hojichar family: the scores of HojiChar's document filters
// (github.com/HojiChar/HojiChar 3ca1d27, hojichar/filters/document_filters.py)
// and its MaskPersonalInformation, computed in a few passes without regular
// expressions. Definitions, with file:line: docs/presets/hojichar.md. The
// tests check every score's verdict, and the mask's text, against the
// regexp-based port (hojichar_ref_test.go), which decides as HojiChar does
// on all 1,433 golden records.
//
// Python's \d is any Unicode Nd digit (Go's unicode.IsDigit); a character
// is a code point; invalid UTF-8 bytes count as U+FFFD, one each (as Go's
// range over a string).

// hojicharAds is DiscardAds' bundled keyword list (ad phrases, not NG
// words), hojichar/dict/advertisement_keywords_ja.txt at 3ca1d27, in file
// order. No keyword is a prefix of another, so at most one matches at a
// position. ①–⑥ cannot occur after NFKC.
var hojicharAds = []string{"お問い合わせください", "にお任せください", "現在公開中", "営業時間", "求人情報", "送料",
	"製品のアップグレード", "別途料金", "研修制度", "ご応募", "求める人物", "未経験歓迎", "応募資格", "勤務期間", "勤務地",
	"試聴する", "セット内容", "製品構成", "よくある質問", "①", "②", "③", "④", "⑤", "⑥", "無効な値", "商品データ",
	"クリックして応援", "ほしい物リスト", "注文はお早めに", "■"}

// hjAdsFirst groups the keywords by their first character, in a small
// open-addressing table (hjAdsOf looks it up).
var hjAdsFirst = func() (t [64]struct {
	r  rune
	ws []string
}) {
	for _, w := range hojicharAds {
		r, _ := utf8.DecodeRuneInString(w)
		j := r & 63
		for t[j].r != 0 && t[j].r != r {
			j = (j + 1) & 63
		}
		t[j].r = r
		t[j].ws = append(t[j].ws, w)
	}
	return t
}()

// hjAdsOf returns the keywords that start with r, in file order.
func hjAdsOf(r rune) []string {
	for j := r & 63; hjAdsFirst[j].r != 0; j = (j + 1) & 63 {
		if hjAdsFirst[j].r == r {
			return hjAdsFirst[j].ws
		}
	}
	return nil
}

// Class bits of hojicharClass, for the runes of the BMP.
const (
	hjKana    = 1 << iota // [ぁ-んァ-ン], AcceptJapanese (document_filters.py:575)
	hjSpecial             // DiscardTooManySpecialToken's set (:978-991; hojicharSpecial)
	hjDigit               // Unicode Nd: Python's \d
	hjBBS                 // the first character of a DiscardBBSComments alternative that is not a digit (:507-509)
	hjAds                 // the first character of an ad keyword
	hjKuten               // 。 (DiscardRareKuten, :615)
)

var hojicharClass = func() *[0x10000]uint8 {
	var t [0x10000]uint8
	for r := rune(0x3041); r <= 0x3093; r++ {
		t[r] |= hjKana
	}
	for r := rune(0x30A1); r <= 0x30F3; r++ {
		t[r] |= hjKana
	}
	for _, rg := range hojicharSpecial {
		for r := rg[0]; r <= rg[1] && r < 0x10000; r++ {
			t[r] |= hjSpecial
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		if unicode.IsDigit(r) {
			t[r] |= hjDigit
		}
	}
	for _, r := range "コSレ投ペ(質楽-" {
		t[r] |= hjBBS
	}
	for _, e := range hjAdsFirst {
		if e.r != 0 {
			t[e.r] |= hjAds
		}
	}
	t['。'] |= hjKuten
	return &t
}()

// hjDecode decodes the rune at t[i] as a range loop does. (The hot loops
// repeat its 3-byte case inline: it is too large for the inliner.)
func hjDecode(t string, i int) (rune, int) {
	r := rune(t[i])
	if r < utf8.RuneSelf {
		return r, 1
	}
	if i+2 < len(t) {
		c1, c2 := t[i+1], t[i+2]
		r3 := (r&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
		// 1110xxxx 10xxxxxx 10xxxxxx, not overlong, not a surrogate
		if r&0xF0 == 0xE0 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r3 >= 0x800 && r3>>11 != 0x1B {
			return r3, 3
		}
	}
	return utf8.DecodeRuneInString(t[i:])
}

// hojicharIsSpecial reports membership in hojicharSpecial (the emoji above U+FFFF: the class table has the rest).
func hojicharIsSpecial(c rune) bool {
	i := sort.Search(len(hojicharSpecial), func(i int) bool { return hojicharSpecial[i][1] >= c })
	return i < len(hojicharSpecial) && hojicharSpecial[i][0] <= c
}

func hjIsDigit(r rune) bool {
	if r < 0x10000 {
		return hojicharClass[r]&hjDigit != 0
	}
	return unicode.IsDigit(r)
}

// hjDigitSize is the size of the Nd digit at t[i], 0 if there is none.
func hjDigitSize(t string, i int) int {
	if i >= len(t) {
		return 0
	}
	if c := t[i]; c < utf8.RuneSelf {
		if '0' <= c && c <= '9' {
			return 1
		}
		return 0
	}
	r, n := hjDecode(t, i)
	if hjIsDigit(r) {
		return n
	}
	return 0
}

// hjDigits counts the digits at t[i:], at most max; end is where they end.
func hjDigits(t string, i, max int) (k, end int) {
	for k < max {
		n := hjDigitSize(t, i)
		if n == 0 {
			break
		}
		i += n
		k++
	}
	return k, i
}

// hojicharHead holds the scores of the rules before MaskPersonalInformation.
type hojicharHead struct {
	// Runes is len(text) (DocumentLengthFilter, DiscardRareKuten).
	Runes int
	// BBS and Ads count the non-overlapping matches of DiscardBBSComments'
	// pattern and of DiscardAds' keywords (re.findall, leftmost-first).
	BBS, Ads int
	// KanaHead counts the kana [ぁ-んァ-ン] of text[:50] (AcceptJapanese).
	KanaHead int
	// Kuten counts 。.
	Kuten int
}

// hojicharTail holds the scores of the rules after the mask but the
// character repetition ratio.
type hojicharTail struct {
	Runes, Special, MaxRun int
	// Ellipsis counts the matches of (\.{3}|…)\n; Newlines the \n; lines
	// are Newlines+1 (text.split("\n")), ShortLines those of <= 10
	// characters.
	Ellipsis, Newlines, ShortLines int
}

// hojicharMeter computes the scores, with reusable scratch.
type hojicharMeter struct {
	// charRepetition's scratch, all empty between texts: the ids of the
	// characters (BMP, others) and the characters seen; the table of
	// 5-grams (slots, counts from 15 on) and its used slots; the counts
	// above 1.
	bmp    []uint16
	astral map[rune]uint16
	seen   []rune
	slots  []uint64
	big    []uint32
	used   []uint32
	vals   []int
}

// head computes hojicharHead in one pass.
func (m *hojicharMeter) head(t string) (h hojicharHead) {
	bbsNext, adsNext := 0, 0
	// the digit run around i: where it ends, how many digits remain from
	// i, and whether 話 follows it
	runEnd, runLeft, wa := -1, 0, false
	n := 0
	for _, r := range t {
		if n++; n > 50 {
			break
		}
		if r < 0x10000 && hojicharClass[r]&hjKana != 0 {
			h.KanaHead++
		}
	}
	for i := 0; i < len(t); {
		r, size := rune(t[i]), 1
		if r >= utf8.RuneSelf { // hjDecode, inline
			size = 0
			if i+2 < len(t) {
				c1, c2 := t[i+1], t[i+2]
				r3 := (r&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
				if r&0xF0 == 0xE0 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r3 >= 0x800 && r3>>11 != 0x1B {
					r, size = r3, 3
				}
			}
			if size == 0 {
				r, size = utf8.DecodeRuneInString(t[i:])
			}
		}
		h.Runes++
		var cls uint8
		if r < 0x10000 {
			cls = hojicharClass[r]
		} else if unicode.IsDigit(r) {
			cls = hjDigit
		}
		if cls&(hjDigit|hjBBS|hjAds|hjKuten) == 0 {
			i += size
			continue
		}
		if cls&hjKuten != 0 {
			h.Kuten++
		}
		if cls&hjDigit != 0 {
			if i >= runEnd {
				runLeft, runEnd = hjDigits(t, i, math.MaxInt)
				wa = strings.HasPrefix(t[runEnd:], "話")
			}
			if i >= bbsNext {
				if e := hjBBSDigit(t, runEnd, runLeft, wa); e > 0 {
					h.BBS++
					bbsNext = e
				}
			}
			runLeft--
		} else if cls&hjBBS != 0 && i >= bbsNext {
			if e := hjBBSAt(t, i, r); e > 0 {
				h.BBS++
				bbsNext = e
			}
		}
		if cls&hjAds != 0 && i >= adsNext {
			for _, w := range hjAdsOf(r) {
				if strings.HasPrefix(t[i:], w) {
					h.Ads++
					adsNext = i + len(w)
					break
				}
			}
		}
		i += size
	}
	return h
}

// hjBBSDigit matches the alternatives of DiscardBBSComments that start
// with a digit, at a digit with left digits before the end of its run
// (runEnd): the date \d{4}[年\.\-\/][\ ]*\d{1,2}[月\.\-\/][\ ]*\d{1,2}[日]*
// (exactly four digits left), else \d+話. It returns the match's end, 0
// for none.
func hjBBSDigit(t string, runEnd, left int, wa bool) int {
	if left == 4 {
		if e := hjDate(t, runEnd); e > 0 {
			return e
		}
	}
	if wa {
		return runEnd + len("話")
	}
	return 0
}

// hjDate matches [年\.\-\/][\ ]*\d{1,2}[月\.\-\/][\ ]*\d{1,2}[日]* at p.
func hjDate(t string, p int) int {
	if p >= len(t) {
		return 0
	}
	switch {
	case t[p] == '.' || t[p] == '-' || t[p] == '/':
		p++
	case strings.HasPrefix(t[p:], "年"):
		p += len("年")
	default:
		return 0
	}
	for p < len(t) && t[p] == ' ' {
		p++
	}
	// \d{1,2} then a separator: a run of three digits or more fails both ways
	k, p := hjDigits(t, p, 3)
	if k == 0 || k == 3 || p >= len(t) {
		return 0
	}
	switch {
	case t[p] == '.' || t[p] == '-' || t[p] == '/':
		p++
	case strings.HasPrefix(t[p:], "月"):
		p += len("月")
	default:
		return 0
	}
	for p < len(t) && t[p] == ' ' {
		p++
	}
	if k, p = hjDigits(t, p, 2); k == 0 {
		return 0
	}
	for strings.HasPrefix(t[p:], "日") {
		p += len("日")
	}
	return p
}

// hjBBSAt matches the other alternatives of DiscardBBSComments at i, whose
// first character is r: コメント|SOLD OUT|レビュー|投稿|ページ|\([月火水木金土日]\)|質問|楽天市場|-.
func hjBBSAt(t string, i int, r rune) int {
	var w string
	switch r {
	case '-':
		return i + 1
	case '(':
		if i+5 <= len(t) && t[i+4] == ')' && strings.Contains("月火水木金土日", t[i+1:i+4]) && utf8.ValidString(t[i+1:i+4]) {
			return i + 5
		}
		return 0
	case 'コ':
		w = "コメント"
	case 'S':
		w = "SOLD OUT"
	case 'レ':
		w = "レビュー"
	case '投':
		w = "投稿"
	case 'ペ':
		w = "ページ"
	case '質':
		w = "質問"
	case '楽':
		w = "楽天市場"
	}
	if strings.HasPrefix(t[i:], w) {
		return i + len(w)
	}
	return 0
}

// tail computes hojicharTail in one pass.
func (m *hojicharMeter) tail(t string) (s hojicharTail) {
	prev, run := rune(-1), 0
	lineStart := 0 // characters before the current line
	for i := 0; i < len(t); {
		r, size := rune(t[i]), 1
		if r >= utf8.RuneSelf { // hjDecode, inline
			size = 0
			if i+2 < len(t) {
				c1, c2 := t[i+1], t[i+2]
				r3 := (r&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
				if r&0xF0 == 0xE0 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r3 >= 0x800 && r3>>11 != 0x1B {
					r, size = r3, 3
				}
			}
			if size == 0 {
				r, size = utf8.DecodeRuneInString(t[i:])
			}
		}
		s.Runes++
		if r == prev {
			run++
		} else {
			s.MaxRun = max(s.MaxRun, run)
			prev, run = r, 1
		}
		if r < 0x10000 {
			if hojicharClass[r]&hjSpecial != 0 {
				s.Special++
			}
		} else if hojicharIsSpecial(r) {
			s.Special++
		}
		if r == '\n' {
			s.Newlines++
			if s.Runes-1-lineStart <= shortLine {
				s.ShortLines++
			}
			lineStart = s.Runes
			if i >= 3 && (t[i-3:i] == "..." || t[i-3:i] == "…") {
				s.Ellipsis++
			}
		}
		i += size
	}
	s.MaxRun = max(s.MaxRun, run)
	if s.Runes-lineStart <= shortLine {
		s.ShortLines++
	}
	return s
}

// charRepetition is CharRepetitionRatioFilter's ratio (:840-865) with
// ngram_size=5: of the len(text)-4 character 5-grams, the share of the
// k = min(⌊√distinct⌋, distinct grams occurring more than once) most
// frequent ones; 0 under 5 characters.
//
// The characters get dense ids of 12 bits (1, 2, … in order of first
// appearance), so a 5-gram is a 60-bit key, counted exactly in an
// open-addressing table of uint64 slots: the key and, in the top 4 bits,
// its count up to 15 (larger counts go on in a side array). Texts of more
// than 4095 distinct characters are counted in a map.
func (m *hojicharMeter) charRepetition(t string) float64 {
	const n = 5
	if len(t) < n {
		return 0
	}
	// a table for twice the grams of Japanese text (3 bytes a character),
	// doubled when half full
	lg := 4
	for 1<<lg < 2*len(t)/3 && lg < 20 {
		lg++
	}
	if len(m.slots) < 1<<lg {
		m.slots, m.big = make([]uint64, 1<<lg), make([]uint32, 1<<lg)
	}
	if m.bmp == nil {
		m.bmp = make([]uint16, 0x10000)
	}
	slots, big, bmp, used := m.slots[:1<<lg], m.big, m.bmp, m.used[:0]
	shift, mask := uint(64-lg), uint64(1<<lg-1)
	var key uint64
	next, k := uint16(0), 0
	for i := 0; i < len(t); {
		r, size := rune(t[i]), 1
		if r >= utf8.RuneSelf { // hjDecode, inline
			size = 0
			if i+2 < len(t) {
				c1, c2 := t[i+1], t[i+2]
				r3 := (r&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
				if r&0xF0 == 0xE0 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r3 >= 0x800 && r3>>11 != 0x1B {
					r, size = r3, 3
				}
			}
			if size == 0 {
				r, size = utf8.DecodeRuneInString(t[i:])
			}
		}
		i += size
		var id uint16
		if r < 0x10000 {
			id = bmp[r]
		} else {
			id = m.astral[r]
		}
		if id == 0 {
			if next == 1<<12-1 {
				m.used = used
				m.resetCounts(slots, big)
				return m.charRepetitionWide(t)
			}
			next++
			id = next
			if r < 0x10000 {
				bmp[r] = id
			} else {
				if m.astral == nil {
					m.astral = map[rune]uint16{}
				}
				m.astral[r] = id
			}
			m.seen = append(m.seen, r)
		}
		key = (key<<12 | uint64(id)) & (1<<60 - 1)
		if k++; k < n {
			continue
		}
		for j := (key * 0x9E3779B97F4A7C15) >> shift; ; j = (j + 1) & mask {
			v := slots[j]
			if v&(1<<60-1) == key {
				if c := v >> 60; c < 15 {
					slots[j] = v + 1<<60
					if c == 14 {
						big[j] = 15
					}
				} else {
					big[j]++
				}
				break
			}
			if v == 0 { // ids start at 1: no key is 0
				slots[j] = key | 1<<60
				used = append(used, uint32(j))
				if 2*len(used) > len(slots) {
					slots, big = m.grow(slots, big, used)
					shift--
					mask = uint64(len(slots) - 1)
				}
				break
			}
		}
	}
	grams := k - n + 1
	vals := m.vals[:0]
	for _, j := range used {
		if c := slots[j] >> 60; c == 15 {
			vals = append(vals, int(big[j]))
		} else if c > 1 {
			vals = append(vals, int(c))
		}
	}
	m.vals, m.used = vals, used
	m.resetCounts(slots, big)
	if grams <= 0 {
		return 0
	}
	return hjTopShare(vals, len(used), grams)
}

// resetCounts empties the used slots and forgets the ids.
func (m *hojicharMeter) resetCounts(slots []uint64, big []uint32) {
	for _, j := range m.used {
		slots[j], big[j] = 0, 0
	}
	m.used = m.used[:0]
	for _, r := range m.seen {
		if r < 0x10000 {
			m.bmp[r] = 0
		}
	}
	m.seen = m.seen[:0]
	clear(m.astral)
	if len(m.slots) > 1<<21 { // do not keep a huge text's table (24 MB) for the next ones
		m.slots, m.big, m.used, m.vals = nil, nil, nil, nil
	}
}

// hjTopShare is the sum of the ⌊√distinct⌋ largest of vals (the counts
// above 1; int(np.sqrt(len(freqs))) in float64 as numpy computes it) over
// grams.
func hjTopShare(vals []int, distinct, grams int) float64 {
	top := min(int(math.Sqrt(float64(distinct))), len(vals))
	if top == 0 {
		return 0
	}
	slices.Sort(vals)
	sum := 0
	for _, v := range vals[len(vals)-top:] {
		sum += v
	}
	return float64(sum) / float64(grams)
}

// charRepetitionWide counts the grams of 5 code points in a map.
func (m *hojicharMeter) charRepetitionWide(t string) float64 {
	rs := []rune(t)
	grams := len(rs) - 4
	freq := make(map[[5]rune]int, grams)
	for i := range grams {
		freq[[5]rune(rs[i:i+5])]++
	}
	vals := m.vals[:0]
	for _, v := range freq {
		if v > 1 {
			vals = append(vals, v)
		}
	}
	m.vals = vals
	return hjTopShare(vals, len(freq), grams)
}

// grow moves the keys and counts at the used slots to a table twice the
// size, which becomes the scratch; used is rewritten with the new slots.
func (m *hojicharMeter) grow(slots []uint64, big []uint32, used []uint32) ([]uint64, []uint32) {
	ns, nb := make([]uint64, 2*len(slots)), make([]uint32, 2*len(slots))
	mask := uint64(len(ns) - 1)
	shift := uint(64 - bits.Len(uint(len(ns))) + 1)
	for u, j := range used {
		k := ((slots[j] & (1<<60 - 1)) * 0x9E3779B97F4A7C15) >> shift
		for ns[k] != 0 {
			k = (k + 1) & mask
		}
		ns[k], nb[k] = slots[j], big[j]
		slots[j], big[j] = 0, 0
		used[u] = uint32(k)
	}
	m.slots, m.big = ns, nb
	return ns, nb
}

// hojicharMask is MaskPersonalInformation (:684-729): phone numbers, then
// e-mail addresses; it returns text itself when nothing matched, and the
// number of replacements.
func hojicharMask(text string) (string, int) {
	out, a := hjMaskPhone(text)
	out, b := hjMaskEmail(out)
	return out, a + b
}

// hjMaskPhone replaces each match of
// ((0|\+\d{1,3}[- ]?)(\d{2}[- ]?\d{4}[- ]?|\d[- ]?\d{4}[- ]?|\d{2}[- ]?\d{3}[- ]?|\d{3}[- ]?\d{2}[- ]?|\d{4}[- ]?\d{1}[- ]?))\d{4}
// by \1XXXX (:692-694, :727). Every [- ]? is followed by a digit, so it
// takes the separator when there is one; the only choices are \d{1,3}
// (longest first) and the five alternatives (in order).
func hjMaskPhone(t string) (string, int) {
	var b []byte
	last, count := 0, 0
	for p := 0; p < len(t); p++ {
		if c := t[p]; c != '0' && c != '+' {
			continue
		}
		g1, end := hjPhoneAt(t, p)
		if end == 0 {
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(t))
		}
		b = append(b, t[last:g1]...)
		b = append(b, "XXXX"...)
		last, count = end, count+1
		p = end - 1
	}
	if count == 0 {
		return t, 0
	}
	b = append(b, t[last:]...)
	return string(b), count
}

// hjPhoneAt matches the phone pattern at p: the end of group 1 and of the
// match (0 for none).
func hjPhoneAt(t string, p int) (g1, end int) {
	if t[p] == '0' {
		return hjPhoneRest(t, p+1)
	}
	var pos [4]int // after 0..3 digits
	pos[0] = p + 1
	k := 0
	for k < 3 {
		n := hjDigitSize(t, pos[k])
		if n == 0 {
			break
		}
		pos[k+1] = pos[k] + n
		k++
	}
	for ; k >= 1; k-- {
		if g1, end = hjPhoneRest(t, hjSep(t, pos[k])); end > 0 {
			return g1, end
		}
	}
	return 0, 0
}

// hjSep skips one [- ] at q.
func hjSep(t string, q int) int {
	if q < len(t) && (t[q] == '-' || t[q] == ' ') {
		return q + 1
	}
	return q
}

// hjPhoneAlts are the digit counts of the five alternatives of group 3.
var hjPhoneAlts = [5][2]int{{2, 4}, {1, 4}, {2, 3}, {3, 2}, {4, 1}}

func hjPhoneRest(t string, q int) (g1, end int) {
alts:
	for _, alt := range hjPhoneAlts {
		r := q
		for _, c := range alt {
			k, e := hjDigits(t, r, c)
			if k < c {
				continue alts
			}
			r = hjSep(t, e)
		}
		if k, e := hjDigits(t, r, 4); k == 4 {
			return r, e
		}
	}
	return 0, 0
}

// hjEmailChar is the class [a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~.] of both the
// local part and the domain (:695-697); hjLabelChar is [A-Za-z0-9\-].
var hjEmailChar, hjLabelChar = func() (e, l [256]bool) {
	for c := 0; c < 128; c++ {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		e[c] = alnum || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", rune(c))
		l[c] = alnum || c == '-'
	}
	return
}()

// hjMaskEmail replaces each match of
// [a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+(\.[A-Za-z0-9\-]+)
// by xxxx@yyy\1 (:695-697, :728). A match holds one @: its local part is
// the run of class characters before it (from the end of the previous
// match on), and the domain's greedy + gives back characters until a '.'
// followed by a label character, so \1 starts at the last such '.' of the
// run after the @ and takes the label characters after it.
func hjMaskEmail(t string) (string, int) {
	var b []byte
	last, count := 0, 0
	for from := 0; ; {
		j := strings.IndexByte(t[from:], '@')
		if j < 0 {
			break
		}
		a := from + j
		from = a + 1
		s := a
		for s > last && hjEmailChar[t[s-1]] {
			s--
		}
		if s == a {
			continue
		}
		e := a + 1
		for e < len(t) && hjEmailChar[t[e]] {
			e++
		}
		k := e - 1
		for k > a+1 && !(t[k] == '.' && k+1 < len(t) && hjLabelChar[t[k+1]]) {
			k--
		}
		if k <= a+1 {
			continue
		}
		m := k + 1
		for m < len(t) && hjLabelChar[t[m]] {
			m++
		}
		if b == nil {
			b = make([]byte, 0, len(t))
		}
		b = append(b, t[last:s]...)
		b = append(b, "xxxx@yyy"...)
		b = append(b, t[k:m]...)
		last, from, count = m, m, count+1
	}
	if count == 0 {
		return t, 0
	}
	b = append(b, t[last:]...)
	return string(b), count
}
