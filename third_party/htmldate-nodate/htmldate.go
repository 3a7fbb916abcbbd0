// Package htmldate takes the place of github.com/markusmobius/go-htmldate
// in jacorpus builds (a replace directive in jacorpus's go.mod). It has the
// API go-trafilatura compiles against and finds no date.
//
// Why: go-trafilatura imports go-htmldate, which imports go-dateparser,
// whose package initialisation builds locale tables for every language:
// 0.37 s of CPU and 78 MB of allocations at the start of every jacorpus
// process (GODEBUG=inittrace=1), whatever the process does. jacorpus never
// asks trafilatura for dates (extract sets HtmlDateMode: Disabled, so
// FromDocument is never called), and a scheduler array job of 10,000 tasks
// would pay that start 10,000 times. Programs that import jacorpus's
// packages are not affected: a dependency's replace directives do not
// apply to them, and they get the real go-htmldate.
package htmldate

import (
	"errors"
	"time"

	"golang.org/x/net/html"
)

// Options mirrors go-htmldate's extractor options (the fields
// go-trafilatura sets); they are ignored.
type Options struct {
	ExtractTime         bool
	UseOriginalDate     bool
	URL                 string
	MinDate             time.Time
	MaxDate             time.Time
	EnableLog           bool
	SkipExtensiveSearch bool
	DeferUrlExtractor   bool
}

// Result mirrors go-htmldate's result.
type Result struct {
	DateTime    time.Time
	HasTime     bool
	HasTimezone bool
	SrcString   string
}

// IsZero reports whether no date was found.
func (r Result) IsZero() bool { return r.DateTime.IsZero() }

// ErrNoDates is what FromDocument returns: this build extracts no dates.
var ErrNoDates = errors.New("htmldate: date extraction is not part of jacorpus builds")

// FromDocument finds no date.
func FromDocument(doc *html.Node, opts Options) (Result, error) { return Result{}, ErrNoDates }
