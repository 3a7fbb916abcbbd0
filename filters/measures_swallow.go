package filters

// sw is a measure of the swallow family from a function of SwallowScores.
func sw(name string, kind Kind, doc string, f func(s *SwallowScores) float64) *Measure {
	return &Measure{Name: "swallow." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.swallow()) }}
}

// swn is sw for the n-gram scores, computed only when a rule asks for one
// (a document that fails an earlier rule in drop mode skips them).
func swn(name string, kind Kind, doc string, f func(s *SwallowScores) float64) *Measure {
	return &Measure{Name: "swallow." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.swallowNgrams()) }}
}

// swallowNgrams returns the swallow scores with the n-gram ones.
func (d *docState) swallowNgrams() *SwallowScores {
	s := d.swallow()
	if !d.swm.ngDone {
		d.swm.ngrams(s, d.swm.runes)
		d.swm.ngDone = true
	}
	return s
}

// swallowMeasures are swallow-corpus quality.py's scores (commit 2d03507)
// with its definitions; docs/presets/swallow.md gives each one, with the
// reference's file:line.
var swallowMeasures = []*Measure{
	{Name: "swallow.ng_url", Kind: Count, List: Domains,
		Doc: "1 when swallow-corpus ngurl.py drops the URL, else 0 (ngurl.py:25-37): the host (Python urlparse().hostname, lower-cased) ends in .5ch.net or in wikipedia.org (no dot), " +
			"or is itself in the list (an exact host: no parent domains, unlike url_blocked); no URL or no host: 0",
		score: func(d *docState, r *rule) float64 {
			if swallowURLRejected(d.url, r.domains) {
				return 1
			}
			return 0
		}},
	{Name: "swallow.ng_fraction", Kind: Factor, List: Words,
		Doc: "characters of the listed words a leftmost-longest, non-overlapping scan finds (ngword.py:15-28, Matcher.LongestCover) / num_japanese_letters, 0 without Japanese letters (ngword.py:29, annotate.py:22); can exceed 1",
		score: func(d *docState, r *rule) float64 {
			chars, _ := r.words.LongestCover(d.text)
			return frac(chars, d.swallow().NumJapanese)
		}},
	sw("num_letters", Count, "code points of the whole text (quality.py:77)", func(s *SwallowScores) float64 { return float64(s.NumLetters) }),
	sw("num_japanese_letters", Count, "hiragana U+3041–3096 + katakana U+30A1–30FA + kanji (々〇〻, U+3400–9FFF, U+F900–FAFF) + 。．！？ + 、， (quality.py:32-48, :84)",
		func(s *SwallowScores) float64 { return float64(s.NumJapanese) }),
	sw("duplicate_paragraph_fraction", Ratio, "lines (split on \\n, blank ones included) equal to an earlier line / lines (quality.py:55)",
		func(s *SwallowScores) float64 { return s.DupParagraph }),
	sw("duplicate_sentence_fraction", Ratio, "sentences ([^。．！？!?]+[。．！？!?]? per line) equal to an earlier one / sentences (quality.py:58)",
		func(s *SwallowScores) float64 { return s.DupSentence }),
	sw("duplicate_paragraph_fraction_in_character", Ratio, "characters of repeated paragraphs / characters of all paragraphs (quality.py:56-57)",
		func(s *SwallowScores) float64 { return s.DupParagraphChars }),
	sw("duplicate_sentence_fraction_in_character", Ratio, "characters of repeated sentences / characters of all paragraphs (quality.py:59-60)",
		func(s *SwallowScores) float64 { return s.DupSentenceChars }),
	swn("top_2gram_character_fraction", Ratio, "occurrences of the most frequent character 2-gram / 2-gram occurrences (quality.py:62-66)",
		func(s *SwallowScores) float64 { return s.Top2to4[0] }),
	swn("top_3gram_character_fraction", Ratio, "as top_2gram, n = 3", func(s *SwallowScores) float64 { return s.Top2to4[1] }),
	swn("top_4gram_character_fraction", Ratio, "as top_2gram, n = 4", func(s *SwallowScores) float64 { return s.Top2to4[2] }),
	swn("duplicate_5gram_character_fraction", Ratio, "distinct character 5-grams occurring more than once / distinct 5-grams (quality.py:68-71)",
		func(s *SwallowScores) float64 { return s.Dup5to10[0] }),
	swn("duplicate_6gram_character_fraction", Ratio, "as duplicate_5gram, n = 6", func(s *SwallowScores) float64 { return s.Dup5to10[1] }),
	swn("duplicate_7gram_character_fraction", Ratio, "as duplicate_5gram, n = 7", func(s *SwallowScores) float64 { return s.Dup5to10[2] }),
	swn("duplicate_8gram_character_fraction", Ratio, "as duplicate_5gram, n = 8", func(s *SwallowScores) float64 { return s.Dup5to10[3] }),
	swn("duplicate_9gram_character_fraction", Ratio, "as duplicate_5gram, n = 9", func(s *SwallowScores) float64 { return s.Dup5to10[4] }),
	swn("duplicate_10gram_character_fraction", Ratio, "as duplicate_5gram, n = 10", func(s *SwallowScores) float64 { return s.Dup5to10[5] }),
	sw("hiragana_fraction", Ratio, "hiragana / num_japanese_letters (quality.py:85)", func(s *SwallowScores) float64 { return s.Hiragana }),
	sw("katakana_fraction", Ratio, "katakana (U+30A1–30FA: not ー or ・) / num_japanese_letters (quality.py:86)", func(s *SwallowScores) float64 { return s.Katakana }),
	sw("kanji_fraction", Ratio, "kanji / num_japanese_letters (quality.py:87; computed, not used by apply_v1)", func(s *SwallowScores) float64 { return s.Kanji }),
	sw("japanese_fraction", Ratio, "num_japanese_letters / num_letters (quality.py:90)", func(s *SwallowScores) float64 { return s.Japanese }),
	sw("avg_sentence_length", Count, "characters of all sentences / sentences (quality.py:91)", func(s *SwallowScores) float64 { return s.AvgSentence }),
	sw("max_sentence_length", Count, "longest sentence in characters, 0 without sentences (quality.py:92; the reference crashes there)",
		func(s *SwallowScores) float64 { return float64(s.MaxSentence) }),
	sw("ellipsis_fraction", Ratio, "sentences whose right-stripped text ends in ・ or … / sentences (quality.py:93-94)", func(s *SwallowScores) float64 { return s.Ellipsis }),
}
