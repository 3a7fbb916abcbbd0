package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
	"github.com/jacorpus/jacorpus/sched"
)

// applyLayout sets phases.tasks and phases.buckets from the --tasks and
// --buckets flags given (set); --tasks alone sets the buckets too when the
// config leaves them at 1. It returns the flags the tasks must be run with
// to see the same layout.
func applyLayout(cfg *job.Config, set map[string]bool, tasks, buckets int) []string {
	var pass []string
	if set["tasks"] {
		cfg.Phases.Tasks = tasks
		cfg.SetByFlag("phases.tasks", "--tasks")
		pass = append(pass, "--tasks", fmt.Sprint(tasks))
		if !set["buckets"] && cfg.Phases.Buckets == 1 {
			buckets, set["buckets"] = tasks, true
		}
	}
	if set["buckets"] {
		cfg.Phases.Buckets = buckets
		cfg.SetByFlag("phases.buckets", "--buckets")
		pass = append(pass, "--buckets", fmt.Sprint(buckets))
	}
	return pass
}

// cmdSubmit writes one batch script per phase of the job (and submit.sh,
// which submits them in order with their dependencies) and, with
// --submit, submits them.
func cmdSubmit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("c", "", "config `file` (YAML); its resources: section sizes every task")
		scheduler  = fs.String("scheduler", "", "`slurm`, pbs (PBS Pro, ABCI) or pjm (Fujitsu PJM, Fugaku)")
		tasks      = fs.Int("tasks", 0, "tasks `n` of the slice phases (phases.tasks; 0: the config's)")
		buckets    = fs.Int("buckets", 0, "tasks `m` of the key-range phases (phases.buckets; 0: the config's, or --tasks when the config leaves it at 1)")
		workDir    = fs.String("work-dir", "", "the job's work `dir` on shared storage (overrides work_dir)")
		output     = fs.String("output", "", "output `dir` (overrides output.dir)")
		scripts    = fs.String("scripts", "", "write the scripts into `dir` (default: WORK/jobs)")
		binary     = fs.String("jacorpus", "", "the jacorpus `binary` the tasks run (default: this one; on Fugaku the linux-arm64 build)")
		name       = fs.String("name", "jacorpus", "job name `prefix`")
		submit     = fs.Bool("submit", false, "submit the scripts in order and print the job ids")
	)
	fs.StringVar(configPath, "config", "", "config `file`, same as -c")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jacorpus submit -c config.yaml --scheduler slurm|pbs|pjm [--tasks N] [--submit]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if *configPath == "" || *scheduler == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	kind, err := sched.ParseKind(*scheduler)
	if err != nil {
		return exitErr(stderr, err)
	}
	cfg, err := job.Load(*configPath)
	if err != nil {
		return exitErr(stderr, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// the flags the tasks must see too, passed on in every script
	pass := applyLayout(&cfg, set, *tasks, *buckets)
	if *workDir != "" {
		cfg.WorkDir = *workDir
		cfg.SetByFlag("work_dir", "--work-dir")
	}
	if *output != "" {
		abs, err := filepath.Abs(*output)
		if err != nil {
			return exitErr(stderr, err)
		}
		cfg.Output.Dir = abs
		cfg.SetByFlag("output.dir", "--output")
		pass = append(pass, "--output", abs)
	}
	if cfg.WorkDir == "" {
		return exitErr(stderr, errors.New("submit: the job needs a work directory on storage every node shares (work_dir or --work-dir)"))
	}
	if err := cfg.Validate(); err != nil {
		return exitErr(stderr, err)
	}
	if cfg.Task.Count != 1 {
		return exitErr(stderr, phases.ErrTaskCount)
	}
	work, err := filepath.Abs(cfg.WorkDir)
	if err != nil {
		return exitErr(stderr, err)
	}
	cfgAbs, err := filepath.Abs(*configPath)
	if err != nil {
		return exitErr(stderr, err)
	}
	bin := *binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return exitErr(stderr, err)
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return exitErr(stderr, err)
	}
	dir := *scripts
	if dir == "" {
		dir = filepath.Join(work, "jobs")
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return exitErr(stderr, err)
	}
	// relative paths in the config resolve against the directory submit
	// ran in: every task changes to it first
	cwd, err := os.Getwd()
	if err != nil {
		return exitErr(stderr, err)
	}
	opts := sched.Options{Kind: kind, Resources: cfg.Resources, JobName: *name, Dir: cwd, LogDir: filepath.Join(dir, "logs"),
		Command: append([]string{bin, "run", "-c", cfgAbs, "--work-dir", work}, pass...)}
	var plan []sched.Phase
	for _, ph := range phases.Plan(&cfg) {
		plan = append(plan, sched.Phase{Name: ph.Name, Tasks: ph.Tasks})
	}
	list, err := sched.Scripts(opts, plan)
	if err != nil {
		return exitErr(stderr, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitErr(stderr, err)
	}
	if err := sched.Write(dir, opts, list); err != nil {
		return exitErr(stderr, err)
	}
	for _, s := range list {
		fmt.Fprintf(stdout, "%-11s %5d tasks  %s\n", s.Phase.Name, s.Phase.Tasks, filepath.Join(dir, s.File))
	}
	if !*submit {
		fmt.Fprintf(stdout, "submit them in order with %s (or jacorpus submit --submit); follow with jacorpus status -c %s --work-dir %s\n",
			filepath.Join(dir, sched.DriverFile), *configPath, work)
		return 0
	}
	ids, err := sched.Submit(ctx, opts, dir, list, sched.Exec)
	for i, id := range ids {
		fmt.Fprintf(stdout, "submitted %-11s job %s\n", list[i].Phase.Name, id)
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}
