package minhash

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// fixtureText joins the fixture documents into one long real text.
func fixtureText(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for _, d := range testcorpus.Fixture(tb) {
		b.WriteString(d.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func mustNew(tb testing.TB, o Options) *Hasher {
	tb.Helper()
	h, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestNew(t *testing.T) {
	tests := []struct {
		in      Options
		want    Options
		wantErr bool
	}{
		{in: Options{}, want: Options{NGram: 5, Permutations: 128}},
		{in: Options{NGram: 1, Permutations: 1, Seed: 7}, want: Options{NGram: 1, Permutations: 1, Seed: 7}},
		{in: Options{NGram: 64, Permutations: 4096}, want: Options{NGram: 64, Permutations: 4096}},
		{in: Options{NGram: 3}, want: Options{NGram: 3, Permutations: 128}},
		{in: Options{NGram: -1}, wantErr: true},
		{in: Options{NGram: 65}, wantErr: true},
		{in: Options{Permutations: -1}, wantErr: true},
		{in: Options{Permutations: 4097}, wantErr: true},
	}
	for _, tt := range tests {
		h, err := New(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("New(%+v): no error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%+v): %v", tt.in, err)
			continue
		}
		if got := h.Options(); got != tt.want {
			t.Errorf("New(%+v).Options() = %+v, want %+v", tt.in, got, tt.want)
		}
		if got := len(h.Sign("テキスト", nil)); got != tt.want.Permutations {
			t.Errorf("New(%+v): signature of length %d", tt.in, got)
		}
	}
}

// refSign computes a signature from its definition, the slow way: the set
// of n-grams of Fold(text) as strings, and in each bin the least
// (round, value) over every shingle and every round 0 … 2K-1, without the
// early stop, the buffer, the store or the fast paths of Sign.
func refSign(h *Hasher, shingles map[string]struct{}) Signature {
	k := uint64(h.opts.Permutations)
	if len(shingles) == 0 {
		return h.empty(nil)
	}
	best := make([]uint64, k)
	for i := range best {
		best[i] = math.MaxUint64
	}
	for s := range shingles {
		x := xxh3.HashStringSeed(s, h.seedShingle)
		for r := uint64(0); r < 2*k; r++ {
			bin, lo := bits.Mul64(x, k)
			if r > 0 {
				bin, lo = bits.Mul64(mix64((x^h.seedRound)+r*golden), k)
			}
			if r >= k {
				off, _ := bits.Mul64(mix64(x^h.seedRotate), k)
				bin = (off + r - k) % k
			}
			best[bin] = min(best[bin], r<<48|lo>>16)
		}
	}
	sig := make(Signature, k)
	for i, m := range best {
		sig[i] = uint32(m)
	}
	return sig
}

// tokenSet returns the set of token n-grams as SignTokens defines them.
func tokenSet(tokens []string, n int) map[string]struct{} {
	set := map[string]struct{}{}
	folded := make([]string, len(tokens))
	for i, t := range tokens {
		folded[i] = Fold(t)
	}
	if len(folded) > 0 && len(folded) < n {
		set[strings.Join(folded, "\x00")] = struct{}{}
	}
	for i := 0; i+n <= len(folded); i++ {
		set[strings.Join(folded[i:i+n], "\x00")] = struct{}{}
	}
	return set
}

func TestSignMatchesReference(t *testing.T) {
	docs := testcorpus.Fixture(t)
	var texts []string
	for i, d := range docs {
		if i%7 == 0 {
			texts = append(texts, d.Text, narrow(d.Text))
		}
	}
	long := fixtureText(t)[:20000] // several buffer compactions
	texts = append(texts, long, "", "あ", "あい", "ｶﾞｯｺｳ", "吾輩は猫である。", "\xff\xfeｶ\xef\xbe",
		strings.Repeat("あ", 10000), strings.Repeat("ab", 3000))
	for _, o := range []Options{{}, {NGram: 1}, {NGram: 3, Permutations: 7, Seed: 1}, {Permutations: 1}, {Permutations: 256, Seed: 2}, {NGram: 64, Permutations: 33}} {
		h := mustNew(t, o)
		o = h.Options()
		for _, text := range texts {
			want := refSign(h, shingleSet(text, o.NGram))
			if got := h.Sign(text, nil); !slices.Equal(got, want) {
				t.Fatalf("%+v: Sign(%.40q) differs from the reference", o, text)
			}
		}
		tokenized := [][]string{nil, {""}, {"吾輩", "は", "猫", "で", "ある"}, strings.Split(long, "。"), {"ｶﾞｯｺｳ", "ＡＢＣ"}}
		for _, tokens := range tokenized {
			want := refSign(h, tokenSet(tokens, o.NGram))
			if len(tokens) == 0 {
				want = h.Sign("", nil)
			}
			if got := h.SignTokens(tokens, nil); !slices.Equal(got, want) {
				t.Fatalf("%+v: SignTokens(%.5q) differs from the reference", o, tokens)
			}
		}
	}
}

// TestSignRescan checks that a text with too many distinct shingles to
// store still gets the same signature: its text is read again for each
// round of densification.
func TestSignRescan(t *testing.T) {
	docs := testcorpus.Fixture(t)
	for _, k := range []int{128, 1024} {
		normal := mustNew(t, Options{Permutations: k})
		small := mustNew(t, Options{Permutations: k})
		small.stored = make([]uint64, 16)
		rescanned := 0
		var tokens []string
		for _, d := range docs[:20] {
			want := normal.Sign(d.Text, nil)
			if got := small.Sign(d.Text, nil); !slices.Equal(got, want) {
				t.Fatalf("K=%d: %s: signature differs when the store overflows", k, d.ID)
			}
			if small.overflow && round0Empty(small, shingleSet(d.Text, 5)) {
				rescanned++
			}
			tokens = strings.Split(d.Text, "、")
			if got, want := small.SignTokens(tokens, nil), normal.SignTokens(tokens, nil); !slices.Equal(got, want) {
				t.Fatalf("K=%d: %s: token signature differs when the store overflows", k, d.ID)
			}
		}
		if rescanned == 0 {
			t.Errorf("K=%d: no text was read again", k)
		}
	}
}

// round0Empty reports whether round 0 leaves a bin empty for shingles.
func round0Empty(h *Hasher, shingles map[string]struct{}) bool {
	filled := make(map[uint64]bool)
	for s := range shingles {
		bin, _ := bits.Mul64(xxh3.HashStringSeed(s, h.seedShingle), uint64(len(h.mins)))
		filled[bin] = true
	}
	return len(filled) < len(h.mins)
}

func TestSignWidthVariants(t *testing.T) {
	h := mustNew(t, Options{})
	pairs := []struct{ a, b string }{
		{"ｶﾞｯｺｳ", "ガッコウ"},
		{"ＡＢＣ１２３", "ABC123"},
		{"ﾊﾟﾝとｺｰﾋｰ　ＯＫ", "パンとコーヒー OK"},
		{"ｳﾞｪﾙﾀﾞﾝﾃﾞｨ", "ヴェルダンディ"},
	}
	for _, d := range testcorpus.Fixture(t) {
		pairs = append(pairs, struct{ a, b string }{narrow(d.Text), d.Text})
	}
	for _, p := range pairs {
		if Fold(p.a) != Fold(p.b) {
			t.Fatalf("Fold(%.30q) != Fold(%.30q)", p.a, p.b)
		}
		if sa, sb := h.Sign(p.a, nil), h.Sign(p.b, nil); !slices.Equal(sa, sb) {
			t.Errorf("Sign(%.30q) != Sign(%.30q)", p.a, p.b)
		}
		if j := Jaccard(p.a, p.b, 5); j != 1 {
			t.Errorf("Jaccard(%.30q, %.30q) = %v", p.a, p.b, j)
		}
	}
}

// TestSignKanaDistinct checks that texts differing in a sound mark or in
// the script of one kana are different texts.
func TestSignKanaDistinct(t *testing.T) {
	h := mustNew(t, Options{})
	tests := []struct{ a, b string }{
		{"学校があります。", "学校かあります。"},
		{"新しいパンを買う。", "新しいバンを買う。"},
		{"新しいバンを買う。", "新しいハンを買う。"},
		{"新しいパンを買う。", "新しいハンを買う。"},
		{"アイスを食べる。", "あイスを食べる。"},
		{"ぱ", "ば"},
		{"が", "か"},
		{"ア", "あ"},
		{"ｶﾞｯｺｳ", "ｶｯｺｳ"},
		{"ｶﾞｯｺｳ", "カ゛ッコウ"},
		{"ABC", "abc"},
	}
	for _, tt := range tests {
		if j := Jaccard(tt.a, tt.b, 5); j >= 1 {
			t.Errorf("Jaccard(%q, %q) = %v, want < 1", tt.a, tt.b, j)
		}
		if s := Similarity(h.Sign(tt.a, nil), h.Sign(tt.b, nil)); s >= 1 {
			t.Errorf("Similarity(%q, %q) = %v, want < 1", tt.a, tt.b, s)
		}
	}
}

// TestSignShortTexts checks texts shorter than NGram: one shingle each, a
// real signature, not a degenerate one.
func TestSignShortTexts(t *testing.T) {
	h := mustNew(t, Options{})
	a, b := h.Sign("あ", nil), h.Sign("い", nil)
	if !slices.Equal(a, h.Sign("あ", nil)) {
		t.Error(`"あ" and "あ" differ`)
	}
	if s := Similarity(a, b); s > 0.05 {
		t.Errorf(`Similarity("あ", "い") = %v`, s)
	}
	for _, text := range []string{"あ", "あい", "あいうえ", "a"} {
		sig := h.Sign(text, nil)
		distinct := len(slices.Compact(slices.Sorted(slices.Values(sig))))
		if distinct < len(sig)*9/10 {
			t.Errorf("Sign(%q): only %d distinct values of %d", text, distinct, len(sig))
		}
		if Shingles(text, 5) != 1 {
			t.Errorf("Shingles(%q) = %d", text, Shingles(text, 5))
		}
	}
	if s := Similarity(h.Sign("あい", nil), h.Sign("あいう", nil)); s > 0.05 {
		t.Errorf(`Similarity("あい", "あいう") = %v: different single shingles`, s)
	}
}

func TestSignEmpty(t *testing.T) {
	h := mustNew(t, Options{})
	e := h.Sign("", nil)
	if len(e) != 128 || !slices.Equal(e, h.Sign("", nil)) {
		t.Fatal("empty signatures differ")
	}
	if !slices.Equal(e, h.SignTokens(nil, nil)) {
		t.Error("SignTokens(nil) is not the empty signature")
	}
	for _, text := range []string{" ", "a", "あ", "\x00", "\n"} {
		if s := Similarity(e, h.Sign(text, nil)); s > 0.05 {
			t.Errorf("Similarity(empty, %q) = %v", text, s)
		}
	}
	if other := mustNew(t, Options{Seed: 1}).Sign("", nil); Similarity(e, other) > 0.05 {
		t.Error("the empty signature does not depend on the seed")
	}
}

func TestSignDeterminism(t *testing.T) {
	docs := testcorpus.Fixture(t)
	h1, h2 := mustNew(t, Options{Seed: 42}), mustNew(t, Options{Seed: 42})
	other := mustNew(t, Options{Seed: 43})
	reused := make(Signature, 0, 300)
	for _, d := range docs[:20] {
		a := h1.Sign(d.Text, nil)
		if b := h2.Sign(d.Text, nil); !slices.Equal(a, b) {
			t.Fatalf("%s: same seed, different signatures", d.ID)
		}
		if s := Similarity(a, other.Sign(d.Text, nil)); s > 0.05 {
			t.Errorf("%s: seeds 42 and 43 agree on %.2f of positions", d.ID, s)
		}
		got := h1.Sign(d.Text, reused)
		if !slices.Equal(got, a) {
			t.Fatalf("%s: Sign into a reused dst differs", d.ID)
		}
		if &got[0] != &reused[:1][0] {
			t.Fatalf("%s: dst's storage was not reused", d.ID)
		}
		reused = got
	}
	if n := testing.AllocsPerRun(20, func() { reused = h1.Sign(docs[3].Text, reused) }); n != 0 {
		t.Errorf("Sign allocates %v times per call", n)
	}
}

// TestSignGolden pins signatures, so that a change of the hashing, which
// would make stored signatures incomparable with new ones, or a platform
// that computes differently, is noticed.
func TestSignGolden(t *testing.T) {
	tests := []struct {
		o    Options
		text string
		want Signature
	}{
		{Options{Permutations: 8}, "吾輩は猫である。名前はまだ無い。", Signature{0x996188e7, 0xd4d4fd4a, 0x12ee9ad7, 0x8c0765d8, 0x9ee65d11, 0xf98abfc1, 0x99cb97d2, 0x9a22cb58}},
		{Options{Permutations: 8, Seed: 1}, "吾輩は猫である。名前はまだ無い。", Signature{0xe0ec2a41, 0xdf958f0b, 0x87f7a508, 0x8aee6e60, 0xfdc2aa69, 0x845a2733, 0x8a13641c, 0x7f8ebb54}},
		{Options{Permutations: 8, NGram: 2}, "ｶﾞｯｺｳ", Signature{0x0ce2b48a, 0xab4d1735, 0x8dafea15, 0xc2320acc, 0x058ce9f7, 0x6c13d3ff, 0xdde65e16, 0xca0c06b4}},
		{Options{Permutations: 8}, "", Signature{0x3cadab28, 0x7fba0478, 0x7026cf52, 0xe9b53993, 0x748edcc4, 0x757ca55d, 0x338aecfd, 0x45eb4627}},
	}
	for _, tt := range tests {
		if got := mustNew(t, tt.o).Sign(tt.text, nil); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: Sign(%q) = %#v, want %#v", tt.o, tt.text, got, tt.want)
		}
	}
}

func TestSignTokens(t *testing.T) {
	h := mustNew(t, Options{NGram: 2})
	sig := func(tokens ...string) Signature { return h.SignTokens(tokens, nil) }
	same := []struct{ a, b []string }{
		{[]string{"吾輩", "は", "猫"}, []string{"吾輩", "は", "猫"}},
		{[]string{"ｶﾞｯｺｳ", "へ"}, []string{"ガッコウ", "へ"}},
		{[]string{"a", "b", "a", "b"}, []string{"a", "b", "a", "b", "a", "b"}}, // the same set {a b, b a}
	}
	for _, p := range same {
		if s := Similarity(sig(p.a...), sig(p.b...)); s != 1 {
			t.Errorf("%q vs %q: similarity %v, want 1", p.a, p.b, s)
		}
	}
	differ := []struct{ a, b []string }{
		{[]string{"ab", "c"}, []string{"a", "bc"}},
		{[]string{"abc"}, []string{"ab", "c"}},
		{[]string{"a", "b"}, []string{"b", "a"}},
		{[]string{"が", "く"}, []string{"か", "く"}},
		{[]string{"x"}, []string{"x", ""}},
	}
	for _, p := range differ {
		if s := Similarity(sig(p.a...), sig(p.b...)); s > 0.05 {
			t.Errorf("%q vs %q: similarity %v, want about 0", p.a, p.b, s)
		}
	}
	// Token and character shingles of one text are unrelated sets, but a
	// single token shorter than n is the whole text, like a short text.
	if !slices.Equal(h.SignTokens([]string{"猫"}, nil), h.Sign("猫", nil)) {
		t.Error("a lone token differs from the same short text")
	}
}

// TestHashQuality checks the shingle hash on the real shingles of the
// fixture: no 64-bit collisions, bins and values uniform (chi-square).
func TestHashQuality(t *testing.T) {
	const k = 128
	h := mustNew(t, Options{Permutations: k})
	set := shingleSet(fixtureText(t), 5)
	seen := make(map[uint64]string, len(set))
	var binCount [k]float64
	var topCount [256]float64 // top 8 bits of the 32-bit value kept
	var lowCount [256]float64 // low 8 bits: what the dedup package compares
	for s := range set {
		x := xxh3.HashStringSeed(s, h.seedShingle)
		if prev, ok := seen[x]; ok {
			t.Fatalf("hash collision: %q and %q", prev, s)
		}
		seen[x] = s
		bin, lo := bits.Mul64(x, k)
		v := uint32(lo >> 16)
		binCount[bin]++
		topCount[v>>24]++
		lowCount[v&0xFF]++
	}
	chi := func(counts []float64) float64 {
		want := float64(len(set)) / float64(len(counts))
		c := 0.0
		for _, n := range counts {
			c += (n - want) * (n - want) / want
		}
		return c
	}
	// Chi-square with d degrees of freedom has mean d and deviation
	// sqrt(2d); six deviations above the mean fail.
	for _, c := range []struct {
		name   string
		counts []float64
	}{{"bins", binCount[:]}, {"value top bits", topCount[:]}, {"value low bits", lowCount[:]}} {
		d := float64(len(c.counts) - 1)
		if x := chi(c.counts); x > d+6*math.Sqrt(2*d) {
			t.Errorf("%s: chi-square %.1f with %v degrees of freedom over %d shingles", c.name, x, d, len(set))
		}
	}
}

// TestSignBadInput feeds a 20 MB document and a 5-million-character run.
func TestSignBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	h := mustNew(t, Options{})
	bufCap, stored := cap(h.buf), len(h.stored)
	text := fixtureText(t)
	huge := strings.Repeat(text, 20<<20/len(text)+1)
	var sig Signature
	if n := testing.AllocsPerRun(1, func() { sig = h.Sign(huge, sig) }); n != 0 {
		t.Errorf("Sign of %d MB allocates %v times", len(huge)>>20, n)
	}
	if len(sig) != 128 {
		t.Fatalf("signature of length %d", len(sig))
	}
	// The repeated text has the shingles of one copy plus those spanning
	// two copies: a Jaccard similarity near 1 with one copy.
	if s := Similarity(sig, h.Sign(text, nil)); s < 0.9 {
		t.Errorf("20 MB repetition vs one copy: similarity %v", s)
	}
	run := strings.Repeat("あ", 5_000_000)
	a, b := h.Sign(run, nil), h.Sign(strings.Repeat("あ", 1000), nil)
	if s := Similarity(a, b); s != 1 {
		t.Errorf("5M-character run vs 1000-character run: similarity %v, want 1", s)
	}
	if s := Similarity(a, h.Sign("いいいいいい", nil)); s > 0.05 {
		t.Errorf("run of あ vs run of い: similarity %v", s)
	}
	if cap(h.buf) != bufCap || len(h.stored) != stored {
		t.Errorf("scratch grew: buffer %d -> %d, store %d -> %d", bufCap, cap(h.buf), stored, len(h.stored))
	}
}

func FuzzSign(f *testing.F) {
	for _, s := range []string{"", "あ", "吾輩は猫である。", "ｶﾞｯｺｳ　ＡＢＣ", "\xff\xfe\xfd", "ab\x00cd", strings.Repeat("ab", 100)} {
		f.Add(s)
	}
	hs := []*Hasher{mustNew(f, Options{}), mustNew(f, Options{NGram: 2, Permutations: 17, Seed: 3})}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range hs {
			sig := h.Sign(s, nil)
			if len(sig) != h.opts.Permutations {
				t.Fatalf("len %d, want %d", len(sig), h.opts.Permutations)
			}
			if again := h.Sign(s, sig[:0]); !slices.Equal(again, sig) {
				t.Fatal("Sign not stable")
			}
			if folded := h.Sign(Fold(s), nil); !slices.Equal(folded, sig) {
				t.Fatal("Sign(s) != Sign(Fold(s))")
			}
			if len(s) < 200 {
				if want := refSign(h, shingleSet(s, h.opts.NGram)); !slices.Equal(sig, want) {
					t.Fatal("Sign differs from the reference")
				}
			}
			h.SignTokens(strings.Fields(s), nil)
		}
	})
}

func benchSign(b *testing.B, k int) {
	docs := testcorpus.Fixture(b)
	h := mustNew(b, Options{Permutations: k})
	total := 0
	for _, d := range docs {
		total += len(d.Text)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var sig Signature
	for b.Loop() {
		for _, d := range docs {
			sig = h.Sign(d.Text, sig)
		}
	}
}

// BenchmarkSign signs every fixture document at K = 128 (MB/s per core
// with GOMAXPROCS=1).
func BenchmarkSign(b *testing.B) { benchSign(b, 128) }

// BenchmarkSignK256 is BenchmarkSign at K = 256.
func BenchmarkSignK256(b *testing.B) { benchSign(b, 256) }
