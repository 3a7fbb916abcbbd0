package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/progress"
	"github.com/jacorpus/jacorpus/report"
	"github.com/jacorpus/jacorpus/taskenv"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal (live bars) rather than a
// file or pipe (a job log: progress lines). TERM=dumb counts as none.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("TERM") != "dumb" && term.IsTerminal(int(f.Fd()))
}

func jobVersion() string { return job.Version }

// hostname names this machine in a phase task's log lines.
func hostname() string {
	h, _ := os.Hostname()
	return h
}

// phaseTaskOf returns the task of phase to run: from --task-index (and
// --task-count) when given, else from the environment of an array job or
// an MPI launcher (package taskenv), else task 0 of a single-task phase.
// A count the flags or the environment do not give is the plan's.
func phaseTaskOf(cfg *job.Config, phase string, indexSet bool, index int, countSet bool, count int, getenv func(string) string) (int, int, error) {
	n, err := phases.Tasks(cfg, phase)
	if err != nil {
		return 0, 0, err
	}
	if indexSet {
		if !countSet {
			count = n
		}
		return index, count, nil
	}
	t, ok, err := taskenv.FromEnv(getenv)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case ok && t.CountKnown:
		return t.Index, t.Count, nil
	case ok:
		return t.Index, n, nil
	case n == 1:
		return 0, 1, nil
	}
	return 0, 0, fmt.Errorf("phase %s has %d tasks: give --task-index, or run it as an array job (Slurm --array, PBS -J, PJM --bulk) or under mpiexec", phase, n)
}

