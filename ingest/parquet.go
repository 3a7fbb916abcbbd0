package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/valyala/fastjson"

	"github.com/jacorpus/jacorpus/pipeline"
)

// defaultMetaColumn is the column whose JSON object values are merged into
// Document.Meta: the meta column of a jacorpus shard (shard.Row.Meta).
const defaultMetaColumn = "meta"

// Parquet reads documents from one Parquet file: one document per row, the
// text from the column Input.TextField (default "text"), the id and URL from
// Input.IDField and Input.URLField (default "id" and "url"; either may be
// missing from the file), and Input.MetaFields into Document.Meta: strings
// as they are, numbers and booleans formatted (DATE as 2006-01-02,
// TIMESTAMP as RFC 3339 in UTC), nulls skipped. A column named "meta" is
// merged into Meta key by key, whether listed in MetaFields or not, when it
// is a string column holding a JSON object (as in a jacorpus shard, see
// shard.Row; values as in JSONL meta fields) or a Parquet MAP with string
// keys and scalar values (formatted as above); keys already set by meta
// fields win. A value of a string "meta" column that is not a JSON object
// is kept under the key "meta" when "meta" is listed. Columns are looked up
// by their top-level name; the text and the listed meta fields must be flat
// columns (required or optional, not lists, maps or groups), an id, url or
// unlisted meta column that is not flat is ignored, and a meta field
// missing from the file is skipped.
//
// The file is read row group by row group, page by page, and only the
// columns named above: memory is bounded by a few decompressed pages per
// column, whatever the size of the file or of its row groups. It needs
// random access (the footer is at the end), so it reads an io.ReaderAt, the
// file as stored: Parquet compresses inside the file (snappy, zstd, gzip,
// ... per page), and a gzip- or zstd-wrapped .parquet file is reported as
// such.
//
// Positions: Pos.Line is the row number within the whole file, from 1 (so
// "train.parquet:17" is the 17th row whatever row group range is read);
// Pos.Offset is -1, a columnar row having no byte offset. Each row gives
// exactly one record, a document or a *pipeline.Problem: a null text
// (pipeline.ProblemMissingText), an empty or blank text
// (pipeline.ProblemEmpty) or invalid UTF-8 (pipeline.ProblemInvalidUTF8).
// A file that cannot be used as a whole gives one Problem and then io.EOF:
// not Parquet or a truncated footer (pipeline.ProblemReadError at offset
// 0, or pipeline.ProblemTruncated when the file ends early), a missing text
// column (pipeline.ProblemMissingText naming the column and listing the
// columns present) or one of an unusable type. A page that cannot be read
// or decoded ends its row group with one pipeline.ProblemTruncated located at
// the first row not read; reading goes on with the next row group. A panic
// of the Parquet library on corrupt data is recovered into such a Problem.
// Through a Source, record ordinals (pipeline.Key) are the rows' indexes in
// the file; after a row group broke off they fall behind (one record for
// its skipped rows), still unique and in order.
type Parquet struct {
	file   string
	source string
	r      io.ReaderAt
	f      *parquet.File
	cols   []*pqColumn // text, id, url (nil when absent), then meta columns
	mapped *pqMap      // the meta column as a Parquet MAP, nil when not
	kvs    [][2]string // the entries of mapped in the current row
	groups []parquet.RowGroup
	lo     int   // index in the file of groups[0]
	g      int   // index in groups of the current row group
	left   int64 // rows of the current row group not read yet; -1 before it is opened
	row    int64 // 0-based row index in the file of the next row
	first  int64 // row index of the first row of the range
	size   int64 // of the file
	fail   *pipeline.Problem
	done   bool
	p      fastjson.Parser
}

// pqColumn is one column being read.
type pqColumn struct {
	name     string
	index    int // leaf column index
	kind     parquet.Kind
	lt       *format.LogicalType
	asMeta   bool // a meta field: copied under name
	merge    bool // the meta column: a JSON object merged into Meta
	repeated bool // a leaf of a MAP: values of one row follow at repetition level 1
	vr       parquet.ColumnChunkValueReader
	buf      []parquet.Value
	n, i     int
}

