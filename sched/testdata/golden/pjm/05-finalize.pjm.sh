#!/bin/bash
#PJM --name jacorpus-finalize
#PJM -L "rscgrp=small"
#PJM -L "node=1"
#PJM -L "elapse=04:00:00"
#PJM -g hp240000
#PJM -j
#PJM -o "/home/user/corpus/logs/05-finalize.%j.out"
#PJM -x PJM_LLIO_GFSCACHE=/vol0004
# jacorpus phase finalize (5 of 5): 1 task.
# It starts after every task of phase 4 succeeded; submit.sh submits the phases in order.
set -euo pipefail
cd /home/user/corpus
exec /home/user/bin/jacorpus-linux-arm64 run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase finalize
