package normalize

// The implementation of String before the fast path (commit dfa48bd),
// kept verbatim apart from names as the reference the differential tests
// compare with: clean, normalize (x/text) and whitespace over every piece.

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// oldPlaceholder stands for a protected rune while norm runs. It is a
// noncharacter, which norm copies and never combines with anything, so
// the text on either side of it is normalized on its own.
const (
	oldPlaceholder      = '\uFDD0'
	oldPlaceholderBytes = "\uFDD0"
)

var oldPlaceholderSeq = []byte(oldPlaceholderBytes)

// oldPieceSize is the most input String handles at a time (unless no safe cut
// exists within it, see cut).
const oldPieceSize = 64 << 10

// oldNormalizer applies Options to strings. It reuses internal buffers, so one
// oldNormalizer must not be used by several goroutines at once.
type oldNormalizer struct {
	opts  Options
	form  norm.Form // NFKC, or NFC when Options.NFKC is off
	piece int       // oldPieceSize; tests make it tiny
	pre   []byte    // one piece after clean
	nfk   []byte    // one piece after form
	prot  []rune    // the protected runes of pre, in order
	ws    oldLineState
}

// newOld returns the reference normalizer for opts.
func newOld(opts Options) *oldNormalizer {
	f := norm.NFC // canonical composition only (か+゙ → が)
	if opts.NFKC {
		f = norm.NFKC
	}
	return &oldNormalizer{opts: opts, form: f, piece: oldPieceSize}
}

// oldMaxKeptBuffer is the largest scratch buffer a oldNormalizer keeps between
// calls; a document without safe cuts does not pin its size in every worker.
const oldMaxKeptBuffer = 2 * oldPieceSize

// String returns the normalized form of s.
//
// s is processed in pieces of about 64 KiB cut where no rule looks across
// (see safeCut), each cleaned, normalized and whitespace-normalized in turn,
// so a call holds s, the result and piece-sized scratch.
func (n *oldNormalizer) String(s string) string {
	if n.piece <= 0 {
		n.piece = oldPieceSize // zero oldNormalizer
	}
	var out strings.Builder
	out.Grow(len(s)) // the result is rarely longer than s
	n.ws = oldLineState{}
	for len(s) > 0 {
		k := n.cut(s)
		n.pre = n.clean(n.pre[:0], s[:k])
		n.nfk = n.normalize(n.nfk[:0], n.pre)
		n.whitespace(&out, n.nfk)
		s = s[k:]
	}
	if cap(n.nfk) > oldMaxKeptBuffer || cap(n.pre) > oldMaxKeptBuffer {
		n.pre, n.nfk, n.prot = nil, nil, nil
	}
	res := out.String()
	if len(res) < out.Cap()/2 {
		res = strings.Clone(res) // do not pin a buffer twice its size
	}
	return res
}

