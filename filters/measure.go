package filters

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/tokenize"
)

// Kind says what a measure's scores look like; it picks the histogram bins.
type Kind uint8

const (
	// Ratio scores lie in [0, 1].
	Ratio Kind = iota + 1
	// Count scores are non-negative (counts, lengths, positions).
	Count
	// Factor scores are non-negative ratios that may exceed 1
	// (compression ratio).
	Factor
)

// String returns "ratio", "count" or "factor".
func (k Kind) String() string {
	switch k {
	case Ratio:
		return "ratio"
	case Count:
		return "count"
	case Factor:
		return "factor"
	}
	return "?"
}

// ListKind is the kind of list file a measure reads.
type ListKind uint8

const (
	// NoList: the measure needs no list.
	NoList ListKind = iota
	// Words: word lists, one word per line (LoadWordList).
	Words
	// Domains: host lists, one domain per line (LoadDomainList).
	Domains
)

func (k ListKind) String() string {
	switch k {
	case Words:
		return "words"
	case Domains:
		return "domains"
	}
	return "none"
}

// A Measure is a named score of a document. Every score is a finite
// float64, so it survives JSON and Parquet and re-thresholding gives the
// same decision. Measures of a family (swallow.*, hojichar.*, …) share one
// pass over the text, computed only when a rule of the document asks.
type Measure struct {
	// Name is how presets and configs refer to it ("swallow.num_letters").
	Name string
	// Doc says what it measures and cites the definition it follows.
	Doc string
	// Kind picks the histogram bins.
	Kind Kind
	// List is the kind of list the rule must name (NoList: none).
	List  ListKind
	score func(d *docState, r *rule) float64
}

// Measures returns every measure, sorted by name.
func Measures() []*Measure {
	ms := slices.Collect(func(yield func(*Measure) bool) {
		for _, m := range measureTable {
			if !yield(m) {
				return
			}
		}
	})
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	return ms
}

// LookupMeasure returns the named measure.
func LookupMeasure(name string) (*Measure, error) {
	if m, ok := measureTable[name]; ok {
		return m, nil
	}
	var near []string
	for n := range measureTable {
		if strings.Contains(n, name) || strings.Contains(name, strings.TrimPrefix(n, familyOf(n)+".")) {
			near = append(near, n)
		}
	}
	sort.Strings(near)
	if len(near) > 0 {
		return nil, fmt.Errorf("unknown measure %q (did you mean %s?)", name, strings.Join(near, ", "))
	}
	return nil, fmt.Errorf("unknown measure %q (`jacorpus filters` lists them)", name)
}

func familyOf(name string) string {
	f, _, ok := strings.Cut(name, ".")
	if !ok {
		return ""
	}
	return f
}

// measureTable holds every measure by name; families add theirs in
// measures_*.go. It is built once and never changed.
var measureTable = func() map[string]*Measure {
	t := map[string]*Measure{}
	for _, group := range [][]*Measure{genericMeasures, swallowMeasures, mojibakeMeasures, hojicharMeasures, llmjpMeasures, fineweb2Measures, posMeasures} {
		for _, m := range group {
			if _, dup := t[m.Name]; dup {
				panic("filters: measure " + m.Name + " defined twice")
			}
			t[m.Name] = m
		}
	}
	return t
}()

// docState is one document version as the rules see it: its text and URL
// and the family statistics computed so far. A transform starts a new
// version (reset). One per worker; the meters keep their scratch.
type docState struct {
	text, url string

	stats            textStats
	charsOK, linesOK bool
	sm               statsMeter

	sw   SwallowScores
	swOK bool
	swm  swallowMeter

	mj   MojibakeScores
	mjOK bool

	hj                          hojicharScores
	hjHeadOK, hjTailOK, hjRepOK bool
	hjm                         hojicharMeter

	lj    llmjpStats
	ljOK  bool
	ljBuf []byte

	fw                   FineWeb2Scores
	fwLinesOK, fwWordsOK bool
	fwm                  fineweb2Meter

	pos    tokenize.POSCounts
	posOK  bool
	posTok *tokenize.Tokenizer
}