// pqBatch is the number of values read from a column at a time.
const pqBatch = 64

// Indexes of the fixed columns in Parquet.cols.
const (
	pqText = iota
	pqID
	pqURL
)

// NewParquet returns a reader of the Parquet file r of size bytes; file
// names it in positions and ids, in supplies the column names and the source
// name. groups selects the row groups [groups[0], groups[1]) to read; the
// zero value reads them all (see File.RowGroups). The footer is read now;
// if it is unusable, the first call of Next returns the Problem.
func NewParquet(r io.ReaderAt, size int64, file string, in Input, groups [2]int) *Parquet {
	p := &Parquet{file: file, source: orDefault(in.Source, file), r: r, left: -1, size: size}
	if err := p.open(size, in, groups); err != nil {
		p.fail = err
	}
	return p
}

// FirstRow returns the row index in the file (from 0) of the first row that
// Next reads: 0 unless a row group range not starting at 0 was asked for.
func (p *Parquet) FirstRow() int64 { return p.first }

// open reads the footer, finds the columns and selects the row groups.
func (p *Parquet) open(size int64, in Input, groups [2]int) (prob *pipeline.Problem) {
	at0 := pipeline.Position{File: p.file, Offset: 0}
	defer func() {
		if v := recover(); v != nil {
			prob = newProblem(pipeline.ProblemReadError, at0, fmt.Sprintf("corrupt Parquet footer (the Parquet reader panicked: %v)", v), nil)
		}
	}()
	if err := checkParquetEnds(p.r, size); err != nil {
		kind := pipeline.ProblemReadError
		if errors.Is(err, errParquetTruncated) {
			kind = pipeline.ProblemTruncated
		}
		return newProblem(kind, at0, err.Error(), nil)
	}
	f, err := parquet.OpenFile(p.r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(64<<10))
	if err != nil {
		return newProblem(pipeline.ProblemReadError, at0, "not a readable Parquet file: "+errDetail(err), nil)
	}
	p.f = f
	all := f.RowGroups()
	lo, hi := groups[0], groups[1]
	if lo == 0 && hi == 0 {
		hi = len(all)
	}
	if lo < 0 || hi < lo || hi > len(all) {
		return newProblem(pipeline.ProblemReadError, at0, fmt.Sprintf("row groups [%d, %d) asked for, the file has %d", lo, hi, len(all)), nil)
	}
	for _, g := range all[:lo] {
		p.first += g.NumRows()
	}
	p.row = p.first
	p.lo, p.groups = lo, all[lo:hi]

	text := orDefault(in.TextField, defaultTextField)
	c, prob := p.column(text, roleText)
	if prob != nil {
		return prob
	}
	if c == nil {
		return newProblem(pipeline.ProblemMissingText, at0,
			fmt.Sprintf("no column %q (columns: %s); set text_field", text, strings.Join(topColumns(f), ", ")), nil)
	}
	p.cols = append(p.cols, c)
	for _, name := range []string{orDefault(in.IDField, defaultIDField), orDefault(in.URLField, defaultURLField)} {
		c, _ := p.column(name, roleOther)
		p.cols = append(p.cols, c)
	}
	seen := map[string]bool{}
	for _, name := range append(append([]string(nil), in.MetaFields...), defaultMetaColumn) {
		if seen[name] {
			continue
		}
		seen[name] = true
		role := roleOther
		if slices.Contains(in.MetaFields, name) {
			role = roleListed
		}
		if name == defaultMetaColumn {
			if p.mapped = mapColumn(f.Root().Column(name)); p.mapped != nil {
				continue
			}
		}
		c, prob := p.column(name, role)
		if prob != nil {
			return prob
		}
		if c == nil {
			continue
		}
		c.asMeta = role == roleListed
		if name == defaultMetaColumn {
			c.merge = c.kind == parquet.ByteArray
			if !c.merge && !c.asMeta {
				continue // an unlisted meta column of another type
			}
		}
		p.cols = append(p.cols, c)
	}
	return nil
}

