package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// Parquet test data: a real jacorpus output (the shard of `jacorpus run`
// over testdata/sample/fixture_docs.jsonl, see testdata/SOURCES.md) and an
// HF-style dataset file written by TestParquetRegenerate.
const (
	shardPath = "../testdata/parquet/fixture_shard.parquet"
	hfPath    = "../testdata/parquet/diet_hf_style.parquet"
)

// hfRow is a row of an HF-style dataset: text, id and url among columns of
// other types, a list column and a dictionary-encoded one.
type hfRow struct {
	ID         string   `parquet:"id"`
	Text       string   `parquet:"text"`
	URL        *string  `parquet:"url,optional"`
	House      string   `parquet:"house,dict"`
	Date       int32    `parquet:"date,date"`
	Score      float64  `parquet:"score"`
	TokenCount int64    `parquet:"token_count"`
	Crawled    int64    `parquet:"crawled,timestamp(millisecond)"`
	Speaker    *string  `parquet:"speaker,optional"`
	Tags       []string `parquet:"tags,list"`
	Reviewed   bool     `parquet:"reviewed"`
	Unused     [4]byte  `parquet:"digest"`
}

// speechRecord is a record of the Diet speeches sample.
type speechRecord struct {
	ID      string  `json:"id"`
	House   string  `json:"house"`
	Meeting string  `json:"meeting"`
	Date    string  `json:"date"`
	Speaker *string `json:"queried_repr_name"`
	URL     string  `json:"url"`
	Text    string  `json:"text"`
}

