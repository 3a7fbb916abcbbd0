// Package extract turns a fetched web page into its main text.
//
// Stage is a pipeline.Parallel stage for documents that carry a
// *pipeline.Page in Scratch under pipeline.HTMLPayload{} (a WARC response
// record, an HTML file); documents without one pass unchanged. For a page
// it:
//
//  1. decides the character encoding in the order of the HTTP Content-Type
//     charset, then <meta charset> or <meta http-equiv="Content-Type"> in
//     the first 2 KB, then internal/jpcharset's byte-level detection. A
//     declared charset is used only when it fits the bytes
//     (jpcharset.Fit); one that does not is named in Meta "charset_mismatch"
//     and the next source decides. Meta "charset" gets the encoding used,
//     "charset_source" header, meta or detected;
//  2. drops bytes that are not text (a NUL, control bytes, an image or
//     archive labelled text/html) with reason "binary";
//  3. unless Config.PreScreen is off, drops pages that cannot be Japanese
//     with reason "not_japanese" before the costly extraction: a page is
//     kept when its declared charset is Shift_JIS, EUC-JP or ISO-2022-JP,
//     its <html lang> (or Content-Language) starts with "ja", or the first
//     64 KB decoded hold at least MinKana hiragana or katakana;
//  4. parses the decoded HTML (golang.org/x/net/html) and extracts the
//     main content with github.com/markusmobius/go-trafilatura (navigation,
//     ads and footers removed), rendered as text with one paragraph (p,
//     heading, list item, table row, br) per line; the <title> goes into
//     Meta "title" and <html lang> into Meta "lang";
//  5. drops a page whose text is empty with reason "no_text".
//
// The Scratch key is deleted whatever the outcome, so the raw page is not
// held past this stage. go-trafilatura's own Extract is not used because
// its parser re-detects the charset (gogs/chardet) and decodes again;
// ExtractDocument gets the tree parsed from the text decoded here.
package extract

import (
	"bytes"
	"fmt"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/internal/jpcharset"
	"github.com/jacorpus/jacorpus/pipeline"
)

// StageName is the name of the extract stage in stats.
const StageName = "extract"

// Drop reasons.
const (
	ReasonNotJapanese = "not_japanese"
	ReasonNoText      = "no_text"
	ReasonBinary      = "binary"
)

// Meta keys the stage sets.
const (
	MetaCharset         = "charset"
	MetaCharsetSource   = "charset_source"
	MetaCharsetMismatch = "charset_mismatch"
	MetaTitle           = "title"
	MetaLang            = "lang"
	MetaHTMLBytes       = "html_bytes" // set when the page was cut at Config.MaxBytes
)

// Charset sources (Meta "charset_source").
const (
	SourceHeader   = "header"
	SourceMeta     = "meta"
	SourceDetected = "detected"
)

// Extraction focus values (Config.Focus).
const (
	FocusBalanced  = "balanced"
	FocusPrecision = "precision"
	FocusRecall    = "recall"
)

// Config selects the stage's behaviour. Start from Default.
type Config struct {
	// PreScreen drops pages that cannot be Japanese before extraction.
	PreScreen bool `yaml:"prescreen" json:"prescreen"`
	// MinKana is the number of hiragana and katakana in the first 64 KB of
	// a page that make it Japanese for the pre-screen when neither its
	// charset nor its language says so.
	MinKana int `yaml:"min_kana" json:"min_kana"`
	// Focus is go-trafilatura's: "balanced", "precision" (less text, less
	// boilerplate) or "recall".
	Focus string `yaml:"focus" json:"focus"`
	// Fallback also runs go-readability and go-domdistiller and keeps the
	// better candidate (slower).
	Fallback bool `yaml:"fallback" json:"fallback"`
	// Tables keeps the text of <table> elements.
	Tables bool `yaml:"tables" json:"tables"`
	// Comments keeps the comment section of blogs and forums.
	Comments bool `yaml:"comments" json:"comments"`
	// Prune is a CSS selector of elements removed before extraction
	// (go-trafilatura's PruneSelector); the default removes navigation,
	// side bars and the page's own header and footer, which go-trafilatura
	// keeps when they hold paragraphs.
	Prune string `yaml:"prune" json:"prune"`
	// MaxBytes caps the HTML extracted: a longer page is cut there (its
	// original size goes into Meta "html_bytes"); go-trafilatura's time and
	// memory grow steeply with the tree (an 8 MB page took gigabytes).
	// Common Crawl cuts payloads at 1 MiB. 0 means no cap.
	MaxBytes int `yaml:"max_bytes" json:"max_bytes"`
}

