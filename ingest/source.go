package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Source streams the documents of many files, in file order and within a
// file in record order. It implements pipeline.Source and
// pipeline.ByteCounter. A file that cannot be opened or breaks off is
// reported as a *pipeline.Problem and the source goes on with the next file;
// Next returns another error only when ctx is done or the configuration is
// invalid (a bad Input, a File.Input out of range). A Source is used from
// one goroutine, except BytesRead.
type Source struct {
	// MaxLineBytes is JSONL.MaxLineBytes for every JSON Lines file
	// (default DefaultMaxLineBytes). Set it before the first call of Next.
	MaxLineBytes int
	// MaxDocBytes is Text.MaxDocBytes for every text file,
	// EgovLaw.MaxDocBytes for every e-Gov law file (default
	// DefaultMaxDocBytes) and WARC.MaxRecordBytes for every WARC or WET
	// file (default DefaultMaxRecordBytes). Set it before the first call
	// of Next.
	MaxDocBytes int

	files  []File
	inputs []Input
	next   int // index of the next file to open
	cur    interface {
		Next() (*pipeline.Document, error)
	}
	file     File  // the current file
	rec      int64 // records (documents and problems) of the current file so far
	stats    []FileStats
	ctx      atomic.Pointer[context.Context] // of the current Next call; decoders read it from their goroutines
	st       *stream
	dec      decompressors
	sniffBuf []byte       // see stream.sniff
	walked   map[int]bool // Input.walks by input index
	lr       lineReader
	bytes    atomic.Int64
}

// NewSource returns a Source over files (as returned by Expand, or a slice
// of that list), whose Input fields index inputs. Documents and problems
// are located by File.Name and keyed by File.Ordinal (see pipeline.Key);
// their source is File.Source.
func NewSource(files []File, inputs []Input) *Source {
	return &Source{files: files, inputs: inputs}
}

// Next returns the next document, io.EOF after the last file, a
// *pipeline.Problem for a record or file that gave no document (call Next
// again to go on), or a fatal error. ctx is checked before every record and
// before every read from the file, so a stop request ends even the read of
// an endless line.
func (s *Source) Next(ctx context.Context) (*pipeline.Document, error) {
	if p := s.ctx.Load(); p == nil || *p != ctx {
		s.ctx.Store(&ctx)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.cur == nil {
			if s.next >= len(s.files) {
				s.Close()
				return nil, io.EOF
			}
			if err := s.openNext(); err != nil {
				return nil, err
			}
			continue
		}
		d, err := s.cur.Next()
		if err == io.EOF {
			s.closeCurrent()
			continue
		}
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err() // the stop cut the read short: not the file's fault
		}
		s.stamp(d, err)
		return d, err
	}
}

// stamp sets the key of the record just read (a document or a problem) and
// counts it in the file's stats.
func (s *Source) stamp(d *pipeline.Document, err error) {
	var p *pipeline.Problem
	st := &s.stats[len(s.stats)-1]
	switch {
	case d != nil:
		d.Key = pipeline.MakeKey(s.file.Ordinal, s.rec)
		st.Docs++
	case errors.As(err, &p):
		p.Key = pipeline.MakeKey(s.file.Ordinal, s.rec)
		st.Problems++
		switch p.Kind {
		case pipeline.ProblemReadError:
			if st.Docs+st.Problems == 1 && p.Pos.Offset <= 0 { // not even the first byte could be read
				st.Status = FileUnreadable
			} else {
				st.Status = FileBroken
			}
		case pipeline.ProblemTruncated:
			st.Status = FileBroken
		case pipeline.ProblemEmptyFile:
			st.Status = FileEmpty
		case ProblemUnsupported:
			st.Status, st.Detail = FileUnsupported, p.Detail
		case ProblemAPIError:
			st.apiErrors++
		}
		if st.Status != "" && st.At == "" {
			st.At = p.Pos.String() // where the file as a whole went wrong
		}
	default:
		return
	}
	s.rec++
}

