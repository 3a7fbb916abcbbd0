package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"golang.org/x/text/encoding"

	"github.com/jacorpus/jacorpus/internal/jpcharset"
	"github.com/jacorpus/jacorpus/pipeline"
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

// ProblemCharsetMismatch reports a file whose declared encoding does not fit
// its bytes; the file is decoded as detected instead.
const ProblemCharsetMismatch = "charset_mismatch"

// sniffBytes is how much of a file encoding: auto and the fit check of a
// declared encoding look at.
const sniffBytes = 64 << 10

// sniffEncoding decides the encoding of the stream r for an input whose
// encoding is name (canonical, see lookupEncoding) from its first 64 KB
// (internal/jpcharset): for "auto" the detected one (UTF-8 when detection
// finds no Japanese encoding); for a declared Shift_JIS, EUC-JP or
// ISO-2022-JP the declared one if it fits the bytes, else the detected one
// and a Problem located at the first non-ASCII byte (the same offset in the
// decoded stream, everything before it being ASCII). It returns the reader
// to use in place of r.
func sniffEncoding(r io.Reader, name string, enc encoding.Encoding, file string) (io.Reader, string, encoding.Encoding, *pipeline.Problem) {
	if name != encAuto && enc == nil {
		return r, name, enc, nil // UTF-8: invalid bytes are reported line by line
	}
	br := bufio.NewReaderSize(r, sniffBytes)
	head, _ := br.Peek(sniffBytes) // a short file or a read error: judged by what there is
	if name == encAuto {
		n, e := detectedEncoding(jpcharset.Detect(head))
		return br, n, e, nil
	}
	fit, det := jpcharset.Fit(name, head)
	dn, de := detectedEncoding(det)
	if fit || det.Encoding == jpcharset.Binary || det.Encoding == jpcharset.Unknown || det.Confidence < 0.5 {
		return br, name, enc, nil
	}
	at := 0
	for at < len(head) && head[at] < 0x80 && head[at] != 0x1B {
		at++
	}
	pos := pipeline.Position{File: file, Line: 1 + int64(bytes.Count(head[:at], []byte{'\n'})), Offset: int64(at)}
	p := newProblem(ProblemCharsetMismatch, pos,
		fmt.Sprintf("declared encoding %s does not fit the bytes, which are %s (confidence %.2f): decoding as %s", name, dn, det.Confidence, dn),
		head[at:min(len(head), at+256)])
	return br, dn, de, p
}

// detectedEncoding maps a detection to an encoding name and decoder; no
// Japanese encoding found means UTF-8.
func detectedEncoding(r jpcharset.Result) (string, encoding.Encoding) {
	switch r.Encoding {
	case jpcharset.ShiftJIS, jpcharset.EUCJP, jpcharset.ISO2022JP:
		n, e, _ := lookupEncoding(r.Encoding.String())
		return n, e
	}
	return encUTF8, nil
}
