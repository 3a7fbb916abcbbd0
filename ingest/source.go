package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// MaxDocBytes is Text.MaxDocBytes for every text file (default
	// DefaultMaxDocBytes). Set it before the first call of Next.
	MaxDocBytes int

	files  []File
	inputs []Input
	next   int // index of the next file to open
	cur    interface {
		Next() (*pipeline.Document, error)
	}
	st    *stream
	dec   decompressors
	lr    lineReader
	bytes atomic.Int64
}

// NewSource returns a Source over files (as returned by Expand), whose Input
// fields index inputs.
func NewSource(files []File, inputs []Input) *Source {
	return &Source{files: files, inputs: inputs}
}

// Next returns the next document, io.EOF after the last file, a
// *pipeline.Problem for a record or file that gave no document (call Next
// again to go on), or a fatal error. ctx is checked before every record.
func (s *Source) Next(ctx context.Context) (*pipeline.Document, error) {
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
		return d, err
	}
}

// openNext opens the next file and makes its reader current. It returns a
// Problem when the file cannot be opened, an error when its input is invalid.
func (s *Source) openNext() error {
	f := s.files[s.next]
	s.next++
	if f.Input < 0 || f.Input >= len(s.inputs) {
		return fmt.Errorf("%s: input index %d out of range [0, %d)", f.Path, f.Input, len(s.inputs))
	}
	in := s.inputs[f.Input]
	if err := in.Validate(); err != nil {
		return fmt.Errorf("input %d (%s): %w", f.Input, in.Path, err)
	}
	format, err := in.formatOf(f.Path)
	if err != nil {
		return fmt.Errorf("input %d (%s): %w", f.Input, in.Path, err)
	}
	st, err := s.dec.open(f.Path, &s.bytes)
	var ce *codecError
	switch {
	case errors.As(err, &ce): // opened, but the compressed stream's header is cut or broken
		return streamProblem(err, pipeline.Position{File: f.Path, Line: 1, Offset: 0}, 0, nil)
	case err != nil: // the file itself could not be opened: no line to name
		return newProblem(pipeline.ProblemReadError, pipeline.Position{File: f.Path, Offset: -1}, err.Error(), nil)
	}
	s.st = st
	switch format {
	case FormatJSONL:
		j := newJSONL(st, f.Path, in, &s.lr)
		j.MaxLineBytes = s.MaxLineBytes
		s.cur = j
	default:
		t := newText(st, f.Path, in, &s.lr)
		t.MaxDocBytes = s.MaxDocBytes
		s.cur = t
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