// Default returns the settings jacorpus uses unless configured otherwise.
func Default() Config {
	return Config{PreScreen: true, MinKana: 5, Focus: FocusBalanced, Tables: true, Prune: DefaultPrune, MaxBytes: 2 << 20}
}

// DefaultPrune is the default Config.Prune.
const DefaultPrune = "nav, aside, body > header, body > footer"

// checkSelector reports whether a selector parses.
func checkSelector(sel string) error {
	if sel == "" {
		return nil
	}
	_, err := cascadia.ParseGroup(sel)
	return err
}

// Validate reports an unknown focus or a negative count.
func (c Config) Validate() error {
	switch c.Focus {
	case "", FocusBalanced, FocusPrecision, FocusRecall:
	default:
		return fmt.Errorf("extract: focus %q: want %q, %q or %q", c.Focus, FocusBalanced, FocusPrecision, FocusRecall)
	}
	if err := checkSelector(c.Prune); err != nil {
		return fmt.Errorf("extract: prune %q: %v", c.Prune, err)
	}
	if c.MaxBytes < 0 {
		return fmt.Errorf("extract: max_bytes %d must be >= 0", c.MaxBytes)
	}
	if c.MinKana < 0 {
		return fmt.Errorf("extract: min_kana %d must be >= 0", c.MinKana)
	}
	return nil
}

// Stage is the pipeline stage (see the package comment).
type Stage struct {
	Config Config
}

// Name returns "extract".
func (Stage) Name() string { return StageName }

// NewProcessor returns a processor; it holds no state between documents.
func (s Stage) NewProcessor() (pipeline.Processor, error) {
	if err := s.Config.Validate(); err != nil {
		return nil, err
	}
	c := s.Config
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		return c.process(d), nil
	}), nil
}

// process handles one document and returns a drop reason or "".
func (c Config) process(d *pipeline.Document) string {
	p, ok := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page)
	d.Scratch.Delete(pipeline.HTMLPayload{})
	if !ok || p == nil {
		return ""
	}
	res, reason := c.Page(p, d.URL)
	if d.Meta == nil {
		d.Meta = make(map[string]string, 5)
	}
	for k, v := range res.Meta {
		d.Meta[k] = v
	}
	if reason != "" {
		return reason
	}
	d.Text = res.Text
	return ""
}

// Result is what Page found.
type Result struct {
	// Text is the main text, one paragraph per line.
	Text string
	// Meta holds the charset decision, the title and the language (the
	// Meta* keys).
	Meta map[string]string
}

