// Package workfile writes and reads the checksummed files that the phases
// of a job and saved dedup indexes exchange.
//
// A file is a header, checksummed blocks of payload and a footer:
//
//	header  "JACORPUS-WF1\n", uvarint len + kind, uvarint len + meta (JSON), crc32c of the header so far
//	block   u32 n (1..BlockSize), n bytes of payload, crc32c(n, payload)
//	footer  u32 0xFFFFFFFF, u64 payload bytes, u64 blocks, crc32c of the footer so far
//
// (integers little-endian; CRC-32C, which CPUs compute in hardware). A
// reader checks every block as it reads it and the footer at the end, so a
// flipped byte or a truncated file is reported with the file's path and the
// offset of the bad block, and a reader never mistakes a partial file for a
// whole one. Writers create a temporary file beside the target and rename it
// into place on Commit, so a killed writer leaves no file under the name.
package workfile

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BlockSize is the largest block payload. A Writer buffers up to one block
// (plus 16 KiB), so a task can keep hundreds of files open.
const BlockSize = 256 << 10

// maxReadBlock is the largest block a streaming Reader accepts: files of
// earlier versions were written with 1 MiB blocks.
const maxReadBlock = 1 << 20

const (
	magic      = "JACORPUS-WF1\n"
	footerMark = 0xFFFFFFFF
	maxHeader  = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CorruptError reports a file that fails its checks.
type CorruptError struct {
	Path   string
	Offset int64 // where the bad part starts
	Detail string
}

// Error names the file, the offset and what is wrong.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s@%d: corrupt work file: %s", e.Path, e.Offset, e.Detail)
}

// Writer writes one work file. It is an io.Writer for the payload.
type Writer struct {
	path, tmp string
	f         *os.File
	bw        *bufio.Writer
	buf       []byte
	total     uint64
	blocks    uint64
	err       error
}

