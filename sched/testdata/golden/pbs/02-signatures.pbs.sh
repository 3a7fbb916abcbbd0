#!/bin/bash
#PBS -N jacorpus-signatures
#PBS -J 0-3
#PBS -j oe
#PBS -o /home/user/corpus/logs/
#PBS -q rt_HC
#PBS -P gaa50000
#PBS -l select=1
#PBS -l walltime=04:00:00
# jacorpus phase signatures (2 of 5): 4 tasks, an array job; the index is PBS_ARRAY_INDEX.
# It starts after every task of phase 1 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
ulimit -n 65536
export JACORPUS_TASK_COUNT=4
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase signatures
