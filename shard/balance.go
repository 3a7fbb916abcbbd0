package shard

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sort"

	"github.com/parquet-go/parquet-go"
	"github.com/zeebo/xxh3"

	"github.com/jacorpus/jacorpus/pipeline"
)

// spoolDirName is the hidden directory of a balanced Writer's spool inside
// its output directory; it is removed by Close and Abort (and, after a
// killed run, with the staging directory of package commit).
const spoolDirName = ".jacorpus-spool"

// balancer is the balanced mode of a Writer (Options.WorldSize,
// Options.Shuffle): documents are spooled as encoded row groups, one spool
// file per shuffle bucket (one without shuffle); Close decides the number
// of shards and the cuts (Partition) and writes the shards from the spool.
type balancer struct {
	w       *Writer
	opts    Options // the spools' options
	world   int
	shuffle bool
	seed    uint64
	buckets int
	dir     string
	spools  []*Writer  // by bucket; nil until its first document
	docs    []spoolDoc // every document, in arrival order
	one     []*pipeline.Document
}

// spoolDoc is what the balancer keeps of a document: 24 bytes.
type spoolDoc struct {
	h      uint64 // shuffle order
	tokens uint32
	bytes  uint32 // text bytes: the weight when no document has tokens
	bucket uint32
}

func newBalancer(w *Writer, opts Options) (*balancer, error) {
	b := &balancer{w: w, world: max(opts.WorldSize, 1), shuffle: opts.Shuffle, seed: opts.Seed,
		buckets: 1, dir: filepath.Join(w.dir, spoolDirName)}
	spool := Options{Dir: b.dir, MaxBytes: math.MaxInt64, RowGroupBytes: w.rowGroupBytes, Wakati: opts.Wakati,
		Encoders: opts.Encoders, ZstdLevel: opts.ZstdLevel, Format: opts.Format}
	if b.shuffle {
		b.buckets = opts.ShuffleBuckets
		if b.buckets == 0 {
			b.buckets = DefaultShuffleBuckets
		}
		// every bucket re-encodes its documents: small row groups, fast
		// compression; memory is buckets × row group
		spool.RowGroupBytes = min(w.rowGroupBytes, 4<<20)
		spool.ZstdLevel = 1
	}
	b.opts = spool
	b.spools = make([]*Writer, b.buckets)
	b.one = make([]*pipeline.Document, 1)
	return b, nil
}

// add spools one document.
func (b *balancer) add(d *pipeline.Document) error {
	sd := spoolDoc{tokens: clamp32(int64(d.Tokens)), bytes: clamp32(int64(len(d.Text)))}
	if b.shuffle {
		var buf [16]byte
		binary.LittleEndian.PutUint64(buf[:8], b.seed)
		binary.LittleEndian.PutUint64(buf[8:], uint64(d.Key))
		sd.h = xxh3.HashSeed(append(buf[:], d.ID...), b.seed)
		hi, _ := bits.Mul64(sd.h, uint64(b.buckets)) // monotone in h: buckets in hash order
		sd.bucket = uint32(hi)
	}
	s := b.spools[sd.bucket]
	if s == nil {
		if len(b.docs) == 0 {
			if err := os.Mkdir(b.dir, 0o755); err != nil {
				return err
			}
		}
		o := b.opts
		o.Prefix = fmt.Sprintf("b%05d", sd.bucket)
		var err error
		if s, err = NewWriter(o); err != nil {
			return err
		}
		b.spools[sd.bucket] = s
	}
	b.docs = append(b.docs, sd)
	b.one[0] = d
	err := s.Write(b.one)
	b.one[0] = nil
	return err
}

func clamp32(v int64) uint32 { return uint32(min(max(v, 0), math.MaxUint32)) }

// parts is the number of shards: the fewest multiple of the world size that
// keeps every shard within MaxBytes (by the spool's size), MaxTokens and
// MaxRows.
func (b *balancer) parts(spoolBytes, tokens int64) int {
	w := b.w
	world := int64(b.world)
	per := func(total, limit int64) int64 {
		if limit <= 0 || limit == math.MaxInt64 || total <= 0 {
			return 1
		}
		return (total + world*limit - 1) / (world * limit)
	}
	k := max(per(spoolBytes, w.maxBytes), per(tokens, w.maxTokens), per(int64(len(b.docs)), w.maxRows), 1)
	return int(min(k*world, math.MaxInt32))
}

