package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression codecs recognised by their magic bytes.
const (
	codecGzip = "gzip"
	codecZstd = "zstd"
)

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// peekBufSize is the read buffer between the file and the decompressor.
const peekBufSize = 64 << 10

// Open opens path and returns a reader of its contents, transparently
// decompressing gzip (multi-member streams included) or zstd as recognised by
// the magic bytes at the start of the file, whatever its name. An error
// reported by the decompressor while reading (a truncated or corrupt stream)
// wraps the codec's own error and names the codec.
func Open(path string) (io.ReadCloser, error) {
	var d decompressors
	s, err := d.open(path, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.own = true
	return s, nil
}

// decompressors holds the buffers and decoders reused from file to file.
type decompressors struct {
	br *bufio.Reader
	gz *gzip.Reader
	zd *zstd.Decoder
}

// close releases the decoders; d must not be used afterwards.
func (d *decompressors) close() {
	if d.zd != nil {
		d.zd.Close()
		d.zd = nil
	}
}

// open opens path for reading; every byte read from the file is added to
// count when count is not nil, and every read first calls stop (when not
// nil), failing with its error: a stop request ends even a read of one
// endless line.
func (d *decompressors) open(path string, count *atomic.Int64, stop func() error) (*stream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &stream{f: f, cr: countingReader{r: f, n: count, stop: stop}, d: d}
	if d.br == nil {
		d.br = bufio.NewReaderSize(&s.cr, peekBufSize)
	} else {
		d.br.Reset(&s.cr)
	}
	head, _ := d.br.Peek(len(magicZstd)) // a short or failing peek leaves a plain stream
	switch {
	case bytes.HasPrefix(head, magicGzip):
		s.codec = codecGzip
		if d.gz == nil {
			d.gz, err = gzip.NewReader(d.br)
		} else {
			err = d.gz.Reset(d.br)
		}
		s.r = d.gz
	case bytes.HasPrefix(head, magicZstd):
		s.codec = codecZstd
		if d.zd == nil {
			d.zd, err = zstd.NewReader(d.br)
		} else {
			err = d.zd.Reset(d.br)
		}
		s.r = d.zd
	default:
		s.r = d.br
	}
	if err != nil {
		f.Close()
		return nil, &codecError{codec: s.codec, err: err} // a broken header
	}
	return s, nil
}

// stream is an open, possibly decompressed file.
type stream struct {
	f     *os.File
	cr    countingReader
	r     io.Reader
	codec string // codecGzip, codecZstd or "" (stored)
	d     *decompressors
	own   bool // Close also releases d
}

// Read reads decompressed bytes. Errors of the file itself are returned as
// they are; errors of the decompressor are wrapped in a *codecError.
func (s *stream) Read(p []byte) (int, error) {
	if s.cr.stop != nil {
		if err := s.cr.stop(); err != nil {
			return 0, err
		}
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.cr.err == nil && s.codec != "" {
		err = &codecError{codec: s.codec, err: err}
	}
	return n, err
}

// Close closes the file.
func (s *stream) Close() error {
	if s.codec == codecZstd && !s.own {
		s.d.zd.Reset(nil) // stop decoding ahead and drop the file
	}
	if s.own {
		s.d.close()
	}
	return s.f.Close()
}

// countingReader counts the bytes read from r and remembers its first error
// other than io.EOF.
type countingReader struct {
	r    io.Reader
	n    *atomic.Int64
	stop func() error
	err  error
}

// Read implements io.Reader.
func (c *countingReader) Read(p []byte) (int, error) {
	if c.stop != nil {
		if err := c.stop(); err != nil {
			c.err = err
			return 0, err
		}
	}
	n, err := c.r.Read(p)
	if c.n != nil && n > 0 {
		c.n.Add(int64(n))
	}
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// codecError is a decompression error: a truncated or corrupt stream.
type codecError struct {
	codec string
	err   error
}

// Error names the codec once.
func (e *codecError) Error() string {
	msg := e.err.Error()
	if strings.HasPrefix(msg, e.codec+":") {
		return msg
	}
	return e.codec + ": " + msg
}

// Unwrap returns the decompressor's error.
func (e *codecError) Unwrap() error { return e.err }