// Page extracts the main text of one page; pageURL may be "". A non-empty
// reason says why there is no text (ReasonBinary, ReasonNotJapanese,
// ReasonNoText); Meta holds what was decided up to there.
func (c Config) Page(p *pipeline.Page, pageURL string) (Result, string) {
	res := Result{Meta: map[string]string{}}
	h := prescan(p.Body)
	cs := decide(p.ContentType, h.charset, p.Body)
	if cs.det.Encoding == jpcharset.Binary {
		return res, ReasonBinary
	}
	res.Meta[MetaCharset] = cs.name
	res.Meta[MetaCharsetSource] = cs.source
	if cs.mismatch != "" {
		res.Meta[MetaCharsetMismatch] = label(cs.mismatch)
	}
	if h.lang != "" {
		res.Meta[MetaLang] = label(h.lang)
	}
	if c.PreScreen && !c.japanese(p.Body, cs, h.lang) {
		return res, ReasonNotJapanese
	}
	raw := p.Body
	if c.MaxBytes > 0 && len(raw) > c.MaxBytes {
		res.Meta[MetaHTMLBytes] = strconv.Itoa(len(raw))
		raw = raw[:c.MaxBytes]
	}
	text, err := decodeBytes(raw, cs.enc)
	if err != nil {
		return res, ReasonBinary
	}
	doc, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return res, ReasonNoText
	}
	if t := title(doc); t != "" {
		res.Meta[MetaTitle] = t
	}
	if l := htmlLang(doc); l != "" {
		res.Meta[MetaLang] = label(l)
	}
	opts := trafilatura.Options{
		Focus:           focus(c.Focus),
		EnableFallback:  c.Fallback,
		ExcludeComments: !c.Comments,
		ExcludeTables:   !c.Tables,
		HtmlDateMode:    trafilatura.Disabled,
		Config:          trafilaturaConfig(),
		PruneSelector:   c.Prune,
	}
	if u, err := url.Parse(pageURL); err == nil && u.Scheme != "" && u.Host != "" {
		opts.OriginalURL = u
	}
	whole := bodyText(doc) // before extraction: go-trafilatura prunes doc in place
	out, err := extractDocument(doc, opts)
	var body string
	if err == nil && out != nil {
		body = render(out.ContentNode)
		if c.Comments && out.CommentsNode != nil {
			if ct := render(out.CommentsNode); ct != "" {
				body += "\n" + ct
			}
		}
	}
	// go-trafilatura's rescue for a short extraction (its baseline) flattens
	// the page's lines into one; this one keeps them (see rescueSize).
	switch {
	case c.Focus != FocusPrecision && utf8.RuneCountInString(body) < rescueSize &&
		utf8.RuneCountInString(whole) > utf8.RuneCountInString(body):
		body = whole
	case !strings.Contains(body, "\n") && strings.Contains(whole, "\n") && sameText(body, whole):
		// go-trafilatura found no content node and took its baseline (the
		// whole <body> in one paragraph): the same text with its lines
		body = whole
	}
	// go-trafilatura's last resort is the text of the whole document, which
	// for an empty <body> is the <title>: that is no main text
	if strings.TrimSpace(body) == "" || whole == "" && squeeze(body) == squeeze(res.Meta[MetaTitle]) {
		return res, ReasonNoText
	}
	if res.Meta[MetaTitle] == "" && out.Metadata.Title != "" {
		res.Meta[MetaTitle] = out.Metadata.Title
	}
	res.Text = body
	return res, ""
}

// rescueSize is go-trafilatura's (and trafilatura's) MinExtractedSize:
// below it, unless the focus is precision, trafilatura falls back to its
// baseline, which for a page without JSON-LD, <article> or 100 characters
// of <p> takes the whole <body> text. The Go port joins that text with
// spaces (Python joins its pieces with newlines), so the stage turns the
// rescue off (MinExtractedSize 1) and does it itself: the <body> without
// nav, header, footer, aside, form and menu elements, rendered by line.
const rescueSize = 250

func trafilaturaConfig() *trafilatura.Config {
	c := trafilatura.DefaultConfig()
	c.MinExtractedSize = 1
	return c
}

// sameText reports whether a, without white space, is at least 90% of b
// without white space and contained in it.
func sameText(a, b string) bool {
	a, b = squeeze(a), squeeze(b)
	return len(a) > 0 && len(a)*10 >= len(b)*9 && strings.Contains(b, a)
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// skipTags are left out of the rescue text.
var skipTags = map[string]bool{"nav": true, "header": true, "footer": true, "aside": true, "form": true,
	"menu": true, "script": true, "style": true, "noscript": true, "template": true, "select": true, "button": true}

// bodyText renders the <body> of doc without skipTags.
func bodyText(doc *html.Node) string {
	var find func(n *html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if b := find(c); b != nil {
				return b
			}
		}
		return nil
	}
	b := find(doc)
	if b == nil {
		return ""
	}
	r := renderer{skip: skipTags}
	r.walk(b, false)
	r.endLine()
	return strings.Join(r.lines, "\n")
}

// label returns a short attribute or header value fit for Meta: valid
// UTF-8, at most 64 bytes.
func label(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "")
}

