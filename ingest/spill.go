package ingest

import (
	"errors"
	"fmt"
	"os"
	"slices"
)

// Long records and memory
//
// A record (a JSON Lines line, a text document) is collected in memory only
// up to spillThreshold bytes. Beyond that the whole record goes to a
// temporary file while its length is counted, so that memory does not grow
// with the record:
//
//   - a record over the limit (MaxLineBytes, MaxDocBytes) is reported with
//     its first maxRaw bytes and dropped: skipping it costs O(spillThreshold)
//     of memory whatever its length, and the file is truncated as soon as the
//     record is known to be too long;
//   - a record within the limit is read back, once it has ended, into a
//     buffer of exactly its size, allocated once. That buffer is handed over
//     to the reader for good (never reused), so the document's text can be a
//     string over it instead of a copy: a text document is that buffer; a
//     JSON line's text field is decoded in place in it (escapes only
//     shrink) and shared, or copied when it is less than half of the line
//     so that the rest is not kept alive (record.text). A text document of
//     one long line adopts the line's buffer instead of spilling it again.
//
// So a kept record costs its size once plus O(spillThreshold), and records
// up to spillThreshold stay in a reused buffer and are copied as before.
//
// The file is created with os.CreateTemp in os.TempDir() (TMPDIR on Unix;
// batch systems point it at node-local scratch), removed right away (or on
// close where an open file cannot be removed), reused for the next records
// of the stream and truncated between them; it is closed when the stream
// ends. If TMPDIR is on tmpfs, the spilled bytes are in memory after all
// (not in the process's RSS, but in its cgroup's).
//
// A failure of the file (no TMPDIR, disk full) is fatal for a record that is
// to be kept: the record is fine, and skipping it would make the output
// depend on the machine. Reading stops with an error naming the file, line
// and offset of the record and the temporary directory. A record that turns
// out to be over the limit is reported as usual: it needs nothing from the
// file.

// spillThreshold is how many bytes of one record are kept in memory before
// the record goes to the spill file.
const spillThreshold = 4 << 20

// spillWriteBuf batches small writes (the lines of a text document) to the
// spill file.
const spillWriteBuf = 256 << 10

// spillBuf collects one record of unknown length; see "Long records and
// memory" above. Its zero value is ready to use.
type spillBuf struct {
	// at is the spill threshold; 0 means spillThreshold. Tests set it tiny
	// to run every record through the file.
	at int

	// mem holds the whole record while it is in memory (not spilled, not
	// too long, not adopted); otherwise its first maxRaw bytes.
	mem     []byte
	size    int64  // bytes of the record so far, all counted
	tooLong bool   // size exceeded the limit: bytes are only counted now
	spilled bool   // the record is in f from its first byte (plus pending)
	own     []byte // adopted: the record is this caller's buffer (see adopt)

	f       *os.File // created on first need, reused, closed by close
	name    string   // f's path when it could not be removed at creation
	n       int64    // bytes of the record written to f
	pending []byte   // bytes of the record not yet written to f
	err     error    // the first failure of f for this record
}

// threshold returns the spill threshold.
func (s *spillBuf) threshold() int64 {
	if s.at > 0 {
		return int64(s.at)
	}
	return spillThreshold
}

// reset starts a new record, keeping the memory buffer and the file.
func (s *spillBuf) reset() {
	s.truncate()
	s.mem = s.mem[:0]
	s.size, s.tooLong, s.spilled, s.own, s.err = 0, false, false, nil, nil
}

// write appends p to the record, which may be at most limit bytes long.
func (s *spillBuf) write(p []byte, limit int) {
	if s.own != nil {
		if !s.tooLong && s.size+int64(len(p)) <= int64(limit) && len(s.own)+len(p) <= cap(s.own) {
			s.own = append(s.own, p...)
			s.size += int64(len(p))
			return
		}
		s.release(limit)
	}
	s.size += int64(len(p))
	if !s.tooLong && s.size > int64(limit) {
		s.tooLong = true
		s.mem = s.mem[:min(len(s.mem), maxRaw)]
		s.truncate() // nothing more of the record is needed than its first bytes
	}
	if s.tooLong {
		s.mem = appendHead(s.mem, p)
		return
	}
	if !s.spilled {
		if s.size <= s.threshold() {
			if need := len(s.mem) + len(p); need > cap(s.mem) {
				// double, up to the threshold: append's growth of large
				// slices (1.25x) would copy a long record many times
				s.mem = slices.Grow(s.mem, int(min(max(int64(need), 2*int64(cap(s.mem))), s.threshold()))-len(s.mem))
			}
			s.mem = append(s.mem, p...)
			return
		}
		s.spilled = true
		s.spillWrite(s.mem)
		s.mem = s.mem[:min(len(s.mem), maxRaw)]
	}
	s.mem = appendHead(s.mem, p)
	s.spillWrite(p)
}

// skip counts n bytes of the record that are not given, because the line
// holding them alone was over the limit: the record is too long.
func (s *spillBuf) skip(n int64, limit int) {
	if s.own != nil {
		s.release(limit)
	}
	s.size += n
	if !s.tooLong {
		s.tooLong = true
		s.mem = s.mem[:min(len(s.mem), maxRaw)]
		s.truncate()
	}
}