// cut returns the length of the next piece of s: at most n.piece bytes when
// a safe cut exists there, else up to the first safe cut after it (only
// input without one in 64 KiB, such as a run of combining marks, makes a
// longer piece).
func (n *oldNormalizer) cut(s string) int {
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
// (norm's BoundaryBefore), unless it is a sound mark that could oldCompose
// with the rune before. Whitespace state is carried across pieces, so a
// cut may fall inside a whitespace run.
func (n *oldNormalizer) safeCut(s string, k int) bool {
	if s[k-1] == '\n' {
		return true
	}
	c := s[k]
	if c < utf8.RuneSelf {
		return c >= ' ' && c < 0x7f || c >= '\t' && c <= '\r' && (c != '\n' || s[k-1] != '\r')
	}
	r, size := utf8.DecodeRuneInString(s[k:])
	switch {
	case oldLineBreak(r):
		return true
	case size == 1, oldDropped(r):
		return false
	case oldSoundMark(r):
		// the rune before a sound mark that is itself one never composes
		// again (が゛, ゛゛)
		p, _ := utf8.DecodeLastRuneInString(s[:k])
		return oldSoundMark(p)
	}
	return n.form.PropertiesString(s[k:]).BoundaryBefore()
}

// clean appends s to dst with line breaks unified to '\n', control,
// invisible and invalid bytes oldDropped, and protected runes replaced by the
// oldPlaceholder (saved in n.prot).
func (n *oldNormalizer) clean(dst []byte, s string) []byte {
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
		if valid && !oldMayChange(s, i) {
			i += oldSeqLen(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var prot bool
		switch {
		case size == 1, oldDropped(r):
		case oldLineBreak(r):
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
			dst = append(dst, oldPlaceholderBytes...)
			n.prot = append(n.prot, r)
		case r == '\n':
			dst = append(dst, '\n')
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// oldMayChange reports whether clean must look at the valid multi-byte rune
// at s[i]: it may be oldDropped, a line break or protected. Most kana and all
// kanji are not.
func oldMayChange(s string, i int) bool {
	switch s[i] {
	case 0xC2, 0xCB, 0xCD, 0xCE, 0xE1, 0xE2:
		return true
	case 0xE3: // U+3000, ゛゜
		return s[i+1] == 0x80 && s[i+2] == 0x80 || s[i+1] == 0x82 && (s[i+2] == 0x9B || s[i+2] == 0x9C)
	case 0xEF: // U+FC5E…, oldPlaceholder, U+FE49…, BOM, ﾞﾟ, ￣
		b := s[i+1]
		return b == 0xB1 || b == 0xB7 || b == 0xB9 || b == 0xBB || b >= 0xBE
	}
	return false
}

// oldSeqLen is the length of the UTF-8 sequence that starts with byte c ≥ 0x80.
func oldSeqLen(c byte) int {
	switch {
	case c < 0xE0:
		return 2
	case c < 0xF0:
		return 3
	}
	return 4
}

// oldLineBreak reports the line breaks other than '\n', '\r', '\v', '\f'.
func oldLineBreak(r rune) bool { return r == '\u2028' || r == '\u2029' || r == '\u0085' }

// oldDropped reports the multi-byte runes clean removes: C1 controls other
// than NEL, and invisible characters.
func oldDropped(r rune) bool { return unicode.IsControl(r) && !oldLineBreak(r) || oldIsInvisible(r) }

// oldIsInvisible reports zero-width and formatting characters that carry no text:
// BOM/ZWNBSP, zero-width space, word joiner, soft hyphen. ZWJ and ZWNJ stay
// (emoji sequences, some scripts need them).
func oldIsInvisible(r rune) bool {
	switch r {
	case '\uFEFF', '\u200B', '\u2060', '\u00AD':
		return true
	}
	return false
}

// oldSoundMark reports the spacing sound marks: ゛゜ and half-width ﾞﾟ.
func oldSoundMark(r rune) bool {
	return r == voicedSpacing || r == semiSpacing || r == voicedHalf || r == semiHalf
}

// oldSpacingAccent reports the characters other than ゛゜ whose NFKC form is a
// space followed by combining marks (´ → " ́", ￣ → " ̄"); TestSpacingAccents
// checks the list against norm.
func oldSpacingAccent(r rune) bool {
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
//     mark, with a space for ゛゜), which oldCompose with the rune before them;
//   - the spacing accents under NFKC;
//   - the oldPlaceholder itself, when the input has it.
func (n *oldNormalizer) protected(r rune) bool {
	switch r {
	case voicedSpacing, semiSpacing, oldPlaceholder:
		return true
	case ideoSpace:
		return n.opts.NFKC && n.opts.IdeographicSpace == IdeographicKeep
	case voicedHalf, semiHalf:
		return n.opts.NFKC
	}
	return n.opts.NFKC && oldSpacingAccent(r)
}

// normalize appends the normal form of src, a cleaned piece, to dst, then
// puts the protected runes back in place of the placeholders:
//   - a sound mark composes with the rune before it when they have a
//     precomposed form (か゛ → が, ｶﾞ → ガ), else becomes ゛/゜;
//   - a spacing accent is put in NFC (U+1FEE → U+0385);
//   - U+3000 and the oldPlaceholder are copied.
func (n *oldNormalizer) normalize(dst, src []byte) []byte {
	if need := len(src) + len(src)/8 + 16; cap(dst) < need {
		dst = make([]byte, 0, need)
	}
	dst = oldAppendForm(dst, n.form, src)
	if len(n.prot) == 0 {
		return dst
	}
	// Each oldPlaceholder becomes at most 3 bytes and a composition does not
	// grow the rune before, so writing at w never overtakes reading at rd.
	w, rd := 0, 0
	for _, r := range n.prot {
		j := bytes.Index(dst[rd:], oldPlaceholderSeq)
		if j < 0 {
			panic("normalize: a oldPlaceholder was lost")
		}
		w += copy(dst[w:], dst[rd:rd+j])
		rd += j + len(oldPlaceholderBytes)
		var put []byte
		switch {
		case oldSoundMark(r):
			put = oldAppendSoundMark(dst[:w], r)
		case oldSpacingAccent(r):
			put = oldAppendForm(dst[:w], norm.NFC, utf8.AppendRune(nil, r))
		default:
			put = utf8.AppendRune(dst[:w], r)
		}
		w = len(put)
	}
	w += copy(dst[w:], dst[rd:])
	return dst[:w]
}

// oldAppendForm appends f(p) to dst. norm gets an empty buffer, so it starts
// afresh instead of re-normalizing the end of dst.
func oldAppendForm(dst []byte, f norm.Form, p []byte) []byte {
	if len(p) == 0 {
		return dst
	}
	res := f.Append(dst[len(dst):], p...)
	if len(res) > 0 && cap(dst) > len(dst) && &res[0] == &dst[:len(dst)+1][len(dst)] {
		return dst[:len(dst)+len(res)] // written in place
	}
	return append(dst, res...)
}

// oldAppendSoundMark appends the sound mark r to dst, composed with the last
// rune of dst when that has a voiced or semi-voiced form.
func oldAppendSoundMark(dst []byte, r rune) []byte {
	comb, spacing := rune(voicedCombining), rune(voicedSpacing)
	if r == semiSpacing || r == semiHalf {
		comb, spacing = semiCombining, semiSpacing
	}
	if last, size := utf8.DecodeLastRune(dst); size > 0 {
		if c, ok := oldCompose(last, comb); ok {
			return utf8.AppendRune(dst[:len(dst)-size], c)
		}
	}
	return utf8.AppendRune(dst, spacing)
}

// oldKanaVoiced holds the precomposed form of every kana in U+3040–U+30FF with
// U+3099 (index 0) and U+309A (index 1), or 0.
var oldKanaVoiced = sync.OnceValue(func() (t *[2][0xC0]rune) {
	t = new([2][0xC0]rune)
	for i := range t[0] {
		for j, comb := range []rune{voicedCombining, semiCombining} {
			t[j][i] = oldNfcPair(0x3040+rune(i), comb)
		}
	}
	return t
})

// oldCompose returns the precomposed form of base followed by the combining
// mark comb (か+゙ → が), as NFC decides.
func oldCompose(base, comb rune) (rune, bool) {
	var c rune
	if 0x3040 <= base && base < 0x3100 {
		c = oldKanaVoiced()[comb-voicedCombining][base-0x3040]
	} else {
		c = oldNfcPair(base, comb)
	}
	return c, c != 0
}

// oldNfcPair returns NFC of base+comb when that is a single rune, else 0.
func oldNfcPair(base, comb rune) rune {
	s := norm.NFC.String(string([]rune{base, comb}))
	if r, size := utf8.DecodeRuneInString(s); size == len(s) && r != utf8.RuneError {
		return r
	}
	return 0
}

// oldLineState is what whitespace carries from one piece to the next.
type oldLineState struct {
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
func (n *oldNormalizer) whitespace(out *strings.Builder, text []byte) {
	st := &n.ws
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
		if oldIsHSpace(r) {
			if !st.space {
				st.space, st.allIdeo, st.tab = true, true, false
			}
			st.allIdeo = st.allIdeo && r == ideoSpace
			st.tab = st.tab || r == '\t'
			i += size
			continue
		}
		bare := st.space || !st.inLine
		n.startText(out)
		if bare && (r == voicedCombining || r == semiCombining) {
			out.WriteRune(r + (voicedSpacing - voicedCombining))
			i += size
		}
		j := oldTextEnd(text, i)
		out.Write(text[i:j])
		i = j
	}
}

// startText writes what goes before text: the line breaks before a new
// line, or the pending whitespace run.
func (n *oldNormalizer) startText(out *strings.Builder) {
	st := &n.ws
	run := st.space
	if !st.inLine {
		if st.wrote {
			out.WriteByte('\n')
			for k := 0; k < st.blank && k < n.opts.MaxBlankLines; k++ {
				out.WriteByte('\n')
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
		out.WriteRune(ideoSpace)
	case st.tab:
		out.WriteByte('\t')
	default:
		out.WriteByte(' ')
	}
}

// oldTextEnd returns the end of the text that starts at text[i]: the next
// horizontal space or line feed, or len(text). text is valid UTF-8.
func oldTextEnd(text []byte, i int) int {
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
			if oldIsHSpace(r) {
				return i
			}
			i += size
		default:
			i += oldSeqLen(c)
		}
	}
	return len(text)
}

// oldIsHSpace reports horizontal whitespace: space, tab, U+3000 and the other
// Unicode spaces (no-break, en/em spaces …) that are not line breaks.
func oldIsHSpace(r rune) bool {
	switch r {
	case ' ', '\t', ideoSpace:
		return true
	case '\n':
		return false
	}
	return r > 0x7f && unicode.IsSpace(r)
}