// File statuses in FileStats.
const (
	// FileOK: the file was read to its end and gave at least one document.
	FileOK = "ok"
	// FileUnreadable: the file could not be opened.
	FileUnreadable = "unreadable"
	// FileBroken: reading broke off (a truncated or corrupt compressed
	// stream, a read error); the records before the break were kept.
	FileBroken = "truncated"
	// FileEmpty: the file has no content.
	FileEmpty = "empty"
	// FileNoDocuments: every record of the file was a problem.
	FileNoDocuments = "no_documents"
	// FileUnsupported: the file is in a compression or archive format that
	// is not read, or a file named explicitly has content of no known
	// format (a Problem of kind ProblemUnsupported; Detail says which).
	FileUnsupported = "unsupported"
	// FileAPIError: the file is an API's error response and nothing else
	// (an e-Gov API response whose Result Code is not 0: a law that was not
	// found, a request the API refused). Each response is a Problem
	// (ProblemAPIError), counted and located, but the file was read as it
	// should be: like FileSkipped, it is not a bad file.
	FileAPIError = "api_error"
	// FileSkipped: a file found in a directory or by a glob whose format
	// neither its extension nor its content tells was not read; Detail says
	// why. It is not a bad file.
	FileSkipped = "skipped"
)

// FileStats is what a Source read from one file.
type FileStats struct {
	// Name is File.Name.
	Name string `json:"name"`
	// Docs and Problems count the documents and the rejected records.
	Docs     int64 `json:"docs"`
	Problems int64 `json:"problems"`
	// Status is FileOK or what went wrong with the file as a whole.
	Status string `json:"status"`
	// At locates what went wrong ("name:line", where a stream broke off);
	// empty for FileOK and FileNoDocuments.
	At string `json:"at,omitempty"`
	// Format is the format the file was read as ("" when it was not).
	Format string `json:"format,omitempty"`
	// Detail says why a file was skipped or is unsupported.
	Detail string `json:"detail,omitempty"`
	// Skipped counts the records that are not documents and not problems
	// either, by reason (WARC: "warc_request", "http_redirect", "not_html"…).
	Skipped map[string]int64 `json:"skipped,omitempty"`

	apiErrors int64 // problems of kind ProblemAPIError
}

// String describes the file's outcome for messages:
// "crawl/01.jsonl.gz: truncated at crawl/01.jsonl.gz:20 (19 documents, 1 problems)".
func (f FileStats) String() string {
	s := f.Name + ": " + f.Status
	if f.Status == FileSkipped || f.Status == FileUnsupported {
		return s + " (" + f.Detail + ")"
	}
	if f.At != "" {
		s += " at " + f.At
	}
	s += fmt.Sprintf(" (%d documents, %d problems", f.Docs, f.Problems)
	if n := f.SkippedTotal(); n > 0 {
		s += fmt.Sprintf(", %d skipped", n)
	}
	return s + ")"
}

// SkippedTotal is the number of skipped records.
func (f FileStats) SkippedTotal() int64 {
	var n int64
	for _, c := range f.Skipped {
		n += c
	}
	return n
}

// Bad reports whether the file went wrong as a whole: not FileOK, and not
// FileSkipped (not meant to be read) or FileAPIError (read as it should
// be; its responses are counted as problems).
func (f FileStats) Bad() bool {
	return f.Status != FileOK && f.Status != FileSkipped && f.Status != FileAPIError
}

// FileStats returns the stats of every file opened so far, in order. Call
// it after the last Next (it is not safe to call concurrently with Next).
func (s *Source) FileStats() []FileStats {
	out := make([]FileStats, len(s.stats))
	for i, st := range s.stats {
		if st.Status == "" {
			st.Status = FileOK
			if st.Docs == 0 {
				st.Status = FileNoDocuments
				if st.Problems > 0 && st.apiErrors == st.Problems {
					st.Status = FileAPIError
				}
			}
		}
		out[i] = st
	}
	return out
}

