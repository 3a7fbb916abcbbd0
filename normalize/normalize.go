// Package normalize cleans Japanese text for training: Unicode NFKC, removal
// of control and invisible characters, line-ending, whitespace and blank-line
// normalization, with Japanese-specific rules made explicit:
//
//   - dakuten and handakuten are never lost: が stays が, half-width ｶﾞ becomes
//     ガ (NFKC), a spacing mark after a kana that has a voiced form is
//     composed (か゛ → が, ｶ゛ → ガ), and one that cannot compose stays a
//     spacing mark (under NFKC half-width ﾞﾟ become ゛゜) rather than turning
//     into a space plus a combining mark. A combining U+3099/U+309A with
//     nothing to sit on (at the start of a line or after whitespace) becomes
//     ゛/゜. NFKC does not split other spacing accents (´ ¨ ￣ …) either;
//   - the ideographic space U+3000 is kept by default where it separates
//     words inside a line (第一条　この法律は…, ○議長　…); with
//     IdeographicSpace "ascii" it becomes an ASCII space as plain NFKC
//     would have it. Indentation (whitespace at the start of a line, U+3000
//     included) is removed when TrimIndent is set;
//   - form feed and vertical tab are line breaks, like CR, NEL, U+2028/2029.
//
// Use String on its own, or Stage in a pipeline.
package normalize

import (
	"bytes"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/internal/nfkc"
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
	voicedHalf      = '\uFF9E' // ﾞ
	semiHalf        = '\uFF9F' // ﾟ
)

// placeholder stands for a protected rune while norm runs. It is a
// noncharacter, which norm copies and never combines with anything, so
// the text on either side of it is normalized on its own.
const (
	placeholder      = '\uFDD0'
	placeholderBytes = "\uFDD0"
)

var placeholderSeq = []byte(placeholderBytes)

// pieceSize is the most input String handles at a time (unless no safe cut
// exists within it, see cut).
const pieceSize = 64 << 10

// Normalizer applies Options to strings. It reuses internal buffers, so one
// Normalizer must not be used by several goroutines at once.
type Normalizer struct {
	opts  Options
	form  norm.Form // NFKC, or NFC when Options.NFKC is off
	piece int       // pieceSize; tests make it tiny
	pre   []byte    // one slow segment after clean
	nfk   []byte    // one slow segment after form
	prot  []rune    // the protected runes of pre, in order
	ws    lineState
	fast  *fastTable // the rune classes of the fast path for form
	out   output     // the result of the current call
}

// New returns a Normalizer for opts.
func New(opts Options) *Normalizer {
	f := norm.NFC // canonical composition only (か+゙ → が)
	if opts.NFKC {
		f = norm.NFKC
	}
	return &Normalizer{opts: opts, form: f, piece: pieceSize}
}

// String returns the normalized form of s.
func String(s string) string { return New(Default()).String(s) }

// maxKeptBuffer is the largest scratch buffer a Normalizer keeps between
// calls; a document without safe cuts does not pin its size in every worker.
const maxKeptBuffer = 2 * pieceSize

// String returns the normalized form of s, s itself when it is already
// normal.
//
// s is processed in pieces of about 64 KiB cut where no rule looks across
// (see safeCut), so a call holds s, the result and piece-sized scratch.
// Within a piece, runs of runes that the rules leave as they are or map on
// their own (see fastRun) are written directly; the rest goes through
// clean, the normal form and whitespace in segments between safe cuts.
func (n *Normalizer) String(s string) string {
	if n.piece <= 0 {
		n.piece = pieceSize // zero Normalizer
	}
	if n.fast == nil {
		n.fast = fastTableFor(n.form)
	}
	n.ws = lineState{}
	n.out = output{src: s}
	for off := 0; off < len(s); {
		end := off + n.cut(s[off:])
		n.processPiece(s, off, end)
		off = end
	}
	if cap(n.nfk) > maxKeptBuffer || cap(n.pre) > maxKeptBuffer {
		n.pre, n.nfk, n.prot = nil, nil, nil
	}
	res := n.out.result()
	n.out = output{} // do not keep s
	return res
}

// processPiece writes the result of s[lo:hi], a piece between safe cuts.
// Cutting s at more safe cuts changes nothing (TestPieces), and the
// position after every rune fastRun writes is one, so the fast runs and the
// slow segments between them can be processed one after the other.
func (n *Normalizer) processPiece(s string, lo, hi int) {
	for i := lo; i < hi; {
		i = n.fastRun(s, i, hi)
		if i == hi {
			return
		}
		e := n.slowEnd(s, i, hi)
		n.pre = n.clean(n.pre[:0], s[i:e])
		n.nfk = n.normalize(n.nfk[:0], n.pre)
		n.whitespace(n.nfk)
		i = e
	}
}

