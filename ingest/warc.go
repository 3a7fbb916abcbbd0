package ingest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http/httputil"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/jacorpus/jacorpus/pipeline"
)

// WARC and WET input.
//
// The reader is our own, not a WARC library. We evaluated
// github.com/nlnwa/gowarc/v3 v3.1.0 (github.com/internetarchive/gowarc is
// not served by the module proxy here) on web/ja_real_payloads.warc.gz
// (16.6 MB, 3,874 records):
//   - it gives each record's offset in the compressed file
//     (WarcFileReader.Next's Record.Offset) and resynchronises after a bad
//     record (it scans for the next gzip or "WARC/" magic); a wrong
//     Content-Length comes back as a record with validation warnings;
//   - but a record's payload can only be read when validation is on: the
//     unmarshaler consumes the whole block before returning, so without
//     validation (WithNoValidation) the payload is already discarded, and
//     with it every block is copied into a disk-backed buffer and hashed
//     (SHA-1 of block and payload). Reading every payload that way took
//     0.50 s of CPU for the file (33 MB of compressed input per CPU second);
//     this reader takes 0.25 s (67 MB/cpu-s, 87% of it in inflate), see
//     BenchmarkWARC;
//   - it pulls in whatwg-url and bitset, parses every target URI, and still
//     leaves chunked transfer and Content-Encoding to the caller (its
//     HTTP block has no decoding of either).
//
// Our reader reads each gzip member (one per record, as Common Crawl writes
// them and CDX indexes address them) with a klauspost gzip.Reader in
// single-member mode over a counting bufio.Reader of the raw file, so a
// record's position is the offset of its member in the compressed file (for
// an uncompressed WARC the plain offset). It keeps one record in memory at a
// time, and only the payload of a record that becomes a document: other
// records are skipped by reading, not buffering.

// Input formats for web archives.
const (
	// FormatWARC is a WARC file (.warc, .warc.gz): response records with
	// an HTML payload become documents with empty Text and the page in
	// Scratch under pipeline.HTMLPayload.
	FormatWARC = "warc"
	// FormatWET is a WET file (.wet, .wet.gz, Common Crawl's
	// *.warc.wet.gz): conversion records' plain text becomes the text.
	FormatWET = "wet"
)

// DefaultMaxRecordBytes is the default WARC.MaxRecordBytes.
const DefaultMaxRecordBytes = 64 << 20

// Problem kinds of the WARC reader.
const (
	// ProblemWARCRecord: a record whose WARC header is malformed, whose
	// Content-Length does not match its gzip member or the next record, or
	// bytes between records that are no record.
	ProblemWARCRecord = "malformed_warc_record"
	// ProblemHTTP: an HTML response whose HTTP header, chunked transfer
	// encoding or Content-Encoding cannot be decoded.
	ProblemHTTP = "malformed_http"
	// ProblemBinaryPayload: a payload labelled as HTML that is binary.
	ProblemBinaryPayload = "binary_payload"
	// ProblemCorruptMember: a gzip member that is corrupt (bad data or
	// checksum); the reader resumes at the next member.
	ProblemCorruptMember = "corrupt_gzip_member"
)

// Skip reasons counted in WARC.Skipped (records that are not documents but
// not bad input either).
const (
	SkipRedirect      = "http_redirect"            // 3xx response
	SkipHTTPError     = "http_error"               // 4xx or 5xx response
	SkipHTTPStatus    = "http_status_other"        // 1xx, 2xx other than 200
	SkipNotHTML       = "not_html"                 // image, PDF, JSON, ...
	SkipNotHTTP       = "warc_response_not_http"   // a response record without an HTTP message (dns:, ...)
	SkipEncoding      = "content_encoding_other"   // compress, or one no browser sends
	SkipEmptyText     = "wet_empty"                // a conversion record with no text
	SkipEmptyPayload  = "http_empty"               // a 200 response without a body
	SkipTooLong       = "record_too_long"          // over MaxRecordBytes
	skipTypePrefix    = "warc_"                    // + record type: warc_request, warc_warcinfo, ...
	skipUnknownRecord = "warc_unknown_record_type" // a type outside WARC 1.1's list
)

