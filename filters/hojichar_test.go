package filters

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
