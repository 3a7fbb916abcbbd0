// Package tokenize counts the morphemes of documents (Document.Tokens) with
// a Viterbi analyzer over kagome's dictionaries (package tokenize/morph:
// kagome's segmentation, token for token, at about 3× kagome's speed and
// 2.5× MeCab's), optionally writing the space-separated morphemes
// (Document.Wakati) as well.
//
// Dictionaries: "ipa" (default; ipadic as kagome-dict/ipa packages it,
// loaded from an embedded compact form in about 20 ms) and "uni" (UniDic,
// kagome-dict/uni: converting it takes about 5 s, so the converted form is
// cached in the user cache directory, os.UserCacheDir, and later processes
// load it in about 40 ms). A user dictionary (Options.UserDict, kagome's
// format: one entry per line, "surface,segmentation,readings,part of
// speech") takes precedence where its entries match, as in kagome.
//
// Long texts are analysed in pieces of at most MaxChunkBytes, cut after a
// line break or a sentence end (。！？!?) in the second half of the piece
// when there is one, so a huge document never builds one huge lattice; a
// cut inside a sentence (no boundary found) can change at most the tokens
// next to the cut. Whitespace-only tokens (line breaks, spaces) are not
// counted.
//
// The tokens tile the text byte for byte: nothing is dropped, changed or
// reordered. So the tokens Wakati returns are the text with the
// whitespace-only tokens taken out. A kept token can still contain
// whitespace, since the unknown-word rules group some of it with
// neighbouring characters of the same class (for example "\x01\r\x01" is
// one token).
//
// Invalid UTF-8 is not an error and is counted as kagome counts it: every
// byte that is not part of a valid encoding is read as one character
// U+FFFD, an unknown word, usually grouping a run of such bytes (up to 1024)
// into one token. Those tokens count like any other, and their surfaces in
// Wakati are the original bytes. A cut never splits a valid encoding and
// never changes how any byte decodes.
package tokenize

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/dict"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/tokenize/morph"
)

// Dictionaries.
const (
	// DictIPA is the IPA dictionary (ipadic), the default.
	DictIPA = "ipa"
	// DictUni is UniDic (kagome-dict/uni).
	DictUni = "uni"
)

// MaxChunkBytes is the largest size of one analysed piece of text; a piece
// cut at a line break or sentence end has at least half as many bytes.
const MaxChunkBytes = 16 << 10

// Options configure the stage.
type Options struct {
	// Dictionary names the system dictionary: "ipa" (or "") or "uni".
	Dictionary string `yaml:"dictionary" json:"dictionary"`
	// UserDict is the path of a user dictionary in kagome's format; ""
	// for none.
	UserDict string `yaml:"user_dict" json:"user_dict,omitempty"`
	// Wakati writes the morphemes, separated by one space, into
	// Document.Wakati (the shards' wakati column).
	Wakati bool `yaml:"wakati" json:"wakati,omitempty"`
}

// Default returns the default options.
func Default() Options { return Options{Dictionary: DictIPA} }

// Validate reports an unknown dictionary or a user dictionary that is not
// a readable file (its entries are checked when it is loaded).
func (o Options) Validate() error {
	switch o.Dictionary {
	case "", DictIPA, DictUni:
	default:
		return fmt.Errorf("tokenize: unknown dictionary %q (known: %q, %q)", o.Dictionary, DictIPA, DictUni)
	}
	if o.UserDict != "" {
		if info, err := os.Stat(o.UserDict); err != nil {
			return fmt.Errorf("tokenize: user_dict: %w", err)
		} else if !info.Mode().IsRegular() {
			return fmt.Errorf("tokenize: user_dict: %s is not a file", o.UserDict)
		}
	}
	return nil
}

// Tokenizer counts morphemes. It is not safe for concurrent use; make one
// per goroutine (they share the dictionary).
type Tokenizer struct {
	a *morph.Analyzer
}

// New returns a tokenizer for the named system dictionary.
func New(dictionary string) (*Tokenizer, error) {
	return Open(Options{Dictionary: dictionary})
}

// Open returns a tokenizer for the dictionaries of o. The dictionaries are
// loaded on first use and shared by all tokenizers of the process.
func Open(o Options) (*Tokenizer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	d, err := loadDict(o.Dictionary, o.UserDict)
	if err != nil {
		return nil, err
	}
	return &Tokenizer{a: morph.NewAnalyzer(d)}, nil
}

