// Package phases runs a job as phases that exchange checksummed files under
// a work directory, so that exact dedup, near dedup and boilerplate lines
// are decided over the whole job while no process holds the whole corpus.
// The dataset is byte-identical to the one an in-memory run (job.Run in
// one process, one task) writes.
//
// Contract:
//
//   - Plan lists the phases a config needs, in order, with their task counts
//     (N = phases.tasks, M = phases.buckets):
//
//     prepare     1  the inputs listed once (paths, sizes, mtimes, Parquet
//     slices) with the job's fingerprint → WORK/plan.json
//     lines       N  input slice i after normalize → (line key, text key) of every
//     distinct eligible line, by line-key range
//     linesets    M  line-key range j → the boilerplate line keys
//     signatures  N  input slice i up to dedup → (band key, doc key) by band-key
//     range, (exact key, doc key) by exact-key range, signatures
//     buckets     M  key range j → the documents whose key an earlier one has
//     (verified on the signatures for near dedup)
//     filter      N  input slice i again → a spooled part of the dataset,
//     without what buckets decided (job.Run with Options.Phased and .Part)
//     index       1  with dedup.near.index_out: the buckets tasks' parts of
//     the LSH index → the saved index
//     finalize    1  the parts → the dataset (job.Finalize: merged stats,
//     balanced shards, manifest, committed)
//
//   - RunTask runs task i of one phase. Every phase after prepare reads the
//     plan (never the input tree), refuses a config other than the one
//     prepare saw and an input file changed since, and requires every task
//     of the earlier phases done. It writes only WORK/PHASE/task-IIIII,
//     which appears complete or not at all (written under a temporary name,
//     renamed into place) with done.json last: the checksums of its files.
//     A task whose done.json holds and whose files match it is skipped, so
//     a re-submitted job redoes only what failed, was killed or is corrupt;
//     a failed attempt leaves .task-IIIII.failed (Status reports it).
//
//   - Every file is an internal/workfile file (checksummed blocks) stamped
//     with the plan's fingerprint. A missing, corrupt, truncated or foreign
//     file is refused with its path and the phase and task that must run
//     (again); only that task needs re-running.
//
//   - RunAll runs every task of every phase in order in this process.
//
// The dataset does not depend on N or M: the filter tasks' parts assemble
// into the shards one process writes (shard.Assemble).
//
// The rule that makes this work is the one dedup states: a document is
// dropped when the earliest document with one of its keys came before it
// (and, for near dedup, is similar enough), counting every document that
// reached dedup. Each key range can apply it alone; a document is dropped
// when any range says so.
package phases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/progress"
)

// Phase names.
const (
	// Prepare lists the inputs once into WORK/plan.json.
	Prepare    = "prepare"
	Lines      = "lines"
	LineSets   = "linesets"
	Signatures = "signatures"
	Buckets    = "buckets"
	Filter     = "filter"
	// Index assembles the saved index (dedup.near.index_out) from the
	// parts the buckets tasks wrote.
	Index = "index"
	// Finalize assembles the filter tasks' parts into the dataset.
	Finalize = "finalize"
)

// allPhases are the phase names in the order they run.
var allPhases = [...]string{Prepare, Lines, LineSets, Signatures, Buckets, Filter, Index, Finalize}

// Phase is one phase of a plan.
type Phase struct {
	Name  string `json:"name"`
	Tasks int    `json:"tasks"`
}

