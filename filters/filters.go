// Package filters holds the quality rules that drop documents. Each rule is a
// small named type with a documented threshold and drop reason. Character
// class counts are computed once per document into a Scratch value that every
// rule of the document reads.
//
// Rules are grouped into presets (a preset is chosen per input source); the
// first presets are "default" (the configured thresholds) and "none".
package filters

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Scratch holds per-document statistics shared by the rules. Reset fills it.
type Scratch struct {
	// Chars counts runes.
	Chars int
	// Letters counts runes with Unicode category L (any script).
	Letters int
	// Hiragana, Katakana and Kanji count runes of those scripts; the prolonged
	// sound mark ー counts as katakana, 々 and 〆 as kanji.
	Hiragana, Katakana, Kanji int
}

// Reset computes the statistics of text.
func (s *Scratch) Reset(text string) {
	*s = Scratch{}
	for _, r := range text {
		s.Chars++
		if r < utf8.RuneSelf {
			if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
				s.Letters++
			}
			continue
		}
		switch {
		// fast paths for the common blocks, then the full script tables
		case 0x3041 <= r && r <= 0x3096:
			s.Hiragana++
		case 0x30A1 <= r && r <= 0x30FA, r == 'ー':
			s.Katakana++
		case 0x4E00 <= r && r <= 0x9FFF, r == '々', r == '〆':
			s.Kanji++
		case unicode.Is(unicode.Hiragana, r):
			s.Hiragana++
		case unicode.Is(unicode.Katakana, r) || r == 'ー' || r == 'ｰ':
			s.Katakana++
		case unicode.Is(unicode.Han, r):
			s.Kanji++
		case unicode.IsLetter(r):
			s.Letters++
			continue
		default:
			continue
		}
		s.Letters++
	}
}

// JapaneseRatio returns (hiragana + katakana + kanji) / letters, 0 when the
// text has no letters.
func (s *Scratch) JapaneseRatio() float64 {
	if s.Letters == 0 {
		return 0
	}
	return float64(s.Hiragana+s.Katakana+s.Kanji) / float64(s.Letters)
}

// Rule is one quality check. Check returns a non-empty reason to drop.
type Rule interface {
	Name() string
	Check(d *pipeline.Document, s *Scratch) (reason string)
}

// Drop reasons of the first rules.
const (
	ReasonTooShort     = "too_short"
	ReasonTooLong      = "too_long"
	ReasonLowJapanese  = "low_japanese_ratio"
	defaultMinChars    = 50
	defaultMaxChars    = 1_000_000
	defaultMinJapanese = 0.5
	PresetDefault      = "default"
	PresetNone         = "none"
)

// MinChars drops documents shorter than N characters (runes, after
// normalization): fragments, navigation left-overs, one-line speeches.
type MinChars struct{ N int }

// Name returns "min_chars".
func (MinChars) Name() string { return "min_chars" }

// Check drops text shorter than N runes.
func (r MinChars) Check(_ *pipeline.Document, s *Scratch) string {
	if s.Chars < r.N {
		return ReasonTooShort
	}
	return ""
}

// MaxChars drops documents longer than N characters: dumps and concatenations
// that would dominate a shard (and a tokenizer's memory).
type MaxChars struct{ N int }

// Name returns "max_chars".
func (MaxChars) Name() string { return "max_chars" }

// Check drops text longer than N runes.
func (r MaxChars) Check(_ *pipeline.Document, s *Scratch) string {
	if r.N > 0 && s.Chars > r.N {
		return ReasonTooLong
	}
	return ""
}

// MinJapaneseRatio drops documents where hiragana + katakana + kanji make up
// less than Ratio of the letters (letters = Unicode category L, so digits,
// punctuation and symbols do not count either way). Japanese prose scores
// above 0.9; English or code pages with a Japanese menu score low.
type MinJapaneseRatio struct{ Ratio float64 }

// Name returns "min_japanese_ratio".
func (MinJapaneseRatio) Name() string { return "min_japanese_ratio" }