// Count returns the number of morphemes in text, whitespace tokens excluded.
// It equals len(t.Wakati(text)).
func (t *Tokenizer) Count(text string) int {
	n := 0
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		n += t.a.Count(piece)
	}
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
	dst = reserve(dst, text)
	start := len(dst)
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		if len(dst) > start {
			mark := len(dst)
			dst = append(dst, ' ')
			if dst = t.a.AppendWakati(dst, piece); len(dst) == mark+1 {
				dst = dst[:mark] // the piece had no morpheme
			}
			continue
		}
		dst = t.a.AppendWakati(dst, piece)
	}
	return dst
}

// CountWakati returns Count(text) and AppendWakati(dst, text), analysing
// text once.
func (t *Tokenizer) CountWakati(dst []byte, text string) (int, []byte) {
	dst = reserve(dst, text)
	n := 0
	t.each(text, func(surface string) {
		if n > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, surface...)
		n++
	})
	return n, dst
}

// reserve makes room in dst for the wakati form of text: the text and a
// space for every three bytes or so (a morpheme of Japanese text is 1–2
// characters of 3 bytes), so that a long document's output grows once or
// not at all instead of by many copies.
func reserve(dst []byte, text string) []byte {
	return slices.Grow(dst, len(text)+len(text)/3) // amortised like append
}

// POSCounts counts the morphemes of a text by coarse part of speech
// (whitespace tokens excluded); index it with a morph.POS.
type POSCounts [morph.User + 1]int

// Total returns the number of morphemes counted.
func (c *POSCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// POS counts the morphemes of text by part of speech.
func (t *Tokenizer) POS(text string) POSCounts {
	var c POSCounts
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		t.a.Tokens(piece, func(start, end int, pos morph.POS) {
			if !blank(piece[start:end]) {
				c[pos]++
			}
		})
	}
	return c
}

// each calls f with the surface of every token of text that is not
// whitespace-only, in order. Every cut takes at least one byte off text, so
// it terminates on any input.
func (t *Tokenizer) each(text string, f func(surface string)) {
	for len(text) > 0 {
		var piece string
		piece, text = cut(text, MaxChunkBytes)
		t.a.Tokens(piece, func(start, end int, _ morph.POS) {
			if s := piece[start:end]; !blank(s) {
				f(s)
			}
		})
	}
}

// dicts caches the loaded dictionaries of the process by name and user
// dictionary path: a dictionary is immutable and shared by all tokenizers.
var dicts struct {
	sync.Mutex
	m map[[2]string]*dictEntry
}

type dictEntry struct {
	once sync.Once
	d    *morph.Dict
	err  error
}

// loadDict returns the system dictionary name with the user dictionary at
// path (none when ""), loading each once per process.
func loadDict(name, user string) (*morph.Dict, error) {
	if name == "" {
		name = DictIPA
	}
	dicts.Lock()
	if dicts.m == nil {
		dicts.m = map[[2]string]*dictEntry{}
	}
	key := [2]string{name, user}
	e := dicts.m[key]
	if e == nil {
		e = &dictEntry{}
		dicts.m[key] = e
	}
	dicts.Unlock()
	e.once.Do(func() {
		var d *morph.Dict
		var err error
		if user != "" {
			if d, err = loadDict(name, ""); err == nil {
				d, err = withUser(d, user)
			}
		} else if name == DictUni {
			d, err = uniDict()
		} else {
			d, err = morph.IPA()
		}
		e.d, e.err = d, err
	})
	return e.d, e.err
}

// withUser adds the user dictionary file at path to d.
func withUser(d *morph.Dict, path string) (*morph.Dict, error) {
	u, err := dict.NewUserDict(path)
	if err != nil {
		return nil, fmt.Errorf("tokenize: user dictionary %s: %w", path, err)
	}
	if d, err = d.WithUser(u); err != nil {
		return nil, fmt.Errorf("tokenize: user dictionary %s: %w", path, err)
	}
	return d, nil
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
	t, err := Open(s.Options)
	if err != nil {
		return nil, err
	}
	var buf []byte
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		if !s.Options.Wakati {
			d.Tokens = t.Count(d.Text)
			return "", nil
		}
		d.Tokens, buf = t.CountWakati(buf[:0], d.Text)
		d.Wakati = string(buf)
		if cap(buf) > 1<<20 {
			buf = nil // a huge document does not pin its size in every worker
		}
		return "", nil
	}), nil
}
