package shard

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
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
//
// Without shuffle, row groups end by content: after a document whose hash
// falls below its share of the row group target (so about every
// RowGroupBytes), at twice the target, and at shard ends. That is a
// function of the documents alone, so a spool written in several parts
// (tasks) holds, away from the part boundaries, exactly the row groups of
// the shards, which are then copied without decoding.
type balancer struct {
	w       *Writer
	opts    Options // the spools' options
	world   int
	shuffle bool
	seed    uint64
	buckets int
	target  int64 // row group target of the shards
	dir     string
	parts   []*spoolPart // in order; one in a single run
	// row groups copied from the spool and re-encoded (writeInOrder)
	copied, reencoded int
}

// spoolPart is the spool of one run (or task): a Writer per bucket and what
// is kept of each document, in arrival order.
type spoolPart struct {
	spools []*Writer // by bucket; nil until its first document
	docs   []spoolDoc
	acc    int64 // bytes of the open row group (no shuffle)
	// after close (or as loaded from a saved part):
	closed bool
	files  []string  // by bucket, "" for none
	groups [][]int64 // by bucket, rows of each row group
}

// close closes the part's spool writers and records their files.
func (p *spoolPart) close(buckets int) error {
	if p.closed {
		return nil
	}
	p.files, p.groups = make([]string, buckets), make([][]int64, buckets)
	for i, s := range p.spools {
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
		p.files[i] = filepath.Join(s.dir, infos[0].File)
		p.groups[i] = s.groups
	}
	p.spools, p.closed = nil, true
	return nil
}

// spoolDoc is what the balancer keeps of a document: 24 bytes.
type spoolDoc struct {
	h      uint64 // shuffle order and row group ends
	tokens uint32
	raw    uint32 // rawSize: the weight when no document has tokens
	bucket uint32
}

func newBalancer(w *Writer, opts Options) (*balancer, error) {
	b := &balancer{w: w, world: max(opts.WorldSize, 1), shuffle: opts.Shuffle, seed: opts.Seed,
		buckets: 1, target: w.rowGroupBytes, dir: filepath.Join(w.dir, spoolDirName)}
	spool := Options{Dir: b.dir, MaxBytes: math.MaxInt64, RowGroupBytes: groupCap(b.target), Wakati: opts.Wakati,
		Encoders: opts.Encoders, ZstdLevel: opts.ZstdLevel, Format: opts.Format}
	if b.shuffle {
		b.buckets = opts.ShuffleBuckets
		if b.buckets == 0 {
			b.buckets = DefaultShuffleBuckets
		}
		// every bucket re-encodes its documents: small row groups, fast
		// compression; memory is buckets × row group
		spool.RowGroupBytes = min(b.target, 4<<20)
		spool.ZstdLevel = 1
	}
	b.opts = spool
	b.parts = []*spoolPart{{spools: make([]*Writer, b.buckets)}}
	return b, nil
}

// groupCap is where a content-defined row group ends at the latest.
func groupCap(target int64) int64 { return 2 * target }

// groupEnd reports whether a row group ends after a document of raw bytes
// with hash h, acc bytes (this one's included) into the group: with
// probability raw/target by the hash's low bits, or at groupCap.
func groupEnd(h uint64, raw, acc, target int64) bool {
	if acc >= groupCap(target) || raw >= target {
		return true
	}
	hi, lo := bits.Mul64(uint64(raw), 1<<32)
	p, _ := bits.Div64(hi, lo, uint64(target))
	return uint64(uint32(h)) < p
}

// add spools one document.
func (b *balancer) add(d *pipeline.Document) error {
	part := b.parts[len(b.parts)-1]
	r := RowOf(d)
	raw := rawSize(&r)
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], b.seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(d.Key))
	sd := spoolDoc{h: xxh3.HashSeed(append(buf[:], d.ID...), b.seed), tokens: clamp32(int64(d.Tokens)), raw: clamp32(raw)}
	end := false
	if b.shuffle {
		hi, _ := bits.Mul64(sd.h, uint64(b.buckets)) // monotone in h: buckets in hash order
		sd.bucket = uint32(hi)
	} else {
		part.acc += raw
		if end = groupEnd(sd.h, raw, part.acc, b.target); end {
			part.acc = 0
		}
	}
	s := part.spools[sd.bucket]
	if s == nil {
		if err := os.MkdirAll(b.dir, 0o755); err != nil {
			return err
		}
		o := b.opts
		o.Prefix = fmt.Sprintf("p%05d-b%05d", len(b.parts)-1, sd.bucket)
		var err error
		if s, err = NewWriter(o); err != nil {
			return err
		}
		part.spools[sd.bucket] = s
	}
	part.docs = append(part.docs, sd)
	return s.spoolRow(r, raw, end)
}

