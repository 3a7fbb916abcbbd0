package ingest

import (
	"io"

	"golang.org/x/text/encoding"
)

// decodeReader returns r decoded from enc to UTF-8 (r itself when enc is
// nil). The x/text Japanese decoders never fail: bytes that are invalid in
// the encoding become U+FFFD.
func decodeReader(r io.Reader, enc encoding.Encoding) io.Reader {
	if enc == nil {
		return r
	}
	return enc.NewDecoder().Reader(r)
}
