#!/bin/bash
#SBATCH --job-name=jacorpus-buckets
#SBATCH --array=0-1
#SBATCH --output=/home/user/corpus/logs/03-buckets.%A_%a.out
#SBATCH --partition=cpu
#SBATCH --account=proj-ja
#SBATCH --time=04:00:00
#SBATCH --nodes=1
#SBATCH --cpus-per-task=16
#SBATCH --mem=28G
#SBATCH --mail-type=FAIL
# jacorpus phase buckets (3 of 5): 2 tasks, a job array; the index is SLURM_ARRAY_TASK_ID.
# It starts after every task of phase 2 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
export TMPDIR=/local/$SLURM_JOB_ID
export JACORPUS_TASK_COUNT=2
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase buckets
