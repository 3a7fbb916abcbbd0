package ingest

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression codecs recognised by their magic bytes.
const (
	codecGzip  = "gzip"
	codecZstd  = "zstd"
	codecBzip2 = "bzip2"
)

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// isBzip2 reports whether head starts a bzip2 stream: "BZh", the block size
// '1'-'9', then the magic of a block (pi) or of the end of an empty stream
// (sqrt(pi)).
func isBzip2(head []byte) bool {
	return len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' &&
		(bytes.Equal(head[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) ||
			bytes.Equal(head[4:10], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}))
}

// unsupportedMagic lists compression and archive formats that are
// recognised by their magic bytes but not read.
var unsupportedMagic = []struct {
	magic []byte
	what  string
}{
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0x00}, "xz compression is not supported; decompress it first"},
	{[]byte("LZIP"), "lzip compression is not supported; decompress it first"},
	{[]byte{0x04, 0x22, 0x4d, 0x18}, "lz4 compression is not supported; decompress it first"},
	{[]byte{0x02, 0x21, 0x4c, 0x18}, "lz4 (legacy) compression is not supported; decompress it first"},
	{[]byte{0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'}, "snappy compression is not supported; decompress it first"},
	{[]byte{0x1f, 0x9d}, "compress (.Z) compression is not supported; decompress it first"},
	{[]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "a 7z archive is not supported; extract it first"},
	{[]byte{'P', 'K', 0x03, 0x04}, "a zip archive is not supported; extract it first"},
	{[]byte{'P', 'K', 0x05, 0x06}, "a zip archive is not supported; extract it first"},
	{[]byte("Rar!\x1a\x07"), "a rar archive is not supported; extract it first"},
}

// magicPeek is how many bytes the magic checks look at.
const magicPeek = 10

// unsupportedError is a file in a compression or archive format that is
// recognised but not read.
type unsupportedError struct{ what string }

func (e *unsupportedError) Error() string { return e.what }

// peekBufSize is the read buffer between the file and the decompressor.
const peekBufSize = 64 << 10

// Open opens path and returns a reader of its contents, transparently
// decompressing gzip (multi-member streams included), zstd or bzip2 as
// recognised by the magic bytes at the start of the file, whatever its name.
// A file in a compression or archive format that is recognised but not
// supported (xz, lzip, lz4, snappy, compress, 7z, zip, rar) is an error
// naming the format. An error
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
	return d.openFile(f, false, count, stop)
}

// openFile is open for an open file; keep leaves it open on Close
// (standard input).
func (d *decompressors) openFile(f *os.File, keep bool, count *atomic.Int64, stop func() error) (*stream, error) {
	var err error
	s := &stream{f: f, keep: keep, cr: countingReader{r: f, n: count, stop: stop}, d: d}
	if d.br == nil {
		d.br = bufio.NewReaderSize(&s.cr, peekBufSize)
	} else {
		d.br.Reset(&s.cr)
	}
	head, _ := d.br.Peek(magicPeek) // a short or failing peek leaves a plain stream
	for _, u := range unsupportedMagic {
		if bytes.HasPrefix(head, u.magic) {
			s.closeFile()
			return nil, &unsupportedError{u.what}
		}
	}
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
	case isBzip2(head):
		s.codec = codecBzip2
		s.r = bzip2.NewReader(d.br) // handles concatenated streams (pbzip2)
	default:
		s.r = d.br
	}
	if err != nil {
		s.closeFile()
		return nil, &codecError{codec: s.codec, err: err} // a broken header
	}
	return s, nil
}

// sniff reads up to sniffSize decompressed bytes into buf and returns them;
// the stream's reads give them again first (and then a read error met
// while sniffing), so the reader sees the stream from its start.
func (s *stream) sniff(buf []byte) []byte {
	buf = buf[:cap(buf)]
	n := 0
	var err error
	for n < len(buf) && err == nil {
		var k int
		k, err = s.Read(buf[n:])
		n += k
	}
	s.head, s.headErr = buf[:n], err
	return s.head
}

// stream is an open, possibly decompressed file.
type stream struct {
	f     *os.File
	keep  bool // Close leaves f open (standard input)
	cr    countingReader
	r     io.Reader
	codec string // codecGzip, codecZstd, codecBzip2 or "" (stored)
	d     *decompressors
	own   bool // Close also releases d

	head    []byte // bytes read by sniff, given again by Read
	headErr error  // the error that ended sniff's read, returned after head
}

// Read reads decompressed bytes. Errors of the file itself are returned as
// they are; errors of the decompressor are wrapped in a *codecError.
func (s *stream) Read(p []byte) (int, error) {
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	if s.headErr != nil {
		return 0, s.headErr
	}
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
	return s.closeFile()
}

// closeFile closes the file unless it is kept open.
func (s *stream) closeFile() error {
	if s.keep {
		return nil
	}
	return s.f.Close()
}

// stdin remembers how standard input was read by this process: a regular
// file (a shell's "< file") is read again from where it started, as dedup's
// two passes need; a pipe can be read once.
var stdin struct {
	sync.Mutex
	used     bool
	seekable bool
	start    int64
}

// openStdin returns standard input positioned at its start, or an error
// when it is a pipe or device that was read already.
func openStdin() (*os.File, error) {
	stdin.Lock()
	defer stdin.Unlock()
	if !stdin.used {
		stdin.used, stdin.seekable = true, false
		if info, err := os.Stdin.Stat(); err == nil && info.Mode().IsRegular() {
			if off, err := os.Stdin.Seek(0, io.SeekCurrent); err == nil {
				stdin.seekable, stdin.start = true, off
			}
		}
		return os.Stdin, nil
	}
	if !stdin.seekable {
		return nil, errors.New("standard input was read already, and a pipe or device can be read only once")
	}
	if _, err := os.Stdin.Seek(stdin.start, io.SeekStart); err != nil {
		return nil, err
	}
	return os.Stdin, nil
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
