package sched

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// countVar is the variable taskenv reads for the task count where the
// scheduler gives only the index (taskenv.CountVar; not imported, to keep
// this package a leaf).
const countVar = "JACORPUS_TASK_COUNT"

// render writes the script of phase p, number i of n, with file stem stem.
// opts has been checked (LogDir set).
func render(opts Options, r resolved, p Phase, i, n int, stem string) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	prefix := opts.Kind.prefix()
	for _, d := range directives(opts, r, p, stem) {
		b.WriteString(prefix + " " + d + "\n")
	}
	for _, d := range r.directives {
		b.WriteString(d + "\n")
	}
	fmt.Fprintf(&b, "# jacorpus phase %s (%d of %d): %s.\n", p.Name, i+1, n, describe(opts.Kind, p.Tasks))
	if i > 0 {
		fmt.Fprintf(&b, "# It starts after every task of phase %d succeeded; %s submits the phases in order.\n", i, DriverFile)
	}
	b.WriteString("set -euo pipefail\n")
	b.WriteString("cd " + shellQuote(opts.Dir) + "\n")
	for _, s := range r.setup {
		b.WriteString(s + "\n")
	}
	argv := append(append([]string{}, opts.Command...), "--phase", p.Name)
	if p.Tasks > 1 {
		b.WriteString("export " + countVar + "=" + strconv.Itoa(p.Tasks) + "\n")
		if opts.Kind == PJM {
			argv = append([]string{"mpiexec", "-n", strconv.Itoa(p.Tasks)}, argv...)
		}
	}
	b.WriteString("exec " + shellJoin(argv) + "\n")
	return b.String()
}

// describe says how the tasks of a phase learn their index.
func describe(k Kind, tasks int) string {
	if tasks == 1 {
		return "1 task"
	}
	switch k {
	case Slurm:
		return fmt.Sprintf("%d tasks, a job array; the index is SLURM_ARRAY_TASK_ID", tasks)
	case PBS:
		return fmt.Sprintf("%d tasks, an array job; the index is PBS_ARRAY_INDEX", tasks)
	default:
		return fmt.Sprintf("%d tasks, started by mpiexec; the index is the MPI rank (OMPI_COMM_WORLD_RANK)", tasks)
	}
}

// directives returns the scheduler directives of phase p, without prefix.
func directives(opts Options, r resolved, p Phase, stem string) []string {
	name := opts.JobName + "-" + p.Name
	log := filepath.Join(opts.LogDir, stem)
	var d []string
	add := func(format string, args ...any) { d = append(d, fmt.Sprintf(format, args...)) }
	switch opts.Kind {
	case Slurm:
		add("--job-name=%s", name)
		if p.Tasks > 1 {
			add("--array=0-%d", p.Tasks-1)
			add("--output=%s.%%A_%%a.out", log) // stderr goes with it
		} else {
			add("--output=%s.%%j.out", log)
		}
		if r.queue != "" {
			add("--partition=%s", r.queue)
		}
		if r.account != "" {
			add("--account=%s", r.account)
		}
		if r.time != "" {
			add("--time=%s", r.time)
		}
		if r.nodes > 0 {
			add("--nodes=%d", r.nodes)
		}
		if r.cpus > 0 {
			add("--cpus-per-task=%d", r.cpus)
		}
		if r.memBytes > 0 {
			add("--mem=%s", memory(Slurm, r.memBytes)) // per node: one task's node(s)
		}
	case PBS:
		add("-N %s", name)
		if p.Tasks > 1 {
			add("-J 0-%d", p.Tasks-1) // PBS refuses an array of one subjob
		}
		add("-j oe")
		add("-o %s/", opts.LogDir) // a directory: PBS names the file jobid.OU
		if r.queue != "" {
			add("-q %s", r.queue)
		}
		if r.account != "" {
			add("-P %s", r.account)
		}
		sel := "select=" + strconv.Itoa(max(r.nodes, 1))
		if r.cpus > 0 {
			sel += ":ncpus=" + strconv.Itoa(r.cpus)
		}
		if r.memBytes > 0 {
			sel += ":mem=" + memory(PBS, r.memBytes)
		}
		add("-l %s", sel)
		if r.time != "" {
			add("-l walltime=%s", r.time)
		}
	case PJM:
		add("--name %s", name)
		if r.queue != "" {
			add("-L \"rscgrp=%s\"", r.queue)
		}
		add("-L \"node=%d\"", (p.Tasks+r.tasksPerNode-1)/r.tasksPerNode)
		if r.time != "" {
			add("-L \"elapse=%s\"", r.time)
		}
		if r.memBytes > 0 {
			add("-L \"node-mem=%s\"", memory(PJM, r.memBytes*int64(min(r.tasksPerNode, p.Tasks))))
		}
		if p.Tasks > 1 {
			add("--mpi \"max-proc-per-node=%d\"", min(r.tasksPerNode, p.Tasks))
		}
		if r.account != "" {
			add("-g %s", r.account)
		}
		add("-j")
		add("-o \"%s.%%j.out\"", log)
	}
	return d
}

// shellJoin quotes argv for bash.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// shellQuote returns s as one bash word: as it is when it holds only
// characters bash gives no meaning to, else in single quotes (a single
// quote inside closes the quotes, is escaped and reopens them).
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("_@%+=:,./-", r):
		default:
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
