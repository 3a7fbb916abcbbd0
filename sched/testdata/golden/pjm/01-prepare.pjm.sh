#!/bin/bash
#PJM --name jacorpus-prepare
#PJM -L "rscgrp=small"
#PJM -L "node=1"
#PJM -L "elapse=04:00:00"
#PJM -g hp240000
#PJM -j
#PJM -o "/home/user/corpus/logs/01-prepare.%j.out"
#PJM -x PJM_LLIO_GFSCACHE=/vol0004
# jacorpus phase prepare (1 of 5): 1 task.
set -euo pipefail
cd /home/user/corpus
exec /home/user/bin/jacorpus-linux-arm64 run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase prepare
