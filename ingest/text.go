package ingest

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// DefaultMaxDocBytes is the default Text.MaxDocBytes and Source.MaxDocBytes.
const DefaultMaxDocBytes = 256 << 20

// Text reads documents from one plain text stream: the whole stream as one
// document (SplitFile) or one document per block of non-blank lines
// (SplitParagraph). Line ends "\r\n" and lone '\r' become '\n'; a UTF-8 byte
// order mark at the start is dropped. A SplitFile document keeps the text
// otherwise as it is, final newline included; a paragraph is its lines
// joined by '\n'. Lines holding only white space (including U+3000) are
// blank.
type Text struct {
	// MaxDocBytes is the largest document accepted (default
	// DefaultMaxDocBytes, 256 MiB). A larger document is skipped without
	// being held in memory and reported as pipeline.ProblemDocTooLong. Set
	// it before the first call of Next.
	MaxDocBytes int

	file      string
	source    string
	charset   string // canonical encoding name; "" for UTF-8
	paragraph bool
	lr        *lineReader
	line      int64 // lines read so far
	done      bool
	err       error // fatal: bad configuration
	doc       textDoc
}

// textDoc is the document being collected.
type textDoc struct {
	open    bool
	buf     []byte // text so far, at most maxRaw bytes once tooLong
	line    int64  // first line
	off     int64  // decoded offset of the first line
	size    int64  // full text length
	tooLong bool
	badLine int64 // line with the first invalid UTF-8; 0 if none
	badOff  int64 // decoded offset of that line
	badAt   int64 // decoded offset of the first invalid byte
}

// NewText returns a reader of the text stream r (already decompressed, see
// Open), decoded from in.Encoding and split as in.Split says. file names the
// stream in positions and ids (a SplitFile document's id is file, a
// paragraph's "<file>:<line>").
func NewText(r io.Reader, file string, in Input) *Text {
	return newText(r, file, in, &lineReader{})
}

// newText is NewText reusing lr's buffers.
func newText(r io.Reader, file string, in Input, lr *lineReader) *Text {
	t := &Text{file: file, source: orDefault(in.Source, file), lr: lr}
	switch in.Split {
	case "", SplitFile:
	case SplitParagraph:
		t.paragraph = true
	default:
		t.err = fmt.Errorf("%s: split %q: want %q or %q", file, in.Split, SplitFile, SplitParagraph)
		return t
	}
	name, enc, err := lookupEncoding(in.Encoding)
	if err != nil {
		t.err = fmt.Errorf("%s: %w", file, err)
		return t
	}
	if enc != nil {
		t.charset = name
	}
	lr.reset(&crReader{r: decodeReader(r, enc)})
	return t
}

// Next returns the next document, io.EOF at the end of the stream, or a
// *pipeline.Problem for text that is not a document (call Next again to go
// on). A broken stream (truncated compressed data, a read error) ends in one
// Problem, after which Next returns io.EOF; the document being read when the
// stream broke is dropped. Any other error is fatal.
func (t *Text) Next() (*pipeline.Document, error) {
	if t.err != nil {
		return nil, t.err
	}
	limit := t.MaxDocBytes
	if limit <= 0 {
		limit = DefaultMaxDocBytes
	}
	for !t.done {
		ln, err := t.lr.next(limit)
		if err == io.EOF {
			t.done = true
			if t.lr.contentBytes() == 0 {
				return nil, emptyFileProblem(t.file)
			}
			if t.doc.open {
				return t.emit(limit)
			}
			break
		}
		if err != nil {
			t.done = true
			pos := pipeline.Position{File: t.file, Line: t.line + 1, Offset: ln.off}
			raw := append(t.doc.buf[:len(t.doc.buf):len(t.doc.buf)], ln.b...)
			t.doc = textDoc{}
			return nil, streamProblem(err, pos, t.lr.off, raw)
		}
		t.line++
		content := ln.b
		if ln.eol {
			content = bytes.TrimSuffix(content, []byte{'\r'})
		}
		if t.paragraph && !ln.tooLong && isBlank(content) {
			if t.doc.open {
				return t.emit(limit)
			}
			continue
		}
		t.add(content, ln, limit)
	}
	return nil, io.EOF
}

// add appends one line to the document, opening it if needed.
func (t *Text) add(content []byte, ln line, limit int) {
	d := &t.doc
	if !d.open {
		*d = textDoc{open: true, buf: d.buf[:0], line: t.line, off: ln.off}
	} else if t.paragraph {
		d.write([]byte{'\n'}, limit)
	}
	if ln.tooLong { // content holds only the line's first maxRaw bytes
		d.size += ln.size - int64(len(content))
		d.tooLong = true
		d.buf = d.buf[:min(len(d.buf), maxRaw)]
	}
	d.write(content, limit)
	if !t.paragraph && ln.eol {
		d.write([]byte{'\n'}, limit)
	}
	if d.badLine == 0 && !ln.tooLong && !utf8.Valid(content) {
		d.badLine, d.badOff = t.line, ln.off
		d.badAt = ln.off + int64(invalidUTF8Index(content))
	}
}

// write appends p, keeping only the first maxRaw bytes once the document
// exceeds limit bytes.
func (d *textDoc) write(p []byte, limit int) {
	d.buf = appendCapped(d.buf, &d.size, &d.tooLong, p, limit)
}

// emit closes the document and returns it or its problem.
func (t *Text) emit(limit int) (*pipeline.Document, error) {
	d := &t.doc
	d.open = false
	defer func() {
		if cap(d.buf) > maxKeptAcc {
			d.buf = nil
		}
	}()
	pos := pipeline.Position{File: t.file, Line: d.line, Offset: d.off}
	switch {
	case d.tooLong:
		return nil, newProblem(pipeline.ProblemDocTooLong, pos,
			fmt.Sprintf("document of %d bytes exceeds the limit of %d bytes", d.size, limit), d.buf)
	case d.badLine != 0:
		bad := pipeline.Position{File: t.file, Line: d.badLine, Offset: d.badOff}
		return nil, newProblem(pipeline.ProblemInvalidUTF8, bad,
			fmt.Sprintf("invalid UTF-8 at decoded byte offset %d (document from line %d)", d.badAt, d.line), d.buf)
	case isBlank(d.buf):
		return nil, newProblem(pipeline.ProblemEmpty, pos, "document is white space only", d.buf)
	}
	doc := &pipeline.Document{ID: t.file, Text: string(d.buf), Source: t.source, Pos: pos}
	if t.paragraph {
		doc.ID = pipeline.Position{File: t.file, Line: d.line}.String() // file:line
	}
	if t.charset != "" {
		doc.Meta = map[string]string{metaCharset: t.charset}
	}
	return doc, nil
}