// Meta keys set by the WARC reader.
const (
	MetaWARCDate        = "warc_date"
	MetaWARCRecordID    = "warc_record_id"
	MetaHTTPContentType = "http_content_type"
	MetaWARCTruncated   = "warc_truncated"
	MetaWARCLanguage    = "warc_identified_language"
)

var (
	magicWARC   = []byte("WARC/1.")
	magicGzipDf = []byte{0x1f, 0x8b, 0x08}
)

// warcBufSize is the size of the raw and the member read buffers; an HTTP
// header must fit in it.
const warcBufSize = 64 << 10

// maxWARCHeader caps a record's WARC header.
const maxWARCHeader = 1 << 20

// WARC reads documents from one WARC or WET file, gzip-compressed one member
// per record or uncompressed (records of both kinds may even be mixed).
// Records that are not documents are counted in Skipped by reason; bad
// records are returned as *pipeline.Problem located at the record's offset
// in the file as stored, and reading resumes at the next record.
type WARC struct {
	// MaxRecordBytes is the largest record block accepted as a document
	// (default DefaultMaxRecordBytes); larger ones are skipped unread as
	// SkipTooLong. Set it before the first call of Next.
	MaxRecordBytes int64

	file    string
	source  string
	cnt     offCounter
	br      *bufio.Reader // the raw file
	gz      *gzip.Reader
	mr      *bufio.Reader // the current gzip member, decompressed
	skipped map[string]int64
	records int64 // records seen (documents, problems, skipped)
	resync  bool  // scanning for the next record after a bad one
	multi   int64 // offset of the open member when it holds another record; -1
	done    bool
}

// offCounter counts the bytes read from r.
type offCounter struct {
	r   io.Reader
	n   int64
	err error // the first error other than io.EOF
}

