// Package normalize cleans Japanese text for training: Unicode NFKC, removal
// of control and invisible characters, line-ending, whitespace and blank-line
// normalization, with Japanese-specific rules made explicit:
//
//   - dakuten and handakuten are never lost: が stays が, half-width ｶﾞ becomes
//     ガ (NFKC), a spacing mark after a kana that has a voiced form is
//     composed (か゛ → が), and a spacing mark that cannot compose is kept as
//     it is rather than turned into a space plus a combining mark;
//   - the ideographic space U+3000 is kept by default where it separates
//     words inside a line (第一条　この法律は…, ○議長　…); with
//     IdeographicSpace "ascii" it becomes an ASCII space as plain NFKC
//     would have it. Indentation (whitespace at the start of a line, U+3000
//     included) is removed when TrimIndent is set.
//
// Use String on its own, or Stage in a pipeline.
package normalize

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Ideographic space modes.
const (
	IdeographicKeep  = "keep"
	IdeographicASCII = "ascii"
)

// Options selects the rules. Start from Default.
type Options struct {
	// NFKC applies Unicode NFKC (full-width ASCII → ASCII, half-width kana →
	// full-width, compatibility characters decomposed).
	NFKC bool `yaml:"nfkc" json:"nfkc"`
	// IdeographicSpace is "keep" (U+3000 inside a line survives NFKC) or "ascii".
	IdeographicSpace string `yaml:"ideographic_space" json:"ideographic_space"`
	// TrimIndent removes whitespace at the start of every line.
	TrimIndent bool `yaml:"trim_indent" json:"trim_indent"`
	// MaxBlankLines is the longest run of blank lines kept (0 joins paragraphs).
	MaxBlankLines int `yaml:"max_blank_lines" json:"max_blank_lines"`
}

// Default returns the rules jacorpus uses unless configured otherwise.
func Default() Options {
	return Options{NFKC: true, IdeographicSpace: IdeographicKeep, TrimIndent: true, MaxBlankLines: 1}
}

// Validate reports an unknown mode or a negative count.
func (o Options) Validate() error {
	if o.IdeographicSpace != IdeographicKeep && o.IdeographicSpace != IdeographicASCII {
		return fmt.Errorf("normalize: ideographic_space %q: want %q or %q", o.IdeographicSpace, IdeographicKeep, IdeographicASCII)
	}
	if o.MaxBlankLines < 0 {
		return fmt.Errorf("normalize: max_blank_lines %d must be >= 0", o.MaxBlankLines)
	}
	return nil
}

const (
	ideoSpace       = '\u3000'
	voicedSpacing   = '\u309B' // ゛
	semiSpacing     = '\u309C' // ゜
	voicedCombining = '\u3099'
	semiCombining   = '\u309A'
)

// Normalizer applies Options to strings. It reuses internal buffers, so one
// Normalizer must not be used by several goroutines at once.
type Normalizer struct {
	opts     Options
	pre, nfk []byte
	out      strings.Builder
}

// New returns a Normalizer for opts.
func New(opts Options) *Normalizer { return &Normalizer{opts: opts} }

// String returns the normalized form of s.
func String(s string) string { return New(Default()).String(s) }

// maxKeptBuffer is the largest scratch buffer a Normalizer keeps between
// calls; one huge document does not pin its size in every worker.
const maxKeptBuffer = 16 << 20

// String returns the normalized form of s.
func (n *Normalizer) String(s string) string {
	n.pre = n.clean(n.pre[:0], s)
	if n.opts.NFKC {
		n.nfk = n.nfkc(n.nfk[:0], n.pre)
	} else {
		// canonical composition only (か+゙ → が); widths and compatibility
		// characters stay as they are
		n.nfk = norm.NFC.Append(n.nfk[:0], n.pre...)
	}
	out := n.whitespace(n.nfk)
	if cap(n.pre) > maxKeptBuffer {
		n.pre = nil
	}
	if cap(n.nfk) > maxKeptBuffer {
		n.nfk = nil
	}
	return out
}

// clean unifies line endings, drops control and invisible characters and
// turns spacing sound marks after a composable kana into combining ones.
func (n *Normalizer) clean(dst []byte, s string) []byte {
	var prev rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue // invalid byte: ingest reports these; never emit them
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			r = '\n'
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			r = '\n'
		case r == '\n' || r == '\t':
		case unicode.IsControl(r), isInvisible(r):
			continue
		case r == voicedSpacing || r == semiSpacing:
			comb := rune(voicedCombining)
			if r == semiSpacing {
				comb = semiCombining
			}
			base := prev
			if n.opts.NFKC {
				base = widthFold(prev) // ｶ゛: NFKC makes ｶ カ, which composes
			}
			if composes(base, comb) {
				r = comb
			}
		}
		dst = utf8.AppendRune(dst, r)
		prev = r
	}
	return dst
}

