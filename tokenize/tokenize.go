// Package tokenize runs kagome morphological analysis (IPA dictionary) over
// documents and stores the morpheme count in Document.Tokens.
//
// The dictionary is loaded once and shared; every worker gets its own
// tokenizer. Long texts are analysed in pieces cut after a line break or a
// sentence end (。！？) near every MaxChunkBytes, so a huge document never
// builds one huge lattice; a cut inside a sentence (no boundary found) can
// change at most the tokens next to the cut. Whitespace-only tokens (line
// breaks, spaces) are not counted.
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

// MaxChunkBytes is the target size of one analysed piece of text.
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
func (t *Tokenizer) Count(text string) int {
	n := 0
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		for _, tok := range t.t.Analyze(piece, tokenizer.Normal) {
			if !blank(tok.Surface) {
				n++
			}
		}
	}
	return n
}

// Wakati returns the morphemes of text (whitespace tokens excluded).
func (t *Tokenizer) Wakati(text string) []string {
	var out []string
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		for _, tok := range t.t.Analyze(piece, tokenizer.Normal) {
			if !blank(tok.Surface) {
				out = append(out, tok.Surface)
			}
		}
	}
	return out
}

// cut splits text into a head of about max bytes, ending after the last line
// break or sentence end before max when there is one, and the rest.
func cut(text string, max int) (head, rest string) {
	if len(text) <= max {
		return text, ""
	}
	window := text[:max]
	if i := strings.LastIndexByte(window, '\n'); i >= max/2 {
		return text[:i+1], text[i+1:]
	}
	if i := strings.LastIndexAny(window, "。！？!?"); i >= max/2 {
		_, size := utf8.DecodeRuneInString(text[i:])
		return text[:i+size], text[i+size:]
	}
	// no boundary: cut at a rune boundary
	i := max
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return text[:i], text[i:]
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