func (d *docState) reset(text, url string) {
	d.text, d.url = text, url
	d.charsOK, d.linesOK, d.swOK = false, false, false
	d.mjOK = false
	d.hjHeadOK, d.hjTailOK, d.hjRepOK = false, false, false
	d.ljOK = false
	d.fwLinesOK, d.fwWordsOK = false, false
	d.posOK = false
	d.stats = textStats{} // chars and lines add to zero counts
}

// chars returns the character counts of textStats.
func (d *docState) chars() *textStats {
	if !d.charsOK {
		d.sm.chars(&d.stats, d.text)
		d.charsOK = true
	}
	return &d.stats
}

// lines returns textStats with the character counts and the line,
// paragraph and sentence counts.
func (d *docState) lines() *textStats {
	d.chars()
	if !d.linesOK {
		d.sm.lines(&d.stats, d.text)
		d.linesOK = true
	}
	return &d.stats
}

func (d *docState) swallow() *SwallowScores {
	if !d.swOK {
		d.sw = SwallowScores{}
		d.swm.measureText(&d.sw, d.text) // the n-gram scores: swallowNgrams
		d.swOK = true
	}
	return &d.sw
}

// runeCount is utf8.RuneCountInString(d.text), taken from a family that
// has counted the code points already (both count an invalid byte as one).
func (d *docState) runeCount() int {
	switch {
	case d.swOK:
		return d.sw.NumLetters
	case d.charsOK:
		return d.stats.Chars
	}
	return utf8.RuneCountInString(d.text)
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b int) float64 { return frac(a, b) }

// g is a measure of the generic family from the character counts of
// textStats; gl one that also needs the lines.
func g(name string, kind Kind, doc string, f func(s *textStats) float64) *Measure {
	return &Measure{Name: name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.chars()) }}
}

func gl(name string, kind Kind, doc string, f func(s *textStats) float64) *Measure {
	return &Measure{Name: name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.lines()) }}
}

