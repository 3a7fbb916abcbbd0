package ingest

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/jacorpus/jacorpus/pipeline"
)

// DefaultMaxLineBytes is the default JSONL.MaxLineBytes and Source.MaxLineBytes.
const DefaultMaxLineBytes = 256 << 20

// JSONL reads documents from one JSON Lines stream: one JSON object per line,
// lines of any length up to MaxLineBytes, ended by "\n", "\r\n" or a lone
// '\r' (as in the text reader; a raw CR cannot occur inside a JSON value).
// Blank lines are skipped; a UTF-8 byte order mark at the start is ignored.
type JSONL struct {
	// MaxLineBytes is the longest line accepted (default
	// DefaultMaxLineBytes, 256 MiB). A longer line is skipped without being
	// held in memory and reported as pipeline.ProblemLineTooLong. Set it
	// before the first call of Next.
	MaxLineBytes int

	file    string
	source  string
	charset string // canonical encoding name; "" for UTF-8
	lr      *lineReader
	fields  *record
	line    int64 // lines read so far
	done    bool
	err     error // fatal: bad configuration
}

// NewJSONL returns a reader of the JSON Lines stream r (already
// decompressed, see Open), decoded from in.Encoding. file names the stream
// in positions and ids; in supplies the field names and the source name.
func NewJSONL(r io.Reader, file string, in Input) *JSONL {
	return newJSONL(r, file, in, &lineReader{})
}

// newJSONL is NewJSONL reusing lr's buffers.
func newJSONL(r io.Reader, file string, in Input, lr *lineReader) *JSONL {
	names := append([]string{
		fieldText: orDefault(in.TextField, defaultTextField),
		fieldID:   orDefault(in.IDField, defaultIDField),
		fieldURL:  orDefault(in.URLField, defaultURLField),
	}, in.MetaFields...)
	j := &JSONL{file: file, source: orDefault(in.Source, file), lr: lr, fields: newRecord(names)}
	name, enc, err := lookupEncoding(in.Encoding)
	if err != nil {
		j.err = fmt.Errorf("%s: %w", file, err)
		return j
	}
	if enc != nil {
		j.charset = name
	}
	lr.reset(&crReader{r: decodeReader(r, enc)}) // a lone CR ends a line too: JSON cannot hold a raw one
	return j
}

// Next returns the next document, io.EOF at the end of the stream, or a
// *pipeline.Problem for a record that is not a document (call Next again to
// go on). A broken stream (truncated compressed data, a read error) ends in
// one Problem, after which Next returns io.EOF. Any other error is fatal.
func (j *JSONL) Next() (*pipeline.Document, error) {
	if j.err != nil {
		return nil, j.err
	}
	limit := j.MaxLineBytes
	if limit <= 0 {
		limit = DefaultMaxLineBytes
	}
	for !j.done {
		ln, err := j.lr.next(limit)
		if err != nil {
			j.done = true
			if err != io.EOF {
				pos := pipeline.Position{File: j.file, Line: j.line + 1, Offset: ln.off}
				return nil, streamProblem(err, pos, j.lr.off, ln.b)
			}
			if j.lr.contentBytes() == 0 {
				return nil, emptyFileProblem(j.file)
			}
			break
		}
		j.line++
		pos := pipeline.Position{File: j.file, Line: j.line, Offset: ln.off}
		if ln.tooLong {
			return nil, newProblem(pipeline.ProblemLineTooLong, pos,
				fmt.Sprintf("line of %d bytes exceeds the limit of %d bytes", ln.size, limit), ln.b)
		}
		b := bytes.TrimSuffix(ln.b, []byte{'\r'})
		if isJSONSpace(b) {
			continue
		}
		return j.parse(b, pos)
	}
	return nil, io.EOF
}

// Indexes of the fixed fields in record.names; meta fields follow.
const (
	fieldText = iota
	fieldID
	fieldURL
	fieldMeta
)

// parse turns one non-blank line into a document.
func (j *JSONL) parse(b []byte, pos pipeline.Position) (*pipeline.Document, error) {
	if !utf8.Valid(b) {
		i := invalidUTF8Index(b)
		return nil, newProblem(pipeline.ProblemInvalidUTF8, pos,
			fmt.Sprintf("invalid UTF-8 at byte %d of the line (decoded byte offset %d)", i, pos.Offset+int64(i)), b)
	}
	if err := j.fields.parse(b); err != nil {
		return nil, newProblem(pipeline.ProblemMalformedJSON, pos, err.Error(), b)
	}
	vals := j.fields.vals
	textName := j.fields.names[fieldText]
	tv := vals[fieldText]
	if tv == nil || tv.Type() != fastjson.TypeString {
		detail := fmt.Sprintf("field %q is missing", textName)
		if tv != nil {
			detail = fmt.Sprintf("field %q is %s, not a string", textName, kindOf(tv))
		}
		return nil, newProblem(pipeline.ProblemMissingText, pos, detail, b)
	}
	text := j.fields.str(fieldText)
	if isBlank(text) {
		return nil, newProblem(pipeline.ProblemEmpty, pos, fmt.Sprintf("field %q is empty or white space", textName), b)
	}
	d := &pipeline.Document{Text: text, Source: j.source, Pos: pos}
	if v := vals[fieldID]; v != nil {
		switch v.Type() {
		case fastjson.TypeString:
			d.ID = j.fields.str(fieldID)
		case fastjson.TypeNumber:
			d.ID = string(v.MarshalTo(nil)) // the number as written
		}
	}
	if d.ID == "" {
		d.ID = pos.String() // file:line
	}
	if v := vals[fieldURL]; v != nil && v.Type() == fastjson.TypeString {
		d.URL = j.fields.str(fieldURL)
	}
	j.setMeta(d)
	return d, nil
}

// setMeta copies the meta fields (strings as they are, other values as
// compact JSON, null and missing skipped) and the charset into d.Meta.
func (j *JSONL) setMeta(d *pipeline.Document) {
	names := j.fields.names[fieldMeta:]
	if len(names) == 0 && j.charset == "" {
		return
	}
	d.Meta = make(map[string]string, len(names)+1)
	for k, name := range names {
		v := j.fields.vals[fieldMeta+k]
		switch {
		case v == nil || v.Type() == fastjson.TypeNull:
		case v.Type() == fastjson.TypeString:
			d.Meta[name] = j.fields.str(fieldMeta + k)
		default:
			d.Meta[name] = string(v.MarshalTo(nil))
		}
	}
	if j.charset != "" {
		d.Meta[metaCharset] = j.charset
	}
}

// metaCharset is the Document.Meta key of a non-UTF-8 input encoding.
const metaCharset = "charset"

// isJSONSpace reports whether b holds only JSON white space.
func isJSONSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