func (c *offCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// NewWARC returns a reader of the WARC or WET file r as stored (not
// decompressed: see Open for other formats). file names it in positions.
func NewWARC(r io.Reader, file string, in Input) *WARC {
	w := &WARC{file: file, source: orDefault(in.Source, file), skipped: map[string]int64{}, multi: -1}
	w.cnt.r = r
	w.br = bufio.NewReaderSize(&w.cnt, warcBufSize)
	return w
}

// Skipped returns the records skipped so far by reason. The map is the
// reader's own and grows as it reads.
func (w *WARC) Skipped() map[string]int64 { return w.skipped }

// pos is the offset in the file of the next raw byte.
func (w *WARC) pos() int64 { return w.cnt.n - int64(w.br.Buffered()) }

func (w *WARC) at(off int64) pipeline.Position {
	return pipeline.Position{File: w.file, Offset: off}
}

// Next returns the next document, io.EOF at the end, or a *pipeline.Problem
// for a bad record (call Next again to go on).
func (w *WARC) Next() (*pipeline.Document, error) {
	for !w.done {
		if off := w.multi; off >= 0 {
			w.multi = -1
			if d, err := w.memberRecord(off); d != nil || err != nil {
				return d, err
			}
			continue
		}
		off := w.pos()
		head, err := w.br.Peek(len(magicWARC))
		if len(head) == 0 {
			w.done = true
			if err != io.EOF {
				return nil, streamProblem(err, w.at(off), off, nil)
			}
			if off == 0 {
				return nil, emptyFileProblem(w.file)
			}
			break
		}
		if len(head) < len(magicWARC) && (bytes.HasPrefix(magicGzip, head[:min(len(head), 2)]) || bytes.HasPrefix(magicWARC, head)) {
			w.done = true // a record cut within its first bytes
			return nil, newProblem(pipeline.ProblemTruncated, w.at(off), fmt.Sprintf("the file ends %d bytes into a record", len(head)), nil)
		}
		var d *pipeline.Document
		var perr error
		switch {
		case bytes.HasPrefix(head, magicGzip):
			d, perr = w.member(off)
		case bytes.HasPrefix(head, magicWARC):
			d, perr = w.plain(off)
		case head[0] == '\r' || head[0] == '\n': // blank lines between uncompressed records
			w.br.Discard(1)
			continue
		default:
			resync := w.resync
			w.scan(off)
			if !resync {
				return nil, newProblem(ProblemWARCRecord, w.at(off),
					fmt.Sprintf("%d bytes that are no WARC record (neither a gzip member nor \"WARC/1.\")", w.pos()-off), nil)
			}
			continue
		}
		if d != nil || perr != nil {
			return d, perr
		}
	}
	return nil, io.EOF
}

// scan skips to the next gzip member header or "WARC/1." at a line start
// (or to the end of the file), at least past the record at off.
func (w *WARC) scan(off int64) {
	w.resync = true
	lineStart := false
	if w.pos() == off {
		w.br.Discard(1)
	}
	for {
		b, err := w.br.Peek(len(magicWARC))
		if len(b) == 0 || (err != nil && len(b) < 3) {
			w.br.Discard(len(b))
			return
		}
		if bytes.HasPrefix(b, magicGzipDf) || (lineStart && bytes.HasPrefix(b, magicWARC)) {
			return
		}
		lineStart = b[0] == '\n'
		w.br.Discard(1)
	}
}

// member reads the record in the gzip member at off.
func (w *WARC) member(off int64) (*pipeline.Document, error) {
	var err error
	if w.gz == nil {
		w.gz, err = gzip.NewReader(w.br)
	} else {
		err = w.gz.Reset(w.br)
	}
	if err != nil {
		return w.memberError(off, err)
	}
	w.gz.Multistream(false)
	if w.mr == nil {
		w.mr = bufio.NewReaderSize(w.gz, warcBufSize)
	} else {
		w.mr.Reset(w.gz)
	}
	return w.memberRecord(off)
}

// memberRecord reads the next record of the open gzip member at off.
// Normally a member holds one record; a WARC gzipped whole is one member
// of many records, all located at the member's offset (w.multi).
func (w *WARC) memberRecord(off int64) (*pipeline.Document, error) {
	d, perr, ioErr := w.record(off, w.mr, true)
	if ioErr == io.EOF { // the member ended cleanly within the WARC header
		return nil, newProblem(ProblemWARCRecord, w.at(off), "the gzip member ends within the record's WARC header", nil)
	}
	if ioErr == nil {
		ioErr = skipCRLF(w.mr)
		if b, err := w.mr.Peek(len(magicWARC)); ioErr == nil && err == nil && bytes.Equal(b, magicWARC) {
			w.multi = off // another record follows in this member
			if perr == nil {
				w.resync = false
			}
			return d, perr
		}
	}
	if ioErr == nil {
		// the rest of the member: nothing but line ends
		var extra int64
		extra, ioErr = drainMember(w.mr)
		if ioErr == nil && extra > 0 && perr == nil {
			d, perr = nil, newProblem(ProblemWARCRecord, w.at(off),
				fmt.Sprintf("the gzip member holds %d bytes after the record's Content-Length: wrong Content-Length", extra), nil)
		}
	}
	if ioErr != nil {
		return w.memberError(off, ioErr)
	}
	if perr == nil {
		w.resync = false
	}
	return d, perr
}

// skipCRLF skips line ends; the end of r is no error.
func skipCRLF(r *bufio.Reader) error {
	for {
		b, err := r.Peek(1)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if b[0] != '\r' && b[0] != '\n' {
			return nil
		}
		r.Discard(1)
	}
}

// memberError turns a gzip error of the member at off into a Problem: a
// cut file ends the reading, a corrupt member is skipped.
func (w *WARC) memberError(off int64, err error) (*pipeline.Document, error) {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		w.done = true
		return nil, newProblem(pipeline.ProblemTruncated, w.at(off),
			fmt.Sprintf("gzip member at byte %d is cut off by the end of the file: %s", off, errDetail(err)), nil)
	}
	if w.cnt.err != nil { // the file itself failed, or a stop request
		w.done = true
		return nil, streamProblem(w.cnt.err, w.at(off), off, nil)
	}
	resync := w.resync
	w.scan(off)
	if resync {
		return nil, nil
	}
	return nil, newProblem(ProblemCorruptMember, w.at(off),
		fmt.Sprintf("gzip member at byte %d is corrupt: %s; resuming at byte %d", off, errDetail(err), w.pos()), nil)
}