// Check drops text whose Japanese ratio is below Ratio.
func (r MinJapaneseRatio) Check(_ *pipeline.Document, s *Scratch) string {
	if s.JapaneseRatio() < r.Ratio {
		return ReasonLowJapanese
	}
	return ""
}

// Options are the thresholds of the default preset. The defaults are chosen
// for mixed government/literary/web text: 50 characters removes one-line
// procedural speeches (「散会いたします。」) and fragments, 1,000,000 keeps a
// whole novel, and 0.5 keeps Japanese text with embedded Latin terms.
type Options struct {
	MinChars         int     `yaml:"min_chars" json:"min_chars"`
	MaxChars         int     `yaml:"max_chars" json:"max_chars"`
	MinJapaneseRatio float64 `yaml:"min_japanese_ratio" json:"min_japanese_ratio"`
}

// Default returns the default thresholds.
func Default() Options {
	return Options{MinChars: defaultMinChars, MaxChars: defaultMaxChars, MinJapaneseRatio: defaultMinJapanese}
}

// Validate reports thresholds that cannot be right, one error per field
// (joined), each starting with "filters: " and the field's YAML key. NaN is
// not a ratio.
func (o Options) Validate() error {
	var errs []error
	if o.MinChars < 0 {
		errs = append(errs, fmt.Errorf("filters: min_chars %d must be >= 0", o.MinChars))
	}
	if o.MaxChars < 0 {
		errs = append(errs, fmt.Errorf("filters: max_chars %d must be >= 0 (0: no limit)", o.MaxChars))
	} else if o.MaxChars > 0 && o.MaxChars < o.MinChars {
		errs = append(errs, fmt.Errorf("filters: max_chars %d must be >= min_chars %d (or 0: no limit)", o.MaxChars, o.MinChars))
	}
	if !(o.MinJapaneseRatio >= 0 && o.MinJapaneseRatio <= 1) {
		errs = append(errs, fmt.Errorf("filters: min_japanese_ratio %g is not a number in [0, 1]", o.MinJapaneseRatio))
	}
	return errors.Join(errs...)
}

// Rules returns the rules of the default preset for o, cheapest first.
func (o Options) Rules() []Rule {
	var rs []Rule
	if o.MinChars > 0 {
		rs = append(rs, MinChars{o.MinChars})
	}
	if o.MaxChars > 0 {
		rs = append(rs, MaxChars{o.MaxChars})
	}
	if o.MinJapaneseRatio > 0 {
		rs = append(rs, MinJapaneseRatio{o.MinJapaneseRatio})
	}
	return rs
}

// Presets returns the names of the known presets.
func Presets() []string { return []string{PresetDefault, PresetNone} }

// CheckPreset reports whether name ("" means default) is a known preset.
func CheckPreset(name string) error {
	switch name {
	case "", PresetDefault, PresetNone:
		return nil
	}
	return fmt.Errorf("filters: unknown preset %q (known: %v)", name, Presets())
}

// Preset returns the rules of the named preset ("" means default).
func Preset(name string, o Options) ([]Rule, error) {
	if err := CheckPreset(name); err != nil {
		return nil, err
	}
	if name == PresetNone {
		return nil, nil
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o.Rules(), nil
}

// StageName is the name of the filters stage in stats.
const StageName = "filters"

// Stage applies rules to every document: BySource[d.Source] when present,
// else Default. The first rule that fails drops the document with its reason.
type Stage struct {
	Default  []Rule
	BySource map[string][]Rule
}

// Name returns "filters".
func (*Stage) Name() string { return StageName }

// NewProcessor returns a processor with its own Scratch.
func (st *Stage) NewProcessor() (pipeline.Processor, error) {
	var s Scratch
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		rules, ok := st.BySource[d.Source]
		if !ok {
			rules = st.Default
		}
		if len(rules) == 0 {
			return "", nil
		}
		s.Reset(d.Text)
		for _, r := range rules {
			if reason := r.Check(d, &s); reason != "" {
				return reason, nil
			}
		}
		return "", nil
	}), nil
}
