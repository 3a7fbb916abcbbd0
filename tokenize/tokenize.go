// Package tokenize runs kagome morphological analysis (IPA dictionary) over
// documents and stores the morpheme count in Document.Tokens.
//
// The dictionary is loaded once and shared; every worker gets its own
// tokenizer. Long texts are analysed in pieces of at most MaxChunkBytes, cut
// after a line break or a sentence end (。！？!?) in the second half of the
// piece when there is one, so a huge document never builds one huge lattice;
// a cut inside a sentence (no boundary found) can change at most the tokens
// next to the cut. Whitespace-only tokens (line breaks, spaces) are not
// counted.
//
// Kagome's tokens tile the text byte for byte: nothing is dropped, changed
// or reordered. So the tokens Wakati returns are the text with the
// whitespace-only tokens taken out. A kept token can still contain
// whitespace, since kagome groups some of it with neighbouring characters of
// the same class (for example "\x01\r\x01" is one token).
//
// Invalid UTF-8 is not an error and is counted as kagome counts it: every byte
// that is not part of a valid encoding is read as one character U+FFFD, which
// kagome analyses as an unknown word, usually grouping a run of such bytes
// (up to 1024) into one token. Those tokens count like any other, and their
// surfaces in Wakati are the original bytes. A cut never splits a valid
// encoding and never changes how any byte decodes.
package tokenize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"

	"github.com/jacorpus/jacorpus/pipeline"
)

// DictIPA is the IPA dictionary (ipadic), the only one built in so far.
const DictIPA = "ipa"

// MaxChunkBytes is the largest size of one analysed piece of text; a piece
// cut at a line break or sentence end has at least half as many bytes.
const MaxChunkBytes = 16 << 10

// Options configure the stage.
type Options struct {
	// Dictionary names the system dictionary; "" or "ipa".
	Dictionary string `yaml:"dictionary" json:"dictionary"`
}

// Default returns the default options.
func Default() Options { return Options{Dictionary: DictIPA} }

// Validate reports an unknown dictionary.
func (o Options) Validate() error {
	switch o.Dictionary {
	case "", DictIPA:
		return nil
	}
	return fmt.Errorf("tokenize: unknown dictionary %q (known: %q)", o.Dictionary, DictIPA)
}

// Tokenizer counts morphemes. It is not safe for concurrent use; make one per goroutine.
type Tokenizer struct {
	t *tokenizer.Tokenizer
}

// New returns a tokenizer for the named dictionary. The dictionary is loaded
// on first use and shared by all tokenizers of the process.
func New(dictionary string) (*Tokenizer, error) {
	if err := (Options{Dictionary: dictionary}).Validate(); err != nil {
		return nil, err
	}
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		return nil, fmt.Errorf("tokenize: %w", err)
	}
	return &Tokenizer{t: t}, nil
}

// Count returns the number of morphemes in text, whitespace tokens excluded.
// It equals len(t.Wakati(text)).
func (t *Tokenizer) Count(text string) int {
	n := 0
	t.each(text, func(string) { n++ })
	return n
}

// Wakati returns the morphemes of text (whitespace tokens excluded).
func (t *Tokenizer) Wakati(text string) []string {
	var out []string
	t.each(text, func(surface string) { out = append(out, surface) })
	return out
}

// AppendWakati appends the morphemes of text (whitespace tokens excluded)
// to dst, separated by one ASCII space: the line `mecab -Owakati` prints,
// without its trailing space and newline.
func (t *Tokenizer) AppendWakati(dst []byte, text string) []byte {
	first := true
	t.each(text, func(surface string) {
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = append(dst, surface...)
	})
	return dst
}

// each calls f with the surface of every token of text that is not
// whitespace-only, in order. Every cut takes at least one byte off text, so
// it terminates on any input.
func (t *Tokenizer) each(text string, f func(surface string)) {
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		for _, tok := range t.t.Analyze(piece, tokenizer.Normal) {
			if !blank(tok.Surface) {
				f(tok.Surface)
			}
		}
	}
}

// cut splits text into a head and the rest. When text is longer than max the
// head is non-empty and at most max bytes long: it ends after the last line
// break or sentence end in text[:max] if that lies in the second half, and
// otherwise less than utf8.UTFMax bytes before max, where it splits no valid
// UTF-8 encoding. Decoding head and rest separately gives the same runes
// (invalid bytes included, one U+FFFD each) as decoding text. A max below
// utf8.UTFMax is taken as utf8.UTFMax.
func cut(text string, max int) (head, rest string) {
	if max < utf8.UTFMax {
		max = utf8.UTFMax
	}
	if len(text) <= max {
		return text, ""
	}
	window := text[:max]
	if i := strings.LastIndexByte(window, '\n'); i >= max/2 {
		return text[:i+1], text[i+1:]
	}
	if i := strings.LastIndexAny(window, "。！？!?"); i >= max/2 {
		// the match is a whole rune inside window, so i+size <= max
		_, size := utf8.DecodeRuneInString(text[i:])
		return text[:i+size], text[i+size:]
	}
	// No boundary: cut before the byte at max unless it continues a rune.
	// A valid encoding is at most UTFMax bytes long, so if text[max] belongs
	// to one, that one starts within the UTFMax-1 bytes before it. Cutting
	// before a rune-start byte splits no valid encoding; if none of those
	// bytes starts a rune, text[max] is a stray continuation byte (invalid
	// UTF-8) and cutting right before it splits nothing either. Either way
	// the head is non-empty: i > max-UTFMax >= 0.
	for i := max; i > max-utf8.UTFMax; i-- {
		if utf8.RuneStart(text[i]) {
			return text[:i], text[i:]
		}
	}
	return text[:max], text[max:]
}

func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// StageName is the name of the tokenize stage in stats.
const StageName = "tokenize"

// Stage fills Document.Tokens. It never drops documents.
type Stage struct{ Options Options }

// Name returns "tokenize".
func (Stage) Name() string { return StageName }

// NewProcessor returns a processor owning one tokenizer.
func (s Stage) NewProcessor() (pipeline.Processor, error) {
	t, err := New(s.Options.Dictionary)
	if err != nil {
		return nil, err
	}
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		d.Tokens = t.Count(d.Text)
		return "", nil
	}), nil
}
