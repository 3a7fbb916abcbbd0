package dedup

import (
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/dedup/minhash"
	"github.com/jacorpus/jacorpus/internal/neardup"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// nearRun passes texts in order through Signer and Near and reports which
// were dropped.
func nearRun(t testing.TB, o NearOptions, texts []string) ([]bool, *Near) {
	t.Helper()
	s, err := NewSigner(o)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.NewProcessor()
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNear(o)
	if err != nil {
		t.Fatal(err)
	}
	dropped := make([]bool, len(texts))
	for i, text := range texts {
		d := &pipeline.Document{Text: text}
		if _, err := p.Process(d); err != nil {
			t.Fatal(err)
		}
		reason, err := n.Process(d)
		if err != nil {
			t.Fatal(err)
		}
		dropped[i] = reason == ReasonNear
	}
	return dropped, n
}

func nearOn() NearOptions {
	o := DefaultNear()
	o.Enabled = true
	return o
}

// TestNearRule checks the decision rule on hand-made band keys: the
// earliest document with a band key is the one compared against, dropped
// documents count as earlier ones, and verification keeps a candidate whose
// signature differs.
func TestNearRule(t *testing.T) {
	o := nearOn()
	o.Permutations, o.Bands, o.Rows, o.Threshold = 8, 4, 2, 0.75
	sig := func(v ...uint32) minhash.Signature { return v }
	a := sig(1, 2, 3, 4, 5, 6, 7, 8)
	for _, tc := range []struct {
		name   string
		verify Verify
		docs   []minhash.Signature
		bands  [][]uint64
		want   []bool
	}{
		{"chain through a dropped document", VerifySignature,
			[]minhash.Signature{a, a, a},
			[][]uint64{{1, 2, 3, 4}, {4, 5, 6, 7}, {7, 8, 9, 10}},
			[]bool{false, true, true}},
		{"verification keeps a different signature", VerifySignature,
			[]minhash.Signature{a, sig(1, 2, 9, 9, 9, 9, 9, 9), sig(1, 2, 3, 4, 5, 6, 7, 9)},
			[][]uint64{{1, 2, 3, 4}, {1, 5, 6, 7}, {1, 8, 9, 10}},
			[]bool{false, false, true}}, // 2/8 equal; 7/8 = 0.875 ≥ 0.75
		{"without verification every candidate goes", VerifyNone,
			[]minhash.Signature{a, sig(9, 9, 9, 9, 9, 9, 9, 9)},
			[][]uint64{{1, 2, 3, 4}, {11, 12, 13, 4}},
			[]bool{false, true}},
		{"the earliest document of a key is the one compared", VerifySignature,
			[]minhash.Signature{sig(9, 9, 9, 9, 9, 9, 9, 9), a, a},
			[][]uint64{{1, 2, 3, 4}, {1, 5, 6, 7}, {1, 20, 21, 22}},
			// doc 2 meets doc 0 (different) under key 1, not doc 1
			[]bool{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			o.Verify = tc.verify
			n, err := NewNear(o)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.docs {
				if got := n.Seen(pipeline.Key(i), "", tc.docs[i], tc.bands[i]); got != tc.want[i] {
					t.Errorf("doc %d: dropped %v, want %v", i, got, tc.want[i])
				}
			}
		})
	}
}

// TestNearQuality is the acceptance test of near-duplicate removal at the
// default settings: seeded near-duplicate sets built from real Japanese
// documents, true character 5-gram Jaccard by brute force. Exact
// verification must meet the same bar; without verification the bands
// alone decide (its curve is logged, not judged).
func TestNearQuality(t *testing.T) {
	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 1})
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	truth := neardup.Truth(texts, 5)
	for _, verify := range []Verify{VerifySignature, VerifyExact, VerifyNone} {
		t.Run(string(verify), func(t *testing.T) {
			o := nearOn()
			o.Verify = verify
			dropped, n := nearRun(t, o, texts)
			defer n.Close()
			r := neardup.Evaluate(truth, dropped)
			t.Logf("verify %s: %d documents, bands %d × rows %d\n%s", verify, len(texts), n.bands, n.rows, r)
			if verify != VerifyNone {
				if r.Recall < 0.95 {
					t.Errorf("recall %.3f < 0.95", r.Recall)
				}
				if r.Precision < 0.98 {
					t.Errorf("precision %.3f < 0.98", r.Precision)
				}
			}
			st := n.Stats()
			if st.Dropped != int64(r.Dropped) || st.Docs != int64(len(texts)) {
				t.Errorf("stats %+v disagree with %d dropped of %d", st, r.Dropped, len(texts))
			}
		})
	}
}

// TestNearKanaAndWidth: documents differing only in dakuten stay apart;
// half-width and full-width variants of one text are merged, even when the
// normalizer is off.
func TestNearKanaAndWidth(t *testing.T) {
	docs := testcorpus.Fixture(t)
	var base string
	for _, d := range docs {
		if strings.Count(d.Text, "が") > 20 && len(d.Text) < 20000 {
			base = d.Text
			break
		}
	}
	if base == "" {
		t.Fatal("no fixture document with enough が")
	}
	unvoiced := strings.NewReplacer("が", "か", "ぎ", "き", "ぐ", "く", "げ", "け", "ご", "こ", "ざ", "さ", "じ", "し", "ず", "す", "ぜ", "せ", "ぞ", "そ",
		"だ", "た", "で", "て", "ど", "と", "ば", "は", "び", "ひ", "ぶ", "ふ", "べ", "へ", "ぼ", "ほ", "ぱ", "は", "ぴ", "ひ", "ぷ", "ふ", "ぺ", "へ", "ぽ", "ほ").Replace(base)
	toWide := func(s string) string { // ASCII → full-width, カタカナ → half-width
		var b strings.Builder
		for _, r := range s {
			switch {
			case r > ' ' && r < 0x7f:
				b.WriteRune(r - 0x21 + 0xff01)
			default:
				b.WriteRune(r)
			}
		}
		return strings.NewReplacer("ガ", "ｶﾞ", "カ", "ｶ", "パ", "ﾊﾟ", "ン", "ﾝ", "ト", "ﾄ", "ル", "ﾙ").Replace(b.String())
	}
	for _, tc := range []struct {
		name string
		a, b string
		dup  bool
	}{
		{"dakuten removed from a real document", base, unvoiced, false},
		{"short kana words", "がっこうへいく。", "かっこうへいく。", false},
		{"ぱ and ば", "ぱんだのぱんをたべる", "ばんだのばんをたべる", false},
		{"width variants of a real document", "ABC 123 ガイドライン パン " + base, toWide("ABC 123 ガイドライン パン " + base), true},
		{"width variants, short", "ｶﾞｲﾄﾞﾗｲﾝ ABC", "ガイドライン ＡＢＣ", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dropped, _ := nearRun(t, nearOn(), []string{tc.a, tc.b})
			if dropped[1] != tc.dup {
				t.Errorf("second dropped = %v, want %v (Jaccard %.3f)", dropped[1], tc.dup, minhash.Jaccard(tc.a, tc.b, 5))
			}
		})
	}
}

// TestRecrawlPairs: the same e-Gov law captured a week apart is found.
func TestRecrawlPairs(t *testing.T) {
	pairs := neardup.LoadRecrawlPairs(t)
	var texts []string
	for _, p := range pairs {
		texts = append(texts, p[0])
	}
	for _, p := range pairs { // the second captures come after all first ones
		texts = append(texts, p[1])
	}
	dropped, _ := nearRun(t, nearOn(), texts)
	truth := neardup.Truth(texts, 5)
	found := 0
	for i := range pairs {
		if dropped[len(pairs)+i] {
			found++
		}
	}
	t.Logf("%d of %d re-crawls found", found, len(pairs))
	if found != len(pairs) {
		t.Errorf("%d of %d re-crawls found, want all", found, len(pairs))
	}
	for i := range pairs {
		if dropped[i] && truth[i] < neardup.PrecisionAt {
			t.Errorf("first capture %d dropped with Jaccard %.3f to every earlier law", i, truth[i])
		}
	}
}

// TestNearBadInput: empty text, a 20 MB document and a character repeated
// millions of times neither crash nor confuse the stage.
func TestNearBadInput(t *testing.T) {
	docs := testcorpus.Fixture(t)
	var big strings.Builder
	for i := 0; big.Len() < 20<<20; i++ {
		big.WriteString(docs[i%len(docs)].Text)
	}
	texts := []string{
		"",
		"",
		big.String(),
		strings.Repeat("あ", 5_000_000),
		strings.Repeat("あ", 1000),
		"あ",
		big.String()[:big.Len()/2],
	}
	dropped, _ := nearRun(t, nearOn(), texts)
	// the half of the big text holds every shingle of it: a near copy
	want := []bool{false, true, false, false, true, false, true}
	for i := range want {
		if dropped[i] != want[i] {
			t.Errorf("doc %d (%d bytes): dropped %v, want %v", i, len(texts[i]), dropped[i], want[i])
		}
	}
}

func TestNearOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*NearOptions)
		want string
	}{
		{"threshold", func(o *NearOptions) { o.Threshold = 1.5 }, "threshold"},
		{"bands without rows", func(o *NearOptions) { o.Bands = 4 }, "give both"},
		{"too many rows", func(o *NearOptions) { o.Bands, o.Rows = 20, 10 }, "exceeds permutations"},
		{"verify", func(o *NearOptions) { o.Verify = "exactly" }, "verify"},
		{"shingle", func(o *NearOptions) { o.Shingle = "words" }, "shingle"},
	} {
		o := nearOn()
		tc.mod(&o)
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one about %q", tc.name, err, tc.want)
		}
	}
	if err := nearOn().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if b, r := nearOn().Params(); b != 16 || r != 8 {
		t.Errorf("default params %d × %d, want 16 × 8", b, r)
	}
}

// BenchmarkNear is the whole near-duplicate stage (signatures, index
// lookups, verification) on the fixture's real documents followed by the
// seeded near-duplicate set (432 documents, a third of them copies).
func BenchmarkNear(b *testing.B) {
	var texts []string
	var size int64
	for _, d := range testcorpus.Fixture(b) {
		texts = append(texts, d.Text)
	}
	for _, d := range neardup.Generate(neardup.LoadBases(b), neardup.Options{Seed: 1}) {
		texts = append(texts, d.Text)
	}
	for _, t := range texts {
		size += int64(len(t))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nearRun(b, nearOn(), texts)
	}
}

// TestNearMorphemes: with morpheme shingles (kagome), the near copies are
// still found and unrelated documents kept; judged against the character
// truth with looser bounds, as the two Jaccards differ.
func TestNearMorphemes(t *testing.T) {
	if testing.Short() {
		t.Skip("kagome over the whole set")
	}
	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 1})
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	truth := neardup.Truth(texts, 5)
	o := nearOn()
	o.Shingle = ShingleMorphemes
	dropped, _ := nearRun(t, o, texts)
	r := neardup.Evaluate(truth, dropped)
	t.Logf("morpheme 5-grams:\n%s", r)
	for i := range texts {
		switch {
		case truth[i] >= 0.95 && !dropped[i]:
			t.Errorf("doc %d with character Jaccard %.3f kept", i, truth[i])
		case truth[i] < 0.5 && dropped[i]:
			t.Errorf("doc %d with character Jaccard %.3f dropped", i, truth[i])
		}
	}
}
