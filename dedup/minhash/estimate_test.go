package minhash

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// Estimation quality: Similarity against the exact Jaccard of real texts
// and edited copies of them.
//
// A signature of K positions estimates J with at best the error of K
// independent agreements, each with probability J: a binomial deviation of
// sqrt(J(1-J)/K), 0.044 at J = 0.5 and K = 128, for a mean absolute error
// of 0.035 there (K-permutation MinHash, and one permutation hashing on
// long texts, are at that floor). For pairs spread over J in [0.2, 1] no
// sketch of 128 agreements has a mean absolute error of 0.02, so long texts
// are checked against the floor at K = 128 and against the fixed bounds at
// K = 512. Short texts, whose few shingles the densification rounds spread
// evenly, do better than the floor and meet the fixed bounds at K = 128.

// sentences splits text after each 。 and newline, keeping the delimiters,
// so that joining the pieces gives text back.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == '。' || r == '\n' {
			end := i + len(string(r))
			out = append(out, text[start:end])
			start = end
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// editSentences returns the sentences of sents, of which about frac are
// deleted, replaced by a sentence of pool, or preceded by one.
func editSentences(rng *rand.Rand, sents, pool []string, frac float64) string {
	var b strings.Builder
	for _, s := range sents {
		if rng.Float64() >= frac {
			b.WriteString(s)
			continue
		}
		switch rng.IntN(3) {
		case 0: // delete
		case 1: // replace
			b.WriteString(pool[rng.IntN(len(pool))])
		case 2: // insert
			b.WriteString(pool[rng.IntN(len(pool))])
			b.WriteString(s)
		}
	}
	return b.String()
}

type textPair struct{ a, b string }

// longPairs returns count pairs of a fixture document and a copy of it
// with up to 60% of its sentences edited.
func longPairs(t *testing.T, count int) []textPair {
	docs := testcorpus.Fixture(t)
	var pool []string
	for _, d := range docs {
		pool = append(pool, sentences(d.Text)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pairs := make([]textPair, 0, count)
	for i := range count {
		d := docs[i%len(docs)]
		pairs = append(pairs, textPair{d.Text, editSentences(rng, sentences(d.Text), pool, 0.6*rng.Float64())})
	}
	return pairs
}

// shortPairs returns count pairs of a 10–40 character excerpt of a fixture
// document and a copy with up to three characters replaced, inserted or
// deleted, or a shifted excerpt of the same length.
func shortPairs(t *testing.T, count int) []textPair {
	docs := testcorpus.Fixture(t)
	rng := rand.New(rand.NewPCG(3, 4))
	pairs := make([]textPair, 0, count)
	for len(pairs) < count {
		d := []rune(docs[rng.IntN(len(docs))].Text)
		l := 10 + rng.IntN(31)
		if len(d) < l+50 {
			continue
		}
		start := rng.IntN(len(d) - l - 40)
		a := d[start : start+l]
		b := append([]rune(nil), a...)
		for range rng.IntN(4) {
			p := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[p] = d[rng.IntN(len(d))]
			case 1:
				b = slicesInsert(b, p, d[rng.IntN(len(d))])
			case 2:
				b = append(b[:p], b[p+1:]...)
			}
		}
		if rng.IntN(4) == 0 {
			shift := rng.IntN(10)
			b = d[start+shift : start+shift+l]
		}
		pairs = append(pairs, textPair{string(a), string(b)})
	}
	return pairs
}

func slicesInsert(s []rune, i int, r rune) []rune {
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = r
	return s
}

// binomialAbsError returns E|X/k - j| for X ~ Binomial(k, j): the mean
// absolute error of k independent agreements of probability j.
func binomialAbsError(j float64, k int) float64 {
	if j <= 0 || j >= 1 {
		return 0
	}
	e := 0.0
	for x := 0; x <= k; x++ {
		lg1, _ := math.Lgamma(float64(k + 1))
		lg2, _ := math.Lgamma(float64(x + 1))
		lg3, _ := math.Lgamma(float64(k - x + 1))
		p := math.Exp(lg1 - lg2 - lg3 + float64(x)*math.Log(j) + float64(k-x)*math.Log1p(-j))
		e += p * math.Abs(float64(x)/float64(k)-j)
	}
	return e
}

type estimateStats struct {
	pairs               int
	meanAbs, max, bias  float64
	floor               float64 // mean binomialAbsError over the pairs
	maxZ                float64 // largest |error| in binomial deviations
	buckets             [5]struct{ n, abs float64 }
	minJaccard, maxJacc float64
}

func estimate(t *testing.T, o Options, pairs []textPair) estimateStats {
	t.Helper()
	h := mustNew(t, o)
	k := h.Options().Permutations
	st := estimateStats{pairs: len(pairs), minJaccard: 1}
	var sa, sb Signature
	for _, p := range pairs {
		sa, sb = h.Sign(p.a, sa), h.Sign(p.b, sb)
		j := Jaccard(p.a, p.b, h.Options().NGram)
		e := Similarity(sa, sb) - j
		st.meanAbs += math.Abs(e)
		st.bias += e
		st.max = max(st.max, math.Abs(e))
		st.floor += binomialAbsError(j, k)
		if sd := math.Sqrt(j * (1 - j) / float64(k)); sd > 0 {
			st.maxZ = max(st.maxZ, (math.Abs(e)-1/float64(k))/sd)
		} else if e != 0 {
			st.maxZ = math.Inf(1) // J = 0 or 1 must be estimated exactly
		}
		bk := &st.buckets[min(int(j*5), 4)]
		bk.n++
		bk.abs += math.Abs(e)
		st.minJaccard, st.maxJacc = min(st.minJaccard, j), max(st.maxJacc, j)
	}
	n := float64(len(pairs))
	st.meanAbs, st.bias, st.floor = st.meanAbs/n, st.bias/n, st.floor/n
	return st
}

func (st estimateStats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d pairs, J in [%.2f, %.2f]: mean |error| %.4f (binomial floor %.4f), max %.4f (%.1f deviations), bias %+.4f; by J:",
		st.pairs, st.minJaccard, st.maxJacc, st.meanAbs, st.floor, st.max, st.maxZ, st.bias)
	for i, bk := range st.buckets {
		if bk.n > 0 {
			fmt.Fprintf(&b, " [%.1f,%.1f) %.0f pairs %.4f;", float64(i)/5, float64(i+1)/5, bk.n, bk.abs/bk.n)
		}
	}
	return b.String()
}

