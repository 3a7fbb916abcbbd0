package filters

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/tokenize"
)

// FineWeb2Scores are the scores FineWeb-2's filters compare for jpn_Jpan
// (github.com/huggingface/fineweb-2 d0defb2, fineweb-2-pipeline.py:251-282,
// configs/jpn_Jpan.yml), with the definitions of datatrove v0.4.0
// (842b241): GopherRepetitionFilter (gopher_repetition_filter.py:110-142),
// FineWebQualityFilter (fineweb_quality_filter.py:33-56) and
// GopherQualityFilter (gopher_quality_filter.py:61-125). Lengths are code
// points (Python len). docs/presets/fineweb2-ja.md gives every definition.
//
// Words are kagome (IPA dictionary, Normal mode) morphemes where FineWeb-2
// has SudachiPy mode A morphemes (spaCy "ja"): each surface stripped of
// Python whitespace, empty ones dropped, as datatrove's strip_strings
// (word_tokenizers.py:15-16) does.
type FineWeb2Scores struct {
	// DupLineFrac: lines (re.split("\n+", text)) equal to an earlier line /
	// lines (gopher_repetition_filter.py:120-122).
	DupLineFrac float64
	// TopNGram[n-2], n = 2, 3, 4: code points of the most frequent word
	// n-gram (words joined by one space; on a tie the one seen first) times
	// its count / code points of the text (:129-135). 0 with fewer than n
	// words. It can exceed 1.
	TopNGram [3]float64
	// DupNGram[n-5], n = 5..10: code points of the repeated word n-grams
	// (words joined without a space; after a repeat the scan jumps n words)
	// / code points of the text (find_all_duplicate, :57-70, :137-140); 0
	// for an empty text, where the reference divides by zero.
	DupNGram [6]float64

	// NonBlankLines: lines (text.split("\n")) that are not only whitespace
	// (fineweb_quality_filter.py:34-37; 0 is the "empty" drop).
	NonBlankLines int
	// LinePunct: non-blank lines whose last character is terminal
	// punctuation / non-blank lines (:38).
	LinePunct float64
	// CharDup: code points of the non-blank lines equal to an earlier one /
	// code points of the text without its "\n" (:46).
	CharDup float64
	// ListRatio: "\n" in the text / words (:51-53); 0 without words (the
	// reference divides by zero, but such a text has no non-blank line).
	ListRatio float64

	// Words is the number of words; NonSymbolWords those with a character
	// outside PUNCTUATION_SET (gopher_quality_filter.py:72-76).
	Words, NonSymbolWords int
	// AvgWordLength: mean code points of the non-symbol words (:85); 0
	// without any (the reference's np.mean gives NaN there).
	AvgWordLength float64
	// Hashes: "#" in the text / words; Ellipsis: ("..." + "…" in the text,
	// non-overlapping) / words (:92-95). 0 without words.
	Hashes, Ellipsis float64
	// BulletLines, EllipsisLines: lines (str.splitlines) starting, after
	// lstrip, with • or -, and ending, after rstrip, with ... or … / lines
	// (:99-111); 0 without lines.
	BulletLines, EllipsisLines float64
	// AlphaWords: words with a letter (str.isalpha: Unicode L*) / words
	// (:114-119).
	AlphaWords float64
	// StopWords: words equal to a jpn_Jpan stop word, repeats counted
	// (v0.4.0, :122); DistinctStopWords: distinct stop words present
	// (datatrove f9bbe093 and later).
	StopWords, DistinctStopWords int
}

// fineweb2StopWords are configs/jpn_Jpan.yml's stopwords (yml:21-36),
// matched against whole words.
var fineweb2StopWords = [...]string{"の", "に", "を", "は", "た", "て", "が", "と", "で", "年", "し", "・", "月", "れ", "さ"}

// fineweb2Meter computes FineWeb2Scores with reusable scratch. Its kagome
// tokenizer is made on first use (the dictionary is shared by the process).
type fineweb2Meter struct {
	tok  *tokenize.Tokenizer
	tab  countTable
	boff []int  // byte offset of each word in join, and the end
	rpre []int  // code points of the words before each word, and in all
	join []byte // the words without separators
	spc  []byte // the words joined by one space
}

