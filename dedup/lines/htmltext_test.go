package lines

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// warcResponse is the payload of one WARC response record.
type warcResponse struct {
	URI     string
	Payload []byte
}

// readWARC calls fn with every response record of a gzipped WARC file (one
// gzip member per record, read as one stream): WARC headers, a blank line,
// Content-Length bytes of block (HTTP headers, a blank line, the payload),
// then two CRLFs.
func readWARC(path string, fn func(warcResponse) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(zr, 1<<20)
	for {
		ver, err := br.ReadString('\n')
		if err == io.EOF && ver == "" {
			return nil
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(ver) == "" {
			continue // the CRLFs after a block
		}
		if !strings.HasPrefix(ver, "WARC/") {
			return fmt.Errorf("not a WARC record: %.40q", ver)
		}
		hdr := map[string]string{}
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return err
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			if k, v, ok := strings.Cut(l, ":"); ok {
				hdr[strings.ToLower(k)] = strings.TrimSpace(v)
			}
		}
		n, err := strconv.Atoi(hdr["content-length"])
		if err != nil {
			return fmt.Errorf("content-length: %v", err)
		}
		block := make([]byte, n)
		if _, err := io.ReadFull(br, block); err != nil {
			return err
		}
		if hdr["warc-type"] != "response" {
			continue
		}
		_, payload, ok := bytes.Cut(block, []byte("\r\n\r\n"))
		if !ok {
			return fmt.Errorf("%s: no end of HTTP headers", hdr["warc-target-uri"])
		}
		if err := fn(warcResponse{URI: hdr["warc-target-uri"], Payload: payload}); err != nil {
			return err
		}
	}
}

// isBlock reports whether an element starts a new text line.
func isBlock(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "body", "br", "caption", "center",
		"dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "li", "main",
		"nav", "ol", "option", "p", "pre", "section", "select", "table", "td", "th",
		"title", "tr", "ul":
		return true
	}
	return false
}

// htmlText turns HTML into text lines crudely: comments, scripts and styles
// dropped, a line break at every block element, other tags dropped, source
// line breaks and tabs made spaces, entities unescaped, runs of spaces
// collapsed, lines trimmed of ASCII spaces, empty lines dropped.
func htmlText(h string) string {
	lower := asciiLower(h) // same byte offsets as h
	var b strings.Builder
	for i := 0; i < len(h); {
		c := h[i]
		if c != '<' {
			if c == '\n' || c == '\r' || c == '\t' {
				c = ' '
			}
			b.WriteByte(c)
			i++
			continue
		}
		if strings.HasPrefix(h[i:], "<!--") {
			j := strings.Index(h[i+4:], "-->")
			if j < 0 {
				break
			}
			i += 4 + j + 3
			continue
		}
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		tag := lower[i+1 : i+j]
		i += j + 1
		closing := strings.HasPrefix(tag, "/")
		name := strings.TrimPrefix(tag, "/")
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		if !closing && (name == "script" || name == "style") {
			k := strings.Index(lower[i:], "</"+name)
			if k < 0 {
				break
			}
			i += k
			continue
		}
		if isBlock(name) {
			b.WriteByte('\n')
		}
	}
	var out []string
	for _, l := range strings.Split(html.UnescapeString(b.String()), "\n") {
		if l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' }), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// asciiLower lowercases the ASCII letters of s only, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestHTMLText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"<p>a</p><p>b &amp; c</p>", "a\nb & c"},
		{"<HTML><HEAD><TITLE>題</TITLE><STYLE>p{x:1}</STYLE></HEAD><BODY>本文<BR>次</BODY>", "題\n本文\n次"},
		{"<script>if (a<b) x()</script>x<!-- <p>no</p> -->y", "xy"},
		{"<a href=\"x\">リンク</a>と<b>強調</b>\n続き", "リンクと強調 続き"},
		{"<div>  a \n  b  </div>", "a b"},
		{"<li>一</li><li>二</li>", "一\n二"},
		{"<p>&nbsp;</p>", "\u00a0"},
	}
	for _, c := range cases {
		if got := htmlText(c.in); got != c.want {
			t.Errorf("htmlText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
