// Package job runs one jacorpus job from a Config: it expands the inputs,
// takes this task's slice of them, wires ingest → normalize → dedup → filters
// → tokenize → shard on a pipeline.Runner, and commits the shards and the
// manifest. The CLI is a thin layer over Run; other Go tools can call it too.
package job

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jacorpus/jacorpus/commit"
	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/cputime"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/profile"
	"github.com/jacorpus/jacorpus/progress"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
	"github.com/jacorpus/jacorpus/tokenize"
)

// Version is the jacorpus version written into manifests.
const Version = "0.1.0-dev"

// Options are the run's non-config settings.
type Options struct {
	// Logger receives milestones; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is told every activity of the run (reading,
	// writing shards, assembling) with a probe of its live counters, for a
	// display (package progress). It changes nothing written.
	Progress progress.Meter
	// Phased, when set, makes the run the filter phase of a phased job
	// (package phases): dedup and boilerplate lines apply what the earlier
	// phases decided over the whole job.
	Phased *Phased
	// Files, when set, is the job's file list as a plan recorded it
	// (expanded and sliced): the run takes its task's slice of it instead
	// of expanding the inputs again.
	Files []ingest.File
	// Range, when set (Hi > 0), makes the run read files Lo..Hi-1 of the
	// job's file list instead of its task's slice: one checkpoint of a
	// phased write task (package phases).
	Range FileRange
	// Part, when set, makes the run a write task of a phased job: its
	// surviving documents are spooled into this directory with part.json
	// and ids.bin (see PartInfo) for Finalize, nothing is committed to the
	// output directory and the input is judged by Finalize, over the job.
	Part string
	// BeforeCommit, when set, is called by Run and Finalize with the
	// staging directory and the manifest once the manifest is written
	// there, before the commit: a file it writes into dir is committed
	// with the dataset (it must be one shard.Owned and shard.Verify know,
	// such as shard.ReportName). An error fails the run.
	BeforeCommit func(dir string, m *Manifest) error
}

// FileRange is files Lo..Hi-1 of a job's file list.
type FileRange struct{ Lo, Hi int }

// Phased holds what the earlier phases of a job decided.
type Phased struct {
	// Boilerplate is the set of boilerplate lines (nil without dedup.lines).
	Boilerplate *lines.Set
	// Exact and Near report whether the document with a key is an exact or
	// a near duplicate; they must be safe for concurrent use.
	Exact, Near func(pipeline.Key) bool
	// Clusters counts, per kept document, the documents dropped as its
	// copies (dedup.near.annotate).
	Clusters map[pipeline.Key]int64
	// Against describes the saved indexes the buckets phase used, and
	// NearStats what it decided, for the manifest.
	Against   []AgainstIndex
	NearStats *dedup.NearStats
	// NearPairs are the (document, the earliest it repeats) pairs of the
	// job's near duplicates, by document (dedup.Near.Reps' form), for the
	// profile's clusters; nil without near dedup.
	NearPairs [][2]uint64
}

// Meta keys written by dedup.near.annotate.
const (
	MetaDupCluster = "dup_cluster"
	MetaDupCount   = "dup_count"
)

// ErrAnnotateNeedsPhases is returned by Run for dedup.near.annotate without
// the phases: see package phases.
var ErrAnnotateNeedsPhases = errors.New("dedup.near.annotate needs every decision before the first document is written: run the phases (package phases; jacorpus run does it by itself)")

// Result is what a finished run produced.
type Result struct {
	// Dir is where the shards and the manifest were committed.
	Dir      string
	Manifest *Manifest
	Stats    *pipeline.Stats
	// Files is the number of input files of this task; FirstFile the
	// ordinal of the first in the job's file list.
	Files, FirstFile int
	Workers          int
	Elapsed          time.Duration
	// CPUSeconds is the CPU time (user and system, all threads) the
	// process spent during the run; with Elapsed and the text read it gives
	// the throughput per core.
	CPUSeconds float64
	// InputBytes is the size of this task's input files as stored.
	InputBytes int64
	// FileStats tells, per input file, what was read and whether the file
	// went wrong as a whole.
	FileStats []ingest.FileStats
	// DuplicateIDs counts documents written with an id an earlier written
	// document of this task already had.
	DuplicateIDs int64
	// Rejects is what was written to the rejects directory (nil without one).
	Rejects *rejects.Summary
	// RejectsErr is set when the dataset was committed but the rejects are
	// incomplete (a write error, the size cap) or could not be committed.
	RejectsErr error
	// Warnings are what the output and rejects directories reported that
	// did not stop the run (a leftover that could not be removed, an
	// attribute that could not be kept, no file locks); they are logged too.
	Warnings []string
}

