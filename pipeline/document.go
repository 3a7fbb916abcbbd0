package pipeline

import (
	"fmt"
	"strconv"
)

// Document is one unit of text flowing through a run.
type Document struct {
	// ID is the input's own id, or else the file's stable name plus the
	// line ("kokkai/2024.jsonl:12"; a whole-file text document: the name).
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
	// Wakati is the text's morphemes separated by single spaces, filled by
	// tokenize when asked (tokenize.Options.Wakati), else empty.
	Wakati string
	// Pos is where the document starts in its input; it names the document
	// in errors and rejects and is not written to the output.
	Pos Position
	// Key names the document across the processes of a job (see Key).
	Key Key
	// Scratch carries values one stage computes for a later one (a MinHash
	// signature, filter statistics). It is never written to the shards or
	// the rejects.
	Scratch Scratch
}

// Scratch holds per-document values passed between stages. Like
// context.Context values, keys should be of an unexported type defined by
// the package that sets them, so packages cannot collide. The zero value is
// empty and ready; it holds few values, so lookups scan a slice.
type Scratch struct {
	kv []scratchValue
}

type scratchValue struct{ key, val any }

// Set stores v under key, replacing an earlier value.
func (s *Scratch) Set(key, v any) {
	for i := range s.kv {
		if s.kv[i].key == key {
			s.kv[i].val = v
			return
		}
	}
	s.kv = append(s.kv, scratchValue{key, v})
}

// Get returns the value stored under key, nil if none.
func (s *Scratch) Get(key any) any {
	for _, e := range s.kv {
		if e.key == key {
			return e.val
		}
	}
	return nil
}

// Delete removes the value stored under key.
func (s *Scratch) Delete(key any) {
	for i, e := range s.kv {
		if e.key == key {
			s.kv = append(s.kv[:i], s.kv[i+1:]...)
			return
		}
	}
}

// Position is a place in an input file.
type Position struct {
	// File is the input file's stable name (ingest.File.Name), independent
	// of how the input path was spelled.
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
	// Key is the record's key (see Key): rejected records take a record
	// ordinal like documents do.
	Key Key `json:"key"`
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

// Key names a document (or a rejected record) compactly and stably across
// the processes of a job: the ordinal of its file in the job's sorted file
// list (all tasks' files, not one task's slice) in the top 24 bits and the
// ordinal of the record within the file (documents and rejected records
// counted alike, from 0) in the low 40 bits. Keys sort in input order.
type Key uint64

// Key layout limits.
const (
	keyRecordBits = 40
	// MaxKeyFiles is the number of file ordinals a Key can hold.
	MaxKeyFiles = 1 << (64 - keyRecordBits)
	// MaxKeyRecords is the number of record ordinals a Key can hold per file.
	MaxKeyRecords = 1 << keyRecordBits
)

// MakeKey returns the key of record rec of file file. Both must be in range
// (file < MaxKeyFiles, rec < MaxKeyRecords); larger values are cut to fit.
func MakeKey(file int, rec int64) Key {
	return Key(uint64(file)%MaxKeyFiles<<keyRecordBits | uint64(rec)%MaxKeyRecords)
}

// File returns the file ordinal.
func (k Key) File() int { return int(k >> keyRecordBits) }

// Record returns the record ordinal within the file.
func (k Key) Record() int64 { return int64(k % MaxKeyRecords) }

// String formats the key as "file.record", e.g. "12.4031".
func (k Key) String() string {
	return strconv.Itoa(k.File()) + "." + strconv.FormatInt(k.Record(), 10)
}

// DropScore is the Scratch key under which a stage that drops a document by
// a scored rule leaves the rule's score (a float64), for the rejects.
type DropScore struct{}

// RawText is the Scratch key under which normalization leaves the text as
// it was read (a string) when it changed it and a later stage asked for it:
// filter presets that reproduce another tool judge the text that tool saw.
type RawText struct{}

// HTMLPayload is the Scratch key under which a source leaves a web page it
// did not turn into text itself (a WARC response record's HTML) as a *Page,
// with Document.Text empty; the extract stage decodes it, puts the main
// text into Text and deletes the key. Extraction is costly, so it runs in
// the parallel workers, not on the source's goroutine.
type HTMLPayload struct{}

// Page is a fetched web page as a source read it.
type Page struct {
	// Body is the HTTP payload, de-chunked and content-decoded, in its own
	// character encoding.
	Body []byte
	// ContentType is the HTTP Content-Type header
	// ("text/html; charset=Shift_JIS"), "" when there was none.
	ContentType string
}