// Column roles for Parquet.column.
const (
	roleText   = iota // the text: a flat string column
	roleListed        // a meta field: a flat column
	roleOther         // id, url, an unlisted meta column: skipped unless flat
)

// column finds the top-level column name: nil when absent (or, for
// roleOther, not flat), a Problem when it does not fit its role.
func (p *Parquet) column(name string, role int) (*pqColumn, *pipeline.Problem) {
	text := role == roleText
	col := p.f.Root().Column(name)
	if col == nil {
		return nil, nil
	}
	at0 := pipeline.Position{File: p.file, Offset: 0}
	if !col.Leaf() || col.MaxRepetitionLevel() > 0 {
		if role == roleOther {
			return nil, nil
		}
		kind := pipeline.ProblemReadError
		if text {
			kind = pipeline.ProblemMissingText
		}
		return nil, newProblem(kind, at0, fmt.Sprintf("column %q is a list or a group, not a flat column (text_field and meta_fields name flat columns): %s", name, strings.Join(strings.Fields(col.String()), " ")), nil)
	}
	t := col.Type()
	c := &pqColumn{name: name, index: col.Index(), kind: t.Kind(), lt: t.LogicalType(), buf: make([]parquet.Value, pqBatch)}
	if text && c.kind != parquet.ByteArray {
		return nil, newProblem(pipeline.ProblemMissingText, at0, fmt.Sprintf("column %q is %s, not a string (BYTE_ARRAY)", name, typeString(t)), nil)
	}
	return c, nil
}

// typeString names a Parquet type for messages.
func typeString(t parquet.Type) string {
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		return t.Kind().String() + " (" + lt.String() + ")"
	}
	return t.Kind().String()
}

// topColumns lists the top-level column names of f.
func topColumns(f *parquet.File) []string {
	var names []string
	for _, c := range f.Root().Columns() {
		names = append(names, strconv.Quote(c.Name()))
	}
	return names
}

var errParquetTruncated = errors.New("truncated")

