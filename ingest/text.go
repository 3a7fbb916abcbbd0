package ingest

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
	"unsafe"

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
	// it before the first call of Next. A document longer than 4 MiB is
	// collected in a temporary file under TMPDIR and read back once into a
	// buffer of its size, which its Text then uses without a copy; if that
	// file fails (no room), Next returns a fatal error (see spill.go).
	MaxDocBytes int

	file      string
	source    string
	charset   string            // canonical encoding name; "" for UTF-8
	pending   *pipeline.Problem // a charset mismatch, returned by the first Next
	paragraph bool
	lr        *lineReader
	line      int64 // lines read so far
	done      bool
	err       error // fatal: bad configuration
	doc       textDoc
}

// textDoc is the document being collected; its text is in lr.doc.
type textDoc struct {
	open    bool
	blank   bool  // only white space so far
	line    int64 // first line
	off     int64 // decoded offset of the first line
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
	auto := name == encAuto
	r, name, enc, t.pending = sniffEncoding(r, name, enc, file)
	if enc != nil || auto {
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
	d, err := t.next()
	if t.done {
		t.lr.closeSpill() // no file outlives its stream
	}
	return d, err
}

func (t *Text) next() (*pipeline.Document, error) {
	if t.err != nil {
		return nil, t.err
	}
	if p := t.pending; p != nil {
		t.pending = nil
		return nil, p
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
		if err != nil && isSpillError(err) {
			t.done = true
			t.err = spillFatal(err, t.file, t.line+1, ln.off, ln.size)
			return nil, t.err
		}
		if err != nil {
			t.done = true
			pos := pipeline.Position{File: t.file, Line: t.line + 1, Offset: ln.off}
			raw := ln.b
			if t.doc.open { // the document so far, then the line
				raw = append(slices.Clip(t.lr.doc.head()), ln.b...)
			}
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
	d, buf := &t.doc, &t.lr.doc
	if !d.open {
		*d = textDoc{open: true, blank: true, line: t.line, off: ln.off}
		buf.reset()
	} else if t.paragraph {
		buf.write([]byte{'\n'}, limit)
	}
	switch {
	case ln.tooLong: // content holds only the line's first maxRaw bytes
		buf.skip(ln.size-int64(len(content)), limit)
		buf.write(content, limit)
	case ln.owned && buf.size == 0:
		buf.adopt(content, limit) // a long first line: no copy (room for the '\n' included)
	default:
		buf.write(content, limit)
	}
	if !t.paragraph && ln.eol {
		buf.write([]byte{'\n'}, limit)
	}
	if ln.tooLong {
		return
	}
	if d.blank && !isBlank(content) {
		d.blank = false
	}
	if d.badLine == 0 && !utf8.Valid(content) {
		d.badLine, d.badOff = t.line, ln.off
		d.badAt = ln.off + int64(invalidUTF8Index(content))
	}
}

// emit closes the document and returns it or its problem.
func (t *Text) emit(limit int) (*pipeline.Document, error) {
	d, buf := &t.doc, &t.lr.doc
	d.open = false
	pos := pipeline.Position{File: t.file, Line: d.line, Offset: d.off}
	switch {
	case buf.tooLong:
		return nil, newProblem(pipeline.ProblemDocTooLong, pos,
			fmt.Sprintf("document of %d bytes exceeds the limit of %d bytes", buf.size, limit), buf.head())
	case d.badLine != 0:
		bad := pipeline.Position{File: t.file, Line: d.badLine, Offset: d.badOff}
		return nil, newProblem(pipeline.ProblemInvalidUTF8, bad,
			fmt.Sprintf("invalid UTF-8 at decoded byte offset %d (document from line %d)", d.badAt, d.line), buf.head())
	case d.blank:
		return nil, newProblem(pipeline.ProblemEmpty, pos, "document is white space only", buf.head())
	}
	b, owned, err := buf.bytes(0)
	if err != nil {
		t.done = true
		t.err = spillFatal(err, t.file, d.line, d.off, buf.size)
		return nil, t.err
	}
	var text string
	if !owned {
		text = string(b)
	} else {
		// b was allocated for this document alone (read back from the
		// spill file, or an owned line adopted) and nothing writes to it
		// any more: buf.bytes handed it over without keeping a reference,
		// and the lineReader never reuses an owned line. So the string
		// can share it instead of copying a document of up to MaxDocBytes.
		text = unsafe.String(unsafe.SliceData(b), len(b))
	}
	doc := &pipeline.Document{ID: t.file, Text: text, Source: t.source, Pos: pos}
	if t.paragraph {
		doc.ID = pipeline.Position{File: t.file, Line: d.line}.String() // file:line
	}
	if t.charset != "" {
		doc.Meta = map[string]string{metaCharset: t.charset}
	}
	return doc, nil
}
