package sched

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Resources is what every task of a job asks the scheduler for: the
// `resources:` section of a jacorpus job config. Every field is optional;
// an unset one leaves the scheduler's default.
type Resources struct {
	// Partition is where the jobs queue: Slurm --partition, PBS -q, PJM
	// -L rscgrp. Queue, RscGrp and ResourceType name the same thing in
	// each scheduler's words; those set must agree.
	Partition string `yaml:"partition" json:"partition,omitempty"`
	// Queue is Partition in PBS's word.
	Queue string `yaml:"queue" json:"queue,omitempty"`
	// RscGrp is Partition in PJM's word (Fugaku: "small", "large").
	RscGrp string `yaml:"rscgrp" json:"rscgrp,omitempty"`
	// ResourceType is an ABCI 3.0 resource type (rt_HF, rt_HG, rt_HC).
	// ABCI 3.0 takes it as the queue (#PBS -q rt_HC), so it is Partition
	// in ABCI's word.
	ResourceType string `yaml:"resource_type" json:"resource_type,omitempty"`
	// Account is charged for the jobs: Slurm --account, PBS -P (ABCI's
	// group), PJM -g (Fugaku's group).
	Account string `yaml:"account" json:"account,omitempty"`
	// Time is the wall time limit of one task, HH:MM:SS (hours may exceed
	// 24): Slurm --time, PBS -l walltime, PJM -L elapse.
	Time string `yaml:"time" json:"time,omitempty"`
	// Elapse is PJM's wall time, HH:MM:SS; it overrides Time for PJM and
	// is ignored by Slurm and PBS.
	Elapse string `yaml:"elapse" json:"elapse,omitempty"`
	// Nodes is the number of nodes of one task: Slurm --nodes, PBS
	// select=Nodes. A PJM task is one process, so there it may only be 1.
	Nodes int `yaml:"nodes" json:"nodes,omitempty"`
	// CPUs is the number of cores of one task: Slurm --cpus-per-task, PBS
	// ncpus in the select chunk. PJM gives whole nodes: use TasksPerNode.
	CPUs int `yaml:"cpus" json:"cpus,omitempty"`
	// Memory is the memory of one task on each of its nodes, a size such
	// as "28GiB" ("28G" and "28GiB" are binary, "28GB" decimal): Slurm
	// --mem, PBS mem in the select chunk, PJM -L node-mem (times
	// TasksPerNode).
	Memory string `yaml:"memory" json:"memory,omitempty"`
	// TasksPerNode is how many tasks of a PJM phase share a node
	// (--mpi max-proc-per-node); 0 means 1. Slurm and PBS place each task
	// as a job of its own, so it is PJM's only.
	TasksPerNode int `yaml:"tasks_per_node" json:"tasks_per_node,omitempty"`
	// Directives are extra scheduler directives, one a line: a line that
	// starts with "#" is copied as it is, any other gets the scheduler's
	// prefix ("#SBATCH ", "#PBS ", "#PJM ").
	Directives []string `yaml:"directives" json:"directives,omitempty"`
	// Setup are shell lines run before the command, e.g. "module load x"
	// or "export TMPDIR=/local". They run under set -euo pipefail: wrap a
	// line that reads unset variables in "set +u; ...; set -u".
	Setup []string `yaml:"setup" json:"setup,omitempty"`
}

// Validate checks r for scheduler k and returns every problem found, each
// naming its field (resources.time, resources.memory, ...).
func (r Resources) Validate(k Kind) error {
	if !k.valid() {
		return fmt.Errorf("sched: unknown scheduler kind %d", int(k))
	}
	_, err := r.resolve(k)
	return err
}

// resolved is Resources checked and converted for one scheduler.
type resolved struct {
	queue        string
	account      string
	time         string // HH:MM:SS, the scheduler's own (Elapse for PJM)
	nodes        int
	cpus         int
	memBytes     int64
	tasksPerNode int // PJM; at least 1
	directives   []string
	setup        []string
}

