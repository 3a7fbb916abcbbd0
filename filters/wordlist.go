package filters

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxWordBytes is the longest word a word list may hold, in bytes.
const MaxWordBytes = 256

// maxListLine bounds one line of a word or domain list; longer lines (a
// binary file, a list joined into one line) are an error.
const maxListLine = 64 << 10

// WordList is one category of NG words ("adult", "discrimination", …).
//
// Words are matched byte for byte: the pipeline normalizes text (NFKC) before
// the filters, so a list should be written in the same normal form (ASCII
// letters are case-sensitive, full-width Ｌａｔｉｎ never occurs in
// normalized text).
type WordList struct {
	// Category names the list in Counts. ParseWordList and LoadWordList set
	// it to the file name without directory and extension ("adult" for
	// lists/adult.txt); a caller may change it before NewMatcher.
	Category string
	// Words are the distinct words of the list, in file order.
	Words []string
}

// LoadWordList reads the word list at path (see ParseWordList).
func LoadWordList(path string) (*WordList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseWordList(path, f)
}

// ParseWordList reads a word list from r; name (a file name) is used in
// errors and gives the category. The format is one word per line in UTF-8:
// surrounding white space (including U+3000) is trimmed, a CRLF line end and
// a leading byte-order mark are accepted, blank lines and lines whose first
// non-blank character is '#' are skipped (so a word cannot start with '#'),
// and duplicate words are dropped. Errors name the file and line
// ("adult.txt:12: invalid UTF-8"): invalid UTF-8, a NUL byte or another
// ASCII control character but tab (a lone CR), a word longer than
// MaxWordBytes, a line longer than 64 KiB, or a list with no word.
func ParseWordList(name string, r io.Reader) (*WordList, error) {
	l := &WordList{Category: categoryOf(name)}
	seen := make(map[string]struct{})
	err := scanList(name, r, func(line int, s string) error {
		if len(s) > MaxWordBytes {
			return fmt.Errorf("%s:%d: word of %d bytes is longer than %d", name, line, len(s), MaxWordBytes)
		}
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == 0:
				return fmt.Errorf("%s:%d: NUL byte", name, line)
			case c < 0x20 && c != '\t' || c == 0x7F:
				return fmt.Errorf("%s:%d: control character %U", name, line, rune(c))
			}
		}
		if _, ok := seen[s]; !ok {
			seen[s] = struct{}{}
			l.Words = append(l.Words, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(l.Words) == 0 {
		return nil, fmt.Errorf("%s: no words", name)
	}
	return l, nil
}

// categoryOf returns the base name of a file without its extension.
func categoryOf(name string) string {
	base := filepath.Base(name)
	if ext := filepath.Ext(base); ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// scanList calls fn for every line of a list file that is not blank or a
// comment, trimmed, with its 1-based line number. Invalid UTF-8 and overlong
// lines are errors naming the file and line.
func scanList(name string, r io.Reader, fn func(line int, s string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxListLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		if !utf8.Valid(b) {
			return fmt.Errorf("%s:%d: invalid UTF-8", name, line)
		}
		s := strings.TrimSpace(string(b)) // also drops the \r of CRLF
		if s == "" || s[0] == '#' {
			continue
		}
		if err := fn(line, s); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxListLine)
		}
		return fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return nil
}

// Matcher counts the words of several word lists in a text, all categories in
// one pass. It is immutable once built and safe for concurrent use.
//
// It is an Aho–Corasick automaton stored as a double array (the transition of
// state s on symbol c is base(s)+c when check says so, else the failure link
// is followed), 16 bytes per state. Its symbols are the distinct characters
// of the words, numbered from 1: a table maps a character of the text to its
// number, and a character in no word (most of them) resets the automaton to
// the root without touching the array. Japanese thus takes one transition
// per character instead of three per byte: the same double array over bytes
// ran BenchmarkMatcherCount at about 120 MB/s, this one at about 200.
//
// Libraries were evaluated first: github.com/coregx/ahocorasick v0.3.1 finds
// overlapping matches correctly (byte offsets), but its overlapping search
// returns a new []Match per call (3 MB per pass over the fixture with 5,000
// words) at about 100 MB/s before any counting, and its dense DFA takes about
// 500 bytes per state (10 MB for those words); this automaton counts in the
// same pass, with no allocation per match.
//
// Besides the automaton's 16 bytes, each state has 4 for CountFirst.
type Matcher struct {
	cats     []string
	ids      []uint16       // symbol of each rune below len(ids); 0: in no word
	astral   map[rune]int32 // symbols of runes above U+FFFF
	nodes    []acNode       // the double array; nodes[0] is the root
	outs     []acOut        // outputs; see acNode.out
	maxRunes int            // longest word, in runes
	// for CountFirst and CountEach: the words in first-seen order, the
	// index in words of the word ending exactly at each state (-1: none)
	// and whether each word is all katakana ([ァ-ヴー]+)
	words []string
	term  []int32
	kata  []bool
}

// acNode is one state of the automaton (or an unused slot, check == -1).
type acNode struct {
	base  int32 // children are at base+symbol
	check int32 // parent state; -1 for the root and free slots
	fail  int32 // longest proper suffix that is a state
	// out is -1, or the index in outs of a header {cat: n, count: words
	// ending here, runes: longest of them} followed by n entries, one per
	// category with a word ending here (counting words reached by failure
	// links), each {cat, count, runes of the longest}.
	out int32
}

type acOut struct {
	cat, count, runes int32
}

// NewMatcher builds a matcher for lists. Lists with the same Category are
// merged; a word in two categories counts in both. Empty words and words that
// are not valid UTF-8 are ignored (ParseWordList rejects both). With no words
// the matcher matches nothing.
func NewMatcher(lists ...*WordList) *Matcher {
	m := &Matcher{}
	catIndex := make(map[string]int32)
	// wordCats maps a word to its categories, in order; words keeps the
	// first-seen order so that the automaton is deterministic
	wordCats := make(map[string][]int32)
	var words []string
	for _, l := range lists {
		ci, ok := catIndex[l.Category]
		if !ok {
			ci = int32(len(m.cats))
			catIndex[l.Category] = ci
			m.cats = append(m.cats, l.Category)
		}
		for _, w := range l.Words {
			if w == "" || !utf8.ValidString(w) {
				continue
			}
			cs, ok := wordCats[w]
			if !ok {
				words = append(words, w)
			}
			if !slices.Contains(cs, ci) {
				wordCats[w] = append(cs, ci)
			}
		}
	}
	m.build(words, wordCats)
	m.words = words
	m.kata = make([]bool, len(words))
	for k, w := range words {
		m.kata[k] = allKatakana(w)
	}
	return m
}

// Categories returns the category names, in the order of Counts.Categories.
func (m *Matcher) Categories() []string { return slices.Clone(m.cats) }

// trieNode is a node of the trie built before the double array.
type trieNode struct {
	labels []int32 // symbols, sorted
	next   []int32 // trie index of the child with labels[i]
	cats   []int32 // categories of the word ending here, nil if none
	runes  int32   // rune length of that word
}

// symbols numbers the runes of words from 1, those of the BMP first (so that
// they fit the uint16 table), in first-seen order.
func (m *Matcher) symbols(words []string) int32 {
	n := int32(0)
	seen := make(map[rune]bool)
	maxBMP := rune(-1)
	for _, w := range words {
		for _, r := range w {
			if r <= 0xFFFF {
				maxBMP = max(maxBMP, r)
			}
		}
	}
	m.ids = make([]uint16, maxBMP+1)
	for astral := range 2 {
		for _, w := range words {
			for _, r := range w {
				if seen[r] || (r > 0xFFFF) != (astral == 1) {
					continue
				}
				seen[r] = true
				n++
				if r <= 0xFFFF {
					m.ids[r] = uint16(n)
				} else {
					if m.astral == nil {
						m.astral = make(map[rune]int32)
					}
					m.astral[r] = n
				}
			}
		}
	}
	return n
}

func (m *Matcher) symbol(r rune) int32 {
	if int(r) < len(m.ids) {
		return int32(m.ids[r])
	}
	return m.astral[r] // 0 when absent or m.astral is nil
}

func (m *Matcher) build(words []string, wordCats map[string][]int32) {
	nsym := m.symbols(words)
	trie := []trieNode{{}}
	ends := make([]int32, len(words)) // trie node where each word ends
	for k, w := range words {
		t := int32(0)
		runes := int32(0)
		for _, r := range w {
			runes++
			c := m.symbol(r)
			n := &trie[t]
			j, found := slices.BinarySearch(n.labels, c)
			if found {
				t = n.next[j]
				continue
			}
			child := int32(len(trie))
			n.labels = slices.Insert(n.labels, j, c)
			n.next = slices.Insert(n.next, j, child)
			trie = append(trie, trieNode{})
			t = child
		}
		trie[t].cats = wordCats[w]
		trie[t].runes = runes
		ends[k] = t
		m.maxRunes = max(m.maxRunes, int(runes))
	}

	// Lay the trie out as a double array, breadth first; da[i] is the slot
	// of trie node i, order the trie nodes in breadth-first order. next[p]
	// leads to the first free slot at or after p (p itself when p is free),
	// with path halving, so that the search for a base skips used slots.
	da := make([]int32, len(trie))
	order := make([]int32, 0, len(trie))
	order = append(order, 0)
	nodes := []acNode{{check: -1, out: -1}}
	next := []int32{1}
	grow := func(n int) {
		for len(nodes) < n {
			next = append(next, int32(len(nodes)))
			nodes = append(nodes, acNode{check: -1, out: -1})
		}
	}
	freeAt := func(p int32) int32 {
		for int(p) < len(next) && next[p] != p {
			if q := next[p]; int(q) < len(next) {
				next[p] = next[q]
			}
			p = next[p]
		}
		return p
	}
	for k := 0; k < len(order); k++ {
		t := order[k]
		n := &trie[t]
		if len(n.labels) == 0 {
			continue
		}
		// the first base that puts every child on a free slot (symbols are
		// >= 1, so no child lands on the root)
		first := n.labels[0]
		p := freeAt(first + 1)
	search:
		for ; ; p = freeAt(p + 1) {
			base := p - first
			for _, c := range n.labels[1:] {
				if q := base + c; int(q) < len(next) && next[q] != q {
					continue search
				}
			}
			break
		}
		base := p - first
		grow(int(base+n.labels[len(n.labels)-1]) + 1)
		s := da[t]
		nodes[s].base = base
		for i, c := range n.labels {
			q := base + c
			next[q] = q + 1
			nodes[q].check = s
			da[n.next[i]] = q
			order = append(order, n.next[i])
		}
	}
	// pad so that base+symbol is always inside the array
	maxBase := int32(0)
	for _, n := range nodes {
		maxBase = max(maxBase, n.base)
	}
	grow(int(maxBase+nsym) + 1)

	// Failure links and outputs, breadth first (a failure target is
	// shallower, so it is done before the state that links to it).
	step := func(s, c int32) int32 {
		for {
			if p := nodes[s].base + c; nodes[p].check == s {
				return p
			}
			if s == 0 {
				return 0
			}
			s = nodes[s].fail
		}
	}
	ncat := len(m.cats)
	counts := make([]int32, ncat)
	runes := make([]int32, ncat)
	for _, t := range order[1:] {
		s := da[t]
		if parent := nodes[s].check; parent != 0 {
			nodes[s].fail = step(nodes[parent].fail, s-nodes[parent].base)
		}
		f := nodes[s].fail
		n := &trie[t]
		if n.cats == nil && nodes[f].out < 0 {
			continue
		}
		clear(counts)
		clear(runes)
		var total, longest int32
		if n.cats != nil {
			total, longest = 1, n.runes
			for _, ci := range n.cats {
				counts[ci], runes[ci] = 1, n.runes
			}
		}
		if o := nodes[f].out; o >= 0 {
			h := m.outs[o]
			total += h.count
			longest = max(longest, h.runes)
			for _, e := range m.outs[o+1 : o+1+h.cat] {
				counts[e.cat] += e.count
				runes[e.cat] = max(runes[e.cat], e.runes)
			}
		}
		nodes[s].out = int32(len(m.outs))
		h := len(m.outs)
		m.outs = append(m.outs, acOut{count: total, runes: longest})
		for ci := range counts {
			if counts[ci] > 0 {
				m.outs = append(m.outs, acOut{cat: int32(ci), count: counts[ci], runes: runes[ci]})
			}
		}
		m.outs[h].cat = int32(len(m.outs) - h - 1)
	}
	m.nodes = slices.Clip(nodes)
	m.term = make([]int32, len(nodes))
	for i := range m.term {
		m.term[i] = -1
	}
	for k, t := range ends {
		m.term[da[t]] = int32(k)
	}
}

// CategoryCounts are the matches of one category in one text.
type CategoryCounts struct {
	// Matches is the number of occurrences of the category's words,
	// overlapping ones included: the sum over its words of the number of
	// positions where the word occurs (as a plain substring count that
	// advances one character at a time would give: "ああ" occurs twice in
	// "あああ").
	Matches int
	// Chars is the number of characters (runes) of the text that lie inside
	// at least one of those occurrences; a character covered by several
	// occurrences counts once ("ああ" in "あああ" covers 3).
	Chars int
}

// Counts are the matches of a Matcher in one text. Characters are runes as
// a range loop over the string decodes them (an invalid byte is one
// character), so Chars / utf8.RuneCountInString(text) is the share of the
// text covered by NG words, a number in [0, 1].
type Counts struct {
	// Categories holds one entry per category, in the order of
	// Matcher.Categories.
	Categories []CategoryCounts
	// Matches is the number of occurrences of words of any category; a
	// word listed in two categories counts once here.
	Matches int
	// Chars is the number of characters covered by an occurrence of any
	// category, each counted once.
	Chars int
	names []string
}

// Category returns the counts of the named category (zero if unknown).
func (c Counts) Category(name string) CategoryCounts {
	if i := slices.Index(c.names, name); i >= 0 {
		return c.Categories[i]
	}
	return CategoryCounts{}
}

// Count returns the matches of every category in text, in one pass. It
// allocates the result and, once a category matches, a small buffer for its
// covered spans.
func (m *Matcher) Count(text string) Counts {
	res := Counts{Categories: make([]CategoryCounts, len(m.cats)), names: m.cats}
	if len(m.outs) == 0 {
		return res
	}
	var cov []coverage // one per category, then the union of all; made on the first match
	nodes, outs, ids := m.nodes, m.outs, m.ids
	root := nodes[0]
	s, n := int32(0), root // the state and its node
	pos := 0               // runes read
	for i := 0; i < len(text); {
		// the symbol of the next rune, decoding as a range loop does (an
		// invalid byte is one rune, U+FFFD, which is in no word)
		b := text[i]
		c := int32(0)
		switch {
		case b < utf8.RuneSelf:
			if int(b) < len(ids) {
				c = int32(ids[b])
			}
			i++
		case b&0xF0 == 0xE0 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			// three bytes (kana, kanji): valid unless overlong or a surrogate
			r := rune(b&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			if r < 0x800 || 0xD800 <= r && r <= 0xDFFF {
				i++
			} else {
				if int(r) < len(ids) {
					c = int32(ids[r])
				}
				i += 3
			}
		default:
			r, w := utf8.DecodeRuneInString(text[i:])
			if w > 1 {
				c = m.symbol(r)
			}
			i += w
		}
		pos++
		if c == 0 {
			s, n = 0, root
			continue
		}
		for {
			if q := nodes[n.base+c]; q.check == s {
				s, n = n.base+c, q
				break
			}
			if s == 0 {
				break
			}
			s = n.fail
			n = nodes[s]
		}
		if n.out < 0 {
			continue
		}
		// words end here, the longest of a category covers the runes
		// [pos-runes, pos)
		if cov == nil {
			cov = make([]coverage, len(m.cats)+1)
			for k := range cov {
				cov[k].window = m.maxRunes
			}
		}
		o := n.out
		h := outs[o]
		res.Matches += int(h.count)
		cov[len(m.cats)].add(pos-int(h.runes), pos)
		for _, e := range outs[o+1 : o+1+h.cat] {
			res.Categories[e.cat].Matches += int(e.count)
			cov[e.cat].add(pos-int(e.runes), pos)
		}
	}
	if cov != nil {
		for k := range res.Categories {
			res.Categories[k].Chars = cov[k].total
		}
		res.Chars = cov[len(m.cats)].total
	}
	return res
}

// coverage measures the union of spans [start, end) added in order of end.
// It keeps the merged spans that a later span could still reach: a later
// span ends at or after the current end and is at most window long.
type coverage struct {
	spans  []span // disjoint, sorted, separated by gaps
	total  int    // length of the union of all spans added
	window int
}

type span struct{ start, end int }

func (c *coverage) add(start, end int) {
	if c.spans == nil {
		c.spans = make([]span, 0, 8)
	}
	// pop the spans that the new one overlaps or touches, adding the gaps
	// between them (the new part of the union) to total
	cur, lo := end, start
	for len(c.spans) > 0 {
		top := c.spans[len(c.spans)-1]
		if top.end < start {
			break
		}
		c.spans = c.spans[:len(c.spans)-1]
		c.total += cur - top.end
		cur = top.start
		lo = min(lo, top.start)
	}
	if start < cur {
		c.total += cur - start
	}
	// spans ending before end-window can no longer be reached; drop them
	// when they make up at least half of the buffer
	if n := len(c.spans); n >= 2*c.window+8 {
		j := 0
		for j < n && c.spans[j].end < end-c.window {
			j++
		}
		c.spans = c.spans[:copy(c.spans, c.spans[j:])]
	}
	c.spans = append(c.spans, span{lo, end})
}

// LongestCover scans text as swallow-corpus ngword.py's LongestMatch does
// (2d03507, ngword.py:15-24): from the start, take the longest listed word
// that begins at the current character and continue after it; where no
// word begins, move on one character. Matches are leftmost-longest and do
// not overlap (with ありが and がとう listed, ありがとう gives ありが
// only). It returns the characters (runes, as Count counts them) inside
// the matches and the number of matches. Categories do not matter here.
func (m *Matcher) LongestCover(text string) (chars, matches int) {
	if len(m.outs) == 0 {
		return 0, 0
	}
	nodes, outs := m.nodes, m.outs
	for i := 0; i < len(text); {
		// walk the trie from the root along text[i:], remembering the
		// deepest state where a listed word ends (its own word is the
		// longest output of a state)
		s, depth, best, bestEnd := int32(0), 0, 0, 0
		first := 0 // bytes of the rune at i
		for q := i; q < len(text) && depth < m.maxRunes; {
			r, w := decodeRuneAt(text, q)
			if first == 0 {
				first = w
			}
			c := int32(0)
			if w > 1 || r != utf8.RuneError {
				c = m.symbol(r)
			}
			if c == 0 {
				break
			}
			p := nodes[s].base + c
			if nodes[p].check != s {
				break
			}
			s, q = p, q+w
			depth++
			if o := nodes[s].out; o >= 0 && int(outs[o].runes) == depth {
				best, bestEnd = depth, q
			}
		}
		if best > 0 {
			chars += best
			matches++
			i = bestEnd
			continue
		}
		i += first // the walk reads at least the rune at i
	}
	return chars, matches
}

// isKatakanaPy is the class [ァ-ヴー] of HojiChar's NgWordsFilterJa
// (document_filters.py:255-283, v0.9.0): U+30A1–U+30F4 and U+30FC, not
// ヵヶ, ・, half-width katakana.
func isKatakanaPy(r rune) bool { return 0x30A1 <= r && r <= 0x30F4 || r == 0x30FC }

func allKatakana(w string) bool {
	for _, r := range w {
		if !isKatakanaPy(r) {
			return false
		}
	}
	return w != ""
}

// CountFirst counts the matches that Python's re.findall finds with the
// alternation of the matcher's words in list order, each re.escape'd: the
// scan goes left to right; at each position the first-listed word that
// occurs there is a match (not the longest: a later word that starts with
// an earlier one never matches where the earlier one does) and the scan
// resumes after it; matches do not overlap. Words are compared rune by
// rune, case-sensitively; an invalid byte is a rune in no word. Lists
// merged into the matcher keep their order (the first list's words first).
//
// With katakanaApart, CountFirst is the pattern HojiChar's NgWordsFilterJa
// builds with ignore_confused=True (document_filters.py:255-283, v0.9.0):
// the words made only of [ァ-ヴー] (U+30A1–U+30F4, U+30FC) are tried after
// all the others, and match only where the rune before is not of that
// class and the rune after is not either ((?<![ァ-ヴー])(K1|…)(?![ァ-ヴー]));
// a word whose following rune fails leaves the next listed one a chance.
// (When a list has no word of one kind, Python's pattern gets an empty
// alternative that matches everywhere; CountFirst does not copy that.)
func (m *Matcher) CountFirst(text string, katakanaApart bool) int {
	if len(m.words) == 0 {
		return 0
	}
	nodes, term := m.nodes, m.term
	n := 0
	prevKata := false // the rune before i is [ァ-ヴー]
	for i := 0; i < len(text); {
		r, w := decodeRuneAt(text, i)
		if w == 1 && r == utf8.RuneError {
			r = -1
		}
		c := int32(0)
		if r >= 0 {
			c = m.symbol(r)
		}
		if c != 0 {
			// walk the trie from i: best is the first-listed word of the
			// first kind, kbest of the katakana kind (its lookahead checked)
			best, kbest := int32(-1), int32(-1)
			bestEnd, kbestEnd := 0, 0
			s, j, cj := int32(0), i, c
			for {
				q := nodes[s].base + cj
				if nodes[q].check != s {
					break
				}
				s = q
				_, wj := decodeRuneAt(text, j)
				j += wj
				var next rune = -1
				if j < len(text) {
					var wn int
					if next, wn = decodeRuneAt(text, j); wn == 1 && next == utf8.RuneError {
						next = -1
					}
				}
				if t := term[s]; t >= 0 {
					switch {
					case katakanaApart && m.kata[t]:
						if (kbest < 0 || t < kbest) && !prevKata && !isKatakanaPy(next) {
							kbest, kbestEnd = t, j
						}
					case best < 0 || t < best:
						best, bestEnd = t, j
					}
				}
				if next < 0 {
					break
				}
				if cj = m.symbol(next); cj == 0 {
					break
				}
			}
			end := -1
			if best >= 0 {
				end = bestEnd
			} else if kbest >= 0 {
				end = kbestEnd
			}
			if end > i {
				n++
				last, _ := utf8.DecodeLastRuneInString(text[:end])
				prevKata = isKatakanaPy(last)
				i = end
				continue
			}
		}
		prevKata = isKatakanaPy(r)
		i += w
	}
	return n
}

// CountEach returns the sum over the matcher's words of the number of
// non-overlapping occurrences of each word, as Python's
// sum(text.count(w) for w in words) (llm-jp-corpus v1.0.1 is_ethical,
// scripts/filters.py:144-150 @61f2bf7): each word is counted on its own,
// so words that overlap each other all count, but "ああ" occurs once in
// "あああ". The scan stops once the sum reaches limit (limit <= 0: no limit).
func (m *Matcher) CountEach(text string, limit int) int {
	n := 0
	for _, w := range m.words {
		n += strings.Count(text, w)
		if limit > 0 && n >= limit {
			break
		}
	}
	return n
}
