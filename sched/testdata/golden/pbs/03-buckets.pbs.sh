#!/bin/bash
#PBS -N jacorpus-buckets
#PBS -J 0-1
#PBS -j oe
#PBS -o /home/user/corpus/logs/
#PBS -q rt_HC
#PBS -P gaa50000
#PBS -l select=1
#PBS -l walltime=04:00:00
# jacorpus phase buckets (3 of 5): 2 tasks, an array job; the index is PBS_ARRAY_INDEX.
# It starts after every task of phase 2 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
ulimit -n 65536
export JACORPUS_TASK_COUNT=2
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase buckets
