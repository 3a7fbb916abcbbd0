package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// Formats that Sniff recognises besides FormatJSONL and FormatText. Their
// readers are added by their own files; openNext reads only the formats it
// has a case for (see readable).
const (
	FormatHTML = "html"
)

// readable lists the formats openNext has a reader for, in the order
// messages name them.
var readable = []string{FormatJSONL, FormatText, FormatWARC, FormatWET, FormatHTML, FormatEgovLaw, FormatKokkai, FormatParquet}

// ProblemUnsupported is the Problem kind of a file that cannot be read at
// all: a compression or archive format that is not supported, or content of
// no known format in a file named explicitly (a file input, a line of a
// paths_from list, standard input).
const ProblemUnsupported = "unsupported_format"

// sniffSize is how many decompressed bytes Sniff looks at.
const sniffSize = 8 << 10

// Sniff tells the format of a file from the first bytes of its
// decompressed content (up to sniffSize of them; fewer only at the end of
// the file). It returns the format, or "" and why none fits:
//
//   - "WARC/1." at the start: FormatWET when a record of the window is a
//     conversion record, else FormatWARC.
//   - "PAR1": FormatParquet.
//   - XML ("<?xml", a comment or a root element): the root element decides:
//     <Law> or the e-Gov API's <DataRoot> is FormatEgovLaw, the Diet minutes
//     API's <data> with <numberOfRecords> FormatKokkai, <html> (or <head>,
//     <body>, <meta>, <title>, … of a page saved without it) FormatHTML.
//   - "<!DOCTYPE html" or "<html" (any case): FormatHTML.
//   - A JSON object whose first line is complete (or the line is longer than
//     the window): FormatJSONL, unless it is a Diet API response
//     ("numberOfRecords" first) or a JSON array of meetings with "speeches"
//     (as harvesting scripts save them): FormatKokkai.
//   - Text without NUL or other C0 control bytes (but tab, newline, form
//     feed, carriage return and ESC, which ISO-2022-JP uses) that is valid
//     UTF-8, or valid Shift_JIS or EUC-JP: FormatText.
//
// A UTF-8 byte order mark and leading white space are skipped. A tar
// archive, UTF-16 text and binary data are reported as such.
func Sniff(head []byte) (format, why string) {
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")):
		return "", "UTF-16 text is not supported; convert it to UTF-8"
	case bytes.HasPrefix(b, []byte("PAR1")):
		return FormatParquet, ""
	case len(head) >= 263 && bytes.Equal(head[257:262], []byte("ustar")):
		return "", "a tar archive; extract it first"
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		if len(head) == 0 {
			return "", "empty file"
		}
		return FormatText, "" // blank: the text reader reports it
	}
	switch {
	case bytes.HasPrefix(b, []byte("WARC/1.")):
		if bytes.Contains(b, []byte("\nWARC-Type: conversion")) {
			return FormatWET, ""
		}
		return FormatWARC, ""
	case b[0] == '<':
		return sniffMarkup(b)
	case b[0] == '{':
		return sniffObject(b, len(head) < sniffSize)
	case b[0] == '[':
		if kokkaiJSON(b) {
			return FormatKokkai, ""
		}
		return "", "a JSON array, not JSON Lines"
	}
	return sniffText(head)
}

// sniffMarkup tells XML and HTML apart by the first element.
func sniffMarkup(b []byte) (string, string) {
	lower := bytes.ToLower(b[:min(len(b), 512)])
	if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
		return FormatHTML, ""
	}
	root := rootElement(b)
	switch {
	case root == "Law" || root == "DataRoot":
		return FormatEgovLaw, ""
	case root == "data" && bytes.Contains(b, []byte("<numberOfRecords>")):
		return FormatKokkai, ""
	case htmlRoots[strings.ToLower(root)]:
		return FormatHTML, ""
	case root == "":
		return sniffText(b)
	}
	return "", "XML with root element <" + root + ">, not an e-Gov law, Diet minutes or HTML"
}

// htmlRoots are first elements that make a document HTML: <html>, and
// those a page saved without it starts with.
var htmlRoots = map[string]bool{"html": true, "head": true, "body": true, "meta": true, "title": true,
	"link": true, "script": true, "style": true, "div": true, "p": true, "table": true}

