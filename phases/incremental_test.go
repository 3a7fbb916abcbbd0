package phases

import (
	"context"
	"github.com/jacorpus/jacorpus/filters"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/neardup"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/shard"
)

func ids(t *testing.T, results ...*job.Result) []string {
	t.Helper()
	var out []string
	for _, res := range results {
		for _, s := range res.Manifest.Shards {
			rows, err := parquet.ReadFile[shard.Row](filepath.Join(res.Dir, s.File))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out = append(out, r.ID)
			}
		}
	}
	return out
}

// TestPhasedIncremental: corpus A run as phases saves its index; batch B,
// as phases against it (other task counts), and in memory against it,
// keeps exactly the B documents one in-memory run over A+B keeps.
func TestPhasedIncremental(t *testing.T) {
	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 5})
	dir := t.TempDir()
	write := func(name string, docs []neardup.Doc, prefix string) string {
		return neardup.WriteJSONL(t, filepath.Join(dir, name), docs, prefix)
	}
	half := len(docs) / 2
	// several files per corpus, so that tasks get different slices
	a := []string{write("a1.jsonl", docs[:half/2], "a1-"), write("a2.jsonl", docs[half/2:half], "a2-")}
	b := []string{write("b1.jsonl", docs[half:half+half/3], "b1-"), write("b2.jsonl", docs[half+half/3:], "b2-")}
	cfgFor := func(name string, inputs []string) job.Config {
		cfg := job.Default()
		cfg.Tokenize.Enabled = false
		cfg.Filters.SetBound("default", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 1})
		cfg.Dedup.Near.Enabled = true
		for _, in := range inputs {
			cfg.Inputs = append(cfg.Inputs, ingest.Input{Path: in})
		}
		cfg.Output.Dir = filepath.Join(dir, name)
		return cfg
	}
	ctx := context.Background()

	whole, err := job.Run(ctx, cfgFor("ab", append(slices.Clone(a), b...)), job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, id := range ids(t, whole) {
		if strings.HasPrefix(id, "b") {
			want = append(want, id)
		}
	}

	ca := cfgFor("a", a)
	ca.Phases = job.PhasesConfig{Tasks: 2, Buckets: 3, Checkpoints: 3}
	ca.Dedup.Near.IndexOut = filepath.Join(dir, "index-a")
	if got := Plan(&ca); !slices.Contains(got, Phase{Index, 1}) {
		t.Fatalf("plan %v has no index phase", got)
	}
	if _, err := RunAll(ctx, ca, filepath.Join(dir, "work-a"), job.Options{}); err != nil {
		t.Fatal(err)
	}

	cb := cfgFor("b", b)
	cb.Phases = job.PhasesConfig{Tasks: 3, Buckets: 2, Checkpoints: 2}
	cb.Dedup.Near.Against = []string{ca.Dedup.Near.IndexOut}
	res, err := RunAll(ctx, cb, filepath.Join(dir, "work-b"), job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep := res.Manifest.Dedup; rep == nil || len(rep.Against) != 1 || rep.Against[0].Docs == 0 {
		t.Errorf("%s: manifest dedup section %+v does not list the saved index", res.Dir, res.Manifest.Dedup)
	}
	got := ids(t, res)
	if len(want) == len(docs)-half {
		t.Fatal("no B document is a duplicate: the test set is too easy")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("phased against A's index B keeps %d documents, one run over A+B keeps %d", len(got), len(want))
	}

	cm := cfgFor("b-mem", b)
	cm.Dedup.Near.Against = cb.Dedup.Near.Against
	mem, err := job.Run(ctx, cm, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(t, mem); !slices.Equal(got, want) {
		t.Fatalf("in memory against the phased index B keeps %d documents, want %d", len(got), len(want))
	}
	mn := *mem.Manifest.Dedup.Near
	mn.IndexBytes, mn.SignatureBytes, mn.TextBytes = 0, 0, 0
	if pn := res.Manifest.Dedup.Near; pn == nil || *pn != mn || mn.Candidates < 50 {
		t.Errorf("near stats: in memory %+v, phased %+v", mn, pn)
	}
	t.Logf("B: %d documents, %d kept; near stats %+v", len(docs)-half, len(want), mn)
}