// drainMember reads the rest of a member and returns how many of its bytes
// are not CR or LF.
func drainMember(r *bufio.Reader) (int64, error) {
	var extra int64
	for {
		b, err := r.ReadSlice('\n')
		for _, c := range b {
			if c != '\r' && c != '\n' {
				extra++
			}
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			return extra, nil
		default:
			return extra, err
		}
	}
}

// plain reads the uncompressed record at off.
func (w *WARC) plain(off int64) (*pipeline.Document, error) {
	d, perr, ioErr := w.record(off, w.br, false)
	if ioErr != nil {
		w.done = true
		if ioErr == io.EOF {
			ioErr = io.ErrUnexpectedEOF
		}
		return nil, streamProblem(ioErr, w.at(off), w.pos(), nil)
	}
	if perr == nil {
		// the record must end with "\r\n\r\n" and the next one start
		n, eof := 0, false
		for {
			b, err := w.br.Peek(1)
			if err != nil || (b[0] != '\r' && b[0] != '\n') {
				eof = err == io.EOF
				break
			}
			w.br.Discard(1)
			n++
		}
		if n < 2 && !eof { // no "\r\n\r\n" where the block should end (a missing one at the end of the file is let pass)
			d, perr = nil, newProblem(ProblemWARCRecord, w.at(off),
				"no \"\\r\\n\\r\\n\" after the record's Content-Length: wrong Content-Length", nil)
			if b, _ := w.br.Peek(len(magicWARC)); len(b) > 0 && !bytes.HasPrefix(b, magicWARC) && !bytes.HasPrefix(b, magicGzip) {
				w.scan(off)
			}
		}
	}
	if perr == nil {
		w.resync = false
	}
	return d, perr
}

// warcHeader holds the WARC header fields the reader uses.
type warcHeader struct {
	typ, id, date, uri, contentType, truncated, language string
	length                                               int64
	hasLength                                            bool
}

