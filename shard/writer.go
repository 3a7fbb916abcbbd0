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
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	pqzstd "github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Defaults and bounds of Options.
const (
	// DefaultMaxBytes is the shard size used when Options.MaxBytes is 0:
	// large enough for parallel file systems, four default row groups.
	DefaultMaxBytes = 512 << 20
	// DefaultPrefix is the file name prefix used when Options.Prefix is empty.
	DefaultPrefix = "part"
	// MinRowGroupBytes and MaxRowGroupBytes bound the derived row group size
	// (MaxBytes/4) when Options.RowGroupBytes is 0.
	MinRowGroupBytes = 64 << 10
	MaxRowGroupBytes = 128 << 20
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
	// MaxTokens closes a shard at this many tokens (the sum of the tokens
	// column); 0 means no limit. A shard is closed before a document that
	// would take it past MaxTokens, unless the shard is empty.
	MaxTokens int64
	// Encoders is the number of goroutines that encode row groups in
	// parallel (0: 1). The files are byte-identical for any value: row
	// groups are encoded on their own and copied into the shard in order,
	// and every size decision reads only what is known at a position fixed
	// by the data (see Writer).
	Encoders int
	// ZstdLevel is the zstd compression level of Parquet shards (1..22; 0:
	// DefaultZstdLevel).
	ZstdLevel int
	// Format is the file format (default FormatParquet).
	Format Format
	// WorldSize, when > 0, balances the shards for that many training
	// ranks: their number is a multiple of WorldSize and their token
	// totals differ by at most the largest document's tokens (see
	// Partition). The documents are spooled as encoded row groups under
	// Dir first; Close cuts them into shards, copying whole row groups and
	// re-encoding only the ones a cut splits. MaxBytes and MaxTokens then
	// set the number of shards (the fewest multiple of WorldSize that
	// keeps every shard about within them); MaxRows stays a limit (more
	// shards are cut while one would exceed it).
	WorldSize int
	// Shuffle writes the documents in a random order that depends only on
	// Seed and their keys (pipeline.Key), so every shard is a sample of
	// every source; memory-bounded by spooling them into ShuffleBuckets
	// buckets by hash and shuffling one bucket at a time. It implies
	// balancing (WorldSize 1 when unset).
	Shuffle bool
	// Seed seeds the shuffle.
	Seed uint64
	// ShuffleBuckets is the number of hash buckets of the shuffle (0:
	// DefaultShuffleBuckets); Close holds one bucket's documents in memory.
	ShuffleBuckets int
	// SpoolOnly (with WorldSize or Shuffle) makes Close save the spool in
	// Dir as a part for Assemble (spool files, docs.bin, spool.json last)
	// instead of writing shards: how the tasks of a job hand their
	// documents to the step that balances the whole dataset.
	SpoolOnly bool
	// Progress, when set, counts what the Writer writes into shard files
	// as it goes (a balanced Writer writes them all in Close), for a
	// progress display on another goroutine. It changes nothing written.
	Progress *Progress
}

// Progress counts a Writer's output while it works: atomics that another
// goroutine may read at any time.
type Progress struct {
	// Rows and Bytes are the rows and file bytes written into shard files
	// so far; Shards counts the shards finished.
	Rows, Bytes, Shards atomic.Int64
	// PlannedRows and PlannedShards are what Close of a balanced Writer
	// (or Assemble) is writing, set once it has cut the dataset (0 before
	// and for a streaming Writer).
	PlannedRows, PlannedShards atomic.Int64
}

// DefaultShuffleBuckets is the default Options.ShuffleBuckets.
const DefaultShuffleBuckets = 64

// DefaultZstdLevel is the zstd level used when Options.ZstdLevel is 0: zstd's
// default level 3, a good ratio at several hundred MB/s per core.
const DefaultZstdLevel = 3

