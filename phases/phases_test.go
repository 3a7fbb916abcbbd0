package phases

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/jacorpus/jacorpus/filters"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/shard"
)

// sample is the bundled sample job with boilerplate lines on (the laws'
// recurring headings) and output under a temporary directory.
func sample(t *testing.T) job.Config {
	t.Helper()
	cfg, err := job.Load("../configs/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path = filepath.Join("..", cfg.Inputs[i].Path)
	}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Lines.Enabled = true
	cfg.Dedup.Lines.MinFraction = 0.05
	cfg.Dedup.Lines.MinDocs = 5
	return cfg
}

// shards returns the bytes of every shard of a result, by file name.
func shards(t *testing.T, res *job.Result) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, s := range res.Manifest.Shards {
		b, err := os.ReadFile(filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		out[s.File] = b
	}
	return out
}

// sameShards checks that the phased run wrote the in-memory run's shards,
// byte for byte.
func sameShards(t *testing.T, mem, res *job.Result) {
	t.Helper()
	a, b := shards(t, mem), shards(t, res)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("in memory %d shards, phased %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("shard %s differs", name)
		}
	}
}

// TestPhasedEqualsInMemory: the sample as 3 lines/signatures tasks and 2
// linesets/buckets tasks gives shards byte-identical to the in-memory run.
func TestPhasedEqualsInMemory(t *testing.T) {
	for _, verify := range []dedup.Verify{dedup.VerifySignature, dedup.VerifyExact, dedup.VerifyNone} {
		t.Run(string(verify), func(t *testing.T) {
			cfg := sample(t)
			cfg.Dedup.Near.Verify = verify
			mem, err := job.Run(context.Background(), cfg, job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			pc := cfg
			pc.Output.Dir = filepath.Join(t.TempDir(), "phased")
			pc.Phases = job.PhasesConfig{Tasks: 3, Buckets: 2, Checkpoints: 2}
			var names []string
			for _, ph := range Plan(&pc) {
				names = append(names, ph.Name)
			}
			if got := strings.Join(names, " "); got != "prepare lines linesets signatures buckets filter finalize" {
				t.Fatalf("plan %s", got)
			}
			res, err := RunAll(context.Background(), pc, t.TempDir(), job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sameShards(t, mem, res)
			mn := *mem.Manifest.Dedup.Near
			pn := res.Manifest.Dedup.Near
			mn.IndexBytes, mn.SignatureBytes, mn.TextBytes = 0, 0, 0
			if pn == nil || *pn != mn {
				t.Errorf("near stats: in memory %+v, phased %+v", mn, pn)
			}
			if a, b := comparable(t, mem.Manifest), comparable(t, res.Manifest); a != b {
				t.Errorf("manifests differ beyond the run section and the in-memory figures:\n%s\n%s", a, b)
			}
			for _, stage := range []string{dedup.StageName, dedup.NearStageName, job.LineStageName} {
				m, p := mem.Stats.Stage(stage), res.Stats.Stage(stage)
				if m.DroppedTotal() != p.DroppedTotal() || m.BytesOut != p.BytesOut {
					t.Errorf("stage %s: in memory %+v, phased %+v", stage, m, p)
				}
			}
			if mem.Stats.Stage(dedup.NearStageName).DroppedTotal() == 0 || mem.Stats.Stage(dedup.StageName).DroppedTotal() == 0 ||
				mem.Stats.Stage(job.LineStageName).BytesOut == mem.Stats.Stage(job.LineStageName).BytesIn {
				for _, s := range mem.Stats.Stages {
					t.Logf("%+v", *s)
				}
				t.Errorf("the sample no longer exercises every dedup")
			}
		})
	}
}

// comparable is a manifest's JSON without what differs between an in-memory
// run and a phased one: the run section, the in-memory near-dedup index
// sizes and the line counts the in-memory run makes itself.
func comparable(t *testing.T, m *job.Manifest) string {
	t.Helper()
	c := *m
	c.Run = nil
	if c.Dedup != nil {
		d := *c.Dedup
		if d.Near != nil {
			n := *d.Near
			n.IndexBytes, n.SignatureBytes, n.TextBytes = 0, 0, 0
			d.Near = &n
		}
		if d.Lines != nil {
			l := *d.Lines
			l.Docs, l.Distinct = 0, 0
			d.Lines = &l
		}
		c.Dedup = &d
	}
	js, err := json.MarshalIndent(&c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestLinesCountTexts: a line counts the distinct texts that have it, so six
// copies of one page do not make its own lines boilerplate, in memory and
// phased alike, while a footer shared by ten different pages goes.
func TestLinesCountTexts(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 6; i++ {
		b.WriteString(`{"text":"この頁だけの見出し\nこの頁だけの本文です。同じ頁が六回写されています。"}` + "\n")
	}
	for i := 0; i < 10; i++ {
		b.WriteString(`{"text":"記事` + string(rune('一'+i)) + `の本文は互いに異なる内容を持っています。番号` + strings.Repeat("あいうえお", i+1) + `\n共通フッター ©サイト"}` + "\n")
	}
	in := filepath.Join(dir, "pages.jsonl")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := job.Default()
	cfg.Inputs = []ingest.Input{{Path: in}}
	cfg.Filters.SetBound("default", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 1})
	cfg.Tokenize.Enabled = false
	cfg.Dedup.Lines = job.LinesConfig{Enabled: true, MinDocs: 5, Top: 5}
	cfg.Output.Dir = filepath.Join(dir, "mem")
	mem, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = filepath.Join(dir, "phased")
	cfg.Phases = job.PhasesConfig{Tasks: 2, Buckets: 3, Checkpoints: 3}
	res, err := RunAll(context.Background(), cfg, filepath.Join(dir, "work"), job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*job.Result{mem, res} {
		rep := r.Manifest.Dedup
		if rep.Lines == nil || len(rep.Lines.Top) != 1 || rep.Lines.Top[0].Text != "共通フッター ©サイト" || rep.Lines.Top[0].Docs != 10 {
			t.Errorf("%s: removed lines %+v, want only the footer from 10 documents", r.Dir, rep.Lines)
		}
	}
	a, p := shards(t, mem), shards(t, res)
	for name := range a {
		if !bytes.Equal(a[name], p[name]) {
			t.Errorf("shard %s differs", name)
		}
	}
}

// TestAnnotate: with dedup.near.annotate, each kept document that others
// were dropped as copies of carries its cluster size: the four encodings of
// 羅生門 make one cluster of 4, the two Aozora editions one of 2, and the
// counts add up to the documents dedup dropped.
func TestAnnotate(t *testing.T) {
	cfg := sample(t)
	cfg.Dedup.Lines.Enabled = false
	cfg.Dedup.Near.Annotate = true
	if _, err := job.Run(context.Background(), cfg, job.Options{}); err == nil || !strings.Contains(err.Error(), "annotate") {
		t.Fatalf("in-memory run with annotate: %v", err)
	}
	cfg.Phases = job.PhasesConfig{Tasks: 2, Buckets: 2, Checkpoints: 1}
	res, err := RunAll(context.Background(), cfg, t.TempDir(), job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	total := 0
	for _, s := range res.Manifest.Shards {
		rows, err := parquet.ReadFile[shard.Row](filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			var meta map[string]string
			if err := json.Unmarshal([]byte(r.Meta), &meta); err != nil {
				t.Fatal(err)
			}
			if c := meta[job.MetaDupCount]; c != "" {
				n, _ := strconv.Atoi(c)
				counts[r.Source] = max(counts[r.Source], n)
				total += n - 1
				if meta[job.MetaDupCluster] == "" {
					t.Errorf("%s: dup_count without dup_cluster", r.ID)
				}
			}
		}
	}
	st := res.Stats
	dropped := st.Stage(dedup.StageName).DroppedTotal() + st.Stage(dedup.NearStageName).DroppedTotal()
	if counts["rashomon"] != 4 || counts["fixture"] < 2 || int64(total) != dropped {
		t.Errorf("cluster sizes by source %v, %d copies counted, %d dropped", counts, total, dropped)
	}
}

// TestForeignLayout: a task under another phase layout (other key ranges)
// than the plan's, or for another saved index, is refused, not mixed in.
func TestForeignLayout(t *testing.T) {
	cfg := sample(t)
	cfg.Dedup.Lines.Enabled = false
	work := t.TempDir()
	cfg.Phases = job.PhasesConfig{Tasks: 2, Buckets: 4, Checkpoints: 4}
	if _, err := RunTask(context.Background(), cfg, work, Prepare, 0, 1, job.Options{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := RunTask(context.Background(), cfg, work, Signatures, i, 2, job.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Phases.Buckets = 2
	_, err := RunTask(context.Background(), cfg, work, Buckets, 0, 2, job.Options{})
	if err == nil || !strings.Contains(err.Error(), "prepared with") || !strings.Contains(err.Error(), "phases 2/2; plan") {
		t.Fatalf("signatures of 4 ranges read as 2: %v", err)
	}

	// the fingerprint follows the saved indexes' descriptions
	idx := filepath.Join(t.TempDir(), "idx")
	os.MkdirAll(idx, 0o755)
	os.WriteFile(filepath.Join(idx, dedup.IndexFile), []byte(`{"tool":"jacorpus","docs":1}`), 0o644)
	cfg.Dedup.Near.Against = []string{idx}
	a, err := job.Fingerprint(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(idx, dedup.IndexFile), []byte(`{"tool":"jacorpus","docs":2}`), 0o644)
	if b, _ := job.Fingerprint(context.Background(), cfg); a == b {
		t.Fatal("a re-saved against index leaves the fingerprint as it was")
	}
}