// rootElement returns the name of the first element of an XML document,
// skipping the declaration, processing instructions, comments and the
// doctype; "" when the window holds none.
func rootElement(b []byte) string {
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return ""
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b, []byte("-->"))
			if i < 0 {
				return ""
			}
			b = b[i+3:]
		case bytes.HasPrefix(b, []byte("<!")):
			i := bytes.IndexByte(b, '>')
			if i < 0 {
				return ""
			}
			b = b[i+1:]
		case bytes.HasPrefix(b, []byte("<")):
			b = b[1:]
			n := 0
			for n < len(b) && !bytes.ContainsRune([]byte(" \t\r\n/>"), rune(b[n])) {
				n++
			}
			if n == len(b) {
				return ""
			}
			return string(b[:n])
		default:
			return ""
		}
	}
}

// sniffObject decides for content starting with '{'. complete reports that
// b holds the whole file.
func sniffObject(b []byte, complete bool) (string, string) {
	start := b[:min(len(b), 1024)]
	if bytes.Contains(start, []byte(`"numberOfRecords"`)) {
		return FormatKokkai, ""
	}
	line, _, found := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if !found && !complete {
		// The first line is longer than the window: a long record. A
		// pretty-printed object has a line break right after the brace.
		return FormatJSONL, ""
	}
	v, err := fastjson.ParseBytes(line)
	if err == nil && v.Type() == fastjson.TypeObject {
		return FormatJSONL, ""
	}
	return "", "JSON that is not JSON Lines (the first line is not a JSON object)"
}

// kokkaiJSON reports whether a JSON array looks like saved Diet minutes: an
// array of meetings with their speeches.
func kokkaiJSON(b []byte) bool {
	start := b[:min(len(b), 4096)]
	return bytes.HasPrefix(bytes.TrimLeft(start[1:], " \t\r\n"), []byte("{")) &&
		(bytes.Contains(start, []byte(`"speeches"`)) || bytes.Contains(start, []byte(`"speechRecord"`)) ||
			bytes.Contains(start, []byte(`"meetingRecord"`)))
}

// sniffText accepts text in UTF-8, Shift_JIS (CP932), EUC-JP or ISO-2022-JP:
// no NUL or other control bytes but white space and ESC, and valid in one
// of the encodings. A sequence cut by the end of the window is allowed.
func sniffText(b []byte) (string, string) {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b {
			return "", "binary data (control bytes)"
		}
		if c == 0x7f {
			return "", "binary data (control bytes)"
		}
	}
	if validPrefix(b, utf8Len) || validPrefix(b, sjisLen) || validPrefix(b, eucLen) {
		return FormatText, ""
	}
	return "", "binary data (not text in UTF-8, Shift_JIS or EUC-JP)"
}

// validPrefix reports whether b is a sequence of characters whose lengths
// charLen gives, a character cut by the end of b allowed. charLen returns
// the length of the character at the start of b, 0 when it is invalid and
// -1 when b ends inside it.
func validPrefix(b []byte, charLen func([]byte) int) bool {
	for len(b) > 0 {
		n := charLen(b)
		switch {
		case n < 0:
			return true
		case n == 0:
			return false
		}
		b = b[n:]
	}
	return true
}

func utf8Len(b []byte) int {
	if b[0] < utf8.RuneSelf {
		return 1
	}
	if r, n := utf8.DecodeRune(b); r != utf8.RuneError || n > 1 {
		return n
	}
	if !utf8.FullRune(b) {
		return -1
	}
	return 0
}

// sjisLen: single bytes 00-7F and A1-DF (half-width katakana); lead bytes
// 81-9F and E0-FC with a trail byte 40-7E or 80-FC (CP932).
func sjisLen(b []byte) int {
	c := b[0]
	switch {
	case c < 0x80 || c >= 0xa1 && c <= 0xdf:
		return 1
	case c >= 0x81 && c <= 0x9f || c >= 0xe0 && c <= 0xfc:
		if len(b) < 2 {
			return -1
		}
		if t := b[1]; t >= 0x40 && t <= 0xfc && t != 0x7f {
			return 2
		}
	}
	return 0
}

// eucLen: single bytes 00-7F; A1-FE pairs; 8E (SS2) with a half-width
// katakana A1-DF; 8F (SS3) with an A1-FE pair (JIS X 0212).
func eucLen(b []byte) int {
	c := b[0]
	pair := func(x byte) bool { return x >= 0xa1 && x <= 0xfe }
	switch {
	case c < 0x80:
		return 1
	case pair(c) || c == 0x8e:
		if len(b) < 2 {
			return -1
		}
		if c == 0x8e && b[1] >= 0xa1 && b[1] <= 0xdf || c != 0x8e && pair(b[1]) {
			return 2
		}
	case c == 0x8f:
		if len(b) < 3 {
			return -1
		}
		if pair(b[1]) && pair(b[2]) {
			return 3
		}
	}
	return 0
}
