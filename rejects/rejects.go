// Package rejects writes what a run did not keep, for inspection: input
// problems to ingest.jsonl and dropped documents to dropped.jsonl, one JSON
// object per line, in input order. It implements pipeline.Rejects.
package rejects

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// File names inside the rejects directory.
const (
	ProblemsFile = "ingest.jsonl"
	DroppedFile  = "dropped.jsonl"
)

// ProblemRecord is one line of ingest.jsonl. Raw holds the offending bytes
// when they are valid UTF-8, RawBase64 otherwise.
type ProblemRecord struct {
	File      string `json:"file"`
	Line      int64  `json:"line,omitempty"`
	Offset    int64  `json:"offset"`
	Kind      string `json:"kind"`
	Detail    string `json:"detail,omitempty"`
	Raw       string `json:"raw,omitempty"`
	RawBase64 []byte `json:"raw_base64,omitempty"`
}

// DroppedRecord is one line of dropped.jsonl.
type DroppedRecord struct {
	Stage  string `json:"stage"`
	Reason string `json:"reason"`
	ID     string `json:"id"`
	Source string `json:"source"`
	File   string `json:"file"`
	Line   int64  `json:"line,omitempty"`
	Text   string `json:"text"`
}

// Writer writes the two files of a rejects directory.
type Writer struct {
	dir               string
	problems, dropped *os.File
	pw, dw            *bufio.Writer
	pe, de            *json.Encoder
}

// Create makes dir (if needed) and truncates or creates its two files.
func Create(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("rejects: %w", err)
	}
	p, err := os.Create(filepath.Join(dir, ProblemsFile))
	if err != nil {
		return nil, fmt.Errorf("rejects: %w", err)
	}
	d, err := os.Create(filepath.Join(dir, DroppedFile))
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("rejects: %w", err)
	}
	w := &Writer{dir: dir, problems: p, dropped: d, pw: bufio.NewWriterSize(p, 1<<20), dw: bufio.NewWriterSize(d, 1<<20)}
	w.pe, w.de = json.NewEncoder(w.pw), json.NewEncoder(w.dw)
	w.pe.SetEscapeHTML(false)
	w.de.SetEscapeHTML(false)
	return w, nil
}

// Dir returns the directory written to.
func (w *Writer) Dir() string { return w.dir }

// Problem writes one input problem.
func (w *Writer) Problem(p *pipeline.Problem) error {
	rec := ProblemRecord{File: p.Pos.File, Line: p.Pos.Line, Offset: p.Pos.Offset, Kind: p.Kind, Detail: p.Detail}
	if utf8.Valid(p.Raw) {
		rec.Raw = string(p.Raw)
	} else {
		rec.RawBase64 = p.Raw
	}
	return w.pe.Encode(&rec)
}

// Dropped writes one dropped document.
func (w *Writer) Dropped(stage, reason string, d *pipeline.Document) error {
	return w.de.Encode(&DroppedRecord{Stage: stage, Reason: reason, ID: d.ID, Source: d.Source,
		File: d.Pos.File, Line: d.Pos.Line, Text: d.Text})
}

// Close flushes and closes both files.
func (w *Writer) Close() error {
	return errors.Join(w.pw.Flush(), w.dw.Flush(), w.problems.Close(), w.dropped.Close())
}
