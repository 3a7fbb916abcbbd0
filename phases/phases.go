// Package phases runs a job as phases that exchange checksummed files under
// a work directory, so that exact dedup, near dedup and boilerplate lines
// are decided over the whole job while no process holds the whole corpus.
// The dataset is byte-identical to the one an in-memory run (job.Run in
// one process, one task) writes.
//
// Contract:
//
//   - Plan lists the phases a config needs, in order, with their task counts
//     (N = phases.tasks, M = phases.buckets, F = task.count):
//
//     lines       N  input slice i after normalize → (line key, text key) of every
//     distinct eligible line, by line-key range
//     linesets    M  line-key range j → the boilerplate line keys
//     signatures  N  input slice i up to dedup → (band key, doc key) by band-key
//     range, (exact key, doc key) by exact-key range, signatures
//     buckets     M  key range j → the documents whose key an earlier one has
//     (verified on the signatures for near dedup)
//     filter      F  input slice i again → the dataset, without what buckets
//     decided (job.Run with job.Options.Phased)
//     index       1  with dedup.near.index_out: the buckets tasks' parts of
//     the LSH index → the saved index
//
//   - RunTask runs task i of one phase. It reads only files of earlier
//     phases and writes only WORK/PHASE/task-IIIII, which appears complete or
//     not at all (written under a temporary name, renamed into place);
//     running a task again replaces its directory, nothing else.
//
//   - Every file is an internal/workfile file (checksummed blocks) stamped
//     with the job's fingerprint (job.Fingerprint). A missing, corrupt,
//     truncated or foreign file is refused with its path and the phase and
//     task that must run (again); only that task needs re-running.
//
//   - RunAll runs every task of every phase in order in this process.
//
// The rule that makes this work is the one dedup states: a document is
// dropped when the earliest document with one of its keys came before it
// (and, for near dedup, is similar enough), counting every document that
// reached dedup. Each key range can apply it alone; a document is dropped
// when any range says so.
package phases

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jacorpus/jacorpus/job"
)

// Phase names.
const (
	Lines      = "lines"
	LineSets   = "linesets"
	Signatures = "signatures"
	Buckets    = "buckets"
	Filter     = "filter"
	// Index assembles the saved index (dedup.near.index_out) from the
	// parts the buckets tasks wrote.
	Index = "index"
)

// Phase is one phase of a plan.
type Phase struct {
	Name  string
	Tasks int
}

// Plan returns the phases cfg needs in order. A config without exact dedup,
// near dedup or boilerplate lines has only the filter phase.
func Plan(cfg *job.Config) []Phase {
	var p []Phase
	if cfg.Dedup.Lines.Enabled {
		p = append(p, Phase{Lines, cfg.Phases.Tasks}, Phase{LineSets, cfg.Phases.Buckets})
	}
	if cfg.Dedup.Exact || cfg.Dedup.Near.Enabled {
		p = append(p, Phase{Signatures, cfg.Phases.Tasks}, Phase{Buckets, cfg.Phases.Buckets})
	}
	p = append(p, Phase{Filter, cfg.Task.Count})
	if cfg.Dedup.Near.Enabled && cfg.Dedup.Near.IndexOut != "" {
		p = append(p, Phase{Index, 1})
	}
	return p
}

// Tasks returns the task count of the named phase in cfg's plan.
func Tasks(cfg *job.Config, name string) (int, error) {
	var names []string
	for _, ph := range Plan(cfg) {
		if ph.Name == name {
			return ph.Tasks, nil
		}
		names = append(names, ph.Name)
	}
	return 0, fmt.Errorf("phase %q is not in this job's plan (%v)", name, names)
}

// RunTask runs task index of the named phase with work as the work
// directory. count must be the phase's task count in the plan (it is
// checked so that a scheduler script and the config cannot disagree). The
// filter phase returns the run's result; the others return nil.
func RunTask(ctx context.Context, cfg job.Config, work, name string, index, count int, opts job.Options) (*job.Result, error) {
	cfg.WorkDir = work
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if work == "" {
		return nil, fmt.Errorf("phase %s: no work directory (--work-dir or work_dir)", name)
	}
	n, err := Tasks(&cfg, name)
	if err != nil {
		return nil, err
	}
	if count != n || index < 0 || index >= n {
		return nil, fmt.Errorf("phase %s has %d tasks in this config; task %d of %d does not fit", name, n, index, count)
	}
	fp, err := job.Fingerprint(ctx, cfg)
	if err != nil {
		return nil, err
	}
	t := &task{cfg: cfg, work: work, phase: name, index: index, count: count, fp: fp, opts: opts}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t.log = log.With("phase", name, "task", fmt.Sprintf("%d/%d", index, count))
	start := time.Now()
	t.log.Info("phase task", "work_dir", work)
	switch name {
	case Lines:
		err = t.lines(ctx)
	case LineSets:
		err = t.linesets(ctx)
	case Signatures:
		err = t.signatures(ctx)
	case Buckets:
		err = t.buckets(ctx)
	case Index:
		err = t.saveIndex(ctx)
	default:
		return t.filter(ctx)
	}
	if err == nil {
		t.log.Info("phase task done", "dir", taskDir(work, name, index), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	}
	return nil, err
}

// RunAll runs every task of every phase of cfg's plan in order and returns
// the results of the filter tasks.
func RunAll(ctx context.Context, cfg job.Config, work string, opts job.Options) ([]*job.Result, error) {
	var results []*job.Result
	for _, ph := range Plan(&cfg) {
		for i := 0; i < ph.Tasks; i++ {
			res, err := RunTask(ctx, cfg, work, ph.Name, i, ph.Tasks, opts)
			if err != nil {
				return results, err
			}
			if res != nil {
				results = append(results, res)
			}
		}
	}
	return results, nil
}

// task is one task of one phase.
type task struct {
	cfg          job.Config
	work, phase  string
	index, count int
	fp           string
	opts         job.Options
	log          *slog.Logger
}
