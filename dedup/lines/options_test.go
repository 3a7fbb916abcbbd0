package lines

import (
	"math"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want []string // substrings of the error; none: valid
	}{
		{"min docs", Options{MinDocs: 3}, nil},
		{"fraction", Options{MinFraction: 0.5}, nil},
		{"both", Options{MinDocs: 3, MinFraction: 1}, nil},
		{"lengths", Options{MinDocs: 2, MinChars: 5, MaxChars: 5}, nil},
		{"neither", Options{}, []string{"set min_docs or min_fraction"}},
		{"negative docs", Options{MinDocs: -1}, []string{"min_docs -1"}},
		{"fraction > 1", Options{MinFraction: 1.5}, []string{"min_fraction 1.5"}},
		{"fraction < 0", Options{MinDocs: 2, MinFraction: -0.1}, []string{"min_fraction -0.1"}},
		{"NaN", Options{MinFraction: math.NaN()}, []string{"min_fraction NaN"}},
		{"min chars < 0", Options{MinDocs: 2, MinChars: -1}, []string{"min_chars -1"}},
		{"max < min", Options{MinDocs: 2, MinChars: 10, MaxChars: 5}, []string{"max_chars 5 must be >= min_chars 10"}},
		{"default max < min", Options{MinDocs: 2, MinChars: 300}, []string{"max_chars 200 must be >= min_chars 300"}},
		{"two at once", Options{MinDocs: -1, MinChars: -2}, []string{"min_docs -1", "min_chars -2"}},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want %q", c.name, c.want)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) || !strings.HasPrefix(err.Error(), "lines: ") {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

func TestWithDefaults(t *testing.T) {
	got := Options{MinDocs: 4}.WithDefaults()
	if want := (Options{MinDocs: 4, MaxChars: 200, MinChars: 1}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	kept := Options{MaxChars: 7, MinChars: 3}.WithDefaults()
	if kept.MaxChars != 7 || kept.MinChars != 3 {
		t.Fatalf("set lengths changed: %+v", kept)
	}
}

func TestThreshold(t *testing.T) {
	cases := []struct {
		o    Options
		docs int64
		need int64
		ok   bool
	}{
		{Options{MinDocs: 5}, 100, 5, true},
		{Options{MinDocs: 1}, 100, 2, true},                     // never fewer than 2 documents
		{Options{MinFraction: 0.01}, 10, 2, true},               // 1 of 10 passes 0.01, but 2 is the floor
		{Options{MinFraction: 0.3}, 10, 3, true},                // 3/10 == 0.3
		{Options{MinFraction: 0.55}, 100, 55, true},             // 0.55·100 rounds above 55
		{Options{MinFraction: 0.3}, 7, 3, true},                 // 2/7 < 0.3 <= 3/7
		{Options{MinFraction: 1}, 9, 9, true},                   // all documents
		{Options{MinDocs: 50, MinFraction: 0.1}, 100, 10, true}, // either test: the lower count
		{Options{MinDocs: 5, MinFraction: 0.5}, 100, 5, true},
		{Options{MinFraction: 0.5}, 0, 0, false}, // no document counted
		{Options{}, 100, 0, false},
	}
	for _, c := range cases {
		need, ok := c.o.threshold(c.docs)
		if ok != c.ok || ok && need != c.need {
			t.Errorf("%+v over %d docs: need %d ok %v, want %d %v", c.o, c.docs, need, ok, c.need, c.ok)
		}
	}
}

func TestFractionNeedIsSmallest(t *testing.T) {
	for _, f := range []float64{0.05, 0.1, 0.15, 0.3, 1.0 / 3, 0.55, 0.7, 0.9, 1} {
		for total := int64(1); total <= 400; total++ {
			d := fractionNeed(f, total)
			if float64(d)/float64(total) < f || d > 0 && float64(d-1)/float64(total) >= f {
				t.Fatalf("fractionNeed(%g, %d) = %d is not the smallest passing count", f, total, d)
			}
		}
	}
}
