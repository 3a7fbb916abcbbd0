// Package rejects writes what a run did not keep, for inspection: input
// problems to ingest.jsonl and dropped documents to dropped.jsonl, one JSON
// object per line, in input order, and on Close an index, rejects.json,
// that lists them with their counts. It implements pipeline.Rejects.
//
// Rejects are a by-product: a Writer never makes a run fail. It stops
// writing at Options.MaxBytes (the records after that are counted, not
// written) or at its first write error, and reports either in its Summary;
// the caller decides what to tell the user.
package rejects

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// File names inside the rejects directory.
const (
	ProblemsFile = "ingest.jsonl"
	DroppedFile  = "dropped.jsonl"
	// IndexFile lists the files a Writer wrote; Owned reads it.
	IndexFile = "rejects.json"
)

// DefaultMaxBytes is the cap used when Options.MaxBytes is 0.
const DefaultMaxBytes = 1 << 30

// ProblemRecord is one line of ingest.jsonl. Raw holds the offending bytes
// when they are valid UTF-8, RawBase64 otherwise.
type ProblemRecord struct {
	File      string       `json:"file"`
	Line      int64        `json:"line,omitempty"`
	Offset    int64        `json:"offset"`
	Key       pipeline.Key `json:"key"`
	Kind      string       `json:"kind"`
	Detail    string       `json:"detail,omitempty"`
	Raw       string       `json:"raw,omitempty"`
	RawBase64 []byte       `json:"raw_base64,omitempty"`
}

// DroppedRecord is one line of dropped.jsonl.
type DroppedRecord struct {
	Stage  string       `json:"stage"`
	Reason string       `json:"reason"`
	ID     string       `json:"id"`
	Key    pipeline.Key `json:"key"`
	Source string       `json:"source"`
	File   string       `json:"file"`
	Line   int64        `json:"line,omitempty"`
	Text   string       `json:"text"`
}

// Options configures a Writer.
type Options struct {
	// MaxBytes caps the bytes written to both files together (0:
	// DefaultMaxBytes). A record that would pass it is not written, nor
	// is any after it.
	MaxBytes int64
	// RunID is recorded in rejects.json so that the rejects can be matched
	// with the dataset of the same run (its manifest's run.run_id).
	RunID string
}

// Summary is what a Writer wrote, also stored as rejects.json.
type Summary struct {
	// RunID names the run that wrote the rejects (Options.RunID).
	RunID    string   `json:"run_id,omitempty"`
	Files    []string `json:"files"`
	Problems int64    `json:"problems"` // problems seen
	Dropped  int64    `json:"dropped"`  // dropped documents seen
	Written  int64    `json:"written"`  // records written
	Bytes    int64    `json:"bytes"`    // bytes written
	MaxBytes int64    `json:"max_bytes"`
	// Omitted counts the records not written because of MaxBytes or an error.
	Omitted int64 `json:"omitted"`
	// Complete is false when a record was omitted.
	Complete bool `json:"complete"`
	// Error is the first write error, if any.
	Error string `json:"error,omitempty"`
}

// Writer writes the files of a rejects directory.
type Writer struct {
	dir               string
	problems, dropped *os.File
	pw, dw            *bufio.Writer
	buf               bytes.Buffer
	enc               *json.Encoder // into buf
	sum               Summary
	err               error // first write error: nothing more is written
	full              bool  // MaxBytes reached
	closed            bool
}

// Create creates the two files in dir, which must exist; it refuses to
// replace existing files.
func Create(dir string, opts Options) (*Writer, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	create := func(name string) (*os.File, error) {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, fmt.Errorf("rejects: %w", err)
		}
		return f, nil
	}
	p, err := create(ProblemsFile)
	if err != nil {
		return nil, err
	}
	d, err := create(DroppedFile)
	if err != nil {
		p.Close()
		return nil, err
	}
	w := &Writer{dir: dir, problems: p, dropped: d, pw: bufio.NewWriterSize(p, 1<<20), dw: bufio.NewWriterSize(d, 1<<20)}
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false) // read by people and tools, not browsers
	w.sum = Summary{RunID: opts.RunID, Files: []string{ProblemsFile, DroppedFile}, MaxBytes: opts.MaxBytes, Complete: true}
	// the index exists from the start (Close rewrites it), so that Owned
	// recognises the files even if the final write fails
	if err := w.writeIndex(); err != nil {
		p.Close()
		d.Close()
		return nil, fmt.Errorf("rejects: %w", err)
	}
	return w, nil
}

