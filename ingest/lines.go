package ingest

import (
	"bufio"
	"bytes"
	"io"
)

// lineBufSize is the read buffer of a lineReader; lines up to this length
// are returned without copying.
const lineBufSize = 1 << 20

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// lineReader splits a decoded stream into lines of any length, tracking the
// byte offset of every line. A UTF-8 byte order mark at the start is skipped.
// A line longer than the read buffer is collected in rec, which spills it
// to a temporary file beyond spillThreshold (see spill.go); doc is the same
// for the documents of the text reader. Their buffers are kept from stream
// to stream, their files closed at the end of each stream (closeSpill).
type lineReader struct {
	br      *bufio.Reader
	rec     spillBuf // the line being read, when longer than the buffer
	doc     spillBuf // the text reader's document
	off     int64    // decoded offset of the next unread byte
	bom     int64    // length of the skipped byte order mark
	started bool
}

// line is one line of the stream.
type line struct {
	// b is the content without the '\n'; when tooLong it holds only the
	// first maxRaw bytes. Unless owned, it is valid until the next call of
	// next.
	b []byte
	// owned reports that b was allocated for this line alone, with room
	// for one more byte, and is the caller's for good: it is never reused
	// by the lineReader. Lines longer than the spill threshold are owned.
	owned bool
	// off is the decoded offset of the line's first byte.
	off int64
	// size is the full length of the content.
	size int64
	// eol reports whether the line ended with '\n'.
	eol bool
	// tooLong reports whether size exceeds the limit passed to next.
	tooLong bool
}

// reset makes l read r from its start, keeping its buffers.
func (l *lineReader) reset(r io.Reader) {
	if l.br == nil {
		l.br = bufio.NewReaderSize(r, lineBufSize)
	} else {
		l.br.Reset(r)
	}
	l.rec.reset()
	l.off, l.bom, l.started = 0, 0, false
}

// closeSpill closes the spill files (the end of a stream); l stays usable.
func (l *lineReader) closeSpill() {
	l.rec.close()
	l.doc.close()
}

// contentBytes returns how many bytes were read, not counting the byte order mark.
func (l *lineReader) contentBytes() int64 { return l.off - l.bom }

// next returns the next line. Content longer than limit bytes is consumed
// without being kept whole and flagged tooLong. At the end of the stream it
// returns io.EOF (a last line without '\n' is returned first). On any other
// error it returns the partial line read so far (its first maxRaw bytes)
// together with the error; a *spillError means that a line within the limit
// could not be held in the spill file.
func (l *lineReader) next(limit int) (line, error) {
	if !l.started {
		l.started = true
		if head, _ := l.br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
			l.br.Discard(len(utf8BOM))
			l.off, l.bom = int64(len(utf8BOM)), int64(len(utf8BOM))
		}
	}
	rec := &l.rec
	rec.reset()
	ln := line{off: l.off}
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.off += int64(len(chunk))
		if err == nil {
			content := chunk[:len(chunk)-1]
			ln.eol = true
			if rec.size == 0 && int64(len(content)) <= rec.threshold() { // fast path: the whole line is in the buffer
				ln.size = int64(len(content))
				ln.b = content
				if ln.size > int64(limit) {
					ln.tooLong = true
					ln.b = content[:min(len(content), maxRaw)]
				}
				return ln, nil
			}
			rec.write(content, limit)
			return l.end(ln)
		}
		rec.write(chunk, limit)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if rec.size == 0 {
				return ln, io.EOF
			}
			return l.end(ln)
		}
		ln.b, ln.size = rec.head(), rec.size
		return ln, err
	}
}

// end returns the line collected in rec.
func (l *lineReader) end(ln line) (line, error) {
	rec := &l.rec
	ln.size = rec.size
	if rec.tooLong {
		ln.tooLong = true
		ln.b = rec.head()
		return ln, nil
	}
	b, owned, err := rec.bytes(1) // one more byte: the text reader's '\n'
	if err != nil {
		ln.b = rec.head()
		return ln, err
	}
	ln.b, ln.owned = b, owned
	return ln, nil
}