// checkParquetEnds checks the magic bytes at both ends and that the footer
// length fits the file, before the Parquet library allocates the footer.
func checkParquetEnds(r io.ReaderAt, size int64) error {
	var head [4]byte
	if size == 0 {
		return errors.New("empty file, not Parquet")
	}
	n, _ := r.ReadAt(head[:], 0)
	if hint := compressedHint(head[:n]); hint != "" {
		return fmt.Errorf("not Parquet: the file is %s-compressed (Parquet compresses inside the file: decompress it first)", hint)
	}
	if n < 4 || string(head[:]) != "PAR1" {
		return fmt.Errorf("not Parquet: the file does not start with the magic bytes PAR1 (starts with %q)", head[:n])
	}
	if size < 12 {
		return fmt.Errorf("%w Parquet file: %d bytes, not even a footer", errParquetTruncated, size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil && err != io.EOF {
		return fmt.Errorf("reading the footer: %s", errDetail(err))
	}
	if string(tail[4:]) != "PAR1" {
		return fmt.Errorf("%w Parquet file: no PAR1 magic at its end (file of %d bytes cut short?)", errParquetTruncated, size)
	}
	if fl := int64(binary.LittleEndian.Uint32(tail[:4])); fl > size-12 {
		return fmt.Errorf("%w Parquet file: footer of %d bytes does not fit the file of %d bytes", errParquetTruncated, fl, size)
	}
	return nil
}

// compressedHint names the codec of a gzip or zstd wrapped file.
func compressedHint(head []byte) string {
	switch {
	case len(head) >= 2 && head[0] == magicGzip[0] && head[1] == magicGzip[1]:
		return codecGzip
	case len(head) >= 4 && string(head[:4]) == string(magicZstd):
		return codecZstd
	}
	return ""
}

// Next returns the next document, io.EOF after the last row, or a
// *pipeline.Problem for a row or a file that gave no document (call Next
// again to go on).
func (p *Parquet) Next() (d *pipeline.Document, err error) {
	if p.fail != nil {
		err, p.fail, p.done = p.fail, nil, true
		p.closeColumns()
		return nil, err
	}
	if p.done {
		return nil, io.EOF
	}
	defer func() {
		if v := recover(); v != nil {
			d, err = nil, p.breakGroup(fmt.Sprintf("the Parquet reader panicked: %v", v))
		}
	}()
	for p.left <= 0 {
		if p.left == 0 {
			p.closeColumns()
			p.g++
		}
		if p.g >= len(p.groups) {
			p.done = true
			return nil, io.EOF
		}
		g := p.groups[p.g]
		p.left = g.NumRows()
		if p.left < 0 {
			p.left = 0
		}
		chunks := g.ColumnChunks()
		for _, c := range p.readers() {
			if c == nil {
				continue
			}
			if c.index >= len(chunks) {
				return nil, p.breakGroup(fmt.Sprintf("row group has %d column chunks, column %q is %d", len(chunks), c.name, c.index))
			}
			if err := p.checkChunk(p.lo+p.g, c.index); err != nil {
				return nil, p.breakGroup(fmt.Sprintf("column %q: %v", c.name, err))
			}
			c.vr = parquet.NewColumnChunkValueReader(chunks[c.index])
			c.n, c.i = 0, 0
		}
	}
	return p.readRow()
}

// readRow reads the next row of the current row group.
func (p *Parquet) readRow() (*pipeline.Document, error) {
	pos := pipeline.Position{File: p.file, Line: p.row + 1, Offset: -1}
	var vals [3]parquet.Value
	for k, c := range p.cols {
		if c == nil {
			continue
		}
		v, err := c.next()
		if err != nil {
			return nil, p.breakGroup(fmt.Sprintf("column %q: %s", c.name, errDetail(err)))
		}
		if k < len(vals) {
			vals[k] = v
		} // a meta column's value stays at c.buf[c.i-1] until the row is built
	}
	if p.mapped != nil {
		var err error
		if p.kvs, err = p.mapped.row(p.kvs[:0]); err != nil {
			return nil, p.breakGroup(fmt.Sprintf("column %q: %s", defaultMetaColumn, errDetail(err)))
		}
	}
	p.row++
	p.left--
	text := p.cols[pqText]
	tv := vals[pqText]
	if tv.IsNull() {
		return nil, newProblem(pipeline.ProblemMissingText, pos, fmt.Sprintf("column %q is null", text.name), nil)
	}
	tb := tv.ByteArray()
	if i := invalidUTF8Index(tb); i >= 0 {
		return nil, newProblem(pipeline.ProblemInvalidUTF8, pos, fmt.Sprintf("invalid UTF-8 at byte %d of column %q", i, text.name), tb)
	}
	if isBlank(tb) {
		return nil, newProblem(pipeline.ProblemEmpty, pos, fmt.Sprintf("column %q is empty or white space", text.name), nil)
	}
	d := &pipeline.Document{Source: p.source, Pos: pos, Text: string(tb)}
	if c := p.cols[pqID]; c != nil && !vals[pqID].IsNull() {
		d.ID, _ = c.format(vals[pqID])
	}
	if d.ID == "" {
		d.ID = pos.String()
	}
	if c := p.cols[pqURL]; c != nil && !vals[pqURL].IsNull() && c.kind == parquet.ByteArray {
		if b := vals[pqURL].ByteArray(); utf8.Valid(b) {
			d.URL = string(b)
		}
	}
	for _, c := range p.cols[pqURL+1:] {
		v := c.buf[c.i-1]
		if v.IsNull() {
			continue
		}
		if c.merge && p.mergeMeta(d, v.ByteArray()) {
			continue
		}
		if !c.asMeta {
			continue
		}
		if s, ok := c.format(v); ok {
			if d.Meta == nil {
				d.Meta = map[string]string{}
			}
			d.Meta[c.name] = s
		}
	}
	for _, kv := range p.kvs {
		if d.Meta == nil {
			d.Meta = make(map[string]string, len(p.kvs))
		}
		if _, ok := d.Meta[kv[0]]; !ok {
			d.Meta[kv[0]] = kv[1]
		}
	}
	return d, nil
}

// readers returns the columns read: p.cols and the leaves of p.mapped.
func (p *Parquet) readers() []*pqColumn {
	if p.mapped == nil {
		return p.cols
	}
	return append(slices.Clip(p.cols), p.mapped.key, p.mapped.val)
}

// pqMap is a MAP column of string keys: its key and value leaves, read
// in step (see Parquet: a "meta" MAP column is merged into Meta).
type pqMap struct {
	key, val *pqColumn
}

// mapColumn returns col as a pqMap when it is a top-level MAP (or a group of
// one repeated group of two leaves, as MAP is laid out) with string keys
// and flat scalar values; nil otherwise.
func mapColumn(col *parquet.Column) *pqMap {
	if col == nil || col.Leaf() || col.Repeated() || len(col.Columns()) != 1 {
		return nil
	}
	kv := col.Columns()[0]
	if !kv.Repeated() || kv.Leaf() || len(kv.Columns()) != 2 {
		return nil
	}
	k, v := kv.Columns()[0], kv.Columns()[1]
	if !k.Leaf() || !v.Leaf() || k.MaxRepetitionLevel() != 1 || v.MaxRepetitionLevel() != 1 || k.Type().Kind() != parquet.ByteArray {
		return nil
	}
	leaf := func(c *parquet.Column) *pqColumn {
		t := c.Type()
		return &pqColumn{name: defaultMetaColumn + "." + c.Name(), index: c.Index(), kind: t.Kind(), lt: t.LogicalType(),
			buf: make([]parquet.Value, pqBatch), repeated: true}
	}
	return &pqMap{key: leaf(k), val: leaf(v)}
}

// row appends the entries of the next row to kvs: keys that are valid UTF-8
// with their non-null values formatted.
func (m *pqMap) row(kvs [][2]string) ([][2]string, error) {
	for first := true; ; first = false {
		if !first {
			k, err := m.key.peek()
			if err == io.EOF || (err == nil && k.RepetitionLevel() == 0) {
				return kvs, nil // the end of the chunk or the next row
			}
			if err != nil {
				return kvs, err
			}
		}
		k, err := m.key.next()
		if err != nil {
			return kvs, err
		}
		v, err := m.val.next()
		if err != nil {
			return kvs, err
		}
		if first != (k.RepetitionLevel() == 0) || first != (v.RepetitionLevel() == 0) {
			return kvs, errors.New("the key and value columns of a map are not aligned")
		}
		if k.IsNull() || v.IsNull() { // an empty or null map, or a null value
			continue
		}
		if b := k.ByteArray(); utf8.Valid(b) {
			if s, ok := m.val.format(v); ok {
				kvs = append(kvs, [2]string{string(b), s})
			}
		}
	}
}

// mergeMeta merges the JSON object b into d.Meta (strings as they are,
// other values as compact JSON, nulls skipped); it reports false when b is
// not a JSON object. Keys set by meta fields are not overwritten.
func (p *Parquet) mergeMeta(d *pipeline.Document, b []byte) bool {
	if len(b) == 0 || b[0] != '{' || !utf8.Valid(b) {
		return false
	}
	v, err := p.p.ParseBytes(b)
	if err != nil {
		return false
	}
	o, err := v.Object()
	if err != nil {
		return false
	}
	if o.Len() == 0 {
		return true
	}
	if d.Meta == nil {
		d.Meta = make(map[string]string, o.Len())
	}
	o.Visit(func(k []byte, v *fastjson.Value) {
		key := string(k)
		if _, ok := d.Meta[key]; ok {
			return
		}
		switch v.Type() {
		case fastjson.TypeNull:
		case fastjson.TypeString:
			d.Meta[key] = string(v.GetStringBytes())
		default:
			d.Meta[key] = string(v.MarshalTo(nil))
		}
	})
	return true
}

// breakGroup ends the current row group after a read error: it returns a
// Problem located at the first row not read and skips to the next group.
func (p *Parquet) breakGroup(detail string) *pipeline.Problem {
	pos := pipeline.Position{File: p.file, Line: p.row + 1, Offset: -1}
	left := p.left
	if p.g < len(p.groups) {
		detail = fmt.Sprintf("row group %d: %s; its remaining %d rows are skipped", p.lo+p.g, detail, max(left, 0))
	}
	p.row += max(left, 0)
	p.left = 0 // Next moves to the next group
	return newProblem(pipeline.ProblemTruncated, pos, detail, nil)
}

// checkChunk checks that the chunk of column col in row group g lies within
// the file, from the footer alone. (Page headers are not checked ahead:
// their statistics can hold whole texts, so reading them twice would cost
// much; a corrupt page size is left to the Parquet library.)
func (p *Parquet) checkChunk(g, col int) error {
	md := p.f.Metadata()
	if g >= len(md.RowGroups) || col >= len(md.RowGroups[g].Columns) {
		return fmt.Errorf("no metadata for row group %d column %d", g, col)
	}
	cm := &md.RowGroups[g].Columns[col].MetaData
	start := cm.DataPageOffset
	if d := cm.DictionaryPageOffset; d > 0 && d < start {
		start = d
	}
	end := start + cm.TotalCompressedSize
	if start < 4 || cm.TotalCompressedSize < 0 || end > p.size-8 || end < start {
		return fmt.Errorf("column chunk at [%d, %d) does not lie within the file of %d bytes", start, end, p.size)
	}
	return nil
}

// closeColumns releases the column readers of the current row group.
func (p *Parquet) closeColumns() {
	for _, c := range p.readers() {
		if c != nil && c.vr != nil {
			func() {
				defer func() { recover() }()
				c.vr.Close()
			}()
			c.vr = nil
		}
	}
}

// Close releases the column readers; it does not close the file.
func (p *Parquet) Close() error {
	p.closeColumns()
	p.done = true
	return nil
}

// next returns the column's value of the next row.
func (c *pqColumn) next() (parquet.Value, error) {
	if c.i >= c.n {
		n, err := c.vr.ReadValues(c.buf)
		if n == 0 {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF // fewer values than the row group's rows
			}
			return parquet.Value{}, err
		}
		c.n, c.i = n, 0
	}
	v := c.buf[c.i]
	c.i++
	if v.RepetitionLevel() != 0 && !c.repeated {
		return parquet.Value{}, errors.New("repeated values in a flat column")
	}
	return v, nil
}

// peek returns the next value without consuming it; io.EOF at the end of
// the column chunk. A refill drops the values read before: use them first.
func (c *pqColumn) peek() (parquet.Value, error) {
	if c.i >= c.n {
		n, err := c.vr.ReadValues(c.buf)
		if n == 0 {
			if err == nil {
				err = io.ErrNoProgress
			}
			return parquet.Value{}, err
		}
		c.n, c.i = n, 0
	}
	return c.buf[c.i], nil
}

// format formats a non-null value for Document.ID or Meta; ok is false for
// a string that is not valid UTF-8.
func (c *pqColumn) format(v parquet.Value) (string, bool) {
	switch c.kind {
	case parquet.ByteArray:
		b := v.ByteArray()
		if !utf8.Valid(b) {
			return "", false
		}
		return string(b), true
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean()), true
	case parquet.Int32:
		if c.lt != nil {
			if _, ok := c.lt.Value.(*format.DateType); ok {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly), true
			}
		}
		return strconv.FormatInt(int64(v.Int32()), 10), true
	case parquet.Int64:
		if c.lt != nil {
			if ts, ok := c.lt.Value.(*format.TimestampType); ok {
				var t time.Time
				switch ts.Unit.Value.(type) {
				case *format.MilliSeconds:
					t = time.UnixMilli(v.Int64())
				case *format.MicroSeconds:
					t = time.UnixMicro(v.Int64())
				default:
					t = time.Unix(0, v.Int64())
				}
				return t.UTC().Format(time.RFC3339Nano), true
			}
		}
		return strconv.FormatInt(v.Int64(), 10), true
	case parquet.Float:
		return formatFloat(float64(v.Float()), 32), true
	case parquet.Double:
		return formatFloat(v.Double(), 64), true
	}
	return fmt.Sprintf("%x", v.Bytes()), true // INT96, FIXED_LEN_BYTE_ARRAY
}