// Dir returns the directory written to.
func (w *Writer) Dir() string { return w.dir }

// Problem writes one input problem. It always returns nil (see the package
// comment).
func (w *Writer) Problem(p *pipeline.Problem) error {
	w.sum.Problems++
	if !w.writing() {
		return nil
	}
	rec := ProblemRecord{File: p.Pos.File, Line: p.Pos.Line, Offset: p.Pos.Offset, Key: p.Key, Kind: p.Kind, Detail: p.Detail}
	if utf8.Valid(p.Raw) {
		rec.Raw = string(p.Raw)
	} else {
		rec.RawBase64 = p.Raw
	}
	w.write(w.pw, &rec)
	return nil
}

// Dropped writes one dropped document. It always returns nil.
func (w *Writer) Dropped(stage, reason string, d *pipeline.Document) error {
	w.sum.Dropped++
	if !w.writing() {
		return nil
	}
	w.write(w.dw, &DroppedRecord{Stage: stage, Reason: reason, ID: d.ID, Key: d.Key, Source: d.Source,
		File: d.Pos.File, Line: d.Pos.Line, Text: d.Text})
	return nil
}

func (w *Writer) writing() bool {
	if w.err != nil || w.full || w.closed {
		w.sum.Omitted++
		w.sum.Complete = false
		return false
	}
	return true
}

// write encodes v as one line, unless that would pass MaxBytes.
func (w *Writer) write(bw *bufio.Writer, v any) {
	w.buf.Reset()
	if err := w.enc.Encode(v); err != nil {
		w.fail(err)
		return
	}
	b := w.buf.Bytes()
	defer func() {
		if w.buf.Cap() > 4<<20 {
			w.buf = bytes.Buffer{} // enc writes through the pointer; drop one huge record's buffer
		}
	}()
	if w.sum.Bytes+int64(len(b)) > w.sum.MaxBytes {
		w.full = true
		w.sum.Omitted++
		w.sum.Complete = false
		return
	}
	if _, err := bw.Write(b); err != nil {
		w.fail(err)
		return
	}
	w.sum.Bytes += int64(len(b))
	w.sum.Written++
}

func (w *Writer) fail(err error) {
	w.err = fmt.Errorf("rejects: %w", err)
	w.sum.Error = w.err.Error()
	w.sum.Omitted++
	w.sum.Complete = false
}

// Close flushes and closes both files and writes rejects.json. Its error is
// the first write error (the same as Summary().Error), if any.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	for _, err := range []error{w.pw.Flush(), w.dw.Flush(), w.problems.Sync(), w.dropped.Sync(), w.problems.Close(), w.dropped.Close()} {
		if err != nil && w.err == nil {
			w.fail(err)
		}
	}
	if err := w.writeIndex(); err != nil && w.err == nil {
		w.fail(err)
	}
	return w.err
}

// writeIndex stores the summary as rejects.json, replacing it atomically.
func (w *Writer) writeIndex() error {
	idx, err := json.MarshalIndent(&w.sum, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(w.dir, "."+IndexFile+".tmp")
	if err := os.WriteFile(tmp, append(idx, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(w.dir, IndexFile))
}

// Summary returns what was written so far (complete after Close).
func (w *Writer) Summary() Summary {
	s := w.sum
	s.Files = slices.Clone(s.Files)
	return s
}

// Owned returns the entries of dir that a previous Writer wrote, as its
// rejects.json lists them (with rejects.json itself); nothing without it.
// It is the Owned function of a commit.Options for rejects directories.
func Owned(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, perr := os.Stat(filepath.Join(dir, ProblemsFile)); perr == nil {
			return nil, fmt.Errorf("rejects: %s holds %s but no %s: rejects of an older jacorpus or another tool; remove them or choose another directory",
				dir, ProblemsFile, IndexFile)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rejects: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("rejects: %s: %w", filepath.Join(dir, IndexFile), err)
	}
	owned := []string{IndexFile}
	for _, f := range s.Files {
		if f == ProblemsFile || f == DroppedFile {
			owned = append(owned, f)
		}
	}
	return owned, nil
}

var _ pipeline.Rejects = (*Writer)(nil)