// slowEnd returns the end of the slow segment that starts at s[i]: the
// first safe cut after s[i] before a rune of the fast path, or hi.
func (n *Normalizer) slowEnd(s string, i, hi int) int {
	_, size := utf8.DecodeRuneInString(s[i:hi])
	for j := i + size; j < hi; j += size {
		c, _ := n.fast.at(s, j, hi)
		if c != kSlow && n.safeCut(s, j) {
			return j
		}
		_, size = utf8.DecodeRuneInString(s[j:hi])
	}
	return hi
}

// cut returns the length of the next piece of s: at most n.piece bytes when
// a safe cut exists there, else up to the first safe cut after it (only
// input without one in 64 KiB, such as a run of combining marks, makes a
// longer piece).
func (n *Normalizer) cut(s string) int {
	if len(s) <= n.piece {
		return len(s)
	}
	for k := n.piece; k > 0; k-- {
		if n.safeCut(s, k) {
			return k
		}
	}
	for k := n.piece + 1; k < len(s); k++ {
		if n.safeCut(s, k) {
			return k
		}
	}
	return len(s)
}

// safeCut reports whether processing s[:k] and s[k:] one after the other
// gives the same result as processing s at once. That holds after a line
// feed, before whitespace other than the LF of CR LF, and before a rune
// that clean keeps and the normal form cannot combine with anything before
// (norm's BoundaryBefore), unless it is a sound mark that could compose
// with the rune before. Whitespace state is carried across pieces, so a
// cut may fall inside a whitespace run.
func (n *Normalizer) safeCut(s string, k int) bool {
	if s[k-1] == '\n' {
		return true
	}
	c := s[k]
	if c < utf8.RuneSelf {
		return c >= ' ' && c < 0x7f || c >= '\t' && c <= '\r' && (c != '\n' || s[k-1] != '\r')
	}
	r, size := utf8.DecodeRuneInString(s[k:])
	switch {
	case lineBreak(r):
		return true
	case size == 1, dropped(r):
		return false
	case soundMark(r):
		// the rune before a sound mark that is itself one never composes
		// again (が゛, ゛゛)
		p, _ := utf8.DecodeLastRuneInString(s[:k])
		return soundMark(p)
	}
	return n.form.PropertiesString(s[k:]).BoundaryBefore()
}