// adopt makes the empty record b, a buffer the caller hands over for good
// (an owned line, see line.owned), so that a document made of one long
// line is not copied again. Bytes written next are appended to b in place
// while its capacity lasts.
func (s *spillBuf) adopt(b []byte, limit int) {
	if s.size != 0 || s.tooLong || len(b) > limit {
		s.write(b, limit)
		return
	}
	s.own, s.size = b, int64(len(b))
}

// release turns an adopted buffer back into written bytes.
func (s *spillBuf) release(limit int) {
	own := s.own
	s.own, s.size = nil, 0
	s.write(own, limit)
}

// appendHead appends to head as much of p as fits in maxRaw bytes.
func appendHead(head, p []byte) []byte {
	return append(head, p[:min(len(p), max(0, maxRaw-len(head)))]...)
}

// head returns the first maxRaw bytes of the record (all of it if shorter),
// for a Problem's Raw. It is valid until the next write or reset.
func (s *spillBuf) head() []byte {
	if s.own != nil {
		return s.own[:min(len(s.own), maxRaw)]
	}
	return s.mem[:min(len(s.mem), maxRaw)]
}

// bytes returns the whole record, which must not be too long. owned
// reports that the buffer was allocated for this record alone and is the
// caller's for good (its capacity is extra bytes more than its length);
// otherwise it is valid until the next write or reset. The error is a
// *spillError.
func (s *spillBuf) bytes(extra int) (b []byte, owned bool, err error) {
	switch {
	case s.own != nil:
		b, s.own = s.own, nil // handed over: s keeps no reference
		return b, true, nil
	case !s.spilled:
		return s.mem, false, nil
	}
	if s.err == nil {
		s.flush()
	}
	if s.err != nil {
		return nil, false, &spillError{s.err}
	}
	b = make([]byte, s.size, s.size+int64(extra))
	if _, err := s.f.ReadAt(b, 0); err != nil {
		return nil, false, &spillError{err}
	}
	s.truncate()
	return b, true, nil
}

// spillWrite appends p to the record in the file.
func (s *spillBuf) spillWrite(p []byte) {
	if s.err != nil {
		return // counting only: an error if the record is to be kept
	}
	if len(s.pending)+len(p) > cap(s.pending) {
		s.flush()
		if s.pending == nil {
			s.pending = make([]byte, 0, spillWriteBuf)
		}
	}
	if len(p) >= cap(s.pending) {
		s.writeFile(p)
		return
	}
	s.pending = append(s.pending, p...)
}

// flush writes the pending bytes to the file.
func (s *spillBuf) flush() {
	if len(s.pending) > 0 {
		s.writeFile(s.pending)
		s.pending = s.pending[:0]
	}
}

// writeFile writes p at the end of the record in the file, creating the
// file if needed.
func (s *spillBuf) writeFile(p []byte) {
	if s.err != nil {
		return
	}
	if s.f == nil {
		f, err := os.CreateTemp("", "jacorpus-spill-*")
		if err != nil {
			s.err = err
			return
		}
		if os.Remove(f.Name()) != nil {
			s.name = f.Name() // removed by close instead
		}
		s.f = f
	}
	n, err := s.f.WriteAt(p, s.n)
	s.n += int64(n)
	if err != nil {
		s.err = err
		s.truncate() // free what was written: the record cannot be kept anyway
	}
}

// truncate empties the file (and drops pending bytes). A failure is
// ignored: the next record is written from offset 0 and read back by its
// exact length, so stale bytes beyond it are never read.
func (s *spillBuf) truncate() {
	s.pending = s.pending[:0]
	if s.n > 0 {
		s.f.Truncate(0)
		s.n = 0
	}
}

// close closes and removes the file; s stays usable (a new file is made
// when needed).
func (s *spillBuf) close() {
	s.pending = nil
	if s.f == nil {
		return
	}
	s.f.Close() // the file is thrown away: a close error loses nothing
	if s.name != "" {
		os.Remove(s.name)
	}
	s.f, s.name, s.n = nil, "", 0
}

// spillError is a failure of the temporary file holding a long record. It
// is fatal (see "Long records and memory").
type spillError struct{ err error }

// Error explains what to do.
func (e *spillError) Error() string {
	return fmt.Sprintf("records over %d MiB are held in a temporary file in %s until they end (set TMPDIR to a directory with room for the longest record): %v",
		spillThreshold>>20, os.TempDir(), e.err)
}

// Unwrap returns the file's error.
func (e *spillError) Unwrap() error { return e.err }

// isSpillError reports whether err is a *spillError.
func isSpillError(err error) bool {
	var se *spillError
	return errors.As(err, &se)
}

// spillFatal is the fatal error of a record at pos of size bytes that could
// not be held in the spill file.
func spillFatal(err error, file string, line, off, size int64) error {
	return fmt.Errorf("%s:%d (decoded byte offset %d): cannot read a record of %d bytes: %w", file, line, off, size, err)
}
