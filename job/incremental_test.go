package job

import (
	"context"
	"github.com/jacorpus/jacorpus/filters"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/neardup"
	"github.com/jacorpus/jacorpus/shard"
)

// keptIDs reads the ids of every row of a result.
func keptIDs(t *testing.T, res *Result) []string {
	t.Helper()
	var ids []string
	for _, s := range res.Manifest.Shards {
		rows, err := parquet.ReadFile[shard.Row](filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// TestIncremental: corpus A, then batch B deduplicated against A's saved
// index, keeps exactly the B documents one run over A+B keeps.
func TestIncremental(t *testing.T) {
	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 3})
	dir := t.TempDir()
	write := func(name string, docs []neardup.Doc, prefix string) string {
		return neardup.WriteJSONL(t, filepath.Join(dir, name), docs, prefix)
	}
	half := len(docs) / 2
	a, b := write("a.jsonl", docs[:half], "a"), write("b.jsonl", docs[half:], "b")
	base := Default()
	base.Tokenize.Enabled = false
	base.Filters.SetBound("default", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 1})
	base.Dedup.Near.Enabled = true
	run := func(name string, mod func(*Config), inputs ...string) *Result {
		t.Helper()
		cfg := base
		cfg.Inputs = nil
		for _, in := range inputs {
			cfg.Inputs = append(cfg.Inputs, ingest.Input{Path: in})
		}
		cfg.Output.Dir = filepath.Join(dir, name)
		mod(&cfg)
		res, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	index := filepath.Join(dir, "index-a")
	run("a", func(c *Config) { c.Dedup.Near.IndexOut = index }, a)
	incr := run("b", func(c *Config) { c.Dedup.Near.Against = []string{index} }, b)
	whole := run("ab", func(*Config) {}, a, b)

	var want []string
	for _, id := range keptIDs(t, whole) {
		if strings.HasPrefix(id, "b") {
			want = append(want, id)
		}
	}
	got := keptIDs(t, incr)
	dropped := half - len(want)
	t.Logf("B: %d documents, %d removed in one run, %d kept against A's index", len(docs)-half, dropped, len(got))
	if dropped < 50 {
		t.Fatalf("only %d B documents are duplicates of anything: the test set is too easy", dropped)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("against A's index B keeps %d documents, one run over A+B keeps %d of them", len(got), len(want))
	}
	rep := incr.Manifest.Dedup
	if len(rep.Against) != 1 || rep.Against[0].Docs == 0 {
		t.Errorf("manifest against section %+v", rep.Against)
	}

	// a saved index under other parameters is refused, naming the key
	cfg := base
	cfg.Inputs = []ingest.Input{{Path: b}}
	cfg.Output.Dir = filepath.Join(dir, "bad")
	cfg.Dedup.Near.Against = []string{index}
	cfg.Dedup.Near.Seed = 9
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "dedup.near.against[0]") {
		t.Errorf("index of another seed: %v", err)
	}
	// the index directory is not replaced without --overwrite, and then only
	// when it holds nothing but an index
	cfg = base
	cfg.Inputs = []ingest.Input{{Path: a}}
	cfg.Output.Dir = filepath.Join(dir, "a2")
	cfg.Dedup.Near.IndexOut = index
	if _, err := Run(context.Background(), cfg, Options{}); err == nil {
		t.Error("an existing index was replaced without overwrite")
	}
	os.WriteFile(filepath.Join(index, "notes.txt"), []byte("mine"), 0o644)
	cfg.Output.Overwrite = true
	if _, err := Run(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("an index directory with a foreign file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(index, "notes.txt")); err != nil {
		t.Error("the foreign file is gone")
	}
	_ = dedup.IndexFile
}

func TestIndexOutNotAgainst(t *testing.T) {
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: "x.jsonl"}}
	cfg.Dedup.Near.Enabled = true
	cfg.Dedup.Near.Against = []string{"idx/a", "idx/b"}
	cfg.Dedup.Near.IndexOut = "idx/b/"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "against[1]") {
		t.Fatalf("index_out = against[1]: %v", err)
	}
	cfg.Dedup.Near.IndexOut = "idx/c"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestWorkAndIndexLayout: a work directory an input would read, and an
// index directory inside the output, are refused before anything is written.
func TestWorkAndIndexLayout(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	os.WriteFile(filepath.Join(in, "a.jsonl"), []byte(`{"text":"本文です。本文です。本文です。本文です。本文です。本文です。本文です。本文です。本文です。本文です。"}`+"\n"), 0o644)
	cfg := Default()
	cfg.Inputs = []ingest.Input{{Path: in}}
	cfg.Output.Dir = filepath.Join(dir, "out")
	cfg.Dedup.Near.Enabled = true
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"work dir inside the input", func(c *Config) { c.WorkDir = filepath.Join(in, "work") }, "work directory"},
		{"index inside the output", func(c *Config) { c.Dedup.Near.IndexOut = filepath.Join(c.Output.Dir, "idx") }, "index directory"},
	} {
		c := cfg
		tc.mod(&c)
		if _, err := Run(context.Background(), c, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*", ".*")); len(left) > 0 {
			t.Errorf("%s: left %v", tc.name, left)
		}
	}
}