// speeches returns the first n records of the Diet speeches sample.
func speeches(t testing.TB, n int) []speechRecord {
	t.Helper()
	var out []speechRecord
	for _, ln := range splitLines(gunzip(t, mustRead(t, speechesPath))) {
		if len(out) == n {
			break
		}
		var r speechRecord
		if err := json.Unmarshal(ln, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// hfRows turns speeches into HF-style rows (deterministic derived values).
func hfRows(t testing.TB, recs []speechRecord) []hfRow {
	rows := make([]hfRow, len(recs))
	for i, r := range recs {
		d, err := time.Parse(time.DateOnly, r.Date)
		if err != nil {
			t.Fatal(err)
		}
		row := hfRow{
			ID: r.ID, Text: r.Text, House: r.House,
			Date:       int32(d.Unix() / 86400),
			Score:      float64(len(r.Text)%1000) / 8,
			TokenCount: int64(len([]rune(r.Text))),
			Crawled:    d.Add(time.Duration(i) * time.Minute).UnixMilli(),
			Speaker:    r.Speaker,
			Tags:       []string{r.House, r.Meeting},
			Reviewed:   i%2 == 0,
		}
		if i%5 != 4 { // some rows without a URL: null
			u := r.URL
			row.URL = &u
		}
		rows[i] = row
	}
	return rows
}

// writeParquet writes rows into path.
func writeParquet[T any](t testing.TB, path string, rows []T, opts ...parquet.WriterOption) {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestParquetRegenerate rewrites the HF-style test file from the Diet
// speeches sample: PARQUET_REGEN=1 go test -run TestParquetRegenerate ./ingest
func TestParquetRegenerate(t *testing.T) {
	if os.Getenv("PARQUET_REGEN") == "" {
		t.Skip("set PARQUET_REGEN=1 to rewrite " + hfPath)
	}
	writeParquet(t, hfPath, hfRows(t, speeches(t, 60)), parquet.Compression(&parquet.Snappy))
	dir := "testdata/fuzz/FuzzParquet"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, seed := range parquetSeeds() {
		corpus := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", seed)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", i)), []byte(corpus), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readParquetFile drains a Parquet reader over path.
func readParquetFile(t testing.TB, path string, in Input, groups [2]int) got {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	p := NewParquet(f, info.Size(), filepath.Base(path), in, groups)
	defer p.Close()
	return drain(t, p.Next)
}

// shardRows reads the shard test file with the shard package's own schema.
func shardRows(t testing.TB) []shard.Row {
	t.Helper()
	rows, err := parquet.ReadFile[shard.Row](shardPath)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestParquetShard reads a jacorpus output back: every row a document with
// the row's id, text, url and meta, located by row number.
func TestParquetShard(t *testing.T) {
	rows := shardRows(t)
	g, src := readSource(t, []Input{{Path: shardPath}})
	if len(g.problems) != 0 || len(g.docs) != len(rows) || len(rows) != 85 {
		t.Fatalf("%d docs, %d problems; want the %d rows (85)", len(g.docs), len(g.problems), len(rows))
	}
	for i, d := range g.docs {
		r := rows[i]
		var meta map[string]string
		if err := json.Unmarshal([]byte(r.Meta), &meta); err != nil {
			t.Fatal(err)
		}
		if len(meta) == 0 {
			meta = nil
		}
		if d.ID != r.ID || d.Text != r.Text || d.URL != r.URL || fmt.Sprint(d.Meta) != fmt.Sprint(meta) {
			t.Fatalf("row %d: got id %q url %q meta %v, want %q %q %v (or the text differs)", i, d.ID, d.URL, d.Meta, r.ID, r.URL, meta)
		}
		if d.Source != "fixture_shard" || d.Pos.Line != int64(i+1) || d.Pos.Offset != -1 || d.Key.Record() != int64(i) {
			t.Fatalf("row %d: source %q pos %+v key %v", i, d.Source, d.Pos, d.Key)
		}
	}
	// a known document: 拒絶証書令 from the e-Gov sample, with its meta fields
	i := slices.IndexFunc(g.docs, func(d *pipeline.Document) bool { return d.ID == "egov2013:033140636d184bd7" })
	if i < 0 {
		t.Fatal("拒絶証書令 is not in the shard")
	}
	if d := g.docs[i]; d.Meta["kind"] != "gov-law" || !strings.HasPrefix(d.Meta["title"], "拒絶証書令（昭和八年") ||
		!strings.HasPrefix(d.Text, "拒絶証書令") || d.Pos.String() != fmt.Sprintf("fixture_shard.parquet:%d", i+1) {
		t.Fatalf("%s at %v: meta %v text %.60q", d.ID, d.Pos, d.Meta, d.Text)
	}
	st := src.FileStats()
	if len(st) != 1 || st[0].Status != FileOK || st[0].Docs != 85 || st[0].Name != "fixture_shard.parquet" {
		t.Fatalf("file stats %v", st)
	}
	if src.BytesRead() <= 0 || src.BytesRead() > fileSize(t, shardPath) {
		t.Fatalf("BytesRead %d, file %d bytes", src.BytesRead(), fileSize(t, shardPath))
	}
}

// TestParquetRowGroups reads the shard by row group ranges: together they
// give the whole file, with the same positions and record ordinals.
func TestParquetRowGroups(t *testing.T) {
	pf := openParquetFile(t, shardPath)
	n := len(pf.RowGroups())
	if n < 3 {
		t.Fatalf("the shard has %d row groups; the test wants at least 3", n)
	}
	whole := readParquetFile(t, shardPath, Input{}, [2]int{})
	var parts []string
	for _, r := range [][2]int{{0, 1}, {1, n - 1}, {n - 1, n}, {2, 2}} {
		g := readParquetFile(t, shardPath, Input{}, r)
		var first int64
		for _, rg := range pf.RowGroups()[:r[0]] {
			first += rg.NumRows()
		}
		var want int64
		for _, rg := range pf.RowGroups()[r[0]:r[1]] {
			want += rg.NumRows()
		}
		if int64(len(g.docs)) != want || (want > 0 && g.docs[0].Pos.Line != first+1) {
			t.Fatalf("range %v: %d docs, want %d from row %d", r, len(g.docs), want, first+1)
		}
		for _, d := range g.docs {
			parts = append(parts, d.Pos.String()+" "+d.ID)
		}
	}
	var all []string
	for _, d := range whole.docs {
		all = append(all, d.Pos.String()+" "+d.ID)
	}
	if fmt.Sprint(parts) != fmt.Sprint(all) {
		t.Fatal("the ranges do not add up to the whole file")
	}
	for _, r := range [][2]int{{-1, 1}, {1, 0}, {0, n + 1}} {
		g := readParquetFile(t, shardPath, Input{}, r)
		if len(g.docs) != 0 || len(g.problems) != 1 || !strings.Contains(g.problems[0].Detail, "row groups") {
			t.Fatalf("range %v: %q", r, g.problemKeys())
		}
	}

	// through a Source: record ordinals are the rows' indexes in the file
	files, err := Expand([]Input{{Path: shardPath}})
	if err != nil {
		t.Fatal(err)
	}
	files[0].RowGroups = [2]int{1, 2}
	src := NewSource(files, []Input{{Path: shardPath}})
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) })
	first := pf.RowGroups()[0].NumRows()
	if len(g.docs) == 0 || g.docs[0].Key.Record() != first || g.docs[0].Pos.Line != first+1 {
		t.Fatalf("group 1 through a Source: first key %v, want record %d", g.docs[0].Key, first)
	}
}

func openParquetFile(t testing.TB, path string) *parquet.File {
	t.Helper()
	b := mustRead(t, path)
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestParquetHF reads the HF-style file: other columns as meta, formatted
// by type, nulls skipped; the list and unlisted columns are not read.
func TestParquetHF(t *testing.T) {
	pf := openParquetFile(t, hfPath)
	if c := pf.Metadata().RowGroups[0].Columns[0].MetaData.Codec; c != format.Snappy {
		t.Fatalf("codec %v, want snappy", c)
	}
	recs := speeches(t, 60)
	in := Input{Path: hfPath, Source: "kokkai", MetaFields: []string{"house", "date", "score", "token_count", "crawled", "speaker", "reviewed", "digest", "absent"}}
	g, _ := readSource(t, []Input{in})
	if len(g.problems) != 0 || len(g.docs) != len(recs) {
		t.Fatalf("%d docs, %d problems, want %d docs", len(g.docs), len(g.problems), len(recs))
	}
	for i, d := range g.docs {
		r := recs[i]
		wantURL := r.URL
		if i%5 == 4 {
			wantURL = ""
		}
		if d.ID != r.ID || d.Text != r.Text || d.URL != wantURL || d.Source != "kokkai" {
			t.Fatalf("row %d: id %q url %q source %q", i, d.ID, d.URL, d.Source)
		}
		if d.Meta["house"] != r.House || d.Meta["date"] != r.Date || d.Meta["token_count"] != fmt.Sprint(len([]rune(r.Text))) {
			t.Fatalf("row %d: meta %v", i, d.Meta)
		}
		if _, ok := d.Meta["speaker"]; ok != (r.Speaker != nil) {
			t.Fatalf("row %d: speaker %q, record %v", i, d.Meta["speaker"], r.Speaker)
		}
		if _, ok := d.Meta["absent"]; ok {
			t.Fatal("a missing column in meta")
		}
	}
	d := g.docs[1]
	wantMeta := map[string]string{
		"house": "衆議院", "date": recs[1].Date, "score": fmt.Sprint(float64(len(recs[1].Text)%1000) / 8),
		"token_count": fmt.Sprint(len([]rune(recs[1].Text))), "reviewed": "false", "digest": "00000000",
		"crawled": recs[1].Date + "T00:01:00Z",
	}
	if recs[1].Speaker != nil {
		wantMeta["speaker"] = *recs[1].Speaker
	}
	if fmt.Sprint(d.Meta) != fmt.Sprint(wantMeta) {
		t.Fatalf("meta\n%v, want\n%v", d.Meta, wantMeta)
	}
	if !strings.Contains(g.docs[0].Text, "鉄道の工事勘定の二十四年度の予算総額は百六十五億") {
		t.Fatalf("text of row 1: %.80q", g.docs[0].Text)
	}
	// a list column: ignored as the id, refused as a meta field
	g = readParquetFile(t, hfPath, Input{IDField: "tags"}, [2]int{})
	if len(g.docs) != len(recs) || g.docs[2].ID != "diet_hf_style.parquet:3" {
		t.Fatalf("id_field tags: %d docs, problems %q", len(g.docs), g.problemKeys())
	}
	g = readParquetFile(t, hfPath, Input{MetaFields: []string{"house", "tags"}}, [2]int{})
	if len(g.docs) != 0 || len(g.problems) != 1 || !strings.Contains(g.problems[0].Detail, `column "tags" is a list or a group, not a flat column`) {
		t.Fatalf("meta_fields tags: %d docs, problems %v", len(g.docs), g.problems)
	}
	// the text of another column, and an id column of integers
	g = readParquetFile(t, hfPath, Input{TextField: "house", IDField: "token_count", URLField: "absent"}, [2]int{})
	if len(g.docs) != len(recs) || g.docs[0].Text != recs[0].House || g.docs[0].ID != fmt.Sprint(len([]rune(recs[0].Text))) || g.docs[0].URL != "" {
		t.Fatalf("text_field house: %d docs, first %+v", len(g.docs), g.docs[0])
	}
}

// badRow types make Parquet files with unusable columns.
type (
	noTextRow struct {
		ID   string `parquet:"id"`
		Body string `parquet:"body"`
	}
	intTextRow struct {
		Text int64 `parquet:"text"`
	}
	listTextRow struct {
		Text []string `parquet:"text,list"`
	}
	nullTextRow struct {
		ID   string  `parquet:"id"`
		Text *string `parquet:"text,optional"`
	}
	pileRow struct {
		Text string `parquet:"text"`
		Meta struct {
			Set string `parquet:"pile_set_name"`
		} `parquet:"meta"`
	}
	bytesTextRow struct {
		Text []byte `parquet:"text"`
		Meta string `parquet:"meta"`
	}
)

// TestParquetBad reads broken and unusable files: each gives the Problems
// it should, located by file and row, and every good row is kept.
func TestParquetBad(t *testing.T) {
	dir := t.TempDir()
	good := mustRead(t, hfPath)
	str := func(s string) *string { return &s }
	writeParquet(t, filepath.Join(dir, "notext.parquet"), []noTextRow{{"a", "本文"}})
	writeParquet(t, filepath.Join(dir, "inttext.parquet"), []intTextRow{{1}})
	writeParquet(t, filepath.Join(dir, "listtext.parquet"), []listTextRow{{[]string{"あ"}}})
	writeParquet(t, filepath.Join(dir, "nulls.parquet"), []nullTextRow{
		{"a", str("一行目の本文です。")}, {"b", nil}, {"c", str("　\n")}, {"d", str("四行目。")}, {"e", nil},
	}, parquet.MaxRowsPerRowGroup(2))
	writeParquet(t, filepath.Join(dir, "utf8.parquet"), []bytesTextRow{
		{[]byte("正しい本文"), `{"title":"題","n":3,"x":null}`}, {[]byte("壊れた\xff本文"), "{}"}, {[]byte("三"), "not json"},
	})
	writeFile(t, dir, "json.parquet", mustRead(t, fixturePath)[:500])
	writeFile(t, dir, "gz.parquet", gzipBytes(t, good))
	writeFile(t, dir, "cut.parquet", good[:len(good)/2])
	writeFile(t, dir, "cutfooter.parquet", good[:len(good)-3])
	writeFile(t, dir, "empty.parquet", nil)
	badLen := bytes.Clone(good)
	badLen[len(badLen)-8] = 0xff // footer length larger than the file
	badLen[len(badLen)-5] = 0x7f
	writeFile(t, dir, "footerlen.parquet", badLen)

	cases := []struct {
		name   string
		in     Input
		docs   int
		probs  []string // kind pos
		detail string   // in the first problem's detail
		status string
	}{
		{"notext.parquet", Input{}, 0, []string{"missing_text notext.parquet@0"}, `no column "text" (columns: "id", "body"); set text_field`, FileNoDocuments},
		{"inttext.parquet", Input{}, 0, []string{"missing_text inttext.parquet@0"}, `column "text" is INT64 (INT(64,true)), not a string (BYTE_ARRAY)`, FileNoDocuments},
		{"listtext.parquet", Input{}, 0, []string{"missing_text listtext.parquet@0"}, `column "text" is a list or a group`, FileNoDocuments},
		{"nulls.parquet", Input{}, 2, []string{"missing_text nulls.parquet:2", "empty_document nulls.parquet:3", "missing_text nulls.parquet:5"}, `column "text" is null`, FileOK},
		{"utf8.parquet", Input{MetaFields: []string{"meta"}}, 2, []string{"invalid_utf8 utf8.parquet:2"}, `invalid UTF-8 at byte 9 of column "text"`, FileOK},
		{"json.parquet", Input{}, 0, []string{"read_error json.parquet@0"}, "does not start with the magic bytes PAR1", FileUnreadable},
		{"gz.parquet", Input{}, 0, []string{"read_error gz.parquet@0"}, "gzip-compressed", FileUnreadable},
		{"cut.parquet", Input{}, 0, []string{"truncated_input cut.parquet@0"}, "no PAR1 magic at its end", FileBroken},
		{"cutfooter.parquet", Input{}, 0, []string{"truncated_input cutfooter.parquet@0"}, "no PAR1 magic at its end", FileBroken},
		{"empty.parquet", Input{}, 0, []string{"read_error empty.parquet@0"}, "empty file", FileUnreadable},
		{"footerlen.parquet", Input{}, 0, []string{"truncated_input footerlen.parquet@0"}, "does not fit the file", FileBroken},
		{"notext.parquet", Input{TextField: "body", IDField: "none"}, 1, nil, "", FileOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.Path = filepath.Join(dir, c.name)
			g, src := readSource(t, []Input{in})
			if len(g.docs) != c.docs || fmt.Sprint(g.problemKeys()) != fmt.Sprint(c.probs) {
				t.Fatalf("%d docs, problems %q; want %d, %q", len(g.docs), g.problemKeys(), c.docs, c.probs)
			}
			if len(g.problems) > 0 && !strings.Contains(g.problems[0].Detail, c.detail) {
				t.Fatalf("detail %q, want %q in it", g.problems[0].Detail, c.detail)
			}
			if st := src.FileStats(); st[0].Status != c.status {
				t.Fatalf("status %v, want %s", st[0], c.status)
			}
		})
	}

	g := readParquetFile(t, filepath.Join(dir, "nulls.parquet"), Input{}, [2]int{})
	if fmt.Sprint(g.ids()) != "[a d]" || g.docs[1].Pos.Line != 4 {
		t.Fatalf("nulls: ids %v", g.ids())
	}
	g = readParquetFile(t, filepath.Join(dir, "utf8.parquet"), Input{MetaFields: []string{"meta"}}, [2]int{})
	if fmt.Sprint(g.docs[0].Meta) != "map[n:3 title:題]" || fmt.Sprint(g.docs[1].Meta) != "map[meta:not json]" {
		t.Fatalf("merged meta %v, %v", g.docs[0].Meta, g.docs[1].Meta)
	}
	if !bytes.Equal(g.problems[0].Raw, []byte("壊れた\xff本文")) || g.docs[0].ID != "utf8.parquet:1" {
		t.Fatalf("raw %q, id %q", g.problems[0].Raw, g.docs[0].ID)
	}
	// an unlisted meta column is merged all the same, a non-object skipped
	g = readParquetFile(t, filepath.Join(dir, "utf8.parquet"), Input{}, [2]int{})
	if fmt.Sprint(g.docs[0].Meta) != "map[n:3 title:題]" || g.docs[1].Meta != nil {
		t.Fatalf("unlisted meta %v, %v", g.docs[0].Meta, g.docs[1].Meta)
	}

	// a meta column that is a group (as in The Pile) is not merged
	writeParquet(t, filepath.Join(dir, "pile.parquet"), []pileRow{{Text: "本文", Meta: struct {
		Set string `parquet:"pile_set_name"`
	}{"Wikipedia"}}})
	g = readParquetFile(t, filepath.Join(dir, "pile.parquet"), Input{}, [2]int{})
	if len(g.docs) != 1 || g.docs[0].Meta != nil {
		t.Fatalf("pile: %d docs, problems %q", len(g.docs), g.problemKeys())
	}

	// the files together through one Source: the run goes on past each
	var inputs []Input
	for _, c := range cases[:len(cases)-1] {
		inputs = append(inputs, Input{Path: filepath.Join(dir, c.name)})
	}
	inputs = append(inputs, Input{Path: hfPath})
	all, _ := readSource(t, inputs)
	if len(all.docs) != 4+60 {
		t.Fatalf("%d docs through one Source, want 64", len(all.docs))
	}
}

// TestParquetMapMeta merges a MAP meta column, as other tools write it.
func TestParquetMapMeta(t *testing.T) {
	type mapRow struct {
		Text  string            `parquet:"text,optional"`
		Title string            `parquet:"title"`
		Meta  map[string]string `parquet:"meta"`
	}
	type intMapRow struct {
		Text string           `parquet:"text"`
		Meta map[string]int64 `parquet:"meta"`
	}
	recs := speeches(t, 4)
	var rows []mapRow
	for i, r := range recs {
		row := mapRow{Text: r.Text, Title: r.Meeting, Meta: map[string]string{"house": r.House, "date": r.Date, "title": "overridden"}}
		switch i {
		case 1:
			row.Meta = nil
		case 2:
			row.Text = "" // null: a problem row, whose map entries are read all the same
		}
		rows = append(rows, row)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "map.parquet")
	writeParquet(t, path, rows, parquet.MaxRowsPerRowGroup(3))
	g := readParquetFile(t, path, Input{MetaFields: []string{"title"}}, [2]int{})
	if len(g.docs) != 3 || fmt.Sprint(g.problemKeys()) != "[missing_text map.parquet:3]" {
		t.Fatalf("%d docs, problems %q", len(g.docs), g.problemKeys())
	}
	for k, i := range []int{0, 1, 3} {
		want := map[string]string{"title": recs[i].Meeting}
		if i != 1 {
			want["house"], want["date"] = recs[i].House, recs[i].Date
		}
		if d := g.docs[k]; fmt.Sprint(d.Meta) != fmt.Sprint(want) || d.Text != recs[i].Text {
			t.Fatalf("row %d: meta %v, want %v", i+1, d.Meta, want)
		}
	}
	writeParquet(t, path, []intMapRow{{"本文", map[string]int64{"n": 3, "m": -1}}, {"二", map[string]int64{}}})
	g = readParquetFile(t, path, Input{}, [2]int{})
	if len(g.docs) != 2 || fmt.Sprint(g.docs[0].Meta) != "map[m:-1 n:3]" || g.docs[1].Meta != nil {
		t.Fatalf("int map: %d docs, problems %q, meta %v", len(g.docs), g.problemKeys(), g.docs[0].Meta)
	}
}

// TestParquetCorruptPage damages the data of one row group of a file with
// several: its rows give one Problem, the other groups are read.
func TestParquetCorruptPage(t *testing.T) {
	dir := t.TempDir()
	recs := speeches(t, 40)
	rows := hfRows(t, recs)
	path := filepath.Join(dir, "multi.parquet")
	writeParquet(t, path, rows, parquet.MaxRowsPerRowGroup(10), parquet.Compression(&parquet.Zstd))
	b := mustRead(t, path)
	pf := openParquetFile(t, path)
	md := pf.Metadata().RowGroups[1].Columns[1].MetaData // the text column of row group 1
	if pf.Metadata().Schema[2].Name != "text" {
		t.Fatalf("column 1 is %q", pf.Metadata().Schema[2].Name)
	}
	start := md.DataPageOffset
	if md.DictionaryPageOffset != 0 && md.DictionaryPageOffset < start {
		start = md.DictionaryPageOffset
	}
	for i := start + md.TotalCompressedSize/2; i < start+md.TotalCompressedSize-4; i++ {
		b[i] ^= 0x5a
	}
	writeFile(t, dir, "multi.parquet", b)
	g, src := readSource(t, []Input{{Path: path}})
	if len(g.docs) != 30 || len(g.problems) != 1 || g.problems[0].Kind != pipeline.ProblemTruncated {
		t.Fatalf("%d docs, problems %q", len(g.docs), g.problemKeys())
	}
	p := g.problems[0]
	t.Logf("%v", p)
	if p.Pos.Line < 11 || p.Pos.Line > 20 || !strings.Contains(p.Detail, "row group 1: ") {
		t.Fatalf("problem %v", p)
	}
	if g.docs[len(g.docs)-1].Pos.Line != 40 || g.docs[len(g.docs)-1].ID != recs[39].ID {
		t.Fatalf("last doc %v", g.docs[len(g.docs)-1].Pos)
	}
	if st := src.FileStats()[0]; st.Status != FileBroken || st.At != p.Pos.String() {
		t.Fatalf("stats %v", st)
	}
}

// TestParquetValidate checks the settings a Parquet input accepts.
func TestParquetValidate(t *testing.T) {
	for _, c := range []struct {
		in   Input
		want string
	}{
		{Input{Path: "x", Format: FormatParquet, TextField: "body", MetaFields: []string{"a"}}, ""},
		{Input{Path: "x", Format: FormatParquet, Split: SplitParagraph}, "applies to text inputs only"},
		{Input{Path: "x", Format: FormatParquet, Encoding: "shift_jis"}, "strings are UTF-8"},
		{Input{Path: "x", Format: FormatParquet, Encoding: "UTF-8"}, ""},
	} {
		err := c.in.Validate()
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c.in, err, c.want)
		}
	}
	if f := formatByExt("data/train-00000-of-00004.PARQUET"); f != FormatParquet {
		t.Errorf("format by extension %q", f)
	}
	if s := stripExts("train.parquet"); s != "train" {
		t.Errorf("stripExts %q", s)
	}
}

