package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// Format is the file format of the shards.
type Format string

// The shard formats.
const (
	// FormatParquet writes Parquet files (.parquet): zstd, statistics and
	// page index, several row groups per file.
	FormatParquet Format = "parquet"
	// FormatArrow writes Arrow IPC stream files (.arrow), uncompressed, one
	// record batch per row group: what Hugging Face datasets stores.
	FormatArrow Format = "arrow"
)

// Ext returns the file name extension of the format, with its dot.
func (f Format) Ext() string { return "." + string(f) }

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == FormatParquet || f == FormatArrow }

// codec encodes row groups on the encoder goroutines (safe for concurrent
// use) and starts the assembly of shard files (on the writer's goroutine).
type codec interface {
	encode(rows []Row) (encoded, error)
	start(w io.Writer) assembler
}

// encoded is a row group ready to be copied into a shard file.
type encoded interface {
	// size is the number of bytes the row group adds to the file: a
	// deterministic function of its rows.
	size() int64
}

// assembler writes the row groups of one shard file in order.
type assembler interface {
	add(e encoded) error
	close() error
}

// parquetCodec encodes a row group as the one row group of a Parquet file
// in memory; the assembler copies its compressed column chunks verbatim
// (parquet-go's WriteRowGroup copy path, no decoding).
type parquetCodec struct {
	options []parquet.WriterOption
	wakati  bool
}

type parquetGroup struct {
	rg   parquet.RowGroup // backed by a file (in memory or a spool), so copyable
	comp int64            // compressed size of the column chunks
}

func (g *parquetGroup) size() int64 { return g.comp }

// encode writes rows one per call: parquet-go checks page sizes after every
// call, so page boundaries depend on the rows only.
func (p *parquetCodec) encode(rows []Row) (encoded, error) {
	var buf bytes.Buffer
	var err error
	if p.wakati {
		pw := parquet.NewGenericWriter[WakatiRow](&buf, p.options...)
		one := make([]WakatiRow, 1)
		for i := range rows {
			r := &rows[i]
			one[0] = WakatiRow{ID: r.ID, Text: r.Text, Source: r.Source, URL: r.URL, Meta: r.Meta, Tokens: r.Tokens, Wakati: r.Wakati}
			if _, err = pw.Write(one); err != nil {
				break
			}
		}
		err = errors.Join(err, pw.Close())
	} else {
		pw := parquet.NewGenericWriter[Row](&buf, p.options...)
		for i := range rows {
			if _, err = pw.Write(rows[i : i+1]); err != nil {
				break
			}
		}
		err = errors.Join(err, pw.Close())
	}
	if err != nil {
		return nil, fmt.Errorf("encoding a row group: %w", err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, fmt.Errorf("encoding a row group: reading it back: %w", err)
	}
	g := &parquetGroup{rg: f.RowGroups()[0]}
	for _, rg := range f.Metadata().RowGroups {
		for _, col := range rg.Columns {
			g.comp += col.MetaData.TotalCompressedSize
		}
	}
	return g, nil
}

func (p *parquetCodec) start(w io.Writer) assembler {
	schema := rowSchema
	if p.wakati {
		schema = wakatiSchema
	}
	return &parquetFile{parquet.NewWriter(w, append([]parquet.WriterOption{schema}, p.options...)...)}
}

type parquetFile struct{ w *parquet.Writer }

func (f *parquetFile) add(e encoded) error {
	_, err := f.w.WriteRowGroup(e.(*parquetGroup).rg)
	return err
}

func (f *parquetFile) close() error { return f.w.Close() }

// arrowCodec encodes a row group as one record batch message of an Arrow
// IPC stream. Every message is encoded on its own; a shard file is the
// schema message, the batches in order and the end-of-stream marker:
// byte for byte what one ipc.Writer writing the batches would produce.
type arrowCodec struct {
	schema *arrow.Schema
	prefix []byte // the schema message
	wakati bool
}

// arrowEOS is the end-of-stream marker of the Arrow IPC stream format: a
// continuation token and a zero length.
var arrowEOS = []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}

func newArrowCodec(wakati bool) (*arrowCodec, error) {
	fields := []arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String},
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "url", Type: arrow.BinaryTypes.String},
		{Name: "meta", Type: arrow.BinaryTypes.String},
		{Name: "tokens", Type: arrow.PrimitiveTypes.Int64},
	}
	if wakati {
		fields = append(fields, arrow.Field{Name: "wakati", Type: arrow.BinaryTypes.String})
	}
	c := &arrowCodec{schema: arrow.NewSchema(fields, nil), wakati: wakati}
	// The schema message: what a writer that wrote no batch puts before its
	// end-of-stream marker.
	var buf bytes.Buffer
	if err := ipc.NewWriter(&buf, ipc.WithSchema(c.schema)).Close(); err != nil {
		return nil, fmt.Errorf("arrow schema: %w", err)
	}
	if !bytes.HasSuffix(buf.Bytes(), arrowEOS) {
		return nil, errors.New("arrow schema: the IPC writer did not end the stream as expected")
	}
	c.prefix = bytes.Clone(buf.Bytes()[:buf.Len()-len(arrowEOS)])
	return c, nil
}

type arrowGroup []byte

func (g arrowGroup) size() int64 { return int64(len(g)) }

func (c *arrowCodec) encode(rows []Row) (encoded, error) {
	mem := memory.NewGoAllocator()
	b := array.NewRecordBuilder(mem, c.schema)
	defer b.Release()
	var text int
	for i := range rows {
		text += len(rows[i].Text)
	}
	strs := make([]*array.StringBuilder, 0, 6)
	for i, f := range c.schema.Fields() {
		if f.Type.ID() == arrow.STRING {
			strs = append(strs, b.Field(i).(*array.StringBuilder))
		}
	}
	for _, s := range strs {
		s.Reserve(len(rows))
	}
	strs[1].ReserveData(text)
	tokens := b.Field(5).(*array.Int64Builder)
	tokens.Reserve(len(rows))
	for i := range rows {
		r := &rows[i]
		strs[0].Append(r.ID)
		strs[1].Append(r.Text)
		strs[2].Append(r.Source)
		strs[3].Append(r.URL)
		strs[4].Append(r.Meta)
		tokens.Append(r.Tokens)
		if c.wakati {
			strs[5].Append(r.Wakati)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(c.schema), ipc.WithAllocator(mem))
	if err := w.Write(rec); err != nil {
		return nil, fmt.Errorf("encoding a record batch: %w", err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, c.prefix) {
		return nil, errors.New("encoding a record batch: the IPC writer's schema message changed")
	}
	return arrowGroup(out[len(c.prefix):]), nil
}

func (c *arrowCodec) start(w io.Writer) assembler {
	return &arrowFile{w: w, prefix: c.prefix}
}

type arrowFile struct {
	w       io.Writer
	prefix  []byte
	started bool
}

func (f *arrowFile) begin() error {
	if f.started {
		return nil
	}
	f.started = true
	_, err := f.w.Write(f.prefix)
	return err
}

func (f *arrowFile) add(e encoded) error {
	if err := f.begin(); err != nil {
		return err
	}
	_, err := f.w.Write(e.(arrowGroup))
	return err
}

func (f *arrowFile) close() error {
	if err := f.begin(); err != nil {
		return err
	}
	_, err := f.w.Write(arrowEOS)
	return err
}