// finish closes the spools, cuts the documents into balanced shards and
// writes them through w, then removes the spool.
func (b *balancer) finish() error {
	files := make([]string, b.buckets)
	var spoolBytes int64
	for i, s := range b.spools {
		if s == nil {
			continue
		}
		infos, err := s.Close()
		if err != nil {
			return err
		}
		if len(infos) != 1 {
			return fmt.Errorf("spool bucket %d: %d files", i, len(infos))
		}
		files[i] = filepath.Join(b.dir, infos[0].File)
		spoolBytes += infos[0].Bytes
	}
	n := len(b.docs)
	if n == 0 { // no document, no shard (as without balancing)
		return os.RemoveAll(b.dir)
	}
	// the order of the dataset: arrival, or by hash (buckets are hash
	// ranges, so bucket by bucket), ties by arrival
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	if b.shuffle {
		sort.Slice(order, func(i, j int) bool {
			a, c := &b.docs[order[i]], &b.docs[order[j]]
			if a.h != c.h {
				return a.h < c.h
			}
			return order[i] < order[j]
		})
	}
	var tokens int64
	for _, d := range b.docs {
		tokens += int64(d.tokens)
	}
	weights := make([]uint32, n)
	for i, o := range order {
		if tokens > 0 {
			weights[i] = b.docs[o].tokens
		} else {
			weights[i] = b.docs[o].bytes
		}
	}
	parts := b.parts(spoolBytes, tokens)
	cuts := Partition(weights, parts)
	weights = nil
	var err error
	if b.shuffle {
		err = b.writeShuffled(files, cuts)
	} else {
		err = b.writeInOrder(files[0], cuts)
	}
	if err != nil {
		return err
	}
	b.docs = nil
	return os.RemoveAll(b.dir)
}

// cutter opens and finishes shards at the cuts as the documents go by.
type cutter struct {
	w    *Writer
	cuts []int
	next int // the shard to open next
}

// at makes sure the shard that holds document position p is open.
func (c *cutter) at(p int) error {
	for c.w.cur == nil || p >= c.cuts[c.next] {
		if c.w.cur != nil {
			if err := c.w.finishShard(); err != nil {
				return err
			}
		}
		if c.next == len(c.cuts)-1 {
			return nil // past the last shard: only when finishing
		}
		if err := c.w.openShard(); err != nil {
			return err
		}
		c.next++
	}
	return nil
}

// end finishes the open shard and writes the remaining (empty) ones.
func (c *cutter) end() error {
	return c.at(c.cuts[len(c.cuts)-1] + 1)
}

