package normalize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// FuzzString checks, for every option set of configs (both ideographic
// space modes, NFKC on and off):
//
//	(a) keep mode: the number of maximal U+3000-only whitespace runs with
//	    text on both sides in their line is the same in the output as in
//	    the input (after its line breaks are unified and dropped runes
//	    removed): no such U+3000 is lost, runs are only collapsed;
//	(b) no U+3099/U+309A follows whitespace or starts a line;
//	(c) normalizing the output again changes nothing;
//	(d) the output is valid UTF-8 without controls other than '\n', '\t';
//	(e) tiny pieces give the same output as whole text;
//	(f) the normal form of a cleaned piece equals normalizing each run
//	    between protected runes on its own (the placeholder mechanism).
func FuzzString(f *testing.F) {
	for _, c := range stringCases {
		f.Add(c.in)
	}
	for _, d := range testcorpus.Fixture(f) {
		f.Add(excerpt(d.Text, 0, 1024))
		f.Add(excerpt(d.Text, len(d.Text)/2, 512))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		f.Add(randomText(rng))
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range configs {
			checkString(t, c.name, c.opts, in)
		}
	})
}

// excerpt returns about size bytes of s from off, cut at rune boundaries.
func excerpt(s string, off, size int) string {
	end := min(off+size, len(s))
	for off > 0 && off < len(s) && !utf8.RuneStart(s[off]) {
		off++
	}
	for end < len(s) && end > off && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[off:end]
}

func checkString(t *testing.T, config string, o Options, in string) {
	t.Helper()
	n := New(o)
	out := n.String(in)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: String(%+q) = %+q: "+format, append([]any{config, in, out}, args...)...)
	}
	if o.IdeographicSpace == IdeographicKeep {
		if a, b := interiorIdeoRuns(refClean(in)), interiorIdeoRuns(out); a != b {
			fail("(a) %d U+3000 runs inside lines, want %d", b, a)
		}
	}
	prev := '\n'
	for _, r := range out {
		if (r == voicedCombining || r == semiCombining) && unicode.IsSpace(prev) {
			fail("(b) %U after %U", r, prev)
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			fail("(d) control %U", r)
		}
		prev = r
	}
	if !utf8.ValidString(out) {
		fail("(d) invalid UTF-8")
	}
	if again := n.String(out); again != out {
		fail("(c) again %+q", again)
	}
	if tiny := withPiece(o, 7).String(in); tiny != out {
		fail("(e) with pieces of 7 bytes %+q", tiny)
	}
	pre := n.clean(nil, in)
	if got, want := string(n.normalize(nil, pre)), n.refNormalize(refClean(in)); got != want {
		fail("(f) normal form %+q, each run on its own %+q", got, want)
	}
}

// refClean is the input as clean sees it, written out independently:
// line breaks become '\n'; controls, invisible characters and invalid
// bytes are dropped.
func refClean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r), r == '\uFEFF', r == '\u200B', r == '\u2060', r == '\u00AD':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// refNormalize normalizes every run between protected runes of s with its
// own norm call and handles the protected runes as normalize documents.
func (n *Normalizer) refNormalize(s string) string {
	var out []byte
	start := 0
	for i, r := range s {
		if !n.protected(r) {
			continue
		}
		out = append(out, n.form.String(s[start:i])...)
		switch {
		case soundMark(r):
			out = appendSoundMark(out, r)
		case spacingAccent(r):
			out = append(out, norm.NFC.String(string(r))...)
		default:
			out = utf8.AppendRune(out, r)
		}
		start = i + utf8.RuneLen(r)
	}
	return string(append(out, n.form.String(s[start:])...))
}

// interiorIdeoRuns counts, line by line, the maximal whitespace runs made
// only of U+3000 that have text on both sides.
func interiorIdeoRuns(s string) int {
	count := 0
	for line := range strings.SplitSeq(s, "\n") {
		text, run, ideo := false, false, false
		for _, r := range line {
			if unicode.IsSpace(r) {
				if !run {
					run, ideo = true, true
				}
				ideo = ideo && r == ideoSpace
				continue
			}
			if run && ideo && text {
				count++
			}
			run, text = false, true
		}
	}
	return count
}