// record reads one record from r (a member or the raw file) positioned at
// "WARC/". It returns a document, or a problem (the record's block has then
// been read or the caller resynchronises), or an error of r.
func (w *WARC) record(off int64, r *bufio.Reader, member bool) (*pipeline.Document, error, error) {
	w.records++
	var h warcHeader
	line, err := readHeaderLine(r)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.HasPrefix(line, []byte("WARC/")) {
		return nil, w.badHeader(off, member, "no \"WARC/\" version line"), nil
	}
	size := len(line)
	for {
		line, err = readHeaderLine(r)
		if err != nil {
			return nil, nil, err
		}
		size += len(line)
		if size > maxWARCHeader {
			return nil, w.badHeader(off, member, fmt.Sprintf("WARC header longer than %d bytes", maxWARCHeader)), nil
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			if line[0] == ' ' || line[0] == '\t' { // a continuation line: no field we use spans lines
				continue
			}
			return nil, w.badHeader(off, member, fmt.Sprintf("WARC header line without a colon: %.80q", line)), nil
		}
		v := string(bytes.TrimSpace(value))
		switch strings.ToLower(string(bytes.TrimSpace(name))) {
		case "warc-type":
			h.typ = strings.ToLower(v)
		case "warc-record-id":
			h.id = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
		case "warc-date":
			h.date = v
		case "warc-target-uri":
			h.uri = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
		case "content-type":
			h.contentType = v
		case "warc-truncated":
			h.truncated = v
		case "warc-identified-content-language":
			h.language = v
		case "content-length":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, w.badHeader(off, member, fmt.Sprintf("Content-Length %q is not a length", v)), nil
			}
			h.length, h.hasLength = n, true
		}
	}
	if !h.hasLength {
		return nil, w.badHeader(off, member, "no Content-Length"), nil
	}
	var br io.Reader = r
	if !member {
		br = &plainBlock{r: r}
	}
	block := &io.LimitedReader{R: br, N: h.length}
	skip := func(reason string) (*pipeline.Document, error, error) {
		if err := discardBlock(block, member); err != nil {
			return w.blockErr(off, err)
		}
		w.skipped[reason]++
		return nil, nil, nil
	}
	switch h.typ {
	case "response", "conversion", "resource":
	case "warcinfo", "request", "metadata", "revisit", "continuation":
		return skip(skipTypePrefix + h.typ)
	default:
		return skip(skipUnknownRecord)
	}
	if h.length > w.maxRecord() {
		return skip(SkipTooLong)
	}
	d := &pipeline.Document{Source: w.source, URL: h.uri, Pos: w.at(off), ID: h.id}
	if d.ID == "" {
		d.ID = d.Pos.String()
	}
	d.Meta = map[string]string{MetaWARCDate: h.date, MetaWARCRecordID: h.id}
	if h.truncated != "" {
		d.Meta[MetaWARCTruncated] = h.truncated
	}
	if h.language != "" {
		d.Meta[MetaWARCLanguage] = h.language
	}
	if h.typ == "conversion" {
		body, err := readBlock(block, member)
		if err != nil {
			return w.blockErr(off, err)
		}
		if isBlank(body) {
			w.skipped[SkipEmptyText]++
			return nil, nil, nil
		}
		if !utf8.Valid(body) {
			i := invalidUTF8Index(body)
			return nil, newProblem(pipeline.ProblemInvalidUTF8, d.Pos,
				fmt.Sprintf("conversion record: invalid UTF-8 at byte %d of the text", i), body), nil
		}
		d.Text = string(body)
		return d, nil, nil
	}
	if h.typ == "resource" { // the block is the resource itself (a page saved without its HTTP message)
		media := mediaType(h.contentType)
		if media != "text/html" && media != "application/xhtml+xml" {
			return skip(SkipNotHTML)
		}
		body, err := readBlock(block, member)
		if err != nil {
			return w.blockErr(off, err)
		}
		return w.page(d, body, h.contentType, true)
	}
	if !strings.HasPrefix(strings.ToLower(h.contentType), "application/http") {
		return skip(SkipNotHTTP)
	}
	return w.response(d, block, member)
}

// blockErr sorts an error of reading a block: a block cut short by the
// end of its member is a problem of the record, anything else an error of
// the file.
func (w *WARC) blockErr(off int64, err error) (*pipeline.Document, error, error) {
	var short *errShortBlock
	if errors.As(err, &short) {
		return nil, newProblem(ProblemWARCRecord, w.at(off), short.Error(), nil), nil
	}
	return nil, nil, err
}

func (w *WARC) maxRecord() int64 {
	if w.MaxRecordBytes > 0 {
		return w.MaxRecordBytes
	}
	return DefaultMaxRecordBytes
}

// badHeader reports a malformed WARC header; for an uncompressed record
// the reader then resynchronises (a member is drained by the caller).
func (w *WARC) badHeader(off int64, member bool, detail string) error {
	if !member {
		w.scan(off)
	}
	return newProblem(ProblemWARCRecord, w.at(off), detail, nil)
}