// openNext opens the next file and makes its reader current. It returns a
// Problem when the file cannot be opened, an error when its input is invalid.
func (s *Source) openNext() error {
	f := s.files[s.next]
	s.next++
	s.file, s.rec = f, 0
	s.stats = append(s.stats, FileStats{Name: f.Name})
	if f.Input < 0 || f.Input >= len(s.inputs) {
		return fmt.Errorf("%s: input index %d out of range [0, %d)", f.Path, f.Input, len(s.inputs))
	}
	in := s.inputs[f.Input]
	if f.Source != "" {
		in.Source = f.Source
	}
	name := f.Name
	if name == "" {
		name = f.Path
	}
	if err := in.Validate(); err != nil {
		return fmt.Errorf("input %d (%s): %w", f.Input, in.Path, err)
	}
	format, err := in.formatOf(f.Path)
	if err != nil {
		return fmt.Errorf("input %d (%s): %w", f.Input, in.describe(), err)
	}
	walked := s.walks(f.Input)
	if format == FormatParquet && !f.stdin { // random access to the footer: the file as stored, never decompressed
		return s.openParquet(f, name, in)
	}
	var st *stream
	if f.stdin {
		var fh *os.File
		if fh, err = openStdin(); err == nil {
			st, err = s.dec.openFile(fh, true, &s.bytes, s.stopped)
		}
	} else if format == FormatWARC || format == FormatWET { // the reader decompresses member by member
		st, err = s.dec.openRaw(f.Path, &s.bytes, s.stopped)
	} else {
		st, err = s.dec.open(f.Path, &s.bytes, s.stopped)
	}
	var ce *codecError
	var ue *unsupportedError
	fileProblem := func(p *pipeline.Problem) error {
		s.stamp(nil, p)
		return p
	}
	switch {
	case errors.As(err, &ue) && format == "" && walked:
		s.skip(ue.what)
		return nil
	case errors.As(err, &ue):
		return fileProblem(newProblem(ProblemUnsupported, pipeline.Position{File: name, Offset: -1}, ue.what, nil))
	case errors.As(err, &ce): // opened, but the compressed stream's header is cut or broken
		return fileProblem(streamProblem(err, pipeline.Position{File: name, Line: 1, Offset: 0}, 0, nil))
	case err != nil: // the file itself could not be opened: no line to name
		return fileProblem(newProblem(pipeline.ProblemReadError, pipeline.Position{File: name, Offset: -1}, errDetail(err), nil))
	}
	s.st = st
	if format == "" {
		if s.sniffBuf == nil {
			s.sniffBuf = make([]byte, 0, sniffSize)
		}
		head := st.sniff(s.sniffBuf)
		if err := s.stopped(); err != nil { // the stop cut the sniff short: not the file's fault
			s.closeCurrent()
			return err
		}
		sniffed, why := Sniff(head)
		switch {
		case len(head) == 0 && st.headErr != io.EOF:
			// nothing could be read: the reader reports the error
			sniffed = FormatText
		case len(head) == 0 && walked:
			s.skip("empty, so of unknown format")
			return nil
		case len(head) == 0:
			sniffed = FormatText // the text reader reports the empty file
		case sniffed == "" && walked:
			s.skip("unknown file type: " + why)
			return nil
		case sniffed == "":
			return s.unsupported(name, fmt.Sprintf("unknown file type: %s; set format to one of %s", why, strings.Join(readable, ", ")))
		case sniffed == FormatText && walked:
			s.skip("no known extension, and the content is plain text: name text files .txt, or set format: text")
			return nil
		}
		if err := in.checkFormat(sniffed); err != nil {
			return s.unsupported(name, fmt.Sprintf("the content is %s: %v", sniffed, err))
		}
		format = sniffed
		if format == FormatParquet && !f.stdin {
			s.closeCurrent()
			return s.openParquet(f, name, in)
		}
		if (format == FormatWARC || format == FormatWET) && !f.stdin {
			// read it again as stored, member by member, for the offsets
			s.closeCurrent()
			if st, err = s.dec.openRaw(f.Path, &s.bytes, s.stopped); err != nil {
				return fileProblem(newProblem(pipeline.ProblemReadError, pipeline.Position{File: name, Offset: -1}, errDetail(err), nil))
			}
			s.st = st
		}
	}
	switch format {
	case FormatParquet: // standard input: the footer is at the end
		return s.spoolParquet(st, name, in)
	case FormatKokkai:
		k := NewKokkai(st, name, in)
		s.stats[len(s.stats)-1].Skipped = k.Skipped()
		s.cur = k
	case FormatJSONL:
		j := newJSONL(st, name, in, &s.lr)
		j.MaxLineBytes = s.MaxLineBytes
		s.cur = j
	case FormatEgovLaw:
		e := NewEgovLaw(st, name, in)
		e.MaxDocBytes = s.MaxDocBytes
		s.cur = e
	case FormatHTML:
		h := NewHTML(st, name, in)
		h.MaxDocBytes = s.MaxDocBytes
		s.cur = h
	case FormatWARC, FormatWET:
		w := NewWARC(st, name, in)
		w.MaxRecordBytes = int64(s.MaxDocBytes)
		s.stats[len(s.stats)-1].Skipped = w.Skipped()
		s.cur = w
	case FormatText:
		t := newText(st, name, in, &s.lr)
		t.MaxDocBytes = s.MaxDocBytes
		s.cur = t
	default:
		if walked && in.Format == "" {
			s.skip(fmt.Sprintf("the content is %s, which cannot be read yet", format))
			return nil
		}
		return s.unsupported(name, fmt.Sprintf("format %s cannot be read yet; formats read: %s", format, strings.Join(readable, ", ")))
	}
	s.stats[len(s.stats)-1].Format = format
	return nil
}