// RunInfo is the manifest's "run" section: facts about this execution that
// do not affect the dataset (and so differ between identical runs).
type RunInfo struct {
	// RunID is random and also written to the rejects' rejects.json, so
	// that a dataset and its rejects can be matched.
	RunID       string    `json:"run_id"`
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	WallSeconds float64   `json:"wall_seconds"`
	Host        string    `json:"host"`
	GoVersion   string    `json:"go_version"`
	OutputDir   string    `json:"output_dir"`
	RejectsDir  string    `json:"rejects_dir,omitempty"`
	// InputPaths are the configured input paths as spelled.
	InputPaths []string `json:"input_paths"`
	// Phases is the phase layout of a phased run (finalize), which decides
	// no byte of the dataset.
	Phases *PhasesConfig `json:"phases,omitempty"`
	// Stages holds each stage's busy time: seconds spent inside the stage,
	// summed over its workers (so it can exceed wall_seconds).
	Stages []StageTime `json:"stages"`
}

// StageTime is one stage's busy time.
type StageTime struct {
	Name        string  `json:"name"`
	BusySeconds float64 `json:"busy_seconds"`
}

// TaskInfo is the manifest's "task" section: which slice of the job's input
// files this task read.
type TaskInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// FirstFile is the index of the task's first file in the job's sorted
	// file list (a Parquet file split by task.slice_bytes counts once per
	// slice); Files is how many it read.
	FirstFile int `json:"first_file"`
	Files     int `json:"files"`
	// JobFiles is the number of files of the whole job, and JobSHA256 a
	// digest of their names and sizes in order: every task of one job
	// has the same (a merge can check that the tasks saw the same input).
	JobFiles  int    `json:"job_files"`
	JobSHA256 string `json:"job_sha256"`
	// Empty is set when the task got no file (more tasks than files).
	Empty bool `json:"empty,omitempty"`
}

