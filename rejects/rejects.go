// Package rejects writes what a run did not keep, for inspection: input
// problems to ingest.jsonl, one JSON object per line (they carry the raw
// input bytes), and dropped documents to dropped.parquet, one row each with
// the stage, the rule that dropped it and the rule's score, for DuckDB or
// pandas. Both are in input order. On Close it writes an index,
// rejects.json, that lists the files with their counts. It implements
// pipeline.Rejects.
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

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/pipeline"
)

// File names inside the rejects directory.
const (
	ProblemsFile = "ingest.jsonl"
	DroppedFile  = "dropped.parquet"
	// IndexFile lists the files a Writer wrote; Owned reads it.
	IndexFile = "rejects.json"
)

// legacyDroppedFile is where jacorpus wrote dropped documents before
// dropped.parquet; Owned still recognises it in an index.
const legacyDroppedFile = "dropped.jsonl"

// DefaultMaxBytes is the cap used when Options.MaxBytes is 0.
const DefaultMaxBytes = 1 << 30

// A row group of dropped.parquet ends at whichever comes first; the writer
// holds at most one row group in memory.
const (
	rowGroupBytes = 64 << 20 // record bytes (see DroppedRecord.size)
	rowGroupRows  = 10_000
)

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

// DroppedRecord is one row of dropped.parquet; the columns are in field
// order.
type DroppedRecord struct {
	// Stage names the stage that dropped the document.
	Stage string `parquet:"stage,dict"`
	// Reason is the rule that dropped it (a Stats reason).
	Reason string `parquet:"reason,dict"`
	// Score is the rule's score when the stage left one in the document's
	// Scratch under pipeline.DropScore{}; nil (null) otherwise.
	Score *float64 `parquet:"score,optional"`
	ID    string   `parquet:"id"`
	// Key holds the bits of the document's pipeline.Key:
	// pipeline.Key(r.Key) gives it back.
	Key    int64  `parquet:"key"`
	Source string `parquet:"source,dict"`
	File   string `parquet:"file,dict"`
	// Line is the document's first line in File, 0 when unknown.
	Line int64  `parquet:"line"`
	Text string `parquet:"text"`
}

// size is what a row counts toward MaxBytes: its field bytes.
func (r *DroppedRecord) size() int64 {
	n := int64(len(r.Stage)+len(r.Reason)+len(r.ID)+len(r.Source)+len(r.File)+len(r.Text)) + 8 + 8
	if r.Score != nil {
		n += 8
	}
	return n
}

// Options configures a Writer.
type Options struct {
	// MaxBytes caps the bytes of the records written to both files
	// together (0: DefaultMaxBytes): the JSON lines of ingest.jsonl and
	// the field bytes of the rows of dropped.parquet, before compression.
	// A record that would pass it is not written, nor is any after it.
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
	Bytes    int64    `json:"bytes"`    // bytes of the records written (see Options.MaxBytes)
	MaxBytes int64    `json:"max_bytes"`
	// Omitted counts the records not written because of MaxBytes or an
	// error. A write error in dropped.parquet leaves it without its footer,
	// unreadable, so all its rows count as omitted.
	Omitted int64 `json:"omitted"`
	// Complete is false when a record was omitted.
	Complete bool `json:"complete"`
	// Error is the first write error, if any.
	Error string `json:"error,omitempty"`
}

// Writer writes the files of a rejects directory.
type Writer struct {
	dir      string
	problems *os.File
	pw       *bufio.Writer
	buf      bytes.Buffer
	enc      *json.Encoder // into buf

	dropped *os.File
	dw      *bufio.Writer // under dpw
	dpw     *parquet.GenericWriter[DroppedRecord]
	row     []DroppedRecord // the one row handed to dpw
	// rows and bytes of dropped.parquet counted in sum, and of its open
	// row group; groupRows and groupBytes end a row group.
	drows, dbytes         int64
	grows, gbytes         int64
	groupRows, groupBytes int64
	dfailed               bool // dropped.parquet failed: no footer is written

	sum    Summary
	err    error // first write error: nothing more is written
	full   bool  // MaxBytes reached
	closed bool
}

// Create creates the files in dir, which must exist; it refuses to replace
// existing files.
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
	w := &Writer{dir: dir, problems: p, pw: bufio.NewWriterSize(p, 1<<20),
		dropped: d, dw: bufio.NewWriterSize(d, 1<<20), row: make([]DroppedRecord, 1),
		groupRows: rowGroupRows, groupBytes: rowGroupBytes}
	w.dpw = parquet.NewGenericWriter[DroppedRecord](w.dw,
		parquet.Compression(&parquet.Zstd),
		parquet.WriteBufferSize(0), // dw buffers
		parquet.SkipPageStatistics("text"),
		parquet.SkipPageBounds("text"))
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
	w.writeJSON(&rec)
	return nil
}

// Dropped writes one dropped document, with the score the stage left under
// pipeline.DropScore{} if any. It always returns nil.
func (w *Writer) Dropped(stage, reason string, d *pipeline.Document) error {
	w.sum.Dropped++
	if !w.writing() {
		return nil
	}
	rec := DroppedRecord{Stage: stage, Reason: reason, ID: d.ID, Key: int64(d.Key), Source: d.Source,
		File: d.Pos.File, Line: d.Pos.Line, Text: d.Text}
	if s, ok := d.Scratch.Get(pipeline.DropScore{}).(float64); ok {
		rec.Score = &s
	}
	w.writeDropped(&rec)
	return nil
}