// multi collects a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := job.Default()
	var (
		configPath      = fs.String("c", "", "config `file` (YAML)")
		inputs          multi
		output          = fs.String("output", "", "output `dir` (overrides output.dir)")
		workers         = fs.Int("workers", 0, "worker goroutines for parallel stages (0: all cores)")
		overwrite       = fs.Bool("overwrite", false, "replace a previous run's outputs in the output dir")
		rejectsDir      = fs.String("rejects", "", "write bad input and dropped documents under `dir`")
		shardRows       = fs.Int64("shard-rows", 0, "close a shard at `n` rows (0: no limit)")
		taskIndex       = fs.Int("task-index", 0, "this task's index `i` (0-based) in a multi-task job")
		taskCount       = fs.Int("task-count", 1, "number of tasks `n` of the job")
		maxProblemRatio = fs.Float64("max-problem-ratio", def.MaxProblemRatio, "fail the run when input problem records exceed this share `r` (0 to 1) of the records read")
		maxBadFiles     = fs.Int("max-bad-files", def.MaxBadFiles, "fail the run when more than `n` input files are unreadable, truncated or give no document")
		quiet           = fs.Bool("q", false, "log warnings and errors only, no progress")
		progressEvery   = fs.Duration("progress-every", job.DefaultProgressEvery, "when standard error is not a terminal, log the progress every `interval` (progress_every; on a terminal: live bars); 0: no progress")
		workDir         = fs.String("work-dir", "", "run as phases exchanging files under `dir` (corpus-wide dedup over many tasks)")
		phase           = fs.String("phase", "", "run one task of phase `name` (with --work-dir; the task from --task-index or the scheduler's environment); see --phases")
		phaseTasks      = fs.Int("tasks", 1, "tasks `n` of the phases that read input slices (phases.tasks)")
		phaseBuckets    = fs.Int("buckets", 1, "tasks `m` of the key-range phases (phases.buckets)")
		withReport      = fs.Bool("report", false, "write report.html (jacorpus report) into the output directory with the dataset")
		listPhases      = fs.Bool("phases", false, "print the job's phases in order, one per line as NAME TASKS, and exit")
		shardSize       job.ByteSize
	)
	fs.StringVar(configPath, "config", "", "config `file` (YAML), same as -c")
	fs.Var(&inputs, "input", "input `path` (file, directory or glob; repeatable; replaces the config's inputs; positional arguments too)")
	fs.Var(&shardSize, "shard-size", "close a shard at about `size` bytes on disk (e.g. 256MiB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jacorpus run -c config.yaml [flags] [INPUT ...]")
		fmt.Fprintln(stderr, "       jacorpus run -c config.yaml --phases")
		fmt.Fprintln(stderr, "       jacorpus run -c config.yaml --work-dir DIR [--phase NAME [--task-index I [--task-count N]]]")
		fmt.Fprintln(stderr, "  Under a Slurm/PBS/PJM array job or mpiexec, --phase takes the task from the environment.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	inputs = append(inputs, fs.Args()...)

	cfg := job.Default()
	if *configPath != "" {
		var err error
		if cfg, err = job.Load(*configPath); err != nil {
			return exitErr(stderr, err)
		}
	}
	if len(inputs) > 0 {
		cfg.Inputs = nil
		for _, p := range inputs {
			cfg.Inputs = append(cfg.Inputs, ingest.Input{Path: p})
		}
		cfg.SetByFlag("inputs", "--input")
	}
	// copy every flag given into the config, keyed by its config key
	overrides := []struct {
		flag, key string
		set       func()
	}{
		{"output", "output.dir", func() { cfg.Output.Dir = *output }},
		{"workers", "workers", func() { cfg.Workers = *workers }},
		{"overwrite", "output.overwrite", func() { cfg.Output.Overwrite = *overwrite }},
		{"rejects", "rejects", func() { cfg.Rejects = *rejectsDir }},
		{"shard-size", "output.shard_size", func() { cfg.Output.ShardSize = shardSize }},
		{"shard-rows", "output.shard_rows", func() { cfg.Output.ShardRows = *shardRows }},
		{"task-index", "task.index", func() { cfg.Task.Index = *taskIndex }},
		{"task-count", "task.count", func() { cfg.Task.Count = *taskCount }},
		{"work-dir", "work_dir", func() { cfg.WorkDir = *workDir }},
		{"tasks", "phases.tasks", func() { cfg.Phases.Tasks = *phaseTasks }},
		{"buckets", "phases.buckets", func() { cfg.Phases.Buckets = *phaseBuckets }},
		{"max-problem-ratio", "max_problem_ratio", func() { cfg.MaxProblemRatio = *maxProblemRatio }},
		{"max-bad-files", "max_bad_files", func() { cfg.MaxBadFiles = *maxBadFiles }},
		{"progress-every", "progress_every", func() { cfg.ProgressEvery = *progressEvery }},
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// One task of a phase: --task-index and --task-count are the phase's,
	// not the config's task (which must be 1 in a phased run).
	phaseTask := *phase != ""
	for _, o := range overrides {
		if phaseTask && (o.flag == "task-index" || o.flag == "task-count") {
			continue
		}
		if set[o.flag] {
			o.set()
			cfg.SetByFlag(o.key, "--"+o.flag)
		}
	}
	if *listPhases {
		if err := cfg.Validate(); err != nil {
			return exitErr(stderr, err)
		}
		for _, ph := range phases.Plan(&cfg) {
			fmt.Fprintf(stdout, "%s %d\n", ph.Name, ph.Tasks)
		}
		return 0
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	// Progress goes to stderr, as bars on a terminal, as log lines in a
	// job log; stdout carries only the results. The log writes through
	// the reporter so that its lines print above the bars.
	if err := cfg.Validate(); err != nil { // --progress-every included
		return exitErr(stderr, err)
	}
	var rep *progress.Reporter
	logOut := stderr
	if !*quiet && cfg.ProgressEvery > 0 {
		mode := progress.Log
		if isTerminal(stderr) {
			mode = progress.Bars
		}
		rep = progress.New(progress.Options{Mode: mode, Out: stderr, Every: cfg.ProgressEvery})
		logOut = rep.Writer()
	}
	opts := job.Options{Logger: newLogger(logOut, level)}
	if *withReport { // written into the staging directory: committed with the dataset
		opts.BeforeCommit = report.Write
	}
	var task func() (*job.Result, error)
	var index, count int
	var work string // of a phased run
	switch {
	case *phase != "":
		var terr error
		index, count, terr = phaseTaskOf(&cfg, *phase, set["task-index"], *taskIndex, set["task-count"], *taskCount, os.Getenv)
		if terr != nil {
			return exitErr(stderr, terr)
		}
		opts.Logger = opts.Logger.With("host", hostname())
		task = func() (*job.Result, error) { return phases.RunTask(ctx, cfg, cfg.WorkDir, *phase, index, count, opts) }
	case cfg.WorkDir != "" || (cfg.Dedup.Near.Enabled && cfg.Dedup.Near.Annotate):
		if set["task-index"] {
			return exitErr(stderr, errors.New("--task-index: without --phase, a phased run (--work-dir, or dedup.near.annotate) runs every task of every phase in this process; give --phase NAME to run one task"))
		}
		work = cfg.WorkDir
		if work == "" { // annotate needs the phases: run them under TMPDIR
			var err error
			if work, err = os.MkdirTemp("", "jacorpus-work-"); err != nil {
				return exitErr(stderr, err)
			}
			defer os.RemoveAll(work)
		}
		task = func() (*job.Result, error) { return phases.RunAll(ctx, cfg, work, opts) }
	default:
		task = func() (*job.Result, error) { return job.Run(ctx, cfg, opts) }
	}
	if rep != nil {
		rep.SetLogger(opts.Logger)
		opts.Progress = rep
		rep.Start()
	}
	res, err := task()
	if rep != nil {
		rep.Stop() // before anything is printed: the bars are finished
	}
	switch {
	case err != nil || res != nil:
	case *phase != "":
		fmt.Fprintf(stdout, "phase %s task %d of %d done\n", *phase, index, count)
		return 0
	case work != "":
		fmt.Fprintf(stdout, "every task of the job is done (work dir %s): the dataset in %s is complete\n", work, cfg.Output.Dir)
		return 0
	}
	if errors.Is(err, job.ErrInterrupted) {
		var sc signalCause
		if errors.As(context.Cause(ctx), &sc) {
			fmt.Fprintf(stderr, "jacorpus: interrupted by %v: nothing was committed; the output directory is as it was\n", sc)
			return sc.exitCode()
		}
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	printSummary(stdout, res)
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		fmt.Fprintf(stderr, "jacorpus: %v came after the dataset was committed: the output is complete\n", sc)
	}
	if res.RejectsErr != nil {
		fmt.Fprintf(stderr, "jacorpus: the dataset was committed, but the rejects are incomplete: %v\n", res.RejectsErr)
		return exitRejectsIncomplete
	}
	return 0
}

// printSummary writes the end-of-run table: per stage in/out/dropped with the
// top reasons, then the output.
func printSummary(w io.Writer, res *job.Result) {
	fmt.Fprintf(w, "%-10s %10s %10s %10s %9s %9s  %s\n", "stage", "in", "out", "dropped", "busy s", "MB/s/core", "top reasons")
	for _, s := range res.Stats.Stages {
		var reasons []string
		for _, r := range s.TopReasons(3) {
			reasons = append(reasons, fmt.Sprintf("%s=%d", r.Reason, r.Count))
		}
		// busy seconds are summed over the workers: bytes in per busy
		// second is the stage's speed on one core
		speed := "-"
		if s.BusySeconds > 0 && s.BytesIn > 0 {
			speed = fmt.Sprintf("%.1f", float64(s.BytesIn)/1e6/s.BusySeconds)
		}
		fmt.Fprintf(w, "%-10s %10d %10d %10d %9.2f %9s  %s\n", s.Name, s.DocsIn, s.DocsOut, s.DroppedTotal(), s.BusySeconds, speed, strings.Join(reasons, " "))
	}
	if n := res.Stats.ProblemsTotal; n > 0 {
		fmt.Fprintf(w, "\ninput problems: %d (the first %d in manifest.json%s)\n", n, min(n, pipeline.MaxListedProblems), rejectsHint(res))
		for i, p := range res.Stats.Problems {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more\n", n-10)
				break
			}
			fmt.Fprintf(w, "  %s\n", p.Error())
		}
	}
	printSkipped(w, res.FileStats)
	var bad []string
	for _, f := range res.FileStats {
		if f.Bad() {
			bad = append(bad, "  "+f.String())
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "\nfiles that went wrong as a whole: %d\n%s\n", len(bad), strings.Join(bad, "\n"))
	}
	var skipped []string
	for _, f := range res.FileStats {
		if f.Status == ingest.FileSkipped {
			skipped = append(skipped, "  "+f.String())
		}
	}
	if n := len(skipped); n > 0 {
		if n > 10 {
			skipped = append(skipped[:10], fmt.Sprintf("  … %d more (manifest.json lists them)", n-10))
		}
		fmt.Fprintf(w, "\nfiles skipped (unknown format): %d\n%s\n", n, strings.Join(skipped, "\n"))
	}
	for _, warning := range res.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", warning)
	}
	if rep := res.Manifest.Filters; rep != nil {
		printFilters(w, rep)
	}
	if rep := res.Manifest.Dedup; rep != nil {
		printDedup(w, rep)
	}
	if res.DuplicateIDs > 0 {
		fmt.Fprintf(w, "\nduplicate ids: %d rows have an id an earlier row already has\n", res.DuplicateIDs)
	}
	if r := res.Rejects; r != nil && !r.Complete {
		fmt.Fprintf(w, "\nrejects: %d records written, %d not written (cap %s or a write error)\n", r.Written, r.Omitted, job.ByteSize(r.MaxBytes))
	}
	if task := res.Manifest.Task; task != nil && task.Empty {
		fmt.Fprintf(w, "\ntask %d of %d: no input files (the job has %d files for %d tasks)\n", task.Index, task.Count, task.JobFiles, task.Count)
	}
	t := res.Manifest.Totals
	secs := res.Elapsed.Seconds()
	fmt.Fprintf(w, "\noutput: %s: %d shards, %d rows, %d tokens, %.1f MB\n", res.Dir, t.Shards, t.Rows, t.Tokens, float64(t.Bytes)/1e6)
	// the text read, web pages counted as the text extracted from them
	textBytes := res.Stats.Stage(pipeline.IngestStage).BytesOut
	if ex := res.Stats.Stage(extract.StageName); ex.DocsIn > 0 {
		textBytes += ex.BytesOut - ex.BytesIn
	}
	text := float64(textBytes) / 1e6
	perCore := ""
	if res.CPUSeconds > 0 {
		perCore = fmt.Sprintf(", %.2f MB/s per core (%.1f CPU s)", text/res.CPUSeconds, res.CPUSeconds)
	}
	fmt.Fprintf(w, "input: %d files, %.1f MB stored, %.1f MB of text in %s: %.2f MB/s of text%s, %d workers\n",
		res.Files, float64(res.InputBytes)/1e6, text, res.Elapsed.Round(time.Millisecond), text/secs, perCore, res.Workers)
}