// InputFile is one entry of the manifest's input list.
type InputFile struct {
	// Name is the file's stable name (ingest.File.Name).
	Name    string `json:"name"`
	Source  string `json:"source"`
	Ordinal int    `json:"ordinal"`
	// RowGroups is the slice [from, to) of a Parquet file split by
	// task.slice_bytes (ingest.File.RowGroups); absent for a whole file.
	RowGroups [2]int `json:"row_groups,omitzero"`
	Bytes     int64  `json:"bytes"`
	Docs      int64  `json:"docs"`
	Problems  int64  `json:"problems"`
	Status    string `json:"status"`
	// At locates what went wrong with the file as a whole (name:line).
	At string `json:"at,omitempty"`
	// Format is the format the file was read as; Detail says why a file
	// was skipped or could not be read (ingest.FileStats).
	Format string `json:"format,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Skipped counts records that are not documents, by reason (WARC).
	Skipped map[string]int64 `json:"skipped,omitempty"`
}

// ErrInterrupted is wrapped by the error of a run stopped through its context.
var ErrInterrupted = errors.New("interrupted")

// FailedError is the error of a run that read its input but was not
// committed because the input was too bad (see Config.MaxBadFiles,
// Config.MaxProblemRatio), gave no document, or every document was dropped.
type FailedError struct {
	Reasons []string
	// RejectsDir is where the run's rejects were committed, if it had any:
	// they are what the user needs to see why.
	RejectsDir string
}

// Error lists the reasons.
func (e *FailedError) Error() string {
	msg := "run failed, the dataset was not committed:"
	for _, r := range e.Reasons {
		msg += "\n  " + r
	}
	if e.RejectsDir != "" {
		msg += "\n  the rejected records are in " + e.RejectsDir
	}
	return msg
}

// OutputDir returns the directory task t writes to: the configured dir for a
// single-task job, dir/task-NNNNN for task NNNNN of a multi-task job.
func OutputDir(c *Config) string { return taskDir(c, c.Output.Dir) }

// RejectsDir returns the rejects directory of the task, "" without rejects.
func RejectsDir(c *Config) string {
	if c.Rejects == "" {
		return ""
	}
	return taskDir(c, c.Rejects)
}

// Run executes cfg. Nothing appears in the output directory until the run
// has succeeded: the shards and the manifest are written into a staging
// directory beside it and swapped in at the end (see package commit), so a
// failed or interrupted run leaves a previous dataset intact.
func Run(ctx context.Context, cfg Config, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start, cpu0 := time.Now(), cputime.Seconds()
	runID := newRunID()
	all, lo, files, presets, err := taskInputs(ctx, &cfg, opts.Files, opts.Range)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(&cfg, all); err != nil {
		return nil, err
	}
	if opts.Part == "" { // a part's output directory is the job's
		if err := checkTaskSiblings(&cfg); err != nil {
			return nil, err
		}
	}
	if err := preflight(ctx, &cfg, files); err != nil {
		return nil, err
	}
	if cfg.Dedup.Near.Enabled && cfg.Dedup.Near.Annotate && opts.Phased == nil {
		return nil, ErrAnnotateNeedsPhases
	}
	var against []*dedup.SavedIndex
	if cfg.Dedup.Near.Enabled && opts.Phased == nil {
		if against, err = loadAgainst(&cfg, nil); err != nil {
			return nil, err
		}
	}
	stages, err := buildStages(&cfg, presets, stagePlan{phased: opts.Phased, against: against})
	if err != nil {
		return nil, err
	}
	defer closeStages(stages)

	// The output side is ready before any input is read.
	var out *commit.Dir
	outDir, outFinal := opts.Part, opts.Part
	if opts.Part == "" {
		if out, err = commit.Prepare(OutputDir(&cfg), commit.Options{Overwrite: cfg.Output.Overwrite,
			Owned: shard.Owned, What: "output", Index: shard.ManifestName}); err != nil {
			return nil, err
		}
		outDir, outFinal = out.Staging, out.Final
	}
	var rej, idx *commit.Dir
	defer func() { // log what the directories had to say, whatever happened
		for _, d := range []*commit.Dir{out, rej, idx} {
			if d != nil {
				d.Abort()
				warn(log, d)
			}
		}
	}()
	if dir := cfg.Dedup.Near.IndexOut; dir != "" && cfg.Dedup.Near.Enabled && opts.Phased == nil {
		if idx, err = commit.Prepare(dir, commit.Options{Overwrite: cfg.Output.Overwrite,
			Owned: dedup.IndexOwned, What: "index", Index: dedup.IndexFile}); err != nil {
			return nil, err
		}
	}
	var rw *rejects.Writer
	switch dir := RejectsDir(&cfg); {
	case dir != "" && opts.Part != "":
		// a write task's rejects go into its part, for Finalize to merge
		pdir := filepath.Join(opts.Part, PartRejects)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		if rw, err = rejects.Create(pdir, rejects.Options{MaxBytes: int64(cfg.RejectsMaxBytes), RunID: runID}); err != nil {
			return nil, err
		}
	case dir != "":
		if rej, err = commit.Prepare(dir, commit.Options{Overwrite: cfg.Output.Overwrite,
			Owned: rejects.Owned, What: "rejects", Index: rejects.IndexFile}); err != nil {
			return nil, err
		}
		if rw, err = rejects.Create(rej.Staging, rejects.Options{MaxBytes: int64(cfg.RejectsMaxBytes), RunID: runID}); err != nil {
			return nil, err
		}
	}

	workers := pipeline.EffectiveWorkers(cfg.Workers)
	if procs := runtime.GOMAXPROCS(0); workers > procs {
		log.Warn("more workers than usable cores: the stages are CPU-bound, using the core count",
			"workers", workers, "cores", procs)
		workers = procs
	}
	var inBytes int64
	for _, f := range files {
		inBytes += f.Size
	}
	log.Info("run", "files", len(files), "input_bytes", inBytes, "task", fmt.Sprintf("%d/%d", cfg.Task.Index, cfg.Task.Count),
		"workers", workers, "output", outFinal)
	if len(files) == 0 {
		log.Warn("this task's slice of the inputs is empty (more tasks than files)", "task", cfg.Task.Index, "files", len(all))
	}
	if cfg.Task.Count > 1 && opts.Phased == nil && (cfg.Dedup.Exact || cfg.Dedup.Near.Enabled || cfg.Dedup.Lines.Enabled) {
		log.Warn("dedup sees only this task's documents: run the phases (--work-dir) for dedup over the whole job", "task", cfg.Task.Index, "tasks", cfg.Task.Count)
	}

	wopts := writerOptions(&cfg, outDir, workers)
	wopts.SpoolOnly = opts.Part != ""
	wopts.Progress = new(shard.Progress)
	w, err := shard.NewWriter(wopts)
	if err != nil {
		return nil, err
	}
	ids := newIDCheck(w)
	var ls *lineStage
	var counts *lines.Counts
	if cfg.Dedup.Lines.Enabled && len(files) > 0 && opts.Phased == nil {
		if counts, err = countLines(ctx, &cfg, files, workers, log, opts.Progress); err != nil {
			if ctx.Err() != nil {
				err = interrupted(ctx)
			}
			return nil, errors.Join(err, w.Abort())
		}
		ls = &lineStage{set: counts.Select(), top: cfg.Dedup.Lines.Top}
		stages = slices.Insert(stages, 2, pipeline.Stage(ls)) // after extract and normalize
		log.Info("boilerplate lines", "lines", ls.set.Len(), "docs_counted", counts.Docs())
	}
	rec := profile.NewRecorder(cfg.Tokenize.Enabled)
	if opts.Phased != nil && cfg.Dedup.Near.Enabled {
		rec.ExpectClusters(opts.Phased.NearPairs, opts.Phased.Exact)
	}
	runner := &pipeline.Runner{Stages: stages, Sink: rec.Sink(ids), SinkName: sinkName, Workers: workers}
	var next pipeline.Rejects
	if rw != nil {
		next = rw
	}
	runner.Rejects = rec.Rejects(next) // the profile sees every drop
	src := ingest.NewSource(files, cfg.Inputs)
	src.MaxLineBytes, src.MaxDocBytes = int(cfg.MaxRecordBytes), int(cfg.MaxRecordBytes)
	stats, runErr := runReading(ctx, opts.Progress, "reading", runner, src, files) // closes src
	if runErr != nil {
		if ctx.Err() != nil && (errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)) {
			runErr = interrupted(ctx) // a real error that came first is kept as it is
		}
		return nil, errors.Join(runErr, w.Abort())
	}
	stats.Stage(pipeline.IngestStage).BytesIn = inBytes // as stored; the live count depends on decoder read-ahead
	fstats := src.FileStats()
	prof := rec.Profile()
	if n := nearStage(stages); n != nil {
		prof.Clusters = profile.NearClusters(n.Reps(), nil)
	}
	if opts.Part != "" {
		defer progress.Begin(opts.Progress, "saving the part", nil)()
		return writePart(&cfg, opts.Part, w, partState{stages: stages, ids: ids, files: files, fstats: fstats, stats: stats,
			all: all, lo: lo, inBytes: inBytes, workers: workers, start: start, cpu0: cpu0, rw: rw, phased: opts.Phased, profile: prof})
	}
	if err := judge(&cfg, files, fstats, stats); err != nil {
		// nothing is committed but the rejects, which say what went wrong
		if rw != nil {
			if _, rerr := commitRejects(rw, rej); rerr == nil {
				err.RejectsDir = rej.Final
			}
		}
		return nil, errors.Join(err, w.Abort())
	}
	endWrite := progress.Begin(opts.Progress, "writing shards", writing(wopts.Progress))
	infos, err := w.Close()
	endWrite()
	if err != nil {
		return nil, errors.Join(err, w.Abort())
	}

	elapsed, cpu := time.Since(start), cputime.Seconds()-cpu0
	host, _ := os.Hostname()
	mcfg := manifestConfig(cfg)
	digest, err := configDigest(mcfg)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("manifest: %w", err), w.Abort())
	}
	m := &Manifest{Manifest: *shard.NewManifest("jacorpus "+Version, infos)}
	m.Schema = w.Columns()
	m.Sources = w.Sources()
	m.Inputs = inputFiles(files, fstats)
	m.Config = &mcfg
	m.ConfigSHA256 = digest
	m.Stats = stats
	m.Dedup = dedupReport(stages, counts, against, opts.Phased)
	for _, st := range stages {
		if fs, ok := st.(*filters.Stage); ok {
			m.Filters = fs.Report()
		}
	}
	m.Task = &TaskInfo{Index: cfg.Task.Index, Count: cfg.Task.Count, FirstFile: lo, Files: len(files), JobFiles: len(all),
		JobSHA256: jobDigest(all), Empty: len(files) == 0}
	m.DuplicateIDs = ids.dups
	m.Profile = prof
	m.Run = newRunInfo(&cfg, stats, RunInfo{RunID: runID, Workers: workers, Started: start.UTC(), WallSeconds: elapsed.Seconds(), Host: host,
		GoVersion: runtime.Version(), OutputDir: out.Final, RejectsDir: RejectsDir(&cfg)})
	if err := shard.WriteManifest(out.Staging, m); err != nil {
		return nil, err
	}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(out.Staging, m); err != nil {
			return nil, err
		}
	}
	if ctx.Err() != nil { // a stop request before the commit point: honour it
		return nil, interrupted(ctx)
	}
	if idx != nil { // written before the dataset is committed: a failure commits nothing
		if err := nearStage(stages).WriteIndex(idx.Staging); err != nil {
			return nil, fmt.Errorf("saving the index in %s: %w", idx.Final, err)
		}
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	if idx != nil {
		if err := idx.Commit(); err != nil {
			return nil, fmt.Errorf("the dataset was committed, but not the index %s: %w", idx.Final, err)
		}
	}
	log.Info("done", "shards", len(infos), "rows", m.Totals.Rows, "tokens", m.Totals.Tokens, "seconds", fmt.Sprintf("%.1f", elapsed.Seconds()))
	res := &Result{Dir: out.Final, Manifest: m, Stats: stats, Files: len(files), FirstFile: lo, Workers: workers,
		Elapsed: elapsed, CPUSeconds: cpu, InputBytes: inBytes, FileStats: fstats, DuplicateIDs: ids.dups}
	res.Warnings = out.Warnings()
	if rw != nil {
		finishRejects(res, rw, rej)
	}
	return res, nil
}

// finishRejects commits the rejects of a run whose dataset is committed:
// a rejects failure is reported in res (RejectsErr), not fatal.
func finishRejects(res *Result, rw *rejects.Writer, rej *commit.Dir) {
	sum, err := commitRejects(rw, rej)
	res.Rejects = &sum
	if err == nil && !sum.Complete {
		err = fmt.Errorf("rejects: %d records not written: the cap rejects_max_bytes (%s) was reached", sum.Omitted, ByteSize(sum.MaxBytes))
	}
	res.RejectsErr = err
	res.Warnings = append(res.Warnings, rejWarnings(rej)...)
}

// newRunInfo completes run with the input paths as spelled and the stages'
// busy times.
func newRunInfo(cfg *Config, stats *pipeline.Stats, run RunInfo) *RunInfo {
	for _, in := range cfg.Inputs {
		p := in.Path
		if in.PathsFrom != "" {
			p = "paths_from " + in.PathsFrom
		}
		run.InputPaths = append(run.InputPaths, p)
	}
	for _, s := range stats.Stages {
		run.Stages = append(run.Stages, StageTime{Name: s.Name, BusySeconds: s.BusySeconds})
	}
	return &run
}

// taskInputs expands the job's inputs and returns them all, this task's
// slice (starting at ordinal lo) and the filter preset of every source.
func taskInputs(ctx context.Context, cfg *Config, planned []ingest.File, r FileRange) (all []ingest.File, lo int, files []ingest.File, presets map[string]string, err error) {
	if planned != nil {
		return sliceInputs(cfg, planned, r)
	}
	all, err = ingest.ExpandContext(ctx, cfg.Inputs)
	if ctx.Err() != nil {
		return nil, 0, nil, nil, interrupted(ctx)
	}
	if err != nil {
		return nil, 0, nil, nil, err
	}
	if all, err = ingest.SliceParquet(ctx, cfg.Inputs, all, int64(cfg.Task.SliceBytes)); err != nil {
		if ctx.Err() != nil {
			return nil, 0, nil, nil, interrupted(ctx)
		}
		return nil, 0, nil, nil, err
	}
	return sliceInputs(cfg, all, r)
}

// sliceInputs returns this task's slice of the job's files (or the range r
// when set) and the filter preset of every source.
func sliceInputs(cfg *Config, all []ingest.File, r FileRange) (_ []ingest.File, lo int, files []ingest.File, presets map[string]string, err error) {
	if presets, err = presetsBySource(cfg, all); err != nil {
		return nil, 0, nil, nil, err
	}
	if r.Hi > 0 {
		if r.Lo < 0 || r.Lo > r.Hi || r.Hi > len(all) {
			return nil, 0, nil, nil, fmt.Errorf("files %d..%d are not in the job's %d files", r.Lo, r.Hi-1, len(all))
		}
		return all, r.Lo, all[r.Lo:r.Hi], presets, nil
	}
	lo, hi, err := pipeline.Partition(sizes(all), cfg.Task.Index, cfg.Task.Count)
	if err != nil {
		return nil, 0, nil, nil, err
	}
	return all, lo, all[lo:hi], presets, nil
}

// commitRejects closes the rejects writer and commits its directory; the
// error is the first write error or the commit's.
func commitRejects(rw *rejects.Writer, rej *commit.Dir) (rejects.Summary, error) {
	err := rw.Close()
	return rw.Summary(), errors.Join(err, rej.Commit())
}

// warn logs the warnings of a prepared directory.
func warn(log *slog.Logger, d *commit.Dir) {
	for _, w := range d.Warnings() {
		log.Warn(w)
	}
}

func rejWarnings(d *commit.Dir) []string {
	if d == nil {
		return nil
	}
	return d.Warnings()
}

// newRunID returns 16 random hex digits.
func newRunID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// jobDigest is the hex SHA-256 of the job's file names and sizes in order.
func jobDigest(files []ingest.File) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\n", f.Name, f.Size)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sinkName names the shard writer in the stats.
const sinkName = "shard"

func sizes(files []ingest.File) []int64 {
	w := make([]int64, len(files))
	for i, f := range files {
		w[i] = f.Size
	}
	return w
}

// interrupted is the error of a run stopped through ctx.
func interrupted(ctx context.Context) error {
	return fmt.Errorf("%w: nothing was committed (%v)", ErrInterrupted, context.Cause(ctx))
}

// judge fails a run whose input was too bad to trust what it produced, or
// that would commit an empty dataset.
func judge(cfg *Config, files []ingest.File, fstats []ingest.FileStats, stats *pipeline.Stats) *FailedError {
	var reasons []string
	var bad []string
	for _, f := range fstats {
		if f.Bad() {
			bad = append(bad, f.String())
		}
	}
	if len(bad) > cfg.MaxBadFiles {
		r := fmt.Sprintf("%d input files went wrong as a whole (max_bad_files is %d):", len(bad), cfg.MaxBadFiles)
		for i, b := range bad {
			if i == 10 {
				r += fmt.Sprintf("\n    … %d more", len(bad)-10)
				break
			}
			r += "\n    " + b
		}
		reasons = append(reasons, r)
	}
	ing := stats.Stage(pipeline.IngestStage)
	records := ing.DocsIn // documents and problems
	if len(files) > 0 && ing.DocsOut == 0 {
		reasons = append(reasons, fmt.Sprintf("the input gave no document (%d records, all rejected)", records))
	} else if out := stats.Stage(sinkName); len(files) > 0 && out.DocsOut == 0 {
		var drops []string
		for _, s := range stats.Stages {
			for _, r := range s.TopReasons(3) {
				drops = append(drops, fmt.Sprintf("%s %s=%d", s.Name, r.Reason, r.Count))
			}
		}
		reasons = append(reasons, fmt.Sprintf("every one of the %d documents was dropped (%s): the dataset would be empty; check the filters and dedup settings",
			ing.DocsOut, strings.Join(drops, ", ")))
	}
	if records > 0 {
		if ratio := float64(stats.ProblemsTotal) / float64(records); ratio > cfg.MaxProblemRatio {
			reasons = append(reasons, fmt.Sprintf("%d of %d input records (%.1f%%) were problems, more than max_problem_ratio %g",
				stats.ProblemsTotal, records, 100*ratio, cfg.MaxProblemRatio))
		}
	}
	if len(reasons) > 0 {
		return &FailedError{Reasons: reasons}
	}
	return nil
}

func inputFiles(files []ingest.File, fstats []ingest.FileStats) []InputFile {
	out := make([]InputFile, len(files))
	for i, f := range files {
		out[i] = InputFile{Name: f.Name, Source: f.Source, Ordinal: f.Ordinal, RowGroups: f.RowGroups, Bytes: f.Size}
		if i < len(fstats) {
			s := fstats[i]
			out[i].Docs, out[i].Problems, out[i].Status, out[i].At = s.Docs, s.Problems, s.Status, s.At
			out[i].Format, out[i].Detail = s.Format, s.Detail
			out[i].Skipped = s.Skipped
		}
	}
	return out
}

// manifestConfig is the config as the manifest records it: without what
// depends on where the run happened (input paths as spelled, output and
// rejects directories, workers), which is in the run section instead.
func manifestConfig(cfg Config) Config {
	cfg.Inputs = append([]ingest.Input(nil), cfg.Inputs...)
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path, cfg.Inputs[i].PathsFrom, cfg.Inputs[i].Base = "", "", ""
	}
	return cfg
}

// presetsBySource maps every source of the job (all tasks' files, so every
// task decides alike) to its filter preset; an input that gives one source
// two presets is an error.
func presetsBySource(cfg *Config, files []ingest.File) (map[string]string, error) {
	presetOf := map[string]string{}
	inputOf := map[string]int{}
	for _, f := range files {
		in := cfg.Inputs[f.Input]
		preset := in.Preset
		if preset == "" {
			preset = filters.PresetDefault
		}
		if prev, ok := presetOf[f.Source]; ok && prev != preset {
			j := inputOf[f.Source]
			return nil, fmt.Errorf("source %q: inputs[%d] (%s) gives it filter preset %q, inputs[%d] (%s) gives it %q; one source has one preset",
				f.Source, j, cfg.Inputs[j].Path, prev, f.Input, in.Path, preset)
		}
		presetOf[f.Source], inputOf[f.Source] = preset, f.Input
	}
	return presetOf, nil
}

// DedupReport is the manifest's "dedup" section.
type DedupReport struct {
	Near  *dedup.NearStats `json:"near,omitempty"`
	Lines *LinesReport     `json:"lines,omitempty"`
	// Against lists the saved indexes the run was deduplicated against.
	Against []AgainstIndex `json:"against,omitempty"`
}

// AgainstIndex is a saved index a run was deduplicated against.
type AgainstIndex struct {
	Dir     string `json:"dir"`
	Docs    int64  `json:"docs"`
	Entries int64  `json:"entries"`
}

// loadAgainst loads the saved indexes of dedup.near.against (keep selects
// the band keys of a key range; nil: all).
func loadAgainst(cfg *Config, keep func(uint64) bool) ([]*dedup.SavedIndex, error) {
	var out []*dedup.SavedIndex
	for i, dir := range cfg.Dedup.Near.Against {
		s, err := dedup.LoadIndex(dir, cfg.Dedup.Near, keep)
		if err != nil {
			return nil, cfg.errorAt(fmt.Sprintf("dedup.near.against[%d]", i), err)
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadAgainst loads the saved indexes of dedup.near.against, keeping the
// band keys keep selects (nil: all); for the phases of a job.
func LoadAgainst(cfg *Config, keep func(uint64) bool) ([]*dedup.SavedIndex, error) {
	return loadAgainst(cfg, keep)
}

// closeStages closes the stages that hold resources (a temporary file).
func closeStages(stages []pipeline.Stage) {
	for _, s := range stages {
		if c, ok := s.(io.Closer); ok {
			c.Close()
		}
	}
}

// nearStage returns the Near stage among stages.
func nearStage(stages []pipeline.Stage) *dedup.Near {
	for _, s := range stages {
		if n, ok := s.(*dedup.Near); ok {
			return n
		}
	}
	return nil
}

// dedupReport collects what the dedup stages report; nil without any.
func dedupReport(stages []pipeline.Stage, counts *lines.Counts, against []*dedup.SavedIndex, phased *Phased) *DedupReport {
	var r DedupReport
	for _, a := range against {
		r.Against = append(r.Against, AgainstIndex{Dir: a.Dir, Docs: a.Info.Docs, Entries: a.Info.Entries})
	}
	if phased != nil {
		r.Against = append(r.Against, phased.Against...)
		r.Near = phased.NearStats
	}
	for _, s := range stages {
		switch s := s.(type) {
		case *lineStage:
			r.Lines = s.report(counts)
		case *dedup.Near:
			st := s.Stats()
			r.Near = &st
		}
	}
	if r.Near == nil && r.Lines == nil && r.Against == nil {
		return nil
	}
	return &r
}

// stagePlan says what buildStages builds besides the plain in-memory run.
type stagePlan struct {
	// phased: exact and near dedup and boilerplate lines as decided by the
	// earlier phases of a job (the filter phase).
	phased *Phased
	// scan: stop at the dedup point, keeping Signer when near dedup is on
	// (the signatures phase).
	scan bool
	// lines: the boilerplate set of a phased scan.
	lines *lines.Set
	// against: the saved indexes near dedup looks keys up in first.
	against []*dedup.SavedIndex
}

// buildStages returns normalize → [lines] → [dedup] → filters → [dedup] →
// tokenize as configured, with the filter preset of every source.
func buildStages(cfg *Config, presets map[string]string, plan stagePlan) (_ []pipeline.Stage, err error) {
	fs, err := filters.NewStage(cfg.Filters, presets)
	if err != nil {
		return nil, err
	}
	// web pages (WARC responses) become text first; other documents pass
	stages := []pipeline.Stage{extract.Stage{Config: cfg.Extract}, normalize.Stage{Options: cfg.Normalize, KeepRaw: fs.NeedsRaw()}}
	var dd []pipeline.Stage // exact, then near
	defer func() {
		if err != nil {
			closeStages(dd) // a Near with a temporary file
		}
	}()
	set := plan.lines
	if plan.phased != nil {
		set = plan.phased.Boilerplate
	}
	if set != nil {
		stages = append(stages, &lineStage{set: set, top: cfg.Dedup.Lines.Top})
	}
	switch {
	case plan.phased != nil:
		if cfg.Dedup.Exact {
			dd = append(dd, &dedup.Decided{StageName: dedup.StageName, Reason: dedup.ReasonExact, Drop: plan.phased.Exact})
		}
		if cfg.Dedup.Near.Enabled {
			// the signatures phase signed the documents: the stage keeps its
			// place (and its stats, as an in-memory run counts them)
			dd = append(dd, pipeline.MapStage{StageName: dedup.SignStageName, Fn: func(*pipeline.Document) (string, error) { return "", nil }},
				&dedup.Decided{StageName: dedup.NearStageName, Reason: dedup.ReasonNear, Drop: plan.phased.Near})
		}
		if c := plan.phased.Clusters; c != nil {
			dd = append(dd, pipeline.MapStage{StageName: "annotate", Fn: func(d *pipeline.Document) (string, error) {
				if n := c[d.Key]; n > 0 {
					if d.Meta == nil {
						d.Meta = map[string]string{}
					}
					d.Meta[MetaDupCluster] = d.Key.String()
					d.Meta[MetaDupCount] = strconv.FormatInt(n+1, 10)
				}
				return "", nil
			}})
		}
	default:
		if cfg.Dedup.Exact && !plan.scan {
			dd = append(dd, dedup.NewExact())
		}
		if cfg.Dedup.Near.Enabled {
			sign, err := dedup.NewSigner(cfg.Dedup.Near)
			if err != nil {
				return nil, err
			}
			dd = append(dd, sign)
			if !plan.scan {
				near, err := dedup.NewNear(cfg.Dedup.Near, plan.against...)
				if err != nil {
					return nil, err
				}
				dd = append(dd, near)
			}
		}
	}
	if cfg.Dedup.Order == dedup.BeforeFilters {
		stages = append(stages, dd...)
		if plan.scan {
			return stages, nil
		}
	}
	stages = append(stages, fs)
	if cfg.Dedup.Order != dedup.BeforeFilters {
		stages = append(stages, dd...)
	}
	if plan.scan {
		return stages, nil
	}
	if cfg.Tokenize.Enabled {
		stages = append(stages, tokenize.Stage{Options: cfg.Tokenize.Options})
	}
	return stages, nil
}