// TestParquetStop: a stop request ends the read of a Parquet file.
func TestParquetStop(t *testing.T) {
	files, err := Expand([]Input{{Path: hfPath}})
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, []Input{{Path: hfPath}})
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := src.Next(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := src.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("after the stop: %v", err)
	}
	src.Close()
}

// FuzzParquet: any bytes give documents and Problems, never a crash; every
// document has valid, non-blank text.
func FuzzParquet(f *testing.F) {
	for _, seed := range parquetSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := NewParquet(bytes.NewReader(data), int64(len(data)), "fuzz.parquet", Input{MetaFields: []string{"meta", "id"}}, [2]int{})
		defer p.Close()
		for i := 0; i < 10000; i++ {
			d, err := p.Next()
			if err == io.EOF {
				return
			}
			var pr *pipeline.Problem
			if err != nil && !errors.As(err, &pr) {
				t.Fatalf("fatal error %v", err)
			}
			if d != nil && (isBlank(d.Text) || invalidUTF8Index([]byte(d.Text)) >= 0) {
				t.Fatalf("bad document %q", d.Text)
			}
		}
		t.Fatal("no end")
	})
}

// seedMapRow is a row with a MAP meta column.
type seedMapRow struct {
	Text string            `parquet:"text"`
	Meta map[string]string `parquet:"meta"`
}