// lines computes the scores that need no words.
func (m *fineweb2Meter) lines(sc *FineWeb2Scores, text string) {
	// GopherRepetition: re.split("\n+", text) keeps an empty first and last
	// element and drops the empty ones between runs of "\n".
	m.tab.reset(64)
	n, dup := 0, 0
	rest := text
	for first := true; ; first = false {
		line, tail, more := strings.Cut(rest, "\n")
		rest = tail
		if line != "" || first || !more {
			n++
			if c := m.tab.add(hashPiece(1, line)); c > 1 {
				dup++
			}
		}
		if !more {
			break
		}
	}
	sc.DupLineFrac = frac(dup, n)

	// FineWebQuality: text.split("\n") minus the blank lines; the kept
	// lines are not stripped.
	m.tab.reset(64)
	var nb, punct, dupChars int
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimFunc(line, pySpace) == "" {
			continue
		}
		nb++
		if r, _ := utf8.DecodeLastRuneInString(line); terminalPunct(r) {
			punct++
		}
		if m.tab.add(hashPiece(2, line)) > 1 {
			dupChars += utf8.RuneCountInString(line)
		}
	}
	sc.NonBlankLines = nb
	sc.LinePunct = frac(punct, nb)
	sc.CharDup = frac(dupChars, utf8.RuneCountInString(text)-strings.Count(text, "\n"))

	// GopherQuality: str.splitlines.
	var sl, bullets, ellipses int
	splitLines(text, func(line string) {
		sl++
		if l := strings.TrimLeftFunc(line, pySpace); strings.HasPrefix(l, "•") || strings.HasPrefix(l, "-") {
			bullets++
		}
		if l := strings.TrimRightFunc(line, pySpace); strings.HasSuffix(l, "...") || strings.HasSuffix(l, "…") {
			ellipses++
		}
	})
	sc.BulletLines, sc.EllipsisLines = frac(bullets, sl), frac(ellipses, sl)
}

// splitLines calls f with each line of Python's text.splitlines(): lines
// end at \n, \r, \r\n, \v, \f, U+001C-001E, U+0085, U+2028 or U+2029, the
// break is not part of the line, and a break at the end starts no line.
func splitLines(text string, f func(string)) {
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\n', '\v', '\f', 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				size = 2
			}
		default:
			i += size
			continue
		}
		f(text[start:i])
		i += size
		start = i
	}
	if start < len(text) {
		f(text[start:])
	}
}

