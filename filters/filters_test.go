package filters

import (
	"math"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

func TestScratch(t *testing.T) {
	cases := []struct {
		text                              string
		chars, letters, hira, kata, kanji int
	}{
		{"吾輩は猫である。", 8, 7, 4, 0, 3},
		{"コーヒーとCake", 9, 9, 1, 4, 0},
		{"ｺｰﾋｰ", 4, 4, 0, 4, 0},
		{"人々", 2, 2, 0, 0, 2},
		{"〆切", 2, 2, 0, 0, 2},
		{"Hello, 世界! 123", 14, 7, 0, 0, 2},
		{"", 0, 0, 0, 0, 0},
		{"한국어", 3, 3, 0, 0, 0},
	}
	for _, c := range cases {
		var s Scratch
		s.Reset(c.text)
		if s.Chars != c.chars || s.Letters != c.letters || s.Hiragana != c.hira || s.Katakana != c.kata || s.Kanji != c.kanji {
			t.Errorf("%q: %+v", c.text, s)
		}
	}
}

func TestRules(t *testing.T) {
	o := Options{MinChars: 10, MaxChars: 40, MinJapaneseRatio: 0.5}
	rules, err := Preset(PresetDefault, o)
	if err != nil {
		t.Fatal(err)
	}
	st := &Stage{Default: rules, BySource: map[string][]Rule{"trusted": nil}}
	p, _ := st.NewProcessor()
	cases := []struct {
		source, text, want string
	}{
		{"web", "短い。", ReasonTooShort},
		{"web", "これは十分な長さのある日本語の文章です。", ""},
		{"web", strings.Repeat("長い文章です。", 10), ReasonTooLong},
		{"web", "This page is written in English, 日本語.", ReasonLowJapanese},
		{"web", "1234567890 !!!! ????", ReasonLowJapanese}, // no letters at all
		{"trusted", "短い。", ""},                             // preset none for this source
	}
	for _, c := range cases {
		got, err := p.Process(&pipeline.Document{Source: c.source, Text: c.text})
		if err != nil || got != c.want {
			t.Errorf("%s %q: %q, %v; want %q", c.source, c.text, got, err, c.want)
		}
	}
}

func TestPresetsAndValidate(t *testing.T) {
	if _, err := Preset("hojichar", Default()); err == nil {
		t.Error("unknown preset accepted")
	}
	if rs, err := Preset(PresetNone, Options{MinChars: -1}); err != nil || rs != nil {
		t.Errorf("none: %v %v", rs, err)
	}
	for _, bad := range []Options{{MinChars: -1}, {MaxChars: 5, MinChars: 10}, {MinJapaneseRatio: 1.5}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if n := len(Default().Rules()); n != 3 {
		t.Errorf("default has %d rules", n)
	}
}

// TestOptionsValidate checks that every bad threshold is reported, once,
// naming its field, and that NaN and infinities are not ratios.
func TestOptionsValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		o    Options
		want []string // one per error; none: valid
	}{
		{"default", Default(), nil},
		{"no limits", Options{}, nil},
		{"ratio bounds", Options{MinJapaneseRatio: 1}, nil},
		{"max 0 means no limit", Options{MinChars: 10}, nil},
		{"max equals min", Options{MinChars: 10, MaxChars: 10}, nil},
		{"NaN ratio", Options{MinJapaneseRatio: nan}, []string{"filters: min_japanese_ratio NaN is not a number in [0, 1]"}},
		{"Inf ratio", Options{MinJapaneseRatio: inf}, []string{"filters: min_japanese_ratio +Inf is not a number in [0, 1]"}},
		{"-Inf ratio", Options{MinJapaneseRatio: -inf}, []string{"filters: min_japanese_ratio -Inf is not"}},
		{"ratio above 1", Options{MinJapaneseRatio: 1.5}, []string{"filters: min_japanese_ratio 1.5 is not"}},
		{"ratio below 0", Options{MinJapaneseRatio: -0.1}, []string{"filters: min_japanese_ratio -0.1 is not"}},
		{"negative min", Options{MinChars: -1}, []string{"filters: min_chars -1 must be >= 0"}},
		{"negative max", Options{MaxChars: -1}, []string{"filters: max_chars -1 must be >= 0"}},
		{"max below min", Options{MinChars: 10, MaxChars: 5}, []string{"filters: max_chars 5 must be >= min_chars 10"}},
		{"all at once", Options{MinChars: -1, MaxChars: -2, MinJapaneseRatio: nan},
			[]string{"filters: min_chars -1", "filters: max_chars -2", "filters: min_japanese_ratio NaN"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.o.Validate()
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if len(got) != len(c.want) {
				t.Fatalf("%+v: %v; want %d errors", c.o, err, len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("error %d: %q; want %q…", i, got[i], w)
				}
			}
		})
	}
}

// TestRealDocs checks the default preset on the real fixture: every law,
// speech and literary work is Japanese enough and long enough (the shortest
// has 107 characters), so the default preset keeps them all.
func TestRealDocs(t *testing.T) {
	rules, _ := Preset(PresetDefault, Default())
	p, _ := (&Stage{Default: rules}).NewProcessor()
	for _, d := range testcorpus.Fixture(t) {
		var s Scratch
		s.Reset(d.Text)
		if r := s.JapaneseRatio(); r < 0.9 {
			t.Errorf("%s (%s): Japanese ratio %.3f", d.ID, d.Meta["kind"], r)
		}
		if reason, _ := p.Process(d); reason != "" {
			t.Errorf("%s: dropped as %q", d.ID, reason)
		}
	}
}

func BenchmarkFilters(b *testing.B) {
	docs := testcorpus.Fixture(b)
	p, _ := (&Stage{Default: Default().Rules()}).NewProcessor()
	b.SetBytes(testcorpus.TextBytes(docs))
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			p.Process(d)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