func TestEstimateQuality(t *testing.T) {
	long := longPairs(t, 240)
	short := shortPairs(t, 300)
	tests := []struct {
		name  string
		o     Options
		pairs []textPair
		// Fixed bounds (0 = none) and bounds relative to the binomial floor.
		maxMeanAbs, maxAbs float64
		maxFloorRatio      float64
	}{
		{name: "long K=128", o: Options{}, pairs: long, maxFloorRatio: 1.15},
		{name: "long K=512", o: Options{Permutations: 512, Seed: 5}, pairs: long, maxMeanAbs: 0.02, maxAbs: 0.12, maxFloorRatio: 1.15},
		{name: "short K=128", o: Options{}, pairs: short, maxMeanAbs: 0.02, maxAbs: 0.12, maxFloorRatio: 0.85},
		{name: "short K=128 seed 9", o: Options{Seed: 9}, pairs: short, maxMeanAbs: 0.02, maxAbs: 0.12, maxFloorRatio: 0.85},
		{name: "short 3-grams K=256", o: Options{NGram: 3, Permutations: 256, Seed: 1}, pairs: short, maxMeanAbs: 0.02, maxAbs: 0.12, maxFloorRatio: 0.85},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := estimate(t, tt.o, tt.pairs)
			t.Log(st)
			if st.maxJacc-st.minJaccard < 0.5 {
				t.Errorf("J spans only [%.2f, %.2f]", st.minJaccard, st.maxJacc)
			}
			if math.Abs(st.bias) > 0.01 {
				t.Errorf("bias %+.4f", st.bias)
			}
			if st.meanAbs > tt.maxFloorRatio*st.floor {
				t.Errorf("mean |error| %.4f > %.2f × binomial floor %.4f", st.meanAbs, tt.maxFloorRatio, st.floor)
			}
			if st.maxZ > 4.5 {
				t.Errorf("an error of %.1f binomial deviations", st.maxZ)
			}
			if tt.maxMeanAbs > 0 && st.meanAbs > tt.maxMeanAbs {
				t.Errorf("mean |error| %.4f > %v", st.meanAbs, tt.maxMeanAbs)
			}
			if tt.maxAbs > 0 && st.max > tt.maxAbs {
				t.Errorf("max |error| %.4f > %v", st.max, tt.maxAbs)
			}
		})
	}
}
