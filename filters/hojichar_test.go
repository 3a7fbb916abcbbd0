package filters

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/pipeline"
)

// TestHojicharGolden: the hojichar preset decides as HojiChar 3ca1d27 did
// on the 1,067 sample documents and 366 synthetic edge cases: the same first
// rejecting filter, the same verdict of every filter on the text it sees,
// and (normalization and masking) the same final text.
func TestHojicharGolden(t *testing.T) {
	h := newHojicharRef()
	bad := 0
	docs := eachGolden(t, "filters/hojichar_golden.jsonl.gz", func(rec []byte, text string) {
		var g struct {
			File       string          `json:"file"`
			ID         string          `json:"id"`
			Keep       bool            `json:"keep"`
			RejectedBy *string         `json:"rejected_by"`
			Sha        string          `json:"text_sha256_normalized"`
			PerFilter  map[string]bool `json:"per_filter"`
		}
		if err := json.Unmarshal(rec, &g); err != nil {
			t.Fatal(err)
		}
		out, by, rejects := h.run(text)
		want := ""
		if g.RejectedBy != nil {
			want = *g.RejectedBy
		}
		sum := sha256.Sum256([]byte(out))
		ok := by == want && (by == "") == g.Keep && hex.EncodeToString(sum[:]) == g.Sha
		for i, name := range hojicharFilters {
			if rejects[i] != g.PerFilter[name] {
				ok = false
			}
		}
		if !ok {
			bad++
			if bad <= 10 {
				t.Errorf("%s %s: rejected by %q, HojiChar %q (or a filter's verdict or the text differs)", g.File, g.ID, by, want)
			}
		}
	})
	if docs < 1400 {
		t.Fatalf("%d golden records, want the 1,433", docs)
	}
	t.Logf("%d documents, %d differ", docs, bad)
}

// BenchmarkHojicharRef runs the regexp-based reference port of the
// hojichar preset on real text (every filter on every document).
func BenchmarkHojicharRef(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	h := newHojicharRef()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			h.run(d.Text)
		}
	}
}

// hojicharRuleOf maps HojiChar's class names (the golden rejected_by) to
// the preset's rules.
var hojicharRuleOf = map[string]string{
	"DocumentLengthFilter": "document_length", "DiscardBBSComments": "bbs_comments", "DiscardAds": "ads",
	"AcceptJapanese": "accept_japanese", "DiscardRareKuten": "rare_kuten", "CharRepetitionRatioFilter": "char_repetition",
	"DiscardTooManySpecialToken": "special_tokens", "SingleCharacterRepetitionFilter": "single_char_repetition",
	"DiscardTooManyEndingEllipsis": "ending_ellipsis", "DiscardTooShortLines": "short_lines",
}

// TestHojicharPresetGolden runs every golden record through normalize and
// the filters stage with the hojichar preset (drop mode), as a run does:
// the drop reason is the rule of HojiChar's first rejecting filter, and a
// kept document's text is HojiChar's final text (NFKC, then masked), byte
// for byte.
func TestHojicharPresetGolden(t *testing.T) {
	st, err := NewStage(DefaultConfig(), map[string]string{"web": "hojichar"})
	if err != nil {
		t.Fatal(err)
	}
	if !st.NeedsRaw() {
		t.Fatal("hojichar judges normalized text")
	}
	p, _ := st.NewProcessor()
	np, _ := normalize.Stage{Options: normalize.Default(), KeepRaw: true}.NewProcessor()
	n, bad, kept := 0, 0, 0
	eachGolden(t, "filters/hojichar_golden.jsonl.gz", func(rec []byte, text string) {
		var g struct {
			File       string  `json:"file"`
			ID         string  `json:"id"`
			Keep       bool    `json:"keep"`
			RejectedBy *string `json:"rejected_by"`
			Sha        string  `json:"text_sha256_after"`
		}
		if err := json.Unmarshal(rec, &g); err != nil {
			t.Fatal(err)
		}
		want := ""
		if g.RejectedBy != nil {
			want = hojicharRuleOf[*g.RejectedBy]
			if want == "" {
				t.Fatalf("%s: unknown filter %q", g.ID, *g.RejectedBy)
			}
		}
		d := &pipeline.Document{Source: "web", Text: text}
		np.Process(d)
		got, err := p.Process(d)
		if err != nil {
			t.Fatal(err)
		}
		n++
		sum := sha256.Sum256([]byte(d.Text))
		if got != want || (g.Keep && hex.EncodeToString(sum[:]) != g.Sha) {
			bad++
			if bad <= 10 {
				t.Errorf("%s %s: dropped by %q, HojiChar %q (or the kept text differs)", g.File, g.ID, got, want)
			}
		}
		if got == "" {
			kept++
		}
	})
	if n < 1400 || bad > 0 {
		t.Errorf("%d records, %d decided otherwise", n, bad)
	}
	t.Logf("%d records, %d kept", n, kept)
}