// walks caches Input.walks for input i.
func (s *Source) walks(i int) bool {
	if s.walked == nil {
		s.walked = map[int]bool{}
	}
	w, ok := s.walked[i]
	if !ok {
		w = s.inputs[i].walks()
		s.walked[i] = w
	}
	return w
}

// skip closes the current file, recording it as skipped for why.
func (s *Source) skip(why string) {
	st := &s.stats[len(s.stats)-1]
	st.Status, st.Detail = FileSkipped, why
	s.closeCurrent()
}

// unsupported closes the current file and returns the file-level Problem
// that it cannot be read, for why.
func (s *Source) unsupported(name, why string) error {
	s.closeCurrent()
	p := newProblem(ProblemUnsupported, pipeline.Position{File: name, Offset: -1}, why, nil)
	s.stamp(nil, p)
	return p
}

// stopped reports why reading must stop: the error of the current Next
// call's context, if any.
func (s *Source) stopped() error {
	if p := s.ctx.Load(); p != nil {
		return (*p).Err()
	}
	return nil
}

// closeCurrent closes the current file.
func (s *Source) closeCurrent() {
	if s.st != nil {
		s.st.Close() // read-only: nothing is lost on a close error
		s.st = nil
	}
	s.cur = nil
}

// BytesRead returns the bytes read from disk so far, as stored (compressed).
// It is safe to call from any goroutine.
func (s *Source) BytesRead() int64 { return s.bytes.Load() }

// Close closes the current file and releases the decoders; Next returns
// io.EOF afterwards. Next calls Close itself after the last file.
func (s *Source) Close() error {
	s.closeCurrent()
	s.dec.close()
	s.next = len(s.files)
	return nil
}

// Interface checks.
var (
	_ pipeline.Source      = (*Source)(nil)
	_ pipeline.ByteCounter = (*Source)(nil)
)