func clamp32(v int64) uint32 { return uint32(min(max(v, 0), math.MaxUint32)) }

// parts is the number of shards: the fewest multiple of the world size that
// keeps every shard within MaxBytes (by the encoded size encBytes),
// MaxTokens and MaxRows.
func (b *balancer) parts2(encBytes, tokens int64, docs int) int {
	w := b.w
	world := int64(b.world)
	per := func(total, limit int64) int64 {
		if limit <= 0 || limit == math.MaxInt64 || total <= 0 {
			return 1
		}
		return (total + world*limit - 1) / (world * limit)
	}
	k := max(per(encBytes, w.maxBytes), per(tokens, w.maxTokens), per(int64(docs), w.maxRows), 1)
	return int(min(k*world, math.MaxInt32))
}

// cut partitions the weights into k parts, or into more (by the world
// size) until no part has more rows than MaxRows, which is a limit, where
// MaxBytes and MaxTokens are targets.
func (b *balancer) cut(weights []uint32, k int) []int {
	for {
		cuts := Partition(weights, k)
		most := 0
		for i := 1; i < len(cuts); i++ {
			most = max(most, cuts[i]-cuts[i-1])
		}
		if int64(most) <= b.w.maxRows || k >= len(weights) {
			return cuts
		}
		k += b.world
	}
}

// newPart starts a new spool part: the documents added from now on are
// spooled as if by another task (tests use it to show that the shards do
// not depend on how the input was split).
func (b *balancer) newPart() {
	b.parts = append(b.parts, &spoolPart{spools: make([]*Writer, b.buckets)})
}

// spoolGroup is a row group of a spool, by global document positions.
type spoolGroup struct {
	first, end int // documents [first, end)
	part, j    int // part and row group index in its file
}

// finish closes the spools, cuts the documents into balanced shards and
// writes them through w, then removes the spool.
func (b *balancer) finish() error {
	files := make([][]string, len(b.parts)) // by part and bucket
	var docs []spoolDoc
	var groups []spoolGroup // bucket 0 without shuffle
	for t, part := range b.parts {
		if err := part.close(b.buckets); err != nil {
			return fmt.Errorf("spool part %d: %w", t, err)
		}
		files[t] = part.files
		if !b.shuffle {
			first := len(docs)
			for j, rows := range part.groups[0] {
				groups = append(groups, spoolGroup{first: first, end: first + int(rows), part: t, j: j})
				first += int(rows)
			}
			if first != len(docs)+len(part.docs) {
				return fmt.Errorf("spool part %d: %d rows in row groups, %d documents", t, first-len(docs), len(part.docs))
			}
		}
		docs = append(docs, part.docs...)
		part.docs = nil
	}
	n := len(docs)
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
			a, c := &docs[order[i]], &docs[order[j]]
			if a.h != c.h {
				return a.h < c.h
			}
			return order[i] < order[j]
		})
	}
	var tokens int64
	for _, d := range docs {
		tokens += int64(d.tokens)
	}
	weights := make([]uint32, n)
	for i, o := range order {
		if tokens > 0 {
			weights[i] = docs[o].tokens
		} else {
			weights[i] = docs[o].raw
		}
	}
	// the shard count rests on the encoded size of the dataset, estimated
	// from the documents alone: the spool's own size depends on how it was
	// split into parts (tasks), and so would the count
	encBytes, err := b.encodedBytes(docs, order, files, groups)
	if err != nil {
		return err
	}
	cuts := b.cut(weights, b.parts2(encBytes, tokens, n))
	weights = nil
	if p := b.w.progress; p != nil {
		p.PlannedRows.Store(int64(n))
		p.PlannedShards.Store(int64(len(cuts) - 1))
	}
	if b.shuffle {
		err = b.writeShuffled(docs, files, cuts)
	} else {
		err = b.writeInOrder(docs, files, groups, cuts)
	}
	if err != nil {
		return err
	}
	return os.RemoveAll(b.dir)
}

// sampleBytes is the raw size of the sample encodedBytes encodes.
const sampleBytes = 8 << 20

// encodedBytes estimates the encoded size of the dataset as a function of
// its documents alone, whatever parts the spool was written in: the
// documents that come first in the dataset's order (arrival; hash order
// with shuffle, a uniform sample) up to sampleBytes of raw size, in the
// shards' row groups, and their encoded bytes per raw byte scale the raw
// size of all.
func (b *balancer) encodedBytes(docs []spoolDoc, order []int32, files [][]string, groups []spoolGroup) (int64, error) {
	var total int64
	for _, d := range docs {
		total += int64(d.raw)
	}
	if b.shuffle {
		return b.shuffleBytes(docs, order, total, files)
	}
	return b.inOrderBytes(docs, total, files, groups)
}

