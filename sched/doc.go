// Package sched writes and submits the batch scripts of a phased jacorpus
// job: one script per phase, each phase starting only after every task of
// the previous one succeeded. It knows Slurm, PBS Professional (ABCI 3.0)
// and Fujitsu PJM (Fugaku).
//
// Every task of a phase runs the same command, the job's Command followed
// by "--phase NAME"; the task learns its index from the environment the
// scheduler gives it (package taskenv reads it). A phase of one task is
// never an array: its process finds no index and is the only task.
//
// Slurm. A phase of N > 1 tasks is a job array (#SBATCH --array=0-(N-1),
// index in SLURM_ARRAY_TASK_ID). Phases are chained with
// sbatch --dependency=afterok:ID, where ID is the array job's ID: a
// dependency on it waits for every task of the array and is satisfied only
// when all exited 0. --kill-on-invalid-dep=yes makes Slurm cancel the rest
// of the chain when a phase failed, instead of leaving it pending forever.
//
// PBS Professional (ABCI 3.0). A phase of N > 1 tasks is an array job
// (#PBS -J 0-(N-1), index in PBS_ARRAY_INDEX; JACORPUS_TASK_COUNT carries
// N, which PBS does not give). qsub prints an array job's ID as
// "123[].server"; -W depend=afterok:123[].server waits for the whole array,
// whose exit status is 0 only when every subjob exited 0; when a phase
// fails, PBS deletes the jobs that depend on it, and theirs. PBS starts a job
// in the user's home directory, so every script changes to Options.Dir
// first. ABCI 3.0 takes the resource type (rt_HF, rt_HG, rt_HC) as the
// queue: #PBS -q rt_HC, with -l select=N and -P group.
//
// PJM (Fugaku). PJM chains jobs only as the sub jobs of a step job
// (pjsub --step), and a bulk job (pjsub --bulk, PJM's array) cannot be one
// of them: the Fugaku user guide lists --bulk with --step as an invalid
// combination. Chaining bulk jobs otherwise needs a process on the login
// node that waits for each one (a "workflow job" with pjwait) for the whole
// run. So every phase is one sub job of a single step job: a phase of N
// tasks asks for ceil(N/tasks_per_node) nodes and starts its N processes
// with "mpiexec -n N"; each process reads its index from the MPI rank
// (OMPI_COMM_WORLD_RANK and _SIZE: Fujitsu MPI is built on Open MPI). Sub
// job k > 0 carries sd=ec!=0:all:(k-1): when the previous phase's script
// exits non-zero, PJM deletes this sub job and all later ones. The price:
// a phase's tasks are scheduled together and its nodes stay allocated until
// its slowest task ends. jacorpus tasks are not MPI programs; mpiexec only
// starts them.
//
// Facts relied on, with their sources:
//
//   - sbatch --parsable prints "jobid" or "jobid;cluster"; --dependency
//     afterok; --kill-on-invalid-dep; output patterns %A (array job ID),
//     %a (task ID), %j (job ID); --mem units K, M, G, T (binary);
//     --time hours:minutes:seconds:
//     https://slurm.schedmd.com/sbatch.html
//   - a dependency on an array job's ID covers every task of the array:
//     https://slurm.schedmd.com/job_array.html
//   - qsub prints "sequence[].server" for an array job; -J X-Y; -W
//     depend=afterok:ID; -o path without a file name writes jobid.OU there;
//     -j oe; -P project: qsub(1B),
//     https://github.com/openpbs/openpbs/blob/master/doc/man1/qsub.1B
//   - afterok on an array job's ID is accepted and waits for the array, and
//     a job whose dependency can no longer be met is deleted, down the
//     chain: openpbs test/tests/functional/pbs_job_dependency.py; the array's exit
//     status is 0 when all subjobs exited 0, 1 when one exited non-zero, 2
//     when one was deleted or aborted: chk_array_doneness in openpbs
//     src/server/array_func.c (https://github.com/openpbs/openpbs)
//   - PBS sizes: mem=28gb, units kb, mb, gb (powers of 1024):
//     pbs_resources(7B) in the same repository
//   - ABCI 3.0 job scripts: #PBS -q rt_HF, -l select=1, -l walltime=,
//     -P grpname, and cd ${PBS_O_WORKDIR}:
//     https://docs.abci.ai/v3/en/job-execution/
//   - pjsub --bulk --sparam "start-end", PJM_BULKNUM, and "--bulk with
//     --step is an error":
//     https://www.r-ccs.riken.jp/fugaku/docs/user-guide/sys-use/user-guide-use-1.49/build/en/JobExecution/BulkJob.html
//   - step jobs: pjsub --step [--sparam "sn=N"], then
//     --sparam "jid=ID,sn=N"; sub job IDs are ID_N; later sub jobs can be
//     added only while an earlier one is still queued or running:
//     https://www.r-ccs.riken.jp/fugaku/docs/user-guide/sys-use/user-guide-use-1.49/build/en/JobExecution/StepJob.html
//   - dependency expressions sd=form[:deletetype[:stepno...]], form on ec
//     (the job script's exit code) or pc, deletetype one, after or all
//     ("all": delete this sub job and every later one):
//     https://riken-rccs.github.io/WHEEL/WHEEL_manual/4_component/10_Stepjob.html
//   - pjsub -z jid prints only the job ID; pjwait for workflow jobs:
//     https://www.r-ccs.riken.jp/fugaku/docs/user-guide/sys-use/user-guide-use-1.49/build/en/JobExecution/WorkflowJob.html
//   - #PJM -L "rscgrp=small", -L "node=N", -L "elapse=HH:MM:SS",
//     --mpi "max-proc-per-node=N", -g group, --name, -j, -o with %j:
//     the same guide (BulkJob.html's script, pjsubCommandOptions.html)
//   - Open MPI sets OMPI_COMM_WORLD_RANK and OMPI_COMM_WORLD_SIZE in every
//     process it starts:
//     https://docs.open-mpi.org/en/v5.0.x/tuning-apps/environment-var.html
package sched
