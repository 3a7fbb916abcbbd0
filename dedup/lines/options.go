package lines

import (
	"errors"
	"fmt"
	"math"
)

// Default line lengths, in characters (runes) after trimming. 200
// characters holds a menu, a footer or a breadcrumb line; a longer line is
// almost always body text, which should never be removed as boilerplate.
const (
	DefaultMaxChars = 200
	DefaultMinChars = 1
)

// Options says which lines are counted and which counts make a line
// boilerplate.
type Options struct {
	// MinDocs: a line is boilerplate when at least this many documents
	// contain it (0 = this test off).
	MinDocs int64 `yaml:"min_docs" json:"min_docs"`
	// MinFraction: a line is boilerplate when at least this fraction of the
	// counted documents contain it (0 = off). If both tests are set, a line
	// passing either is boilerplate, but never a line in fewer than 2
	// documents.
	MinFraction float64 `yaml:"min_fraction" json:"min_fraction"`
	// MaxChars: only lines of at most this many characters (runes, after
	// trimming) are counted and removed; DefaultMaxChars when 0.
	MaxChars int `yaml:"max_chars" json:"max_chars"`
	// MinChars: lines shorter than this (after trimming) are ignored;
	// DefaultMinChars when 0. A blank line never counts.
	MinChars int `yaml:"min_chars" json:"min_chars"`
}

// WithDefaults returns o with DefaultMaxChars and DefaultMinChars in place of
// zero lengths.
func (o Options) WithDefaults() Options {
	if o.MaxChars == 0 {
		o.MaxChars = DefaultMaxChars
	}
	if o.MinChars == 0 {
		o.MinChars = DefaultMinChars
	}
	return o
}

// Validate reports options that cannot be right, one error per problem
// (joined), each starting with "lines: " and the field's YAML key. Lengths
// are checked after WithDefaults: MaxChars >= MinChars >= 1. MinDocs must be
// >= 0, MinFraction in [0, 1] (NaN is not), and at least one of them set.
func (o Options) Validate() error {
	var errs []error
	if o.MinDocs < 0 {
		errs = append(errs, fmt.Errorf("lines: min_docs %d must be >= 0 (0: off)", o.MinDocs))
	}
	if !(o.MinFraction >= 0 && o.MinFraction <= 1) {
		errs = append(errs, fmt.Errorf("lines: min_fraction %g is not a number in [0, 1] (0: off)", o.MinFraction))
	}
	if o.MinDocs == 0 && o.MinFraction == 0 {
		errs = append(errs, errors.New("lines: set min_docs or min_fraction (both are 0: no line would be boilerplate)"))
	}
	d := o.WithDefaults()
	if d.MinChars < 1 {
		errs = append(errs, fmt.Errorf("lines: min_chars %d must be >= 1 (0: %d)", o.MinChars, DefaultMinChars))
	}
	if d.MaxChars < d.MinChars {
		errs = append(errs, fmt.Errorf("lines: max_chars %d must be >= min_chars %d (0: %d)", d.MaxChars, d.MinChars, DefaultMaxChars))
	}
	return errors.Join(errs...)
}

// threshold returns the smallest document count that makes a line
// boilerplate among docs counted documents; ok is false when no count can
// (neither test set, or MinFraction with no document counted).
func (o Options) threshold(docs int64) (need int64, ok bool) {
	need = math.MaxInt64
	if o.MinDocs > 0 {
		need, ok = o.MinDocs, true
	}
	if f := o.MinFraction; f > 0 && f <= 1 && docs > 0 {
		need, ok = min(need, fractionNeed(f, docs)), true
	}
	return max(need, 2), ok
}

// fractionNeed returns the smallest d with float64(d)/float64(total) >= f,
// for 0 < f <= 1 and total > 0. Comparing the correctly rounded quotient
// (rather than d >= ⌈f·total⌉) makes 55 of 100 documents pass MinFraction
// 0.55, although 0.55·100 is 55.00000000000001 in binary floating point.
func fractionNeed(f float64, total int64) int64 {
	t := float64(total)
	d := int64(math.Ceil(f * t))
	for d > 0 && float64(d-1)/t >= f {
		d--
	}
	for float64(d)/t < f {
		d++
	}
	return d
}
