package pipeline

import (
	"fmt"
	"strconv"
)

// Document is one unit of text flowing through a run.
type Document struct {
	// ID is stable: the input's own id, or source file plus line.
	ID string
	// Text is the document body; stages rewrite it in place.
	Text string
	// Source is the dataset name or the input path.
	Source string
	// URL is set for web pages, empty otherwise.
	URL string
	// Meta holds small free-form values (title, crawl date, charset, ...).
	Meta map[string]string
	// Tokens is the morpheme count, filled by tokenize.
	Tokens int
	// Pos is where the document starts in its input; it names the document
	// in errors and rejects and is not written to the output.
	Pos Position
}

// Position is a place in an input file.
type Position struct {
	// File is the input path as given (after glob and directory expansion).
	File string `json:"file"`
	// Line is the 1-based line of the decoded stream; 0 when unknown.
	Line int64 `json:"line,omitempty"`
	// Offset is the byte offset in the decoded stream; -1 when unknown.
	Offset int64 `json:"offset"`
}

// String formats the position as file:line, or file@offset when the line is unknown.
func (p Position) String() string {
	switch {
	case p.Line > 0:
		return p.File + ":" + strconv.FormatInt(p.Line, 10)
	case p.Offset >= 0:
		return p.File + "@" + strconv.FormatInt(p.Offset, 10)
	default:
		return p.File
	}
}

// Problem is a recoverable input error: a record that could not become a
// document. Sources return it as an error from Next and can be called again;
// the Runner counts it, lists it in the stats and writes it to the rejects.
type Problem struct {
	// Pos locates the bad record.
	Pos Position `json:"pos"`
	// Kind is a short machine-readable reason, e.g. "invalid_utf8".
	Kind string `json:"kind"`
	// Detail is a human-readable explanation.
	Detail string `json:"detail,omitempty"`
	// Raw holds the offending bytes (possibly truncated) for the rejects file.
	Raw []byte `json:"-"`
}

// Problem kinds shared by the sources.
const (
	ProblemInvalidUTF8   = "invalid_utf8"
	ProblemMalformedJSON = "malformed_json"
	ProblemMissingText   = "missing_text"
	ProblemEmpty         = "empty_document"
	ProblemTruncated     = "truncated_input"
	ProblemReadError     = "read_error"
	ProblemEmptyFile     = "empty_file"
	ProblemLineTooLong   = "line_too_long"
	ProblemDocTooLong    = "document_too_long"
)

// Error implements error.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return fmt.Sprintf("%s: %s", p.Pos, p.Kind)
	}
	return fmt.Sprintf("%s: %s: %s", p.Pos, p.Kind, p.Detail)
}