// genericMeasures use textStats' definitions.
var genericMeasures = []*Measure{
	g("chars", Count, "characters (code points) of the text; a byte that does not decode counts as one U+FFFD", func(s *textStats) float64 { return float64(s.Chars) }),
	g("japanese_chars", Count, "hiragana + katakana + kanji letters (Unicode scripts, category L only: ㋐ ⼈ are symbols; ー ｰ ﾞ ﾟ as katakana, 々 〆 〻 and the numeral 〇 as kanji)",
		func(s *textStats) float64 { return float64(s.Hiragana + s.Katakana + s.Kanji) }),
	g("japanese_ratio", Ratio, "Japanese letters (hiragana + katakana + kanji, as japanese_chars) / letters (Unicode category L, and 〇): digits, punctuation and spaces count neither way",
		func(s *textStats) float64 { return ratio(s.Hiragana+s.Katakana+s.Kanji, s.Letters) }),
	g("hiragana_ratio", Ratio, "hiragana / Japanese letters; Diet speeches and fiction score about 0.4-0.75, laws 0.2-0.4, lists and tables of nouns lower",
		func(s *textStats) float64 { return ratio(s.Hiragana, s.Hiragana+s.Katakana+s.Kanji) }),
	g("katakana_ratio", Ratio, "katakana / Japanese letters; product lists and transliterated spam score high",
		func(s *textStats) float64 { return ratio(s.Katakana, s.Hiragana+s.Katakana+s.Kanji) }),
	g("kanji_ratio", Ratio, "kanji / Japanese letters", func(s *textStats) float64 { return ratio(s.Kanji, s.Hiragana+s.Katakana+s.Kanji) }),
	g("symbol_ratio", Ratio, "punctuation and symbols (Unicode P*, S*; U+FFFD included) / characters that are not Unicode White_Space",
		func(s *textStats) float64 { return ratio(s.Symbols, s.Chars-s.Spaces) }),
	g("digit_ratio", Ratio, "digits (Unicode Nd: 0-9, full-width ０-９; kanji numerals are kanji, ① is neither) / characters that are not Unicode White_Space", func(s *textStats) float64 { return ratio(s.Digits, s.Chars-s.Spaces) }),
	g("replacement_ratio", Ratio, "U+FFFD replacement characters / characters: bytes that did not decode",
		func(s *textStats) float64 { return ratio(s.Replacement, s.Chars) }),
	gl("dup_line_ratio", Ratio, "non-blank lines equal to an earlier line / non-blank lines (Gopher's duplicate-line fraction, Rae et al. 2021, on trimmed lines; blank lines ignored)",
		func(s *textStats) float64 { return ratio(s.DupLines, s.Lines) }),
	gl("dup_line_char_ratio", Ratio, "characters of the lines equal to an earlier line / characters of all non-blank lines (Gopher's duplicate-line character fraction)",
		func(s *textStats) float64 { return ratio(s.DupLineChars, s.LineChars) }),
	gl("dup_paragraph_ratio", Ratio, "paragraphs (runs of non-blank lines) equal to an earlier one / paragraphs (Gopher)",
		func(s *textStats) float64 { return ratio(s.DupParas, s.Paragraphs) }),
	gl("dup_paragraph_char_ratio", Ratio, "characters of the paragraphs equal to an earlier one / characters of all paragraphs (Gopher)",
		func(s *textStats) float64 { return ratio(s.DupParaChars, s.ParaChars) }),
	gl("short_line_ratio", Ratio, "non-blank lines of at most 10 characters / non-blank lines (HojiChar DiscardTooShortLines' length)",
		func(s *textStats) float64 { return ratio(s.ShortLines, s.Lines) }),
	gl("ellipsis_line_ratio", Ratio, "non-blank lines ending in …, ‥, .. (NFKC turns ‥ into .. and … into ...) or ・・・ / non-blank lines (Gopher's ellipsis lines)",
		func(s *textStats) float64 { return ratio(s.EllipsisLines, s.Lines) }),
	gl("avg_sentence_chars", Count, "average sentence length in characters (a sentence ends after 。．！？!? and the terminators and closing brackets right after them, or at a line end)",
		func(s *textStats) float64 { return ratio(s.SentenceChars, s.Sentences) }),
	gl("max_sentence_chars", Count, "longest sentence in characters", func(s *textStats) float64 { return float64(s.MaxSentence) }),
	g("max_char_run", Count, "longest run of one repeated character, any character, spaces and newlines included (ああああ…, ーーー, !!!!; as HojiChar SingleCharacterRepetitionFilter)", func(s *textStats) float64 { return float64(s.MaxRun) }),
	g("url_char_ratio", Ratio, "characters of http(s):// URLs (the scheme and the RFC 3986 characters after it: a full-width ） or a kana ends it) / characters", func(s *textStats) float64 { return ratio(s.URLChars, s.Chars) }),
	{Name: "compression_ratio", Kind: Factor, Doc: "zlib size at level 6 / UTF-8 size, exactly Python's len(zlib.compress(b, 6)) / len(b) with C zlib (internal/zlibsize): repetitive text scores low, random strings high",
		score: func(d *docState, _ *rule) float64 { return d.sm.compressionRatio(d.text) }},
	{Name: "ng_word_ratio", Kind: Ratio, List: Words, Doc: "characters inside an occurrence of a listed word (Aho–Corasick, overlapping occurrences, each character once) / characters",
		score: func(d *docState, r *rule) float64 {
			c := r.words.Count(d.text)
			return ratio(c.Chars, d.chars().Chars)
		}},
	{Name: "ng_word_count", Kind: Count, List: Words, Doc: "occurrences of listed words (overlapping ones included)",
		score: func(d *docState, r *rule) float64 { return float64(r.words.Count(d.text).Matches) }},
	{Name: "url_blocked", Kind: Count, List: Domains, Doc: "1 when the document's URL host or one of its parent domains is listed, else 0 (UT1-style lists; no URL: 0)",
		score: func(d *docState, r *rule) float64 {
			if _, ok := r.domains.Match(d.url); ok {
				return 1
			}
			return 0
		}},
	{Name: "url_listed", Kind: Count, List: Domains, Doc: "as url_blocked, for allowlists: keep \">= 1\" keeps only listed hosts (no URL: 0)",
		score: func(d *docState, r *rule) float64 {
			if _, ok := r.domains.Match(d.url); ok {
				return 1
			}
			return 0
		}},
}
