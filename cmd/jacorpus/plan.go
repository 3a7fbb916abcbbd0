package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
)

// cmdPlan prints what every phase of a job will need before it is
// submitted: tasks, memory and time per task, CPU hours, bytes and files
// written (phases.Estimate over the input sizes and a sample of the input).
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("c", "", "config `file` (YAML); its resources: section gives the memory budget and cores per task")
		tasks      = fs.Int("tasks", 0, "tasks `n` of the slice phases (phases.tasks; 0: the config's)")
		buckets    = fs.Int("buckets", 0, "tasks `m` of the key-range phases (phases.buckets; 0: the config's, or --tasks when the config leaves it at 1)")
		workDir    = fs.String("work-dir", "", "the job's work `dir` (overrides work_dir; only named in the output)")
		cores      = fs.Int("cores", 0, "cores per task when resources.cpus and workers are unset (0: this machine's)")
		sampleMB   = fs.Int("sample-mb", 8, "read at most `n` MiB of text from each sampled file")
		asJSON     = fs.Bool("json", false, "print the sizing as JSON")
	)
	fs.StringVar(configPath, "config", "", "config `file`, same as -c")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jacorpus plan -c config.yaml [--tasks N] [--buckets M] [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if *configPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg, err := job.Load(*configPath)
	if err != nil {
		return exitErr(stderr, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	applyLayout(&cfg, set, *tasks, *buckets) // as submit does
	if *workDir != "" {
		cfg.WorkDir = *workDir
		cfg.SetByFlag("work_dir", "--work-dir")
	}
	if cfg.Task.Count != 1 {
		return exitErr(stderr, phases.ErrTaskCount)
	}
	files, err := job.JobFiles(ctx, cfg)
	if err != nil {
		return exitErr(stderr, err)
	}
	if len(files) == 0 {
		return exitErr(stderr, errors.New("plan: the job has no input file"))
	}
	sample, err := phases.SampleInputs(ctx, cfg, files, phases.SampleOptions{TextPerFile: int64(*sampleMB) << 20})
	if err != nil {
		return exitErr(stderr, err)
	}
	c := *cores
	if c <= 0 {
		c = runtime.NumCPU()
	}
	sz, err := phases.Estimate(cfg, files, sample, phases.EstimateOptions{Cores: c})
	if err != nil {
		return exitErr(stderr, err)
	}
	if *asJSON {
		js, _ := json.MarshalIndent(struct {
			*phases.Sizing
			Sample phases.Sample `json:"sample"`
		}{sz, sample}, "", "  ")
		fmt.Fprintln(stdout, string(js))
		return 0
	}
	printSizing(stdout, sz, cfg.WorkDir)
	return 0
}

// printSizing writes the plan table.
func printSizing(w io.Writer, sz *phases.Sizing, work string) {
	budget := "none (resources.memory unset)"
	if sz.Budget > 0 {
		budget = size(sz.Budget)
	}
	fmt.Fprintf(w, "input: %d files, %s stored → about %s of text in %s documents\n",
		sz.Files, size(sz.InputBytes), size(sz.TextBytes), count(sz.Docs))
	fmt.Fprintf(w, "per task: %d cores, %d workers; memory budget %s\n", sz.Cores, sz.Workers, budget)
	if work != "" {
		fmt.Fprintf(w, "work dir: %s\n", work)
	}
	fmt.Fprintf(w, "\n%-11s %6s %10s %10s %9s %11s %7s %11s %7s\n", "phase", "tasks", "mem/task", "time/task", "CPU h", "work bytes", "files", "output", "files")
	row := func(p phases.PhaseSizing) {
		mark := ""
		if sz.Budget > 0 && p.Memory > sz.Budget {
			mark = " !"
		}
		out, outFiles := "-", "-"
		if p.OutputFiles > 0 {
			out, outFiles = size(p.OutputBytes), fmt.Sprint(p.OutputFiles)
		}
		work, workFiles := "-", "-"
		if p.WorkFiles > 0 {
			work, workFiles = size(p.WorkBytes), fmt.Sprint(p.WorkFiles)
		}
		fmt.Fprintf(w, "%-11s %6d %10s %10s %9.2f %11s %7s %11s %7s%s\n", p.Name, p.Tasks, size(p.Memory), duration(p.WallSeconds),
			p.TotalCPUSeconds/3600, work, workFiles, out, outFiles, mark)
	}
	var tot phases.PhaseSizing
	tot.Name = "total"
	for _, p := range sz.Phases {
		row(p)
		tot.Tasks += p.Tasks
		tot.Memory = max(tot.Memory, p.Memory)
		tot.WallSeconds += p.WallSeconds
		tot.TotalCPUSeconds += p.TotalCPUSeconds
		tot.WorkBytes += p.WorkBytes
		tot.WorkFiles += p.WorkFiles
		tot.OutputBytes += p.OutputBytes
		tot.OutputFiles += p.OutputFiles
	}
	row(tot)
	fmt.Fprintln(w, "  (total: the most memory of a task; the time if every phase's tasks run at once, one after the other)")
	fmt.Fprintln(w)
	row(sz.OneProcess)
	for _, p := range sz.Phases {
		if p.Imbalance > 1.05 {
			fmt.Fprintf(w, "phase %s: the largest task has %.2f× the mean text\n", p.Name, p.Imbalance)
		}
	}
	for _, warning := range sz.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", warning)
	}
}

// size formats bytes with a binary unit.
func size(b int64) string {
	f := float64(b)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if f < 1024 || u == "TiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", b)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1024
	}
	return ""
}

// count formats a document count.
func count(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// duration formats seconds as s, m:ss or h:mm:ss.
func duration(s float64) string {
	t := int64(s + 0.5)
	switch {
	case s < 60:
		return fmt.Sprintf("%.1fs", s)
	case t < 3600:
		return fmt.Sprintf("%dm%02ds", t/60, t%60)
	}
	return fmt.Sprintf("%dh%02dm", t/3600, t%3600/60)
}
