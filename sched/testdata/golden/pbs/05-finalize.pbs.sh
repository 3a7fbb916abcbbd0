#!/bin/bash
#PBS -N jacorpus-finalize
#PBS -j oe
#PBS -o /home/user/corpus/logs/
#PBS -q rt_HC
#PBS -P gaa50000
#PBS -l select=1
#PBS -l walltime=04:00:00
# jacorpus phase finalize (5 of 5): 1 task.
# It starts after every task of phase 4 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
ulimit -n 65536
exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase finalize