// writeDropped writes one row of dropped.parquet, unless that would pass
// MaxBytes.
func (w *Writer) writeDropped(rec *DroppedRecord) {
	size := rec.size()
	if !w.fits(size) {
		return
	}
	w.row[0] = *rec
	_, err := w.dpw.Write(w.row)
	w.row[0] = DroppedRecord{}
	if err != nil {
		w.fail(err)
		w.failDropped(nil)
		return
	}
	w.sum.Written++
	w.sum.Bytes += size
	w.drows++
	w.dbytes += size
	w.grows++
	w.gbytes += size
	if w.grows >= w.groupRows || w.gbytes >= w.groupBytes {
		w.flushGroup()
	}
}

func (w *Writer) writing() bool {
	if w.err != nil || w.full || w.closed {
		w.sum.Omitted++
		w.sum.Complete = false
		return false
	}
	return true
}

// fits reports whether a record of size bytes stays within MaxBytes; if
// not, it is omitted and so is every later one.
func (w *Writer) fits(size int64) bool {
	if w.sum.Bytes+size > w.sum.MaxBytes {
		w.full = true
		w.sum.Omitted++
		w.sum.Complete = false
		return false
	}
	return true
}

// writeJSON writes v as one line of ingest.jsonl, unless that would pass
// MaxBytes.
func (w *Writer) writeJSON(v any) {
	w.buf.Reset()
	if err := w.enc.Encode(v); err != nil {
		w.fail(err)
		return
	}
	defer func() {
		if w.buf.Cap() > 4<<20 {
			w.buf = bytes.Buffer{} // enc writes through the pointer; drop one huge record's buffer
		}
	}()
	w.writeLine(w.buf.Bytes())
}

// writeLine writes one JSON line (with its newline) to ingest.jsonl,
// unless that would pass MaxBytes.
func (w *Writer) writeLine(b []byte) {
	if !w.fits(int64(len(b))) {
		return
	}
	if _, err := w.pw.Write(b); err != nil {
		w.fail(err)
		return
	}
	w.sum.Bytes += int64(len(b))
	w.sum.Written++
}

// flushGroup ends the open row group of dropped.parquet and hands it to
// the file.
func (w *Writer) flushGroup() {
	if w.grows == 0 {
		return
	}
	err := w.dpw.Flush()
	if err == nil {
		err = w.dw.Flush()
	}
	w.grows, w.gbytes = 0, 0
	if err != nil {
		w.failDropped(err)
	}
}

// failDropped records that dropped.parquet failed (with err, unless nil):
// without a footer none of its rows can be read, so they count as omitted.
func (w *Writer) failDropped(err error) {
	if err != nil {
		w.setErr(err)
	}
	w.dfailed = true
	w.sum.Written -= w.drows
	w.sum.Bytes -= w.dbytes
	w.sum.Omitted += w.drows
	w.drows, w.dbytes = 0, 0
}

// fail records err for a record that is therefore omitted.
func (w *Writer) fail(err error) {
	w.setErr(err)
	w.sum.Omitted++
}

// setErr keeps the first write error and marks the rejects incomplete.
func (w *Writer) setErr(err error) {
	if w.err == nil {
		w.err = fmt.Errorf("rejects: %w", err)
		w.sum.Error = w.err.Error()
	}
	w.sum.Complete = false
}

// Close finishes and closes both files (dropped.parquet gets its footer,
// also when nothing was dropped, so readers always find the schema) and
// writes rejects.json. Its error is the first write error (the same as
// Summary().Error), if any.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	for _, err := range []error{w.pw.Flush(), w.problems.Sync(), w.problems.Close()} {
		if err != nil {
			w.setErr(err)
		}
	}
	if !w.dfailed {
		w.flushGroup()
	}
	if !w.dfailed {
		err := w.dpw.Close()
		if err == nil {
			err = w.dw.Flush()
		}
		if err == nil {
			err = w.dropped.Sync()
		}
		if err != nil {
			w.failDropped(err)
		}
	}
	if err := w.dropped.Close(); err != nil { // after Sync: the rows are in the file
		w.setErr(err)
	}
	if err := w.writeIndex(); err != nil {
		w.setErr(err)
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

// ReadDropped reads every row of a dropped.parquet, in file order.
func ReadDropped(path string) ([]DroppedRecord, error) {
	rows, err := parquet.ReadFile[DroppedRecord](path)
	if err != nil {
		return nil, fmt.Errorf("rejects: %s: %w", path, err)
	}
	return rows, nil
}

// Owned returns the entries of dir that a previous Writer wrote, as its
// rejects.json lists them (with rejects.json itself); nothing without it.
// The dropped.jsonl of an older jacorpus counts when its index lists it.
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
		switch f {
		case ProblemsFile, DroppedFile, legacyDroppedFile:
			owned = append(owned, f)
		}
	}
	return owned, nil
}

var _ pipeline.Rejects = (*Writer)(nil)
