// Package taskenv tells which task of an array job this process is, from
// the environment the batch scheduler or MPI launcher gives it: Slurm job
// arrays, PBS Pro array jobs (ABCI), Fujitsu PJM bulk jobs (Fugaku) and
// MPI-launched ranks (Open MPI, MPICH/Intel MPI's PMI).
package taskenv

import (
	"fmt"
	"strconv"
	"strings"
)

// CountVar is the variable jacorpus submit's scripts set to the task count
// where the scheduler does not give it (PBS, PJM).
const CountVar = "JACORPUS_TASK_COUNT"

// Task is task Index of Count (0-based), and the variables it came from.
type Task struct {
	Index, Count int
	// From names the variables, e.g. "SLURM_ARRAY_TASK_ID".
	From string
	// CountKnown is false when the environment gives the index only (PBS,
	// PJM without JACORPUS_TASK_COUNT): the count must come from elsewhere.
	CountKnown bool
}

// FromEnv reads the task from getenv (os.Getenv). ok is false when no
// scheduler or launcher variable is set. Two different sources at once, a
// value that is not a number, or an index outside the count are errors
// naming the variables.
func FromEnv(getenv func(string) string) (t Task, ok bool, err error) {
	var found []Task
	num := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, true, fmt.Errorf("taskenv: %s=%q is not a non-negative integer", name, v)
		}
		return n, true, nil
	}
	// Slurm job array: index from the range min..max by step.
	if id, set, err := num("SLURM_ARRAY_TASK_ID"); err != nil {
		return Task{}, false, err
	} else if set {
		lo, _, err1 := num("SLURM_ARRAY_TASK_MIN")
		hi, hiSet, err2 := num("SLURM_ARRAY_TASK_MAX")
		step, stepSet, err3 := num("SLURM_ARRAY_TASK_STEP")
		count, countSet, err4 := num("SLURM_ARRAY_TASK_COUNT")
		for _, e := range []error{err1, err2, err3, err4} {
			if e != nil {
				return Task{}, false, e
			}
		}
		if !stepSet || step == 0 {
			step = 1
		}
		t := Task{From: "SLURM_ARRAY_TASK_ID", Index: (id - lo) / step, Count: count, CountKnown: countSet}
		if hiSet {
			n := (hi-lo)/step + 1
			if countSet && n != count || (id-lo)%step != 0 || id < lo {
				return Task{}, false, fmt.Errorf("taskenv: the Slurm array (SLURM_ARRAY_TASK_MIN=%d, MAX=%d, STEP=%d, COUNT=%d, ID=%d) is not one range min-max:step; submit it as --array=0-N or pass --task-index and --task-count", lo, hi, step, count, id)
			}
			t.Count, t.CountKnown = n, true
		}
		found = append(found, t)
	}
	countVar, countVarSet, err := num(CountVar)
	if err != nil {
		return Task{}, false, err
	}
	// PBS Pro array job (qsub -J 0-N) and PJM bulk job (pjsub --bulk
	// --sparam 0-N): the index only.
	for _, name := range []string{"PBS_ARRAY_INDEX", "PJM_BULKNUM"} {
		if id, set, err := num(name); err != nil {
			return Task{}, false, err
		} else if set {
			found = append(found, Task{From: name, Index: id, Count: countVar, CountKnown: countVarSet})
		}
	}
	// MPI ranks.
	mpi := false
	for _, pair := range [][2]string{{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}, {"PMI_RANK", "PMI_SIZE"}} {
		rank, rankSet, err1 := num(pair[0])
		size, sizeSet, err2 := num(pair[1])
		if err1 != nil || err2 != nil {
			return Task{}, false, fmt.Errorf("%w%w", orNil(err1), orNil(err2))
		}
		if rankSet {
			if !sizeSet {
				return Task{}, false, fmt.Errorf("taskenv: %s is set but not %s", pair[0], pair[1])
			}
			found = append(found, Task{From: pair[0], Index: rank, Count: size, CountKnown: true})
			mpi = true
			break // Open MPI may set PMI_* too; its own variables come first
		}
	}
	// A PMIx launcher alone (Fujitsu MPI's mpiexec on Fugaku may give only
	// PMIX_RANK): the count from JACORPUS_TASK_COUNT, which the scripts set.
	if !mpi {
		if rank, set, err := num("PMIX_RANK"); err != nil {
			return Task{}, false, err
		} else if set {
			found = append(found, Task{From: "PMIX_RANK", Index: rank, Count: countVar, CountKnown: countVarSet})
		}
	}
	if len(found) == 0 {
		return Task{}, false, nil
	}
	if len(found) > 1 {
		names := make([]string, len(found))
		for i, f := range found {
			names[i] = f.From
		}
		return Task{}, false, fmt.Errorf("taskenv: both %s are set: which is the task? pass --task-index and --task-count", strings.Join(names, " and "))
	}
	t = found[0]
	if t.CountKnown && (t.Count < 1 || t.Index >= t.Count) {
		return Task{}, false, fmt.Errorf("taskenv: %s gives task %d of %d", t.From, t.Index, t.Count)
	}
	return t, true, nil
}

// orNil keeps %w of a nil error empty.
func orNil(err error) error {
	if err == nil {
		return noErr{}
	}
	return err
}

type noErr struct{}

func (noErr) Error() string { return "" }
