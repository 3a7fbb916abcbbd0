package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// blockTags end a line before and after them (HTML names and the ones
// go-trafilatura's output tree uses).
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"head": true, "li": true, "item": true, "dt": true, "dd": true, "ul": true, "ol": true, "dl": true,
	"list": true, "blockquote": true, "quote": true, "pre": true, "code": false, "table": true,
	"tr": true, "row": true, "section": true, "article": true, "header": true, "footer": true,
	"summary": true, "details": true, "figure": true, "figcaption": true, "main": true, "body": true,
	"address": true, "caption": true,
}

// breakTags are line breaks.
var breakTags = map[string]bool{"br": true, "hr": true, "lb": true}

// cellTags are separated by a space within their row.
var cellTags = map[string]bool{"td": true, "th": true, "cell": true}

// render returns the text of n, one block per line: text runs are joined,
// white space within a block collapsed to one space (none where a line
// break in the source falls between two CJK characters, which HTML
// authors wrap without spaces), blank lines dropped, <pre> kept as is.
func render(n *html.Node) string {
	if n == nil {
		return ""
	}
	r := renderer{}
	r.walk(n, false)
	r.endLine()
	return strings.Join(r.lines, "\n")
}

type renderer struct {
	skip  map[string]bool // elements left out
	lines []string
	cur   strings.Builder
	space bool // pending collapsed white space
	nl    bool // the pending white space held a line break
}

func (r *renderer) endLine() {
	line := strings.TrimSpace(r.cur.String())
	if line != "" {
		r.lines = append(r.lines, line)
	}
	r.cur.Reset()
	r.space, r.nl = false, false
}

func (r *renderer) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			for i, l := range strings.Split(n.Data, "\n") {
				if i > 0 {
					r.endLine()
				}
				r.cur.WriteString(l)
			}
			return
		}
		r.text(n.Data)
		return
	case html.ElementNode:
		switch n.Data {
		case "script", "style", "noscript", "template":
			return
		}
		if r.skip[n.Data] {
			return
		}
		if breakTags[n.Data] {
			r.endLine()
			return
		}
	}
	block := n.Type == html.ElementNode && blockTags[n.Data]
	if block {
		r.endLine()
	}
	if n.Type == html.ElementNode && cellTags[n.Data] && r.cur.Len() > 0 {
		r.space, r.nl = true, false
	}
	inPre := pre || n.Type == html.ElementNode && n.Data == "pre"
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c, inPre)
	}
	if block {
		r.endLine()
	}
}

// text appends a text run, collapsing ASCII white space.
func (r *renderer) text(s string) {
	for len(s) > 0 {
		c := s[0]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			r.space = true
			r.nl = r.nl || c == '\n' || c == '\r'
			s = s[1:]
			continue
		}
		ru, size := utf8.DecodeRuneInString(s)
		if r.space && r.cur.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(r.cur.String())
			if !(r.nl && wide(last) && wide(ru)) {
				r.cur.WriteByte(' ')
			}
		}
		r.space, r.nl = false, false
		r.cur.WriteString(s[:size])
		s = s[size:]
	}
}

// wide reports a CJK character or full-width punctuation (U+2E80 and above,
// below the half-width forms' ASCII variants).
func wide(r rune) bool { return r >= 0x2E80 && r < 0xFF00 || r >= 0xFF5F && r < 0xFFA0 }