// shuffleBytes is encodedBytes with shuffle: the sample is the first
// documents of the hash order, which the first buckets (hash ranges) hold,
// encoded in row groups of the shards' target size as writeShuffled cuts
// them.
func (b *balancer) shuffleBytes(docs []spoolDoc, order []int32, total int64, files [][]string) (int64, error) {
	var raw int64
	k := 0
	for k < len(order) && raw < sampleBytes {
		raw += int64(docs[order[k]].raw)
		k++
	}
	if raw == 0 {
		return 0, nil
	}
	sample := make([]Row, 0, k)
	for bucket := docs[order[0]].bucket; len(sample) < k; bucket++ {
		var members []int32 // the bucket's documents in arrival order: its rows' order
		for i, d := range docs {
			if d.bucket == bucket {
				members = append(members, int32(i))
			}
		}
		rows, err := bucketRows(files, int(bucket), len(members))
		if err != nil {
			return 0, err
		}
		for _, o := range order[len(sample):k] {
			if docs[o].bucket != bucket {
				break
			}
			i, _ := slices.BinarySearch(members, o)
			sample = append(sample, rows[i])
		}
	}
	var size, acc int64
	start := 0
	for i, o := range order[:k] {
		acc += int64(docs[o].raw)
		if acc < b.target && i+1 < k {
			continue
		}
		enc, err := b.w.codec.encode(sample[start : i+1])
		if err != nil {
			return 0, fmt.Errorf("encoding a sample of the spool: %w", err)
		}
		size += enc.size()
		start, acc = i+1, 0
	}
	return int64(float64(total) * float64(size) / float64(raw)), nil
}

// bucketRows reads the rows of one shuffle bucket from every part's spool,
// in arrival order, checking there are want of them.
func bucketRows(files [][]string, bucket, want int) ([]Row, error) {
	var rows []Row
	for t := range files {
		if files[t][bucket] == "" {
			continue
		}
		part, err := readRows(files[t][bucket])
		if err != nil {
			return nil, err
		}
		rows = append(rows, part...)
	}
	if len(rows) != want {
		return nil, fmt.Errorf("spool bucket %d: %d rows, %d written", bucket, len(rows), want)
	}
	return rows, nil
}