// parquetSeeds returns small Parquet files for FuzzParquet: nulls and
// several row groups, snappy with a meta column and invalid UTF-8, no text
// column, a MAP meta column, and a bare footer.
func parquetSeeds() [][]byte {
	str := func(s string) *string { return &s }
	var seeds [][]byte
	for _, w := range []func(*bytes.Buffer){
		func(b *bytes.Buffer) {
			writeTo(b, []nullTextRow{{"a", str("本文")}, {"b", nil}, {"c", str("二")}}, parquet.MaxRowsPerRowGroup(2))
		},
		func(b *bytes.Buffer) {
			writeTo(b, []bytesTextRow{{[]byte("本文"), `{"k":"v"}`}, {[]byte("\xff"), "x"}}, parquet.Compression(&parquet.Snappy))
		},
		func(b *bytes.Buffer) { writeTo(b, []noTextRow{{"a", "b"}}) },
		func(b *bytes.Buffer) {
			writeTo(b, []seedMapRow{{"本文", map[string]string{"k": "v", "l": "w"}}, {"二", nil}}, parquet.MaxRowsPerRowGroup(1))
		},
	} {
		var b bytes.Buffer
		w(&b)
		seeds = append(seeds, b.Bytes())
	}
	return append(seeds, []byte("PAR1\x00\x00\x00\x00PAR1"))
}