// readHeaderLine reads one header line, at most warcBufSize bytes.
func readHeaderLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return line, nil // an over-long line: the size cap ends the header
	}
	return line, err
}

// discardBlock skips the rest of a block; a block cut short by the end of
// its gzip member, or in an uncompressed file by the start of the next
// record, is an *errShortBlock, by the end of the file io.ErrUnexpectedEOF.
func discardBlock(block *io.LimitedReader, member bool) error {
	want := block.N
	_, err := io.Copy(io.Discard, block)
	if err == nil && block.N > 0 {
		return shortBlock(block, member, want, want-block.N)
	}
	return err
}

// shortBlock is the error of a block that ended after got of its want
// bytes.
func shortBlock(block *io.LimitedReader, member bool, want, got int64) error {
	if member {
		return &errShortBlock{want: want, got: got}
	}
	if pb, ok := block.R.(*plainBlock); ok && pb.cut {
		return &errShortBlock{want: want, got: got, next: true}
	}
	return io.ErrUnexpectedEOF
}

// errShortBlock is a block cut short by the end of its gzip member or, when
// next is set, by the start of the next record.
type errShortBlock struct {
	want, got int64
	next      bool
}

func (e *errShortBlock) Error() string {
	if e.next {
		return fmt.Sprintf("the next record starts after %d of the record's %d bytes: wrong Content-Length", e.got, e.want)
	}
	return fmt.Sprintf("the gzip member ends after %d of the record's %d bytes: wrong Content-Length", e.got, e.want)
}

// recordStart is how the next record of an uncompressed WARC begins: the end
// of a block and the version line.
var recordStart = []byte("\r\n\r\nWARC/1.")

// plainBlock reads the block of an uncompressed record. Read through an
// io.LimitedReader of the record's Content-Length, it stops early at a
// recordStart inside the block: a Content-Length too large would otherwise
// swallow the next record (in a gzip member the member's end shows it).
// Where the Content-Length is right, its block ends exactly before
// recordStart, which is then never inside the limit. A block that holds a
// WARC file itself, uncompressed, is cut there too (and reported).
type plainBlock struct {
	r   *bufio.Reader
	cut bool // a record start was found inside the block
}

// Read implements io.Reader.
func (b *plainBlock) Read(p []byte) (int, error) {
	if b.cut {
		return 0, io.EOF
	}
	want := min(len(p), warcBufSize-len(recordStart))
	look, err := b.r.Peek(want + len(recordStart) - 1)
	if len(look) == 0 {
		return 0, err
	}
	if i := bytes.Index(look, recordStart); i >= 0 && i < want {
		want, b.cut = i, true
	}
	n := copy(p[:want], look)
	b.r.Discard(n)
	if n == 0 && b.cut {
		return 0, io.EOF
	}
	return n, nil
}

// blockReader returns the buffered reader a block reads from.
func blockReader(block *io.LimitedReader) *bufio.Reader {
	if pb, ok := block.R.(*plainBlock); ok {
		return pb.r
	}
	return block.R.(*bufio.Reader)
}

// readBlock reads the rest of a block into a buffer of its own; errors as
// discardBlock's.
func readBlock(block *io.LimitedReader, member bool) ([]byte, error) {
	want := block.N
	buf := make([]byte, want)
	n := 0
	for n < len(buf) {
		m, err := block.Read(buf[n:])
		n += m
		if err == io.EOF {
			return buf[:n], shortBlock(block, member, want, int64(n))
		}
		if err != nil {
			return buf[:n], err
		}
	}
	return buf, nil
}

