package morph

import (
	"sync"
	"testing"
	"unicode"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// The kagome side of the comparisons: the reference tokenizer, set up as
// the tokenize package sets it up.
var (
	kagomeIPA = sync.OnceValue(func() *dict.Dict { return ipa.Dict() })
	kagomeTok = sync.OnceValue(func() *tokenizer.Tokenizer {
		t, err := tokenizer.New(kagomeIPA(), tokenizer.OmitBosEos())
		if err != nil {
			panic(err)
		}
		return t
	})
	convertedIPA = sync.OnceValues(func() (*Dict, error) { return FromKagome(kagomeIPA()) })
)

// span is a token as byte offsets with its part of speech.
type span struct {
	start, end int
	pos        POS
}

// kagomeSpans analyses text with kagome and returns its tokens as spans.
// Token.Position is the byte offset; the end is the start of the next
// token (or the end of the surface for the last).
func kagomeSpans(t *tokenizer.Tokenizer, text string) []span {
	toks := t.Analyze(text, tokenizer.Normal)
	out := make([]span, 0, len(toks))
	for _, k := range toks {
		p := Unknown
		if k.Class != tokenizer.UNKNOWN {
			f := k.POS()
			p = Unclassified
			if len(f) > 0 {
				p = posOf(f[0])
			}
		}
		out = append(out, span{k.Position, k.Position + len(k.Surface), p})
	}
	return out
}

func morphSpans(a *Analyzer, text string) []span {
	var out []span
	a.Tokens(text, func(s, e int, p POS) { out = append(out, span{s, e, p}) })
	return out
}

func testDict(tb testing.TB) *Dict {
	tb.Helper()
	d, err := convertedIPA()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }
