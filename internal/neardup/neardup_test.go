package neardup

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// bruteTruth is the definition of Truth, written out plainly: n-gram sets as
// map[string]struct{} built from []rune, every earlier document compared.
func bruteTruth(docs []string, n int) []float64 {
	sets := make([]map[string]struct{}, len(docs))
	for i, d := range docs {
		set := map[string]struct{}{}
		rs := []rune(d)
		switch {
		case len(rs) == 0:
		case len(rs) < n:
			set[d] = struct{}{}
		default:
			for k := 0; k+n <= len(rs); k++ {
				set[string(rs[k:k+n])] = struct{}{}
			}
		}
		sets[i] = set
	}
	out := make([]float64, len(docs))
	for i := range docs {
		for j := 0; j < i; j++ {
			inter := 0
			for g := range sets[i] {
				if _, ok := sets[j][g]; ok {
					inter++
				}
			}
			union := len(sets[i]) + len(sets[j]) - inter
			jac := 1.0
			if union > 0 {
				jac = float64(inter) / float64(union)
			}
			out[i] = max(out[i], jac)
		}
	}
	return out
}

func texts(docs []Doc) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Text
	}
	return out
}

func TestTruthEqualsBruteForce(t *testing.T) {
	bases := LoadBases(t)
	docs := texts(Generate(bases, Options{Seed: 7, Families: 6, Variants: 4, MinChars: 300, MaxChars: 900}))
	// edge cases: empty texts, texts shorter than n, repeats, a short text
	// that is a substring of another, half-width and full-width forms kept
	// apart (no folding)
	docs = append(docs, "", "あいう", "", "あいう", "あいうえ", "あいうえお", "あいうえおか", "ABCDEF", "ＡＢＣＤＥＦ",
		"ああああああああ", "ああああ", docs[0], string([]rune(docs[3])[:len([]rune(docs[3]))/2]))
	for _, n := range []int{1, 2, 5, 7} {
		got, want := Truth(docs, n), bruteTruth(docs, n)
		if !reflect.DeepEqual(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("n=%d doc %d: Truth %v, brute force %v", n, i, got[i], want[i])
				}
			}
		}
	}
	for _, n := range []int{3, 5} {
		for i := 0; i < len(docs); i += 5 {
			for j := 0; j < len(docs); j += 7 {
				if got, want := Jaccard(docs[i], docs[j], n), bruteTruth([]string{docs[j], docs[i]}, n)[1]; got != want {
					t.Errorf("Jaccard(doc %d, doc %d, %d) = %v, want %v", i, j, n, got, want)
				}
			}
		}
	}
	if got := Truth(nil, 5); len(got) != 0 {
		t.Errorf("Truth(nil) = %v", got)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	bases := LoadBases(t)
	o := Options{Seed: 42, Families: 12, Variants: 4}
	a, b := Generate(bases, o), Generate(bases, o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different sets")
	}
	o.Seed = 43
	c := Generate(bases, o)
	same := 0
	for i := range min(len(a), len(c)) {
		if a[i].Text == c[i].Text {
			same++
		}
	}
	if same > len(a)/10 {
		t.Errorf("seeds 42 and 43 give %d identical documents at the same place of %d", same, len(a))
	}
	if len(a) != 12*5+1+1 {
		t.Errorf("%d documents, want %d", len(a), 12*5+2)
	}
}