// lookBehind is how many row groups a size decision may lag behind: when
// row group g is submitted, the compressed sizes of row groups up to g-lookBehind
// are folded into the estimate. It also bounds the row groups in flight, so
// that number can never change a decision.
const lookBehind = 16

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
// Rows are collected into row groups on the caller's goroutine; each row
// group is encoded (parquet-go, zstd) on its own by one of Options.Encoders
// goroutines into a small Parquet file in memory, whose compressed column
// chunks are then copied verbatim into the shard in order (parquet-go's
// WriteRowGroup copy path: no decoding). Shard boundaries are decided per
// document from an estimate of the file size: the compressed size of the
// shard's row groups that are "known" plus the rest, uncompressed, scaled by
// the ratio observed over known row groups. A row group becomes known at a
// point fixed by the data (lookBehind row groups later, when a shard ends,
// or when the ratio is needed for a first decision), never when its encoder
// happens to finish, so the files do not depend on the number of encoders
// or on timing.
//
// After any error the Writer refuses further work; call Abort to remove what
// it created.
type Writer struct {
	dir           string
	prefix        string
	maxBytes      int64
	maxRows       int64
	rowGroupBytes int64

	maxTokens int64
	encoders  int
	format    Format
	codec     codec

	cur   *shardFile // open shard, nil between shards
	infos []Info     // finished shards in order

	// Row groups: submitted counts those handed to the encoders; unknown
	// holds, in order, those submitted but not yet folded into the
	// estimate (known); inflight those whose bytes are not yet in a file.
	submitted int
	unknown   []*rowGroup
	inflight  []*rowGroup
	jobs      chan *rowGroup // to the encoders; nil until the first row group
	// Compression observed over every known row group (all shards):
	// rawKnown uncompressed bytes (as counted by rawSize) became compKnown
	// bytes of column chunks.
	rawKnown, compKnown int64
	// footer is the size of the previous shard's footer (metadata and page
	// indexes), the estimate for the current one.
	footer int64

	bal       *balancer                // balanced mode: documents go to the spool
	spoolOnly bool                     // Close saves the spool (Options.SpoolOnly)
	groups    []int64                  // rows of each row group submitted, in order
	wakati    bool                     // write WakatiRow
	sources   map[string]*SourceTotals // per source, over every shard
	err       error                    // sticky error
	closed    bool
	progress  *Progress // Options.Progress, nil without
}

// shardFile is the shard being written.
type shardFile struct {
	name    string // final base name
	tmpPath string
	f       *os.File
	bw      *bufio.Writer
	sum     hash.Hash
	size    counter // bytes handed to the file so far
	asm     assembler

	rows, tokens int64
	open         []Row // the open row group
	buffered     int64 // rawSize of the rows in open
	// compKnown is the compressed size of the shard's known row groups,
	// rawUnknown the uncompressed size of its submitted, unknown ones.
	compKnown, rawUnknown int64
}

