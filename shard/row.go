package shard

import (
	"bytes"
	"encoding/json"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Row is one Parquet row of a shard. The columns, in file order, are id, text,
// source, url, meta and tokens; all are required (never null). The source
// column is dictionary-encoded since a run has few distinct sources.
type Row struct {
	// ID is the document's stable id.
	ID string `parquet:"id"`
	// Text is the document body.
	Text string `parquet:"text"`
	// Source is the dataset name or input path.
	Source string `parquet:"source,dict"`
	// URL is the page address for web documents, empty otherwise.
	URL string `parquet:"url"`
	// Meta is Document.Meta as compact JSON with sorted keys, "{}" when
	// empty. It is a string rather than a Parquet MAP so that the bytes are
	// deterministic and every reader sees the same value.
	Meta string `parquet:"meta"`
	// Tokens is the morpheme count filled by the tokenize stage.
	Tokens int64 `parquet:"tokens"`
	// Wakati is Document.Wakati, written as a seventh column "wakati" by a
	// Writer with Options.Wakati (see WakatiRow), and not at all otherwise.
	Wakati string `parquet:"-"`
}

// WakatiRow is a Row of a shard with the wakati column (Options.Wakati):
// the columns of Row, then wakati, the space-separated morphemes.
type WakatiRow struct {
	ID     string `parquet:"id"`
	Text   string `parquet:"text"`
	Source string `parquet:"source,dict"`
	URL    string `parquet:"url"`
	Meta   string `parquet:"meta"`
	Tokens int64  `parquet:"tokens"`
	Wakati string `parquet:"wakati"`
}

// rowSchema is the Parquet schema of Row; columns lists its column names in
// file order.
var (
	rowSchema    = parquet.SchemaOf(Row{})
	wakatiSchema = parquet.SchemaOf(WakatiRow{})
	columns      = func() []string {
		fields := rowSchema.Fields()
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name()
		}
		return names
	}()
)

// Columns returns the shard column names in file order.
func Columns() []string { return append([]string(nil), columns...) }

// RowOf converts a document into its Parquet row. Document.Pos is not stored.
func RowOf(d *pipeline.Document) Row {
	return Row{
		ID:     d.ID,
		Text:   d.Text,
		Source: d.Source,
		URL:    d.URL,
		Meta:   metaJSON(d.Meta),
		Tokens: int64(d.Tokens),
		Wakati: d.Wakati,
	}
}

// metaJSON encodes m as compact JSON with sorted keys (encoding/json sorts map
// keys) and without HTML escaping, so "&" in a title stays "&".
func metaJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // cannot happen for map[string]string
		return "{}"
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte{'\n'}))
}

// rawSize is the uncompressed size the writer accounts for a row: the bytes of
// every value plus the 4-byte length prefix of each string (PLAIN encoding).
func rawSize(r *Row) int64 {
	n := int64(len(r.ID)+len(r.Text)+len(r.Source)+len(r.URL)+len(r.Meta)) + 5*4 + 8
	if r.Wakati != "" {
		n += int64(len(r.Wakati)) + 4
	}
	return n
}
