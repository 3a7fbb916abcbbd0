package filters

import (
	"github.com/jacorpus/jacorpus/tokenize"
	"github.com/jacorpus/jacorpus/tokenize/morph"
)

// posCounts returns the document's morphemes counted by coarse part of
// speech (IPA dictionary, tokenize.Tokenizer.POS): the text goes through
// the analyzer once, however many pos.* rules read it.
func (d *docState) posCounts() *tokenize.POSCounts {
	if !d.posOK {
		if d.posTok == nil {
			t, err := tokenize.New(tokenize.DictIPA)
			if err != nil {
				panic("filters: pos: " + err.Error()) // the embedded dictionary does not load
			}
			d.posTok = t
		}
		d.pos = d.posTok.POS(d.text)
		d.posOK = true
	}
	return &d.pos
}

// posShare is the measure pos.NAME: the share of the morphemes whose part of
// speech is one of ps, 0 without morphemes.
func posShare(name, doc string, ps ...morph.POS) *Measure {
	return &Measure{Name: "pos." + name, Doc: doc, Kind: Ratio, score: func(d *docState, _ *rule) float64 {
		c := d.posCounts()
		n := 0
		for _, p := range ps {
			n += c[p]
		}
		return ratio(n, c.Total())
	}}
}

// posMeasures are part-of-speech statistics for rules of one's own (no
// preset uses them): the shares of the morphemes of the text (the tokenize
// stage's morphemes: IPA dictionary, whitespace tokens left out) by coarse
// part of speech. Text that is prose has a mix of nouns, particles and
// verbs; lists of keywords, menus and tables are mostly nouns and
// symbols, and unknown words mark text the dictionary does not cover
// (romanised or garbled text).
var posMeasures = []*Measure{
	{Name: "pos.morphemes", Doc: "morphemes of the text (IPA dictionary, whitespace tokens not counted), as the tokenize stage counts them", Kind: Count,
		score: func(d *docState, _ *rule) float64 { return float64(d.posCounts().Total()) }},
	posShare("noun_ratio", "名詞 / morphemes (unknown words not included)", morph.Noun),
	posShare("verb_ratio", "動詞 / morphemes", morph.Verb),
	posShare("adjective_ratio", "形容詞 / morphemes", morph.Adjective),
	posShare("particle_ratio", "助詞 / morphemes: low in keyword lists, menus and tables", morph.Particle),
	posShare("aux_verb_ratio", "助動詞 / morphemes", morph.AuxVerb),
	posShare("symbol_ratio", "記号 / morphemes", morph.Symbol),
	posShare("unknown_ratio", "unknown words (not in the dictionary, made by the unknown-word rules) / morphemes", morph.Unknown),
	posShare("content_ratio", "名詞 + 動詞 + 形容詞 + 副詞 / morphemes", morph.Noun, morph.Verb, morph.Adjective, morph.Adverb),
}
