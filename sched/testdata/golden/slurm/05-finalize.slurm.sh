#!/bin/bash
#SBATCH --job-name=jacorpus-finalize
#SBATCH --output=/home/user/corpus/logs/05-finalize.%j.out
#SBATCH --partition=cpu
#SBATCH --account=proj-ja
#SBATCH --time=04:00:00
#SBATCH --nodes=1
#SBATCH --cpus-per-task=16
#SBATCH --mem=28G
#SBATCH --mail-type=FAIL
# jacorpus phase finalize (5 of 5): 1 task.
# It starts after every task of phase 4 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
export TMPDIR=/local/$SLURM_JOB_ID
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase finalize
