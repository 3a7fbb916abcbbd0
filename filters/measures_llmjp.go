package filters

// llmjp returns the llm-jp character counts of the document version,
// computed once (one pass; see measureLLMJP).
func (d *docState) llmjp() *llmjpStats {
	if !d.ljOK {
		d.lj = measureLLMJP(d.text)
		d.ljOK = true
	}
	return &d.lj
}

func lj(name string, kind Kind, doc string, f func(s *llmjpStats) float64) *Measure {
	return &Measure{Name: "llmjp." + name, Doc: doc, Kind: kind, score: func(d *docState, _ *rule) float64 { return f(d.llmjp()) }}
}

func boolScore(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// llmjpMeasures are the scores of llm-jp-corpus v1's Japanese Common Crawl
// chain (9815fc5 scripts/filters.py, HojiChar 0.9.0 document_filters.py)
// with the reference's definitions; docs/presets/llm-jp.md gives each one.
var llmjpMeasures = []*Measure{
	{Name: "llmjp.valid_domain", Kind: Count, Doc: "1 when the URL does not start with https://ja.wikipedia.org/ and the last label of its host (Python urlparse hostname, lower-cased) is one of the 13 TLDs of ja_valid_domains.txt, else 0; no URL or host: 0 (filters.py:30-42)",
		score: func(d *docState, _ *rule) float64 { return boolScore(llmjpValidDomain(d.url)) }},
	lj("nonblank_chars", Count, "code points that Python's str.isspace() rejects: is_not_empty keeps text.strip() != \"\" (filters.py:147-151)",
		func(s *llmjpStats) float64 { return float64(s.Nonblank) }),
	lj("head_kana", Count, "characters of [ぁ-ん] (U+3041–3093) or [ァ-ン] (U+30A1–30F3) among the first 50 code points: AcceptJapanese keeps >= 1 (HojiChar document_filters.py:504-530)",
		func(s *llmjpStats) float64 { return float64(s.HeadKana) }),
	{Name: "llmjp.ad_keywords", Kind: Count, Doc: "matches of HojiChar's 31 advertisement keywords as re.findall counts them (non-overlapping, at each position the first-listed keyword; DiscardAds, document_filters.py:465-501)",
		score: func(d *docState, _ *rule) float64 { return float64(llmjpAdMatcher().CountFirst(d.text, false)) }},
	{Name: "llmjp.ng_keywords", Kind: Count, List: Words, Doc: "matches of the list's words as HojiChar NgWordsFilterJa(ignore_confused=True)'s pattern finds them with re.findall: non-overlapping, first-listed word first, all-katakana words after the others and only between non-katakana neighbours (filters.py:168-222, document_filters.py:255-283)",
		score: func(d *docState, r *rule) float64 { return float64(r.words.CountFirst(d.text, true)) }},
	lj("chars_per_kuten", Count, "code points / 。 (U+3002): DiscardRareKuten drops count(。) < len/MAX, i.e. keeps <= MAX; no 。 in a non-empty text: the largest float64 (document_filters.py:533-559)",
		llmjpCharsPerKuten),
	{Name: "llmjp.zlib_ratio", Kind: Factor, Doc: "zlib level-9 stream length / UTF-8 bytes, length_factor 0 (has_good_compression_ratio, filters.py:86-134); Go compress/zlib unless a C zlib is plugged in",
		score: func(d *docState, _ *rule) float64 {
			s := d.llmjp() // reset with the document version
			if !s.zlibOK {
				s.zlib, s.zlibOK = llmjpZlibRatio(d.text, &d.ljBuf), true
			}
			return s.zlib
		}},
	{Name: "llmjp.nsfw_count", Kind: Count, List: Words, Doc: "sum over the list's words of text.count(word): each word's non-overlapping occurrences, words counted independently (v1.0.1 is_ethical, filters.py:144-150 @61f2bf7)",
		score: func(d *docState, r *rule) float64 { return float64(r.words.CountEach(d.text, 0)) }},
}