// TestHojicharPresetBounds: each rule of the preset at its threshold and
// one step past it, with the preset's own bound (HojiChar's strictness:
// "> 14" rejects, so 14 keeps; ">= 200" rejects, so 199 keeps; …).
func TestHojicharPresetBounds(t *testing.T) {
	p, ok := ShippedPreset("hojichar")
	if !ok {
		t.Fatal("no hojichar preset")
	}
	bound := map[string]*Step{}
	var order []string
	for i, s := range p.Steps {
		if s.Rule != "" {
			bound[s.Rule] = &p.Steps[i]
			order = append(order, s.Rule)
		} else {
			order = append(order, "transform "+s.Transform)
		}
	}
	wantOrder := "transform nfkc document_length bbs_comments ads accept_japanese rare_kuten transform hojichar.mask " +
		"char_repetition special_tokens single_char_repetition ending_ellipsis short_lines"
	if strings.Join(order, " ") != wantOrder {
		t.Errorf("steps %v", order)
	}
	rep := strings.Repeat
	cases := []struct {
		rule, text string
		keep       bool
	}{
		{"document_length", "", true},
		{"bbs_comments", rep("-", 14), true},
		{"bbs_comments", rep("-", 15), false},
		{"bbs_comments", rep("2020年1月1日", 15), false},
		{"ads", rep("■", 14), true},
		{"ads", rep("送料", 15), false},
		{"accept_japanese", rep("漢", 49) + "あ", true},
		{"accept_japanese", rep("漢", 50) + "あ", false},
		{"accept_japanese", "", false},
		{"rare_kuten", rep("あ", 99) + "。", true},
		{"rare_kuten", rep("あ", 100) + "。", false},
		{"rare_kuten", "", true},
		{"rare_kuten", "あ", false},
		{"char_repetition", "あいうえおか", true},
		{"char_repetition", rep("あいうえお", 3), false}, // 5 distinct grams, the top ⌊√5⌋ = 2 occur 3 and 2 times: 5/11
		{"special_tokens", "abc!!", true},
		{"special_tokens", "ab!!!", false},
		{"single_char_repetition", rep("あ", 199), true},
		{"single_char_repetition", rep("あ", 200), false},
		{"ending_ellipsis", rep("ab...\n", 7) + rep("cd\n", 3), true},
		{"ending_ellipsis", rep("ab…\n", 8) + rep("cd\n", 2), false},
		{"short_lines", "短い\nこれは十一文字以上ある長い行です", true},
		{"short_lines", "短い\n短い\nこれは十一文字以上ある長い行です", false},
		{"short_lines", "", false},
	}
	var d docState
	for _, c := range cases {
		s := bound[c.rule]
		m, err := LookupMeasure(s.Measure)
		if err != nil {
			t.Fatal(err)
		}
		d.reset(c.text, "")
		score := m.score(&d, nil)
		if got := s.Keep.Keep(score); got != c.keep {
			t.Errorf("%s %.40q: score %v, keep %v, want %v", c.rule, c.text, score, got, c.keep)
		}
		// the reference port agrees
		if i := slices.Index(hojicharFilters, hojicharClassOf(c.rule)); i >= 0 && newHojicharRef().rejects(i, c.text) == c.keep {
			t.Errorf("%s %.40q: the reference port decides otherwise", c.rule, c.text)
		}
	}
}

// hojicharClassOf is the HojiChar class of a rule of the preset.
func hojicharClassOf(rule string) string {
	for class, r := range hojicharRuleOf {
		if r == rule {
			return class
		}
	}
	return ""
}

// TestHojicharAnnotateNoKuten: a text without 。 scores the largest float64
// on rare_kuten, which survives the meta and re-thresholding.
func TestHojicharAnnotateNoKuten(t *testing.T) {
	c := DefaultConfig()
	c.Mode = Annotate
	st, err := NewStage(c, map[string]string{"web": "hojichar"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.NewProcessor()
	d := &pipeline.Document{Source: "web", Text: "句点のない文章です、読点はあります"}
	if r, err := p.Process(d); r != "" || err != nil {
		t.Fatalf("annotate dropped: %q %v", r, err)
	}
	if got := d.Meta["filter.rare_kuten"]; got != "1.7976931348623157e+308" {
		t.Errorf("rare_kuten score %q", got)
	}
	if r, err := Rethreshold(d.Meta, DefaultConfig()); r != "rare_kuten" || err != nil {
		t.Errorf("rethreshold: %q %v", r, err)
	}
}
