package interop

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// TestShardWriterReadBack writes the real fixture, plus edge cases (empty
// url and meta, a document larger than a shard, text with every kind of
// line break kept after normalization), into several shards with small row
// groups and reads every row back with Arrow: same rows, same order.
func TestShardWriterReadBack(t *testing.T) {
	docs := testcorpus.Fixture(t)
	for _, d := range docs {
		d.Tokens = utf8.RuneCountInString(d.Text)/2 + int(d.Pos.Line)
	}
	var big strings.Builder
	for big.Len() < 300<<10 {
		big.WriteString(docs[big.Len()%len(docs)].Text)
	}
	docs = append(docs,
		&pipeline.Document{ID: "big", Text: big.String(), Source: "concat", Tokens: 7},
		&pipeline.Document{ID: "empty-fields", Text: "本文\n\n\t二段落目　全角空白", Source: "x"},
		&pipeline.Document{ID: "meta", Text: "メタ", Source: "x", URL: "https://例え.jp/?q=1&r=<2>", Meta: map[string]string{"z": "最後", "a": "{\"json\":1}"}})
	dir := t.TempDir()
	w, err := shard.NewWriter(shard.Options{Dir: dir, MaxBytes: 96 << 10, RowGroupBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(docs); i += 5 {
		if err := w.Write(docs[i:min(i+5, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) < 3 {
		t.Fatalf("%d shards, want several", len(infos))
	}
	var rows []shardRow
	for _, in := range infos {
		r := readShard(t, filepath.Join(dir, in.File))
		if int64(len(r)) != in.Rows {
			t.Errorf("%s: arrow reads %d rows, info says %d", in.File, len(r), in.Rows)
		}
		rows = append(rows, r...)
	}
	if len(rows) != len(docs) {
		t.Fatalf("arrow reads %d rows, %d written", len(rows), len(docs))
	}
	for i, d := range docs {
		want := shard.RowOf(d)
		got := rows[i]
		if got.ID != want.ID || got.Text != want.Text || got.Source != want.Source || got.URL != want.URL ||
			got.Meta != want.Meta || got.Tokens != want.Tokens {
			t.Errorf("row %d (%s) differs: meta %q want %q", i, d.ID, got.Meta, want.Meta)
		}
	}
}
