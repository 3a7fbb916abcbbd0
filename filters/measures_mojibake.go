package filters

// mj is a measure of the mojibake family from a function of MojibakeScores.
func mj(name, doc string, f func(s *MojibakeScores) float64) *Measure {
	return &Measure{Name: "mojibake." + name, Doc: doc, Kind: Ratio, score: func(d *docState, _ *rule) float64 { return f(d.mojibake()) }}
}

func (d *docState) mojibake() *MojibakeScores {
	if !d.mjOK {
		d.mj = MeasureMojibake(d.text)
		d.mjOK = true
	}
	return &d.mj
}

// mojibakeMeasures score text decoded with the wrong character set
// (MojibakeScores). The shipped presets' bounds were chosen on the shared
// corpus (docs/presets/mojibake.md, TestMojibakeE2E): each lies well above
// the largest score of 64,065 real documents decoded rightly (laws, Diet
// speeches, Aozora works, web pages and feeds; as read and normalized: 0
// dropped) and below the scores of the wrong decodings the rule is for
// (18 kinds, 2,451 real documents each, normalized):
//
//	measure             real max   bound    dropped
//	replacement_ratio   0          0.001    100 % of the 9 kinds whose decoder writes U+FFFD
//	latin_ratio         0.006      0.02     100 % read as Latin-1/CP1252
//	level2_kanji_ratio  0.194      0.35     99.3 % EUC-JP read as Shift_JIS (invalid bytes dropped)
//	utf8_kanji_ratio    0.089      0.2      100 % / 97.6 % UTF-8 read as Shift_JIS / EUC-JP (idem)
var mojibakeMeasures = []*Measure{
	mj("replacement_ratio", "U+FFFD (and invalid UTF-8 bytes) / characters: bytes invalid in the charset they were read as (Shift_JIS read as EUC-JP, EUC-JP or UTF-8 read as Shift_JIS or EUC-JP, anything read as ISO-2022-JP); 0 on every real document measured",
		func(s *MojibakeScores) float64 { return s.ReplacementRatio() }),
	mj("latin_ratio", "Latin-1/CP1252 letters, signs and C1 controls (U+0080–U+009F, U+00C0–U+00FF but × ÷, Š š Œ œ Ž ž Ÿ ƒ ˆ ˜ ‚ „ † ‡ ‰ ‹ ›) / characters, 0 below 8 of them: Japanese bytes read as Latin-1 or Windows-1252 (\"æ—¥æœ¬\")",
		func(s *MojibakeScores) float64 { return s.LatinRatio() }),
	mj("halfwidth_kana_ratio", "half-width katakana and punctuation (U+FF61–U+FF9F) / Japanese characters: EUC-JP read as Shift_JIS; NFKC makes them full-width, so only presets with text: raw see them",
		func(s *MojibakeScores) float64 { return s.HalfwidthKanaRatio() }),
	mj("level2_kanji_ratio", "JIS X 0208 level-2 kanji (第二水準, rows 48–84) / kanji, 0 below 10 kanji: EUC-JP or UTF-8 read as Shift_JIS/CP932 and UTF-8 read as EUC-JP; genuine text writes mostly level-1 kanji (at most 0.194 on 64,000 real documents)",
		func(s *MojibakeScores) float64 { return s.Level2KanjiRatio() }),
	mj("utf8_kanji_ratio", "kanji that a UTF-8 lead byte 0xE3–0xE9 and a continuation byte make when read as Shift_JIS or EUC-JP (縺 繧 繝 譌 …) / kanji, 0 below 10 kanji: UTF-8 read as Shift_JIS/CP932 or EUC-JP (at most 0.089 on 64,000 real documents)",
		func(s *MojibakeScores) float64 { return s.UTF8KanjiRatio() }),
}
