package shard

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Defaults and bounds of Options.
const (
	// DefaultMaxBytes is the shard size used when Options.MaxBytes is 0.
	DefaultMaxBytes = 256 << 20
	// DefaultPrefix is the file name prefix used when Options.Prefix is empty.
	DefaultPrefix = "part"
	// MinRowGroupBytes and MaxRowGroupBytes bound the derived row group size
	// (MaxBytes/4) when Options.RowGroupBytes is 0.
	MinRowGroupBytes = 64 << 10
	MaxRowGroupBytes = 64 << 20
)

// Options configures a Writer.
type Options struct {
	// Dir receives the shards; it must exist.
	Dir string
	// MaxBytes closes a shard once its file reaches about this many bytes
	// (0: DefaultMaxBytes). A shard is closed before a document that would
	// take its estimated size past MaxBytes, so shards end near MaxBytes
	// (the estimate can be off by a few percent) and a document larger than
	// MaxBytes gets a shard of its own.
	MaxBytes int64
	// MaxRows closes a shard at this many rows; 0 means no limit.
	MaxRows int64
	// Prefix starts every file name (default "part"): part-00000.parquet,
	// part-00001.parquet, ... It must not contain a path separator or
	// start with a dot.
	Prefix string
	// RowGroupBytes ends a row group once this many uncompressed bytes are
	// buffered; 0 derives it as MaxBytes/4 clamped to
	// [MinRowGroupBytes, MaxRowGroupBytes].
	RowGroupBytes int64
	// Wakati adds the column wakati (Document.Wakati) after tokens; see
	// WakatiRow.
	Wakati bool
}

// Info describes one finished shard.
type Info struct {
	// File is the base name of the shard inside the output directory.
	File string `json:"file"`
	// Rows is the number of rows (documents).
	Rows int64 `json:"rows"`
	// Tokens is the sum of the tokens column.
	Tokens int64 `json:"tokens"`
	// Bytes is the file size.
	Bytes int64 `json:"bytes"`
	// SHA256 is the hex SHA-256 of the file bytes.
	SHA256 string `json:"sha256"`
}

// Writer writes documents into a sequence of Parquet shards. It implements
// pipeline.Sink. A Writer is not safe for concurrent use.
//
// After any error the Writer refuses further work; call Abort to remove what
// it created.
type Writer struct {
	dir           string
	prefix        string
	maxBytes      int64
	maxRows       int64
	rowGroupBytes int64

	cur   *shardFile // open shard, nil between shards
	infos []Info     // finished shards in order

	// Compression observed over every row group flushed so far (all shards):
	// rawFlushed uncompressed bytes (as counted by rawSize) became
	// compFlushed bytes in the files.
	rawFlushed, compFlushed int64
	// footer is the size of the previous shard's footer (metadata and page
	// indexes), the estimate for the current one.
	footer int64

	wakati  bool                     // write WakatiRow
	sources map[string]*SourceTotals // per source, over every shard
	err     error                    // sticky error
	closed  bool
}

// shardFile is the shard being written.
type shardFile struct {
	name    string // final base name
	tmpPath string
	f       *os.File
	bw      *bufio.Writer
	sum     hash.Hash
	size    counter // bytes handed to the file so far
	pw      rowWriter

	rows, tokens int64
	buffered     int64 // rawSize of the rows in the open row group
}

type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}

var _ pipeline.Sink = (*Writer)(nil)

// SourceTotals sums the rows of one source over a dataset's shards.
type SourceTotals struct {
	Source string `json:"source"`
	Rows   int64  `json:"rows"`
	Tokens int64  `json:"tokens"`
	// TextBytes is the UTF-8 length of the texts.
	TextBytes int64 `json:"text_bytes"`
}

