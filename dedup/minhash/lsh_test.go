package minhash

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestBands(t *testing.T) {
	h := mustNew(t, Options{})
	sig := h.Sign("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。", nil)
	const bands, rows = 16, 8
	keys := Bands(sig, bands, rows, 1, nil)
	if len(keys) != bands {
		t.Fatalf("%d keys, want %d", len(keys), bands)
	}
	if again := Bands(slices.Clone(sig), bands, rows, 1, make([]uint64, 3, 32)); !slices.Equal(again, keys) {
		t.Fatal("equal signatures, different keys")
	}
	if other := Bands(sig, bands, rows, 2, nil); slices.ContainsFunc(other, func(k uint64) bool { return slices.Contains(keys, k) }) {
		t.Error("keys do not depend on the seed")
	}
	// Changing one row changes exactly the key of its band.
	for i := range sig {
		for _, delta := range []uint32{1, 1 << 31, 0xFFFF} {
			changed := slices.Clone(sig)
			changed[i] ^= delta
			got := Bands(changed, bands, rows, 1, nil)
			for b := range bands {
				if inBand := i/rows == b; (got[b] != keys[b]) != inBand {
					t.Fatalf("row %d changed: band %d key changed = %v", i, b, got[b] != keys[b])
				}
			}
		}
	}
	// Equal rows in different bands give different keys.
	same := make(Signature, 128)
	for i := range same {
		same[i] = uint32(i % rows)
	}
	for _, r := range []int{1, 3, 8} {
		ks := Bands(same, 128/r/2, r, 0, nil)
		if len(slices.Compact(slices.Sorted(slices.Values(ks)))) != len(ks) {
			t.Errorf("rows %d: equal bands share keys", r)
		}
	}
	// Rows beyond bands*rows are ignored.
	tail := slices.Clone(sig)
	tail[127]++
	if !slices.Equal(Bands(tail, 9, 13, 1, nil), Bands(sig, 9, 13, 1, nil)) {
		t.Error("a row beyond bands*rows changed a key")
	}
	if n := testing.AllocsPerRun(10, func() { keys = Bands(sig, bands, rows, 1, keys) }); n != 0 {
		t.Errorf("Bands allocates %v times into a large enough dst", n)
	}
}

func TestBandsPanics(t *testing.T) {
	sig := make(Signature, 128)
	for _, p := range [][2]int{{0, 8}, {8, 0}, {-1, 8}, {17, 8}, {1, 129}, {math.MaxInt / 2, 4}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Bands(%d bands, %d rows) of 128 did not panic", p[0], p[1])
				}
			}()
			Bands(sig, p[0], p[1], 0, nil)
		}()
	}
}

func TestProbability(t *testing.T) {
	for _, s := range []float64{0, 0.1, 0.5, 0.8, 0.95, 1} {
		for _, br := range [][2]int{{1, 1}, {9, 13}, {16, 8}, {32, 4}, {128, 1}} {
			b, r := br[0], br[1]
			sr := 1.0
			for range r {
				sr *= s
			}
			q := 1.0
			for range b {
				q *= 1 - sr
			}
			if got, want := Probability(s, b, r), 1-q; math.Abs(got-want) > 1e-12 {
				t.Errorf("Probability(%v, %d, %d) = %v, want %v", s, b, r, got, want)
			}
		}
	}
	if Probability(0, 9, 13) != 0 || Probability(1, 9, 13) != 1 {
		t.Error("Probability at 0 and 1")
	}
}

func TestOptimalParams(t *testing.T) {
	// Expected values computed with datasketch's _optimal_param rule
	// (midpoint integration, step 0.001).
	tests := []struct {
		threshold   float64
		k           int
		fp, fn      float64
		bands, rows int
	}{
		{0.8, 128, 0.5, 0.5, 9, 13},
		{0.8, 128, 0.05, 0.95, 16, 8},
		{0.5, 128, 0.05, 0.95, 26, 3},
		{0.3, 16, 0.5, 0.5, 8, 2},
		{0.9, 256, 0.5, 0.5, 9, 28},
		{0.7, 64, 0.3, 0.7, 10, 6},
		{0.5, 1, 0.5, 0.5, 1, 1},
	}
	for _, tt := range tests {
		b, r := OptimalParams(tt.threshold, tt.k, tt.fp, tt.fn)
		if b != tt.bands || r != tt.rows {
			t.Errorf("OptimalParams(%v, %d, %v, %v) = (%d, %d), want (%d, %d)", tt.threshold, tt.k, tt.fp, tt.fn, b, r, tt.bands, tt.rows)
		}
	}
	if b, r := OptimalParams(0.8, 0, 0.5, 0.5); b != 0 || r != 0 {
		t.Errorf("k=0: (%d, %d)", b, r)
	}
	for _, k := range []int{16, 128, 256} {
		for _, fp := range []float64{0.05, 0.5} {
			prevMid := 0.0
			for t10 := 3; t10 <= 9; t10++ {
				th := float64(t10) / 10
				b, r := OptimalParams(th, k, fp, 1-fp)
				if b < 1 || r < 1 || b*r > k {
					t.Fatalf("OptimalParams(%v, %d): (%d, %d)", th, k, b, r)
				}
				// The S-curve's steepest point moves up with the threshold,
				// stays near it when both errors weigh alike and below it
				// when false negatives weigh more.
				mid := math.Pow(1/float64(b), 1/float64(r))
				if mid < prevMid {
					t.Errorf("k=%d fp=%v: threshold %v gives midpoint %.3f below %.3f", k, fp, th, mid, prevMid)
				}
				if k >= 128 && fp == 0.5 && math.Abs(mid-th) > 0.1 || fp < 0.5 && mid > th {
					t.Errorf("k=%d fp=%v: threshold %v gives (%d, %d), midpoint %.3f", k, fp, th, b, r, mid)
				}
				prevMid = mid
			}
		}
	}
	// Weighing false negatives more moves the curve left: more recall.
	bRecall, rRecall := OptimalParams(0.8, 128, 0.05, 0.95)
	bEven, rEven := OptimalParams(0.8, 128, 0.5, 0.5)
	if Probability(0.8, bRecall, rRecall) <= Probability(0.8, bEven, rEven) {
		t.Error("weighing false negatives more did not raise recall at the threshold")
	}
	start := time.Now()
	OptimalParams(0.8, 128, 0.5, 0.5)
	if d := time.Since(start); d > 50*time.Millisecond && !raceEnabled {
		t.Errorf("OptimalParams(0.8, 128) took %v", d)
	}
}

func BenchmarkBands(b *testing.B) {
	h := mustNew(b, Options{})
	sig := h.Sign(fixtureText(b)[:10000], nil)
	keys := make([]uint64, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		keys = Bands(sig, 16, 8, 1, keys)
	}
}

func BenchmarkOptimalParams(b *testing.B) {
	for b.Loop() {
		OptimalParams(0.8, 128, 0.5, 0.5)
	}
}