// Plan returns the phases cfg needs in order. A config without exact dedup,
// near dedup or boilerplate lines has prepare, filter and finalize.
func Plan(cfg *job.Config) []Phase {
	p := []Phase{{Prepare, 1}}
	if cfg.Dedup.Lines.Enabled {
		p = append(p, Phase{Lines, cfg.Phases.Tasks}, Phase{LineSets, cfg.Phases.Buckets})
	}
	if cfg.Dedup.Exact || cfg.Dedup.Near.Enabled {
		p = append(p, Phase{Signatures, cfg.Phases.Tasks}, Phase{Buckets, cfg.Phases.Buckets})
	}
	p = append(p, Phase{Filter, cfg.Phases.Tasks})
	if cfg.Dedup.Near.Enabled && cfg.Dedup.Near.IndexOut != "" {
		p = append(p, Phase{Index, 1})
	}
	return append(p, Phase{Finalize, 1})
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

// ErrTaskCount is wrapped by the error of a phased run whose config sets
// task.count: the phases write one dataset, phases.tasks sets their tasks.
var ErrTaskCount = errors.New("a phased run writes one dataset: task.count must be 1 (phases.tasks sets the number of tasks)")

// RunTask runs task index of the named phase with work as the work
// directory. count must be the phase's task count in the plan (it is
// checked so that a scheduler script and the config cannot disagree).
// Every phase but prepare reads the plan prepare wrote and refuses a config
// that differs from the one it was written with. A task whose completion
// marker is valid (its files' checksums included) is skipped; a failed,
// killed or corrupt one runs again. Finalize returns the dataset's result;
// the others (and a skipped finalize) return nil.
func RunTask(ctx context.Context, cfg job.Config, work, name string, index, count int, opts job.Options) (*job.Result, error) {
	cfg.WorkDir = work
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if work == "" {
		return nil, fmt.Errorf("phase %s: no work directory (--work-dir or work_dir)", name)
	}
	if cfg.Task.Count != 1 {
		return nil, fmt.Errorf("%w; task.count is %d", ErrTaskCount, cfg.Task.Count)
	}
	n, err := Tasks(&cfg, name)
	if err != nil {
		return nil, err
	}
	if count != n || index < 0 || index >= n {
		return nil, fmt.Errorf("phase %s has %d tasks in this config; task %d of %d does not fit", name, n, index, count)
	}
	label := fmt.Sprintf("phase %s task %d/%d", name, index, count)
	defer progress.Begin(opts.Progress, label, nil)()
	opts.Progress = progress.Prefixed(opts.Progress, label) // the job's activities within the task
	t := &task{cfg: cfg, work: work, phase: name, index: index, count: count, opts: opts}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t.log = log.With("phase", name, "task", fmt.Sprintf("%d/%d", index, count))
	start := time.Now()
	if name == Prepare {
		t.log.Info("phase task", "work_dir", work)
		return nil, t.prepare(ctx)
	}
	if err := t.loadPlan(); err != nil {
		return nil, err
	}
	if ok, why := isDone(work, name, index, count, t.fp, true); ok && t.outputIntact() {
		t.log.Info("phase task already done: skipped", "dir", taskDir(work, name, index))
		return nil, nil
	} else if why != "not done" {
		t.log.Warn("phase task runs again", "why", why)
	}
	if err := t.requireEarlier(); err != nil {
		return nil, err
	}
	t.log.Info("phase task", "work_dir", work)
	var res *job.Result
	switch name {
	case Lines:
		err = t.lines(ctx)
	case LineSets:
		err = t.linesets(ctx)
	case Signatures:
		err = t.signatures(ctx)
	case Buckets:
		err = t.buckets(ctx)
	case Index: // the index is committed in its own directory; the task's holds the marker
		err = t.output(func(string) error { return t.saveIndex(ctx) })
	case Filter:
		res, err = t.filter(ctx)
	case Finalize:
		res, err = t.finalize(ctx)
	}
	if err != nil {
		t.markFailed(err)
		return nil, err
	}
	os.Remove(failedPath(work, name, index))
	t.log.Info("phase task done", "dir", taskDir(work, name, index), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	if name != Finalize {
		return nil, nil
	}
	return res, nil
}

// loadPlan reads the plan and checks that this task's config is the one it
// was written with.
func (t *task) loadPlan() error {
	plan, err := ReadPlan(t.work)
	if err != nil {
		return err
	}
	digest, err := job.ConfigDigest(t.cfg)
	if err != nil {
		return err
	}
	if digest != plan.ConfigSHA256 || plan.Tasks != t.cfg.Phases.Tasks || plan.Buckets != t.cfg.Phases.Buckets {
		return fmt.Errorf("the config differs from the one %s was prepared with (config %.12s, phases %d/%d; plan %.12s, %d/%d): "+
			"run phase prepare again with this config (which starts the job over) or use the original config",
			filepath.Join(t.work, PlanFile), digest, t.cfg.Phases.Tasks, t.cfg.Phases.Buckets, plan.ConfigSHA256, plan.Tasks, plan.Buckets)
	}
	t.plan, t.fp, t.files = plan, plan.Fingerprint, plan.files()
	switch t.phase {
	case Lines, Signatures, Filter:
		return t.checkInputs(t.files)
	}
	return nil
}

// requireEarlier checks that every task of the phases before this one
// completed.
func (t *task) requireEarlier() error {
	for _, ph := range t.plan.Phases {
		if ph.Name == t.phase {
			return nil
		}
		if ph.Name == Prepare {
			continue
		}
		for i := range ph.Tasks {
			if ok, why := isDone(t.work, ph.Name, i, ph.Tasks, t.fp, false); !ok {
				return fmt.Errorf("phase %s task %d of %d is %s: run it before phase %s", ph.Name, i, ph.Tasks, why, t.phase)
			}
		}
	}
	return nil
}

// RunAll runs every task of every phase of cfg's plan in order in this
// process, skipping the tasks a previous attempt completed, and returns
// the dataset's result (nil when finalize had completed before).
func RunAll(ctx context.Context, cfg job.Config, work string, opts job.Options) (*job.Result, error) {
	var res *job.Result
	for _, ph := range Plan(&cfg) {
		for i := 0; i < ph.Tasks; i++ {
			r, err := RunTask(ctx, cfg, work, ph.Name, i, ph.Tasks, opts)
			if err != nil {
				return nil, err
			}
			if r != nil {
				res = r
			}
		}
	}
	return res, nil
}

// task is one task of one phase.
type task struct {
	cfg          job.Config
	work, phase  string
	index, count int
	fp           string
	plan         *JobPlan
	files        []ingest.File
	opts         job.Options
	log          *slog.Logger
	routed       atomic.Int64 // checkpoints routed (progress)
}