// Create starts the file path of the given kind with meta (marshaled as
// JSON; nil for none). Nothing appears under path until Commit.
func Create(path, kind string, meta any) (*Writer, error) {
	m := []byte("null")
	if meta != nil {
		var err error
		if m, err = json.Marshal(meta); err != nil {
			return nil, fmt.Errorf("%s: meta: %w", path, err)
		}
	}
	f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	w := &Writer{path: path, tmp: f.Name(), f: f, bw: bufio.NewWriterSize(f, 16<<10)}
	h := []byte(magic)
	h = binary.AppendUvarint(h, uint64(len(kind)))
	h = append(h, kind...)
	h = binary.AppendUvarint(h, uint64(len(m)))
	h = append(h, m...)
	h = binary.LittleEndian.AppendUint32(h, crc32.Checksum(h, castagnoli))
	if _, err := w.bw.Write(h); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// WriteString appends s to the payload.
func (w *Writer) WriteString(s string) (int, error) { return appendPayload(w, s) }

// Write appends p to the payload.
func (w *Writer) Write(p []byte) (int, error) { return appendPayload(w, p) }

// appendPayload fills blocks from p, a string or a byte slice alike.
func appendPayload[T string | []byte](w *Writer, p T) (int, error) {
	n := len(p)
	for len(p) > 0 && w.err == nil {
		c := min(len(p), BlockSize-len(w.buf))
		w.buf = append(w.buf, p[:c]...)
		p = p[c:]
		if len(w.buf) == BlockSize {
			w.flushBlock()
		}
	}
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

// createTemp creates a new file beside path with mode 0666 less the umask
// (os.CreateTemp would make it 0600, and the renamed file keeps that).
func createTemp(path string) (*os.File, error) {
	for i := 0; ; i++ {
		var b [6]byte
		rand.Read(b[:])
		f, err := os.OpenFile(fmt.Sprintf("%s/.%s.tmp-%x", filepath.Dir(path), filepath.Base(path), b), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil || !errors.Is(err, fs.ErrExist) || i == 100 {
			return f, err
		}
	}
}

func (w *Writer) flushBlock() {
	if len(w.buf) == 0 || w.err != nil {
		return
	}
	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(len(w.buf)))
	crc := crc32.Update(crc32.Checksum(hdr[:], castagnoli), castagnoli, w.buf)
	w.bw.Write(hdr[:])
	w.bw.Write(w.buf)
	_, w.err = w.bw.Write(binary.LittleEndian.AppendUint32(nil, crc))
	w.total += uint64(len(w.buf))
	w.blocks++
	w.buf = w.buf[:0]
}

// Commit writes the footer, syncs the file and renames it into place.
func (w *Writer) Commit() error {
	w.flushBlock()
	if w.err == nil {
		f := binary.LittleEndian.AppendUint32(nil, footerMark)
		f = binary.LittleEndian.AppendUint64(f, w.total)
		f = binary.LittleEndian.AppendUint64(f, w.blocks)
		f = binary.LittleEndian.AppendUint32(f, crc32.Checksum(f, castagnoli))
		w.bw.Write(f)
		w.err = w.bw.Flush()
	}
	if w.err == nil {
		w.err = w.f.Sync()
	}
	if err := w.f.Close(); w.err == nil {
		w.err = err
	}
	if w.err == nil {
		w.err = os.Rename(w.tmp, w.path)
	}
	if w.err != nil {
		os.Remove(w.tmp)
		return fmt.Errorf("%s: %w", w.path, w.err)
	}
	return nil
}

// Abort removes the temporary file. It is a no-op after Commit.
func (w *Writer) Abort() {
	if w.f != nil {
		w.f.Close()
		os.Remove(w.tmp)
	}
}

// Reader reads the payload of a work file, checking it as it goes. It is an
// io.Reader; Read returns io.EOF only after the footer checked out.
type Reader struct {
	path   string
	f      *os.File
	br     *bufio.Reader
	off    int64 // file offset of br's next byte
	kind   string
	meta   []byte
	block  []byte
	pos    int
	total  uint64
	blocks uint64
	done   bool
	err    error
}

// Open opens path and checks its header; kind must match the writer's.
func Open(path, kind string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, f: f, br: bufio.NewReaderSize(f, 1<<16)}
	if err := r.header(); err != nil {
		f.Close()
		return nil, err
	}
	if r.kind != kind {
		f.Close()
		return nil, fmt.Errorf("%s: a %q work file, want %q", path, r.kind, kind)
	}
	return r, nil
}

func (r *Reader) corrupt(off int64, format string, args ...any) error {
	return &CorruptError{Path: r.path, Offset: off, Detail: fmt.Sprintf(format, args...)}
}

func (r *Reader) header() error {
	h := make([]byte, len(magic))
	if _, err := io.ReadFull(r.br, h); err != nil || string(h) != magic {
		return r.corrupt(0, "not a jacorpus work file (bad magic)")
	}
	readStr := func() ([]byte, error) {
		n, err := binary.ReadUvarint(r.br)
		if err != nil || n > maxHeader {
			return nil, r.corrupt(0, "bad header")
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r.br, b); err != nil {
			return nil, r.corrupt(0, "truncated header")
		}
		h = binary.AppendUvarint(h, n)
		h = append(h, b...)
		return b, nil
	}
	kind, err := readStr()
	if err != nil {
		return err
	}
	if r.meta, err = readStr(); err != nil {
		return err
	}
	var crc [4]byte
	if _, err := io.ReadFull(r.br, crc[:]); err != nil {
		return r.corrupt(0, "truncated header")
	}
	if binary.LittleEndian.Uint32(crc[:]) != crc32.Checksum(h, castagnoli) {
		return r.corrupt(0, "header checksum mismatch")
	}
	r.kind = string(kind)
	r.off = int64(len(h) + 4)
	return nil
}

// Meta unmarshals the writer's meta into v.
func (r *Reader) Meta(v any) error {
	if err := json.Unmarshal(r.meta, v); err != nil {
		return fmt.Errorf("%s: meta: %w", r.path, err)
	}
	return nil
}

// Read reads payload bytes.
func (r *Reader) Read(p []byte) (int, error) {
	for r.pos == len(r.block) {
		if r.err != nil {
			return 0, r.err
		}
		r.next()
	}
	n := copy(p, r.block[r.pos:])
	r.pos += n
	return n, nil
}

// next loads the next block or checks the footer.
func (r *Reader) next() {
	r.block, r.pos = r.block[:0], 0
	start := r.off
	var hdr [4]byte
	if _, err := io.ReadFull(r.br, hdr[:]); err != nil {
		r.err = r.corrupt(start, "truncated: the file ends before its footer")
		return
	}
	n := binary.LittleEndian.Uint32(hdr[:])
	if n == footerMark {
		r.footer(start, hdr[:])
		return
	}
	if n == 0 || n > maxReadBlock {
		r.err = r.corrupt(start, "bad block length %d", n)
		return
	}
	if cap(r.block) < int(n) {
		r.block = make([]byte, 0, n)
	}
	r.block = r.block[:n]
	var crc [4]byte
	if _, err := io.ReadFull(r.br, r.block); err != nil {
		r.block, r.err = r.block[:0], r.corrupt(start, "truncated block")
		return
	}
	if _, err := io.ReadFull(r.br, crc[:]); err != nil {
		r.block, r.err = r.block[:0], r.corrupt(start, "truncated block")
		return
	}
	if binary.LittleEndian.Uint32(crc[:]) != crc32.Update(crc32.Checksum(hdr[:], castagnoli), castagnoli, r.block) {
		r.block, r.err = r.block[:0], r.corrupt(start, "block checksum mismatch")
		return
	}
	r.off += int64(8 + n)
	r.pos = 0
	r.total += uint64(n)
	r.blocks++
}

func (r *Reader) footer(start int64, mark []byte) {
	f := make([]byte, 20)
	if _, err := io.ReadFull(r.br, f); err != nil {
		r.err = r.corrupt(start, "truncated footer")
		return
	}
	body := append(append([]byte{}, mark...), f[:16]...)
	switch {
	case binary.LittleEndian.Uint32(f[16:]) != crc32.Checksum(body, castagnoli):
		r.err = r.corrupt(start, "footer checksum mismatch")
	case binary.LittleEndian.Uint64(f[0:]) != r.total || binary.LittleEndian.Uint64(f[8:]) != r.blocks:
		r.err = r.corrupt(start, "footer counts %d bytes in %d blocks, read %d in %d",
			binary.LittleEndian.Uint64(f[0:]), binary.LittleEndian.Uint64(f[8:]), r.total, r.blocks)
	default:
		if _, err := r.br.ReadByte(); err != io.EOF {
			r.err = r.corrupt(start+24, "bytes after the footer")
			return
		}
		r.err, r.done = io.EOF, true
	}
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

// Verify reads the whole file and returns its first problem.
func Verify(path, kind string) error {
	r, err := Open(path, kind)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// IsCorrupt reports whether err is a *CorruptError.
func IsCorrupt(err error) bool {
	var c *CorruptError
	return errors.As(err, &c)
}

// ReaderAt reads the payload of a work file at given offsets, checking every
// block it touches (blocks hold BlockSize payload bytes each, so a payload
// offset maps to a block without an index). Not safe for concurrent use.
type ReaderAt struct {
	path   string
	f      *os.File
	base   int64 // file offset of the first block
	size   int64 // payload bytes, from the footer
	cached int64 // block number held in buf, -1 for none
	buf    []byte
}

// OpenAt opens path for random access; the header and the footer are
// checked at once, each block when it is first read.
func OpenAt(path, kind string) (*ReaderAt, error) {
	r, err := Open(path, kind)
	if err != nil {
		return nil, err
	}
	base := r.off
	r.f.Close()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	ra := &ReaderAt{path: path, f: f, base: base, cached: -1}
	corrupt := func(off int64, d string) error {
		f.Close()
		return &CorruptError{Path: path, Offset: off, Detail: d}
	}
	if fi.Size() < base+24 {
		return nil, corrupt(base, "truncated: the file ends before its footer")
	}
	foot := make([]byte, 24)
	if _, err := f.ReadAt(foot, fi.Size()-24); err != nil {
		f.Close()
		return nil, err
	}
	if binary.LittleEndian.Uint32(foot) != footerMark || binary.LittleEndian.Uint32(foot[20:]) != crc32.Checksum(foot[:20], castagnoli) {
		return nil, corrupt(fi.Size()-24, "no valid footer (truncated?)")
	}
	ra.size = int64(binary.LittleEndian.Uint64(foot[4:]))
	blocks := int64(binary.LittleEndian.Uint64(foot[12:]))
	if want := (ra.size + BlockSize - 1) / BlockSize; blocks != want || base+ra.size+8*blocks+24 != fi.Size() {
		return nil, corrupt(fi.Size()-24, "footer does not match the file's length")
	}
	return ra, nil
}

// Size returns the payload size.
func (r *ReaderAt) Size() int64 { return r.size }

// ReadAt reads len(p) payload bytes at payload offset off.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > r.size {
		return 0, fmt.Errorf("%s: read of %d bytes at %d beyond the payload's %d", r.path, len(p), off, r.size)
	}
	n := 0
	for n < len(p) {
		b := (off + int64(n)) / BlockSize
		if err := r.load(b); err != nil {
			return n, err
		}
		n += copy(p[n:], r.buf[(off+int64(n))%BlockSize:])
	}
	return n, nil
}

// load reads and checks block b.
func (r *ReaderAt) load(b int64) error {
	if r.cached == b {
		return nil
	}
	r.cached = -1 // buf is about to be overwritten
	start := r.base + b*(BlockSize+8)
	n := min(BlockSize, r.size-b*BlockSize)
	var raw []byte
	if cap(r.buf) >= int(n+8) {
		raw = r.buf[:n+8]
	} else {
		raw = make([]byte, n+8)
	}
	if _, err := r.f.ReadAt(raw, start); err != nil {
		return &CorruptError{Path: r.path, Offset: start, Detail: "truncated block"}
	}
	if binary.LittleEndian.Uint32(raw) != uint32(n) ||
		binary.LittleEndian.Uint32(raw[4+n:]) != crc32.Checksum(raw[:4+n], castagnoli) {
		return &CorruptError{Path: r.path, Offset: start, Detail: "block checksum mismatch"}
	}
	copy(raw, raw[4:4+n]) // the payload to the front
	r.buf, r.cached = raw[:n], b
	return nil
}

// Close closes the file.
func (r *ReaderAt) Close() error { return r.f.Close() }