func TestGenerateDefaultSet(t *testing.T) {
	bases := LoadBases(t)
	start := time.Now()
	docs := Generate(bases, Options{Seed: 1})
	genTime := time.Since(start)
	start = time.Now()
	truth := Truth(texts(docs), 5)
	truthTime := time.Since(start)
	t.Logf("%d bases → %d documents; Generate %v, Truth %v", len(bases), len(docs), genTime.Round(time.Millisecond), truthTime.Round(time.Millisecond))

	// Variants end near their targets, and Achieved is the exact similarity
	// to the family's base.
	baseText := map[int]string{}
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d.Edit]++
		if d.Edit == EditBase {
			baseText[d.Family] = d.Text
		}
	}
	if len(baseText) != 60 {
		t.Fatalf("%d families, want 60", len(baseText))
	}
	var worst float64
	for i, d := range docs {
		switch d.Edit {
		case EditUnrelated:
			if d.Family != -1 {
				t.Errorf("doc %d: unrelated doc of family %d", i, d.Family)
			}
			continue
		case EditBase:
			if d.Target != 1 || d.Achieved != 1 {
				t.Errorf("doc %d: base with target %v, achieved %v", i, d.Target, d.Achieved)
			}
			continue
		}
		if got := Jaccard(d.Text, baseText[d.Family], 5); got != d.Achieved {
			t.Errorf("doc %d (%s): Achieved %v, Jaccard with base %v", i, d.Edit, d.Achieved, got)
		}
		if d.Edit == EditCopy {
			continue
		}
		if d.Text == baseText[d.Family] {
			t.Errorf("doc %d (%s, target %v): unchanged base", i, d.Edit, d.Target)
		}
		if d.Target < 0.3 || d.Target > 0.99 {
			t.Errorf("doc %d: target %v outside [0.3, 0.99]", i, d.Target)
		}
		diff := math.Abs(d.Achieved - d.Target)
		worst = max(worst, diff)
		if diff > 0.03 {
			t.Errorf("doc %d (%s): target %.3f, achieved %.4f", i, d.Edit, d.Target, d.Achieved)
		}
	}
	t.Logf("documents per kind: %v; largest |achieved - target| %.4f", kinds, worst)
	if kinds[EditCopy] != 6 || kinds[EditUnrelated] != 6 || kinds[EditBase] != 60 || len(docs) != 60*7+12 {
		t.Errorf("kinds %v, %d documents", kinds, len(docs))
	}

	// Families interleave and copies may precede their base.
	firstFamilies := map[int]bool{}
	for _, d := range docs[:30] {
		firstFamilies[d.Family] = true
	}
	if len(firstFamilies) < 10 {
		t.Errorf("the first 30 documents come from %d families only", len(firstFamilies))
	}
	before := 0
	seenBase := map[int]bool{}
	for _, d := range docs {
		if d.Edit == EditBase {
			seenBase[d.Family] = true
		} else if d.Family >= 0 && !seenBase[d.Family] {
			before++
		}
	}
	if before < 60 {
		t.Errorf("only %d copies come before their base", before)
	}

	high, mid := 0, 0
	for _, v := range truth {
		if v >= 0.85 {
			high++
		}
		if v >= 0.5 && v < 0.8 {
			mid++
		}
	}
	t.Logf("truth >= 0.85: %d documents, truth in [0.5, 0.8): %d", high, mid)
	if high < 100 {
		t.Errorf("%d documents with truth >= 0.85, want >= 100", high)
	}
	if mid < 60 {
		t.Errorf("%d documents with truth in [0.5, 0.8), want >= 60", mid)
	}
	t.Logf("truth distribution (nothing dropped):\n%s", Evaluate(truth, make([]bool, len(truth))))
	t.Logf("target distribution of the variants:\n%s", histogram(docs))

	// An oracle dropping exactly the documents with truth >= 0.8 meets both
	// bars; dropping every document with a family fails precision.
	oracle := make([]bool, len(truth))
	greedy := make([]bool, len(truth))
	for i, v := range truth {
		oracle[i] = v >= 0.8
		greedy[i] = docs[i].Family >= 0 && docs[i].Edit != EditBase
	}
	if r := Evaluate(truth, oracle); r.Recall != 1 || r.Precision != 1 {
		t.Errorf("oracle: %s", r)
	}
	r := Evaluate(truth, greedy)
	t.Logf("dropping every non-base family document:\n%s", r)
	if r.Precision >= 0.98 {
		t.Errorf("dropping every variant should fail precision: %s", r)
	}
}

// histogram tabulates the targets and the achieved similarities of the
// variants by edit kind.
func histogram(docs []Doc) string {
	byKind := map[string][]float64{}
	for _, d := range docs {
		if d.Edit != EditBase && d.Edit != EditUnrelated && d.Edit != EditCopy {
			byKind[d.Edit] = append(byKind[d.Edit], d.Achieved)
		}
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %5s %6s %6s %6s\n", "kind", "n", "min", "median", "max")
	for _, k := range kinds {
		v := byKind[k]
		sort.Float64s(v)
		fmt.Fprintf(&b, "%-12s %5d %6.3f %6.3f %6.3f\n", k, len(v), v[0], v[len(v)/2], v[len(v)-1])
	}
	return b.String()
}

func TestEvaluate(t *testing.T) {
	truth := []float64{0, 0.95, 0.85, 0.849, 0.7, 0.69, 1, 1, 0.3, 0.9}
	dropped := []bool{false, true, true, true, true, true, false, true, false, false}
	r := Evaluate(truth, dropped)
	// positives (>= 0.85): 0.95, 0.85, 1, 1, 0.9 → 5, of which dropped 0.95, 0.85, 1 → 3
	// dropped: 0.95, 0.85, 0.849, 0.7, 0.69, 1 → 6, of which >= 0.7: 5
	want := Report{Recall: 3.0 / 5, Precision: 5.0 / 6, Positives: 5, Caught: 3, Dropped: 6, TruePositives: 5}
	got := r
	got.Curve = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Evaluate = %+v, want %+v", got, want)
	}
	wantCurve := map[float64][2]int{ // Lo → docs, dropped
		0: {1, 0}, 0.3: {1, 0}, 0.65: {1, 1}, 0.7: {1, 1}, 0.8: {1, 1}, 0.85: {1, 1}, 0.9: {1, 0}, 0.95: {1, 1}, 1: {2, 1},
	}
	total := 0
	for k, b := range r.Curve {
		w := wantCurve[b.Lo]
		if b.Docs != w[0] || b.Dropped != w[1] {
			t.Errorf("bucket [%v,%v): %d docs, %d dropped, want %v", b.Lo, b.Hi, b.Docs, b.Dropped, w)
		}
		if k > 0 && b.Lo != r.Curve[k-1].Hi {
			t.Errorf("bucket %d starts at %v, the one before ends at %v", k, b.Lo, r.Curve[k-1].Hi)
		}
		total += b.Docs
	}
	if last := r.Curve[len(r.Curve)-1]; last.Lo != 1 || last.Hi != 1 || last.Share() != 0.5 {
		t.Errorf("last bucket %+v", last)
	}
	if total != len(truth) {
		t.Errorf("curve holds %d documents, want %d", total, len(truth))
	}
	if s := r.String(); !strings.Contains(s, "recall 0.6000") || !strings.Contains(s, "precision 0.8333") || !strings.Contains(s, "=1.00") {
		t.Errorf("String:\n%s", s)
	}

	empty := Evaluate([]float64{0.1, 0.2}, []bool{false, false})
	if empty.Recall != 1 || empty.Precision != 1 || empty.Positives != 0 || empty.Dropped != 0 {
		t.Errorf("nothing to find, nothing dropped: %+v", empty)
	}
	all := Evaluate([]float64{0.9, 0.1}, []bool{true, true})
	if all.Recall != 1 || all.Precision != 0.5 {
		t.Errorf("drop all: %+v", all)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for slices of different lengths")
		}
	}()
	Evaluate([]float64{1}, nil)
}