// extractDocument calls go-trafilatura, turning a panic on odd markup into
// an error: one page must not stop a run.
func extractDocument(doc *html.Node, opts trafilatura.Options) (out *trafilatura.ExtractResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("go-trafilatura: %v", r)
		}
	}()
	return trafilatura.ExtractDocument(doc, opts)
}

func focus(f string) trafilatura.ExtractionFocus {
	switch f {
	case FocusPrecision:
		return trafilatura.FavorPrecision
	case FocusRecall:
		return trafilatura.FavorRecall
	}
	return trafilatura.Balanced
}

// charsetChoice is the decision about a page's encoding.
type charsetChoice struct {
	name     string            // canonical or WHATWG name
	enc      encoding.Encoding // nil: UTF-8
	source   string            // SourceHeader, SourceMeta or SourceDetected
	mismatch string            // a declared label that did not fit
	declared bool              // a declaration was used
	det      jpcharset.Result
}

// decide picks the encoding: the header's charset, then the meta one, each
// used only if it fits the bytes, then detection.
func decide(contentType, metaLabel string, body []byte) charsetChoice {
	var ch charsetChoice
	labels := [...]struct{ label, source string }{{headerCharset(contentType), SourceHeader}, {metaLabel, SourceMeta}}
	for _, l := range labels {
		if l.label == "" {
			continue
		}
		name, enc, ok := lookup(l.label)
		if !ok {
			continue // not a charset name: as if absent
		}
		fit, det := jpcharset.Fit(l.label, body)
		ch.det = det
		if det.Encoding == jpcharset.Binary {
			return ch
		}
		if fit {
			ch.name, ch.enc, ch.source, ch.declared = name, enc, l.source, true
			return ch
		}
		if ch.mismatch == "" {
			ch.mismatch = strings.ToLower(strings.TrimSpace(l.label))
		}
	}
	if ch.det == (jpcharset.Result{}) {
		ch.det = jpcharset.Detect(body)
	}
	ch.source = SourceDetected
	switch e := ch.det.Encoding; e {
	case jpcharset.ShiftJIS, jpcharset.EUCJP, jpcharset.ISO2022JP:
		ch.name, ch.enc, _ = lookup(e.String())
	case jpcharset.Unknown:
		// not in one of the four: the HTML standard's default
		ch.name, ch.enc, _ = lookup("windows-1252")
	default:
		ch.name = "utf-8"
	}
	return ch
}

// lookup maps a charset label to a canonical name and decoder (nil for
// UTF-8). The four Japanese encodings take jpcharset's names; others
// (windows-1252, gbk, ...) the WHATWG names of golang.org/x/text's htmlindex.
func lookup(label string) (string, encoding.Encoding, bool) {
	if e, ok := jpcharset.Canonical(label); ok {
		switch e {
		case jpcharset.ShiftJIS:
			return e.String(), japanese.ShiftJIS, true
		case jpcharset.EUCJP:
			return e.String(), japanese.EUCJP, true
		case jpcharset.ISO2022JP:
			return e.String(), japanese.ISO2022JP, true
		}
		return "utf-8", nil, true
	}
	enc, err := htmlindex.Get(strings.TrimSpace(label))
	if err != nil {
		return "", nil, false
	}
	name, _ := htmlindex.Name(enc)
	if name == "utf-8" {
		return name, nil, true
	}
	return name, enc, true
}

// headerCharset returns the charset parameter of a Content-Type value.
func headerCharset(ct string) string {
	if ct == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return params["charset"]
	}
	// lenient: "text/html; charset=Shift_JIS;" or other oddities. The
	// search folds ASCII only, so the index is one into ct (strings.ToLower
	// would turn an invalid byte into three bytes of U+FFFD).
	i := indexFoldASCII(ct, "charset=")
	if i < 0 {
		return ""
	}
	v := ct[i+len("charset="):]
	if j := strings.IndexAny(v, "; ,"); j >= 0 {
		v = v[:j]
	}
	return strings.Trim(v, `"'`)
}

// indexFoldASCII returns the index of the first instance of lower (ASCII,
// lower case) in s, ignoring ASCII case, or -1.
func indexFoldASCII(s, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for ; j < len(lower); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return i
		}
	}
	return -1
}

