package shard

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// Reader reads the rows of one shard file, Parquet or Arrow IPC stream (told
// apart by the file's first bytes), in order. Row.Wakati is filled when the
// shard has the wakati column. Corrupt data is an error naming the file,
// never a panic.
type Reader struct {
	path  string
	close io.Closer // the file, nil for bytes in memory
	// one of:
	pq  *parquet.GenericReader[WakatiRow]
	buf []WakatiRow
	ar  *ipc.Reader
	rec arrow.Record // the current batch and the next row in it
	at  int
	err error
}

// OpenReader opens the shard at path.
func OpenReader(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("shard: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shard: %w", err)
	}
	r, err := newReader(f, info.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.close = f
	return r, nil
}

// newReader reads the shard of size bytes in ra; name is for errors.
func newReader(ra io.ReaderAt, size int64, name string) (*Reader, error) {
	r := &Reader{path: name}
	head := make([]byte, 4)
	if _, err := ra.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("shard: %s: not a shard (Parquet or Arrow IPC stream): %w", name, err)
	}
	switch {
	case bytes.Equal(head, []byte("PAR1")):
		pf, err := openParquet(ra, size)
		if err != nil {
			return nil, fmt.Errorf("shard: %s: not a readable Parquet file: %w", name, err)
		}
		r.pq = parquet.NewGenericReader[WakatiRow](pf)
	case bytes.Equal(head, arrowEOS[:4]):
		// Arrow's reader trusts the lengths in the file (a damaged one can
		// make it allocate without bound), so the framing is checked
		// first, the schema must be a shard's, byte for byte, and no
		// buffer may be larger than the file.
		_, err := arrowMessages(ra, size)
		if err == nil {
			err = checkArrowSchema(ra)
		}
		if err != nil {
			return nil, fmt.Errorf("shard: %s: not a readable Arrow IPC stream: %w", name, err)
		}
		ar, err := ipc.NewReader(io.NewSectionReader(ra, 0, size), ipc.WithAllocator(&cappedAllocator{memory.NewGoAllocator(), size}))
		if err != nil {
			return nil, fmt.Errorf("shard: %s: not a readable Arrow IPC stream: %w", name, err)
		}
		r.ar = ar
	default:
		return nil, fmt.Errorf("shard: %s: not a shard (neither Parquet nor an Arrow IPC stream)", name)
	}
	return r, nil
}

// openParquet opens a Parquet file, turning parquet-go's panics on damaged
// footers and page indexes into errors.
func openParquet(f io.ReaderAt, size int64) (pf *parquet.File, err error) {
	defer func() {
		if v := recover(); v != nil {
			pf, err = nil, fmt.Errorf("damaged footer: %v", v)
		}
	}()
	return parquet.OpenFile(f, size)
}

// checkArrowSchema checks that the stream in f starts with the schema
// message of a shard, with or without wakati.
func checkArrowSchema(f io.ReaderAt) error {
	for _, wakati := range []bool{false, true} {
		c, err := newArrowCodec(wakati)
		if err != nil {
			return err
		}
		head := make([]byte, len(c.prefix))
		if _, err := f.ReadAt(head, 0); err == nil && bytes.Equal(head, c.prefix) {
			return nil
		}
	}
	return errors.New("its schema is not a shard's (id, text, source, url, meta, tokens[, wakati])")
}

// arrowMessages walks the messages of the IPC stream of size bytes in f:
// every message must have a continuation marker, metadata and body inside
// the file, and the stream must end with the end-of-stream marker at the end
// of the file. It returns the offset where each message starts, and the
// stream's length last (where the end-of-stream marker starts).
func arrowMessages(f io.ReaderAt, size int64) ([]int64, error) {
	var head [8]byte
	var starts []int64
	for off := int64(0); ; {
		if _, err := f.ReadAt(head[:], off); err != nil {
			return nil, fmt.Errorf("offset %d: cut (no end-of-stream marker)", off)
		}
		if !bytes.Equal(head[:4], arrowEOS[:4]) {
			return nil, fmt.Errorf("offset %d: no message continuation marker", off)
		}
		metaLen := int64(binary.LittleEndian.Uint32(head[4:]))
		if metaLen == 0 {
			if off+8 != size {
				return nil, fmt.Errorf("offset %d: %d bytes after the end-of-stream marker", off, size-off-8)
			}
			return append(starts, off), nil
		}
		starts = append(starts, off)
		if metaLen > size-off-8 {
			return nil, fmt.Errorf("offset %d: message metadata of %d bytes past the end of the file", off, metaLen)
		}
		meta := make([]byte, metaLen)
		if _, err := f.ReadAt(meta, off+8); err != nil {
			return nil, fmt.Errorf("offset %d: %w", off, err)
		}
		body, ok := messageBodyLength(meta)
		if !ok || body < 0 || body > size-off-8-metaLen {
			return nil, fmt.Errorf("offset %d: message body length unreadable or past the end of the file", off)
		}
		off += 8 + metaLen + body
	}
}

