package ingest

import (
	"fmt"
	"io"

	"github.com/jacorpus/jacorpus/pipeline"
)

// HTML reads a saved web page (FormatHTML: a .html or .htm file, or one
// whose content starts like HTML): one document per file whose raw bytes
// go to the extract stage as a *pipeline.Page under pipeline.HTMLPayload,
// with empty text, as WARC responses do. The page's bytes are not decoded
// here: its charset comes from the file's own <meta> or, failing that,
// detection; a configured Input.Encoding is passed on as the declared
// charset. The document's ID is the file name.
type HTML struct {
	// MaxDocBytes caps the page (default DefaultMaxDocBytes): a longer one
	// is a ProblemDocTooLong.
	MaxDocBytes int

	r       io.Reader
	file    string
	in      Input
	started bool
}

// NewHTML returns a reader of the page in r, named file in positions.
func NewHTML(r io.Reader, file string, in Input) *HTML {
	return &HTML{r: r, file: file, in: in}
}

// Next returns the page's document, then io.EOF.
func (h *HTML) Next() (*pipeline.Document, error) {
	if h.started {
		return nil, io.EOF
	}
	h.started = true
	limit := h.MaxDocBytes
	if limit <= 0 {
		limit = DefaultMaxDocBytes
	}
	body, err := io.ReadAll(io.LimitReader(h.r, int64(limit)+1))
	pos := pipeline.Position{File: h.file, Line: 1, Offset: 0}
	switch {
	case err != nil:
		return nil, streamProblem(err, pos, int64(len(body)), nil)
	case len(body) > limit:
		return nil, newProblem(pipeline.ProblemDocTooLong, pos, fmt.Sprintf("the page is longer than %d bytes", limit), nil)
	case isBlank(body):
		return nil, emptyFileProblem(h.file)
	}
	d := &pipeline.Document{ID: h.file, Source: orDefault(h.in.Source, h.file), Pos: pos}
	page := &pipeline.Page{Body: body}
	if name, _, err := lookupEncoding(h.in.Encoding); err == nil && h.in.Encoding != "" && name != encAuto {
		page.ContentType = "text/html; charset=" + name // as if the server had said so
	}
	d.Scratch.Set(pipeline.HTMLPayload{}, page)
	return d, nil
}
