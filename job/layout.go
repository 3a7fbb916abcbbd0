package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
)

// taskDir is dir for a single-task job, dir/task-NNNNN for task NNNNN.
func taskDir(c *Config, dir string) string {
	if c.Task.Count <= 1 {
		return dir
	}
	return filepath.Join(dir, fmt.Sprintf("task-%05d", c.Task.Index))
}

// checkLayout refuses output, rejects, work and index directories that an
// input would read back (a later task or run would ingest the shards, the
// manifest, the rejects or work files), inputs inside them (replacing those
// would take the inputs along), and any two of them nested in each other.
// It looks at the whole job, not at one task.
func checkLayout(cfg *Config, files []ingest.File) error {
	type dir struct{ what, path string }
	dirs := []dir{{"output", cfg.Output.Dir}}
	if cfg.Rejects != "" {
		dirs = append(dirs, dir{"rejects", cfg.Rejects})
	}
	if cfg.WorkDir != "" {
		dirs = append(dirs, dir{"work", cfg.WorkDir})
	}
	if n := cfg.Dedup.Near; n.Enabled && n.IndexOut != "" {
		dirs = append(dirs, dir{"index", n.IndexOut})
	}
	real := make([]string, len(dirs))
	for i, d := range dirs {
		p, err := ingest.RealPath(d.path)
		if err != nil {
			return fmt.Errorf("%s directory %s: %w", d.what, d.path, err)
		}
		real[i] = p
	}
	for i := range dirs {
		for j := i + 1; j < len(dirs); j++ {
			if ingest.Within(real[i], real[j]) || ingest.Within(real[j], real[i]) {
				return fmt.Errorf("%s directory %s and %s directory %s must not be the same or inside each other",
					dirs[i].what, dirs[i].path, dirs[j].what, dirs[j].path)
			}
		}
	}
	// What a run writes there, a task directory included: if an input would
	// read any of it, it reads its own output.
	written := map[string][]string{
		"output":  {shard.ManifestName, "part-00000.parquet"},
		"rejects": {rejects.ProblemsFile, rejects.DroppedFile, rejects.IndexFile},
		"work":    {"signatures/task-00000/bands-00000.wf", "lines/task-00000/part-00000.wf"},
		"index":   {"index.json", "part-00000.wf"},
	}
	for i, d := range dirs {
		for k, in := range cfg.Inputs {
			probes := []string{real[i]}
			for _, name := range written[d.what] {
				probes = append(probes, filepath.Join(real[i], name), filepath.Join(real[i], "task-00000", name))
			}
			for _, p := range probes {
				reads, err := in.Reads(p)
				if err != nil {
					return fmt.Errorf("inputs[%d] (%s): %w", k, in.Path, err)
				}
				if reads {
					return fmt.Errorf("%s directory %s is inside the tree of inputs[%d] (%s): the run would read its own %s back; choose a directory outside the inputs",
						d.what, d.path, k, in.Path, d.what)
				}
			}
		}
		for _, f := range files {
			if p := f.RealPath(); ingest.Within(real[i], p) {
				return fmt.Errorf("input file %s is inside the %s directory %s; replacing that directory would take it along", f.Path, d.what, d.path)
			}
		}
	}
	return nil
}

// preflight opens every regular input file of the task once, so that an
// unreadable file fails the run before anything is read or written (FIFOs
// and devices are skipped: opening them can block).
func preflight(ctx context.Context, cfg *Config, files []ingest.File) error {
	var bad []error
	for _, f := range files {
		if ctx.Err() != nil {
			return interrupted(ctx)
		}
		info, err := os.Stat(f.Path)
		if err == nil && !info.Mode().IsRegular() {
			continue
		}
		if err == nil {
			var fh *os.File
			if fh, err = os.Open(f.Path); err == nil {
				fh.Close()
			}
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("input file %s cannot be read: %w", f.Name, err))
		}
	}
	if len(bad) > cfg.MaxBadFiles {
		return fmt.Errorf("%d input files cannot be read (max_bad_files is %d): %w", len(bad), cfg.MaxBadFiles, errors.Join(bad...))
	}
	return nil
}

// checkTaskSiblings refuses, for a multi-task job, an output or rejects
// directory that holds a single-task dataset or task directories of a job
// with more tasks: the job's directory would mix two datasets.
func checkTaskSiblings(cfg *Config) error {
	if cfg.Task.Count <= 1 {
		return nil
	}
	dirs := []struct{ what, path, index string }{{"output", cfg.Output.Dir, shard.ManifestName}}
	if cfg.Rejects != "" {
		dirs = append(dirs, struct{ what, path, index string }{"rejects", cfg.Rejects, rejects.IndexFile})
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d.path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s directory %s: %w", d.what, d.path, err)
		}
		for _, e := range entries {
			name := e.Name()
			if name == d.index {
				return fmt.Errorf("%s directory %s holds a single-task %s (%s); the %d tasks of this job would write task directories beside it: choose another directory",
					d.what, d.path, d.what, name, cfg.Task.Count)
			}
			var n int
			if _, err := fmt.Sscanf(name, "task-%05d", &n); err == nil && e.IsDir() && len(name) == len("task-00000") && n >= cfg.Task.Count {
				return fmt.Errorf("%s directory %s holds %s, left by a job with more tasks than this one's %d: the two would mix; remove it or choose another directory",
					d.what, d.path, name, cfg.Task.Count)
			}
		}
	}
	return nil
}