// writeTo writes rows as Parquet into b.
func writeTo[T any](b *bytes.Buffer, rows []T, opts ...parquet.WriterOption) {
	w := parquet.NewGenericWriter[T](b, opts...)
	if _, err := w.Write(rows); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
}

// BenchmarkParquet reads 901 Diet speeches from a snappy Parquet file of
// row groups of 256 rows; throughput is in bytes of text.
func BenchmarkParquet(b *testing.B) {
	recs := speeches(b, 1000)
	path := filepath.Join(b.TempDir(), "speeches.parquet")
	writeParquet(b, path, hfRows(b, recs), parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(256))
	var text int64
	for _, r := range recs {
		text += int64(len(r.Text))
	}
	b.SetBytes(text)
	b.ReportAllocs()
	in := Input{MetaFields: []string{"house", "date"}}
	b.ResetTimer()
	docs := 0
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		info, _ := f.Stat()
		p := NewParquet(f, info.Size(), "speeches.parquet", in, [2]int{})
		for {
			_, err := p.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
		f.Close()
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}

// TestParquetMemory reads a file of one row group of 40 MB of text and 40
// MB of an unread column: the live heap stays small (pages, not row
// groups, are held) and the unread column is not read from disk.
func TestParquetMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes an 80 MB row group")
	}
	type wideRow struct {
		ID   string `parquet:"id"`
		Text string `parquet:"text"`
		HTML string `parquet:"html"`
	}
	recs := speeches(t, 1000)
	var rows []wideRow
	var text int
	for k := 0; text < 40e6; k++ {
		for _, r := range recs {
			rows = append(rows, wideRow{ID: fmt.Sprintf("%s/%d", r.ID, k), Text: r.Text, HTML: "<p>" + r.Text + "</p>"})
			text += len(r.Text)
		}
	}
	path := filepath.Join(t.TempDir(), "wide.parquet")
	writeParquet(t, path, rows, parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(int64(len(rows))))
	if n := len(openParquetFile(t, path).RowGroups()); n != 1 {
		t.Fatalf("%d row groups, want 1", n)
	}
	n := len(rows)
	rows = nil
	files, err := Expand([]Input{{Path: path}})
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(files, []Input{{Path: path}})
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	docs := 0
	for {
		d, err := src.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil || d == nil {
			t.Fatal(err)
		}
		if docs++; docs%1000 == 0 {
			runtime.GC() // live memory, not garbage waiting for collection
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	size := fileSize(t, path)
	t.Logf("%d docs, %d MB of text; file %d MB, %d MB read; heap peak %d MB over the base", docs, text>>20, size>>20, src.BytesRead()>>20, (peak-base)>>20)
	if docs != n {
		t.Fatalf("%d docs, want %d", docs, n)
	}
	if src.BytesRead() > size*6/10 {
		t.Errorf("%d bytes read of %d: the html column was read too", src.BytesRead(), size)
	}
	if peak > base+8<<20 {
		t.Errorf("heap peak %d MB over the base, want < 8 MB", (peak-base)>>20)
	}
}

// TestSliceParquet splits the shard by row groups: the slices cover the
// file in order, add up to its size, stay under the bound unless one row
// group is larger, and read as a Source give the whole file's documents
// with the same keys and positions.
func TestSliceParquet(t *testing.T) {
	dir := t.TempDir()
	noExt := filepath.Join(dir, "shard-without-extension")
	if err := os.WriteFile(noExt, mustRead(t, shardPath), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.parquet")
	b := mustRead(t, shardPath)
	if err := os.WriteFile(broken, b[:len(b)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	pf := openParquetFile(t, shardPath)
	groups := len(pf.RowGroups())
	size := fileSize(t, shardPath)
	inputs := []Input{{Path: shardPath}, {Path: noExt}, {Path: broken}, {Path: "../testdata/sample/fixture_docs.jsonl"}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	whole := readSlices(t, files, inputs)
	for _, tc := range []struct {
		name   string
		max    int64
		slices int // of each Parquet file
	}{
		{"never", 0, 1},
		{"larger than the file", size, 1},
		{"one group each", 1, groups},
		{"two groups or so", size / int64(groups) * 2, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SliceParquet(context.Background(), inputs, files, tc.max)
			if err != nil {
				t.Fatal(err)
			}
			byOrd := map[int][]File{}
			for _, f := range got {
				byOrd[f.Ordinal] = append(byOrd[f.Ordinal], f)
			}
			for _, ord := range []int{0, 1} { // the shard, by extension and by content
				s := byOrd[files[ord].Ordinal]
				if tc.slices > 0 && len(s) != tc.slices {
					t.Fatalf("%s: %d slices, want %d", files[ord].Name, len(s), tc.slices)
				}
				if len(s) == 1 {
					if s[0] != files[ord] {
						t.Fatalf("%s: a single slice must be the file unchanged: %+v", files[ord].Name, s[0])
					}
					continue
				}
				var sum int64
				next := 0
				for _, f := range s {
					if f.RowGroups[0] != next || f.RowGroups[1] <= next || f.Name != files[ord].Name || f.Source != files[ord].Source {
						t.Fatalf("%s: slices %+v do not follow each other", files[ord].Name, s)
					}
					if f.RowGroups[1]-f.RowGroups[0] > 1 && f.Size > tc.max && f != s[len(s)-1] {
						t.Fatalf("%s: slice %v of %d bytes over the bound %d", f.Name, f.RowGroups, f.Size, tc.max)
					}
					next = f.RowGroups[1]
					sum += f.Size
				}
				if next != groups || sum != size {
					t.Fatalf("%s: slices cover %d of %d groups, %d of %d bytes", files[ord].Name, next, groups, sum, size)
				}
			}
			for _, ord := range []int{2, 3} { // a broken footer, a JSONL file: whole
				if len(byOrd[ord]) != 1 || byOrd[ord][0] != files[ord] {
					t.Fatalf("%s: %+v, want the file whole", files[ord].Name, byOrd[ord])
				}
			}
			if g := readSlices(t, got, inputs); g != whole {
				t.Fatalf("read in slices, the documents differ from the whole files'")
			}
		})
	}
}

// readSlices reads files through a Source and returns every document's
// key, position, id and text, and every problem, as one string.
func readSlices(t *testing.T, files []File, inputs []Input) string {
	t.Helper()
	src := NewSource(files, inputs)
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(context.Background()) })
	var sb strings.Builder
	for _, d := range g.docs {
		fmt.Fprintf(&sb, "%v %s %s %q\n", d.Key, d.Pos, d.ID, d.Text)
	}
	for _, k := range g.problemKeys() {
		fmt.Fprintln(&sb, k)
	}
	return sb.String()
}