// response turns a response record's HTTP message into a document with
// the HTML payload in Scratch, or skips it.
func (w *WARC) response(d *pipeline.Document, block *io.LimitedReader, member bool) (*pipeline.Document, error, error) {
	off := d.Pos.Offset
	head, _ := blockReader(block).Peek(int(min(block.N, warcBufSize)))
	end := httpHeaderEnd(head)
	if end < 0 {
		if int64(len(head)) < block.N {
			if err := discardBlock(block, member); err != nil {
				return w.blockErr(off, err)
			}
			return nil, newProblem(ProblemHTTP, d.Pos, fmt.Sprintf("no end of the HTTP header in the first %d bytes", len(head)), nil), nil
		}
		end = len(head) // a header without a body
	}
	h, err := parseHTTPHeader(head[:end])
	if err != nil {
		raw := bytes.Clone(head[:min(end, 256)])
		if err := discardBlock(block, member); err != nil {
			return w.blockErr(off, err)
		}
		return nil, newProblem(ProblemHTTP, d.Pos, err.Error(), raw), nil
	}
	skip := func(reason string) (*pipeline.Document, error, error) {
		if err := discardBlock(block, member); err != nil {
			return w.blockErr(off, err)
		}
		w.skipped[reason]++
		return nil, nil, nil
	}
	switch {
	case h.status >= 300 && h.status < 400:
		return skip(SkipRedirect)
	case h.status >= 400:
		return skip(SkipHTTPError)
	case h.status != 200:
		return skip(SkipHTTPStatus)
	}
	media := mediaType(h.contentType)
	html := media == "text/html" || media == "application/xhtml+xml"
	if !html && media != "" {
		return skip(SkipNotHTML)
	}
	switch h.encoding {
	case "", "identity", "gzip", "x-gzip", "deflate", "br", "zstd":
	default:
		return skip(SkipEncoding)
	}
	total := block.N
	if n, err := io.CopyN(io.Discard, block, int64(end)); err != nil { // in the buffer: only a record start can cut it
		if err == io.EOF {
			err = shortBlock(block, member, total, n)
		}
		return w.blockErr(off, err)
	}
	body, err := readBlock(block, member)
	if err != nil {
		return w.blockErr(off, err)
	}
	if h.chunked {
		if body, err = readAllMax(httputil.NewChunkedReader(bytes.NewReader(body)), w.maxRecord()); err != nil {
			return nil, newProblem(ProblemHTTP, d.Pos, "chunked transfer encoding: "+err.Error(), nil), nil
		}
	}
	if body, err = decodeContent(body, h.encoding, w.maxRecord()); err != nil {
		if errors.Is(err, errTooLong) {
			w.skipped[SkipTooLong]++
			return nil, nil, nil
		}
		return nil, newProblem(ProblemHTTP, d.Pos, "Content-Encoding "+h.encoding+": "+err.Error(), nil), nil
	}
	return w.page(d, body, h.contentType, html)
}

// page makes d the document of an HTML payload, or skips or reports it:
// empty, binary, or (not labelled HTML) not looking like HTML.
func (w *WARC) page(d *pipeline.Document, body []byte, contentType string, html bool) (*pipeline.Document, error, error) {
	if isBlank(body) {
		w.skipped[SkipEmptyPayload]++
		return nil, nil, nil
	}
	if looksBinary(body) {
		return nil, newProblem(ProblemBinaryPayload, d.Pos,
			fmt.Sprintf("payload labelled %q is binary", contentType), body[:min(len(body), 64)]), nil
	}
	if !html && !looksHTML(body) {
		w.skipped[SkipNotHTML]++
		return nil, nil, nil
	}
	d.Meta[MetaHTTPContentType] = contentType
	d.Scratch.Set(pipeline.HTMLPayload{}, &pipeline.Page{Body: body, ContentType: contentType})
	return d, nil, nil
}

// httpHead is what the reader uses of an HTTP response header.
type httpHead struct {
	status      int
	contentType string
	encoding    string // Content-Encoding, lower case
	chunked     bool
}

// httpHeaderEnd returns the length of the HTTP header in b including its
// blank line ("\r\n\r\n" or "\n\n"), or -1.
func httpHeaderEnd(b []byte) int {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
		if i < len(b) && b[i] == '\n' {
			return i + 1
		}
		if i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n' {
			return i + 2
		}
	}
	return -1
}

