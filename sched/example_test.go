package sched_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/sched"
)

// Example writes the Slurm scripts of a two-phase job and prints the
// second, a job array of four tasks.
func Example() {
	opts := sched.Options{
		Kind: sched.Slurm,
		Resources: sched.Resources{
			Partition: "cpu",
			Time:      "02:00:00",
			CPUs:      16,
			Memory:    "28GiB",
		},
		Command: []string{"/opt/bin/jacorpus", "run", "-c", "/data/my corpus/job.yaml", "--work-dir", "/scratch/work"},
		Dir:     "/data/my corpus",
		LogDir:  "/scratch/logs",
	}
	scripts, err := sched.Scripts(opts, []sched.Phase{{Name: "prepare", Tasks: 1}, {Name: "signatures", Tasks: 4}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scripts[1].File)
	fmt.Print(scripts[1].Text)
	// Output:
	// 02-signatures.slurm.sh
	// #!/bin/bash
	// #SBATCH --job-name=jacorpus-signatures
	// #SBATCH --array=0-3
	// #SBATCH --output=/scratch/logs/02-signatures.%A_%a.out
	// #SBATCH --partition=cpu
	// #SBATCH --time=02:00:00
	// #SBATCH --cpus-per-task=16
	// #SBATCH --mem=28G
	// # jacorpus phase signatures (2 of 2): 4 tasks, a job array; the index is SLURM_ARRAY_TASK_ID.
	// # It starts after every task of phase 1 succeeded; submit.sh submits the phases in order.
	// set -euo pipefail
	// cd '/data/my corpus'
	// export JACORPUS_TASK_COUNT=4
	// exec /opt/bin/jacorpus run -c '/data/my corpus/job.yaml' --work-dir /scratch/work --phase signatures
}