// inOrderBytes is encodedBytes without shuffle, where the spool holds
// the shards' own row groups (they end by content): the first row groups
// of the dataset up to sampleBytes, as the documents alone define them,
// are measured by their encoded size in the spool, and only one that a
// part boundary split in the spool is decoded and encoded again.
func (b *balancer) inOrderBytes(docs []spoolDoc, total int64, files [][]string, groups []spoolGroup) (int64, error) {
	opened := map[int]*spoolGroups{}
	open := func(t int) (*spoolGroups, error) {
		if g := opened[t]; g != nil {
			return g, nil
		}
		f, err := os.Open(files[t][0])
		if err != nil {
			return nil, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		g, err := openGroups(f, info.Size(), files[t][0], b.w.format)
		if err != nil {
			f.Close()
			return nil, err
		}
		opened[t] = g
		return g, nil
	}
	defer func() {
		for _, g := range opened {
			if c, ok := g.ra.(io.Closer); ok {
				c.Close()
			}
		}
	}()
	var size, raw, acc int64
	start := 0
	for i, d := range docs {
		acc += int64(d.raw)
		if !groupEnd(d.h, int64(d.raw), acc, b.target) && i+1 < len(docs) {
			continue
		}
		// the row group of documents [start, i+1)
		gi := sort.Search(len(groups), func(k int) bool { return groups[k].end > start })
		if g := groups[gi]; g.first == start && g.end == i+1 {
			sg, err := open(g.part)
			if err != nil {
				return 0, err
			}
			enc, err := sg.encoded(g.j)
			if err != nil {
				return 0, err
			}
			size += enc.size()
		} else {
			var rows []Row
			for p := start; p < i+1; gi++ {
				g := groups[gi]
				sg, err := open(g.part)
				if err != nil {
					return 0, err
				}
				grows, err := sg.rows(g.j)
				if err != nil {
					return 0, err
				}
				for ; p < i+1 && p < g.end; p++ {
					rows = append(rows, grows[p-g.first])
				}
			}
			enc, err := b.w.codec.encode(rows)
			if err != nil {
				return 0, fmt.Errorf("encoding a sample of the spool: %w", err)
			}
			size += enc.size()
		}
		raw += acc
		start, acc = i+1, 0
		if raw >= sampleBytes {
			break
		}
	}
	if raw == 0 {
		return 0, nil
	}
	return int64(float64(total) * float64(size) / float64(raw)), nil
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

// writeInOrder writes the spooled documents in arrival order. Row groups
// end by content (groupEnd) and at shard ends; one that is a spool's row
// group is copied as encoded, any other (at a cut or a part boundary) is
// decoded from the spool and re-encoded.
func (b *balancer) writeInOrder(docs []spoolDoc, files [][]string, groups []spoolGroup, cuts []int) error {
	c := &cutter{w: b.w, cuts: cuts}
	opened := make([]*spoolGroups, len(files))
	for t := range files {
		if files[t][0] == "" {
			continue
		}
		f, err := os.Open(files[t][0])
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		if opened[t], err = openGroups(f, info.Size(), files[t][0], b.w.format); err != nil {
			return err
		}
		if got, want := opened[t].count(), len(b.parts[t].groups[0]); got != want {
			return fmt.Errorf("spool %s: %d row groups, %d listed", files[t][0], got, want)
		}
	}
	byFirst := make(map[int]int, len(groups)) // first document -> groups index
	for i, g := range groups {
		byFirst[g.first] = i
	}
	cached, cachedRows := -1, []Row(nil)
	decode := func(gi int) ([]Row, error) {
		if gi != cached {
			g := groups[gi]
			rows, err := opened[g.part].rows(g.j)
			if err != nil {
				return nil, err
			}
			if len(rows) != g.end-g.first {
				return nil, fmt.Errorf("spool %s: row group %d has %d rows, %d written", files[g.part][0], g.j, len(rows), g.end-g.first)
			}
			cached, cachedRows = gi, rows
		}
		return cachedRows, nil
	}
	// emit writes the row group of documents [a, e)
	emit := func(a, e int) error {
		if err := c.at(a); err != nil {
			return err
		}
		if gi, ok := byFirst[a]; ok && groups[gi].end == e {
			g := groups[gi]
			var tok int64
			for _, d := range docs[a:e] {
				tok += int64(d.tokens)
			}
			enc, err := opened[g.part].encoded(g.j)
			if err != nil {
				return err
			}
			b.copied++
			return b.w.appendEncoded(enc, int64(e-a), tok)
		}
		b.reencoded++
		gi := sort.Search(len(groups), func(i int) bool { return groups[i].end > a })
		for p := a; p < e; {
			rows, err := decode(gi)
			if err != nil {
				return err
			}
			g := groups[gi]
			for ; p < e && p < g.end; p++ {
				b.w.appendRow(rows[p-g.first])
			}
			gi++
		}
		return b.w.submit()
	}
	start := 0
	var acc int64
	next := 1 // the cut after the current shard
	for i, d := range docs {
		for i >= cuts[next] {
			next++
		}
		acc += int64(d.raw)
		if i+1 == cuts[next] || groupEnd(d.h, int64(d.raw), acc, b.target) {
			if err := emit(start, i+1); err != nil {
				return err
			}
			start, acc = i+1, 0
		}
	}
	return c.end()
}

// writeShuffled writes the documents in hash order, one bucket at a time,
// row groups ending at RowGroupBytes from each shard's start.
func (b *balancer) writeShuffled(docs []spoolDoc, files [][]string, cuts []int) error {
	c := &cutter{w: b.w, cuts: cuts}
	members := make([][]int32, b.buckets) // per bucket, arrival indexes
	for i, d := range docs {
		members[d.bucket] = append(members[d.bucket], int32(i))
	}
	pos := 0
	var acc int64
	for bucket := range b.buckets {
		m := members[bucket]
		if len(m) == 0 {
			continue
		}
		rows, err := bucketRows(files, bucket, len(m))
		if err != nil {
			return err
		}
		local := make([]int32, len(m))
		for i := range local {
			local[i] = int32(i)
		}
		sort.Slice(local, func(i, j int) bool {
			a, d := docs[m[local[i]]].h, docs[m[local[j]]].h
			if a != d {
				return a < d
			}
			return local[i] < local[j]
		})
		for _, l := range local {
			before := b.w.cur
			if err := c.at(pos); err != nil {
				return err
			}
			if b.w.cur != before {
				acc = 0
			}
			b.w.appendRow(rows[l])
			acc += int64(docs[m[l]].raw)
			if acc >= b.target {
				if err := b.w.submit(); err != nil {
					return err
				}
				acc = 0
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
	return r.readAll()
}

// readAll reads the rows left in r.
func (r *Reader) readAll() ([]Row, error) {
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
	for _, p := range b.parts {
		for _, s := range p.spools {
			if s != nil {
				errs = append(errs, s.Abort())
			}
		}
	}
	// saved parts loaded by Assemble belong to the caller and stay
	if b.dir == b.w.dir { // SpoolOnly: the directory is the caller's
		for _, name := range []string{SpoolFile, SpoolFile + ".tmp", spoolDocsFile, spoolDocsFile + ".tmp"} {
			if err := os.Remove(filepath.Join(b.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
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
	return r.readAll()
}