// writeInOrder writes the spooled documents in arrival order: a row group
// inside one shard is copied as encoded; one that a cut splits is decoded
// and its rows re-encoded on both sides.
func (b *balancer) writeInOrder(file string, cuts []int) error {
	c := &cutter{w: b.w, cuts: cuts, next: 0}
	if file == "" { // no document: empty shards
		return c.end()
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	g, err := openGroups(f, info.Size(), file, b.w.format)
	if err != nil {
		return err
	}
	rows := b.spools[0].groups
	if len(rows) != g.count() {
		return fmt.Errorf("spool %s: %d row groups, %d written", file, g.count(), len(rows))
	}
	first := 0
	for j, nrows := range rows {
		last := first + int(nrows) // documents [first, last)
		if err := c.at(first); err != nil {
			return err
		}
		if end := cuts[c.next]; last <= end {
			var tok int64
			for _, d := range b.docs[first:last] {
				tok += int64(d.tokens)
			}
			e, err := g.encoded(j)
			if err != nil {
				return err
			}
			if err := b.w.appendEncoded(e, nrows, tok); err != nil {
				return err
			}
		} else {
			decoded, err := g.rows(j)
			if err != nil {
				return err
			}
			if len(decoded) != int(nrows) {
				return fmt.Errorf("spool %s: row group %d has %d rows, %d written", file, j, len(decoded), nrows)
			}
			for i := range decoded {
				if err := c.at(first + i); err != nil {
					return err
				}
				if err := b.w.appendRow(decoded[i]); err != nil {
					return err
				}
			}
		}
		first = last
	}
	return c.end()
}

// writeShuffled writes the documents in hash order, one bucket at a time.
func (b *balancer) writeShuffled(files []string, cuts []int) error {
	c := &cutter{w: b.w, cuts: cuts, next: 0}
	var members [][]int32 // per bucket, arrival indexes
	members = make([][]int32, b.buckets)
	for i, d := range b.docs {
		members[d.bucket] = append(members[d.bucket], int32(i))
	}
	pos := 0
	for bucket, file := range files {
		if file == "" {
			continue
		}
		rows, err := readRows(file)
		if err != nil {
			return err
		}
		m := members[bucket]
		if len(rows) != len(m) {
			return fmt.Errorf("spool %s: %d rows, %d written", file, len(rows), len(m))
		}
		local := make([]int32, len(m))
		for i := range local {
			local[i] = int32(i)
		}
		sort.Slice(local, func(i, j int) bool {
			a, d := b.docs[m[local[i]]].h, b.docs[m[local[j]]].h
			if a != d {
				return a < d
			}
			return local[i] < local[j]
		})
		for _, l := range local {
			if err := c.at(pos); err != nil {
				return err
			}
			if err := b.w.appendRow(rows[l]); err != nil {
				return err
			}
			rows[l] = Row{}
			pos++
		}
	}
	return c.end()
}

// readRows reads every row of a shard file.
func readRows(path string) ([]Row, error) {
	r, err := OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []Row
	buf := make([]Row, 256)
	for {
		k, err := r.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// abort removes the spool.
func (b *balancer) abort() error {
	var errs []error
	for _, s := range b.spools {
		if s != nil {
			errs = append(errs, s.Abort())
		}
	}
	errs = append(errs, os.RemoveAll(b.dir))
	return errors.Join(errs...)
}

// spoolGroups gives access to the row groups of a spool file, encoded (to
// copy) or decoded (to split).
type spoolGroups struct {
	name   string
	format Format
	pf     *parquet.File
	ra     io.ReaderAt
	starts []int64 // Arrow: message offsets, the schema first, the end last
	prefix []byte  // Arrow: the schema message
}

func openGroups(ra io.ReaderAt, size int64, name string, format Format) (*spoolGroups, error) {
	g := &spoolGroups{name: name, format: format, ra: ra}
	var err error
	if format == FormatParquet {
		g.pf, err = openParquet(ra, size)
	} else if g.starts, err = arrowMessages(ra, size); err == nil {
		if len(g.starts) < 2 {
			err = errors.New("no schema message")
		} else {
			g.prefix = make([]byte, g.starts[1])
			_, err = ra.ReadAt(g.prefix, 0)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", name, err)
	}
	return g, nil
}

func (g *spoolGroups) count() int {
	if g.pf != nil {
		return len(g.pf.RowGroups())
	}
	return len(g.starts) - 2
}

// encoded returns row group j as an encoded group to copy.
func (g *spoolGroups) encoded(j int) (encoded, error) {
	if g.pf != nil {
		rg := g.pf.RowGroups()[j]
		var comp int64
		for _, col := range g.pf.Metadata().RowGroups[j].Columns {
			comp += col.MetaData.TotalCompressedSize
		}
		return &parquetGroup{rg: rg, comp: comp}, nil
	}
	msg := make([]byte, g.starts[j+2]-g.starts[j+1])
	if _, err := g.ra.ReadAt(msg, g.starts[j+1]); err != nil {
		return nil, fmt.Errorf("spool %s: %w", g.name, err)
	}
	return arrowGroup(msg), nil
}

// rows decodes row group j.
func (g *spoolGroups) rows(j int) (out []Row, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("spool %s: row group %d: %v", g.name, j, v)
		}
	}()
	if g.pf != nil {
		rg := g.pf.RowGroups()[j]
		r := parquet.NewGenericRowGroupReader[WakatiRow](rg)
		defer r.Close()
		buf := make([]WakatiRow, rg.NumRows())
		n, err := r.Read(buf)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("spool %s: row group %d: %w", g.name, j, err)
		}
		out = make([]Row, n)
		for i, w := range buf[:n] {
			out[i] = Row{ID: w.ID, Text: w.Text, Source: w.Source, URL: w.URL, Meta: w.Meta, Tokens: w.Tokens, Wakati: w.Wakati}
		}
		return out, nil
	}
	e, err := g.encoded(j)
	if err != nil {
		return nil, err
	}
	stream := append(append(append([]byte(nil), g.prefix...), e.(arrowGroup)...), arrowEOS...)
	r, err := newReader(bytes.NewReader(stream), int64(len(stream)), g.name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := make([]Row, 256)
	for {
		k, err := r.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