// messageBodyLength reads the bodyLength field of an Arrow IPC Message
// flatbuffer (table Message { version; header (a union: type and value);
// bodyLength: long; ... }, so field 3), with every offset bounds-checked.
func messageBodyLength(b []byte) (int64, bool) {
	u32 := func(at int64) (int64, bool) {
		if at < 0 || at+4 > int64(len(b)) {
			return 0, false
		}
		return int64(binary.LittleEndian.Uint32(b[at:])), true
	}
	u16 := func(at int64) (int64, bool) {
		if at < 0 || at+2 > int64(len(b)) {
			return 0, false
		}
		return int64(binary.LittleEndian.Uint16(b[at:])), true
	}
	table, ok := u32(0)
	if !ok {
		return 0, false
	}
	soff, ok := u32(table)
	if !ok {
		return 0, false
	}
	vtable := table - int64(int32(uint32(soff)))
	vsize, ok := u16(vtable)
	if !ok {
		return 0, false
	}
	const field = 3
	if 4+2*field+2 > vsize {
		return 0, true // absent: the default, 0
	}
	fo, ok := u16(vtable + 4 + 2*field)
	if !ok {
		return 0, false
	}
	if fo == 0 {
		return 0, true
	}
	at := table + fo
	if at < 0 || at+8 > int64(len(b)) {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(b[at:])), true
}

// cappedAllocator refuses (by panicking, which Read recovers) any buffer
// larger than the file it reads.
type cappedAllocator struct {
	memory.Allocator
	max int64
}

func (a *cappedAllocator) Allocate(n int) []byte {
	if int64(n) > a.max {
		panic(fmt.Sprintf("a buffer of %d bytes in a file of %d", n, a.max))
	}
	return a.Allocator.Allocate(n)
}

func (a *cappedAllocator) Reallocate(n int, b []byte) []byte {
	if int64(n) > a.max {
		panic(fmt.Sprintf("a buffer of %d bytes in a file of %d", n, a.max))
	}
	return a.Allocator.Reallocate(n, b)
}

// NumRows returns the number of rows of a Parquet shard (from its footer),
// and -1 for an Arrow stream, whose length is known only once read.
func (r *Reader) NumRows() int64 {
	if r.pq != nil {
		return r.pq.NumRows()
	}
	return -1
}

// Read reads up to len(rows) rows; at the end it returns 0, io.EOF.
func (r *Reader) Read(rows []Row) (n int, err error) {
	if r.err != nil {
		return 0, r.err
	}
	defer func() {
		if v := recover(); v != nil { // parquet-go and arrow panic on some corrupt data
			n, err = 0, fmt.Errorf("shard: %s: corrupt data: %v", r.path, v)
		}
		if err != nil && err != io.EOF {
			r.err = err
		}
	}()
	if r.pq != nil {
		return r.readParquet(rows)
	}
	return r.readArrow(rows)
}

func (r *Reader) readParquet(rows []Row) (int, error) {
	if cap(r.buf) < len(rows) {
		r.buf = make([]WakatiRow, len(rows))
	}
	buf := r.buf[:len(rows)]
	k, err := r.pq.Read(buf)
	for i := range buf[:k] {
		w := &buf[i]
		rows[i] = Row{ID: w.ID, Text: w.Text, Source: w.Source, URL: w.URL, Meta: w.Meta, Tokens: w.Tokens, Wakati: w.Wakati}
		*w = WakatiRow{}
	}
	if err != nil && err != io.EOF {
		return k, fmt.Errorf("shard: %s: %w", r.path, err)
	}
	if k == 0 && err == nil {
		err = io.EOF
	}
	if k > 0 {
		err = nil
	}
	return k, err
}

func (r *Reader) readArrow(rows []Row) (int, error) {
	n := 0
	for n < len(rows) {
		if r.rec == nil || r.at == int(r.rec.NumRows()) {
			if !r.ar.Next() {
				if err := r.ar.Err(); err != nil {
					return n, fmt.Errorf("shard: %s: %w", r.path, err)
				}
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			r.rec, r.at = r.ar.Record(), 0
		}
		str := func(c int) string { return r.rec.Column(c).(*array.String).Value(r.at) }
		row := Row{ID: str(0), Text: str(1), Source: str(2), URL: str(3), Meta: str(4),
			Tokens: r.rec.Column(5).(*array.Int64).Value(r.at)}
		if r.rec.NumCols() == 7 {
			row.Wakati = str(6)
		}
		// the batch's memory is reused by the next one: copy the strings
		row.ID, row.Text, row.Source, row.URL, row.Meta, row.Wakati =
			clone(row.ID), clone(row.Text), clone(row.Source), clone(row.URL), clone(row.Meta), clone(row.Wakati)
		rows[n] = row
		n++
		r.at++
	}
	return n, nil
}

func clone(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

// Close releases the file.
func (r *Reader) Close() error {
	var err error
	if r.pq != nil {
		err = r.pq.Close()
	}
	if r.ar != nil {
		r.ar.Release()
	}
	if r.close != nil {
		err = errors.Join(err, r.close.Close())
	}
	return err
}
