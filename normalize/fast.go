package normalize

import (
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Rune classes of the fast path. A rune of any class but kSlow (a "fast
// rune") passes every stage on its own, so fastRun can write its result
// directly:
//   - clean: it is not a control other than tab and the line breaks clean
//     turns into '\n', not invisible, not invalid UTF-8, and not protected
//     other than U+3000, which the form would only see as a placeholder and
//     which whitespace gets back as it was (kIdeo);
//   - the form: it is a starter that the form cannot combine with the rune
//     before it (BoundaryBefore, CCC and lead CCC 0), so the normal form of
//     the text splits before it, and so does its own normal form (maps)
//     before each of its runes. The position before it is a safe cut
//     (safeCut: a fast rune is never a sound mark). It may combine with the
//     rune after it (か + U+3099), so fastRun writes it only when the rune
//     after it is also fast;
//   - whitespace: its normal form is text without horizontal space or line
//     feed that does not start with U+3099/U+309A (which whitespace turns
//     into ゛゜ at the start of a line), one horizontal space, or a line
//     break.
const (
	kSlow   uint16 = iota // everything else: clean, the form and whitespace in context
	kText                 // text that every rule leaves as it is
	kSpace                // horizontal space whose normal form is one other than tab or U+3000
	kIdeo                 // U+3000
	kTab                  // '\t'
	kLF                   // '\n', and CR LF
	kBreak                // the other line breaks: CR, VT, FF, NEL, U+2028, U+2029
	kSound                // a protected sound mark: ゛゜, under NFKC ﾞﾟ too (see fastRun)
	kMapped               // kMapped+i: text whose normal form is maps[i] (Ａ → A, ｶ → カ, … → ...)
)

// fastTable holds the class of every rune below U+10000 for one form.
type fastTable struct {
	class [0x10000]uint16
	maps  []string
}

var (
	fastNFKC = sync.OnceValue(func() *fastTable { return buildFastTable(norm.NFKC) })
	fastNFC  = sync.OnceValue(func() *fastTable { return buildFastTable(norm.NFC) })
)

// fastTableFor returns the table for form f (NFKC or NFC).
func fastTableFor(f norm.Form) *fastTable {
	if f == norm.NFKC {
		return fastNFKC()
	}
	return fastNFC()
}

// buildFastTable classifies every rune below U+10000 under form f from
// x/text's own properties and mappings.
func buildFastTable(f norm.Form) *fastTable {
	t := &fastTable{}
	for c := '!'; c < 0x7f; c++ {
		t.class[c] = kText
	}
	t.class[' '] = kSpace
	t.class['\t'] = kTab
	t.class['\n'] = kLF
	for _, c := range "\r\v\f" {
		t.class[c] = kBreak
	}
	for r := rune(0x80); r < 0x10000; r++ {
		if utf8.ValidRune(r) {
			t.class[r] = t.classify(f, r)
		}
	}
	if len(t.maps) > 0xFFFF-int(kMapped) {
		panic("normalize: too many mapped runes")
	}
	return t
}

// classify returns the class of r ≥ U+0080 under form f, adding its normal
// form to t.maps when it is of class kMapped.
func (t *fastTable) classify(f norm.Form, r rune) uint16 {
	nfkc := f == norm.NFKC
	switch {
	case lineBreak(r):
		return kBreak
	case r == voicedSpacing, r == semiSpacing, nfkc && (r == voicedHalf || r == semiHalf):
		return kSound
	case dropped(r), soundMark(r), r == placeholder, nfkc && spacingAccent(r):
		// clean drops or protects it, or (ﾞﾟ under NFC) a cut before it is
		// not safe
		return kSlow
	}
	s := string(r)
	if !starter(f, s) {
		return kSlow
	}
	// For the Stream-Safe Text Format (U+034F after 30 non-starters) x/text
	// counts the runes of the compatibility decomposition, under NFC too: a
	// rune whose NFKD starts with a non-starter or a conjoining jamo V or T
	// (the compatibility jamo ㅏ, ㄳ) does not end a run of non-starters.
	if d, _ := utf8.DecodeRuneInString(norm.NFKD.String(s)); 0x1160 <= d && d <= 0x11FF ||
		0xD7B0 <= d && d <= 0xD7FF || norm.NFKD.PropertiesString(string(d)).CCC() != 0 {
		return kSlow
	}
	m := f.String(s)
	if isHSpace(r) {
		q, size := utf8.DecodeRuneInString(m)
		switch {
		case size != len(m) || !isHSpace(q) || q == '\t':
		case r == ideoSpace:
			// whitespace sees U+3000 (NFC, or NFKC keep mode where it is
			// protected) or ' ' (NFKC ascii mode, where a run is written
			// as ' ' or '\t' either way)
			return kIdeo
		case q != ideoSpace:
			return kSpace
		}
		return kSlow
	}
	for i, q := range m {
		// whitespace copies the form of text unless it has space or a
		// line feed, or starts with a sound mark that could be bare
		if isHSpace(q) || q == '\n' || q == utf8.RuneError || !starter(f, m[i:i+utf8.RuneLen(q)]) {
			return kSlow
		}
	}
	if m == s {
		return kText
	}
	t.maps = append(t.maps, m)
	return kMapped + uint16(len(t.maps)-1)
}

// starter reports whether the rune s is a starter that the form f cannot
// combine with the rune before it, even after decomposition.
func starter(f norm.Form, s string) bool {
	p := f.PropertiesString(s)
	return p.BoundaryBefore() && p.CCC() == 0 && p.LeadCCC() == 0
}

// at returns the class and size of the rune at s[i], s[:hi] being the
// piece: CR LF is one kLF of size 2; invalid UTF-8, a rune of four bytes or
// one cut at hi are kSlow.
func (t *fastTable) at(s string, i, hi int) (uint16, int) {
	c := s[i]
	switch {
	case c < utf8.RuneSelf:
		if c == '\r' && i+1 < hi && s[i+1] == '\n' {
			return kLF, 2
		}
		return t.class[c], 1
	case c < 0xC2:
	case c < 0xE0:
		if i+1 < hi && s[i+1]&0xC0 == 0x80 {
			return t.class[rune(c&0x1F)<<6|rune(s[i+1]&0x3F)], 2
		}
	case c < 0xF0:
		if i+2 < hi {
			c1, c2 := s[i+1], s[i+2]
			r := rune(c&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
			if c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r >= 0x800 {
				return t.class[r], 3 // surrogates are kSlow in the table
			}
		}
	}
	return kSlow, 1
}

// fastRun writes s[i:] up to hi rune by rune, as whitespace would write the
// normal form of each rune on its own, and returns where it stopped: at hi,
// at a rune of class kSlow, or at a rune followed by one (which may combine
// with it: か before U+3099, a space before a control that clean drops)
// unless that rune is a line feed, after which a cut is always safe.
// Unchanged text is written in spans.
//
// A sound mark (kSound) is protected from the form and composed with the
// last rune of the normal form before it, which is that of the rune before
// it when that is text (ｶﾞ → ガ, か゛ → が, a゛ → a゛). A cut before a sound
// mark is safe only after a line feed or another sound mark, so text and
// the sound mark after it are written together, and a sound mark is
// written alone (as ゛ or ゜) only after those.
func (n *Normalizer) fastRun(s string, i, hi int) int {
	t, st, out := n.fast, &n.ws, &n.out
	text := -1 // start of the unchanged text not yet written
	cls, size := t.at(s, i, hi)
	for cls != kSlow {
		j := i + size
		var next uint16
		var nextSize int
		if j < hi {
			next, nextSize = t.at(s, j, hi)
			switch {
			case s[j-1] == '\n':
			case next == kSlow:
				goto stop
			case next == kSound && cls != kSound:
				if cls != kText && cls < kMapped {
					goto stop // space or a line break before a sound mark
				}
				// rune i and the sound mark at j, when the rune after
				// the mark is of the fast path
				k := j + nextSize
				var after uint16
				var afterSize int
				if k < hi {
					if after, afterSize = t.at(s, k, hi); after == kSlow {
						goto stop
					}
				}
				if text >= 0 {
					out.span(text, i)
					text = -1
				}
				if st.space || !st.inLine {
					n.startText()
				}
				form := s[i:j]
				if cls >= kMapped {
					form = t.maps[cls-kMapped]
				}
				n.writeSoundMark(form, s[j:k])
				i = k
				if k >= hi {
					goto stop
				}
				cls, size = after, afterSize
				continue
			}
		}
		switch cls {
		case kText:
			if text < 0 {
				if st.space || !st.inLine {
					n.startText()
				}
				text = i
			}
			i = j
			if j >= hi {
				goto stop
			}
			cls, size = next, nextSize
			continue
		}
		if text >= 0 {
			out.span(text, i)
			text = -1
		}
		switch cls {
		case kSpace, kIdeo, kTab:
			if !st.space {
				st.space, st.allIdeo, st.tab = true, true, false
			}
			st.allIdeo = st.allIdeo && cls == kIdeo
			st.tab = st.tab || cls == kTab
		case kLF, kBreak:
			if !st.inLine {
				st.blank++
			}
			st.inLine, st.space = false, false
		case kSound: // after a line feed or another sound mark
			if st.space || !st.inLine {
				n.startText()
			}
			n.writeSoundMark("", s[i:j])
		default:
			if st.space || !st.inLine {
				n.startText()
			}
			out.writeString(t.maps[cls-kMapped])
		}
		i = j
		if j >= hi {
			break
		}
		cls, size = next, nextSize
	}
stop:
	if text >= 0 {
		out.span(text, i)
	}
	return i
}

// writeSoundMark writes form, the normal form of some text, followed by the
// sound mark mark, composed with the last rune of form as appendSoundMark
// does.
func (n *Normalizer) writeSoundMark(form, mark string) {
	r, _ := utf8.DecodeRuneInString(mark)
	var buf [16]byte
	b := appendSoundMark(append(buf[:0], form...), r)
	n.out.write(b)
}

// output is the result of a call being built. While it equals a prefix of
// the input, src[:m], nothing is copied: an input that is already normal
// (or whose changes are all at its end) costs no copy.
type output struct {
	src string
	m   int
	buf []byte // nil while the output is src[:m]
}

// materialize starts writing into buf.
func (o *output) materialize() {
	o.buf = make([]byte, o.m, max(len(o.src), 64))
	copy(o.buf, o.src[:o.m])
}

// span writes src[i:j].
func (o *output) span(i, j int) {
	if o.buf == nil {
		if i == o.m {
			o.m = j
			return
		}
		o.materialize()
	}
	o.buf = append(o.buf, o.src[i:j]...)
}

func (o *output) writeString(t string) {
	if o.buf == nil {
		if strings.HasPrefix(o.src[o.m:], t) {
			o.m += len(t)
			return
		}
		o.materialize()
	}
	o.buf = append(o.buf, t...)
}

func (o *output) write(b []byte) { o.writeString(unsafe.String(unsafe.SliceData(b), len(b))) }

func (o *output) writeByte(c byte) {
	if o.buf == nil {
		if o.m < len(o.src) && o.src[o.m] == c {
			o.m++
			return
		}
		o.materialize()
	}
	o.buf = append(o.buf, c)
}

func (o *output) writeRune(r rune) {
	var b [utf8.UTFMax]byte
	o.write(b[:utf8.EncodeRune(b[:], r)])
}

// result returns the output. A result under half of the buffer (or of the
// input it is a prefix of) is copied so as not to pin the larger one.
func (o *output) result() string {
	var res string
	var size int
	if o.buf == nil {
		res, size = o.src[:o.m], len(o.src)
	} else {
		res, size = unsafe.String(unsafe.SliceData(o.buf), len(o.buf)), cap(o.buf)
	}
	if len(res) < size/2 {
		res = strings.Clone(res)
	}
	return res
}
