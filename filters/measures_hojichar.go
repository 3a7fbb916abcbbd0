package filters

import "math"

// hojicharScores are the hojichar family's scores of one text version,
// in three lazily computed groups: the head pass (the rules before the
// mask), the tail pass and the character repetition ratio (after it).
type hojicharScores struct {
	head   hojicharHead
	tail   hojicharTail
	charRe float64
}

func (d *docState) hojicharHead() *hojicharHead {
	if !d.hjHeadOK {
		d.hj.head = d.hjm.head(d.text)
		d.hjHeadOK = true
	}
	return &d.hj.head
}

func (d *docState) hojicharTail() *hojicharTail {
	if !d.hjTailOK {
		d.hj.tail = d.hjm.tail(d.text)
		d.hjTailOK = true
	}
	return &d.hj.tail
}

func (d *docState) hojicharCharRepetition() float64 {
	if !d.hjRepOK {
		d.hj.charRe = d.hjm.charRepetition(d.text)
		d.hjRepOK = true
	}
	return d.hj.charRe
}

func hjh(name string, kind Kind, doc string, f func(h *hojicharHead) float64) *Measure {
	return &Measure{Name: "hojichar." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.hojicharHead()) }}
}

func hjt(name string, kind Kind, doc string, f func(s *hojicharTail) float64) *Measure {
	return &Measure{Name: "hojichar." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.hojicharTail()) }}
}

// hojicharMeasures are HojiChar's document filters (3ca1d27,
// hojichar/filters/document_filters.py), one per filter: the score is the
// quantity the filter compares with its threshold. docs/presets/hojichar.md
// gives each definition with file:line.
var hojicharMeasures = []*Measure{
	hjh("document_length", Count, "len(text) in code points (DocumentLengthFilter, :271-301; no bound at its defaults)",
		func(h *hojicharHead) float64 { return float64(h.Runes) }),
	hjh("bbs_comments", Count, "non-overlapping matches of DiscardBBSComments' pattern (dates, コメント, SOLD OUT, レビュー, 投稿, ページ, (月)…(日), 質問, \\d+話, 楽天市場, -; \\d = Unicode Nd) (:507-519)",
		func(h *hojicharHead) float64 { return float64(h.BBS) }),
	hjh("ads", Count, "non-overlapping occurrences of DiscardAds' 31 bundled ad keywords (advertisement_keywords_ja.txt) (:544-557)",
		func(h *hojicharHead) float64 { return float64(h.Ads) }),
	hjh("accept_japanese", Count, "hiragana [ぁ-ん] and katakana [ァ-ン] among the first 50 code points (AcceptJapanese(lookup_size=50) rejects when there is none, :575-588)",
		func(h *hojicharHead) float64 { return float64(h.KanaHead) }),
	hjh("rare_kuten", Count, "code points per 。, len(text)/count(\"。\") (DiscardRareKuten rejects when count < len/100, i.e. above max_average_sentence_length=100, :615-618); 0 for empty text, the largest float64 for a text without 。",
		func(h *hojicharHead) float64 {
			switch {
			case h.Runes == 0:
				return 0
			case h.Kuten == 0:
				return math.MaxFloat64
			}
			return float64(h.Runes) / float64(h.Kuten)
		}),
	{Name: "hojichar.char_repetition", Kind: Ratio, Doc: "CharRepetitionRatioFilter(ngram_size=5)'s ratio: occurrences of the min(⌊√distinct⌋, repeated) most frequent character 5-grams / all 5-grams; 0 under 5 code points (:840-865)",
		score: func(d *docState, _ *rule) float64 { return d.hojicharCharRepetition() }},
	hjt("special_tokens", Ratio, "code points in DiscardTooManySpecialToken's set (string.punctuation, whitespace, its literal and the single-code-point emoji of emoji 2.14.1) / code points, 0 for empty text (:978-1002)",
		func(s *hojicharTail) float64 { return ratio(s.Special, s.Runes) }),
	hjt("single_char_repetition", Count, "longest run of one repeated code point (SingleCharacterRepetitionFilter, :1030-1038)",
		func(s *hojicharTail) float64 { return float64(s.MaxRun) }),
	hjt("ending_ellipsis", Ratio, "matches of (\\.{3}|…)\\n / max(count(\"\\n\"), 1) (DiscardTooManyEndingEllipsis, :1076-1081)",
		func(s *hojicharTail) float64 { return ratio(s.Ellipsis, max(s.Newlines, 1)) }),
	hjt("short_lines", Ratio, "lines of text.split(\"\\n\") of at most 10 code points / lines (DiscardTooShortLines, :1105-1110; empty text is one short line)",
		func(s *hojicharTail) float64 { return ratio(s.ShortLines, s.Newlines+1) }),
}
