package filters

import (
	"testing"

	"github.com/jacorpus/jacorpus/tokenize"
)

// TestPOSMeasures: worked examples with every morpheme known (吾輩は猫で
// ある。: 名詞 助詞 名詞 助動詞 助動詞 記号), and real text: a speech is
// prose (particles, verbs), a keyword menu is nouns and separators without
// particles.
func TestPOSMeasures(t *testing.T) {
	var d docState
	score := func(name, text string) float64 {
		t.Helper()
		m, err := LookupMeasure(name)
		if err != nil {
			t.Fatal(err)
		}
		d.reset(text, "")
		return m.score(&d, nil)
	}
	cat := "吾輩は猫である。"
	for name, want := range map[string]float64{
		"pos.morphemes": 6, "pos.noun_ratio": 2.0 / 6, "pos.particle_ratio": 1.0 / 6, "pos.aux_verb_ratio": 2.0 / 6,
		"pos.symbol_ratio": 1.0 / 6, "pos.verb_ratio": 0, "pos.content_ratio": 2.0 / 6, "pos.unknown_ratio": 0,
	} {
		if got := score(name, cat); got != want {
			t.Errorf("%s(%q) = %v, want %v", name, cat, got, want)
		}
	}
	if got := score("pos.noun_ratio", " \n"); got != 0 {
		t.Errorf("noun_ratio of blanks = %v", got)
	}
	menu := "ホーム | 会社概要 | 採用情報 | お問い合わせ | サイトマップ | プライバシーポリシー"
	if p, s := score("pos.particle_ratio", speechKishida), score("pos.particle_ratio", menu); p < 0.15 || s != 0 {
		t.Errorf("particle_ratio: speech %v, menu %v", p, s)
	}
	// ASCII | is an unknown word (IPA lists only full-width symbols); the
	// rest is nouns but for the prefix お of お問い合わせ
	if n := score("pos.noun_ratio", menu) + score("pos.symbol_ratio", menu) + score("pos.unknown_ratio", menu); n < 0.9 {
		t.Errorf("menu: nouns, symbols and unknown words %v", n)
	}
	// the count is the tokenize stage's
	tk, _ := tokenize.New(tokenize.DictIPA)
	if got := score("pos.morphemes", speechKishida); got != float64(tk.Count(speechKishida)) {
		t.Errorf("morphemes %v, tokenize counts %d", got, tk.Count(speechKishida))
	}
}
