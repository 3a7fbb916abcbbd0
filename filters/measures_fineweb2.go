package filters

// fineweb2Lines returns FineWeb2Scores with the line scores computed.
func (d *docState) fineweb2Lines() *FineWeb2Scores {
	if !d.fwLinesOK {
		d.fwm.lines(&d.fw, d.text)
		d.fwLinesOK = true
	}
	return &d.fw
}

// fineweb2Words returns FineWeb2Scores with the word scores computed: the
// text goes through kagome once.
func (d *docState) fineweb2Words() *FineWeb2Scores {
	if !d.fwWordsOK {
		d.fwm.wordScores(&d.fw, d.text, d.fwm.tokenize(d.text))
		d.fwWordsOK = true
	}
	return &d.fw
}

// fwl is a measure of the fineweb2 family that needs only the lines; fww
// one that needs the words (kagome).
func fwl(name string, kind Kind, doc string, f func(s *FineWeb2Scores) float64) *Measure {
	return &Measure{Name: "fineweb2." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.fineweb2Lines()) }}
}

func fww(name string, kind Kind, doc string, f func(s *FineWeb2Scores) float64) *Measure {
	return &Measure{Name: "fineweb2." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.fineweb2Words()) }}
}

// fineweb2Measures are the scores FineWeb-2 (fineweb-2-pipeline.py:251-282,
// configs/jpn_Jpan.yml at d0defb2) thresholds, with datatrove v0.4.0's
// definitions (file:line in the docs; docs/presets/fineweb2-ja.md has them
// all). Words are kagome IPA morphemes, not FineWeb-2's Sudachi mode-A ones.
var fineweb2Measures = []*Measure{
	fwl("dup_line_frac", Ratio, "lines (re.split(\"\\n+\", text): an empty first or last one counts) equal to an earlier line / lines (gopher_repetition_filter.py:120-122)",
		func(s *FineWeb2Scores) float64 { return s.DupLineFrac }),
	fww("top_2_gram", Factor, "code points of the most frequent word 2-gram (words joined by a space; ties: the first seen) × its count / code points of the text (gopher_repetition_filter.py:31-32,49-54,129-135); kagome words",
		func(s *FineWeb2Scores) float64 { return s.TopNGram[0] }),
	fww("top_3_gram", Factor, "as top_2_gram, n = 3", func(s *FineWeb2Scores) float64 { return s.TopNGram[1] }),
	fww("top_4_gram", Factor, "as top_2_gram, n = 4", func(s *FineWeb2Scores) float64 { return s.TopNGram[2] }),
	fww("dup_5_gram", Ratio, "code points of repeated word 5-grams (joined without a space; the scan jumps past a repeat) / code points of the text (find_all_duplicate, gopher_repetition_filter.py:57-70,137-140); kagome words",
		func(s *FineWeb2Scores) float64 { return s.DupNGram[0] }),
	fww("dup_6_gram", Ratio, "as dup_5_gram, n = 6", func(s *FineWeb2Scores) float64 { return s.DupNGram[1] }),
	fww("dup_7_gram", Ratio, "as dup_5_gram, n = 7", func(s *FineWeb2Scores) float64 { return s.DupNGram[2] }),
	fww("dup_8_gram", Ratio, "as dup_5_gram, n = 8", func(s *FineWeb2Scores) float64 { return s.DupNGram[3] }),
	fww("dup_9_gram", Ratio, "as dup_5_gram, n = 9", func(s *FineWeb2Scores) float64 { return s.DupNGram[4] }),
	fww("dup_10_gram", Ratio, "as dup_5_gram, n = 10", func(s *FineWeb2Scores) float64 { return s.DupNGram[5] }),
	fwl("non_blank_lines", Count, "lines (text.split(\"\\n\")) with a non-whitespace character (fineweb_quality_filter.py:34-37: none is the \"empty\" drop)",
		func(s *FineWeb2Scores) float64 { return float64(s.NonBlankLines) }),
	fwl("line_punct_ratio", Ratio, "non-blank lines whose last character (unstripped) is in datatrove's TERMINAL_PUNCTUATION (. ! ? 。 ！ ？ ． ｡ …; not 」 or ）) / non-blank lines (fineweb_quality_filter.py:38)",
		func(s *FineWeb2Scores) float64 { return s.LinePunct }),
	fwl("char_dup_ratio", Ratio, "code points of the non-blank lines equal to an earlier one / code points of the text without \\n (fineweb_quality_filter.py:46)",
		func(s *FineWeb2Scores) float64 { return s.CharDup }),
	fww("list_ratio", Factor, "\\n in the text / words (fineweb_quality_filter.py:51-53); 0 without words; kagome words",
		func(s *FineWeb2Scores) float64 { return s.ListRatio }),
	fww("words", Count, "words: kagome IPA surfaces, stripped (Python whitespace), empty ones dropped (datatrove word_tokenizers.py:15-16,139-145 with Sudachi)",
		func(s *FineWeb2Scores) float64 { return float64(s.Words) }),
	fww("non_symbol_words", Count, "words with a character outside datatrove's PUNCTUATION_SET (gopher_quality_filter.py:75-82)",
		func(s *FineWeb2Scores) float64 { return float64(s.NonSymbolWords) }),
	fww("avg_word_length", Count, "mean code points of the non-symbol words, 0 without any (gopher_quality_filter.py:85-89)",
		func(s *FineWeb2Scores) float64 { return s.AvgWordLength }),
	fww("hash_ratio", Factor, "ASCII # in the text / words, 0 without words (gopher_quality_filter.py:92-93)",
		func(s *FineWeb2Scores) float64 { return s.Hashes }),
	fww("ellipsis_ratio", Factor, "(\"...\" + \"…\" in the text, non-overlapping) / words, 0 without words (gopher_quality_filter.py:94-95)",
		func(s *FineWeb2Scores) float64 { return s.Ellipsis }),
	fwl("bullet_lines_ratio", Ratio, "lines (str.splitlines) starting, after lstrip, with • or ASCII - / lines, 0 without lines (gopher_quality_filter.py:99-105)",
		func(s *FineWeb2Scores) float64 { return s.BulletLines }),
	fwl("end_ellipsis_lines_ratio", Ratio, "lines (str.splitlines) ending, after rstrip, with ... or … / lines, 0 without lines (gopher_quality_filter.py:106-111)",
		func(s *FineWeb2Scores) float64 { return s.EllipsisLines }),
	fww("alpha_words_ratio", Ratio, "words with a letter (str.isalpha: Unicode L*, so kana, kanji, ー, 々) / words, 0 without words (gopher_quality_filter.py:114-119)",
		func(s *FineWeb2Scores) float64 { return s.AlphaWords }),
	fww("stop_words", Count, "words equal to a jpn_Jpan stop word (の に を は た て が と で 年 し ・ 月 れ さ; jpn_Jpan.yml:21-36), repeats counted as datatrove v0.4.0 did (gopher_quality_filter.py:122)",
		func(s *FineWeb2Scores) float64 { return float64(s.StopWords) }),
	fww("distinct_stop_words", Count, "distinct jpn_Jpan stop words among the words (datatrove f9bbe093 and later: len(stop_words ∩ set(words)))",
		func(s *FineWeb2Scores) float64 { return float64(s.DistinctStopWords) }),
}
