package phases

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/job"
)

// estimateSample sizes cfg as jacorpus plan does.
func estimateSample(t *testing.T, cfg job.Config) *Sizing {
	t.Helper()
	files, err := job.JobFiles(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SampleInputs(context.Background(), cfg, files, SampleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sz, err := Estimate(cfg, files, s, EstimateOptions{Cores: 2})
	if err != nil {
		t.Fatal(err)
	}
	return sz
}

// countFiles counts the files and directories under dir, by phase
// directory (plan.json under "prepare").
func countFiles(t *testing.T, dir string) map[string]int {
	t.Helper()
	n := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		ph, _, _ := cut(filepath.ToSlash(rel))
		if ph == PlanFile {
			ph = Prepare
		}
		n[ph]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func cut(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// TestEstimateFiles: the files Estimate counts per phase are the files a
// run of the phases leaves under the work directory, for several layouts.
func TestEstimateFiles(t *testing.T) {
	for _, c := range []struct {
		name          string
		tasks, bucket int
		edit          func(*job.Config)
	}{
		{"lines 2x3", 2, 3, func(*job.Config) {}},
		{"exact only 3x2", 3, 2, func(c *job.Config) { c.Dedup.Lines.Enabled, c.Dedup.Near.Enabled = false, false }},
		{"verify exact, index 2x2", 2, 2, func(c *job.Config) {
			c.Dedup.Near.Verify = dedup.VerifyExact
			c.Dedup.Lines.Enabled = false
		}},
		{"index_out 1x4", 1, 4, func(c *job.Config) { c.Dedup.Near.IndexOut = filepath.Join(filepath.Dir(c.Output.Dir), "index") }},
		{"no dedup 2x1", 2, 1, func(c *job.Config) {
			c.Dedup.Lines.Enabled, c.Dedup.Near.Enabled, c.Dedup.Exact = false, false, false
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := sample(t)
			cfg.Phases.Tasks, cfg.Phases.Buckets = c.tasks, c.bucket
			c.edit(&cfg)
			work := filepath.Join(t.TempDir(), "work")
			if _, err := RunAll(context.Background(), cfg, work, job.Options{}); err != nil {
				t.Fatal(err)
			}
			got := countFiles(t, work)
			sz := estimateSample(t, cfg)
			// a part whose documents were all dropped has no spool file,
			// which the estimate cannot know
			empty, _ := filepath.Glob(filepath.Join(work, Filter, "task-*", "part-*", "docs.bin"))
			for _, f := range empty {
				if fi, err := os.Stat(f); err == nil && fi.Size() == 0 {
					got[Filter]++
				}
			}
			for _, p := range sz.Phases {
				if p.WorkFiles != got[p.Name] {
					t.Errorf("phase %s: estimated %d files, the run created %d", p.Name, p.WorkFiles, got[p.Name])
				}
				delete(got, p.Name)
			}
			if len(got) > 0 {
				t.Errorf("files of phases the estimate does not list: %v", got)
			}
		})
	}
}

// TestEstimateBudget: a phase over resources.memory is flagged with a
// task count that fits.
func TestEstimateBudget(t *testing.T) {
	cfg := sample(t)
	cfg.Phases.Tasks, cfg.Phases.Buckets = 2, 1
	cfg.Dedup.Lines.Enabled = false
	big := estimateSample(t, cfg)
	var bk PhaseSizing
	for _, p := range big.Phases {
		if p.Name == Buckets {
			bk = p
		}
	}
	// a budget between the base and the one-bucket task
	cfg.Resources.Memory = "31MiB"
	sz := estimateSample(t, cfg)
	for _, p := range sz.Phases {
		if p.Name != Buckets {
			continue
		}
		if bk.Memory <= 31<<20 {
			t.Skipf("the buckets task needs only %d bytes", bk.Memory)
		}
		if p.FitTasks <= 1 || len(sz.Warnings) == 0 {
			t.Errorf("buckets over the budget (%d bytes): fit %d, warnings %q", p.Memory, p.FitTasks, sz.Warnings)
		}
	}
}
