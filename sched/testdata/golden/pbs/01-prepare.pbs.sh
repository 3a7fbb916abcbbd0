#!/bin/bash
#PBS -N jacorpus-prepare
#PBS -j oe
#PBS -o /home/user/corpus/logs/
#PBS -q rt_HC
#PBS -P gaa50000
#PBS -l select=1
#PBS -l walltime=04:00:00
# jacorpus phase prepare (1 of 5): 1 task.
set -euo pipefail
cd /home/user/corpus
ulimit -n 65536
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase prepare
