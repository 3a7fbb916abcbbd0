package phases

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/neardup"
	"github.com/jacorpus/jacorpus/job"
)

// TestPhasedProfileClusters: on seeded near-duplicate sets of real
// documents (many clusters, copies of copies), the phased run's profile —
// clusters, histograms, samples — equals the in-memory run's for every
// verification mode, and against a saved index the copies of saved
// documents are counted alike.
func TestPhasedProfileClusters(t *testing.T) {
	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 7})
	dir := t.TempDir()
	half := len(docs) / 2
	a := []string{neardup.WriteJSONL(t, filepath.Join(dir, "a1.jsonl"), docs[:half/2], "a1-"),
		neardup.WriteJSONL(t, filepath.Join(dir, "a2.jsonl"), docs[half/2:half], "a2-")}
	b := []string{neardup.WriteJSONL(t, filepath.Join(dir, "b1.jsonl"), docs[half:], "b1-")}
	cfgFor := func(name string, verify dedup.Verify, inputs ...string) job.Config {
		cfg := job.Default()
		cfg.Tokenize.Enabled = false
		cfg.Filters.SetBound("default", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 1})
		cfg.Dedup.Near.Enabled = true
		cfg.Dedup.Near.Verify = verify
		for _, in := range inputs {
			cfg.Inputs = append(cfg.Inputs, ingest.Input{Path: in})
		}
		cfg.Output.Dir = filepath.Join(dir, name)
		return cfg
	}
	profileJSON := func(m *job.Manifest) string {
		js, err := json.Marshal(m.Profile)
		if err != nil {
			t.Fatal(err)
		}
		return string(js)
	}
	ctx := context.Background()
	for _, verify := range []dedup.Verify{dedup.VerifySignature, dedup.VerifyExact, dedup.VerifyNone} {
		t.Run(string(verify), func(t *testing.T) {
			mc := cfgFor("mem-"+string(verify), verify, a...)
			mem, err := job.Run(ctx, mc, job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			pc := cfgFor("phased-"+string(verify), verify, a...)
			pc.Phases = job.PhasesConfig{Tasks: 3, Buckets: 2, Checkpoints: 2}
			if verify == dedup.VerifySignature {
				pc.Dedup.Near.IndexOut = filepath.Join(dir, "index-a")
			}
			ph, err := RunAll(ctx, pc, filepath.Join(dir, "work-"+string(verify)), job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := mem.Manifest.Profile.Clusters
			near := mem.Stats.Stage(dedup.NearStageName).DroppedTotal()
			if c == nil || c.Clusters < 5 || c.Largest < 3 || c.Dropped != near {
				t.Fatalf("in-memory clusters %+v, near dedup dropped %d: want several, some of three or more, every drop in one", c, near)
			}
			if a, b := profileJSON(mem.Manifest), profileJSON(ph.Manifest); a != b {
				t.Errorf("profiles differ:\nin memory %s\nphased    %s", a, b)
			}
			if verify != dedup.VerifySignature {
				return
			}
			// batch B against A's saved index: in memory and phased
			bm := cfgFor("b-mem", verify, b...)
			bm.Dedup.Near.Against = []string{pc.Dedup.Near.IndexOut}
			memB, err := job.Run(ctx, bm, job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			bp := cfgFor("b-phased", verify, b...)
			bp.Dedup.Near.Against = bm.Dedup.Near.Against
			bp.Phases = job.PhasesConfig{Tasks: 2, Buckets: 3, Checkpoints: 2}
			phB, err := RunAll(ctx, bp, filepath.Join(dir, "work-b"), job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if s := memB.Manifest.Profile.Clusters; s == nil || s.Saved == 0 || s.Saved+s.Dropped != memB.Stats.Stage(dedup.NearStageName).DroppedTotal() {
				t.Errorf("against A's index: clusters %+v, near dedup dropped %d", s, memB.Stats.Stage(dedup.NearStageName).DroppedTotal())
			}
			if a, b := profileJSON(memB.Manifest), profileJSON(phB.Manifest); a != b {
				t.Errorf("profiles against a saved index differ:\nin memory %s\nphased    %s", a, b)
			}
		})
	}
}