// Sources returns the totals of every source written so far, by source
// name.
func (w *Writer) Sources() []SourceTotals {
	out := make([]SourceTotals, 0, len(w.sources))
	for _, st := range w.sources {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// Columns returns the column names of the shards w writes, in file order:
// Columns(), and wakati with Options.Wakati.
func (w *Writer) Columns() []string {
	if w.wakati {
		return append(Columns(), "wakati")
	}
	return Columns()
}

var errClosed = errors.New("shard: writer is closed")

// NewWriter validates opts and returns a Writer. No file is created until the
// first document arrives.
func NewWriter(opts Options) (*Writer, error) {
	if opts.Dir == "" {
		return nil, errors.New("shard: Options.Dir is empty")
	}
	st, err := os.Stat(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("shard: output directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("shard: output %s is not a directory", opts.Dir)
	}
	if opts.MaxBytes < 0 || opts.MaxRows < 0 || opts.RowGroupBytes < 0 {
		return nil, fmt.Errorf("shard: negative limit (MaxBytes %d, MaxRows %d, RowGroupBytes %d)",
			opts.MaxBytes, opts.MaxRows, opts.RowGroupBytes)
	}
	w := &Writer{
		dir:           opts.Dir,
		prefix:        opts.Prefix,
		maxBytes:      opts.MaxBytes,
		maxRows:       opts.MaxRows,
		rowGroupBytes: opts.RowGroupBytes,
		wakati:        opts.Wakati,
		infos:         []Info{},
	}
	if w.prefix == "" {
		w.prefix = DefaultPrefix
	}
	if strings.ContainsAny(w.prefix, `/\`) || strings.HasPrefix(w.prefix, ".") {
		return nil, fmt.Errorf("shard: invalid file name prefix %q", w.prefix)
	}
	if w.maxBytes == 0 {
		w.maxBytes = DefaultMaxBytes
	}
	if w.maxRows == 0 {
		w.maxRows = math.MaxInt64
	}
	if w.rowGroupBytes == 0 {
		w.rowGroupBytes = min(max(w.maxBytes/4, MinRowGroupBytes), MaxRowGroupBytes)
	}
	return w, nil
}

// Write appends docs, in order, to the current shard, starting new shards as
// the limits are reached. The bytes written depend only on the sequence of
// documents, not on how it is split into Write calls.
func (w *Writer) Write(docs []*pipeline.Document) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	for _, d := range docs {
		if d == nil {
			return w.fail(errors.New("nil document"))
		}
		if err := w.add(RowOf(d)); err != nil {
			// no "shard:" prefix: the Runner names the sink in its errors
			return w.fail(fmt.Errorf("document %s: %w", d.ID, err))
		}
		st := w.sources[d.Source]
		if st == nil {
			if w.sources == nil {
				w.sources = map[string]*SourceTotals{}
			}
			st = &SourceTotals{Source: d.Source}
			w.sources[d.Source] = st
		}
		st.Rows++
		st.Tokens += int64(d.Tokens)
		st.TextBytes += int64(len(d.Text))
	}
	return nil
}

// Close finishes the last shard and returns every shard in order. With no
// documents written it returns an empty list and no file exists. Calling
// Close again returns the same list.
func (w *Writer) Close() ([]Info, error) {
	if w.err != nil {
		return nil, w.err
	}
	if !w.closed {
		if w.cur != nil {
			if err := w.finishShard(); err != nil {
				return nil, w.fail(fmt.Errorf("shard: %w", err))
			}
		}
		w.closed = true
	}
	return append([]Info{}, w.infos...), nil
}

// Abort removes every file this Writer created, temporary and finished, and
// makes the Writer unusable. It is meant for failed runs and may be called at
// any time, also after Close or after an error.
func (w *Writer) Abort() error {
	var errs []error
	if c := w.cur; c != nil {
		w.cur = nil
		if c.f != nil {
			c.f.Close() // the file is being removed; its close error does not matter
		}
		if err := os.Remove(c.tmpPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, in := range w.infos {
		if err := os.Remove(filepath.Join(w.dir, in.File)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	w.infos = nil
	w.closed = true
	if w.err == nil {
		w.err = errors.New("shard: writer aborted")
	}
	return errors.Join(errs...)
}

// fail records err as the Writer's sticky error and releases the open file
// handle (the temporary file stays until Abort).
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	if c := w.cur; c != nil && c.f != nil {
		c.f.Close()
		c.f = nil
	}
	return w.err
}

// estimate is the expected size of the current shard's file if a row of
// extra uncompressed bytes were added: the bytes already in the file plus the
// buffered uncompressed bytes scaled by the compression ratio observed so far
// (1.0 before the first row group was flushed) plus the previous shard's
// footer size. Integer arithmetic keeps it identical on every platform.
func (w *Writer) estimate(extra int64) int64 {
	c := w.cur
	pending := c.buffered + extra
	if w.rawFlushed > 0 {
		pending = mulDiv(pending, w.compFlushed, w.rawFlushed)
	}
	pending += w.footer // both terms are far below MaxInt64/2 unless saturated
	if pending < 0 || pending > math.MaxInt64-int64(c.size) {
		return math.MaxInt64
	}
	return int64(c.size) + pending
}

// mulDiv returns x*num/den for non-negative x, num and positive den,
// saturating at math.MaxInt64.
func mulDiv(x, num, den int64) int64 {
	hi, lo := bits.Mul64(uint64(x), uint64(num))
	if hi >= uint64(den) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// add writes one row, deciding shard and row group boundaries from the data.
func (w *Writer) add(r Row) error {
	size := rawSize(&r)
	if w.cur != nil && w.cur.rows > 0 && w.estimate(size) > w.maxBytes {
		// The row would take the shard past MaxBytes. Before the first row
		// group has been flushed the compression ratio is unknown (the
		// estimate assumes none): flush now to measure it, then decide.
		if w.rawFlushed == 0 && w.cur.buffered > 0 {
			if err := w.flushRowGroup(); err != nil {
				return err
			}
		}
		if w.estimate(size) > w.maxBytes {
			if err := w.finishShard(); err != nil {
				return err
			}
		}
	}
	if w.cur == nil {
		if err := w.openShard(); err != nil {
			return err
		}
	}
	c := w.cur
	// One row per call: parquet-go checks page sizes after every call, so
	// page boundaries depend on the rows only, never on batch sizes.
	if err := c.pw.write(&r); err != nil {
		return fmt.Errorf("writing %s: %w", c.name, err)
	}
	c.rows++
	c.tokens += r.Tokens
	c.buffered += size
	switch {
	case c.rows >= w.maxRows || w.estimate(0) >= w.maxBytes:
		return w.finishShard()
	case c.buffered >= w.rowGroupBytes:
		return w.flushRowGroup()
	}
	return nil
}

// flushRowGroup ends the open row group and updates the observed
// compression ratio with what it became on disk.
func (w *Writer) flushRowGroup() error {
	c := w.cur
	if c.buffered == 0 {
		return nil
	}
	before := c.size
	if err := c.pw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", c.name, err)
	}
	w.rawFlushed += c.buffered
	w.compFlushed += int64(c.size - before)
	c.buffered = 0
	return nil
}

// writerOptions are the parquet-go settings of every shard. Text and meta
// get no min/max statistics: they would copy whole documents into page
// headers and the footer without helping any reader.
func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.WriteBufferSize(0), // bytes reach our counter when written; we buffer below it
		parquet.SkipPageStatistics("text"),
		parquet.SkipPageStatistics("meta"),
		parquet.SkipPageBounds("text"),
		parquet.SkipPageBounds("meta"),
		parquet.SkipPageStatistics("wakati"),
		parquet.SkipPageBounds("wakati"),
	}
}

func (w *Writer) shardName(i int) string {
	return fmt.Sprintf("%s-%05d.parquet", w.prefix, i)
}

// openShard creates the temporary file of the next shard.
func (w *Writer) openShard() error {
	name := w.shardName(len(w.infos))
	tmp := filepath.Join(w.dir, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	c := &shardFile{name: name, tmpPath: tmp, f: f, bw: bufio.NewWriterSize(f, 1<<20), sum: sha256.New()}
	out := io.MultiWriter(c.bw, c.sum, &c.size)
	if w.wakati {
		c.pw = &wakatiRows{parquet.NewGenericWriter[WakatiRow](out, writerOptions()...), make([]WakatiRow, 1)}
	} else {
		c.pw = &plainRows{parquet.NewGenericWriter[Row](out, writerOptions()...), make([]Row, 1)}
	}
	w.cur = c
	return nil
}

// finishShard flushes the last row group, writes the footer, syncs the file,
// renames it to its final name and records its Info.
func (w *Writer) finishShard() error {
	c := w.cur
	if err := w.flushRowGroup(); err != nil {
		return err
	}
	beforeFooter := c.size
	if err := c.pw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", c.name, err)
	}
	w.footer = int64(c.size - beforeFooter)
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", c.tmpPath, err)
	}
	if err := c.f.Sync(); err != nil {
		return err
	}
	err := c.f.Close()
	c.f = nil
	if err != nil {
		return err
	}
	final := filepath.Join(w.dir, c.name)
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("%s already exists; refusing to overwrite it", final)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(c.tmpPath, final); err != nil {
		return err
	}
	w.infos = append(w.infos, Info{
		File:   c.name,
		Rows:   c.rows,
		Tokens: c.tokens,
		Bytes:  int64(c.size),
		SHA256: hex.EncodeToString(c.sum.Sum(nil)),
	})
	w.cur = nil
	return fsync.Dir(w.dir)
}