// formatFloat formats f in the shortest form that reads back the same
// ("0.5", "1e+21", "NaN", "+Inf").
func formatFloat(f float64, bits int) string {
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// openParquet makes a Parquet reader of file f current (see openNext): the
// file as stored, never decompressed, read through a counting ReaderAt that
// checks for a stop request.
func (s *Source) openParquet(f File, name string, in Input) error {
	fh, err := os.Open(f.Path)
	var info os.FileInfo
	if err == nil {
		info, err = fh.Stat()
		if err != nil {
			fh.Close()
		}
	}
	if err != nil {
		p := newProblem(pipeline.ProblemReadError, pipeline.Position{File: name, Offset: -1}, errDetail(err), nil)
		s.stamp(nil, p)
		return p
	}
	ra := &countingReaderAt{r: fh, n: &s.bytes, stop: s.stopped}
	s.st = &stream{f: fh}
	pq := NewParquet(ra, info.Size(), name, in, f.RowGroups)
	s.rec = pq.FirstRow() // record ordinals are row indexes (see Parquet)
	s.cur = pq
	return nil
}

// spoolParquet reads Parquet from standard input (st): Parquet needs
// random access to its footer, at the end, so the stream is first copied
// into an unlinked temporary file in os.TempDir() (TMPDIR), which the
// reader then reads like any file; memory stays bounded whatever the size.
func (s *Source) spoolParquet(st *stream, name string, in Input) error {
	fail := func(detail string, err error) error {
		s.closeCurrent()
		p := newProblem(pipeline.ProblemReadError, pipeline.Position{File: name, Offset: -1}, detail+": "+errDetail(err), nil)
		s.stamp(nil, p)
		return p
	}
	tmp, err := os.CreateTemp("", "jacorpus-stdin-*.parquet")
	if err != nil {
		return fail("Parquet from standard input is copied to a temporary file first (set TMPDIR to a directory with room for it)", err)
	}
	os.Remove(tmp.Name()) // unlinked: gone when closed, whatever happens
	n, err := io.Copy(tmp, st)
	if stop := s.stopped(); stop != nil {
		tmp.Close()
		s.closeCurrent()
		return stop
	}
	if err != nil {
		tmp.Close()
		return fail(fmt.Sprintf("copying Parquet from standard input to a temporary file (%d bytes copied)", n), err)
	}
	s.closeCurrent()
	s.st = &stream{f: tmp}
	pq := NewParquet(tmp, n, name, in, [2]int{})
	s.rec = pq.FirstRow()
	s.cur = pq
	s.stats[len(s.stats)-1].Format = FormatParquet
	return nil
}

// countingReaderAt counts the bytes read from r into n and fails with the
// error of stop, when it has one.
type countingReaderAt struct {
	r    io.ReaderAt
	n    *atomic.Int64
	stop func() error
}

// ReadAt implements io.ReaderAt.
func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if c.stop != nil {
		if err := c.stop(); err != nil {
			return 0, err
		}
	}
	n, err := c.r.ReadAt(p, off)
	if c.n != nil && n > 0 {
		c.n.Add(int64(n))
	}
	return n, err
}