// printFilters lists, per preset, the sources, the documents kept and the
// rules that dropped (drop mode) or would drop (annotate mode) them.
func printFilters(w io.Writer, rep *filters.Report) {
	verb := "dropped by"
	if rep.Mode == filters.Annotate {
		verb = "failing (annotated, all kept)"
	}
	fmt.Fprintf(w, "\nfilters    %-12s %8s %8s  %-28s %s\n", "preset", "docs", "kept", "sources", verb)
	for _, p := range rep.Presets {
		if p.Docs == 0 {
			continue
		}
		var rules []string
		for _, s := range p.Steps {
			if s.Rule != "" && s.Failed > 0 {
				rules = append(rules, fmt.Sprintf("%s=%d", s.Rule, s.Failed))
			}
			if s.Transform != "" && s.Changed > 0 {
				rules = append(rules, fmt.Sprintf("[%s changed %d]", s.Transform, s.Changed))
			}
		}
		src := strings.Join(p.Sources, ",")
		if len(src) > 28 {
			src = src[:27] + "…"
		}
		fmt.Fprintf(w, "           %-12s %8d %8d  %-28s %s\n", p.Name, p.Docs, p.Kept, src, strings.Join(rules, " "))
		for _, off := range p.Off {
			fmt.Fprintf(w, "           %-12s rule off: %s\n", "", off)
		}
	}
}

