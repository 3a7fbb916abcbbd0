package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

func jobVersion() string { return job.Version }

// multi collects a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("c", "", "config `file` (YAML)")
		inputs     multi
		output     = fs.String("output", "", "output `dir` (overrides output.dir)")
		workers    = fs.Int("workers", 0, "worker goroutines for parallel stages (0: all cores)")
		overwrite  = fs.Bool("overwrite", false, "replace a previous run's outputs in the output dir")
		rejectsDir = fs.String("rejects", "", "write bad input and dropped documents under `dir`")
		shardRows  = fs.Int64("shard-rows", 0, "close a shard at `n` rows (0: no limit)")
		taskIndex  = fs.Int("task-index", 0, "this task's index `i` (0-based) in a multi-task job")
		taskCount  = fs.Int("task-count", 1, "number of tasks `n` of the job")
		quiet      = fs.Bool("q", false, "log warnings and errors only")
		shardSize  job.ByteSize
	)
	fs.StringVar(configPath, "config", "", "config `file` (YAML), same as -c")
	fs.Var(&inputs, "input", "input `path` (file, directory or glob; repeatable; replaces the config's inputs; positional arguments too)")
	fs.Var(&shardSize, "shard-size", "close a shard at about `size` bytes on disk (e.g. 256MiB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jacorpus run -c config.yaml [flags] [INPUT ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitErr(stderr, err)
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
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["output"] {
		cfg.Output.Dir = *output
	}
	if set["workers"] {
		cfg.Workers = *workers
	}
	if *overwrite {
		cfg.Output.Overwrite = true
	}
	if set["rejects"] {
		cfg.Rejects = *rejectsDir
	}
	if set["shard-size"] {
		cfg.Output.ShardSize = shardSize
	}
	if set["shard-rows"] {
		cfg.Output.ShardRows = *shardRows
	}
	if set["task-index"] {
		cfg.Task.Index = *taskIndex
	}
	if set["task-count"] {
		cfg.Task.Count = *taskCount
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	res, err := job.Run(ctx, cfg, job.Options{Logger: newLogger(stderr, level)})
	if err != nil {
		return exitErr(stderr, err)
	}
	printSummary(stdout, res)
	return 0
}

// printSummary writes the end-of-run table: per stage in/out/dropped with the
// top reasons, then the output.
func printSummary(w io.Writer, res *job.Result) {
	fmt.Fprintf(w, "%-10s %10s %10s %10s %9s  %s\n", "stage", "in", "out", "dropped", "seconds", "top reasons")
	for _, s := range res.Stats.Stages {
		var reasons []string
		for _, r := range s.TopReasons(3) {
			reasons = append(reasons, fmt.Sprintf("%s=%d", r.Reason, r.Count))
		}
		fmt.Fprintf(w, "%-10s %10d %10d %10d %9.2f  %s\n", s.Name, s.DocsIn, s.DocsOut, s.DroppedTotal(), s.WallSeconds, strings.Join(reasons, " "))
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
	t := res.Manifest.Totals
	secs := res.Elapsed.Seconds()
	fmt.Fprintf(w, "\noutput: %s: %d shards, %d rows, %d tokens, %.1f MB\n", res.Dir, t.Shards, t.Rows, t.Tokens, float64(t.Bytes)/1e6)
	text := float64(res.Stats.Stage(pipeline.IngestStage).BytesOut) / 1e6
	fmt.Fprintf(w, "input: %d files, %.1f MB stored, %.1f MB of text in %s: %.2f MB/s of text, %d workers\n",
		res.Files, float64(res.InputBytes)/1e6, text, res.Elapsed.Round(time.Millisecond), text/secs, res.Workers)
}

func rejectsHint(res *job.Result) string {
	if dir := res.Manifest.Run.(job.RunInfo).RejectsDir; dir != "" {
		return ", all in " + dir
	}
	return ""
}
