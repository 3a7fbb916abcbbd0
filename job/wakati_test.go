package job

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/shard"
	"github.com/jacorpus/jacorpus/tokenize"
)

// TestWakatiColumn: with tokenize.wakati the shards gain a wakati column
// holding each document's morphemes separated by spaces: the text without
// its whitespace, cut where the tokens column counts; without it the schema
// is the usual six columns. wakati without tokenize is a config error.
func TestWakatiColumn(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/sample/fixture_docs.jsonl"}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Tokenize.Wakati = true
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := tokenize.New(tokenize.DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, s := range res.Manifest.Shards {
		path := filepath.Join(res.Dir, s.File)
		f := openParquet(t, path)
		if got := strings.Join(columnNames(f), ","); got != "id,text,source,url,meta,tokens,wakati" {
			t.Fatalf("%s: columns %s", s.File, got)
		}
		wr, err := parquet.ReadFile[shard.WakatiRow](path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range wr {
			rows++
			if want := strings.Join(tk.Wakati(r.Text), " "); r.Wakati != want {
				t.Fatalf("%s: wakati differs from the tokenizer's", r.ID)
			}
			if noSpace(r.Wakati) != noSpace(r.Text) || (r.Tokens > 0) != (r.Wakati != "") {
				t.Fatalf("%s: wakati %q… is not the text's morphemes", r.ID, r.Wakati[:min(60, len(r.Wakati))])
			}
		}
	}
	if got := strings.Join(res.Manifest.Schema, ","); got != "id,text,source,url,meta,tokens,wakati" {
		t.Errorf("manifest schema %s", got)
	}
	if rows != int(res.Manifest.Totals.Rows) || rows < 80 {
		t.Fatalf("%d rows read", rows)
	}

	cfg.Tokenize.Wakati = false
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	res, err = Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(columnNames(openParquet(t, filepath.Join(res.Dir, res.Manifest.Shards[0].File))), ","); got != "id,text,source,url,meta,tokens" {
		t.Fatalf("without wakati: columns %s", got)
	}

	cfg.Tokenize.Enabled, cfg.Tokenize.Wakati = false, true
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "tokenize.wakati: needs tokenize.enabled") {
		t.Errorf("wakati without tokenize: %v", err)
	}
}

func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	b := mustRead(t, path)
	f, err := parquet.OpenFile(strings.NewReader(string(b)), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func columnNames(f *parquet.File) []string {
	var out []string
	for _, c := range f.Schema().Fields() {
		out = append(out, c.Name())
	}
	return out
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
