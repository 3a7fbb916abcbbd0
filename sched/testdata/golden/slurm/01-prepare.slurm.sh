#!/bin/bash
#SBATCH --job-name=jacorpus-prepare
#SBATCH --output=/home/user/corpus/logs/01-prepare.%j.out
#SBATCH --partition=cpu
#SBATCH --account=proj-ja
#SBATCH --time=04:00:00
#SBATCH --nodes=1
#SBATCH --cpus-per-task=16
#SBATCH --mem=28G
#SBATCH --mail-type=FAIL
# jacorpus phase prepare (1 of 5): 1 task.
set -euo pipefail
cd /home/user/corpus
export TMPDIR=/local/$SLURM_JOB_ID
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase prepare
