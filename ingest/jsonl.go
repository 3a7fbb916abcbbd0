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
	// before the first call of Next. A line longer than 4 MiB is collected
	// in a temporary file under TMPDIR and read back once into a buffer of
	// its size, which the document's Text then shares; if that file fails
	// (no room), Next returns a fatal error (see spill.go).
	MaxLineBytes int

	file    string
	source  string
	charset string            // canonical encoding name; "" for UTF-8
	pending *pipeline.Problem // a charset mismatch, returned by the first Next
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
	auto := name == encAuto
	r, name, enc, j.pending = sniffEncoding(r, name, enc, file)
	if enc != nil || auto {
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
	d, err := j.next()
	if j.done {
		j.lr.closeSpill() // no file outlives its stream
	}
	return d, err
}

func (j *JSONL) next() (*pipeline.Document, error) {
	if j.err != nil {
		return nil, j.err
	}
	if p := j.pending; p != nil {
		j.pending = nil
		return nil, p
	}
	limit := j.MaxLineBytes
	if limit <= 0 {
		limit = DefaultMaxLineBytes
	}
	for !j.done {
		ln, err := j.lr.next(limit)
		if err != nil && isSpillError(err) {
			j.done = true
			j.err = spillFatal(err, j.file, j.line+1, ln.off, ln.size)
			return nil, j.err
		}
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
		return j.parse(b, pos, ln.owned)
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

// parse turns one non-blank line into a document. owned reports that b is
// the caller's for good (an owned line, see line.owned): the text is then
// taken from b itself, unescaped in place, instead of being copied.
func (j *JSONL) parse(b []byte, pos pipeline.Position, owned bool) (*pipeline.Document, error) {
	if !utf8.Valid(b) {
		i := invalidUTF8Index(b)
		return nil, newProblem(pipeline.ProblemInvalidUTF8, pos,
			fmt.Sprintf("invalid UTF-8 at byte %d of the line (decoded byte offset %d)", i, pos.Offset+int64(i)), b)
	}
	r := j.fields
	defer r.release()
	var err error
	if owned {
		err = r.parseOwned(b)
	} else {
		err = r.parse(b)
	}
	if err != nil {
		return nil, newProblem(pipeline.ProblemMalformedJSON, pos, err.Error(), b)
	}
	textName := r.names[fieldText]
	if t, ok := r.typeOf(fieldText); !ok || t != fastjson.TypeString {
		detail := fmt.Sprintf("field %q is missing", textName)
		if ok {
			detail = fmt.Sprintf("field %q is %s, not a string", textName, typeName(t))
		}
		return nil, newProblem(pipeline.ProblemMissingText, pos, detail, b)
	}
	if r.blank(fieldText) {
		return nil, newProblem(pipeline.ProblemEmpty, pos, fmt.Sprintf("field %q is empty or white space", textName), b)
	}
	d := &pipeline.Document{Source: j.source, Pos: pos}
	if t, ok := r.typeOf(fieldID); ok {
		switch t {
		case fastjson.TypeString:
			d.ID = r.str(fieldID)
		case fastjson.TypeNumber:
			d.ID = r.jsonText(fieldID) // the number as written
		}
	}
	if d.ID == "" {
		d.ID = pos.String() // file:line
	}
	if t, ok := r.typeOf(fieldURL); ok && t == fastjson.TypeString {
		d.URL = r.str(fieldURL)
	}
	j.setMeta(d)
	d.Text = r.text(fieldText) // last: for an owned line it rewrites b in place
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
	r := j.fields
	for k, name := range names {
		switch t, ok := r.typeOf(fieldMeta + k); {
		case !ok || t == fastjson.TypeNull:
		case t == fastjson.TypeString:
			d.Meta[name] = r.str(fieldMeta + k)
		default:
			d.Meta[name] = r.jsonText(fieldMeta + k)
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