func TestLoadRecrawlPairs(t *testing.T) {
	pairs := LoadRecrawlPairs(t)
	if len(pairs) != 60 {
		t.Fatalf("%d pairs, want 60", len(pairs))
	}
	var js []float64
	identical := 0
	for i, p := range pairs {
		if p[0] == "" || p[1] == "" {
			t.Fatalf("pair %d: empty text", i)
		}
		if p[0] == p[1] {
			identical++
		}
		js = append(js, Jaccard(p[0], p[1], 5))
	}
	sort.Float64s(js)
	t.Logf("%d pairs, %d identical after NFKC; 5-gram Jaccard min %.4f, median %.4f, max %.4f", len(pairs), identical, js[0], js[len(js)/2], js[len(js)-1])
	if js[0] < 0.85 {
		t.Errorf("a re-crawl pair has similarity %.4f", js[0])
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.Families != 60 || o.Variants != 6 || o.NGram != 5 || o.MinChars != 800 || o.MaxChars != 6000 {
		t.Errorf("defaults %+v", o)
	}
	if docs := Generate([]string{"短い文書です。"}, Options{}); docs != nil {
		t.Errorf("no base long enough: %d documents", len(docs))
	}
}

// TestEditorIncremental checks the editor's running similarity (64-bit
// n-gram hashes updated around each splice, undo included) against the
// exact similarity of the texts after every step.
func TestEditorIncremental(t *testing.T) {
	bases := LoadBases(t)
	for _, n := range []int{1, 3, 5} {
		g := &generator{n: n, rng: rand.New(rand.NewPCG(uint64(n), 9))}
		g.addDonor(bases[1], -1)
		fam := g.newFamily(0, 0, bases[0])
		baseText := string(fam.text)
		e := &editor{n: n, base: fam.counts, cur: slices.Clone(fam.text), counts: maps.Clone(fam.counts),
			distinct: len(fam.counts), inter: len(fam.counts)}
		check := func(what string) {
			t.Helper()
			if got, want := e.jaccard(), Jaccard(string(e.cur), baseText, n); got != want {
				t.Fatalf("n=%d after %s: running similarity %v, exact %v", n, what, got, want)
			}
		}
		check("nothing")
		for step := range 300 {
			mark := len(e.journal)
			switch step % 5 {
			case 0:
				g.insert(e, fam, 200)
			case 1:
				g.delete(e, 150)
			case 2:
				g.replace(e)
			case 3:
				g.swapBoilerplate(e, fam)
			default:
				a := g.rng.IntN(len(e.cur) + 1)
				b := min(len(e.cur), a+g.rng.IntN(8))
				e.splice(a, b, []rune("テスト")[:g.rng.IntN(4)])
			}
			check(fmt.Sprintf("step %d", step))
			if step%7 == 0 {
				e.undo(mark)
				check(fmt.Sprintf("undo of step %d", step))
			}
			e.journal = e.journal[:0]
		}
		// down to fewer than n runes and back
		e.splice(0, len(e.cur), []rune("あ"))
		check("cut to one rune")
		e.splice(1, 1, []rune(baseText))
		check("regrown")
	}
}
