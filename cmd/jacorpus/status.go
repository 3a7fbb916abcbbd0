package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
)

// cmdStatus prints which tasks of which phase of a phased job are done,
// running, failed or missing. Exit status 0 when every task is done, 1
// otherwise.
func cmdStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("c", "", "config `file` (its work_dir)")
	workDir := fs.String("work-dir", "", "the job's work `dir` (overrides work_dir)")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jacorpus status (-c config.yaml | --work-dir DIR) [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	work := *workDir
	if work == "" && *configPath != "" {
		cfg, err := job.Load(*configPath)
		if err != nil {
			return exitErr(stderr, err)
		}
		work = cfg.WorkDir
	}
	if work == "" {
		fs.Usage()
		return exitErr(stderr, errors.New("status: no work directory (-c with work_dir, or --work-dir)"))
	}
	plan, st, err := phases.Status(work)
	if err != nil {
		return exitErr(stderr, err)
	}
	complete := true
	for _, p := range st {
		if p.Count(phases.TaskDone) != p.Tasks {
			complete = false
		}
	}
	if *asJSON {
		type phaseJSON struct {
			Name    string         `json:"name"`
			Tasks   int            `json:"tasks"`
			Done    []int          `json:"done"`
			Running []int          `json:"running"`
			Failed  map[int]string `json:"failed"`
			Missing []int          `json:"missing"`
		}
		out := struct {
			WorkDir     string      `json:"work_dir"`
			Fingerprint string      `json:"fingerprint"`
			Complete    bool        `json:"complete"`
			Phases      []phaseJSON `json:"phases"`
		}{WorkDir: work, Fingerprint: plan.Fingerprint, Complete: complete}
		for _, p := range st {
			pj := phaseJSON{Name: p.Name, Tasks: p.Tasks, Done: []int{}, Running: []int{}, Failed: map[int]string{}, Missing: []int{}}
			for i, s := range p.States {
				switch s {
				case phases.TaskDone:
					pj.Done = append(pj.Done, i)
				case phases.TaskRunning:
					pj.Running = append(pj.Running, i)
				case phases.TaskFailed:
					pj.Failed[i] = p.Why[i]
				default:
					pj.Missing = append(pj.Missing, i)
				}
			}
			out.Phases = append(out.Phases, pj)
		}
		js, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(js))
	} else {
		fmt.Fprintf(stdout, "work dir %s: plan of %s, %d input files, %.1f MB, fingerprint %.12s\n",
			work, plan.Created.Format("2006-01-02 15:04:05 MST"), len(plan.Files), float64(plan.Bytes)/1e6, plan.Fingerprint)
		fmt.Fprintf(stdout, "%-11s %6s %6s %8s %7s %8s\n", "phase", "tasks", "done", "running", "failed", "missing")
		var failed []string
		for _, p := range st {
			fmt.Fprintf(stdout, "%-11s %6d %6d %8d %7d %8d%s\n", p.Name, p.Tasks, p.Count(phases.TaskDone), p.Count(phases.TaskRunning),
				p.Count(phases.TaskFailed), p.Count(phases.TaskMissing), listTasks(p))
			idx := make([]int, 0, len(p.Why))
			for i := range p.Why {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			for _, i := range idx {
				failed = append(failed, fmt.Sprintf("  %s task %d: %s", p.Name, i, p.Why[i]))
			}
		}
		for i, f := range failed {
			if i == 0 {
				fmt.Fprintln(stdout, "\nfailed:")
			}
			fmt.Fprintln(stdout, f)
		}
		if complete {
			fmt.Fprintln(stdout, "\nevery task done")
		}
	}
	if !complete {
		return 1
	}
	return 0
}

// listTasks names the tasks not done of a phase (the first few).
func listTasks(p phases.PhaseStatus) string {
	var s string
	n := 0
	for i, st := range p.States {
		if st == phases.TaskDone {
			continue
		}
		if n == 8 {
			return s + " …"
		}
		if n == 0 {
			s = "   not done:"
		}
		s += fmt.Sprintf(" %d(%s)", i, st)
		n++
	}
	return s
}