// headInfo is what the prescan found.
type headInfo struct {
	charset string // <meta charset> or http-equiv Content-Type charset
	lang    string // <html lang> or http-equiv Content-Language
}

// prescanBytes is how far prescan looks for <meta charset> and <html lang>.
const prescanBytes = 2 << 10

// prescan tokenizes the first 2 KB of body for the declared charset and
// language.
func prescan(body []byte) headInfo {
	var h headInfo
	z := html.NewTokenizer(bytes.NewReader(body[:min(len(body), prescanBytes)]))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return h
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		switch atom.Lookup(name) {
		case atom.Html:
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if (string(k) == "lang" || string(k) == "xml:lang") && h.lang == "" {
					h.lang = strings.ToLower(strings.TrimSpace(string(v)))
				}
			}
		case atom.Meta:
			var equiv, content, cs string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "charset":
					cs = string(v)
				case "http-equiv":
					equiv = strings.ToLower(strings.TrimSpace(string(v)))
				case "content":
					content = string(v)
				}
			}
			switch {
			case cs != "" && h.charset == "":
				h.charset = strings.TrimSpace(cs)
			case equiv == "content-type" && h.charset == "":
				h.charset = headerCharset(content)
			case equiv == "content-language" && h.lang == "":
				h.lang = strings.ToLower(strings.TrimSpace(content))
			}
		case atom.Body:
			return h
		}
	}
}

// decodeBytes returns b decoded to valid UTF-8 (invalid bytes become U+FFFD).
func decodeBytes(b []byte, enc encoding.Encoding) ([]byte, error) {
	if enc != nil {
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return nil, err
		}
		b = out
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return b, nil
}

// screenBytes is how much of a page the pre-screen decodes.
const screenBytes = 64 << 10

// japanese is the pre-screen: can the page be Japanese at all?
func (c Config) japanese(body []byte, cs charsetChoice, lang string) bool {
	if cs.declared { // a declared legacy Japanese charset that fits the bytes
		if e, ok := jpcharset.Canonical(cs.name); ok && e.Japanese() {
			return true
		}
	}
	if strings.HasPrefix(lang, "ja") {
		return true
	}
	if cs.det.Encoding == jpcharset.ISO2022JP {
		return true // its escapes are Japanese-only (ISO-2022-KR and -CN use others)
	}
	sample := body[:min(len(body), screenBytes)]
	if cs.enc != nil {
		var err error
		if sample, err = cs.enc.NewDecoder().Bytes(sample); err != nil {
			return false
		}
	}
	n := countKana(sample, c.MinKana)
	// bytes detected as Shift_JIS or EUC-JP need only one kana (Chinese and
	// Korean legacy text, which EUC-JP detection can take, has none); a
	// declared or UTF-8 page needs MinKana
	return n >= c.MinKana || n > 0 && !cs.declared && cs.det.Encoding.Japanese()
}

// countKana counts hiragana (U+3041-U+309F) and katakana (U+30A1-U+30FA) in
// UTF-8 b, stopping at limit. In UTF-8 they are E3 81 81 - E3 83 BA, so a
// byte scan suffices.
func countKana(b []byte, limit int) int {
	n := 0
	for i := 0; i+2 < len(b) && n < limit; {
		j := bytes.IndexByte(b[i:], 0xE3)
		if j < 0 {
			break
		}
		i += j
		if i+2 >= len(b) {
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x3041 && r <= 0x309F || r >= 0x30A1 && r <= 0x30FA {
			n++
		}
		i += size
	}
	return n
}

// title returns the text of the first <title>.
func title(n *html.Node) string {
	if n.Type == html.ElementNode && n.DataAtom == atom.Title {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	if n.Type == html.ElementNode && n.DataAtom == atom.Body {
		return ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := title(c); t != "" {
			return t
		}
	}
	return ""
}

// htmlLang returns the lang attribute of the <html> element.
func htmlLang(doc *html.Node) string {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.DataAtom == atom.Html {
			for _, a := range n.Attr {
				if a.Key == "lang" || a.Key == "xml:lang" {
					return strings.ToLower(strings.TrimSpace(a.Val))
				}
			}
		}
	}
	return ""
}