// parseHTTPHeader reads the status line and the fields the reader uses.
func parseHTTPHeader(b []byte) (httpHead, error) {
	var h httpHead
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	proto, status, _ := bytes.Cut(line, []byte(" "))
	if !bytes.HasPrefix(proto, []byte("HTTP/")) {
		return h, fmt.Errorf("no HTTP status line: %.80q", line)
	}
	code, _, _ := bytes.Cut(bytes.TrimLeft(status, " "), []byte(" "))
	n, err := strconv.Atoi(string(code))
	if err != nil || n < 100 || n > 999 {
		return h, fmt.Errorf("HTTP status %.20q is not a number", code)
	}
	h.status = n
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		name, value, ok := bytes.Cut(bytes.TrimRight(line, "\r"), []byte(":"))
		if !ok {
			continue // folded or broken lines: browsers ignore them too
		}
		v := string(bytes.TrimSpace(value))
		switch strings.ToLower(string(bytes.TrimSpace(name))) {
		case "content-type":
			if h.contentType == "" {
				h.contentType = v
			}
		case "content-encoding":
			h.encoding = strings.ToLower(v)
		case "transfer-encoding":
			h.chunked = strings.Contains(strings.ToLower(v), "chunked")
		}
	}
	return h, nil
}

// mediaType returns the lower-case media type of a Content-Type value.
func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

var errTooLong = errors.New("decoded payload too long")

// readAllMax reads r to its end, at most max bytes.
func readAllMax(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errTooLong
	}
	return b, nil
}

// decodeContent undoes a Content-Encoding.
func decodeContent(b []byte, enc string, max int64) ([]byte, error) {
	switch enc {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return readAllMax(zr, max)
	case "br":
		return readAllMax(brotli.NewReader(bytes.NewReader(b)), max)
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(8<<20)) // RFC 8878 §3.1.1.1.2: HTTP decoders need support only 8 MB windows
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return readAllMax(zr, max)
	case "deflate": // zlib as the RFC says, or raw deflate as some servers send
		if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
			if out, err := readAllMax(zr, max); err == nil || errors.Is(err, errTooLong) {
				return out, err
			}
		}
		return readAllMax(flate.NewReader(bytes.NewReader(b)), max)
	}
	return b, nil
}

// looksBinary reports whether a payload is no text: it starts with the
// magic bytes of a common binary format, or has a NUL byte in its first
// KiB (text in UTF-16, marked by its byte order mark, excepted).
func looksBinary(b []byte) bool {
	for _, m := range [][]byte{{0x89, 'P', 'N', 'G'}, []byte("GIF8"), {0xff, 0xd8, 0xff}, []byte("%PDF-"),
		[]byte("PK\x03\x04"), {0x1f, 0x8b}, []byte("RIFF"), {0x00, 0x00, 0x01, 0x00}} {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	if bytes.HasPrefix(b, []byte{0xfe, 0xff}) || bytes.HasPrefix(b, []byte{0xff, 0xfe}) {
		return false
	}
	return bytes.IndexByte(b[:min(len(b), 1024)], 0) >= 0
}

// looksHTML reports whether a payload without a Content-Type starts like
// an HTML page.
func looksHTML(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	b = bytes.ToLower(b[:min(len(b), 1024)])
	for _, t := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if bytes.Contains(b, []byte(t)) {
			return true
		}
	}
	return false
}

// openRaw opens path for a reader that decompresses itself (WARC): the
// stream is the file as stored, counted and stop-checked as in open.
func (d *decompressors) openRaw(path string, count *atomic.Int64, stop func() error) (*stream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &stream{f: f, cr: countingReader{r: f, n: count, stop: stop}, d: d}
	s.r = &s.cr
	return s, nil
}