// rowGroup is a row group on its way from the rows to a shard file.
type rowGroup struct {
	shard *shardFile
	rows  []Row // released once encoded
	n     int64 // number of rows
	raw   int64 // rawSize of rows
	done  chan struct{}
	// set by the encoder before done is closed:
	enc  encoded // the encoded row group
	comp int64   // the bytes it adds to the file
	err  error
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
	if opts.MaxBytes < 0 || opts.MaxRows < 0 || opts.RowGroupBytes < 0 || opts.MaxTokens < 0 || opts.Encoders < 0 {
		return nil, fmt.Errorf("shard: negative limit (MaxBytes %d, MaxRows %d, MaxTokens %d, RowGroupBytes %d, Encoders %d)",
			opts.MaxBytes, opts.MaxRows, opts.MaxTokens, opts.RowGroupBytes, opts.Encoders)
	}
	if opts.Format == "" {
		opts.Format = FormatParquet
	}
	if !opts.Format.Valid() {
		return nil, fmt.Errorf("shard: unknown format %q (want %q or %q)", opts.Format, FormatParquet, FormatArrow)
	}
	if opts.ZstdLevel < 0 || opts.ZstdLevel > 22 {
		return nil, fmt.Errorf("shard: zstd level %d outside 1..22", opts.ZstdLevel)
	}
	w := &Writer{
		dir:           opts.Dir,
		prefix:        opts.Prefix,
		maxBytes:      opts.MaxBytes,
		maxRows:       opts.MaxRows,
		maxTokens:     opts.MaxTokens,
		rowGroupBytes: opts.RowGroupBytes,
		encoders:      min(max(opts.Encoders, 1), lookBehind),
		format:        opts.Format,
		wakati:        opts.Wakati,
		infos:         []Info{},
		progress:      opts.Progress,
	}
	if w.maxTokens == 0 {
		w.maxTokens = math.MaxInt64
	}
	level := opts.ZstdLevel
	if level == 0 {
		level = DefaultZstdLevel
	}
	if opts.WorldSize < 0 || opts.ShuffleBuckets < 0 || opts.ShuffleBuckets > 1<<16 {
		return nil, fmt.Errorf("shard: WorldSize %d, ShuffleBuckets %d (want >= 0, buckets <= 65536)", opts.WorldSize, opts.ShuffleBuckets)
	}
	switch w.format {
	case FormatParquet:
		w.codec = &parquetCodec{options: writerOptions(level), wakati: w.wakati}
	case FormatArrow:
		if w.codec, err = newArrowCodec(w.wakati); err != nil {
			return nil, fmt.Errorf("shard: %w", err)
		}
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
	if opts.SpoolOnly && opts.WorldSize == 0 && !opts.Shuffle {
		return nil, errors.New("shard: SpoolOnly needs WorldSize or Shuffle")
	}
	if opts.WorldSize > 0 || opts.Shuffle {
		if w.bal, err = newBalancer(w, opts); err != nil {
			return nil, err
		}
		if opts.SpoolOnly {
			w.spoolOnly, w.bal.dir, w.bal.opts.Dir = true, w.dir, w.dir
		}
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
		var err error
		if w.bal != nil {
			err = w.bal.add(d)
		} else {
			err = w.add(RowOf(d))
		}
		if err != nil {
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
		if w.bal != nil && w.spoolOnly {
			if err := w.saveSpool(); err != nil {
				return nil, w.fail(fmt.Errorf("shard: saving the spool: %w", err))
			}
			w.stopEncoders()
			w.closed = true
			return []Info{}, nil
		}
		if w.bal != nil {
			if err := w.bal.finish(); err != nil {
				return nil, w.fail(fmt.Errorf("shard: %w", err))
			}
		}
		if w.cur != nil {
			if err := w.finishShard(); err != nil {
				return nil, w.fail(fmt.Errorf("shard: %w", err))
			}
		}
		w.stopEncoders()
		w.closed = true
	}
	return append([]Info{}, w.infos...), nil
}

// Abort removes every file this Writer created, temporary and finished, and
// makes the Writer unusable. It is meant for failed runs and may be called at
// any time, also after Close or after an error.
func (w *Writer) Abort() error {
	var errs []error
	w.stopEncoders()
	if w.bal != nil {
		errs = append(errs, w.bal.abort())
	}
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

// stopEncoders lets the encoder goroutines end once they have finished
// what they hold; row groups in flight are dropped.
func (w *Writer) stopEncoders() {
	if w.jobs != nil {
		close(w.jobs)
		w.jobs = nil
	}
	w.inflight, w.unknown = nil, nil
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
// extra uncompressed bytes were added: the compressed size of its known row
// groups, plus the rest (submitted but unknown, the open row group, extra)
// scaled by the compression ratio over every known row group (1.0 before
// the first), plus the previous shard's footer size. Integer arithmetic
// keeps it identical on every platform.
func (w *Writer) estimate(extra int64) int64 {
	c := w.cur
	pending := c.rawUnknown + c.buffered + extra
	if w.rawKnown > 0 {
		pending = mulDiv(pending, w.compKnown, w.rawKnown)
	}
	pending += w.footer // both terms are far below MaxInt64/2 unless saturated
	if pending < 0 || pending > math.MaxInt64-c.compKnown {
		return math.MaxInt64
	}
	return c.compKnown + pending
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
	if c := w.cur; c != nil && c.rows > 0 {
		overTokens := r.Tokens > w.maxTokens-c.tokens
		if !overTokens && w.estimate(size) > w.maxBytes && w.rawKnown == 0 {
			// The row would take the shard past MaxBytes, but the estimate
			// assumes no compression until a row group is known: encode
			// what there is now to measure the ratio, then decide.
			if err := w.drain(); err != nil {
				return err
			}
		}
		if overTokens || w.estimate(size) > w.maxBytes {
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
	c.open = append(c.open, r)
	c.rows++
	c.tokens += r.Tokens
	c.buffered += size
	switch {
	case c.rows >= w.maxRows || c.tokens >= w.maxTokens || w.estimate(0) >= w.maxBytes:
		return w.finishShard()
	case c.buffered >= w.rowGroupBytes:
		return w.submit()
	}
	return nil
}

// submit hands the open row group to the encoders. It waits for the oldest
// row group in flight first when Options.Encoders are busy, and folds the
// row group lookBehind places back into the estimate.
func (w *Writer) submit() error {
	c := w.cur
	if len(c.open) == 0 {
		return nil
	}
	for len(w.inflight) >= w.encoders {
		if err := w.writeOldest(); err != nil {
			return err
		}
	}
	if w.jobs == nil {
		w.jobs = make(chan *rowGroup, w.encoders)
		for range w.encoders {
			go w.encodeLoop(w.jobs)
		}
	}
	rg := &rowGroup{shard: c, rows: c.open, n: int64(len(c.open)), raw: c.buffered, done: make(chan struct{})}
	w.groups = append(w.groups, int64(len(c.open)))
	c.open, c.buffered = nil, 0
	c.rawUnknown += rg.raw
	w.inflight = append(w.inflight, rg)
	w.unknown = append(w.unknown, rg)
	w.submitted++
	w.jobs <- rg // never blocks: at most w.encoders row groups are in flight
	for len(w.unknown) > lookBehind {
		if err := w.know(); err != nil {
			return err
		}
	}
	return nil
}

// appendRow adds a row to the open shard without any size decision: the
// balanced mode decides shards and row groups (submit ends one).
func (w *Writer) appendRow(r Row) {
	c := w.cur
	c.open = append(c.open, r)
	c.rows++
	c.tokens += r.Tokens
	c.buffered += rawSize(&r)
}

// spoolRow adds a row to a spool (a Writer with no size limit), ending the
// row group after it when end is set or RowGroupBytes is reached.
func (w *Writer) spoolRow(r Row, raw int64, end bool) error {
	if w.cur == nil {
		if err := w.openShard(); err != nil {
			return err
		}
	}
	c := w.cur
	c.open = append(c.open, r)
	c.rows++
	c.tokens += r.Tokens
	c.buffered += raw
	if end || c.buffered >= w.rowGroupBytes {
		return w.submit()
	}
	return nil
}

// appendEncoded adds an encoded row group of rows rows and tokens tokens
// to the open shard, after the rows appended before it.
func (w *Writer) appendEncoded(e encoded, rows, tokens int64) error {
	if err := w.submit(); err != nil {
		return err
	}
	for len(w.inflight) >= w.encoders {
		if err := w.writeOldest(); err != nil {
			return err
		}
	}
	c := w.cur
	rg := &rowGroup{shard: c, enc: e, n: rows, comp: e.size(), done: make(chan struct{})}
	close(rg.done)
	w.inflight = append(w.inflight, rg)
	c.rows += rows
	c.tokens += tokens
	return nil
}

// know folds the oldest unknown row group's compressed size into the
// estimate.
func (w *Writer) know() error {
	rg := w.unknown[0]
	<-rg.done
	if rg.err != nil {
		return rg.err
	}
	w.unknown[0] = nil
	w.unknown = w.unknown[1:]
	w.rawKnown += rg.raw
	w.compKnown += rg.comp
	if c := rg.shard; c == w.cur {
		c.compKnown += rg.comp
		c.rawUnknown -= rg.raw
	}
	return nil
}

// writeOldest copies the oldest row group in flight into its shard file.
func (w *Writer) writeOldest() error {
	rg := w.inflight[0]
	<-rg.done
	if rg.err != nil {
		return rg.err
	}
	w.inflight[0] = nil
	w.inflight = w.inflight[1:]
	c := rg.shard
	before := c.size
	if err := c.asm.add(rg.enc); err != nil {
		return fmt.Errorf("writing %s: %w", c.name, err)
	}
	rg.enc = nil
	if p := w.progress; p != nil {
		p.Rows.Add(rg.n)
		p.Bytes.Add(int64(c.size - before))
	}
	return nil
}

// drain submits the open row group, writes every row group in flight and
// makes them all known.
func (w *Writer) drain() error {
	if w.cur != nil {
		if err := w.submit(); err != nil {
			return err
		}
	}
	for len(w.inflight) > 0 {
		if err := w.writeOldest(); err != nil {
			return err
		}
	}
	for len(w.unknown) > 0 {
		if err := w.know(); err != nil {
			return err
		}
	}
	return nil
}

// encodeLoop encodes the row groups of jobs until it is closed.
func (w *Writer) encodeLoop(jobs <-chan *rowGroup) {
	for rg := range jobs {
		rg.enc, rg.err = w.codec.encode(rg.rows)
		if rg.err == nil {
			rg.comp = rg.enc.size()
		}
		rg.rows = nil
		close(rg.done)
	}
}

// writerOptions are the parquet-go settings of every shard and row group.
// Text, meta and wakati get no min/max statistics: they would copy whole
// documents into page headers and the footer without helping any reader.
// Statistics of the other columns and the page index (column and offset
// indexes) are on.
func writerOptions(zstdLevel int) []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&pqzstd.Codec{Level: zstd.EncoderLevelFromZstd(zstdLevel)}),
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
	return fmt.Sprintf("%s-%05d%s", w.prefix, i, w.format.Ext())
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
	c.asm = w.codec.start(out)
	w.cur = c
	return nil
}

// finishShard flushes the last row group, writes the footer, syncs the file,
// renames it to its final name and records its Info.
func (w *Writer) finishShard() error {
	c := w.cur
	if err := w.drain(); err != nil {
		return err
	}
	beforeFooter := c.size
	if err := c.asm.close(); err != nil {
		return fmt.Errorf("writing %s: %w", c.name, err)
	}
	w.footer = int64(c.size - beforeFooter)
	if p := w.progress; p != nil {
		p.Bytes.Add(w.footer)
		defer p.Shards.Add(1)
	}
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
