package ingest

import (
	"bufio"
	"bytes"
	"io"
	"slices"
)

// lineBufSize is the read buffer of a lineReader; lines up to this length
// are returned without copying.
const lineBufSize = 1 << 20

// maxKeptAcc is the largest accumulation buffer kept for the next line.
const maxKeptAcc = 4 << 20

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// lineReader splits a decoded stream into lines of any length, tracking the
// byte offset of every line. A UTF-8 byte order mark at the start is skipped.
type lineReader struct {
	br      *bufio.Reader
	acc     []byte // accumulates lines longer than the buffer
	off     int64  // decoded offset of the next unread byte
	bom     int64  // length of the skipped byte order mark
	started bool
}

// line is one line of the stream.
type line struct {
	// b is the content without the '\n'; when tooLong it holds only the
	// first maxRaw bytes. It is valid until the next call of next.
	b []byte
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
	l.acc = l.acc[:0]
	l.off, l.bom, l.started = 0, 0, false
}

// contentBytes returns how many bytes were read, not counting the byte order mark.
func (l *lineReader) contentBytes() int64 { return l.off - l.bom }

// next returns the next line. Content longer than limit bytes is consumed
// without being kept whole and flagged tooLong. At the end of the stream it
// returns io.EOF (a last line without '\n' is returned first). On any other
// error it returns the partial line read so far together with the error.
func (l *lineReader) next(limit int) (line, error) {
	if !l.started {
		l.started = true
		if head, _ := l.br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
			l.br.Discard(len(utf8BOM))
			l.off, l.bom = int64(len(utf8BOM)), int64(len(utf8BOM))
		}
	}
	if cap(l.acc) > maxKeptAcc {
		l.acc = nil
	}
	l.acc = l.acc[:0]
	ln := line{off: l.off}
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.off += int64(len(chunk))
		if err == nil {
			content := chunk[:len(chunk)-1]
			ln.eol = true
			if ln.size == 0 { // fast path: the whole line is in the buffer
				ln.size = int64(len(content))
				ln.b = content
				if ln.size > int64(limit) {
					ln.tooLong = true
					ln.b = content[:min(len(content), maxRaw)]
				}
				return ln, nil
			}
			l.add(&ln, content, limit)
			ln.b = l.acc
			return ln, nil
		}
		l.add(&ln, chunk, limit)
		if err == bufio.ErrBufferFull {
			continue
		}
		ln.b = l.acc
		if err == io.EOF {
			if ln.size == 0 {
				return ln, io.EOF
			}
			return ln, nil
		}
		return ln, err
	}
}

// add appends p to the line being read, switching to counting only once the
// line exceeds limit.
func (l *lineReader) add(ln *line, p []byte, limit int) {
	l.acc = appendCapped(l.acc, &ln.size, &ln.tooLong, p, limit)
}

// appendCapped appends p to buf for a record of at most limit bytes. size
// counts every byte offered (p included); once it passes limit, tooLong is
// set and buf keeps only its first maxRaw bytes (for the Problem's Raw), so
// an over-long record is counted without being held in memory.
func appendCapped(buf []byte, size *int64, tooLong *bool, p []byte, limit int) []byte {
	*size += int64(len(p))
	if !*tooLong && *size > int64(limit) {
		*tooLong = true
		buf = buf[:min(len(buf), maxRaw)]
	}
	if *tooLong {
		return append(buf, p[:min(len(p), max(0, maxRaw-len(buf)))]...)
	}
	if need := len(buf) + len(p); need > cap(buf) {
		// double: append's growth of large slices (1.25x) copies a long record many times
		buf = slices.Grow(buf, max(need, 2*cap(buf))-len(buf))
	}
	return append(buf, p...)
}