// printDedup summarizes the manifest's dedup section.
func printDedup(w io.Writer, rep *job.DedupReport) {
	if n := rep.Near; n != nil {
		fmt.Fprintf(w, "\nnear dedup: threshold %g, %d bands × %d rows, verify %s: %d candidates, %d dropped, %d kept by verification; index %.1f MB\n",
			n.Threshold, n.Bands, n.Rows, n.Verify, n.Candidates, n.Dropped, n.Verified, float64(n.IndexBytes+n.SignatureBytes)/1e6)
	}
	for _, a := range rep.Against {
		fmt.Fprintf(w, "deduplicated against %s (%d documents)\n", a.Dir, a.Docs)
	}
	if l := rep.Lines; l != nil {
		fmt.Fprintf(w, "\nboilerplate lines: %d found", l.Boilerplate)
		if l.Docs > 0 {
			fmt.Fprintf(w, " among %d distinct lines of %d documents", l.Distinct, l.Docs)
		}
		fmt.Fprintln(w)
		for i, line := range l.Top {
			if i == 5 {
				fmt.Fprintf(w, "  … %d more in manifest.json\n", len(l.Top)-5)
				break
			}
			fmt.Fprintf(w, "  %6d docs  %s\n", line.Docs, strconv.QuoteToGraphic(line.Text))
		}
	}
}

func rejectsHint(res *job.Result) string {
	if dir := res.Manifest.Run.RejectsDir; dir != "" {
		return ", all in " + dir
	}
	return ""
}

// printSkipped sums the records the input files held that were neither
// documents nor problems (WARC requests, redirects, images…), by reason.
func printSkipped(w io.Writer, files []ingest.FileStats) {
	sum := map[string]int64{}
	var n int64
	for _, f := range files {
		for r, c := range f.Skipped {
			sum[r] += c
			n += c
		}
	}
	if n == 0 {
		return
	}
	reasons := make([]string, 0, len(sum))
	for r := range sum {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return sum[reasons[i]] > sum[reasons[j]] || sum[reasons[i]] == sum[reasons[j]] && reasons[i] < reasons[j]
	})
	for i, r := range reasons {
		reasons[i] = fmt.Sprintf("%s=%d", r, sum[r])
	}
	fmt.Fprintf(w, "\ninput records skipped (not documents): %d (%s)\n", n, strings.Join(reasons, " "))
}
