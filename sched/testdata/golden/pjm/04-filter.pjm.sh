#!/bin/bash
#PJM --name jacorpus-filter
#PJM -L "rscgrp=small"
#PJM -L "node=4"
#PJM -L "elapse=04:00:00"
#PJM --mpi "max-proc-per-node=1"
#PJM -g hp240000
#PJM -j
#PJM -o "/home/user/corpus/logs/04-filter.%j.out"
#PJM -x PJM_LLIO_GFSCACHE=/vol0004
# jacorpus phase filter (4 of 5): 4 tasks, started by mpiexec; the index is the MPI rank (OMPI_COMM_WORLD_RANK).
# It starts after every task of phase 3 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
export JACORPUS_TASK_COUNT=4
exec mpiexec -n 4 /home/user/bin/jacorpus-linux-arm64 run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase filter
