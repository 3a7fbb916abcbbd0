package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// maxRaw caps Problem.Raw.
const maxRaw = 1 << 20

// newProblem returns a Problem with a copy of at most maxRaw bytes of raw.
func newProblem(kind string, pos pipeline.Position, detail string, raw []byte) *pipeline.Problem {
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
	}
	return &pipeline.Problem{Pos: pos, Kind: kind, Detail: detail, Raw: bytes.Clone(raw)}
}

// streamProblem turns an error of the decoded stream into a Problem: a
// decompression error or an unexpected EOF is a truncated input, a character
// decoder error a decode error, anything else a read error. at is the decoded
// offset where the stream broke off. The detail does not name the file's
// path (see errDetail).
func streamProblem(err error, pos pipeline.Position, at int64, raw []byte) *pipeline.Problem {
	var ce *codecError
	switch {
	case errors.As(err, &ce):
		return newProblem(pipeline.ProblemTruncated, pos,
			fmt.Sprintf("%s stream truncated or corrupt at decoded byte offset %d: %s", ce.codec, at, errDetail(ce.err)), raw)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newProblem(pipeline.ProblemTruncated, pos,
			fmt.Sprintf("stream truncated at decoded byte offset %d: %s", at, errDetail(err)), raw)
	}
	return newProblem(pipeline.ProblemReadError, pos, fmt.Sprintf("at decoded byte offset %d: %s", at, errDetail(err)), raw)
}

// errDetail returns the text of an error for a Problem's Detail, without the
// path an *fs.PathError in it names ("read /data/x.jsonl: input/output
// error" becomes "read: input/output error"): the Problem's position names
// the file by its stable name, and the path as written would make problems
// depend on how the input was spelled.
func errDetail(err error) string {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err != nil {
		msg = strings.ReplaceAll(msg, pe.Error(), pe.Op+": "+pe.Err.Error())
	}
	return msg
}

// emptyFileProblem reports a file without content.
func emptyFileProblem(file string) *pipeline.Problem {
	return newProblem(pipeline.ProblemEmptyFile, pipeline.Position{File: file, Line: 1, Offset: 0}, "file has no content", nil)
}

// invalidUTF8Index returns the index of the first byte of b that is not part
// of a valid UTF-8 sequence, or -1.
func invalidUTF8Index(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// isBlank reports whether b is empty or only white space (Unicode, so the
// ideographic space U+3000 counts).
func isBlank[T []byte | string](b T) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\n', '\v', '\f', '\r':
				i++
				continue
			}
			return false
		}
		r, size := utf8.DecodeRune([]byte(b[i:min(len(b), i+utf8.UTFMax)]))
		if !unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}
