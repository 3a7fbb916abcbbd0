package ingest

import (
	"errors"
	"io"

	"golang.org/x/text/encoding"
)

// decodeReader returns r decoded from enc to UTF-8 (r itself when enc is nil).
// Errors of r pass through unchanged; errors of the decoder are returned as
// *decodeError.
func decodeReader(r io.Reader, name string, enc encoding.Encoding) io.Reader {
	if enc == nil {
		return r
	}
	src := &errReader{r: r}
	return &charsetReader{name: name, src: src, r: enc.NewDecoder().Reader(src)}
}

// errReader remembers the last error of r.
type errReader struct {
	r   io.Reader
	err error
}

// Read implements io.Reader.
func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// charsetReader tells decoder errors from errors of the underlying reader.
type charsetReader struct {
	name string
	src  *errReader
	r    io.Reader
}

// Read implements io.Reader.
func (c *charsetReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, c.src.err) {
		err = &decodeError{charset: c.name, err: err}
	}
	return n, err
}

// decodeError is an error of a character set decoder.
type decodeError struct {
	charset string
	err     error
}

// Error implements error.
func (e *decodeError) Error() string { return "decoding " + e.charset + ": " + e.err.Error() }

// Unwrap returns the decoder's error.
func (e *decodeError) Unwrap() error { return e.err }