// clean appends s to dst with line breaks unified to '\n', control,
// invisible and invalid bytes dropped, and protected runes replaced by the
// placeholder (saved in n.prot).
func (n *Normalizer) clean(dst []byte, s string) []byte {
	n.prot = n.prot[:0]
	valid := utf8.ValidString(s)
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != 0x7f || c == '\n' || c == '\t' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			i++
			switch c {
			case '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				dst = append(dst, '\n')
			case '\v', '\f':
				dst = append(dst, '\n')
			}
			start = i
			continue
		}
		if valid && !mayChange(s, i) {
			i += seqLen(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var prot bool
		switch {
		case size == 1, dropped(r):
		case lineBreak(r):
			r = '\n'
		case n.protected(r):
			prot = true
		default:
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch {
		case prot:
			dst = append(dst, placeholderBytes...)
			n.prot = append(n.prot, r)
		case r == '\n':
			dst = append(dst, '\n')
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// mayChange reports whether clean must look at the valid multi-byte rune
// at s[i]: it may be dropped, a line break or protected. Most kana and all
// kanji are not.
func mayChange(s string, i int) bool {
	switch s[i] {
	case 0xC2, 0xCB, 0xCD, 0xCE, 0xE1, 0xE2:
		return true
	case 0xE3: // U+3000, ゛゜
		return s[i+1] == 0x80 && s[i+2] == 0x80 || s[i+1] == 0x82 && (s[i+2] == 0x9B || s[i+2] == 0x9C)
	case 0xEF: // U+FC5E…, placeholder, U+FE49…, BOM, ﾞﾟ, ￣
		b := s[i+1]
		return b == 0xB1 || b == 0xB7 || b == 0xB9 || b == 0xBB || b >= 0xBE
	}
	return false
}

// seqLen is the length of the UTF-8 sequence that starts with byte c ≥ 0x80.
func seqLen(c byte) int {
	switch {
	case c < 0xE0:
		return 2
	case c < 0xF0:
		return 3
	}
	return 4
}

// lineBreak reports the line breaks other than '\n', '\r', '\v', '\f'.
func lineBreak(r rune) bool { return r == '\u2028' || r == '\u2029' || r == '\u0085' }

// dropped reports the multi-byte runes clean removes: C1 controls other
// than NEL, and invisible characters.
func dropped(r rune) bool { return unicode.IsControl(r) && !lineBreak(r) || isInvisible(r) }

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

// soundMark reports the spacing sound marks: ゛゜ and half-width ﾞﾟ.
func soundMark(r rune) bool {
	return r == voicedSpacing || r == semiSpacing || r == voicedHalf || r == semiHalf
}

// spacingAccent reports the characters other than ゛゜ whose NFKC form is a
// space followed by combining marks (´ → " ́", ￣ → " ̄"); TestSpacingAccents
// checks the list against norm.
func spacingAccent(r rune) bool {
	switch r {
	case 0x00A8, 0x00AF, 0x00B4, 0x00B8, 0x037A, 0x0384, 0x0385, 0x1FBD,
		0x1FED, 0x1FEE, 0x1FFD, 0x1FFE, 0x2017, 0x203E, 0xFE70, 0xFE72,
		0xFE74, 0xFE76, 0xFE78, 0xFE7A, 0xFE7C, 0xFE7E, 0xFFE3:
		return true
	}
	return 0x02D8 <= r && r <= 0x02DD || 0x1FBF <= r && r <= 0x1FC1 ||
		0x1FCD <= r && r <= 0x1FCF || 0x1FDD <= r && r <= 0x1FDF ||
		0xFC5E <= r && r <= 0xFC63 || 0xFE49 <= r && r <= 0xFE4C
}

// protected reports the runes the normal form must not see:
//   - U+3000 in keep mode (NFKC makes it a space);
//   - the sound marks ゛゜, and ﾞﾟ under NFKC (NFKC makes them a combining
//     mark, with a space for ゛゜), which compose with the rune before them;
//   - the spacing accents under NFKC;
//   - the placeholder itself, when the input has it.
func (n *Normalizer) protected(r rune) bool {
	switch r {
	case voicedSpacing, semiSpacing, placeholder:
		return true
	case ideoSpace:
		return n.opts.NFKC && n.opts.IdeographicSpace == IdeographicKeep
	case voicedHalf, semiHalf:
		return n.opts.NFKC
	}
	return n.opts.NFKC && spacingAccent(r)
}

// normalize appends the normal form of src, a cleaned piece, to dst, then
// puts the protected runes back in place of the placeholders:
//   - a sound mark composes with the rune before it when they have a
//     precomposed form (か゛ → が, ｶﾞ → ガ), else becomes ゛/゜;
//   - a spacing accent is put in NFC (U+1FEE → U+0385);
//   - U+3000 and the placeholder are copied.
func (n *Normalizer) normalize(dst, src []byte) []byte {
	if need := len(src) + len(src)/8 + 16; cap(dst) < need {
		dst = make([]byte, 0, need)
	}
	if n.form == norm.NFKC {
		// internal/nfkc gives what norm.NFKC gives, faster
		dst = nfkc.Append(dst, unsafe.String(unsafe.SliceData(src), len(src)))
	} else {
		dst = appendForm(dst, n.form, src)
	}
	if len(n.prot) == 0 {
		return dst
	}
	// Each placeholder becomes at most 3 bytes and a composition does not
	// grow the rune before, so writing at w never overtakes reading at rd.
	w, rd := 0, 0
	for _, r := range n.prot {
		j := bytes.Index(dst[rd:], placeholderSeq)
		if j < 0 {
			panic("normalize: a placeholder was lost")
		}
		w += copy(dst[w:], dst[rd:rd+j])
		rd += j + len(placeholderBytes)
		var put []byte
		switch {
		case soundMark(r):
			put = appendSoundMark(dst[:w], r)
		case spacingAccent(r):
			put = appendForm(dst[:w], norm.NFC, utf8.AppendRune(nil, r))
		default:
			put = utf8.AppendRune(dst[:w], r)
		}
		w = len(put)
	}
	w += copy(dst[w:], dst[rd:])
	return dst[:w]
}

// appendForm appends f(p) to dst. norm gets an empty buffer, so it starts
// afresh instead of re-normalizing the end of dst.
func appendForm(dst []byte, f norm.Form, p []byte) []byte {
	if len(p) == 0 {
		return dst
	}
	res := f.Append(dst[len(dst):], p...)
	if len(res) > 0 && cap(dst) > len(dst) && &res[0] == &dst[:len(dst)+1][len(dst)] {
		return dst[:len(dst)+len(res)] // written in place
	}
	return append(dst, res...)
}

// appendSoundMark appends the sound mark r to dst, composed with the last
// rune of dst when that has a voiced or semi-voiced form.
func appendSoundMark(dst []byte, r rune) []byte {
	comb, spacing := rune(voicedCombining), rune(voicedSpacing)
	if r == semiSpacing || r == semiHalf {
		comb, spacing = semiCombining, semiSpacing
	}
	if last, size := utf8.DecodeLastRune(dst); size > 0 {
		if c, ok := compose(last, comb); ok {
			return utf8.AppendRune(dst[:len(dst)-size], c)
		}
	}
	return utf8.AppendRune(dst, spacing)
}

// kanaVoiced holds the precomposed form of every kana in U+3040–U+30FF with
// U+3099 (index 0) and U+309A (index 1), or 0.
var kanaVoiced = sync.OnceValue(func() (t *[2][0xC0]rune) {
	t = new([2][0xC0]rune)
	for i := range t[0] {
		for j, comb := range []rune{voicedCombining, semiCombining} {
			t[j][i] = nfcPair(0x3040+rune(i), comb)
		}
	}
	return t
})

// compose returns the precomposed form of base followed by the combining
// mark comb (か+゙ → が), as NFC decides.
func compose(base, comb rune) (rune, bool) {
	var c rune
	if 0x3040 <= base && base < 0x3100 {
		c = kanaVoiced()[comb-voicedCombining][base-0x3040]
	} else {
		c = nfcPair(base, comb)
	}
	return c, c != 0
}

// nfcPair returns NFC of base+comb when that is a single rune, else 0.
func nfcPair(base, comb rune) rune {
	s := norm.NFC.String(string([]rune{base, comb}))
	if r, size := utf8.DecodeRuneInString(s); size == len(s) && r != utf8.RuneError {
		return r
	}
	return 0
}

// lineState is what whitespace carries from one piece to the next.
type lineState struct {
	wrote   bool // a text line has been written
	inLine  bool // the current line has text
	blank   int  // blank lines since the last text line
	space   bool // a run of horizontal space is pending
	allIdeo bool // the pending run is only U+3000
	tab     bool // the pending run holds a tab
}

// whitespace writes text to out with runs of horizontal space collapsed,
// lines trimmed and blank lines limited. A run becomes U+3000 if it is made
// only of U+3000 (keep mode), a tab if it holds a tab, and one ASCII space
// otherwise. A combining U+3099/U+309A at the start of a line or after a run
// becomes ゛/゜.
func (n *Normalizer) whitespace(text []byte) {
	st, out := &n.ws, &n.out
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
		}
		if c == '\n' {
			if !st.inLine {
				st.blank++
			}
			st.inLine, st.space = false, false
			i++
			continue
		}
		if isHSpace(r) {
			if !st.space {
				st.space, st.allIdeo, st.tab = true, true, false
			}
			st.allIdeo = st.allIdeo && r == ideoSpace
			st.tab = st.tab || r == '\t'
			i += size
			continue
		}
		bare := st.space || !st.inLine
		n.startText()
		if bare && (r == voicedCombining || r == semiCombining) {
			out.writeRune(r + (voicedSpacing - voicedCombining))
			i += size
		}
		j := textEnd(text, i)
		out.write(text[i:j])
		i = j
	}
}

// startText writes what goes before text: the line breaks before a new
// line, or the pending whitespace run.
func (n *Normalizer) startText() {
	st, out := &n.ws, &n.out
	run := st.space
	if !st.inLine {
		if st.wrote {
			out.writeByte('\n')
			for k := 0; k < st.blank && k < n.opts.MaxBlankLines; k++ {
				out.writeByte('\n')
			}
		}
		st.wrote, st.inLine, st.blank = true, true, 0
		run = run && !n.opts.TrimIndent
	}
	st.space = false
	if !run {
		return
	}
	switch {
	case st.allIdeo && n.opts.IdeographicSpace == IdeographicKeep:
		out.writeString("\u3000")
	case st.tab:
		out.writeByte('\t')
	default:
		out.writeByte(' ')
	}
}

// textEnd returns the end of the text that starts at text[i]: the next
// horizontal space or line feed, or len(text). text is valid UTF-8.
func textEnd(text []byte, i int) int {
	for i < len(text) {
		c := text[i]
		switch {
		case c < utf8.RuneSelf:
			if c == ' ' || c == '\t' || c == '\n' {
				return i
			}
			i++
		case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3: // all spaces above U+007F start so
			r, size := utf8.DecodeRune(text[i:])
			if isHSpace(r) {
				return i
			}
			i += size
		default:
			i += seqLen(c)
		}
	}
	return len(text)
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
type Stage struct {
	Options Options
	// KeepRaw leaves the text as read in Document.Scratch under
	// pipeline.RawText when normalization changes it.
	KeepRaw bool
}

// Name returns "normalize".
func (Stage) Name() string { return StageName }

// NewProcessor returns a processor with its own buffers.
func (s Stage) NewProcessor() (pipeline.Processor, error) {
	if err := s.Options.Validate(); err != nil {
		return nil, err
	}
	n := New(s.Options)
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		out := n.String(d.Text)
		if s.KeepRaw && out != d.Text {
			d.Scratch.Set(pipeline.RawText{}, d.Text)
		}
		d.Text = out
		return "", nil
	}), nil
}