func (r Resources) resolve(k Kind) (resolved, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("sched: "+format, args...))
	}
	out := resolved{account: r.Account, nodes: r.Nodes, cpus: r.CPUs, tasksPerNode: 1, setup: r.Setup}

	// The queue, under whichever of its names.
	names := []struct{ field, value string }{
		{"partition", r.Partition}, {"queue", r.Queue}, {"rscgrp", r.RscGrp}, {"resource_type", r.ResourceType},
	}
	first := ""
	for _, n := range names {
		if n.value == "" {
			continue
		}
		if !directiveSafe(n.value) {
			bad("resources.%s %q: want a name without spaces, quotes or backslashes", n.field, n.value)
			continue
		}
		if out.queue == "" {
			out.queue, first = n.value, n.field
		} else if n.value != out.queue {
			bad("resources.%s %q and resources.%s %q disagree: both name the queue (Slurm partition, PBS queue or ABCI resource type, PJM resource group)", first, out.queue, n.field, n.value)
		}
	}
	if r.Account != "" && !directiveSafe(r.Account) {
		bad("resources.account %q: want a name without spaces, quotes or backslashes", r.Account)
	}

	for _, t := range []struct{ field, value string }{{"time", r.Time}, {"elapse", r.Elapse}} {
		if t.value == "" {
			continue
		}
		norm, err := parseWallTime(t.value)
		if err != nil {
			bad("resources.%s: %v", t.field, err)
			continue
		}
		if t.field == "time" || k == PJM {
			out.time = norm // for PJM, elapse (checked second) wins
		}
	}

	if r.Nodes < 0 {
		bad("resources.nodes %d: negative", r.Nodes)
	}
	if r.CPUs < 0 {
		bad("resources.cpus %d: negative", r.CPUs)
	}
	if r.TasksPerNode < 0 {
		bad("resources.tasks_per_node %d: negative", r.TasksPerNode)
	}
	switch k {
	case PJM:
		if r.Nodes > 1 {
			bad("resources.nodes %d: a PJM task is one process (one MPI rank) on one node; use 1, or tasks_per_node to share nodes", r.Nodes)
		}
		if r.CPUs > 0 {
			bad("resources.cpus %d: PJM gives each task whole nodes; use tasks_per_node to put several tasks on a node", r.CPUs)
		}
		if r.TasksPerNode > 0 {
			out.tasksPerNode = r.TasksPerNode
		}
	default:
		if r.TasksPerNode != 0 {
			bad("resources.tasks_per_node applies to PJM only: %s runs each task as a job of its own", k.title())
		}
	}

	if r.Memory != "" {
		n, err := parseSize(r.Memory)
		switch {
		case err != nil:
			bad("resources.memory: %v", err)
		case n < 1<<20:
			bad("resources.memory %q: less than 1MiB", r.Memory)
		default:
			out.memBytes = n
		}
	}

	for i, d := range r.Directives {
		switch {
		case strings.ContainsAny(d, "\n\r\x00"):
			bad("resources.directives[%d] %q: one directive a line", i, d)
		case strings.TrimSpace(d) == "":
			bad("resources.directives[%d]: empty", i)
		case strings.HasPrefix(d, "#"):
			out.directives = append(out.directives, d)
		default:
			out.directives = append(out.directives, k.prefix()+" "+d)
		}
	}
	for i, s := range r.Setup {
		if strings.ContainsRune(s, 0) {
			bad("resources.setup[%d]: contains a NUL byte", i)
		}
	}
	return out, errors.Join(errs...)
}

// directiveSafe tells whether s can stand unquoted in a scheduler directive
// (#SBATCH, #PBS, #PJM lines are not shell: they cannot quote).
func directiveSafe(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n\r\x00\"'\\`$")
}

// parseWallTime checks "HH:MM:SS" (any number of hour digits) and returns
// it with at least two hour digits.
func parseWallTime(s string) (string, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return "", fmt.Errorf("%q: want HH:MM:SS", s)
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' || (i > 0 && len(p) != 2) {
			return "", fmt.Errorf("%q: want HH:MM:SS", s)
		}
		v[i] = n
	}
	if v[1] > 59 || v[2] > 59 {
		return "", fmt.Errorf("%q: minutes and seconds must be below 60", s)
	}
	if v == [3]int{} {
		return "", fmt.Errorf("%q: zero", s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", v[0], v[1], v[2]), nil
}

// parseSize reads "28GiB", "28G", "1.5GB", "4096" (bytes): k, M, G, T alone
// or with iB are powers of 1024, with B powers of 1000, the same units as
// jacorpus's other sizes.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("%q: want a size such as 28GiB (units KiB, MiB, GiB, TiB or KB, MB, GB, TB)", s)
	}
	mult, ok := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "ki": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mi": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gi": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "ti": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q", s, t[i:])
	}
	v := f * mult
	if v >= 1<<53 {
		return 0, fmt.Errorf("%q: too large", s)
	}
	return int64(math.Ceil(v)), nil
}

// memory formats n bytes as a whole number of GiB when it is one, else of
// MiB rounded up, with the scheduler's unit names: Slurm 28G, PBS 28gb,
// PJM 28Gi.
func memory(k Kind, n int64) string {
	units := map[Kind][2]string{Slurm: {"M", "G"}, PBS: {"mb", "gb"}, PJM: {"Mi", "Gi"}}[k]
	if n%(1<<30) == 0 {
		return strconv.FormatInt(n>>30, 10) + units[1]
	}
	return strconv.FormatInt((n+1<<20-1)>>20, 10) + units[0]
}