// isInvisible reports zero-width and formatting characters that carry no text:
// BOM/ZWNBSP, zero-width space, word joiner, soft hyphen. ZWJ and ZWNJ stay
// (emoji sequences, some scripts need them).
func isInvisible(r rune) bool {
	switch r {
	case '\uFEFF', '\u200B', '\u2060', '\u00AD':
		return true
	}
	return false
}

// composes reports whether base followed by the combining mark comb has a
// precomposed form (か+゙ → が), as NFC decides.
func composes(base, comb rune) bool {
	if base == 0 {
		return false
	}
	var b [8]byte
	k := utf8.EncodeRune(b[:], base)
	k += utf8.EncodeRune(b[k:], comb)
	c := norm.NFC.Bytes(b[:k])
	return utf8.RuneCount(c) == 1
}

// widthFold returns NFKC of r when that is a single rune (half-width ｶ → カ),
// r otherwise.
func widthFold(r rune) rune {
	if r < 0xFF61 || r > 0xFFDC { // only the half-width forms matter here
		return r
	}
	s := norm.NFKC.String(string(r))
	if f, size := utf8.DecodeRuneInString(s); size == len(s) {
		return f
	}
	return r
}

// protected reports runes NFKC must leave alone: the spacing sound marks that
// did not compose (NFKC would make them a space plus a combining mark) and,
// in keep mode, U+3000.
func (n *Normalizer) protected(r rune) bool {
	return r == voicedSpacing || r == semiSpacing || (r == ideoSpace && n.opts.IdeographicSpace == IdeographicKeep)
}

// nfkc applies NFKC to the runs between protected runes; such runes are
// starters that do not combine, so splitting there changes nothing else.
func (n *Normalizer) nfkc(dst, src []byte) []byte {
	start := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if n.protected(r) {
			dst = norm.NFKC.Append(dst, src[start:i]...)
			dst = append(dst, src[i:i+size]...)
			start = i + size
		}
		i += size
	}
	return norm.NFKC.Append(dst, src[start:]...)
}

// whitespace collapses runs of horizontal space, trims lines and limits
// blank lines. A run becomes U+3000 if it is made only of U+3000, a tab if
// it holds a tab, and one ASCII space otherwise.
func (n *Normalizer) whitespace(text []byte) string {
	out := &n.out
	out.Reset()
	out.Grow(len(text))
	blank := 0         // blank lines seen since the last text line
	wroteText := false // a text line has been written
	for len(text) > 0 {
		var line []byte
		if k := bytes.IndexByte(text, '\n'); k >= 0 {
			line, text = text[:k], text[k+1:]
		} else {
			line, text = text, nil
		}
		if isBlank(line) {
			blank++
			continue
		}
		if wroteText {
			out.WriteByte('\n')
			for k := 0; k < blank && k < n.opts.MaxBlankLines; k++ {
				out.WriteByte('\n')
			}
		}
		blank = 0
		wroteText = true
		n.writeLine(out, line)
	}
	return out.String()
}

func (n *Normalizer) writeLine(out *strings.Builder, line []byte) {
	first := true
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if !isHSpace(r) {
			out.Write(line[i : i+size])
			i += size
			first = false
			continue
		}
		allIdeo, tab := true, false
		j := i
		for j < len(line) {
			r, size := utf8.DecodeRune(line[j:])
			if !isHSpace(r) {
				break
			}
			allIdeo = allIdeo && r == ideoSpace
			tab = tab || r == '\t'
			j += size
		}
		lead, trail := first, j == len(line)
		i = j
		if trail || (lead && n.opts.TrimIndent) {
			continue
		}
		switch {
		case allIdeo && n.opts.IdeographicSpace == IdeographicKeep:
			out.WriteRune(ideoSpace)
		case tab:
			out.WriteByte('\t')
		default:
			out.WriteByte(' ')
		}
	}
}

func isBlank(line []byte) bool {
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if !isHSpace(r) {
			return false
		}
		i += size
	}
	return true
}

// isHSpace reports horizontal whitespace: space, tab, U+3000 and the other
// Unicode spaces (no-break, en/em spaces …) that are not line breaks.
func isHSpace(r rune) bool {
	switch r {
	case ' ', '\t', ideoSpace:
		return true
	case '\n':
		return false
	}
	return r > 0x7f && unicode.IsSpace(r)
}

// StageName is the name of the normalize stage in stats.
const StageName = "normalize"

// Stage is the pipeline stage: every document's text is normalized in place.
// It never drops documents (empty results are for the filters to judge).
type Stage struct{ Options Options }

// Name returns "normalize".
func (Stage) Name() string { return StageName }

// NewProcessor returns a processor with its own buffers.
func (s Stage) NewProcessor() (pipeline.Processor, error) {
	if err := s.Options.Validate(); err != nil {
		return nil, err
	}
	n := New(s.Options)
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		d.Text = n.String(d.Text)
		return "", nil
	}), nil
}