// tokenize returns the words of text: kagome's surfaces, stripped of
// Python whitespace, without the empty ones.
func (m *fineweb2Meter) tokenize(text string) []string {
	if m.tok == nil {
		t, err := tokenize.New(tokenize.DictIPA)
		if err != nil {
			panic("filters: fineweb2: " + err.Error()) // the embedded dictionary does not load
		}
		m.tok = t
	}
	words := m.tok.Wakati(text)
	n := 0 // strip in place: Wakati's slice is ours
	for _, w := range words {
		if first, _ := utf8.DecodeRuneInString(w); pySpace(first) || pySpace(lastRune(w)) {
			w = strings.TrimFunc(w, pySpace)
		}
		if w != "" {
			words[n] = w
			n++
		}
	}
	return words[:n]
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// wordScores computes the scores that need the words.
func (m *fineweb2Meter) wordScores(sc *FineWeb2Scores, text string, words []string) {
	nw := len(words)
	sc.Words = nw

	// per-word counts, and the two joins: word i is join[boff[i]:boff[i+1]]
	// and spc[boff[i]+i:boff[i+1]+i], with rpre[i] code points before it
	if cap(m.boff) < nw+1 {
		m.boff, m.rpre = make([]int, 0, nw+1), make([]int, 0, nw+1)
	}
	if cap(m.spc) < len(text)+nw {
		m.join, m.spc = make([]byte, 0, len(text)), make([]byte, 0, len(text)+nw)
	}
	m.boff, m.rpre = append(m.boff[:0], 0), append(m.rpre[:0], 0)
	m.join, m.spc = m.join[:0], m.spc[:0]
	var nonSym, nonSymLen, alpha, stops int
	var distinct uint16
	for i, w := range words {
		m.join = append(m.join, w...)
		if i > 0 {
			m.spc = append(m.spc, ' ')
		}
		m.spc = append(m.spc, w...)
		n, sym, letter := 0, true, false
		for _, r := range w {
			n++
			if sym && !punctuationSet(r) {
				sym = false
			}
			if !letter && unicode.IsLetter(r) {
				letter = true
			}
		}
		m.boff = append(m.boff, len(m.join))
		m.rpre = append(m.rpre, m.rpre[i]+n)
		if !sym {
			nonSym++
			nonSymLen += n
		}
		if letter {
			alpha++
		}
		for j, s := range fineweb2StopWords {
			if w == s {
				stops++
				distinct |= 1 << j
				break
			}
		}
	}
	sc.NonSymbolWords = nonSym
	sc.AvgWordLength = frac(nonSymLen, nonSym)
	sc.AlphaWords = frac(alpha, nw)
	sc.StopWords, sc.DistinctStopWords = stops, 0
	for ; distinct != 0; distinct &= distinct - 1 {
		sc.DistinctStopWords++
	}
	sc.Hashes = frac(strings.Count(text, "#"), nw)
	sc.Ellipsis = frac(strings.Count(text, "...")+strings.Count(text, "…"), nw)
	sc.ListRatio = frac(strings.Count(text, "\n"), nw)

	textLen := utf8.RuneCountInString(text)
	spc := string(m.spc) // one copy; the windows are substrings of it
	join := string(m.join)
	for n := 2; n <= 4; n++ {
		sc.TopNGram[n-2] = frac(m.topNGram(spc, n), textLen)
	}
	for n := 5; n <= 10; n++ {
		sc.DupNGram[n-5] = frac(m.dupNGrams(join, n), textLen)
	}
}

// topNGram is find_top_duplicate(get_n_grams(words, n))
// (gopher_repetition_filter.py:31-32, :49-54): the n-grams are the words
// joined by " ", and the result is the code points of the most frequent one
// times its count. Counter.most_common(1) takes, among the most frequent,
// the one counted first. 0 when there are fewer than n words.
func (m *fineweb2Meter) topNGram(spc string, n int) int {
	nw := len(m.boff) - 1
	if nw < n {
		return 0
	}
	m.tab.reset(64)
	bestCount, bestFirst := 0, int32(0)
	for i := 0; i+n <= nw; i++ {
		g := spc[m.boff[i]+i : m.boff[i+n]+i+n-1]
		c, first := m.tab.addFirst(hashPiece(3, g), int32(i))
		if c > bestCount || (c == bestCount && first < bestFirst) {
			bestCount, bestFirst = c, first
		}
	}
	f := int(bestFirst)
	return (m.rpre[f+n] - m.rpre[f] + n - 1) * bestCount
}

// dupNGrams is find_all_duplicate(words, n) (gopher_repetition_filter.py:57-70):
// scan the n-grams (words joined without a separator) from the start; one
// seen before adds its code points and the scan jumps past it, n words on
// (the windows jumped over are not remembered); a new one is remembered and
// the scan moves one word on.
func (m *fineweb2Meter) dupNGrams(join string, n int) int {
	nw := len(m.boff) - 1
	m.tab.reset(64)
	rep := 0
	for i := 0; i < nw-n+1; {
		g := join[m.boff[i]:m.boff[i+n]]
		if m.tab.add(hashPiece(4, g)) > 1 {
			rep += m.rpre[i+n] - m.rpre[i]
			i += n
		} else {
			i++
		}
	}
	return rep
}

// datatrove's punctuation sets (utils/text.py:13-181 at v0.4.0), as code
// points. They are written out here rather than derived from Go's unicode
// tables, whose Unicode version changes with Go; a test checks that they
// are unicode.Sentence_Terminal plus the Khmer signs, with 129, 159 and 281
// members.

// fineweb2Terminal is TERMINAL_PUNCTUATION (text.py:19-179): 159 code
// points, sorted.
var fineweb2Terminal = []rune{
	0x21, 0x2E, 0x3F, 0x589, 0x61D, 0x61E, 0x61F, 0x6D4, 0x700, 0x701, 0x702, 0x7F9,
	0x837, 0x839, 0x83D, 0x83E, 0x964, 0x965, 0x104A, 0x104B, 0x1362, 0x1367, 0x1368, 0x166E,
	0x1735, 0x1736, 0x17D4, 0x17D5, 0x17D6, 0x17D9, 0x17DA, 0x1803, 0x1809, 0x1944, 0x1945, 0x1AA8,
	0x1AA9, 0x1AAA, 0x1AAB, 0x1B5A, 0x1B5B, 0x1B5E, 0x1B5F, 0x1B7D, 0x1B7E, 0x1C3B, 0x1C3C, 0x1C7E,
	0x1C7F, 0x203C, 0x203D, 0x2047, 0x2048, 0x2049, 0x2E2E, 0x2E3C, 0x2E53, 0x2E54, 0x3002, 0xA4FF,
	0xA60E, 0xA60F, 0xA6F3, 0xA6F7, 0xA876, 0xA877, 0xA8CE, 0xA8CF, 0xA92F, 0xA9C8, 0xA9C9, 0xAA5D,
	0xAA5E, 0xAA5F, 0xAAF0, 0xAAF1, 0xABEB, 0xFE52, 0xFE56, 0xFE57, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61,
	0x10A56, 0x10A57, 0x10F55, 0x10F56, 0x10F57, 0x10F58, 0x10F59, 0x10F86, 0x10F87, 0x10F88, 0x10F89, 0x11047,
	0x11048, 0x110BE, 0x110BF, 0x110C0, 0x110C1, 0x11141, 0x11142, 0x11143, 0x111C5, 0x111C6, 0x111CD, 0x111DE,
	0x111DF, 0x11238, 0x11239, 0x1123B, 0x1123C, 0x112A9, 0x1144B, 0x1144C, 0x115C2, 0x115C3, 0x115C9, 0x115CA,
	0x115CB, 0x115CC, 0x115CD, 0x115CE, 0x115CF, 0x115D0, 0x115D1, 0x115D2, 0x115D3, 0x115D4, 0x115D5, 0x115D6,
	0x115D7, 0x11641, 0x11642, 0x1173C, 0x1173D, 0x1173E, 0x11944, 0x11946, 0x11A42, 0x11A43, 0x11A9B, 0x11A9C,
	0x11C41, 0x11C42, 0x11EF7, 0x11EF8, 0x11F43, 0x11F44, 0x16A6E, 0x16A6F, 0x16AF5, 0x16B37, 0x16B38, 0x16B44,
	0x16E98, 0x1BC9F, 0x1DA88,
}

// fineweb2PunctVisible are PUNCTUATION's (text.py:13-18) visible
// characters: ASCII punctuation and 34 others; the rest of PUNCTUATION is
// U+0000-0008, U+000B-001F and U+007F-009F (tab and LF are not in it).
const fineweb2PunctVisible = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«´»–—’“”„…∶━►、。〈〉《》「」【】！％（），．１：；？～"

// terminalPunct reports whether r is in TERMINAL_PUNCTUATION.
func terminalPunct(r rune) bool {
	i := sort.Search(len(fineweb2Terminal), func(i int) bool { return fineweb2Terminal[i] >= r })
	return i < len(fineweb2Terminal) && fineweb2Terminal[i] == r
}

// punctuationSet reports whether r is in PUNCTUATION_SET (text.py:181):
// PUNCTUATION or TERMINAL_PUNCTUATION.
func punctuationSet(r rune) bool {
	switch {
	case r <= 0x08, r >= 0x0B && r <= 0x1F, r >= 0x7F && r <= 0x9F:
		return true
	case r < 0x80:
		return r > ' ' && r < 0x7F && !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}
	if r >= 0x3040 && r <= 0x9FFF { // kana and CJK ideographs: none is punctuation
		return false
	}
	return punctExtra(r) || terminalPunct(r)
}

// punctExtra reports whether r is one of PUNCTUATION's visible non-ASCII
// characters.
func punctExtra(r rune) bool {
	for _, p := range fineweb2PunctVisible {
		if p == r && p >= 0x80 {
			return true
		}
	}
	return false
}
